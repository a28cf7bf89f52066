//! `promo check` as a user runs it: exit statuses, JSON fields, folders, and broken examples.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn promo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_promo"))
        .args(args)
        .current_dir(support::root())
        .env("NO_COLOR", "1")
        .output()
        .expect("promo runs")
}

fn json(output: &Output) -> Vec<Value> {
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str::<Vec<Value>>(&text).unwrap_or_else(|e| panic!("not a JSON array ({e}): {text}"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn every_example_checks_clean() {
    let out = promo(&["check", "examples"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    for name in ["smp-flash-sale", "marketplace", "gift-return", "single-vs-collection", "loyalty-extension"] {
        assert!(stderr.contains(&format!("ok: examples/{name} (")), "{name} not reported clean:\n{stderr}");
    }
    assert!(stderr.contains("checked 5 rulesets: 0 errors, 0 warnings"), "{stderr}");
    let out = promo(&["check", "--format", "json", "examples"]);
    assert_eq!(json(&out), Vec::<Value>::new());
}

#[test]
fn a_folder_of_files_is_one_ruleset() {
    // The marketplace keeps its schema, settings and pools in files of their own: checked alone,
    // a promotion file misses them.
    let alone = promo(&["check", "--format", "json", "examples/marketplace/item.promo"]);
    assert_eq!(alone.status.code(), Some(1));
    let together = promo(&["check", "examples/marketplace"]);
    assert_eq!(together.status.code(), Some(0), "{}", String::from_utf8_lossy(&together.stderr));
}

#[test]
fn json_diagnostics_carry_code_span_line_column_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shop.promo");
    let text =
        "settings { currency USD }\npromotion \"p\" {\n  level item\n  scope categry == \"shoes\"\n  price 10.00\n}\n";
    std::fs::write(&file, text).unwrap();
    let out = promo(&["check", "--format", "json", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let diags = json(&out);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d["code"], "promo::name::unknown_attribute");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "unknown product attribute `categry`");
    assert_eq!(d["file"], file.to_str().unwrap());
    let start = text.find("categry").unwrap();
    assert_eq!(d["span"]["start"], start);
    assert_eq!(d["span"]["end"], start + "categry".len());
    assert_eq!(d["line"], 4);
    assert_eq!(d["column"], 9);
    assert_eq!(d["help"], "did you mean `category`?");
}

#[test]
fn warnings_alone_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.promo");
    std::fs::write(&file, "pool lonely = brand == \"x\"\n").unwrap();
    let out = promo(&["check", "--format", "json", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let diags = json(&out);
    assert_eq!(diags[0]["severity"], "warning");
    assert_eq!(diags[0]["code"], "promo::name::unused_pool");
}

#[test]
fn human_output_shows_the_source_and_the_help() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("h.promo");
    std::fs::write(
        &file,
        "settings { currency USD }\npromotion \"p\" {\n  level item\n  scope all\n  price 10.00 EUR\n}\n",
    )
    .unwrap();
    let out = promo(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("promo::type::currency_mismatch"), "{stderr}");
    assert!(stderr.contains("currency mismatch: expected USD, found EUR"), "{stderr}");
    assert!(stderr.contains("price 10.00 EUR"), "the source line is shown:\n{stderr}");
    assert!(stderr.contains("this ruleset prices in USD"), "{stderr}");
    assert!(stderr.contains("checked 1 ruleset: 1 error, 0 warnings"), "{stderr}");
}

#[test]
fn usage_and_io_problems_exit_two() {
    assert_eq!(promo(&["check"]).status.code(), Some(2), "no path");
    assert_eq!(promo(&["check", "--format", "yaml", "examples"]).status.code(), Some(2), "bad format");
    assert_eq!(promo(&["frobnicate"]).status.code(), Some(2), "unknown command");
    let missing = promo(&["check", "no/such/place.promo"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read `no/such/place.promo`"));
    let empty = tempfile::tempdir().unwrap();
    let out = promo(&["check", empty.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no `.promo` files"));
    assert_eq!(promo(&["check", "Cargo.toml"]).status.code(), Some(2), "not a .promo file");
}

#[test]
fn a_file_that_is_not_utf8_is_an_error_naming_the_byte() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bin.promo");
    std::fs::write(&file, b"settings { currency USD }\n\xff\xfe").unwrap();
    let out = promo(&["check", "--format", "json", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let diags = json(&out);
    assert_eq!(diags[0]["code"], "promo::io::not_utf8");
    assert_eq!(diags[0]["span"]["start"], 26);
}

/// The issue's acceptance test: break an example three ways — a typo in an attribute, a currency
/// mismatch, an unclosed block — and each gives one diagnostic at the right place, while the
/// untouched promotions in the same files are still checked.
#[test]
fn an_example_broken_three_ways_gives_three_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("marketplace");
    copy_dir(&support::root().join("examples/marketplace"), &store);
    let edit = |name: &str, from: &str, to: &str| {
        let path = store.join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{name} has no `{from}`");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit("item.promo", "scope electronics and brand == \"Sonic\"", "scope electronics and brnd == \"Sonic\"");
    edit("item.promo", "price: 159.00, within: 24h", "price: 159.00 USD, within: 24h");
    edit("store.promo", "  scope acme_store\n}\n\npromotion \"Homebase", "  scope acme_store\n\npromotion \"Homebase");
    // And one more error in an untouched promotion, to prove the rest is still checked.
    edit("platform.promo", "threshold: 99.00)", "threshold: 99.001)");

    let out = promo(&["check", "--format", "json", store.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let diags = json(&out);
    let summary: Vec<(String, String, u64)> = diags
        .iter()
        .map(|d| {
            let file = Path::new(d["file"].as_str().unwrap()).file_name().unwrap().to_string_lossy().to_string();
            (file, d["code"].as_str().unwrap().to_owned(), d["line"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("item.promo".to_owned(), "promo::name::unknown_attribute".to_owned(), 18),
            ("item.promo".to_owned(), "promo::type::currency_mismatch".to_owned(), 37),
            ("platform.promo".to_owned(), "promo::value::money_precision".to_owned(), 25),
            ("store.promo".to_owned(), "promo::syntax::unclosed_block".to_owned(), 25),
        ]
    );
    assert_eq!(diags[0]["help"], "did you mean `brand`?");
}

#[test]
fn compile_writes_a_ruleset_the_runtime_loads() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("smp.json");
    let out = promo(&["compile", "examples/smp-flash-sale", "-o", out_file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("compiled 8 promotions to"), "{stderr}");
    let text = std::fs::read_to_string(&out_file).unwrap();
    let compiled = promo::runtime::CompiledRuleset::from_json(&text).unwrap();
    assert_eq!(compiled.settings.currency, "USD");
    assert_eq!(compiled.promotions.len(), 8);
    assert!(stderr.contains(&compiled.source_hash), "the hash is reported: {stderr}");
    // The same sources read through another spelling of the path give the same bytes.
    let again = dir.path().join("again.json");
    assert_eq!(promo(&["compile", "./examples/smp-flash-sale/", "-o", again.to_str().unwrap()]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&again).unwrap(), text);
}

#[test]
fn a_failed_compile_leaves_the_old_output_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("rules.json");
    std::fs::write(&out_file, "previous good ruleset").unwrap();
    let broken = dir.path().join("broken.promo");
    std::fs::write(&broken, "settings { currency USD }\npromotion \"p\" { level item scope all price 10.00 EUR }\n")
        .unwrap();
    let out = promo(&["compile", broken.to_str().unwrap(), "-o", out_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("promo::type::currency_mismatch") && stderr.contains("not compiled: 1 error"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "previous good ruleset");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no temporary file is left: {leftovers:?}");
}

#[test]
fn compile_refuses_many_rulesets_and_rulesets_without_currency() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("x.json");
    let many = promo(&["compile", "examples", "-o", out_file.to_str().unwrap()]);
    assert_eq!(many.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&many.stderr).contains("holds 5 rulesets; compile one at a time"));
    let no_currency = dir.path().join("nc.promo");
    std::fs::write(&no_currency, "promotion \"p\" { level item scope all discount 10% }\n").unwrap();
    let out = promo(&["compile", no_currency.to_str().unwrap(), "-o", out_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a compiled ruleset needs a currency"));
    assert!(!out_file.exists());
}

/// Every example cart prices, with the JSON fields the storefront relies on, money as strings.
#[test]
fn every_example_cart_evaluates() {
    let mut carts = 0;
    for example in std::fs::read_dir(support::root().join("examples")).unwrap() {
        let example = example.unwrap().path();
        let Ok(dir) = std::fs::read_dir(example.join("carts")) else { continue };
        for cart in dir {
            let cart = cart.unwrap().path();
            let out = promo(&[
                "eval",
                example.to_str().unwrap(),
                "--cart",
                cart.to_str().unwrap(),
                "--at",
                "2026-07-11T12:00:00-04:00",
            ]);
            assert_eq!(out.status.code(), Some(0), "{}: {}", cart.display(), String::from_utf8_lossy(&out.stderr));
            let o: Value = serde_json::from_slice(&out.stdout).unwrap();
            for field in ["subtotal", "discount_total", "total"] {
                assert!(o[field].is_string(), "{field} is a decimal string in {}", cart.display());
            }
            for field in ["lines", "gifts", "hints", "flags"] {
                assert!(o[field].is_array(), "{field} in {}", cart.display());
            }
            for line in o["lines"].as_array().unwrap() {
                assert!(line["final_unit_price"].is_string() && line["final_line_price"].is_string());
                assert!(line["allocations"].is_array());
            }
            carts += 1;
        }
    }
    assert!(carts >= 6, "only {carts} example carts");
}

#[test]
fn eval_gives_the_seed_numbers_and_explain_says_why() {
    let out = promo(&[
        "eval",
        "examples/gift-return",
        "--cart",
        "examples/gift-return/carts/a-and-b.json",
        "--at",
        "2026-06-18T10:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let o: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(o["total"], "100.00");
    assert_eq!(o["gifts"][0]["sku"], "C");
    assert_eq!(o["gifts"][0]["allocations"][0]["amount"], "0.50");
    assert_eq!(o["gifts"][0]["allocations"][1]["amount"], "4.50");

    let out = promo(&[
        "explain",
        "examples/marketplace",
        "--cart",
        "examples/marketplace/carts/flash-sale.json",
        "--customer",
        "examples/marketplace/customers/gold.json",
        "--at",
        "2026-06-18T10:30:00+08:00",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("applied: 618 flash: Air Max at 399 — 600.00 off this line"), "{text}");
    assert!(text.contains("total 1497.00 CNY (saves 600.00 CNY)"), "{text}");
}

#[test]
fn eval_reads_a_compiled_ruleset_and_gives_the_same_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let compiled = dir.path().join("m.json");
    assert_eq!(promo(&["compile", "examples/marketplace", "-o", compiled.to_str().unwrap()]).status.code(), Some(0));
    let args = |ruleset: &str| {
        promo(&[
            "eval",
            ruleset,
            "--cart",
            "examples/marketplace/carts/acme-shoes.json",
            "--customer",
            "examples/marketplace/customers/gold.json",
            "--at",
            "2026-10-01T12:00:00+08:00",
        ])
    };
    let from_source = args("examples/marketplace");
    let from_compiled = args(compiled.to_str().unwrap());
    assert_eq!(from_source.status.code(), Some(0));
    assert_eq!(from_source.stdout, from_compiled.stdout, "source and compiled ruleset price alike");
    let o: Value = serde_json::from_slice(&from_source.stdout).unwrap();
    assert_eq!(o["total"], "590.00");
}

#[test]
fn eval_refuses_bad_input_naming_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let cart = dir.path().join("cart.json");
    std::fs::write(&cart, r#"{"lines": [{"id": "1", "sku": "A", "unit_price": "1.00", "quantity": 0}]}"#).unwrap();
    let out =
        promo(&["eval", "examples/gift-return", "--cart", cart.to_str().unwrap(), "--at", "2026-06-18T10:00:00Z"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cart.lines[0].quantity: expected at least 1"));
    std::fs::write(&cart, r#"{"lines": [{"id": "1", "sku": "A", "unit_price": 1.5, "quantity": 1}]}"#).unwrap();
    let out = promo(&["eval", "examples/gift-return", "--cart", cart.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a valid cart"));
    let out = promo(&[
        "eval",
        "examples/gift-return",
        "--cart",
        "examples/gift-return/carts/a-and-b.json",
        "--at",
        "tomorrow",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--at `tomorrow` is not a time"));
    let corrupt = dir.path().join("bad.json");
    std::fs::write(&corrupt, "{\"format\":\"promo-ruleset\",\"version\":9}").unwrap();
    let out = promo(&["eval", corrupt.to_str().unwrap(), "--cart", "examples/gift-return/carts/a-and-b.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("recompile it with `promo compile`"));
}

#[test]
fn refund_gives_the_seed_numbers_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let cart = dir.path().join("cart.json");
    let ret_a = dir.path().join("return-a.json");
    std::fs::write(&ret_a, r#"{"lines": [{"id": "A", "quantity": 1}]}"#).unwrap();
    for (shop, expected) in [("seed-shop", Some("5.00")), ("allocated-demo", Some("9.50")), ("require-gift-demo", None)]
    {
        std::fs::write(
            &cart,
            format!(
                r#"{{"lines": [{{"id": "A", "sku": "A", "unit_price": "10.00", "quantity": 1, "attributes": {{"merchant": "{shop}"}}}},
                              {{"id": "B", "sku": "B", "unit_price": "90.00", "quantity": 1, "attributes": {{"merchant": "{shop}"}}}}]}}"#
            ),
        )
        .unwrap();
        let order = dir.path().join(format!("{shop}.json"));
        let out = promo(&[
            "eval",
            "examples/gift-return",
            "--cart",
            cart.to_str().unwrap(),
            "--at",
            "2026-06-18T10:00:00Z",
            "--order-out",
            order.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let out = promo(&["refund", order.to_str().unwrap(), "--return", ret_a.to_str().unwrap()]);
        match expected {
            Some(amount) => {
                assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
                let r: Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(r["refund"], amount, "{shop}");
            }
            None => {
                assert_eq!(out.status.code(), Some(1));
                assert!(String::from_utf8_lossy(&out.stderr).contains("return refused"), "{shop}");
            }
        }
    }
    // Repeated returns with --record: A, then B with the gift: 5.00 then 95.00 (100.00 in all).
    let order = dir.path().join("seed-shop.json");
    let out = promo(&["refund", order.to_str().unwrap(), "--return", ret_a.to_str().unwrap(), "--record"]);
    assert_eq!(out.status.code(), Some(0));
    let ret_b = dir.path().join("return-b.json");
    std::fs::write(
        &ret_b,
        r#"{"lines": [{"id": "B", "quantity": 1}], "gifts": [{"promotion": "Spend 100, get C free", "quantity": 1}]}"#,
    )
    .unwrap();
    let out = promo(&["refund", order.to_str().unwrap(), "--return", ret_b.to_str().unwrap(), "--record"]);
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((r["refund"].as_str(), r["cumulative"].as_str()), (Some("95.00"), Some("100.00")));
    // A third return of A is more than was bought.
    let out = promo(&["refund", order.to_str().unwrap(), "--return", ret_a.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 units returned in all, but 1 were bought"));
}

#[test]
fn an_extension_store_compiles_with_its_module_and_prices_from_the_compiled_file() {
    let dir = tempfile::tempdir().unwrap();
    let compiled = dir.path().join("loyalty.json");
    let out = promo(&["compile", "examples/loyalty-extension", "-o", compiled.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&compiled).unwrap();
    assert!(text.contains("\"name\":\"loyalty.wat\""), "the module travels with the ruleset");
    let eval = |customer: &str| {
        let out = promo(&[
            "eval",
            compiled.to_str().unwrap(),
            "--cart",
            "examples/loyalty-extension/carts/mixed.json",
            "--customer",
            customer,
            "--at",
            "2026-06-18T10:00:00Z",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let loyal = eval("examples/loyalty-extension/customers/loyal.json");
    assert_eq!(loyal["total"], "54.55");
    assert_eq!(loyal["discount_total"], "14.45");
    let new = eval("examples/loyalty-extension/customers/new.json");
    assert_eq!(new["total"], "68.10");
}

#[test]
fn a_missing_extension_module_is_a_diagnostic_at_the_name() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&support::root().join("examples/loyalty-extension"), dir.path());
    std::fs::remove_file(dir.path().join("loyalty.wat")).unwrap();
    let out = promo(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let diagnostics = json(&out);
    assert_eq!(diagnostics.len(), 3, "one per declaration, none for the calls: {diagnostics:#?}");
    for (d, (line, column)) in diagnostics.iter().zip([(24, 60), (25, 49), (26, 50)]) {
        assert_eq!(d["code"], "promo::extern::unknown_module");
        assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(line), Some(column)), "{d}");
        assert_eq!(d["end_column"].as_u64(), Some(column + 13), "the span is `\"loyalty.wat\"`: {d}");
    }
}

#[test]
fn fmt_checks_rewrites_and_leaves_broken_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("store.promo");
    let broken = dir.path().join("broken.promo");
    let text = "settings { currency USD }\npromotion \"P\" { level item scope all  // everything\n discount 10% }\n";
    std::fs::write(&messy, text).unwrap();
    std::fs::write(&broken, "promotion \"Q\" { level item scope sku == }\n").unwrap();
    let check = promo(&["fmt", "--check", messy.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout).contains("store.promo"));
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), text, "--check changes nothing");
    let fmt = promo(&["fmt", dir.path().to_str().unwrap()]);
    assert_eq!(fmt.status.code(), Some(1), "the broken file is reported");
    let stderr = String::from_utf8_lossy(&fmt.stderr);
    assert!(stderr.contains("promo::syntax::unexpected") && stderr.contains("broken.promo"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), "promotion \"Q\" { level item scope sku == }\n");
    assert_eq!(
        std::fs::read_to_string(&messy).unwrap(),
        "settings {\n  currency USD\n}\n\npromotion \"P\" {\n  level item\n  scope all  // everything\n  discount 10%\n}\n"
    );
    let again = promo(&["fmt", "--check", messy.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
}
