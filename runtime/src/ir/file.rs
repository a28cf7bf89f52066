//! The compiled ruleset on disk: a JSON envelope with a format tag, a version and a SHA-256
//! checksum of the ruleset's exact bytes, so a reader refuses a file of another version or one
//! changed after it was written, with a clear reason.
//!
//! ```json
//! {"format":"promo-ruleset","version":1,"checksum":"sha256:…","ruleset":{…}}
//! ```

use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::{Arg, CompiledRuleset, Cond, FORMAT, StackTarget, VERSION, Value};

/// Why a compiled ruleset could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Not JSON, or not the shape of an envelope or ruleset.
    #[error("not a compiled ruleset: {reason} (line {line}, column {column})")]
    Malformed {
        /// What the JSON reader said.
        reason: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// Another format's file.
    #[error("not a compiled ruleset: its format is `{found}`, expected `{FORMAT}`")]
    WrongFormat {
        /// The format tag found.
        found: String,
    },
    /// A version this runtime does not read.
    #[error(
        "compiled ruleset version {found} cannot be read by this runtime (it reads version {VERSION}); recompile it with `promo compile`"
    )]
    WrongVersion {
        /// The version found.
        found: u32,
    },
    /// The ruleset's bytes do not match the checksum: the file was changed or damaged.
    #[error(
        "compiled ruleset is corrupt: its checksum does not match its contents (expected {expected}, computed {computed})"
    )]
    Corrupt {
        /// Checksum recorded in the file.
        expected: String,
        /// Checksum of what is there.
        computed: String,
    },
    /// An id that points at nothing: written by something other than Promo's compiler.
    #[error("compiled ruleset is inconsistent: {reason}")]
    Inconsistent {
        /// What is wrong.
        reason: String,
    },
}

#[derive(Deserialize)]
struct Envelope<'a> {
    checksum: String,
    #[serde(borrow)]
    ruleset: &'a RawValue,
}

#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

/// The hash of a ruleset's sources, as recorded in [`CompiledRuleset::source_hash`]: SHA-256 over
/// each file's name and text, in the order given.
pub fn source_hash<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut hasher = Sha256::new();
    for (name, text) in files {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    let hex: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn checksum(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn malformed(e: serde_json::Error) -> LoadError {
    LoadError::Malformed { reason: e.to_string(), line: e.line(), column: e.column() }
}

impl CompiledRuleset {
    /// The file form: deterministic (same ruleset, same bytes).
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let body = serde_json::to_string(self)?;
        let sum = checksum(body.as_bytes());
        Ok(format!("{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\"checksum\":\"{sum}\",\"ruleset\":{body}}}\n"))
    }

    /// Reads the file form, refusing other formats, other versions, corrupt or inconsistent files.
    pub fn from_json(text: &str) -> Result<CompiledRuleset, LoadError> {
        // The header first, so a file of another version is named as such even if the rest of
        // its shape changed.
        let header: Header = serde_json::from_str(text).map_err(malformed)?;
        if header.format != FORMAT {
            return Err(LoadError::WrongFormat { found: header.format });
        }
        if header.version != VERSION {
            return Err(LoadError::WrongVersion { found: header.version });
        }
        let envelope: Envelope<'_> = serde_json::from_str(text).map_err(malformed)?;
        let computed = checksum(envelope.ruleset.get().as_bytes());
        if computed != envelope.checksum {
            return Err(LoadError::Corrupt { expected: envelope.checksum, computed });
        }
        let ruleset: CompiledRuleset = serde_json::from_str(envelope.ruleset.get()).map_err(malformed)?;
        ruleset.validate()?;
        Ok(ruleset)
    }

    /// Checks that every id points at something.
    pub fn validate(&self) -> Result<(), LoadError> {
        let attrs = self.attributes.len();
        let symbols = self.symbols.len();
        let promotions = self.promotions.len();
        let bad = |reason: String| Err(LoadError::Inconsistent { reason });
        fn check_value(v: &Value, symbols: usize) -> bool {
            match v {
                Value::Text(s) => (s.0 as usize) < symbols,
                Value::Set(items) => items.iter().all(|i| check_value(i, symbols)),
                _ => true,
            }
        }
        let functions = self.extensions.functions.len();
        let check_cond = |c: &Cond| -> bool {
            fn walk(c: &Cond, attrs: usize, symbols: usize, functions: usize) -> bool {
                match c {
                    Cond::All => true,
                    Cond::Pred { attr, value, .. } => (attr.0 as usize) < attrs && check_value(value, symbols),
                    Cond::Call { function, args, value, .. } => {
                        (*function as usize) < functions
                            && check_value(value, symbols)
                            && args.iter().all(|a| match a {
                                Arg::Attr(attr) => (attr.0 as usize) < attrs,
                                Arg::Value(v) => check_value(v, symbols),
                            })
                    }
                    Cond::Not(inner) => walk(inner, attrs, symbols, functions),
                    Cond::And(parts) | Cond::Or(parts) => parts.iter().all(|p| walk(p, attrs, symbols, functions)),
                }
            }
            walk(c, attrs, symbols, functions)
        };
        for f in &self.extensions.functions {
            if (f.module as usize) >= self.extensions.modules.len() {
                return bad(format!("extern function `{}` names module #{}, which does not exist", f.name, f.module));
            }
        }
        for floor in &self.settings.floors {
            if !check_cond(&floor.products) {
                return bad("a floor refers to an attribute or value that is not in the ruleset".into());
            }
        }
        for p in &self.promotions {
            if !check_cond(&p.scope) || !check_cond(&p.eligible) {
                return bad(format!(
                    "promotion `{}` refers to an attribute or value that is not in the ruleset",
                    p.name
                ));
            }
            for target in &p.stacks_with {
                if let StackTarget::Promotion(i) = target
                    && (*i as usize) >= promotions
                {
                    return bad(format!("promotion `{}` stacks with promotion #{i}, which does not exist", p.name));
                }
            }
            let syms = p.store.iter().chain(p.coupon.iter()).all(|s| (s.0 as usize) < symbols);
            if !syms {
                return bad(format!("promotion `{}` refers to a value that is not in the ruleset", p.name));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::ir::*;

    fn sample() -> CompiledRuleset {
        CompiledRuleset {
            source_hash: "sha256:00".into(),
            settings: Settings::usd(),
            attributes: vec![Attribute { subject: Subject::Product, name: "sku".into(), ty: ValueType::Text }],
            symbols: vec!["A".into()],
            enums: vec![],
            promotions: vec![Promotion {
                name: "p".into(),
                level: Level::Item,
                store: None,
                window: Some((1_781_748_000, 1_781_755_200)),
                scope: Cond::Pred { attr: AttrId(0), op: Op::Eq, value: Value::Text(SymbolId(0)) },
                eligible: Cond::Call {
                    function: 0,
                    args: vec![Arg::Attr(AttrId(0)), Arg::Value(Value::Int(3))],
                    op: Op::Ge,
                    value: Value::Int(50),
                },
                benefits: vec![Benefit::SpecialPrice(Decimal::new(39900, 2))],
                coupon: None,
                limit: Some((2, LimitPer::Customer)),
                stock: Some(500),
                budget: None,
                exclusive: true,
                stacks_with: vec![],
                withdraw_others: Some(7200),
                pay_within: Some(900),
                label: Some(("Flash Sale".into(), 100)),
                refund: None,
                floor: None,
            }],
            extensions: Extensions {
                limits: ExtensionLimits::default(),
                modules: vec![ExtensionModule { name: "loyalty.wasm".into(), wasm: vec![0, 97, 115, 109, 1, 0, 0, 0] }],
                functions: vec![ExternFunction {
                    name: "score".into(),
                    module: 0,
                    params: vec![ValueType::Text, ValueType::Int],
                    result: ValueType::Int,
                }],
            },
        }
    }

    #[test]
    fn modules_are_base64_and_round_trip() {
        let text = sample().to_json().unwrap();
        assert!(text.contains("\"wasm\":\"AGFzbQEAAAA=\""), "{text}");
        assert_eq!(CompiledRuleset::from_json(&text).unwrap().extensions, sample().extensions);
    }

    #[test]
    fn a_call_of_a_missing_function_is_inconsistent() {
        let mut r = sample();
        r.extensions.functions.clear();
        let text = r.to_json().unwrap();
        assert!(matches!(CompiledRuleset::from_json(&text), Err(LoadError::Inconsistent { .. })));
        let mut r = sample();
        r.extensions.functions[0].module = 4;
        let err = CompiledRuleset::from_json(&r.to_json().unwrap()).unwrap_err();
        assert!(err.to_string().contains("names module #4"), "{err}");
    }

    #[test]
    fn round_trips_exactly() {
        let text = sample().to_json().unwrap();
        assert_eq!(CompiledRuleset::from_json(&text).unwrap(), sample());
        assert_eq!(sample().to_json().unwrap(), text, "deterministic bytes");
        assert!(text.contains("\"399.00\""), "money is a decimal string: {text}");
    }

    #[test]
    fn a_changed_byte_is_corruption() {
        let text = sample().to_json().unwrap().replace("\"500\"", "\"501\"").replace(":500", ":501");
        assert!(matches!(CompiledRuleset::from_json(&text), Err(LoadError::Corrupt { .. })), "{text}");
    }

    #[test]
    fn another_version_is_refused_by_name() {
        let text = sample().to_json().unwrap().replace("\"version\":2", "\"version\":1");
        let err = CompiledRuleset::from_json(&text).unwrap_err();
        assert!(matches!(err, LoadError::WrongVersion { found: 1 }));
        assert!(err.to_string().contains("recompile it with `promo compile`"));
    }

    #[test]
    fn another_format_is_refused() {
        let text = sample().to_json().unwrap().replace("promo-ruleset", "other");
        assert!(matches!(CompiledRuleset::from_json(&text), Err(LoadError::WrongFormat { .. })));
    }

    #[test]
    fn truncation_names_the_place() {
        let text = sample().to_json().unwrap();
        let cut = &text[..text.len() / 2];
        match CompiledRuleset::from_json(cut) {
            Err(LoadError::Malformed { line: 1, column, .. }) => assert!(column > 0),
            other => panic!("expected a malformed-file error, got {other:?}"),
        }
    }

    #[test]
    fn dangling_ids_are_inconsistent() {
        let mut r = sample();
        r.promotions[0].scope = Cond::Pred { attr: AttrId(7), op: Op::Eq, value: Value::Text(SymbolId(0)) };
        let text = r.to_json().unwrap();
        assert!(matches!(CompiledRuleset::from_json(&text), Err(LoadError::Inconsistent { .. })));
    }

    #[test]
    fn the_source_hash_covers_names_and_texts() {
        let a = source_hash([("a.promo", "x")]);
        assert_eq!(a, source_hash([("a.promo", "x")]));
        assert_ne!(a, source_hash([("b.promo", "x")]));
        assert_ne!(a, source_hash([("a.promo", "y")]));
        assert_ne!(source_hash([("a", "bc")]), source_hash([("ab", "c")]), "names and texts are delimited");
    }
}
