//! # promo-lang
//!
//! The Promo language: text → syntax tree (pest, never fails) → names and types (the checker) →
//! diagnostics (miette). Lowering to the runtime's compiled form builds on the checked program.
//!
//! ```
//! use promo_lang::{Ruleset, check};
//!
//! let mut ruleset = Ruleset::new();
//! ruleset.add_file("store.promo", r#"
//!     settings { currency USD }
//!     promotion "Shoes: 10% off" {
//!       level item
//!       scope category == "shoes"
//!       discount 10%
//!     }
//! "#);
//! let checked = check(&ruleset);
//! assert!(checked.diagnostics.is_empty());
//! assert_eq!(checked.program.promotions.len(), 1);
//! ```

pub mod check;
pub mod db;
pub mod describe;
pub mod diagnostic;
pub mod format;
pub mod hir;
pub mod load;
pub mod lower;
pub mod ruleset;
pub mod source;
pub mod syntax;

pub use check::{Checked, check};
pub use diagnostic::{Diagnostic, Problem, Severity};
pub use lower::{LowerError, lower, source_hash};
pub use ruleset::Ruleset;
pub use source::{FileId, LineCol, Relocation, SourceFile, Sources, Span};
