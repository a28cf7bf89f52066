//! The incremental compiler: a salsa database of the files of rulesets and the queries that
//! parse, resolve, check and lower them. `promo check` and the language server both go through
//! it; the server keeps one for the whole session, so an edit re-runs only what it touched.
//!
//! The queries (`queries.rs`), from the inputs up:
//!
//! - `file_chunks(ruleset, file)`: the file cut into chunks — an item and the trivia after it,
//!   found by a text scan ([`crate::syntax::chunks`]) — each a [`ChunkKey`] interned by its text,
//!   with where it starts: an edit to one promotion makes one new key, every other key is the same;
//! - `chunk_syntax(key)`: one chunk parsed on its own, in item coordinates
//!   ([`crate::source::item_base`]), which do not move when text before it changes — the same
//!   tree and errors the whole file's parse gives there;
//! - `declarations(ruleset)` / `promotions(ruleset)` / `promotion_names(ruleset)`: the keys and
//!   names, which compare equal after an edit that changes no declaration and no name;
//! - `environment(ruleset)`: the declarations checked (schema, settings, externs, pools,
//!   templates, imports); it re-runs only when a declaration changes;
//! - `check_promotion(key)`: one promotion checked against the environment;
//! - `checked(ruleset)`: everything put together in file offsets, as [`Checked`];
//! - `lowered(ruleset)`: the compiled ruleset the runtime loads.
//!
//! The standard library's files are inputs of high durability: salsa never re-validates what
//! depends on them alone.

mod inputs;
mod queries;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use salsa::plumbing::FromId;
use salsa::{Durability, Setter};

use crate::check::Checked;
use crate::lower::LowerError;
use crate::ruleset::Ruleset;
use crate::source::{FileId, Relocation};
use crate::syntax::ast::Item;
use crate::syntax::{Parsed, Spans};

pub use inputs::{ChunkKey, RulesetInput, SourceInput};
/// The panic payload of a query cancelled by an edit; [`Cancelled::catch`] turns it into an error.
pub use salsa::Cancelled;

/// The database: every ruleset's files, and the memoized results of the queries over them.
#[salsa::db]
#[derive(Clone, Default)]
pub struct Database {
    storage: salsa::Storage<Self>,
    /// What ran, when recording (see [`Database::recording`]).
    executed: Option<Arc<Mutex<Vec<salsa::DatabaseKeyIndex>>>>,
}

#[salsa::db]
impl salsa::Database for Database {}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").field("recording", &self.executed.is_some()).finish_non_exhaustive()
    }
}

/// A query that ran, as [`Database::take_executed`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executed {
    /// The query, e.g. `check_promotion`.
    pub query: String,
    /// For a query about one chunk, its first line, e.g. `promotion "Shoes: 10% off" {`.
    pub item: Option<String>,
}

/// The syntax trees of a ruleset's files, as the database parsed them: chunk by chunk, in item
/// coordinates, with what moves them to file offsets. Cheap to take; [`Trees::items`] builds the
/// trees in file offsets when they are wanted.
#[derive(Debug, Clone)]
pub struct Trees {
    chunks: Vec<(FileId, Arc<Parsed>)>,
    relocation: Arc<Relocation>,
}

impl Trees {
    /// Every item of every file (standard library included), in file order and file offsets.
    pub fn items(&self) -> Vec<(FileId, Item)> {
        let mut out = Vec::new();
        for (file, parsed) in &self.chunks {
            for item in &parsed.file.items {
                let mut item = item.clone();
                item.spans(&mut |span| *span = self.relocation.span(*span));
                out.push((*file, item));
            }
        }
        out
    }
}

/// A ruleset in a [`Database`]: its input and the input of each of its files, in order.
#[derive(Debug, Clone)]
pub struct RulesetHandle {
    /// The ruleset.
    pub input: RulesetInput,
    /// Its files, standard library first, by [`FileId`].
    pub files: Vec<SourceInput>,
}

impl Database {
    /// An empty database.
    pub fn new() -> Database {
        Database::default()
    }

    /// An empty database that records every query it executes (salsa's `WillExecute` events),
    /// for tests of what an edit re-runs.
    pub fn recording() -> Database {
        let log: Arc<Mutex<Vec<salsa::DatabaseKeyIndex>>> = Arc::default();
        let sink = Arc::clone(&log);
        let storage = salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind
                && let Ok(mut log) = sink.lock()
            {
                log.push(database_key);
            }
        })));
        Database { storage, executed: Some(log) }
    }

    /// The queries executed since the last call (empty unless [`Database::recording`]).
    pub fn take_executed(&self) -> Vec<Executed> {
        let keys = match &self.executed {
            Some(log) => log.lock().map(|mut l| std::mem::take(&mut *l)).unwrap_or_default(),
            None => Vec::new(),
        };
        keys.into_iter()
            .map(|key| {
                let query = salsa::Database::ingredient_debug_name(self, key.ingredient_index()).into_owned();
                let item = matches!(query.as_str(), "check_promotion" | "chunk_syntax").then(|| {
                    let item = ChunkKey::from_id(key.key_index());
                    item.text(self).lines().next().unwrap_or("").trim().to_owned()
                });
                Executed { query, item }
            })
            .collect()
    }

    /// Adds `ruleset`'s files and modules as new inputs.
    pub fn add_ruleset(&mut self, ruleset: &Ruleset) -> RulesetHandle {
        let files: Vec<SourceInput> = ruleset
            .sources()
            .iter()
            .map(|(id, source)| {
                let library = ruleset.is_library(id);
                let durability = if library { Durability::HIGH } else { Durability::LOW };
                SourceInput::builder(source.name.clone(), Arc::clone(&source.text), id, library)
                    .durability(durability)
                    .new(self)
            })
            .collect();
        let modules: BTreeMap<String, Arc<[u8]>> =
            ruleset.modules().map(|(name, bytes)| (name.to_owned(), Arc::from(bytes))).collect();
        let input = RulesetInput::new(self, files.clone(), modules);
        RulesetHandle { input, files }
    }

    /// Replaces the text of `file`.
    pub fn set_text(&mut self, file: SourceInput, text: Arc<str>) {
        if **file.text(self) != *text {
            file.set_text(self).to(text);
        }
    }

    /// Replaces the extension modules of `ruleset`.
    pub fn set_modules(&mut self, ruleset: RulesetInput, modules: BTreeMap<String, Arc<[u8]>>) {
        if *ruleset.modules(self) != modules {
            ruleset.set_modules(self).to(modules);
        }
    }

    /// The file ids and texts of `ruleset`, as a [`Ruleset`] (for positions and rendering).
    pub fn ruleset(&self, ruleset: RulesetInput) -> Ruleset {
        let mut out = Ruleset::new();
        for file in ruleset.files(self).iter().filter(|f| !f.library(self)) {
            out.add_file(file.name(self).clone(), Arc::clone(file.text(self)));
        }
        for (name, bytes) in ruleset.modules(self) {
            out.add_module(name.clone(), Arc::clone(bytes));
        }
        out
    }

    /// The checked ruleset.
    pub fn checked(&self, ruleset: RulesetInput) -> Arc<Checked> {
        queries::checked(self, ruleset)
    }

    /// The syntax trees of `ruleset`'s files.
    pub fn trees(&self, ruleset: RulesetInput) -> Trees {
        queries::trees(self, ruleset)
    }

    /// The ruleset compiled for the runtime, or why it cannot be.
    pub fn lowered(&self, ruleset: RulesetInput) -> Result<Arc<promo_runtime::ir::CompiledRuleset>, LowerError> {
        queries::lowered(self, ruleset).clone()
    }
}

/// Checks `ruleset` through a database of its own.
pub(crate) fn check(ruleset: &Ruleset) -> Checked {
    let mut db = Database::new();
    let handle = db.add_ruleset(ruleset);
    let checked = db.checked(handle.input);
    drop(db);
    Arc::try_unwrap(checked).unwrap_or_else(|shared| (*shared).clone())
}
