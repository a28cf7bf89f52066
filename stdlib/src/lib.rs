//! # promo-stdlib
//!
//! The standard promotion templates, written in Promo itself (`std/*.promo`) and embedded here so
//! the compiler always has them. A ruleset imports them with `use std::{flash_sale, …}`.

/// One file of the standard library.
#[derive(Debug, Clone, Copy)]
pub struct Module {
    /// File stem, e.g. `flash_sale`.
    pub name: &'static str,
    /// The Promo source.
    pub source: &'static str,
}

/// Every module of the standard library.
pub const MODULES: &[Module] = &[
    Module { name: "flash_sale", source: include_str!("../std/flash_sale.promo") },
    Module { name: "thresholds", source: include_str!("../std/thresholds.promo") },
    Module { name: "multi_buy", source: include_str!("../std/multi_buy.promo") },
    Module { name: "gifts", source: include_str!("../std/gifts.promo") },
    Module { name: "presale", source: include_str!("../std/presale.promo") },
    Module { name: "bundles", source: include_str!("../std/bundles.promo") },
    Module { name: "coupons", source: include_str!("../std/coupons.promo") },
];

#[cfg(test)]
mod tests {
    use super::MODULES;

    #[test]
    fn every_module_declares_templates() {
        for module in MODULES {
            assert!(module.source.contains("template "), "{} declares no template", module.name);
        }
    }
}
