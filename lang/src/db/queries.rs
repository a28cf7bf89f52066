//! The tracked queries of the [`Database`](super::Database).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use super::inputs::{ChunkKey, RulesetInput, SourceInput};
use crate::check::{self, Checked, Environment, PromotionCheck};
use crate::diagnostic::Diagnostic;
use crate::hir;
use crate::lower::{self, LowerError};
use crate::source::{FileId, Relocation, Span, item_base};
use crate::syntax::{self, Parsed, ast};

/// The chunks of `file` as keys, each with the byte where it starts. Only a text scan: nothing
/// is parsed here.
#[salsa::tracked(returns(ref), no_eq)]
pub(crate) fn file_chunks<'db>(
    db: &'db dyn salsa::Database,
    ruleset: RulesetInput,
    file: SourceInput,
) -> Vec<(ChunkKey<'db>, usize)> {
    let text = file.text(db);
    let id = file.id(db);
    let bounds = syntax::chunks(text);
    let mut seen: HashMap<(&str, &str), u32> = HashMap::new();
    let mut out = Vec::with_capacity(bounds.len());
    for (i, &(start, end)) in bounds.iter().enumerate() {
        let chunk = text.get(start..end).unwrap_or("");
        let lookahead = bounds.get(i + 1).map_or("", |&(next, _)| first_word(text, next));
        let ordinal = seen.entry((chunk, lookahead)).or_insert(0);
        out.push((ChunkKey::new(db, ruleset, id, chunk.to_owned(), lookahead.to_owned(), *ordinal), start));
        *ordinal += 1;
    }
    out
}

/// The word at `at` in `text`.
fn first_word(text: &str, at: usize) -> &str {
    let rest = text.get(at..).unwrap_or("");
    let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
    rest.get(..len).unwrap_or("")
}

/// The chunk of `key` parsed on its own, in item coordinates.
#[salsa::tracked(returns(ref), no_eq)]
pub(crate) fn chunk_syntax<'db>(db: &'db dyn salsa::Database, key: ChunkKey<'db>) -> Arc<Parsed> {
    let chunk = key.text(db);
    let text = format!("{chunk}{}", key.lookahead(db));
    Arc::new(syntax::parse_chunk(key.file(db), &text, chunk.len(), item_base(key.index())))
}

/// Every chunk of the ruleset, in file order.
fn all_chunks<'db>(db: &'db dyn salsa::Database, ruleset: RulesetInput) -> impl Iterator<Item = ChunkKey<'db>> + 'db {
    ruleset.files(db).iter().flat_map(move |file| file_chunks(db, ruleset, *file).iter().map(|(k, _)| *k))
}

/// The chunks that hold a declaration (anything but a promotion), in file order.
#[salsa::tracked(returns(ref))]
pub(crate) fn declarations<'db>(db: &'db dyn salsa::Database, ruleset: RulesetInput) -> Vec<ChunkKey<'db>> {
    all_chunks(db, ruleset)
        .filter(|k| chunk_syntax(db, *k).file.items.iter().any(|i| !matches!(i, ast::Item::Promotion(_))))
        .collect()
}

/// The chunks that hold a promotion, in file order.
#[salsa::tracked(returns(ref))]
pub(crate) fn promotions<'db>(db: &'db dyn salsa::Database, ruleset: RulesetInput) -> Vec<ChunkKey<'db>> {
    all_chunks(db, ruleset)
        .filter(|k| chunk_syntax(db, *k).file.items.iter().any(|i| matches!(i, ast::Item::Promotion(_))))
        .collect()
}

/// The promotions of a chunk's parse.
fn promotion_items(parsed: &Parsed) -> impl Iterator<Item = &ast::PromotionItem> {
    parsed.file.items.iter().filter_map(|i| if let ast::Item::Promotion(p) = i { Some(p) } else { None })
}

/// The names of the ruleset's promotions, which `stacks with "…"` may name.
#[salsa::tracked(returns(ref))]
pub(crate) fn promotion_names(db: &dyn salsa::Database, ruleset: RulesetInput) -> BTreeSet<String> {
    promotions(db, ruleset)
        .iter()
        .flat_map(|k| promotion_items(chunk_syntax(db, *k)).map(|p| p.name.node.clone()))
        .collect()
}

/// The declarations of the ruleset, checked.
#[salsa::tracked(returns(ref), no_eq)]
pub(crate) fn environment(db: &dyn salsa::Database, ruleset: RulesetInput) -> Environment {
    let items: Vec<(FileId, ast::Item)> = declarations(db, ruleset)
        .iter()
        .flat_map(|key| {
            let file = key.file(db);
            chunk_syntax(db, *key)
                .file
                .items
                .iter()
                .filter(|i| !matches!(i, ast::Item::Promotion(_)))
                .map(move |i| (file, i.clone()))
        })
        .collect();
    let library: BTreeSet<FileId> = ruleset.files(db).iter().filter(|f| f.library(db)).map(|f| f.id(db)).collect();
    check::environment(items, library, ruleset.modules(db))
}

/// What a promotion that names no promotion is checked with.
static NO_NAMES: BTreeSet<String> = BTreeSet::new();

/// The promotions of the chunk of `key`, checked against the ruleset's declarations.
#[salsa::tracked(returns(ref), no_eq)]
pub(crate) fn check_promotion<'db>(db: &'db dyn salsa::Database, key: ChunkKey<'db>) -> Vec<PromotionCheck> {
    let ruleset = key.ruleset(db);
    let env = environment(db, ruleset);
    promotion_items(chunk_syntax(db, key))
        .map(|p| {
            // Read the names only when needed: renaming one promotion re-checks only those that
            // name promotions.
            let names = if check::names_promotions(env, p) { promotion_names(db, ruleset) } else { &NO_NAMES };
            check::promotion(env, names, p)
        })
        .collect()
}

/// Every chunk's parse, in file order, with the relocation that puts them in file offsets.
pub(crate) fn trees(db: &dyn salsa::Database, ruleset: RulesetInput) -> super::Trees {
    let chunks = all_chunks(db, ruleset).map(|k| (k.file(db), Arc::clone(chunk_syntax(db, k)))).collect();
    super::Trees { chunks, relocation: Arc::new(relocation(db, ruleset)) }
}

/// Where every chunk of the ruleset starts in its file.
fn relocation(db: &dyn salsa::Database, ruleset: RulesetInput) -> Relocation {
    let mut out = Relocation::new();
    for file in ruleset.files(db) {
        for (key, start) in file_chunks(db, ruleset, *file) {
            out.insert(key.index(), *start);
        }
    }
    out
}

/// `span` in file offsets.
fn relocate(relocation: &Relocation, span: &mut Span) {
    *span = relocation.span(*span);
}

/// The whole ruleset checked, every span in file offsets.
#[salsa::tracked(returns(clone), no_eq)]
pub(crate) fn checked(db: &dyn salsa::Database, ruleset: RulesetInput) -> Arc<Checked> {
    let relocation = Arc::new(relocation(db, ruleset));
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for key in all_chunks(db, ruleset) {
        let file = key.file(db);
        let parsed = chunk_syntax(db, key);
        diagnostics.extend(parsed.errors.iter().map(|e| Diagnostic::new(file, e.clone()).relocated(&relocation)));
    }
    let env = environment(db, ruleset);
    diagnostics.extend(env.diagnostics.iter().map(|d| d.clone().relocated(&relocation)));
    let keys = promotions(db, ruleset);
    let duplicates = check::duplicate_promotions(keys.iter().flat_map(|k| promotion_items(chunk_syntax(db, *k))));
    diagnostics.extend(duplicates.into_iter().map(|d| d.relocated(&relocation)));
    let mut used = HashSet::new();
    let mut checked = Vec::new();
    for key in keys {
        for result in check_promotion(db, *key) {
            diagnostics.extend(result.diagnostics.iter().map(|d| d.clone().relocated(&relocation)));
            used.extend(result.pools_used.iter().cloned());
            if let Some(p) = &result.promotion {
                let mut p = p.clone();
                relocate(&relocation, &mut p.span);
                checked.push(p);
            }
        }
    }
    diagnostics.extend(env.unused_pools(&used).into_iter().map(|d| d.relocated(&relocation)));
    let mut program = env.program(checked);
    relocate_declarations(&relocation, &mut program);
    Arc::new(Checked { program, diagnostics: check::settle(diagnostics) })
}

/// The spans the declarations put in `program`, in file offsets.
fn relocate_declarations(relocation: &Relocation, program: &mut hir::Program) {
    for floor in &mut program.settings.floors {
        relocate(relocation, &mut floor.span);
    }
    let schema = &mut program.schema;
    for info in schema.product.values_mut().chain(schema.customer.values_mut()) {
        if let Some(span) = &mut info.span {
            relocate(relocation, span);
        }
    }
    for info in schema.enums.values_mut() {
        relocate(relocation, &mut info.span);
    }
}

/// The ruleset compiled for the runtime (only meaningful when `checked` has no errors).
#[salsa::tracked(returns(ref), no_eq)]
pub(crate) fn lowered(
    db: &dyn salsa::Database,
    ruleset: RulesetInput,
) -> Result<Arc<promo_runtime::ir::CompiledRuleset>, LowerError> {
    let checked = checked(db, ruleset);
    let files: Vec<(String, Arc<str>)> =
        ruleset.files(db).iter().map(|f| (f.name(db).clone(), Arc::clone(f.text(db)))).collect();
    let hash = lower::hash_sources(
        files.iter().map(|(n, t)| (n.as_str(), &**t)),
        ruleset.modules(db).iter().map(|(n, m)| (n.as_str(), &**m)),
    );
    lower::lower(&checked.program, hash).map(Arc::new)
}
