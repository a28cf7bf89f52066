//! Name resolution and type checking: from the syntax trees of a ruleset's files to a checked
//! [`Program`](crate::hir::Program) and every diagnostic.
//!
//! The checker never stops at the first problem, and one root cause gives one diagnostic: a value
//! that failed to check is `None` / [`Type::Error`] from then on and reports nothing further.

mod error;
mod expr;
mod externs;
mod floors;
mod promotion;
mod satisfiable;
mod schema;
mod settings;
mod templates;
mod types;
mod values;

use std::collections::{BTreeMap, HashMap, HashSet};

pub use error::CheckError;
pub(crate) use satisfiable::show as satisfiable_show;
pub use schema::{AttrInfo, CUSTOMER_BUILTINS, EnumInfo, PRODUCT_BUILTINS, Schema};
pub use types::Type;

use crate::diagnostic::{Diagnostic, Severity};
use crate::hir;
use crate::ruleset::Ruleset;
use crate::source::{FileId, Span};
use crate::syntax::{self, ast};

/// The outcome of checking a ruleset: the program (complete only when there are no errors) and
/// every diagnostic, ordered by file and position.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// The checked program. Promotions with errors are left out.
    pub program: hir::Program,
    /// Errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// The syntax tree of every file (standard library included), as parsed for checking.
    pub syntax: Vec<(FileId, ast::File)>,
}

impl Checked {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity() == Severity::Error)
    }
}

/// Parses and checks every file of `ruleset`.
pub fn check(ruleset: &Ruleset) -> Checked {
    let mut diagnostics = Vec::new();
    let mut files: Vec<(FileId, ast::File)> = Vec::new();
    for (id, source) in ruleset.sources().iter() {
        let parsed = syntax::parse(id, &source.text);
        diagnostics.extend(parsed.errors.into_iter().map(|e| Diagnostic::new(id, e)));
        files.push((id, parsed.file));
    }
    let mut checker = Checker::new(ruleset, &files);
    checker.diagnostics = diagnostics;
    let program = checker.run();
    let mut diagnostics = checker.diagnostics;
    // One root cause, one diagnostic: a template checked once at its definition and again for a
    // promotion can meet the same problem twice.
    let mut seen = HashSet::new();
    diagnostics.retain(|d| seen.insert((d.code(), d.span().file, d.span().start, d.span().end)));
    diagnostics.sort_by_key(|d| (d.file, d.span().start, d.span().end));
    Checked { program, diagnostics, syntax: files }
}

/// Where a template comes from.
#[derive(Debug, Clone, Copy)]
struct TemplateDef<'a> {
    item: &'a ast::TemplateItem,
    library: bool,
}

/// The progress of checking a pool, for finding cycles.
#[derive(Debug, Clone)]
enum PoolState {
    InProgress,
    Done(Option<hir::Expr>),
}

/// The checker's state for one ruleset.
pub(crate) struct Checker<'a> {
    ruleset: &'a Ruleset,
    files: &'a [(FileId, ast::File)],
    pub(crate) diagnostics: Vec<Diagnostic>,
    schema: Schema,
    settings: hir::Settings,
    /// Where the currency is declared; reported once when missing.
    currency_reported: bool,
    pools: BTreeMap<String, &'a ast::PoolItem>,
    pool_states: HashMap<String, PoolState>,
    pools_used: HashSet<String>,
    pool_stack: Vec<String>,
    templates: BTreeMap<String, TemplateDef<'a>>,
    imports: HashMap<FileId, HashSet<String>>,
    promotion_names: HashSet<String>,
    /// `extern` declarations by name; `None` for one that failed to check (already reported).
    externs: BTreeMap<String, Option<externs::ExternSig>>,
    checked_externs: Vec<hir::Extern>,
    modules: Vec<hir::Module>,
}

impl<'a> Checker<'a> {
    fn new(ruleset: &'a Ruleset, files: &'a [(FileId, ast::File)]) -> Checker<'a> {
        Checker {
            ruleset,
            files,
            diagnostics: Vec::new(),
            schema: Schema::default(),
            settings: hir::Settings::default(),
            currency_reported: false,
            pools: BTreeMap::new(),
            pool_states: HashMap::new(),
            pools_used: HashSet::new(),
            pool_stack: Vec::new(),
            templates: BTreeMap::new(),
            imports: HashMap::new(),
            promotion_names: HashSet::new(),
            externs: BTreeMap::new(),
            checked_externs: Vec::new(),
            modules: Vec::new(),
        }
    }

    /// Reports `error`, whose spans are in `span.file`.
    pub(crate) fn report(&mut self, span: Span, error: CheckError) {
        self.diagnostics.push(Diagnostic::new(span.file, error));
    }

    /// `first` if it is in the same file as `second` (a label can only point into one file).
    fn same_file(first: Span, second: Span) -> Option<Span> {
        (first.file == second.file).then_some(first)
    }

    fn items(&self) -> impl Iterator<Item = (FileId, &'a ast::Item)> + 'a {
        self.files.iter().flat_map(|(id, f)| f.items.iter().map(move |i| (*id, i)))
    }

    fn run(&mut self) -> hir::Program {
        let items: Vec<(FileId, &'a ast::Item)> = self.items().collect();
        let schemas: Vec<&ast::SchemaItem> =
            items.iter().filter_map(|(_, i)| if let ast::Item::Schema(s) = i { Some(s) } else { None }).collect();
        self.collect_schema(&schemas);
        let settings: Vec<&ast::SettingsItem> =
            items.iter().filter_map(|(_, i)| if let ast::Item::Settings(s) = i { Some(s) } else { None }).collect();
        self.collect_settings(&settings);
        let externs: Vec<&ast::ExternItem> =
            items.iter().filter_map(|(_, i)| if let ast::Item::Extern(e) = i { Some(e) } else { None }).collect();
        self.collect_externs(&externs);
        self.collect_pools(&items);
        self.collect_templates(&items);
        self.collect_imports(&items);

        let pool_names: Vec<String> = self.pools.keys().cloned().collect();
        for name in &pool_names {
            self.pool(name);
        }
        self.check_settings_floors(&settings);
        let templates: Vec<TemplateDef<'a>> = self.templates.values().copied().collect();
        for def in templates {
            self.check_template_definition(def.item);
        }

        let promotions: Vec<&'a ast::PromotionItem> =
            items.iter().filter_map(|(_, i)| if let ast::Item::Promotion(p) = i { Some(p) } else { None }).collect();
        let mut first_by_name: HashMap<&str, Span> = HashMap::new();
        for p in &promotions {
            if let Some(first) = first_by_name.get(p.name.node.as_str()) {
                let first = Self::same_file(*first, p.name.span);
                self.report(
                    p.name.span,
                    CheckError::DuplicatePromotion { name: p.name.node.clone(), span: p.name.span, first },
                );
            } else {
                first_by_name.insert(&p.name.node, p.name.span);
            }
        }
        self.promotion_names = first_by_name.keys().map(|k| (*k).to_owned()).collect();
        let mut checked = Vec::new();
        for p in promotions {
            if let Some(promotion) = self.promotion(p) {
                checked.push(promotion);
            }
        }

        for (name, pool) in &self.pools.clone() {
            if !self.pools_used.contains(name) && !self.ruleset.is_library(pool.name.span.file) {
                self.report(pool.name.span, CheckError::UnusedPool { name: name.clone(), span: pool.name.span });
            }
        }
        let mut externs = std::mem::take(&mut self.checked_externs);
        externs.sort_by(|a, b| a.name.cmp(&b.name));
        let mut modules = std::mem::take(&mut self.modules);
        modules.sort_by(|a, b| a.name.cmp(&b.name));
        hir::Program {
            settings: self.settings.clone(),
            schema: self.schema.clone(),
            promotions: checked,
            externs,
            modules,
        }
    }

    fn collect_pools(&mut self, items: &[(FileId, &'a ast::Item)]) {
        for (_, item) in items {
            if let ast::Item::Pool(pool) = item {
                if let Some(first) = self.pools.get(&pool.name.name) {
                    let first = Self::same_file(first.name.span, pool.name.span);
                    self.report(
                        pool.name.span,
                        CheckError::Duplicate {
                            what: "pool",
                            name: pool.name.name.clone(),
                            span: pool.name.span,
                            first,
                        },
                    );
                } else {
                    self.pools.insert(pool.name.name.clone(), pool);
                }
            }
        }
    }

    fn collect_templates(&mut self, items: &[(FileId, &'a ast::Item)]) {
        for (file, item) in items {
            if let ast::Item::Template(t) = item {
                let library = self.ruleset.is_library(*file);
                if let Some(first) = self.templates.get(&t.name.name) {
                    let first = Self::same_file(first.item.name.span, t.name.span);
                    self.report(
                        t.name.span,
                        CheckError::Duplicate { what: "template", name: t.name.name.clone(), span: t.name.span, first },
                    );
                } else {
                    self.templates.insert(t.name.name.clone(), TemplateDef { item: t, library });
                }
            }
        }
    }

    fn collect_imports(&mut self, items: &[(FileId, &'a ast::Item)]) {
        for (file, item) in items {
            let ast::Item::Use(u) = item else { continue };
            if u.library.name != "std" {
                self.report(
                    u.library.span,
                    CheckError::UnknownLibrary { name: u.library.name.clone(), span: u.library.span },
                );
                continue;
            }
            for name in &u.names {
                let known = self.templates.get(&name.name).is_some_and(|t| t.library);
                if known {
                    self.imports.entry(*file).or_default().insert(name.name.clone());
                } else {
                    let candidates: Vec<&str> =
                        self.templates.iter().filter(|(_, t)| t.library).map(|(n, _)| n.as_str()).collect();
                    let help = suggest(&name.name, &candidates);
                    self.report(
                        name.span,
                        CheckError::UnknownTemplate { name: name.name.clone(), span: name.span, help },
                    );
                }
            }
        }
    }
}

/// "did you mean `x`?" for the closest of `candidates`.
pub(crate) fn suggest(word: &str, candidates: &[&str]) -> Option<String> {
    crate::syntax::did_you_mean(word, candidates).map(|c| format!("did you mean `{c}`?"))
}
