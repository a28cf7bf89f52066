//! Checked promotions and conditions in plain words, for hover and for people reading a trace:
//! "40.00 USD off every 300.00 USD spent, at most 3 times; stacks with platform promotions".

use crate::check::satisfiable_show as show;
use crate::hir::{self, Benefit, Expr, PredOp};
use crate::syntax::ast::{Level, LimitPer, RefundPolicy, StackTarget, Subject, ThresholdKind, UnitChoice};

fn duration(d: jiff::SignedDuration) -> String {
    format!("{d:#}")
}

fn threshold(t: &Option<hir::Threshold>) -> String {
    match t {
        Some(hir::Threshold { kind: ThresholdKind::Spend, value }) => format!(" when {} is spent", show(value)),
        Some(hir::Threshold { kind: ThresholdKind::Buy, value }) => format!(" when {} are bought", show(value)),
        None => String::new(),
    }
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Item => "item",
        Level::Store => "store",
        Level::Platform => "platform",
    }
}

/// A benefit in words.
pub fn benefit(b: &Benefit) -> String {
    match b {
        Benefit::SpecialPrice(m) => format!("sells at {m} a unit"),
        Benefit::Discount(steps) => {
            let parts: Vec<String> = steps.iter().map(|(v, t)| format!("{} off{}", show(v), threshold(t))).collect();
            parts.join(", or ")
        }
        Benefit::DiscountEvery { amount, every, cap } => {
            let cap = cap.map(|c| format!(", at most {c} times")).unwrap_or_default();
            format!("{amount} off every {} spent{cap}", show(every))
        }
        Benefit::MultiBuy { count, price } => format!("any {count} for {price}"),
        Benefit::BuyGet { buy, get, at, units } => {
            let which = match units {
                UnitChoice::Cheapest => "cheapest",
                UnitChoice::Priciest => "most expensive",
            };
            let at = at.as_ref().map_or("free".to_owned(), |v| format!("at {}", show(v)));
            format!("buy {buy}, get {get} more {at} (the {which} units)")
        }
        Benefit::Gift { quantity, sku, worth, threshold: t } => {
            format!("a gift of {quantity} × {sku} (worth {worth} each){}", threshold(t))
        }
        Benefit::Addon { sku, price, limit, threshold: t } => {
            let limit = limit.map(|l| format!(", up to {l}")).unwrap_or_default();
            format!("offers {sku} at {price}{limit}{}", threshold(t))
        }
        Benefit::Bundle { items, price } => {
            let items: Vec<String> =
                items.iter().map(|(s, n)| if *n == 1 { s.clone() } else { format!("{n} × {s}") }).collect();
            format!("the bundle {} for {price}", items.join(" + "))
        }
        Benefit::Presale { deposit, deducts, balance_by } => {
            let by = balance_by.map(|t| format!(", the balance due by {t}")).unwrap_or_default();
            format!("a deposit of {deposit} that takes {deducts} off the balance{by}")
        }
        Benefit::Group { size, price, within } => {
            let within = within.map(|d| format!(" within {}", duration(d))).unwrap_or_default();
            format!("{price} a unit once {size} people join{within}")
        }
    }
}

fn op(o: PredOp) -> &'static str {
    match o {
        PredOp::Eq => "==",
        PredOp::Ne => "!=",
        PredOp::Lt => "<",
        PredOp::Le => "<=",
        PredOp::Gt => ">",
        PredOp::Ge => ">=",
        PredOp::In => "in",
        PredOp::NotIn => "not in",
        PredOp::Has => "has",
        PredOp::IsTrue => "",
    }
}

/// A condition, written back as Promo (pools expanded).
pub fn condition(e: &Expr) -> String {
    match e {
        Expr::All => "all".to_owned(),
        Expr::Pred { attr, op: PredOp::IsTrue, .. } => subject_name(attr),
        Expr::Pred { attr, op: o, value } => format!("{} {} {}", subject_name(attr), op(*o), show(value)),
        Expr::Not(inner) => format!("not ({})", condition(inner)),
        Expr::And(parts) => parts.iter().map(condition).collect::<Vec<_>>().join(" and "),
        Expr::Or(parts) => format!("({})", parts.iter().map(condition).collect::<Vec<_>>().join(" or ")),
    }
}

fn subject_name(attr: &hir::AttrRef) -> String {
    match (attr.subject, &attr.call) {
        (Subject::Customer, None) => format!("customer.{}", attr.name),
        _ => attr.name.clone(),
    }
}

/// A promotion in words, one sentence per aspect.
pub fn promotion(p: &hir::Promotion) -> String {
    let mut out = Vec::new();
    let benefits: Vec<String> = p.benefits.iter().map(benefit).collect();
    let what = if benefits.is_empty() { "gives nothing".to_owned() } else { benefits.join("; and ") };
    let scope = match &p.scope {
        Expr::All => "on every product".to_owned(),
        other => format!("on products where {}", condition(other)),
    };
    let store = p.store.as_ref().map(|s| format!(" of store \"{s}\"")).unwrap_or_default();
    out.push(format!("{} promotion{store}: {what}, {scope}.", capitalise(level(p.level))));
    if let Some(e) = &p.eligible {
        out.push(format!("For customers where {}.", condition(e)));
    }
    if let Some(c) = &p.coupon {
        out.push(format!("Needs the coupon \"{c}\"."));
    }
    if let Some((from, until)) = p.window {
        out.push(format!("From {from} until {until}."));
    }
    if let Some((n, per)) = p.limit {
        let per = if per == LimitPer::Customer { "customer" } else { "order" };
        out.push(format!("At most {n} units per {per}; beyond that, the original price."));
    }
    if let Some(s) = p.stock {
        out.push(format!("{s} units of promotion stock; withdrawn when they run out."));
    }
    if let Some(b) = p.budget {
        out.push(format!("A budget of {b}; withdrawn when it is spent."));
    }
    if p.exclusive {
        out.push("Exclusive: stacks with nothing.".to_owned());
    }
    if !p.stacks_with.is_empty() {
        let targets: Vec<String> = p
            .stacks_with
            .iter()
            .map(|t| match t {
                StackTarget::Level(l) => format!("{} promotions", level(*l)),
                StackTarget::Coupons => "coupons".to_owned(),
                StackTarget::Promotion(n) => format!("\"{n}\""),
            })
            .collect();
        out.push(format!("Stacks with {}.", targets.join(", ")));
    }
    if let Some(d) = p.withdraw_others {
        out.push(format!("Withdraws the other promotions on its products {} before it starts.", duration(d)));
    }
    if let Some(d) = p.pay_within {
        out.push(format!("The order must be paid within {}.", duration(d)));
    }
    if let Some((text, priority)) = &p.label {
        out.push(format!("Labelled \"{text}\" (priority {priority})."));
    }
    if let Some(r) = p.refund {
        out.push(
            match r {
                RefundPolicy::DeductGift => "On a return that breaks its threshold, a kept gift's value is deducted.",
                RefundPolicy::Allocated => "On a return, each item refunds its allocated price.",
                RefundPolicy::RequireGift => "A return that breaks its threshold must bring the gift back.",
            }
            .to_owned(),
        );
    }
    out.join(" ")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
