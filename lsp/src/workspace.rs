//! The files the server knows: the text of every open document, and the ruleset each file
//! belongs to — every `.promo` file of its folder (an open document's text over the file on disk)
//! with the folder's extension modules, as `promo check` reads a folder.
//!
//! Every folder is a ruleset in one [`Database`] kept for the whole session: an edit sets one
//! file's text, and the next analysis re-runs only the queries that text reaches (the edited
//! promotion, not the other thousand).

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use promo_lang::db::{Database, RulesetHandle, RulesetInput, SourceInput, Trees};
use promo_lang::syntax::ast::Item;
use promo_lang::{Checked, FileId, Ruleset};

/// Open documents, by path, and each folder's ruleset in the database.
#[derive(Debug, Default)]
pub struct Workspace {
    db: Database,
    open: BTreeMap<PathBuf, String>,
    projects: BTreeMap<PathBuf, Project>,
}

/// One folder's ruleset in the database.
#[derive(Debug)]
struct Project {
    handle: RulesetHandle,
    /// The user files, by id, with their paths.
    files: Vec<(FileId, PathBuf, SourceInput)>,
    /// The extension modules' paths.
    modules: Vec<PathBuf>,
    /// Whether a file of the folder may have changed since the inputs were last set.
    stale: bool,
    /// Counts changes to the inputs, so an analysis computed meanwhile is not kept.
    generation: u64,
    /// INVARIANT: `None` whenever the inputs changed after it was computed.
    analysis: Option<Arc<Analysis>>,
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
    pub checked: Arc<Checked>,
    /// The database's syntax trees of the files.
    trees: Option<Trees>,
    /// Every file's items (standard library included), for positions and names: moved to file
    /// offsets from `trees` on first use, so the diagnostics after an edit never wait for it.
    items: OnceLock<Vec<(FileId, Item)>>,
}

impl Analysis {
    /// The analysis of no files.
    fn empty() -> Analysis {
        Analysis {
            ruleset: Ruleset::new(),
            files: Vec::new(),
            checked: Arc::default(),
            trees: None,
            items: OnceLock::new(),
        }
    }

    /// Every file's items (standard library included), in file offsets.
    pub fn items(&self) -> &[(FileId, Item)] {
        self.items.get_or_init(|| self.trees.as_ref().map(Trees::items).unwrap_or_default())
    }

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

/// An analysis to compute outside the workspace's lock, on a handle of the database of its own.
#[derive(Debug)]
pub struct Job {
    db: Database,
    input: RulesetInput,
    files: Vec<(FileId, PathBuf)>,
    folder: PathBuf,
    generation: u64,
}

/// What [`Workspace::begin`] gives: an analysis already made, or one to make.
#[derive(Debug)]
pub enum Pending {
    /// Up to date.
    Ready(Arc<Analysis>),
    /// To compute with [`Job::run`], then to hand back with [`Workspace::finish`].
    Compute(Job),
}

/// Which analysis a finished [`Job`] was for.
#[derive(Debug)]
pub struct Done {
    folder: PathBuf,
    generation: u64,
}

impl Job {
    /// Computes the analysis. `None` when an edit cancelled it: the caller drops the request, and
    /// the database handle is released before this returns, so the edit can go on.
    pub fn run(self) -> (Done, Option<Analysis>) {
        let Job { db, input, files, folder, generation } = self;
        let analysis = promo_lang::db::Cancelled::catch(AssertUnwindSafe(|| build(&db, input, files))).ok();
        drop(db);
        (Done { folder, generation }, analysis)
    }
}

fn build(db: &Database, input: RulesetInput, files: Vec<(FileId, PathBuf)>) -> Analysis {
    let checked = db.checked(input);
    let ruleset = db.ruleset(input);
    let trees = Some(db.trees(input));
    Analysis { ruleset, files, checked, trees, items: OnceLock::new() }
}

impl Workspace {
    /// Records the text of an open (or changed) document, in the database at once.
    pub fn set(&mut self, path: PathBuf, text: String) {
        let folder = folder_of(&path);
        if let Some(project) = self.projects.get_mut(&folder) {
            match project.files.iter().find(|(_, p, _)| *p == path) {
                Some((_, _, source)) => {
                    self.db.set_text(*source, Arc::from(text.as_str()));
                    project.changed();
                }
                None => project.stale = true,
            }
        }
        self.open.insert(path, text);
    }

    /// Forgets a closed document: its file on disk counts again.
    pub fn close(&mut self, path: &Path) {
        self.open.remove(path);
        self.invalidate(path);
    }

    /// Notes that files of `path`'s folder may have changed on disk.
    pub fn invalidate(&mut self, path: &Path) {
        if let Some(project) = self.projects.get_mut(&folder_of(path)) {
            project.stale = true;
        }
    }

    /// The analysis of the ruleset `path` belongs to, computed here, on the workspace's own
    /// database (which nothing else can cancel), if it is not up to date.
    pub fn analysis(&mut self, path: &Path) -> Arc<Analysis> {
        let Some(project) = self.project(path) else { return Arc::new(Analysis::empty()) };
        if let Some(a) = &project.analysis {
            return Arc::clone(a);
        }
        let (input, files) = (project.handle.input, project.paths());
        let a = Arc::new(build(&self.db, input, files));
        if let Some(project) = self.projects.get_mut(&folder_of(path)) {
            project.analysis = Some(Arc::clone(&a));
        }
        a
    }

    /// The analysis of `path`'s ruleset if up to date, else the job that computes it on a handle
    /// of the database, outside the caller's lock.
    pub fn begin(&mut self, path: &Path) -> Pending {
        let Some(project) = self.project(path) else { return Pending::Ready(Arc::new(Analysis::empty())) };
        if let Some(a) = &project.analysis {
            return Pending::Ready(Arc::clone(a));
        }
        let (input, files, generation) = (project.handle.input, project.paths(), project.generation);
        Pending::Compute(Job { db: self.db.clone(), input, files, folder: folder_of(path), generation })
    }

    /// Keeps a finished job's analysis, unless the inputs changed while it ran.
    pub fn finish(&mut self, done: Done, analysis: Arc<Analysis>) {
        if let Some(project) = self.projects.get_mut(&done.folder)
            && project.generation == done.generation
            && !project.stale
        {
            project.analysis = Some(analysis);
        }
    }

    /// The text of `path`: open, or on disk.
    pub fn text(&self, path: &Path) -> Option<String> {
        self.open.get(path).cloned().or_else(|| std::fs::read_to_string(path).ok())
    }

    /// The project of `path`'s folder, its inputs brought up to date: the same files get their
    /// texts set (salsa re-runs what changed), a different set of files makes a new ruleset.
    fn project(&mut self, path: &Path) -> Option<&mut Project> {
        let folder = folder_of(path);
        let known = self.projects.get(&folder).is_some_and(|p| !p.stale && p.files.iter().any(|(_, f, _)| f == path));
        if !known {
            let (promo, modules) = self.listing(path);
            let same = self
                .projects
                .get(&folder)
                .is_some_and(|p| p.files.iter().map(|(_, f, _)| f).eq(promo.iter()) && p.modules == modules);
            if same {
                self.refresh(&folder, &modules);
            } else {
                let project = self.create(&promo, modules);
                self.projects.insert(folder.clone(), project);
            }
        }
        self.projects.get_mut(&folder)
    }

    /// Sets every file's text (open, or on disk) and the modules of the project of `folder`.
    fn refresh(&mut self, folder: &Path, modules: &[PathBuf]) {
        let Some(project) = self.projects.get(folder) else { return };
        let texts: Vec<(SourceInput, String)> =
            project.files.iter().map(|(_, path, s)| (*s, self.text(path).unwrap_or_default())).collect();
        let input = project.handle.input;
        for (source, text) in texts {
            self.db.set_text(source, Arc::from(text.as_str()));
        }
        self.db.set_modules(input, read_modules(modules));
        if let Some(project) = self.projects.get_mut(folder) {
            project.stale = false;
            project.changed();
        }
    }

    /// A new ruleset of the files `promo` and the modules `modules`.
    fn create(&mut self, promo: &[PathBuf], modules: Vec<PathBuf>) -> Project {
        let mut ruleset = Ruleset::new();
        let mut ids = Vec::new();
        for p in promo {
            ids.push((ruleset.add_file(p.display().to_string(), self.text(p).unwrap_or_default()), p.clone()));
        }
        for (name, bytes) in read_modules(&modules) {
            ruleset.add_module(name, bytes);
        }
        let handle = self.db.add_ruleset(&ruleset);
        let files =
            ids.into_iter().filter_map(|(id, p)| handle.files.get(id.0 as usize).map(|s| (id, p, *s))).collect();
        Project { handle, files, modules, stale: false, generation: 0, analysis: None }
    }

    /// The `.promo` files and extension modules of `path`'s folder, sorted: those on disk, the
    /// open documents, and `path` itself.
    fn listing(&self, path: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let folder = path.parent().unwrap_or(Path::new("."));
        let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        paths.extend(self.open.keys().filter(|p| p.parent() == Some(folder)).cloned());
        paths.push(path.to_owned());
        paths.sort();
        paths.dedup();
        let ext = |p: &PathBuf| p.extension().and_then(|e| e.to_str()).map(str::to_owned);
        let promo = paths.iter().filter(|p| ext(p).as_deref() == Some("promo")).cloned().collect();
        let modules = paths.iter().filter(|p| matches!(ext(p).as_deref(), Some("wasm" | "wat"))).cloned().collect();
        (promo, modules)
    }
}

impl Project {
    /// Notes that an input changed.
    fn changed(&mut self) {
        self.generation += 1;
        self.analysis = None;
    }

    fn paths(&self) -> Vec<(FileId, PathBuf)> {
        self.files.iter().map(|(id, p, _)| (*id, p.clone())).collect()
    }
}

/// The modules at `paths` that can be read, by file name.
fn read_modules(paths: &[PathBuf]) -> BTreeMap<String, Arc<[u8]>> {
    paths
        .iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            let bytes = std::fs::read(p).ok()?;
            Some((name, Arc::from(bytes)))
        })
        .collect()
}
