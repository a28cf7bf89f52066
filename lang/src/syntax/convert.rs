//! Turns pest's pairs into the syntax tree. The grammar guarantees the shape; a pair that is not
//! where it should be becomes [`Malformed`] (reported as an internal error), never a panic.

use pest::iterators::{Pair, Pairs};

use super::Rule;
use super::ast::*;
use crate::source::{FileId, Span};

/// Why a parsed item could not be turned into a tree.
#[derive(Debug)]
pub(crate) enum Malformed {
    /// The tree did not have the shape the grammar promises (a bug).
    Shape,
    /// A run of `not` longer than [`super::MAX_NESTING`]; the span is the first `not` too many.
    TooDeep(Span),
}

type Result<T> = std::result::Result<T, Malformed>;

/// Converts pairs of one item parsed from `text[offset..]` of `file`.
pub(crate) struct Converter {
    pub(crate) file: FileId,
    pub(crate) offset: usize,
}

/// The next inner pair, whatever its rule.
fn next<'a>(it: &mut Pairs<'a, Rule>) -> Result<Pair<'a, Rule>> {
    it.next().ok_or(Malformed::Shape)
}

/// The next inner pair that is not a keyword.
fn next_significant<'a>(it: &mut Pairs<'a, Rule>) -> Result<Pair<'a, Rule>> {
    it.find(|p| !is_keyword(p.as_rule())).ok_or(Malformed::Shape)
}

/// Inner pairs that are not keywords.
fn significant(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

fn is_keyword(rule: Rule) -> bool {
    format!("{rule:?}").starts_with("kw_")
}

/// The length of `text` without the whitespace and `//` comments pest leaves at the end of a rule
/// that ends in an optional part.
fn without_trailing_trivia(text: &str) -> usize {
    let mut end = text.len();
    loop {
        let trimmed = text.get(..end).unwrap_or("").trim_end();
        end = trimmed.len();
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        match comment_start(trimmed.get(line_start..).unwrap_or("")) {
            // A comment runs to the end of its line, so one on the last line is trailing.
            Some(at) => end = line_start + at,
            None => return end,
        }
    }
}

/// Where a `//` comment starts in `line`, outside string literals.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let (mut in_string, mut escaped) = (false, false);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
    }
    None
}

impl Converter {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let len = without_trailing_trivia(pair.as_str());
        Span::new(self.file, self.offset + s.start(), self.offset + s.start() + len)
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident { name: pair.as_str().to_owned(), span: self.span(&pair) }
    }

    /// Converts an `item` pair.
    pub(crate) fn item(&self, pair: Pair<'_, Rule>) -> Result<Item> {
        let inner = next(&mut pair.into_inner())?;
        Ok(match inner.as_rule() {
            Rule::use_item => Item::Use(self.use_item(inner)?),
            Rule::schema_item => Item::Schema(self.schema_item(inner)?),
            Rule::settings_item => Item::Settings(self.settings_item(inner)?),
            Rule::pool_item => Item::Pool(self.pool_item(inner)?),
            Rule::template_item => Item::Template(self.template_item(inner)?),
            Rule::promotion_item => Item::Promotion(self.promotion_item(inner)?),
            Rule::extern_item => Item::Extern(self.extern_item(inner)?),
            _ => return Err(Malformed::Shape),
        })
    }

    fn use_item(&self, pair: Pair<'_, Rule>) -> Result<UseItem> {
        let span = self.span(&pair);
        let mut it = significant(pair);
        let library = self.ident(it.next().ok_or(Malformed::Shape)?);
        let rest = it.next().ok_or(Malformed::Shape)?;
        let names = match rest.as_rule() {
            Rule::use_list => rest.into_inner().map(|p| self.ident(p)).collect(),
            _ => vec![self.ident(rest)],
        };
        Ok(UseItem { library, names, span })
    }

    fn schema_item(&self, pair: Pair<'_, Rule>) -> Result<SchemaItem> {
        let span = self.span(&pair);
        let mut schema = SchemaItem { enums: Vec::new(), attributes: Vec::new(), span };
        for entry in significant(pair) {
            match entry.as_rule() {
                Rule::enum_decl => schema.enums.push(self.enum_decl(entry)?),
                Rule::attr_group => self.attr_group(entry, &mut schema.attributes)?,
                _ => return Err(Malformed::Shape),
            }
        }
        Ok(schema)
    }

    fn enum_decl(&self, pair: Pair<'_, Rule>) -> Result<EnumDecl> {
        let span = self.span(&pair);
        let mut it = significant(pair);
        let name = self.ident(it.next().ok_or(Malformed::Shape)?);
        let values_pair = it.next().ok_or(Malformed::Shape)?;
        let ordered = values_pair.as_rule() == Rule::ordered_values;
        let values = values_pair.into_inner().map(|p| self.ident(p)).collect();
        Ok(EnumDecl { name, values, ordered, span })
    }

    fn attr_group(&self, pair: Pair<'_, Rule>, out: &mut Vec<AttrDecl>) -> Result<()> {
        let mut it = pair.into_inner();
        let subject = match next(&mut it)?.as_rule() {
            Rule::kw_product => Subject::Product,
            _ => Subject::Customer,
        };
        for decl in it {
            let span = self.span(&decl);
            let mut parts = decl.into_inner();
            let name = self.ident(next(&mut parts)?);
            let ty = self.type_expr(next(&mut parts)?)?;
            out.push(AttrDecl { subject, name, ty, span });
        }
        Ok(())
    }

    fn type_expr(&self, pair: Pair<'_, Rule>) -> Result<TypeExpr> {
        let span = self.span(&pair);
        let inner = next_significant(&mut pair.into_inner())?;
        Ok(match inner.as_rule() {
            Rule::type_expr => TypeExpr::Set(Box::new(self.type_expr(inner)?), span),
            _ => TypeExpr::Named(self.ident(inner)),
        })
    }

    fn settings_item(&self, pair: Pair<'_, Rule>) -> Result<SettingsItem> {
        let span = self.span(&pair);
        let mut settings = Vec::new();
        for setting in significant(pair) {
            let span = self.span(&setting);
            let rule = setting.as_rule();
            let mut it = setting.into_inner();
            let keyword = self.span(&next(&mut it)?);
            let kind = match rule {
                Rule::currency_setting => SettingKind::Currency(self.value(next(&mut it)?)?),
                Rule::calculation_setting => SettingKind::Calculation(self.ident(next(&mut it)?)),
                Rule::rounding_setting => SettingKind::Rounding(self.ident(next(&mut it)?)),
                Rule::stacking_setting => SettingKind::Stacking(self.ident(next(&mut it)?)),
                Rule::timezone_setting => {
                    let tz = next(&mut it)?;
                    SettingKind::Timezone(Spanned { node: tz.as_str().to_owned(), span: self.span(&tz) })
                }
                Rule::floor_setting => {
                    let bound = self.value(next_significant(&mut it)?)?;
                    let products = self.expr(next_significant(&mut it)?)?;
                    SettingKind::Floor { bound, products }
                }
                Rule::refund_clause => SettingKind::Refund(self.refund_policy(next(&mut it)?)?),
                Rule::extension_setting => {
                    let limit = self.ident(next(&mut it)?);
                    SettingKind::Extension { limit, value: self.value(next(&mut it)?)? }
                }
                _ => return Err(Malformed::Shape),
            };
            settings.push(Setting { kind, keyword, span });
        }
        Ok(SettingsItem { settings, span })
    }

    fn pool_item(&self, pair: Pair<'_, Rule>) -> Result<PoolItem> {
        let span = self.span(&pair);
        let mut it = significant(pair);
        let name = self.ident(it.next().ok_or(Malformed::Shape)?);
        let expr = self.expr(it.next().ok_or(Malformed::Shape)?)?;
        Ok(PoolItem { name, expr, span })
    }

    fn template_item(&self, pair: Pair<'_, Rule>) -> Result<TemplateItem> {
        let span = self.span(&pair);
        let mut it = significant(pair);
        let name = self.ident(it.next().ok_or(Malformed::Shape)?);
        let mut params = Vec::new();
        let mut body = None;
        for p in it {
            match p.as_rule() {
                Rule::param => params.push(self.param(p)?),
                Rule::block => body = Some(self.block(p)?),
                _ => return Err(Malformed::Shape),
            }
        }
        Ok(TemplateItem { name, params, body: body.ok_or(Malformed::Shape)?, span })
    }

    fn extern_item(&self, pair: Pair<'_, Rule>) -> Result<ExternItem> {
        let span = self.span(&pair);
        let mut it = significant(pair);
        let name = self.ident(it.next().ok_or(Malformed::Shape)?);
        let mut params = Vec::new();
        let mut result = None;
        let mut module = None;
        for p in it {
            match p.as_rule() {
                Rule::extern_param => params.push(self.param(p)?),
                Rule::result_arrow => {}
                Rule::type_expr => result = Some(self.type_expr(p)?),
                Rule::string => module = Some(Spanned { node: self.string(&p)?, span: self.span(&p) }),
                _ => return Err(Malformed::Shape),
            }
        }
        Ok(ExternItem {
            name,
            params,
            result: result.ok_or(Malformed::Shape)?,
            module: module.ok_or(Malformed::Shape)?,
            span,
        })
    }

    fn param(&self, pair: Pair<'_, Rule>) -> Result<Param> {
        let span = self.span(&pair);
        let mut it = pair.into_inner();
        let name = self.ident(next(&mut it)?);
        let ty = self.type_expr(next(&mut it)?)?;
        let default = it.next().map(|v| self.value(v)).transpose()?;
        Ok(Param { name, ty, default, span })
    }

    fn promotion_item(&self, pair: Pair<'_, Rule>) -> Result<PromotionItem> {
        let span = self.span(&pair);
        let mut it = significant(pair);
        let name_pair = it.next().ok_or(Malformed::Shape)?;
        let name = Spanned { node: self.string(&name_pair)?, span: self.span(&name_pair) };
        let mut template = None;
        let mut body = None;
        for p in it {
            match p.as_rule() {
                Rule::template_call => template = Some(self.template_call(p)?),
                Rule::block => body = Some(self.block(p)?),
                _ => return Err(Malformed::Shape),
            }
        }
        Ok(PromotionItem { name, template, body: body.ok_or(Malformed::Shape)?, span })
    }

    fn template_call(&self, pair: Pair<'_, Rule>) -> Result<TemplateCall> {
        let span = self.span(&pair);
        let mut it = pair.into_inner();
        let name = self.ident(next(&mut it)?);
        let mut args = Vec::new();
        for arg in it {
            let mut parts = arg.into_inner();
            let name = self.ident(next(&mut parts)?);
            let value = self.value(next(&mut parts)?)?;
            args.push(Argument { name, value });
        }
        Ok(TemplateCall { name, args, span })
    }

    fn block(&self, pair: Pair<'_, Rule>) -> Result<Block> {
        let span = self.span(&pair);
        let clauses = pair
            .into_inner()
            .filter(|p| !matches!(p.as_rule(), Rule::block_open | Rule::block_close))
            .map(|p| self.clause(p))
            .collect::<Result<_>>()?;
        Ok(Block { clauses, span })
    }

    fn clause(&self, pair: Pair<'_, Rule>) -> Result<Clause> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let all: Vec<Pair<'_, Rule>> = pair.into_inner().collect();
        let keyword = all.first().map(|p| self.span(p)).ok_or(Malformed::Shape)?;
        let mut it = all.into_iter().skip(1);
        let value = |it: &mut std::iter::Skip<std::vec::IntoIter<Pair<'_, Rule>>>| -> Result<Value> {
            let p = it.find(|p| p.as_rule() == Rule::value).ok_or(Malformed::Shape)?;
            self.value(p)
        };
        let kind = match rule {
            Rule::level_clause => {
                let lv = it.next().ok_or(Malformed::Shape)?;
                let level = match lv.as_rule() {
                    Rule::kw_item => Level::Item,
                    Rule::kw_store => Level::Store,
                    _ => Level::Platform,
                };
                let level = Spanned { node: level, span: self.span(&lv) };
                let store = it.next().map(|p| self.value(p)).transpose()?;
                ClauseKind::Level { level, store }
            }
            Rule::window_clause => {
                let start = value(&mut it)?;
                let end = value(&mut it)?;
                let timezone = it
                    .find(|p| p.as_rule() == Rule::timezone)
                    .map(|p| Spanned { node: p.as_str().to_owned(), span: self.span(&p) });
                ClauseKind::Window { start, end, timezone }
            }
            Rule::scope_clause => ClauseKind::Scope(self.expr(it.next().ok_or(Malformed::Shape)?)?),
            Rule::eligible_clause => ClauseKind::Eligible(self.expr(it.next().ok_or(Malformed::Shape)?)?),
            Rule::price_clause => ClauseKind::Price(value(&mut it)?),
            Rule::discount_clause => {
                let body = it.next().ok_or(Malformed::Shape)?;
                match body.as_rule() {
                    Rule::discount_every => {
                        let mut parts = body.into_inner().filter(|p| p.as_rule() == Rule::value);
                        let amount = self.value(parts.next().ok_or(Malformed::Shape)?)?;
                        let every = self.value(parts.next().ok_or(Malformed::Shape)?)?;
                        let cap = parts.next().map(|p| self.value(p)).transpose()?;
                        ClauseKind::DiscountEvery { amount, every, cap }
                    }
                    _ => ClauseKind::Discount(body.into_inner().map(|s| self.discount_step(s)).collect::<Result<_>>()?),
                }
            }
            Rule::multibuy_clause => {
                let count = value(&mut it)?;
                let price = value(&mut it)?;
                ClauseKind::MultiBuy { count, price }
            }
            Rule::buy_get_clause => {
                let rest: Vec<_> = it.collect();
                let mut values = rest.iter().filter(|p| p.as_rule() == Rule::value);
                let buy = self.value(values.next().ok_or(Malformed::Shape)?.clone())?;
                let get = self.value(values.next().ok_or(Malformed::Shape)?.clone())?;
                let reward = match values.next() {
                    Some(at) => Reward::At(self.value(at.clone())?),
                    None => Reward::Free,
                };
                let units = rest.iter().find(|p| p.as_rule() == Rule::unit_choice).map(|p| {
                    let node = if p.as_str() == "priciest" { UnitChoice::Priciest } else { UnitChoice::Cheapest };
                    Spanned { node, span: self.span(p) }
                });
                ClauseKind::BuyGet { buy, get, reward, units }
            }
            Rule::gift_clause => {
                let rest: Vec<_> = it.collect();
                let has_quantity = rest.iter().any(|p| p.as_rule() == Rule::kw_of);
                let mut values = rest.iter().filter(|p| p.as_rule() == Rule::value);
                let quantity =
                    if has_quantity { Some(self.value(values.next().ok_or(Malformed::Shape)?.clone())?) } else { None };
                let item = self.value(values.next().ok_or(Malformed::Shape)?.clone())?;
                let worth = self.value(values.next().ok_or(Malformed::Shape)?.clone())?;
                let threshold = self.threshold_in(&rest)?;
                ClauseKind::Gift { quantity, item, worth, threshold }
            }
            Rule::addon_clause => {
                let rest: Vec<_> = it.collect();
                let mut values = rest.iter().filter(|p| p.as_rule() == Rule::value);
                let item = self.value(values.next().ok_or(Malformed::Shape)?.clone())?;
                let price = self.value(values.next().ok_or(Malformed::Shape)?.clone())?;
                let limit = values.next().map(|p| self.value(p.clone())).transpose()?;
                let threshold = self.threshold_in(&rest)?;
                ClauseKind::Addon { item, price, limit, threshold }
            }
            Rule::bundle_clause => {
                let items = value(&mut it)?;
                let price = value(&mut it)?;
                ClauseKind::Bundle { items, price }
            }
            Rule::presale_clause => {
                let deposit = value(&mut it)?;
                let deducts = value(&mut it)?;
                let balance_by = value(&mut it).ok();
                ClauseKind::Presale { deposit, deducts, balance_by }
            }
            Rule::group_clause => {
                let size = value(&mut it)?;
                let price = value(&mut it)?;
                let within = value(&mut it).ok();
                ClauseKind::Group { size, price, within }
            }
            Rule::coupon_clause => ClauseKind::Coupon(value(&mut it)?),
            Rule::limit_clause => {
                let count = value(&mut it)?;
                let per_pair = it.find(|p| matches!(p.as_rule(), Rule::kw_customer | Rule::kw_order));
                let per_pair = per_pair.ok_or(Malformed::Shape)?;
                let node = if per_pair.as_rule() == Rule::kw_order { LimitPer::Order } else { LimitPer::Customer };
                ClauseKind::Limit { count, per: Spanned { node, span: self.span(&per_pair) } }
            }
            Rule::stock_clause => ClauseKind::Stock(value(&mut it)?),
            Rule::budget_clause => ClauseKind::Budget(value(&mut it)?),
            Rule::exclusive_clause => ClauseKind::Exclusive,
            Rule::stacks_clause => {
                let mut targets = Vec::new();
                for t in it.filter(|p| p.as_rule() == Rule::stack_target) {
                    let span = self.span(&t);
                    let inner = next(&mut t.into_inner())?;
                    let node = match inner.as_rule() {
                        Rule::kw_item => StackTarget::Level(Level::Item),
                        Rule::kw_store => StackTarget::Level(Level::Store),
                        Rule::kw_platform => StackTarget::Level(Level::Platform),
                        Rule::kw_coupons => StackTarget::Coupons,
                        _ => StackTarget::Promotion(self.string(&inner)?),
                    };
                    targets.push(Spanned { node, span });
                }
                ClauseKind::StacksWith(targets)
            }
            Rule::withdraw_clause => ClauseKind::WithdrawOthers(value(&mut it)?),
            Rule::pay_clause => ClauseKind::PayWithin(value(&mut it)?),
            Rule::label_clause => {
                let text = value(&mut it)?;
                let priority = value(&mut it).ok();
                ClauseKind::Label { text, priority }
            }
            Rule::refund_clause => ClauseKind::Refund(self.refund_policy(it.next().ok_or(Malformed::Shape)?)?),
            Rule::floor_clause => ClauseKind::Floor(value(&mut it)?),
            _ => return Err(Malformed::Shape),
        };
        Ok(Clause { kind, keyword, span })
    }

    fn refund_policy(&self, pair: Pair<'_, Rule>) -> Result<Spanned<RefundPolicy>> {
        let span = self.span(&pair);
        let first = next(&mut pair.into_inner())?;
        let node = match first.as_rule() {
            Rule::kw_deduct => RefundPolicy::DeductGift,
            Rule::kw_allocated => RefundPolicy::Allocated,
            _ => RefundPolicy::RequireGift,
        };
        Ok(Spanned { node, span })
    }

    fn discount_step(&self, pair: Pair<'_, Rule>) -> Result<DiscountStep> {
        let span = self.span(&pair);
        let parts: Vec<_> = pair.into_inner().collect();
        let amount = self.value(parts.first().ok_or(Malformed::Shape)?.clone())?;
        let threshold = self.threshold_in(&parts)?;
        Ok(DiscountStep { amount, threshold, span })
    }

    fn threshold_in(&self, parts: &[Pair<'_, Rule>]) -> Result<Option<Threshold>> {
        let Some(t) = parts.iter().find(|p| p.as_rule() == Rule::threshold) else {
            return Ok(None);
        };
        let span = self.span(t);
        let inner = next_significant(&mut t.clone().into_inner())?;
        let kind = if inner.as_rule() == Rule::spend_threshold { ThresholdKind::Spend } else { ThresholdKind::Buy };
        let value = self.value(next_significant(&mut inner.into_inner())?)?;
        Ok(Some(Threshold { kind, value, span }))
    }

    /// Converts a `value` pair, or one of the literal rules directly (as in an `operand`).
    fn value(&self, pair: Pair<'_, Rule>) -> Result<Value> {
        let pair = if pair.as_rule() == Rule::value { next(&mut pair.into_inner())? } else { pair };
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::amount => {
                let mut it = pair.into_inner();
                let digits = next(&mut it)?.as_str().to_owned();
                let currency = it.next().map(|c| Spanned { node: c.as_str().to_owned(), span: self.span(&c) });
                ValueKind::Number { digits, currency }
            }
            Rule::percent => ValueKind::Percent(pair.as_str().trim_end_matches('%').to_owned()),
            Rule::duration => ValueKind::Duration(pair.as_str().to_owned()),
            Rule::datetime => ValueKind::DateTime(pair.as_str().to_owned()),
            Rule::string => ValueKind::Text(self.string(&pair)?),
            Rule::boolean => ValueKind::Bool(pair.as_str() == "true"),
            Rule::ident => ValueKind::Name(pair.as_str().to_owned()),
            Rule::set => {
                let mut entries = Vec::new();
                for entry in pair.into_inner() {
                    let mut values: Vec<Value> = entry
                        .into_inner()
                        .filter(|p| p.as_rule() == Rule::value)
                        .map(|p| self.value(p))
                        .collect::<Result<_>>()?;
                    let value = values.pop().ok_or(Malformed::Shape)?;
                    entries.push(SetEntry { quantity: values.pop(), value });
                }
                ValueKind::Set(entries)
            }
            _ => return Err(Malformed::Shape),
        };
        Ok(Value { kind, span })
    }

    fn string(&self, pair: &Pair<'_, Rule>) -> Result<String> {
        let body = pair.clone().into_inner().next().ok_or(Malformed::Shape)?.as_str();
        let mut out = String::with_capacity(body.len());
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => return Err(Malformed::Shape),
                }
            } else {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Converts any of the expression rules.
    pub(crate) fn expr(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr | Rule::or_expr | Rule::and_expr => {
                let rule = pair.as_rule();
                let mut parts: Vec<Expr> = significant(pair).map(|p| self.expr(p)).collect::<Result<_>>()?;
                if parts.len() == 1 {
                    return parts.pop().ok_or(Malformed::Shape);
                }
                let kind = match rule {
                    Rule::expr => {
                        let mut rest = parts.into_iter();
                        let base = rest.next().ok_or(Malformed::Shape)?;
                        ExprKind::Except(Box::new(base), rest.collect())
                    }
                    Rule::or_expr => ExprKind::Or(parts),
                    _ => ExprKind::And(parts),
                };
                Ok(Expr { kind, span })
            }
            Rule::not_expr => {
                let parts: Vec<_> = pair.into_inner().collect();
                let mut nots: Vec<Span> = Vec::new();
                let mut inner = None;
                for p in parts {
                    if p.as_rule() == Rule::kw_not {
                        nots.push(self.span(&p));
                    } else {
                        inner = Some(self.expr(p)?);
                    }
                }
                if let Some(too_many) = nots.get(super::MAX_NESTING) {
                    return Err(Malformed::TooDeep(*too_many));
                }
                let mut acc = inner.ok_or(Malformed::Shape)?;
                while let Some(not_span) = nots.pop() {
                    let span = not_span.to(acc.span);
                    acc = Expr { kind: ExprKind::Not(Box::new(acc)), span };
                }
                Ok(acc)
            }
            Rule::comparison => {
                let mut it = pair.into_inner();
                let first = next(&mut it)?;
                match first.as_rule() {
                    Rule::expr => {
                        let mut inner = self.expr(first)?;
                        inner.span = span; // the parentheses belong to the expression
                        Ok(inner)
                    }
                    Rule::kw_all => Ok(Expr { kind: ExprKind::All, span }),
                    _ => {
                        let left = self.operand(first)?;
                        let Some(tail) = it.next() else { return Ok(left) };
                        let mut t = tail.into_inner();
                        let op = next(&mut t)?;
                        let right = Box::new(self.operand(next(&mut t)?)?);
                        let left = Box::new(left);
                        let kind = match op.as_rule() {
                            Rule::cmp_op => {
                                let node = match op.as_str() {
                                    "==" => CmpOp::Eq,
                                    "!=" => CmpOp::Ne,
                                    "<=" => CmpOp::Le,
                                    ">=" => CmpOp::Ge,
                                    "<" => CmpOp::Lt,
                                    _ => CmpOp::Gt,
                                };
                                ExprKind::Compare { op: Spanned { node, span: self.span(&op) }, left, right }
                            }
                            Rule::not_in => ExprKind::In { negated: true, left, right },
                            Rule::kw_in => ExprKind::In { negated: false, left, right },
                            _ => ExprKind::Has { left, right },
                        };
                        Ok(Expr { kind, span })
                    }
                }
            }
            _ => Err(Malformed::Shape),
        }
    }

    fn operand(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = self.span(&pair);
        let inner = next(&mut pair.into_inner())?;
        if inner.as_rule() == Rule::path {
            let idents = inner.into_inner().map(|p| self.ident(p)).collect();
            Ok(Expr { kind: ExprKind::Path(idents), span })
        } else if inner.as_rule() == Rule::call {
            let mut parts = inner.into_inner();
            let name = self.ident(next(&mut parts)?);
            let args = parts.map(|a| self.operand(a)).collect::<Result<_>>()?;
            Ok(Expr { kind: ExprKind::Call { name, args }, span })
        } else {
            Ok(Expr { kind: ExprKind::Literal(self.value(inner)?), span })
        }
    }
}
