//! Gifts and add-ons: they change no price. A gift's value is allocated over the lines that
//! earned it, for refunds (seed 004 §5). A limit or stock counts uses.

use rust_decimal::Decimal;

use super::{Allowance, Effect, Extras, GiftEffect, Gives, GroupLine, KindCtx, Miss, Noun, Rules, bound, measure};
use crate::ir::{SymbolId, Threshold, ThresholdKind};

fn unmet(t: Option<&Threshold>, group: &[GroupLine], rules: Rules, gives: Gives) -> Option<Effect> {
    let t = t?;
    let have = measure(t.kind, group, rules);
    let need = bound(t);
    (have < need).then(|| Effect {
        note: Some("the threshold is not reached".into()),
        miss: Some(Box::new(Miss {
            missing: need - have,
            money: t.kind == ThresholdKind::Spend,
            noun: Noun::Item,
            gives,
        })),
        ..Effect::default()
    })
}

/// One use of a threshold benefit: `None` when the group reaches the threshold and a use is left
/// (and then taken); otherwise the effect saying why not.
fn one_use(
    threshold: Option<&Threshold>,
    group: &[GroupLine],
    a: &mut Allowance,
    rules: Rules,
    gives: Gives,
) -> Option<Effect> {
    if let Some(e) = unmet(threshold, group, rules, gives) {
        return Some(e);
    }
    (a.take(1) == 0).then(|| Effect::nothing("limit or stock reached"))
}

pub(super) fn gift(
    quantity: i64,
    sku: SymbolId,
    worth: Decimal,
    threshold: Option<&Threshold>,
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
) -> Effect {
    if let Some(e) = one_use(threshold, group, a, ctx.rules, Gives::Gift(sku)) {
        return e;
    }
    let value = ctx.rules.round(worth * Decimal::from(quantity));
    let shares = ctx.rules.allocate(value, group);
    let gifts = smallvec::smallvec![GiftEffect { sku, quantity, worth, shares }];
    Effect::earning(Extras { gifts, ..Extras::default() }, 1)
}

pub(super) fn addon(
    sku: SymbolId,
    price: Decimal,
    limit: Option<i64>,
    threshold: Option<&Threshold>,
    group: &[GroupLine],
    a: &mut Allowance,
    rules: Rules,
) -> Effect {
    if let Some(e) = one_use(threshold, group, a, rules, Gives::Addon(sku, price)) {
        return e;
    }
    Effect::earning(Extras { addons: smallvec::smallvec![(sku, price, limit)], ..Extras::default() }, 1)
}
