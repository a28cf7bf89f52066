//! The files the server knows: the text of every open document, and the ruleset each file
//! belongs to — every `.promo` file of its folder (an open document's text over the file on disk)
//! with the folder's extension modules, as `promo check` reads a folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use promo_lang::{Checked, FileId, Ruleset, check};

/// Open documents, by path, and the last analysis of each folder.
#[derive(Debug, Default)]
pub struct Workspace {
    open: BTreeMap<PathBuf, String>,
    /// INVARIANT: an entry is dropped whenever a document of its folder is set, closed or saved,
    /// so a cached analysis always reflects the open texts.
    analyses: BTreeMap<PathBuf, Arc<Analysis>>,
}

fn folder_of(path: &Path) -> PathBuf {
    path.parent().unwrap_or(Path::new(".")).to_owned()
}

/// A ruleset checked, with the path of each of its files.
#[derive(Debug)]
pub struct Analysis {
    /// The ruleset (standard library included).
    pub ruleset: Ruleset,
    /// Its user files.
    pub files: Vec<(FileId, PathBuf)>,
    /// The outcome of checking it.
    pub checked: Checked,
    /// Every file's syntax tree (standard library included), for positions and names.
    pub items: Vec<(FileId, promo_lang::syntax::ast::Item)>,
}

impl Analysis {
    /// The file id of `path`.
    pub fn file(&self, path: &Path) -> Option<FileId> {
        self.files.iter().find(|(_, p)| p == path).map(|(id, _)| *id)
    }

    /// The path of `file`.
    pub fn path(&self, file: FileId) -> Option<&Path> {
        self.files.iter().find(|(id, _)| *id == file).map(|(_, p)| p.as_path())
    }

    /// The text of `file`.
    pub fn text(&self, file: FileId) -> &str {
        self.ruleset.sources().get(file).map_or("", |f| &f.text)
    }
}

impl Workspace {
    /// Records the text of an open (or changed) document.
    pub fn set(&mut self, path: PathBuf, text: String) {
        self.analyses.remove(&folder_of(&path));
        self.open.insert(path, text);
    }

    /// Forgets a closed document: its file on disk counts again.
    pub fn close(&mut self, path: &Path) {
        self.analyses.remove(&folder_of(path));
        self.open.remove(path);
    }

    /// Notes that files of `path`'s folder changed on disk.
    pub fn invalidate(&mut self, path: &Path) {
        self.analyses.remove(&folder_of(path));
    }

    /// The analysis of the ruleset `path` belongs to: the cached one, or a new check.
    pub fn analysis(&mut self, path: &Path) -> Arc<Analysis> {
        let folder = folder_of(path);
        if let Some(a) = self.analyses.get(&folder).filter(|a| a.file(path).is_some()) {
            return Arc::clone(a);
        }
        let a = Arc::new(self.analyse(path));
        self.analyses.insert(folder, Arc::clone(&a));
        a
    }

    /// The text of `path`: open, or on disk.
    pub fn text(&self, path: &Path) -> Option<String> {
        self.open.get(path).cloned().or_else(|| std::fs::read_to_string(path).ok())
    }

    /// Checks the ruleset `path` belongs to.
    pub fn analyse(&self, path: &Path) -> Analysis {
        let folder = path.parent().unwrap_or(Path::new("."));
        let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        paths.extend(self.open.keys().filter(|p| p.parent() == Some(folder)).cloned());
        paths.push(path.to_owned());
        paths.sort();
        paths.dedup();
        let mut ruleset = Ruleset::new();
        let mut files = Vec::new();
        for p in &paths {
            match p.extension().and_then(|e| e.to_str()) {
                Some("promo") => {
                    if let Some(text) = self.text(p) {
                        files.push((ruleset.add_file(p.display().to_string(), text), p.clone()));
                    }
                }
                Some("wasm" | "wat") => {
                    if let (Some(name), Ok(bytes)) = (p.file_name().and_then(|n| n.to_str()), std::fs::read(p)) {
                        ruleset.add_module(name, bytes);
                    }
                }
                _ => {}
            }
        }
        let checked = check(&ruleset);
        let items = checked.syntax.iter().flat_map(|(id, f)| f.items.iter().map(move |i| (*id, i.clone()))).collect();
        Analysis { ruleset, files, checked, items }
    }
}
