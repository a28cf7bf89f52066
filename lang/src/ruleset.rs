//! A ruleset: the `.promo` files compiled together, plus the standard library.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::source::{FileId, Sources};

/// The files of one ruleset. The standard library's files are always included, first.
#[derive(Debug, Clone)]
pub struct Ruleset {
    sources: Sources,
    library_files: usize,
    /// Extension modules beside the files (`*.wasm`, `*.wat`), by file name.
    modules: BTreeMap<String, Arc<[u8]>>,
}

impl Default for Ruleset {
    fn default() -> Ruleset {
        Ruleset::new()
    }
}

impl Ruleset {
    /// A ruleset holding only the standard library.
    pub fn new() -> Ruleset {
        let mut sources = Sources::new();
        for module in promo_stdlib::MODULES {
            sources.add(format!("std/{}.promo", module.name), module.source);
        }
        Ruleset { sources, library_files: promo_stdlib::MODULES.len(), modules: BTreeMap::new() }
    }

    /// Adds a user file.
    pub fn add_file(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        self.sources.add(name, text)
    }

    /// Adds an extension module an `extern` declaration may name, by its file name (`loyalty.wat`).
    pub fn add_module(&mut self, name: impl Into<String>, bytes: impl Into<Arc<[u8]>>) {
        self.modules.insert(name.into(), bytes.into());
    }

    /// The extension module called `name`.
    pub fn module(&self, name: &str) -> Option<&[u8]> {
        self.modules.get(name).map(|m| &**m)
    }

    /// Every extension module, by name.
    pub fn modules(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.modules.iter().map(|(n, m)| (n.as_str(), &**m))
    }

    /// Every file, library included.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// Whether `file` belongs to the standard library.
    pub fn is_library(&self, file: FileId) -> bool {
        (file.0 as usize) < self.library_files
    }

    /// The user's files.
    pub fn user_files(&self) -> impl Iterator<Item = FileId> + '_ {
        self.sources.iter().map(|(id, _)| id).filter(|id| !self.is_library(*id))
    }
}
