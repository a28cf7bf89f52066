//! Risk at compile time: a special price below a declared floor, a discount deeper than a
//! protection rate. Floors are checked where the bound is static; the runtime checks every
//! final price again.

use rust_decimal::Decimal;

use super::satisfiable::implies;
use super::{CheckError, Checker};
use crate::hir::{Benefit, Expr, FloorBound, Value};
use crate::source::Span;

impl Checker<'_> {
    /// Checks the benefits of a promotion over `scope` against its own floor and every settings
    /// floor its scope falls under. Returns whether all are respected.
    pub(super) fn check_floors(
        &mut self,
        scope: &Expr,
        benefits: &[(Benefit, Span)],
        own: Option<(FloorBound, Span)>,
    ) -> bool {
        let mut floors: Vec<(FloorBound, Span)> = own.into_iter().collect();
        for floor in &self.settings.floors {
            if floor.products.as_ref().is_none_or(|p| implies(scope, p)) {
                floors.push((floor.bound, floor.span));
            }
        }
        let mut ok = true;
        for (benefit, span) in benefits {
            for (floor, floor_span) in &floors {
                let Some((what, price, floor_text)) = below(benefit, floor) else { continue };
                let floor_span = Self::same_file(*floor_span, *span);
                self.report(*span, CheckError::BelowFloor { what, price, floor: floor_text, span: *span, floor_span });
                ok = false;
            }
        }
        ok
    }
}

/// If `benefit` goes below `floor`: (what, its price, the floor), in words.
fn below(benefit: &Benefit, floor: &FloorBound) -> Option<(&'static str, String, String)> {
    match (benefit, floor) {
        (Benefit::SpecialPrice(p), FloorBound::Amount(f)) if p.amount() < f.amount() => {
            Some(("the special price", p.to_string(), f.to_string()))
        }
        (Benefit::Group { price, .. }, FloorBound::Amount(f)) if price.amount() < f.amount() => {
            Some(("the group price", price.to_string(), f.to_string()))
        }
        (Benefit::MultiBuy { count, price }, FloorBound::Amount(f)) => {
            let unit = price.amount().checked_div(Decimal::from(*count))?;
            (unit < f.amount()).then(|| {
                ("the multi-buy unit price", format!("{} {}", unit.round_dp(2), price.currency()), f.to_string())
            })
        }
        (Benefit::Discount(steps), FloorBound::Rate(r)) => {
            let deepest =
                steps.iter().filter_map(|(v, _)| if let Value::Percent(p) = v { Some(*p) } else { None }).max()?;
            let left = Decimal::ONE_HUNDRED - deepest;
            (left < *r).then(|| {
                ("the price after the discount", format!("{left}% of the original"), format!("{r}% of the original"))
            })
        }
        (Benefit::BuyGet { at: Some(Value::Percent(p)), .. }, FloorBound::Rate(r)) if *p < *r => {
            Some(("the rewarded units' price", format!("{p}% of the original"), format!("{r}% of the original")))
        }
        _ => None,
    }
}
