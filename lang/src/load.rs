//! Rulesets on disk. A `.promo` file is a ruleset; a folder with `.promo` files directly in it is
//! one ruleset made of them (so the schema can live in its own file); a folder without any, whose
//! subfolders are rulesets (like `examples/`), is each of them.
//!
//! The extension modules (`*.wasm`, `*.wat`) in a ruleset's folder are read with it, so its
//! `extern` declarations can name them by file name.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::Ruleset;

/// A ruleset read from disk.
#[derive(Debug)]
pub struct LoadedRuleset {
    /// The file or folder it was read from.
    pub path: PathBuf,
    /// Its files (and the standard library).
    pub ruleset: Ruleset,
    /// Files that could not be read as text, with the offset of the first bad byte.
    pub unreadable: Vec<(PathBuf, usize)>,
}

/// Why a path could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The path does not exist or cannot be read.
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A folder with no `.promo` files in it or in its subfolders.
    NoRulesets {
        /// The folder.
        path: PathBuf,
    },
    /// An extension module larger than [`MAX_MODULE_BYTES`].
    ModuleTooLarge {
        /// The file.
        path: PathBuf,
    },
    /// A file that is not a `.promo` file.
    NotPromo {
        /// The file.
        path: PathBuf,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, source } => write!(f, "cannot read `{}`: {source}", path.display()),
            LoadError::NoRulesets { path } => {
                write!(f, "`{}` holds no `.promo` files, directly or in its subfolders", path.display())
            }
            LoadError::ModuleTooLarge { path } => {
                write!(f, "extension module `{}` is larger than {} MiB", path.display(), MAX_MODULE_BYTES >> 20)
            }
            LoadError::NotPromo { path } => write!(f, "`{}` is not a `.promo` file", path.display()),
        }
    }
}

impl std::error::Error for LoadError {}

/// Loads every ruleset named by `paths`, in order.
pub fn load(paths: &[PathBuf]) -> Result<Vec<LoadedRuleset>, LoadError> {
    let mut out = Vec::new();
    for path in paths {
        load_path(path, &mut out)?;
    }
    Ok(out)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LoadError + '_ {
    move |source| LoadError::Io { path: path.to_owned(), source }
}

fn is_promo(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "promo")
}

fn is_module(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "wasm" || e == "wat")
}

/// The largest extension module read: a module is a function or two, not an application.
const MAX_MODULE_BYTES: u64 = 16 << 20;

fn load_path(path: &Path, out: &mut Vec<LoadedRuleset>) -> Result<(), LoadError> {
    let meta = std::fs::metadata(path).map_err(io(path))?;
    if meta.is_file() {
        if !is_promo(path) {
            return Err(LoadError::NotPromo { path: path.to_owned() });
        }
        out.push(read_ruleset(path, &[path.to_owned()])?);
        return Ok(());
    }
    let mut files = Vec::new();
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(path).map_err(io(path))? {
        let entry_path = entry.map_err(io(path))?.path();
        if entry_path.is_dir() {
            folders.push(entry_path);
        } else if is_promo(&entry_path) {
            files.push(entry_path);
        }
    }
    files.sort();
    folders.sort();
    if !files.is_empty() {
        out.push(read_ruleset(path, &files)?);
        return Ok(());
    }
    let before = out.len();
    for folder in folders {
        match load_path(&folder, out) {
            Ok(()) | Err(LoadError::NoRulesets { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    if out.len() == before {
        return Err(LoadError::NoRulesets { path: path.to_owned() });
    }
    Ok(())
}

fn read_ruleset(root: &Path, files: &[PathBuf]) -> Result<LoadedRuleset, LoadError> {
    let mut ruleset = Ruleset::new();
    let mut unreadable = Vec::new();
    for file in files {
        let bytes = std::fs::read(file).map_err(io(file))?;
        match String::from_utf8(bytes) {
            Ok(text) => {
                ruleset.add_file(file.display().to_string(), text);
            }
            Err(e) => unreadable.push((file.clone(), e.utf8_error().valid_up_to())),
        }
    }
    let folder = if root.is_dir() { root } else { root.parent().unwrap_or(Path::new(".")) };
    let folder = if folder.as_os_str().is_empty() { Path::new(".") } else { folder };
    let mut modules = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(io(folder))? {
        let path = entry.map_err(io(folder))?.path();
        if is_module(&path) && path.is_file() {
            modules.push(path);
        }
    }
    modules.sort();
    for path in modules {
        if std::fs::metadata(&path).map_err(io(&path))?.len() > MAX_MODULE_BYTES {
            return Err(LoadError::ModuleTooLarge { path });
        }
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        ruleset.add_module(name, bytes);
    }
    Ok(LoadedRuleset { path: root.to_owned(), ruleset, unreadable })
}
