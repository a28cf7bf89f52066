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

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

pub use error::CheckError;
pub(crate) use satisfiable::show as satisfiable_show;
pub use schema::{AttrInfo, CUSTOMER_BUILTINS, EnumInfo, PRODUCT_BUILTINS, Schema};
pub use types::Type;

use crate::diagnostic::{Diagnostic, Severity};
use crate::hir;
use crate::ruleset::Ruleset;
use crate::source::{FileId, Span};
use crate::syntax::ast;

/// The outcome of checking a ruleset: the program (complete only when there are no errors) and
/// every diagnostic, ordered by file and position.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// The checked program. Promotions with errors are left out.
    pub program: hir::Program,
    /// Errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity() == Severity::Error)
    }
}

/// Parses and checks every file of `ruleset`, through a database of its own (see [`crate::db`],
/// which the language server keeps between edits).
pub fn check(ruleset: &Ruleset) -> Checked {
    crate::db::check(ruleset)
}

/// Extension modules beside a ruleset, by file name.
pub(crate) type Modules = BTreeMap<String, Arc<[u8]>>;

/// What a promotion's checker is given in place of the modules: it never declares an extern.
static NO_MODULES: Modules = BTreeMap::new();

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

/// The ruleset-wide declarations — schema, settings, `extern` functions, pools, templates and
/// imports — checked once. Every promotion is then checked on its own against them, so an edit
/// to one promotion re-checks that promotion only.
#[derive(Debug)]
pub(crate) struct Environment {
    /// Every item but the promotions, in the coordinates its checker saw.
    items: Vec<(FileId, ast::Item)>,
    /// The standard library's files.
    library: BTreeSet<FileId>,
    schema: Schema,
    settings: hir::Settings,
    currency_reported: bool,
    /// INVARIANT: every pool of `items` is `Done` here: promotions only read pools.
    pool_states: HashMap<String, PoolState>,
    pools_used: HashSet<String>,
    imports: HashMap<FileId, HashSet<String>>,
    externs: BTreeMap<String, Option<externs::ExternSig>>,
    checked_externs: Vec<hir::Extern>,
    modules: Vec<hir::Module>,
    /// What checking the declarations found.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// What checking one promotion found.
#[derive(Debug)]
pub(crate) struct PromotionCheck {
    /// The checked promotion; `None` when it has errors.
    pub(crate) promotion: Option<hir::Promotion>,
    /// Its problems.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The pools it names.
    pub(crate) pools_used: HashSet<String>,
}

/// Checks the declarations of a ruleset: `items` are every file's items but the promotions, in
/// file order; `library` the standard library's files; `modules` the extension modules.
pub(crate) fn environment(
    items: Vec<(FileId, ast::Item)>,
    library: BTreeSet<FileId>,
    modules: &Modules,
) -> Environment {
    let mut env = {
        let mut checker = Checker::new(&library, modules, Cow::Owned(BTreeSet::new()));
        checker.declarations(&items);
        Environment {
            items: Vec::new(),
            library: BTreeSet::new(),
            schema: checker.schema.into_owned(),
            settings: checker.settings.into_owned(),
            currency_reported: checker.currency_reported,
            pool_states: checker.pool_states.into_owned(),
            pools_used: checker.pools_used,
            imports: checker.imports.into_owned(),
            externs: checker.externs.into_owned(),
            checked_externs: checker.checked_externs,
            modules: checker.modules,
            diagnostics: checker.diagnostics,
        }
    };
    // The checker borrowed these; the environment keeps them.
    env.items = items;
    env.library = library;
    env
}

/// Checks one promotion against `env`; `names` are the names of every promotion of the ruleset.
pub(crate) fn promotion(env: &Environment, names: &BTreeSet<String>, p: &ast::PromotionItem) -> PromotionCheck {
    let mut checker = Checker::for_promotion(env, names);
    let promotion = checker.promotion(p);
    PromotionCheck { promotion, diagnostics: checker.diagnostics, pools_used: checker.pools_used }
}

/// Whether checking `p` reads the names of the ruleset's promotions: whether it, or its
/// template, says `stacks with "…"`. A promotion that does not is not re-checked when a name
/// changes elsewhere.
pub(crate) fn names_promotions(env: &Environment, p: &ast::PromotionItem) -> bool {
    let names = |clauses: &[ast::Clause]| {
        clauses.iter().any(|c| match &c.kind {
            ast::ClauseKind::StacksWith(targets) => {
                targets.iter().any(|t| matches!(t.node, ast::StackTarget::Promotion(_)))
            }
            _ => false,
        })
    };
    let template = p.template.as_ref().and_then(|call| {
        env.items.iter().find_map(|(_, item)| match item {
            ast::Item::Template(t) if t.name.name == call.name.name => Some(t),
            _ => None,
        })
    });
    names(&p.body.clauses) || template.is_some_and(|t| names(&t.body.clauses))
}

/// One diagnostic per promotion whose name an earlier promotion already has.
pub(crate) fn duplicate_promotions<'p>(
    promotions: impl IntoIterator<Item = &'p ast::PromotionItem>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut first_by_name: HashMap<&str, Span> = HashMap::new();
    for p in promotions {
        if let Some(first) = first_by_name.get(p.name.node.as_str()) {
            let first = Checker::same_file(*first, p.name.span);
            out.push(Diagnostic::new(
                p.name.span.file,
                CheckError::DuplicatePromotion { name: p.name.node.clone(), span: p.name.span, first },
            ));
        } else {
            first_by_name.insert(&p.name.node, p.name.span);
        }
    }
    out
}

/// The diagnostics of a ruleset, in order: one per root cause (a template checked at its
/// definition and again for a promotion can meet the same problem twice; a missing currency is
/// said once), sorted by file and position.
pub(crate) fn settle(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    diagnostics.retain(|d| seen.insert((d.code(), d.span().file, d.span().start, d.span().end)));
    diagnostics.sort_by_key(|d| (d.file, d.span().start, d.span().end));
    let mut currency_said = false;
    diagnostics.retain(|d| {
        let missing = matches!(&d.problem, crate::Problem::Check(CheckError::MissingCurrency { .. }));
        !(missing && std::mem::replace(&mut currency_said, true))
    });
    diagnostics
}

impl Environment {
    /// A warning for every user pool no declaration and no promotion uses (`used`).
    pub(crate) fn unused_pools(&self, used: &HashSet<String>) -> Vec<Diagnostic> {
        let (pools, _) = index(&self.items, &self.library);
        pools
            .iter()
            .filter(|(name, pool)| {
                !self.pools_used.contains(*name)
                    && !used.contains(*name)
                    && !self.library.contains(&pool.name.span.file)
            })
            .map(|(name, pool)| {
                Diagnostic::new(
                    pool.name.span.file,
                    CheckError::UnusedPool { name: name.clone(), span: pool.name.span },
                )
            })
            .collect()
    }

    /// The checked program: these declarations and `promotions`.
    pub(crate) fn program(&self, promotions: Vec<hir::Promotion>) -> hir::Program {
        let mut externs = self.checked_externs.clone();
        externs.sort_by(|a, b| a.name.cmp(&b.name));
        let mut modules = self.modules.clone();
        modules.sort_by(|a, b| a.name.cmp(&b.name));
        hir::Program { settings: self.settings.clone(), schema: self.schema.clone(), promotions, externs, modules }
    }
}

/// The pools and templates of `items` by name, the first of each name winning.
fn index<'a>(
    items: &'a [(FileId, ast::Item)],
    library: &BTreeSet<FileId>,
) -> (BTreeMap<String, &'a ast::PoolItem>, BTreeMap<String, TemplateDef<'a>>) {
    let mut pools = BTreeMap::new();
    let mut templates = BTreeMap::new();
    for (file, item) in items {
        match item {
            ast::Item::Pool(p) => {
                pools.entry(p.name.name.clone()).or_insert(p);
            }
            ast::Item::Template(t) => {
                templates
                    .entry(t.name.name.clone())
                    .or_insert(TemplateDef { item: t, library: library.contains(file) });
            }
            _ => {}
        }
    }
    (pools, templates)
}

/// The checker's state: for the declarations of a ruleset, or for one promotion, which borrows
/// what the declarations' checker found.
pub(crate) struct Checker<'a> {
    library: &'a BTreeSet<FileId>,
    module_files: &'a Modules,
    pub(crate) diagnostics: Vec<Diagnostic>,
    schema: Cow<'a, Schema>,
    settings: Cow<'a, hir::Settings>,
    /// Where the currency is declared; reported once when missing.
    currency_reported: bool,
    pools: BTreeMap<String, &'a ast::PoolItem>,
    pool_states: Cow<'a, HashMap<String, PoolState>>,
    pools_used: HashSet<String>,
    pool_stack: Vec<String>,
    templates: BTreeMap<String, TemplateDef<'a>>,
    imports: Cow<'a, HashMap<FileId, HashSet<String>>>,
    promotion_names: Cow<'a, BTreeSet<String>>,
    /// `extern` declarations by name; `None` for one that failed to check (already reported).
    externs: Cow<'a, BTreeMap<String, Option<externs::ExternSig>>>,
    checked_externs: Vec<hir::Extern>,
    modules: Vec<hir::Module>,
}

impl<'a> Checker<'a> {
    fn new(
        library: &'a BTreeSet<FileId>,
        module_files: &'a Modules,
        promotion_names: Cow<'a, BTreeSet<String>>,
    ) -> Checker<'a> {
        Checker {
            library,
            module_files,
            diagnostics: Vec::new(),
            schema: Cow::Owned(Schema::default()),
            settings: Cow::Owned(hir::Settings::default()),
            currency_reported: false,
            pools: BTreeMap::new(),
            pool_states: Cow::Owned(HashMap::new()),
            pools_used: HashSet::new(),
            pool_stack: Vec::new(),
            templates: BTreeMap::new(),
            imports: Cow::Owned(HashMap::new()),
            promotion_names,
            externs: Cow::Owned(BTreeMap::new()),
            checked_externs: Vec::new(),
            modules: Vec::new(),
        }
    }

    /// A checker for one promotion of the ruleset `env` describes.
    fn for_promotion(env: &'a Environment, names: &'a BTreeSet<String>) -> Checker<'a> {
        let (pools, templates) = index(&env.items, &env.library);
        Checker {
            library: &env.library,
            module_files: &NO_MODULES,
            diagnostics: Vec::new(),
            schema: Cow::Borrowed(&env.schema),
            settings: Cow::Borrowed(&env.settings),
            currency_reported: env.currency_reported,
            pools,
            pool_states: Cow::Borrowed(&env.pool_states),
            pools_used: HashSet::new(),
            pool_stack: Vec::new(),
            templates,
            imports: Cow::Borrowed(&env.imports),
            promotion_names: Cow::Borrowed(names),
            externs: Cow::Borrowed(&env.externs),
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

    /// Whether `file` belongs to the standard library.
    fn is_library(&self, file: FileId) -> bool {
        self.library.contains(&file)
    }

    /// Checks the declarations: every item of `items` but the promotions.
    fn declarations(&mut self, items: &'a [(FileId, ast::Item)]) {
        let items: Vec<(FileId, &'a ast::Item)> = items.iter().map(|(f, i)| (*f, i)).collect();
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
                let library = self.is_library(*file);
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
                    self.imports.to_mut().entry(*file).or_default().insert(name.name.clone());
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
