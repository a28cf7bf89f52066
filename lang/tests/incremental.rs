//! The incremental database: an edit re-runs only what it reaches — asserted from salsa's own
//! execution events — and what it gives is what checking from scratch gives, span for span.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::sync::Arc;

use promo_lang::db::{Cancelled, Database, Executed};
use promo_lang::{Checked, Ruleset, check, lower, source_hash};

/// A file of about 5,000 lines: a schema, settings, a pool, 480 ten-line promotions, and at the
/// end a promotion with an unknown attribute and one whose name is taken.
fn big_file(discount: &str) -> String {
    let mut s = String::from(
        "schema {\n  enum tier: silver < gold\n  product {\n    brand: text\n  }\n  customer {\n    tier: tier\n  }\n}\n\nsettings {\n  currency USD\n}\n\npool shoes = category == \"shoes\"\n",
    );
    for i in 0..480 {
        let off = if i == 240 { discount } else { "10%" };
        s.push_str(&format!(
            "\n// Promotion {i}.\npromotion \"p{i}\" {{\n  level item\n  scope shoes and brand == \"B{i}\"\n  eligible customer.tier >= silver\n  discount {off}\n  limit 2 per customer\n  stock 100\n  label \"Sale {i}\" priority {i}\n}}\n"
        ));
    }
    s.push_str("\npromotion \"broken\" {\n  level item\n  scope brnd == \"x\"\n  discount 10%\n}\n");
    s.push_str("\npromotion \"p3\" {\n  level item\n  scope shoes\n  discount 5%\n}\n");
    s
}

fn ruleset(text: &str) -> Ruleset {
    let mut r = Ruleset::new();
    r.add_file("big.promo", text.to_owned());
    r
}

/// What an auditor compares: every diagnostic with its place and words, and the program.
fn summary(c: &Checked) -> (Vec<(String, usize, usize, String)>, String) {
    let diagnostics = c.diagnostics.iter().map(|d| (d.code(), d.span().start, d.span().end, d.message())).collect();
    (diagnostics, format!("{:?}", c.program))
}

fn runs<'a>(executed: &'a [Executed], query: &str) -> Vec<&'a Executed> {
    executed.iter().filter(|e| e.query == query).collect()
}

#[test]
fn editing_one_promotion_re_checks_only_that_promotion() {
    let text = big_file("10%");
    assert!(text.lines().count() >= 4_900, "{} lines", text.lines().count());
    let mut db = Database::recording();
    let handle = db.add_ruleset(&ruleset(&text));
    let first = db.checked(handle.input);
    // The broken one is left out; p3's twin is checked like any other (its name is the error).
    assert_eq!(first.program.promotions.len(), 481);
    assert!(first.has_errors());
    let cold = db.take_executed();
    assert_eq!(runs(&cold, "check_promotion").len(), 482, "every promotion is checked once at first");
    assert_eq!(runs(&cold, "environment").len(), 1);

    // A longer discount: every byte after it moves.
    let edited = big_file("12.5% when spend 300.00");
    let file = handle.files.last().copied().unwrap();
    db.set_text(file, Arc::from(edited.as_str()));
    let second = db.checked(handle.input);
    let warm = db.take_executed();

    let rechecked: Vec<_> = runs(&warm, "check_promotion").iter().map(|e| e.item.clone().unwrap()).collect();
    assert_eq!(rechecked, ["promotion \"p240\" {"], "only the edited promotion is re-checked");
    let reparsed: Vec<_> = runs(&warm, "chunk_syntax").iter().map(|e| e.item.clone().unwrap()).collect();
    assert_eq!(reparsed, ["promotion \"p240\" {"], "only the edited chunk is parsed again");
    assert!(runs(&warm, "environment").is_empty(), "the declarations did not change: {warm:?}");

    // The same answer as checking the edited text from scratch, every span in place.
    let scratch = check(&ruleset(&edited));
    assert_eq!(summary(&second), summary(&scratch));
    let broken = second.diagnostics.iter().find(|d| d.code() == "promo::name::unknown_attribute").unwrap();
    let at = edited.find("brnd").unwrap();
    assert_eq!((broken.span().start, broken.span().end), (at, at + 4));
    let twin = second.diagnostics.iter().find(|d| d.code() == "promo::name::duplicate_promotion").unwrap();
    assert_eq!(twin.span().start, edited.rfind("\"p3\"").unwrap());
    let p240 = second.program.promotions.iter().find(|p| p.name == "p240").unwrap();
    assert_eq!(p240.span.start, edited.find("promotion \"p240\"").unwrap());
}

#[test]
fn editing_a_declaration_re_checks_every_promotion() {
    let mut db = Database::recording();
    let text = big_file("10%");
    let handle = db.add_ruleset(&ruleset(&text));
    db.checked(handle.input);
    db.take_executed();
    let edited = text.replace("pool shoes = category == \"shoes\"", "pool shoes = category == \"boots\"");
    db.set_text(handle.files.last().copied().unwrap(), Arc::from(edited.as_str()));
    let checked = db.checked(handle.input);
    let warm = db.take_executed();
    assert_eq!(runs(&warm, "environment").len(), 1);
    assert_eq!(runs(&warm, "check_promotion").len(), 482, "a pool every promotion may use changed");
    assert_eq!(summary(&checked), summary(&check(&ruleset(&edited))));
}

#[test]
fn renaming_a_promotion_re_checks_only_it_and_those_that_name_promotions() {
    let mut text = big_file("10%");
    text.push_str("\npromotion \"stacker\" {\n  level item\n  scope shoes\n  discount 1%\n  stacks with \"p7\"\n}\n");
    let mut db = Database::recording();
    let handle = db.add_ruleset(&ruleset(&text));
    db.checked(handle.input);
    db.take_executed();
    let edited = text.replace("promotion \"p7\" {", "promotion \"p7b\" {");
    db.set_text(handle.files.last().copied().unwrap(), Arc::from(edited.as_str()));
    let checked = db.checked(handle.input);
    let warm = db.take_executed();
    let mut rechecked: Vec<_> = runs(&warm, "check_promotion").iter().map(|e| e.item.clone().unwrap()).collect();
    rechecked.sort();
    assert_eq!(rechecked, ["promotion \"p7b\" {", "promotion \"stacker\" {"]);
    let unknown = checked.diagnostics.iter().find(|d| d.code() == "promo::name::unknown_promotion").unwrap();
    assert_eq!(unknown.span().start, edited.find("\"p7\"\n}").unwrap());
    assert_eq!(summary(&checked), summary(&check(&ruleset(&edited))));
}

#[test]
fn an_edit_cancels_a_check_in_flight_and_lands() {
    let mut text = String::from("settings { currency USD }\n");
    for i in 0..4_000 {
        text.push_str(&format!("promotion \"p{i}\" {{\n  level item\n  scope sku == \"S{i}\"\n  discount 10%\n}}\n"));
    }
    let mut db = Database::new();
    let handle = db.add_ruleset(&ruleset(&text));
    let file = handle.files.last().copied().unwrap();
    let reader = db.clone();
    let (started, wait) = std::sync::mpsc::channel();
    let input = handle.input;
    let worker = std::thread::spawn(move || {
        started.send(()).unwrap();
        Cancelled::catch(std::panic::AssertUnwindSafe(|| reader.checked(input).program.promotions.len()))
    });
    wait.recv().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    // Setting an input cancels the handle's queries and waits for the handle to go.
    db.set_text(
        file,
        Arc::from("settings { currency USD }\npromotion \"only\" {\n  level item\n  scope all\n  discount 5%\n}\n"),
    );
    match worker.join().unwrap() {
        Err(_cancelled) => {}
        Ok(n) => assert_eq!(n, 4_000, "a check that finished before the edit saw the old text"),
    }
    let after = db.checked(handle.input);
    assert_eq!(after.program.promotions.len(), 1);
    assert_eq!(after.program.promotions[0].name, "only");
}

#[test]
fn the_lowered_query_gives_what_lowering_the_checked_program_gives() {
    let mut r = Ruleset::new();
    r.add_file("schema.promo", include_str!("../../examples/marketplace/schema.promo"));
    r.add_file("settings.promo", include_str!("../../examples/marketplace/settings.promo"));
    r.add_file("pools.promo", include_str!("../../examples/marketplace/pools.promo"));
    r.add_file("store.promo", include_str!("../../examples/marketplace/store.promo"));
    let mut db = Database::recording();
    let handle = db.add_ruleset(&r);
    let from_db = db.lowered(handle.input).unwrap();
    let direct = lower(&check(&r).program, source_hash(&r)).unwrap();
    assert_eq!(from_db.to_json().unwrap(), direct.to_json().unwrap());
    assert!(!from_db.promotions.is_empty());
    // Asked again with nothing changed, nothing runs.
    db.take_executed();
    db.lowered(handle.input).unwrap();
    assert_eq!(db.take_executed(), []);
}

/// Every `.promo` file under `dir`, recursively.
fn promo_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            promo_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "promo") {
            out.push(path);
        }
    }
}

/// What `parse` of the whole file gives, and what parsing its chunks one by one gives.
fn whole_and_chunked(text: &str) -> (String, String) {
    let file = promo_lang::FileId(3);
    let whole = promo_lang::syntax::parse(file, text);
    let bounds = promo_lang::syntax::chunks(text);
    let (mut items, mut errors) = (Vec::new(), Vec::new());
    for (i, &(start, end)) in bounds.iter().enumerate() {
        let lookahead: String = bounds
            .get(i + 1)
            .map(|&(next, _)| text[next..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect())
            .unwrap_or_default();
        let chunk = format!("{}{lookahead}", &text[start..end]);
        let parsed = promo_lang::syntax::parse_chunk(file, &chunk, end - start, start);
        items.extend(parsed.file.items);
        errors.extend(parsed.errors);
    }
    (format!("{:?}\n{:?}", whole.file.items, whole.errors), format!("{items:?}\n{errors:?}"))
}

#[test]
fn every_file_parses_chunk_by_chunk_to_what_it_parses_to_whole() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    promo_files(&root.join("examples"), &mut files);
    promo_files(&root.join("spec"), &mut files);
    promo_files(&root.join("tests"), &mut files);
    let mut texts: Vec<(String, String)> =
        files.iter().map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap())).collect();
    texts.extend(promo_stdlib::MODULES.iter().map(|m| (m.name.to_owned(), m.source.to_owned())));
    // Broken on purpose: unclosed blocks, strings and items, at the end and in the middle.
    let example = &texts[0].1.clone();
    for mut cut in [example.len() / 3, example.len() / 2, example.len() - 2] {
        while !example.is_char_boundary(cut) {
            cut -= 1;
        }
        let mut broken = example.clone();
        broken.truncate(cut);
        texts.push((format!("cut at {cut}"), broken.clone()));
        texts.push((format!("cut at {cut}, then the rest"), format!("{broken}\n{example}")));
    }
    assert!(texts.len() > 40, "only {} files", texts.len());
    for (name, text) in &texts {
        let (whole, chunked) = whole_and_chunked(text);
        assert_eq!(chunked, whole, "{name}");
    }
}

const STORE: &str = include_str!("../../examples/marketplace/store.promo");
const SMP: &str = include_str!("../../examples/smp-flash-sale/promotions.promo");
const SMP_SCHEMA: &str = include_str!("../../examples/smp-flash-sale/schema.promo");

/// `text` with `text[at..at + len]` replaced by `with` (on character boundaries).
fn splice(text: &str, at: usize, len: usize, with: &str) -> String {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let mut end = (at + len).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{with}{}", &text[..at], &text[end..])
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// Whatever an edit does — delete, insert a brace, a keyword line, a string quote — the file
    /// parses chunk by chunk to what it parses to whole.
    #[test]
    fn edited_files_parse_chunk_by_chunk_as_whole(
        example in 0..2usize,
        at in 0..20_000usize,
        len in 0..40usize,
        with in proptest::sample::select(vec!["", "{", "}", "\"", "\npromotion \"x\" {\n", "\npool ", " and ", "//", "\n"]),
    ) {
        let text = splice([STORE, SMP][example], at, len, with);
        let (whole, chunked) = whole_and_chunked(&text);
        proptest::prop_assert_eq!(chunked, whole);
    }

    /// An edit checked incrementally gives what checking the edited text from scratch gives,
    /// span for span, however much of the earlier work it reuses.
    #[test]
    fn an_edit_checks_to_what_a_fresh_check_gives(
        at in 0..20_000usize,
        len in 0..40usize,
        with in proptest::sample::select(vec!["", "{", "}", "\"", "\npromotion \"x\" {\n  level item\n  scope all\n  discount 5%\n}\n", "\n\n\n", "10.00", " and ", "//"]),
    ) {
        let edited = splice(SMP, at, len, with);
        let build = |text: &str| {
            let mut r = Ruleset::new();
            r.add_file("schema.promo", SMP_SCHEMA);
            r.add_file("promotions.promo", text.to_owned());
            r
        };
        let mut db = Database::new();
        let handle = db.add_ruleset(&build(SMP));
        db.checked(handle.input);
        db.set_text(handle.files.last().copied().unwrap(), Arc::from(edited.as_str()));
        let incremental = db.checked(handle.input);
        proptest::prop_assert_eq!(summary(&incremental), summary(&check(&build(&edited))));
    }
}

#[test]
fn the_trees_after_an_edit_are_the_whole_file_parsed_in_file_offsets() {
    let text = big_file("10%");
    let mut db = Database::new();
    let r = ruleset(&text);
    let handle = db.add_ruleset(&r);
    db.checked(handle.input);
    let edited = big_file("12.5% when spend 300.00");
    db.set_text(handle.files.last().copied().unwrap(), Arc::from(edited.as_str()));
    let trees = db.trees(handle.input).items();
    let whole: Vec<_> = ruleset(&edited)
        .sources()
        .iter()
        .flat_map(|(id, s)| promo_lang::syntax::parse(id, &s.text).file.items.into_iter().map(move |i| (id, i)))
        .collect();
    assert_eq!(trees.len(), whole.len());
    assert_eq!(format!("{trees:?}"), format!("{whole:?}"));
}

/// Found by `edited_files_parse_chunk_by_chunk_as_whole`: an edit that leaves a template call
/// open and starts the next line with `pool` and an unclosed string. The call's error must come
/// from its own text — expected a value, found `pool` — not from the quote on the next item's
/// line, which only the whole-file parse could see.
#[test]
fn an_error_never_reads_past_its_item() {
    let text = splice(SMP, 6450, 14, "\npool ");
    let (whole, chunked) = whole_and_chunked(&text);
    assert_eq!(chunked, whole);
    let errors = promo_lang::syntax::parse(promo_lang::FileId(3), &text).errors;
    let pool = text.find("\npool Flash").unwrap() + 1;
    assert!(
        errors.iter().any(|e| matches!(e,
            promo_lang::syntax::SyntaxError::Unexpected { expected, found, span, .. }
                if expected == "a value" && found == "`pool`" && span.start == pool && span.end == pool + 4)),
        "{errors:?}"
    );
}
