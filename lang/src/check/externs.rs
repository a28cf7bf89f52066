//! `extern` declarations and calls (spec/extensions.md): each declaration's types are ones the
//! extension ABI passes, its module is a file beside the ruleset that is valid WebAssembly and
//! imports nothing, and the module exports the function with the signature the types give. A call
//! names a declared function with arguments of its parameters' types; conditions then compare its
//! result like an attribute's value.

use std::collections::BTreeMap;

use promo_runtime::extension::{ModuleInfo, inspect};

use super::expr::Context;
use super::templates::Bindings;
use super::{CheckError, Checker, Type, suggest};
use crate::hir::{self, AttrRef};
use crate::source::Span;
use crate::syntax::ast::{self, Subject};

/// A declaration that checked.
#[derive(Debug, Clone)]
pub(crate) struct ExternSig {
    params: Vec<(String, Type)>,
    result: Type,
}

/// The WebAssembly type of a Promo type, as the ABI passes it.
fn wasm_type(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::Int | Type::Decimal | Type::Money | Type::Percent | Type::Time | Type::Duration => Some("i64"),
        Type::Bool | Type::Enum(_) => Some("i32"),
        Type::Text | Type::Set(_) | Type::Error => None,
    }
}

fn signature(params: &[String], results: &[String]) -> String {
    format!("({}) -> ({})", params.join(", "), results.join(", "))
}

impl<'a> Checker<'a> {
    /// Checks every `extern` declaration; the ones that check can be called.
    pub(super) fn collect_externs(&mut self, items: &[&'a ast::ExternItem]) {
        let mut inspected: BTreeMap<String, Result<ModuleInfo, String>> = BTreeMap::new();
        let mut first: BTreeMap<&str, Span> = BTreeMap::new();
        for item in items {
            if let Some(at) = first.get(item.name.name.as_str()) {
                let first = Self::same_file(*at, item.name.span);
                self.report(
                    item.name.span,
                    CheckError::Duplicate {
                        what: "extern function",
                        name: item.name.name.clone(),
                        span: item.name.span,
                        first,
                    },
                );
                continue;
            }
            first.insert(&item.name.name, item.name.span);
            let sig = self.extern_declaration(item, &mut inspected);
            self.externs.to_mut().insert(item.name.name.clone(), sig);
        }
    }

    fn passable(&mut self, ty: &ast::TypeExpr, role: &'static str) -> Option<Type> {
        let checked = self.type_expr(ty)?;
        if wasm_type(&checked).is_none() {
            let span = match ty {
                ast::TypeExpr::Named(n) => n.span,
                ast::TypeExpr::Set(_, span) => *span,
            };
            self.report(span, CheckError::UnsupportedExternType { role, ty: checked.to_string(), span });
            return None;
        }
        Some(checked)
    }

    fn extern_declaration(
        &mut self,
        item: &'a ast::ExternItem,
        inspected: &mut BTreeMap<String, Result<ModuleInfo, String>>,
    ) -> Option<ExternSig> {
        let params: Vec<Option<(String, Type)>> =
            item.params.iter().map(|p| self.passable(&p.ty, "take").map(|t| (p.name.name.clone(), t))).collect();
        let result = self.passable(&item.result, "return");
        let params: Option<Vec<(String, Type)>> = params.into_iter().collect();
        let (params, result) = (params?, result?);

        let module = &item.module;
        // Names never become paths: a module is a file directly beside the ruleset's files.
        let plain = !module.node.contains(['/', '\\']) && !module.node.starts_with('.');
        let Some(bytes) = plain.then(|| self.module_files.get(&module.node)).flatten() else {
            let names: Vec<&str> = self.module_files.keys().map(String::as_str).collect();
            let help = suggest(&module.node, &names).or_else(|| {
                Some("put the `.wasm` or `.wat` file in the ruleset's folder and name it by its file name".to_owned())
            });
            self.report(module.span, CheckError::UnknownModule { name: module.node.clone(), span: module.span, help });
            return None;
        };
        let info = inspected.entry(module.node.clone()).or_insert_with(|| {
            let info = inspect(bytes)?;
            match info.imports.first() {
                Some(import) => Err(format!(
                    "it imports `{import}`; an extension runs without clock, randomness, network or files, so it may import nothing"
                )),
                None => Ok(info),
            }
        });
        let info = match info {
            Ok(info) => info.clone(),
            Err(reason) => {
                let (name, reason) = (module.node.clone(), reason.clone());
                self.report(module.span, CheckError::BadModule { name, reason, span: module.span });
                return None;
            }
        };
        let name = &item.name;
        let Some((_, found_params, found_results)) = info.functions.iter().find(|(n, _, _)| *n == name.name) else {
            let exported: Vec<&str> = info.functions.iter().map(|(n, _, _)| n.as_str()).collect();
            let help = suggest(&name.name, &exported).or_else(|| {
                Some(if exported.is_empty() {
                    "it exports no functions".to_owned()
                } else {
                    format!("it exports: {}", exported.join(", "))
                })
            });
            self.report(
                name.span,
                CheckError::MissingExport {
                    name: name.name.clone(),
                    module: module.node.clone(),
                    span: name.span,
                    help,
                },
            );
            return None;
        };
        let expected_params: Vec<String> = params.iter().filter_map(|(_, t)| wasm_type(t)).map(str::to_owned).collect();
        let expected_results: Vec<String> = wasm_type(&result).map(str::to_owned).into_iter().collect();
        if *found_params != expected_params || *found_results != expected_results {
            self.report(
                name.span,
                CheckError::ExternSignature {
                    name: name.name.clone(),
                    module: module.node.clone(),
                    found: signature(found_params, found_results),
                    expected: signature(&expected_params, &expected_results),
                    span: name.span,
                },
            );
            return None;
        }
        if !self.modules.iter().any(|m| m.name == module.node) {
            self.modules.push(hir::Module { name: module.node.clone(), wasm: info.wasm });
        }
        self.checked_externs.push(hir::Extern {
            name: name.name.clone(),
            params: params.iter().map(|(_, t)| t.clone()).collect(),
            result: result.clone(),
            module: module.node.clone(),
        });
        Some(ExternSig { params, result })
    }

    /// Checks a call in a condition about `ctx`'s subject. Its result is compared like an
    /// attribute of that subject.
    pub(super) fn call(
        &mut self,
        name: &'a ast::Ident,
        args: &'a [ast::Expr],
        span: Span,
        ctx: Context,
        b: &Bindings<'a>,
    ) -> Option<(AttrRef, Type)> {
        let sig = match self.externs.get(&name.name) {
            Some(Some(sig)) => sig.clone(),
            // The declaration failed and was reported.
            Some(None) => return None,
            None => {
                let declared: Vec<&str> = self.externs.keys().map(String::as_str).collect();
                let help = suggest(&name.name, &declared)
                    .or_else(|| Some(format!("declare it: `extern {}(…) -> int from \"module.wat\"`", name.name)));
                self.report(name.span, CheckError::UnknownFunction { name: name.name.clone(), span: name.span, help });
                return None;
            }
        };
        if args.len() != sig.params.len() {
            let params: Vec<String> = sig.params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
            self.report(
                span,
                CheckError::Arity {
                    name: name.name.clone(),
                    expected: sig.params.len(),
                    found: args.len(),
                    span,
                    signature: format!("{}({}) -> {}", name.name, params.join(", "), sig.result),
                },
            );
            return None;
        }
        let mut checked = Vec::with_capacity(args.len());
        let mut ok = true;
        for (arg, (_, ty)) in args.iter().zip(&sig.params) {
            match self.call_argument(arg, ty, ctx, b) {
                Some(a) => checked.push(a),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        let shown: Vec<String> = checked
            .iter()
            .map(|a| match a {
                hir::Arg::Attr(attr) if attr.subject == Subject::Customer => format!("customer.{}", attr.name),
                hir::Arg::Attr(attr) => attr.name.clone(),
                hir::Arg::Value(v) => super::satisfiable::show(v),
            })
            .collect();
        let subject = if ctx == Context::Eligible { Subject::Customer } else { Subject::Product };
        let call = hir::Call { function: name.name.clone(), args: checked };
        let attr =
            AttrRef { subject, name: format!("{}({})", name.name, shown.join(", ")), call: Some(Box::new(call)) };
        Some((attr, sig.result))
    }

    fn call_argument(&mut self, arg: &'a ast::Expr, ty: &Type, ctx: Context, b: &Bindings<'a>) -> Option<hir::Arg> {
        use super::expr::Operand;
        let mismatch = |found: String| CheckError::TypeMismatch {
            expected: ty.to_string(),
            found,
            span: arg.span,
            help: Some("an extension's argument is an attribute, a parameter or a value".to_owned()),
        };
        match self.operand(arg, ctx, b)? {
            Operand::Attr(attr, _) if attr.call.is_some() => {
                let error = mismatch(format!("the call `{}`", attr.name));
                self.report(arg.span, error);
                None
            }
            Operand::Attr(attr, found) => {
                if !found.fits(ty) {
                    let error = mismatch(format!("the {} attribute `{}` ({found})", attr.subject.keyword(), attr.name));
                    self.report(arg.span, error);
                    return None;
                }
                Some(hir::Arg::Attr(attr))
            }
            Operand::Value(v) => self.value_as(v, ty, b).map(hir::Arg::Value),
            Operand::Name(n) => match ty {
                Type::Enum(e) => self.enum_value(e, &n.name, n.span).map(hir::Arg::Value),
                _ => {
                    self.unknown_name(n, b);
                    None
                }
            },
            Operand::Symbolic(found) => {
                if !found.fits(ty) {
                    self.report(arg.span, mismatch(found.to_string()));
                }
                None
            }
            Operand::Pool(pool) => {
                self.report(arg.span, mismatch(format!("the pool `{pool}`")));
                None
            }
        }
    }
}
