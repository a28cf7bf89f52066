//! Gifts and add-ons: they change no price. A gift's value is allocated over the lines that
//! earned it, for refunds (seed 004 §5). A limit or stock counts uses.

use rust_decimal::Decimal;

use super::{
    Allowance, Effect, Extras, GiftEffect, Gives, GroupLine, KindCtx, Miss, Noun, Rules, Written, bound, measure,
};
use crate::ir::{SymbolId, Threshold, ThresholdKind};

fn unmet(
    t: Option<&Threshold>,
    group: &[GroupLine],
    rules: Rules,
    gives: Gives,
    out: &mut Written<'_>,
) -> Option<Effect> {
    let t = t?;
    let have = measure(t.kind, group, rules);
    let need = bound(t);
    (have < need).then(|| Effect {
        note: Some("the threshold is not reached".into()),
        miss: out.miss(Miss { missing: need - have, money: t.kind == ThresholdKind::Spend, noun: Noun::Item, gives }),
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
    out: &mut Written<'_>,
) -> Option<Effect> {
    if let Some(e) = unmet(threshold, group, rules, gives, out) {
        return Some(e);
    }
    (a.take(1) == 0).then(|| Effect::nothing("limit or stock reached"))
}

/// `quantity` units of the gift `sku`, each worth `worth`, once the group reaches `threshold`.
pub(super) fn gift(
    (quantity, sku, worth): (i64, SymbolId, Decimal),
    threshold: Option<&Threshold>,
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
    out: &mut Written<'_>,
) -> Effect {
    if let Some(e) = one_use(threshold, group, a, ctx.rules, Gives::Gift(sku), out) {
        return e;
    }
    let value = ctx.rules.round(worth * Decimal::from(quantity));
    let shares = ctx.rules.allocate(value, group);
    let gifts = smallvec::smallvec![GiftEffect { sku, quantity, worth, shares }];
    Effect { extras: out.extras(Extras { gifts, ..Extras::default() }), consumed: 1, ..Effect::default() }
}

/// The add-on `sku` offered at `price`, at most `limit` units, once the group reaches `threshold`.
pub(super) fn addon(
    (sku, price, limit): (SymbolId, Decimal, Option<i64>),
    threshold: Option<&Threshold>,
    group: &[GroupLine],
    a: &mut Allowance,
    rules: Rules,
    out: &mut Written<'_>,
) -> Effect {
    if let Some(e) = one_use(threshold, group, a, rules, Gives::Addon(sku, price), out) {
        return e;
    }
    let addons = smallvec::smallvec![(sku, price, limit)];
    Effect { extras: out.extras(Extras { addons, ..Extras::default() }), consumed: 1, ..Effect::default() }
}
