//! The store's catalog: the products on sale, with what their pages show and where the call to
//! purchase leads. Read from `catalog.json` in the store folder, with the product media from its
//! `media/` folder (loaded into memory at start: a media name is looked up, never made a path).

use std::collections::BTreeMap;
use std::path::Path;

use promo_runtime::SmolStr;
use promo_runtime::input::Line;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The largest media file served.
pub const MAX_MEDIA_BYTES: u64 = 5 << 20;

/// One product on sale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// The SKU (also the page's address).
    pub sku: String,
    /// The name shown as the title.
    pub name: String,
    /// What it is.
    pub description: String,
    /// Terms of sale.
    pub terms: String,
    /// Unit price before promotions.
    pub unit_price: Decimal,
    /// Media file names in the store's `media/` folder, the first shown largest.
    #[serde(default)]
    pub media: Vec<String>,
    /// The provider's cart page the call to purchase leads to.
    pub cart_url: String,
    /// Product attributes the promotions read (`category`, `brand`, the schema's own …).
    #[serde(default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
}

impl Product {
    /// A cart line for `quantity` units of this product.
    pub fn line(&self, id: impl Into<SmolStr>, quantity: u32) -> Line {
        Line {
            id: id.into(),
            sku: self.sku.as_str().into(),
            unit_price: self.unit_price,
            quantity,
            attributes: self.attributes.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    products: Vec<Product>,
}

/// A media file.
#[derive(Debug, Clone)]
pub struct Media {
    /// Its MIME type.
    pub content_type: &'static str,
    /// Its bytes.
    pub bytes: std::sync::Arc<[u8]>,
}

/// The products, by SKU, and their media.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    products: BTreeMap<String, Product>,
    media: BTreeMap<String, Media>,
}

/// Why the catalog could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The JSON is malformed or does not match the format.
    #[error("{path}:{line}:{column}: {message}")]
    Format {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was expected.
        message: String,
    },
    /// A product is wrong.
    #[error("{path}: product `{sku}`: {message}")]
    Product {
        /// The file.
        path: String,
        /// The product.
        sku: String,
        /// What is wrong.
        message: String,
    },
}

/// The MIME type of a media name, by its extension; `None` for a type the host does not serve.
pub fn media_type(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => return None,
    })
}

/// Whether `name` is a plain file name: letters, digits, `-`, `_`, one or more `.`-separated
/// parts, not starting with a dot, at most 100 bytes.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && !name.contains("..")
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

impl Catalog {
    /// Reads `catalog.json` and the media it names from `dir`.
    pub fn load(dir: &Path) -> Result<Catalog, CatalogError> {
        let path = dir.join("catalog.json");
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|source| CatalogError::Io { path: shown.clone(), source })?;
        let file: CatalogFile = serde_json::from_str(&text).map_err(|e| CatalogError::Format {
            path: shown.clone(),
            line: e.line(),
            column: e.column(),
            message: e.to_string().split(" at line ").next().unwrap_or_default().to_owned(),
        })?;
        let mut catalog = Catalog::default();
        for product in file.products {
            let bad =
                |message: String| CatalogError::Product { path: shown.clone(), sku: product.sku.clone(), message };
            if product.sku.is_empty() || !is_plain_name(&product.sku) {
                return Err(bad("a SKU is letters, digits, `-`, `_` and `.` (it is the page's address)".to_owned()));
            }
            if catalog.products.contains_key(&product.sku) {
                return Err(bad("listed twice".to_owned()));
            }
            if !(product.cart_url.starts_with("https://") || product.cart_url.starts_with("http://")) {
                return Err(bad(format!("`cart_url` must be an http(s) address, not `{}`", product.cart_url)));
            }
            if product.unit_price < Decimal::ZERO {
                return Err(bad("`unit_price` must not be negative".to_owned()));
            }
            for name in &product.media {
                if catalog.media.contains_key(name) {
                    continue;
                }
                let media = read_media(dir, name).map_err(bad)?;
                catalog.media.insert(name.clone(), media);
            }
            catalog.products.insert(product.sku.clone(), product);
        }
        Ok(catalog)
    }

    /// The product with `sku`.
    pub fn product(&self, sku: &str) -> Option<&Product> {
        self.products.get(sku)
    }

    /// Every product, by SKU.
    pub fn products(&self) -> impl Iterator<Item = &Product> {
        self.products.values()
    }

    /// The media file called `name`.
    pub fn media(&self, name: &str) -> Option<&Media> {
        self.media.get(name)
    }
}

fn read_media(dir: &Path, name: &str) -> Result<Media, String> {
    if !is_plain_name(name) {
        return Err(format!("media `{name}` is not a plain file name"));
    }
    let content_type = media_type(name).ok_or_else(|| {
        format!("media `{name}`: expected an image (png, jpg, gif, webp, svg) or a video (mp4, webm)")
    })?;
    let path = dir.join("media").join(name);
    let meta = std::fs::metadata(&path).map_err(|e| format!("media `{}`: {e}", path.display()))?;
    if meta.len() > MAX_MEDIA_BYTES {
        return Err(format!("media `{name}` is larger than {} MiB", MAX_MEDIA_BYTES >> 20));
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("media `{}`: {e}", path.display()))?;
    Ok(Media { content_type, bytes: bytes.into() })
}

#[cfg(test)]
mod tests {
    use super::{is_plain_name, media_type};

    #[test]
    fn names_never_become_paths() {
        assert!(is_plain_name("vatulele-beach.svg"));
        for bad in ["", "../etc/passwd", ".hidden", "a/b.png", "a\\b.png", "x..png", "é.png"] {
            assert!(!is_plain_name(bad), "{bad}");
        }
        assert_eq!(media_type("a.SVG"), Some("image/svg+xml"));
        assert_eq!(media_type("a.exe"), None);
    }
}
