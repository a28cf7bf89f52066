//! The files the server knows: the text of every open document, and the ruleset each file
//! belongs to — every `.promo` file of its folder (an open document's text over the file on disk)
//! with the folder's extension modules, as `promo check` reads a folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use promo_lang::{Checked, FileId, Ruleset, check};

/// Open documents, by path.
#[derive(Debug, Default)]
pub struct Workspace {
    open: BTreeMap<PathBuf, String>,
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
        self.open.insert(path, text);
    }

    /// Forgets a closed document: its file on disk counts again.
    pub fn close(&mut self, path: &Path) {
        self.open.remove(path);
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
        Analysis { ruleset, files, checked }
    }
}
