//! `settings { … }` and `schema { … }`: the ruleset-wide declarations.

use promo_runtime::{Currency, Rounding};

use super::{CheckError, Checker, EnumInfo, Type, suggest};
use crate::hir::{self, Calculation, Stacking};
use crate::source::Span;
use crate::syntax::ast::{self, SettingKind, Subject, TypeExpr, ValueKind};

impl<'a> Checker<'a> {
    pub(super) fn collect_schema(&mut self, schemas: &[&ast::SchemaItem]) {
        // Enums first: attributes may use any of them, in any order.
        for schema in schemas {
            for e in &schema.enums {
                if let Some(first) = self.schema.enums.get(&e.name.name) {
                    let first = Self::same_file(first.span, e.name.span);
                    self.report(
                        e.name.span,
                        CheckError::Duplicate { what: "enum", name: e.name.name.clone(), span: e.name.span, first },
                    );
                    continue;
                }
                let mut values: Vec<String> = Vec::new();
                let mut spans: Vec<Span> = Vec::new();
                for v in &e.values {
                    if let Some(i) = values.iter().position(|x| *x == v.name) {
                        let first = spans.get(i).copied();
                        self.report(
                            v.span,
                            CheckError::Duplicate { what: "enum value", name: v.name.clone(), span: v.span, first },
                        );
                    } else {
                        values.push(v.name.clone());
                        spans.push(v.span);
                    }
                }
                self.schema
                    .to_mut()
                    .enums
                    .insert(e.name.name.clone(), EnumInfo { values, ordered: e.ordered, span: e.name.span });
            }
        }
        for schema in schemas {
            for attr in &schema.attributes {
                let Some(ty) = self.type_expr(&attr.ty) else { continue };
                let subject = match attr.subject {
                    Subject::Product => "product",
                    Subject::Customer => "customer",
                };
                match self.schema.attributes(attr.subject).get(&attr.name.name) {
                    Some(existing) if existing.span.is_none() => {
                        let ty = existing.ty.to_string();
                        self.report(
                            attr.name.span,
                            CheckError::BuiltinAttribute {
                                subject,
                                name: attr.name.name.clone(),
                                span: attr.name.span,
                                ty,
                            },
                        );
                    }
                    Some(existing) => {
                        let first = existing.span.and_then(|f| Self::same_file(f, attr.name.span));
                        let what = if subject == "product" { "product attribute" } else { "customer attribute" };
                        self.report(
                            attr.name.span,
                            CheckError::Duplicate { what, name: attr.name.name.clone(), span: attr.name.span, first },
                        );
                    }
                    None => {
                        self.schema
                            .to_mut()
                            .attributes_mut(attr.subject)
                            .insert(attr.name.name.clone(), super::AttrInfo { ty, span: Some(attr.name.span) });
                    }
                }
            }
        }
    }

    /// Resolves a written type; reports unknown names.
    pub(super) fn type_expr(&mut self, ty: &TypeExpr) -> Option<Type> {
        match ty {
            TypeExpr::Set(inner, _) => Some(Type::Set(Box::new(self.type_expr(inner)?))),
            TypeExpr::Named(name) => {
                if let Some(t) = Type::builtin(&name.name) {
                    return Some(t);
                }
                if self.schema.enums.contains_key(&name.name) {
                    return Some(Type::Enum(name.name.clone()));
                }
                let mut candidates: Vec<&str> = Type::BUILTIN_NAMES.to_vec();
                candidates.extend(self.schema.enums.keys().map(String::as_str));
                let help = suggest(&name.name, &candidates).or_else(|| {
                    Some(format!("the types are {}, `set<…>` and the schema's enums", Type::BUILTIN_NAMES.join(", ")))
                });
                self.report(name.span, CheckError::UnknownType { name: name.name.clone(), span: name.span, help });
                None
            }
        }
    }

    pub(super) fn collect_settings(&mut self, items: &[&ast::SettingsItem]) {
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        for item in items {
            for setting in &item.settings {
                let key = setting_key(&setting.kind);
                if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                    // Floors may be declared many times, one per product group.
                    if key != "floor" {
                        let first = Self::same_file(*first, setting.keyword);
                        self.report(
                            setting.span,
                            CheckError::DuplicateSetting { setting: key, span: setting.span, first },
                        );
                        continue;
                    }
                }
                seen.push((key, setting.keyword));
                self.setting(setting);
            }
        }
    }

    fn setting(&mut self, setting: &ast::Setting) {
        match &setting.kind {
            SettingKind::Currency(value) => {
                let (code, span) = match &value.kind {
                    ValueKind::Name(n) => (n.clone(), value.span),
                    ValueKind::Text(t) => (t.clone(), value.span),
                    _ => {
                        self.report(
                            value.span,
                            CheckError::TypeMismatch {
                                expected: "a currency code".into(),
                                found: "a value".into(),
                                span: value.span,
                                help: Some("write an ISO 4217 code, e.g. `currency USD`".into()),
                            },
                        );
                        return;
                    }
                };
                match Currency::from_code(&code) {
                    Some(c) => self.settings.to_mut().currency = Some(c),
                    None => {
                        let known: Vec<&str> = Currency::known_codes().collect();
                        let help = suggest(&code.to_uppercase(), &known).or_else(|| {
                            known
                                .contains(&code.to_uppercase().as_str())
                                .then(|| format!("did you mean `{}`?", code.to_uppercase()))
                        });
                        self.currency_reported = true;
                        self.report(span, CheckError::UnknownCurrency { code, span, help });
                    }
                }
            }
            SettingKind::Calculation(v) => match v.name.as_str() {
                "parallel" => self.settings.to_mut().calculation = Calculation::Parallel,
                "progressive" => self.settings.to_mut().calculation = Calculation::Progressive,
                _ => {
                    self.unknown_setting(v, "calculation", "`parallel` or `progressive`", &["parallel", "progressive"])
                }
            },
            SettingKind::Rounding(v) => match v.name.parse::<Rounding>() {
                Ok(r) => self.settings.to_mut().rounding = r,
                Err(()) => self.unknown_setting(
                    v,
                    "rounding",
                    "`half_up`, `half_even`, `down` or `up`",
                    &["half_up", "half_even", "down", "up"],
                ),
            },
            SettingKind::Stacking(v) => match v.name.as_str() {
                "shared" => self.settings.to_mut().stacking = Stacking::Shared,
                "exclusive" => self.settings.to_mut().stacking = Stacking::Exclusive,
                _ => self.unknown_setting(v, "stacking", "`shared` or `exclusive`", &["shared", "exclusive"]),
            },
            SettingKind::Timezone(tz) => {
                if self.timezone(&tz.node, tz.span).is_some() {
                    self.settings.to_mut().timezone = Some(tz.node.clone());
                }
            }
            SettingKind::Refund(policy) => self.settings.to_mut().refund = Some(policy.node),
            // Floors are checked once pools and attributes are known.
            SettingKind::Floor { .. } => {}
            SettingKind::Extension { limit, value } => self.extension_limit(limit, value),
        }
    }

    /// `extension fuel N` (1,000 to 10,000,000,000) or `extension memory BYTES` (one 64 KiB page
    /// to 256 MiB).
    fn extension_limit(&mut self, limit: &ast::Ident, value: &ast::Value) {
        let (min, max, what): (u64, i64, &str) = match limit.name.as_str() {
            "fuel" => (1_000, 10_000_000_000, "extension fuel"),
            "memory" => (65_536, 268_435_456, "extension memory (bytes)"),
            _ => return self.unknown_setting(limit, "extension limit", "`fuel` or `memory`", &["fuel", "memory"]),
        };
        let help = Some("see spec/extensions.md for the limits and their defaults");
        let Some(n) = self.count(value, what, min, help, &super::templates::Bindings::none()) else { return };
        if n > max {
            self.report(value.span, CheckError::TooLarge { value: n.to_string(), span: value.span });
            return;
        }
        let n = n.unsigned_abs();
        if limit.name == "fuel" {
            self.settings.to_mut().extension_limits.fuel = n;
        } else {
            self.settings.to_mut().extension_limits.memory_bytes = n;
        }
    }

    fn unknown_setting(&mut self, v: &ast::Ident, setting: &'static str, expected: &'static str, options: &[&str]) {
        let help = suggest(&v.name, options);
        self.report(
            v.span,
            CheckError::UnknownSettingValue { setting, value: v.name.clone(), span: v.span, expected, help },
        );
    }

    /// Checks `floor … for …` settings now that pools are known.
    pub(super) fn check_settings_floors(&mut self, items: &[&'a ast::SettingsItem]) {
        for item in items {
            for setting in &item.settings {
                let SettingKind::Floor { bound, products } = &setting.kind else { continue };
                let bound = self.floor_bound(bound, &super::templates::Bindings::none());
                let products =
                    self.condition(products, super::expr::Context::Scope, &super::templates::Bindings::none());
                if let (Some(bound), Some(products)) = (bound, products) {
                    self.settings.to_mut().floors.push(hir::Floor {
                        bound,
                        products: Some(products),
                        span: setting.span,
                    });
                }
            }
        }
    }
}

fn setting_key(kind: &SettingKind) -> &'static str {
    match kind {
        SettingKind::Currency(_) => "currency",
        SettingKind::Calculation(_) => "calculation",
        SettingKind::Rounding(_) => "rounding",
        SettingKind::Stacking(_) => "stacking",
        SettingKind::Timezone(_) => "timezone",
        SettingKind::Floor { .. } => "floor",
        SettingKind::Refund(_) => "refund",
        SettingKind::Extension { limit, .. } => match limit.name.as_str() {
            "fuel" => "extension fuel",
            "memory" => "extension memory",
            _ => "extension",
        },
    }
}
