//! Templates: promotions with holes. A template's body is checked once at its definition, with
//! each parameter standing for "some value of its type"; each promotion made from it is checked
//! again with the arguments in place, so a value out of range is reported at the argument.

use std::collections::HashMap;

use super::{CheckError, Checker, Type, suggest};
use crate::source::Span;
use crate::syntax::ast::{self, ValueKind};

/// What a parameter name stands for while checking a template body.
#[derive(Debug, Clone)]
pub(crate) enum Binding<'a> {
    /// At the definition: any value of this type.
    Symbolic(Type),
    /// In a promotion: this argument (or the parameter's default).
    Bound(&'a ast::Value),
}

/// Parameter names in scope (none outside templates).
#[derive(Debug, Clone, Default)]
pub(crate) struct Bindings<'a> {
    map: HashMap<String, (Binding<'a>, Type)>,
}

impl<'a> Bindings<'a> {
    /// No parameters.
    pub(crate) fn none() -> Bindings<'a> {
        Bindings::default()
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Binding<'a>> {
        self.map.get(name).map(|(b, _)| b)
    }

    pub(crate) fn names(&self) -> Vec<&str> {
        self.map.keys().map(String::as_str).collect()
    }

    /// The value a name is bound to, or `v` itself.
    pub(crate) fn resolve<'v>(&self, v: &'v ast::Value) -> &'v ast::Value
    where
        'a: 'v,
    {
        if let ValueKind::Name(name) = &v.kind
            && let Some((Binding::Bound(arg), _)) = self.map.get(name)
        {
            return arg;
        }
        v
    }

    /// The declared type of a parameter that is not yet bound.
    pub(crate) fn param_type(&self, v: &ast::Value) -> Option<Type> {
        let ValueKind::Name(name) = &v.kind else { return None };
        match self.map.get(name) {
            Some((Binding::Symbolic(t), _)) => Some(t.clone()),
            _ => None,
        }
    }

    /// Whether a path of one name is a parameter, and its type.
    pub(crate) fn param(&self, name: &str) -> Option<(&Binding<'a>, &Type)> {
        self.map.get(name).map(|(b, t)| (b, t))
    }
}

impl<'a> Checker<'a> {
    /// The parameters of `t` with their types; `None` for parameters whose type is unknown.
    fn params(&mut self, t: &'a ast::TemplateItem) -> Vec<(&'a ast::Param, Option<Type>)> {
        t.params.iter().map(|p| (p, self.type_expr(&p.ty))).collect()
    }

    /// Checks a template's definition: parameter types, defaults, and the body with symbolic
    /// parameters.
    pub(super) fn check_template_definition(&mut self, t: &'a ast::TemplateItem) {
        let mut bindings = Bindings::none();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for (param, ty) in self.params(t) {
            if let Some(first) = seen.get(param.name.name.as_str()) {
                let first = Some(*first);
                self.report(
                    param.name.span,
                    CheckError::Duplicate {
                        what: "parameter",
                        name: param.name.name.clone(),
                        span: param.name.span,
                        first,
                    },
                );
                continue;
            }
            seen.insert(&param.name.name, param.name.span);
            let ty = ty.unwrap_or(Type::Error);
            if let Some(default) = &param.default {
                self.value_as(default, &ty, &Bindings::none());
            }
            bindings.map.insert(param.name.name.clone(), (Binding::Symbolic(ty.clone()), ty));
        }
        self.check_clauses(&t.body.clauses, &bindings);
    }

    /// Resolves the template of a promotion and binds its arguments. `None` when the template is
    /// unknown (reported).
    pub(super) fn instantiate(
        &mut self,
        promotion: &'a ast::PromotionItem,
        call: &'a ast::TemplateCall,
    ) -> Option<(&'a ast::TemplateItem, Bindings<'a>)> {
        let file = promotion.span.file;
        let Some(def) = self.templates.get(&call.name.name).copied() else {
            let candidates: Vec<&str> = self.templates.keys().map(String::as_str).collect();
            let help = suggest(&call.name.name, &candidates);
            self.report(
                call.name.span,
                CheckError::UnknownTemplate { name: call.name.name.clone(), span: call.name.span, help },
            );
            return None;
        };
        if def.library && !self.imports.get(&file).is_some_and(|i| i.contains(&call.name.name)) {
            self.report(
                call.name.span,
                CheckError::TemplateNotImported { name: call.name.name.clone(), span: call.name.span },
            );
        }
        let t = def.item;
        let params = self.params(t);
        let mut bindings = Bindings::none();
        let mut given: HashMap<&str, Span> = HashMap::new();
        for arg in &call.args {
            if given.contains_key(arg.name.name.as_str()) {
                self.report(
                    arg.name.span,
                    CheckError::DuplicateArgument { name: arg.name.name.clone(), span: arg.name.span },
                );
                continue;
            }
            given.insert(&arg.name.name, arg.name.span);
            let Some((_, ty)) = params.iter().find(|(p, _)| p.name.name == arg.name.name) else {
                let names: Vec<&str> = t.params.iter().map(|p| p.name.name.as_str()).collect();
                let help = suggest(&arg.name.name, &names)
                    .or_else(|| Some(format!("`{}` takes: {}", t.name.name, names.join(", "))));
                self.report(
                    arg.name.span,
                    CheckError::UnknownParameter {
                        template: t.name.name.clone(),
                        name: arg.name.name.clone(),
                        span: arg.name.span,
                        help,
                    },
                );
                continue;
            };
            let ty = ty.clone().unwrap_or(Type::Error);
            // Checked here for its type; range checks happen where the body uses it.
            if self.value_as(&arg.value, &ty, &Bindings::none()).is_some() || matches!(ty, Type::Error) {
                bindings.map.insert(arg.name.name.clone(), (Binding::Bound(&arg.value), ty));
            } else {
                bindings.map.insert(arg.name.name.clone(), (Binding::Symbolic(Type::Error), Type::Error));
            }
        }
        for (param, ty) in params {
            if given.contains_key(param.name.name.as_str()) {
                continue;
            }
            match &param.default {
                Some(default) => {
                    let ty = ty.unwrap_or(Type::Error);
                    bindings.map.insert(param.name.name.clone(), (Binding::Bound(default), ty));
                }
                None => {
                    let ty_text = ty.map_or_else(|| "?".to_owned(), |t| t.to_string());
                    self.report(
                        call.span,
                        CheckError::MissingArgument {
                            template: t.name.name.clone(),
                            param: param.name.name.clone(),
                            span: call.span,
                            ty: ty_text,
                        },
                    );
                    bindings.map.insert(param.name.name.clone(), (Binding::Symbolic(Type::Error), Type::Error));
                }
            }
        }
        Some((t, bindings))
    }
}
