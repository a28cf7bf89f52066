//! The store a host serves: the ruleset compiled from the store folder's `.promo` files and the
//! catalog beside them, swapped as one on reload while requests keep being served.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use promo_lang::{check, lower, source_hash};
use promo_runtime::input::{Cart, Customer};
use promo_runtime::{CompiledRuleset, Prepared};

use crate::catalog::{Catalog, CatalogError};

/// A store folder, compiled and read.
#[derive(Debug)]
pub struct Loaded {
    /// The ruleset, indexed.
    pub prepared: Prepared,
    /// Its compiled form as JSON (stored once per hash, for the refunds of its orders).
    pub compiled_json: String,
    /// The products.
    pub catalog: Catalog,
}

impl Loaded {
    /// The ruleset.
    pub fn ruleset(&self) -> &CompiledRuleset {
        &self.prepared.ruleset
    }

    /// The hash of the ruleset's sources.
    pub fn hash(&self) -> &str {
        &self.prepared.ruleset.source_hash
    }
}

/// Why a store folder could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ShopError {
    /// The `.promo` files could not be read.
    #[error("{0}")]
    Load(#[from] promo_lang::load::LoadError),
    /// The folder holds more than one ruleset.
    #[error("`{0}` holds several rulesets; a store is one folder of `.promo` files")]
    Several(PathBuf),
    /// The ruleset has errors.
    #[error("the ruleset has errors:\n{0}")]
    Diagnostics(String),
    /// Lowering failed.
    #[error("cannot compile the ruleset: {0}")]
    Lower(String),
    /// The catalog is wrong.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// Compiles the `.promo` files of `dir` and reads its catalog.
pub fn load(dir: &Path) -> Result<Loaded, ShopError> {
    let mut rulesets = promo_lang::load::load(&[dir.to_owned()])?;
    let loaded = match (rulesets.pop(), rulesets.is_empty()) {
        (Some(one), true) => one,
        _ => return Err(ShopError::Several(dir.to_owned())),
    };
    if let Some((path, offset)) = loaded.unreadable.first() {
        return Err(ShopError::Diagnostics(format!("{}: not UTF-8 text (byte {offset})", path.display())));
    }
    let checked = check(&loaded.ruleset);
    if checked.has_errors() {
        let sources = loaded.ruleset.sources();
        let lines: Vec<String> = checked
            .diagnostics
            .iter()
            .filter(|d| d.severity() == promo_lang::Severity::Error)
            .map(|d| {
                let span = d.span();
                match sources.get(span.file) {
                    Some(file) => {
                        let at = file.lines.line_col(&file.text, span.start);
                        format!("  {}:{}:{}: {} [{}]", file.name, at.line, at.column, d.message(), d.code())
                    }
                    None => format!("  {} [{}]", d.message(), d.code()),
                }
            })
            .collect();
        return Err(ShopError::Diagnostics(lines.join("\n")));
    }
    let compiled =
        lower(&checked.program, source_hash(&loaded.ruleset)).map_err(|e| ShopError::Lower(e.to_string()))?;
    let compiled_json = compiled.to_json().map_err(|e| ShopError::Lower(e.to_string()))?;
    let catalog = Catalog::load(dir)?;
    check_catalog(&compiled, &catalog, dir)?;
    Ok(Loaded { prepared: Prepared::new(compiled), compiled_json, catalog })
}

/// Every product's attributes must be what the schema declares: found at start, not on a page.
fn check_catalog(ruleset: &CompiledRuleset, catalog: &Catalog, dir: &Path) -> Result<(), ShopError> {
    for product in catalog.products() {
        let cart = Cart { currency: None, lines: vec![product.line("1", 1)], coupons: Vec::new(), choose: Vec::new() };
        if let Err(e) = promo_runtime::bind::bind(ruleset, &cart, &Customer::default()) {
            let place = e.place.strip_prefix("cart.lines[0].").unwrap_or(&e.place);
            return Err(ShopError::Catalog(CatalogError::Product {
                path: dir.join("catalog.json").display().to_string(),
                sku: product.sku.clone(),
                message: format!("{place}: {}", e.message),
            }));
        }
    }
    Ok(())
}

/// The store being served: replaced whole on reload; a request holds the version it started with.
#[derive(Debug)]
pub struct Shop {
    dir: PathBuf,
    current: ArcSwap<Loaded>,
}

impl Shop {
    /// Loads `dir`.
    pub fn open(dir: &Path) -> Result<Shop, ShopError> {
        Ok(Shop { dir: dir.to_owned(), current: ArcSwap::from_pointee(load(dir)?) })
    }

    /// The version in use now.
    pub fn current(&self) -> Arc<Loaded> {
        self.current.load_full()
    }

    /// Serves `fresh` (a [`load`] of the folder) from now on; a request under way finishes with
    /// the version it started with.
    pub fn replace(&self, fresh: Loaded) -> Arc<Loaded> {
        let fresh = Arc::new(fresh);
        self.current.store(Arc::clone(&fresh));
        fresh
    }

    /// The store folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}
