//! The extension calls of one pricing. A function is pure, so each (function, arguments) pair
//! is called once and its result — or its failure — reused.

use std::collections::HashMap;

use super::abi::{self, Raw};
use super::{CallError, Failure, Sandbox};
use crate::bind::{Bound, Row};
use crate::ir::Arg;

/// Calls made while pricing one cart.
#[derive(Debug)]
pub struct Calls<'s> {
    sandbox: &'s Sandbox,
    made: HashMap<(u32, Vec<Raw>), Result<Bound, CallError>>,
}

impl<'s> Calls<'s> {
    /// No calls made yet.
    pub fn new(sandbox: &'s Sandbox) -> Calls<'s> {
        Calls { sandbox, made: HashMap::new() }
    }

    /// The result of `function` on `args`, read from `values`. `Ok(None)` when an attribute
    /// argument is missing from the input: the call is not made, and the comparison is false.
    pub fn call(&mut self, function: u32, args: &[Arg], values: Row<'_>) -> Result<Option<Bound>, CallError> {
        let Some(decl) = self.sandbox.function(function) else {
            return Err(CallError {
                function: format!("#{function}"),
                failure: Failure::Unavailable("no such function".into()),
            });
        };
        let mut raw = Vec::with_capacity(args.len());
        for (arg, ty) in args.iter().zip(&decl.params) {
            let encoded = match arg {
                Arg::Attr(attr) => match values.get(*attr) {
                    Some(bound) => abi::encode(bound, ty),
                    None => return Ok(None),
                },
                Arg::Value(v) => abi::encode_value(v, ty),
            };
            raw.push(encoded.map_err(|e| CallError { function: decl.name.clone(), failure: Failure::Argument(e) })?);
        }
        let key = (function, raw);
        if let Some(done) = self.made.get(&key) {
            return done.clone().map(Some);
        }
        let result = self.sandbox.call(function, &key.1);
        self.made.insert(key, result.clone());
        result.map(Some)
    }
}
