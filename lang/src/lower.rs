//! Lowering: the checked program to the runtime's compiled ruleset. Attribute names and text
//! values are interned here, once; instants become Unix seconds.

use std::collections::HashMap;

use promo_runtime::ir::{self, AttrId, CompiledRuleset, SymbolId};

use crate::check::Type;
use crate::hir;
use crate::ruleset::Ruleset;
use crate::syntax::ast;

/// Why a checked program cannot be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LowerError {
    /// A ruleset without a currency cannot price carts.
    #[error("a compiled ruleset needs a currency: add `settings {{ currency USD }}` (or yours)")]
    NoCurrency,
}

/// The hash of `ruleset`'s sources (the standard library included): each file's name without its
/// folders, and its text — so the same files give the same hash wherever they were read from —
/// then each extension module's name and bytes.
pub fn source_hash(ruleset: &Ruleset) -> String {
    hash_sources(ruleset.sources().iter().map(|(_, f)| (f.name.as_str(), &*f.text)), ruleset.modules())
}

/// [`source_hash`] of files given as (name, text) and modules as (file name, bytes).
pub(crate) fn hash_sources<'a>(
    files: impl Iterator<Item = (&'a str, &'a str)>,
    modules: impl Iterator<Item = (&'a str, &'a [u8])>,
) -> String {
    let modules: Vec<(&str, String)> = modules.map(|(n, m)| (n, bytes_hex(m))).collect();
    ir::file::source_hash(
        files
            .map(|(name, text)| (name.rsplit(['/', '\\']).next().unwrap_or(name), text))
            .chain(modules.iter().map(|(n, m)| (*n, m.as_str()))),
    )
}

fn bytes_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lowers a checked program. Deterministic: the same program gives the same ruleset.
pub fn lower(program: &hir::Program, source_hash: String) -> Result<CompiledRuleset, LowerError> {
    let currency = program.settings.currency.ok_or(LowerError::NoCurrency)?;
    let mut l = Lowerer::new(program);
    // Every attribute of the schema, product first, by name: the storefront's inputs are checked
    // against all of them, used or not, and ids do not depend on which promotions exist.
    for subject in [ast::Subject::Product, ast::Subject::Customer] {
        for name in program.schema.attributes(subject).keys() {
            l.attribute(&hir::AttrRef::attribute(subject, name.clone()));
        }
    }
    let floors = program
        .settings
        .floors
        .iter()
        .map(|f| ir::Floor {
            bound: floor_bound(f.bound),
            products: f.products.as_ref().map_or(ir::Cond::All, |p| l.cond(p)),
        })
        .collect();
    let index: HashMap<&str, u32> =
        program.promotions.iter().enumerate().map(|(i, p)| (p.name.as_str(), i as u32)).collect();
    let promotions = program.promotions.iter().map(|p| l.promotion(p, &index)).collect();
    let extensions = ir::Extensions {
        limits: program.settings.extension_limits,
        modules: program
            .modules
            .iter()
            .map(|m| ir::ExtensionModule { name: m.name.clone(), wasm: m.wasm.clone() })
            .collect(),
        functions: program
            .externs
            .iter()
            .map(|f| ir::ExternFunction {
                name: f.name.clone(),
                // INVARIANT: the checker keeps only externs whose module is in `modules`.
                module: program.modules.iter().position(|m| m.name == f.module).unwrap_or(0) as u32,
                params: f.params.iter().map(|t| l.value_type(t)).collect(),
                result: l.value_type(&f.result),
            })
            .collect(),
    };
    Ok(CompiledRuleset {
        source_hash,
        settings: ir::Settings {
            currency: currency.code().to_owned(),
            minor_units: currency.minor_units(),
            calculation: program.settings.calculation,
            rounding: program.settings.rounding,
            stacking: program.settings.stacking,
            floors,
        },
        attributes: l.attributes,
        symbols: l.symbols,
        enums: l.enums,
        promotions,
        extensions,
    })
}

struct Lowerer<'p> {
    program: &'p hir::Program,
    attributes: Vec<ir::Attribute>,
    attribute_ids: HashMap<(ast::Subject, String), AttrId>,
    symbols: Vec<String>,
    symbol_ids: HashMap<String, SymbolId>,
    enums: Vec<ir::Enum>,
    enum_ids: HashMap<String, u32>,
}

fn floor_bound(b: hir::FloorBound) -> ir::FloorBound {
    match b {
        hir::FloorBound::Amount(m) => ir::FloorBound::Amount(m.amount()),
        hir::FloorBound::Rate(r) => ir::FloorBound::Rate(r),
    }
}

fn level(l: ast::Level) -> ir::Level {
    match l {
        ast::Level::Item => ir::Level::Item,
        ast::Level::Store => ir::Level::Store,
        ast::Level::Platform => ir::Level::Platform,
    }
}

impl<'p> Lowerer<'p> {
    fn new(program: &'p hir::Program) -> Lowerer<'p> {
        // Every enum of the schema, in name order, so ids do not depend on use.
        let enums: Vec<ir::Enum> = program
            .schema
            .enums
            .iter()
            .map(|(name, e)| ir::Enum { name: name.clone(), values: e.values.clone(), ordered: e.ordered })
            .collect();
        let enum_ids = enums.iter().enumerate().map(|(i, e)| (e.name.clone(), i as u32)).collect();
        Lowerer {
            program,
            attributes: Vec::new(),
            attribute_ids: HashMap::new(),
            symbols: Vec::new(),
            symbol_ids: HashMap::new(),
            enums,
            enum_ids,
        }
    }

    fn symbol(&mut self, text: &str) -> SymbolId {
        if let Some(id) = self.symbol_ids.get(text) {
            return *id;
        }
        let id = SymbolId(self.symbols.len() as u32);
        self.symbols.push(text.to_owned());
        self.symbol_ids.insert(text.to_owned(), id);
        id
    }

    fn value_type(&self, ty: &Type) -> ir::ValueType {
        match ty {
            Type::Int => ir::ValueType::Int,
            Type::Decimal => ir::ValueType::Decimal,
            Type::Money => ir::ValueType::Money,
            Type::Percent => ir::ValueType::Percent,
            Type::Bool => ir::ValueType::Bool,
            // INVARIANT: a checked program has no `Error` types; text is the harmless reading.
            Type::Text | Type::Error => ir::ValueType::Text,
            Type::Time => ir::ValueType::Time,
            Type::Duration => ir::ValueType::Duration,
            Type::Set(inner) => ir::ValueType::Set(Box::new(self.value_type(inner))),
            Type::Enum(name) => ir::ValueType::Enum(self.enum_ids.get(name).copied().unwrap_or(0)),
        }
    }

    fn attribute(&mut self, attr: &hir::AttrRef) -> AttrId {
        let key = (attr.subject, attr.name.clone());
        if let Some(id) = self.attribute_ids.get(&key) {
            return *id;
        }
        let ty =
            self.program.schema.attributes(attr.subject).get(&attr.name).map(|a| a.ty.clone()).unwrap_or(Type::Text);
        let id = AttrId(self.attributes.len() as u32);
        self.attributes.push(ir::Attribute {
            subject: match attr.subject {
                ast::Subject::Product => ir::Subject::Product,
                ast::Subject::Customer => ir::Subject::Customer,
            },
            name: attr.name.clone(),
            ty: self.value_type(&ty),
        });
        self.attribute_ids.insert(key, id);
        id
    }

    fn value(&mut self, v: &hir::Value) -> ir::Value {
        match v {
            hir::Value::Int(i) => ir::Value::Int(*i),
            hir::Value::Decimal(d) => ir::Value::Decimal(*d),
            hir::Value::Money(m) => ir::Value::Money(m.amount()),
            hir::Value::Percent(p) => ir::Value::Percent(*p),
            hir::Value::Bool(b) => ir::Value::Bool(*b),
            hir::Value::Text(t) => ir::Value::Text(self.symbol(t)),
            hir::Value::Time(t) => ir::Value::Time(t.as_second()),
            hir::Value::Duration(d) => ir::Value::Duration(d.as_secs()),
            hir::Value::Set(items) => ir::Value::Set(items.iter().map(|i| self.value(i)).collect()),
            hir::Value::Enum { rank, .. } => ir::Value::Enum(*rank as u32),
        }
    }

    fn cond(&mut self, e: &hir::Expr) -> ir::Cond {
        match e {
            hir::Expr::All => ir::Cond::All,
            hir::Expr::Pred { attr, op, value } => match &attr.call {
                Some(call) => {
                    let function =
                        self.program.externs.iter().position(|f| f.name == call.function).unwrap_or(0) as u32;
                    let args = call
                        .args
                        .iter()
                        .map(|a| match a {
                            hir::Arg::Attr(attr) => ir::Arg::Attr(self.attribute(attr)),
                            hir::Arg::Value(v) => ir::Arg::Value(self.value(v)),
                        })
                        .collect();
                    ir::Cond::Call { function, args, op: *op, value: self.value(value) }
                }
                None => {
                    let attr = self.attribute(attr);
                    ir::Cond::Pred { attr, op: *op, value: self.value(value) }
                }
            },
            hir::Expr::Not(inner) => ir::Cond::Not(Box::new(self.cond(inner))),
            hir::Expr::And(parts) => ir::Cond::And(parts.iter().map(|p| self.cond(p)).collect()),
            hir::Expr::Or(parts) => ir::Cond::Or(parts.iter().map(|p| self.cond(p)).collect()),
        }
    }

    fn threshold(&mut self, t: &hir::Threshold) -> ir::Threshold {
        ir::Threshold {
            kind: match t.kind {
                ast::ThresholdKind::Spend => ir::ThresholdKind::Spend,
                ast::ThresholdKind::Buy => ir::ThresholdKind::Buy,
            },
            value: self.value(&t.value),
        }
    }

    fn benefit(&mut self, b: &hir::Benefit) -> ir::Benefit {
        match b {
            hir::Benefit::SpecialPrice(m) => ir::Benefit::SpecialPrice(m.amount()),
            hir::Benefit::Discount(steps) => ir::Benefit::Discount(
                steps.iter().map(|(v, t)| (self.value(v), t.as_ref().map(|t| self.threshold(t)))).collect(),
            ),
            hir::Benefit::DiscountEvery { amount, every, cap } => ir::Benefit::DiscountEvery {
                amount: amount.amount(),
                every: match every {
                    hir::Value::Money(m) => m.amount(),
                    _ => rust_decimal::Decimal::ZERO,
                },
                cap: *cap,
            },
            hir::Benefit::MultiBuy { count, price } => ir::Benefit::MultiBuy { count: *count, price: price.amount() },
            hir::Benefit::BuyGet { buy, get, at, units } => ir::Benefit::BuyGet {
                buy: *buy,
                get: *get,
                at: at.as_ref().map(|v| self.value(v)),
                units: match units {
                    ast::UnitChoice::Cheapest => ir::UnitChoice::Cheapest,
                    ast::UnitChoice::Priciest => ir::UnitChoice::Priciest,
                },
            },
            hir::Benefit::Gift { quantity, sku, worth, threshold } => ir::Benefit::Gift {
                quantity: *quantity,
                sku: self.symbol(sku),
                worth: worth.amount(),
                threshold: threshold.as_ref().map(|t| self.threshold(t)),
            },
            hir::Benefit::Addon { sku, price, limit, threshold } => ir::Benefit::Addon {
                sku: self.symbol(sku),
                price: price.amount(),
                limit: *limit,
                threshold: threshold.as_ref().map(|t| self.threshold(t)),
            },
            hir::Benefit::Bundle { items, price } => ir::Benefit::Bundle {
                items: items.iter().map(|(sku, q)| (self.symbol(sku), *q)).collect(),
                price: price.amount(),
            },
            hir::Benefit::Presale { deposit, deducts, balance_by } => ir::Benefit::Presale {
                deposit: deposit.amount(),
                deducts: deducts.amount(),
                balance_by: balance_by.map(|t| t.as_second()),
            },
            hir::Benefit::Group { size, price, within } => {
                ir::Benefit::Group { size: *size, price: price.amount(), within: within.map(|d| d.as_secs()) }
            }
        }
    }

    fn promotion(&mut self, p: &hir::Promotion, index: &HashMap<&str, u32>) -> ir::Promotion {
        let stacks_with = p
            .stacks_with
            .iter()
            .filter_map(|t| match t {
                ast::StackTarget::Level(l) => Some(ir::StackTarget::Level(level(*l))),
                ast::StackTarget::Coupons => Some(ir::StackTarget::Coupons),
                // INVARIANT: the checker rejects names that are not promotions of the ruleset.
                ast::StackTarget::Promotion(name) => index.get(name.as_str()).map(|i| ir::StackTarget::Promotion(*i)),
            })
            .collect();
        ir::Promotion {
            name: p.name.as_str().into(),
            level: level(p.level),
            store: p.store.as_deref().map(|s| self.symbol(s)),
            window: p.window.map(|(s, e)| (s.as_second(), e.as_second())),
            scope: self.cond(&p.scope),
            eligible: p.eligible.as_ref().map_or(ir::Cond::All, |e| self.cond(e)),
            benefits: p.benefits.iter().map(|b| self.benefit(b)).collect(),
            coupon: p.coupon.as_deref().map(|c| self.symbol(c)),
            limit: p.limit.map(|(n, per)| {
                (
                    n,
                    match per {
                        ast::LimitPer::Customer => ir::LimitPer::Customer,
                        ast::LimitPer::Order => ir::LimitPer::Order,
                    },
                )
            }),
            stock: p.stock,
            budget: p.budget.map(|b| b.amount()),
            exclusive: p.exclusive,
            stacks_with,
            withdraw_others: p.withdraw_others.map(|d| d.as_secs()),
            pay_within: p.pay_within.map(|d| d.as_secs()),
            label: p.label.clone(),
            refund: p.refund.map(|r| match r {
                ast::RefundPolicy::DeductGift => ir::RefundPolicy::DeductGift,
                ast::RefundPolicy::Allocated => ir::RefundPolicy::Allocated,
                ast::RefundPolicy::RequireGift => ir::RefundPolicy::RequireGift,
            }),
            floor: p.floor.map(floor_bound),
        }
    }
}
