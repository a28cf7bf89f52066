//! Sandboxed extension functions (spec/extensions.md): WebAssembly modules a ruleset calls from
//! its conditions, for logic no declarative rule can hold (a loyalty score, a partner's check).
//!
//! - [`sandbox`]: modules compiled once per loaded ruleset; every call runs in a fresh instance
//!   with a fuel limit and a memory limit, and nothing to import — no clock, randomness, network
//!   or files — so the same arguments always give the same result;
//! - [`abi`]: how Promo values cross into WebAssembly and back;
//! - [`calls`]: the calls of one pricing, each made once.
//!
//! A call that traps, runs out of fuel, asks for too much memory or returns a malformed result is
//! a [`CallError`]: the promotion whose condition made it does not apply, and the outcome says
//! why. Pricing itself never fails, hangs or panics because of an extension.

pub mod abi;
pub mod calls;
pub mod sandbox;

pub use calls::Calls;
pub use sandbox::{ModuleInfo, Sandbox, inspect};

/// Why an extension call gave no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("extension `{function}` {failure}")]
pub struct CallError {
    /// The `extern` function called.
    pub function: String,
    /// What went wrong.
    pub failure: Failure,
}

/// What stopped an extension call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// It executed more than its fuel allows (an endless loop, say).
    #[error("ran out of fuel (limit {fuel})")]
    OutOfFuel {
        /// The limit.
        fuel: u64,
    },
    /// It asked for more memory than its limit.
    #[error("asked for more memory than its limit of {bytes} bytes")]
    OutOfMemory {
        /// The limit.
        bytes: u64,
    },
    /// It trapped (unreachable, division by zero, out-of-bounds access, stack overflow …).
    #[error("trapped: {0}")]
    Trap(String),
    /// Its result does not fit the declared result type.
    #[error("returned a malformed result: {0}")]
    Malformed(String),
    /// An argument cannot be passed (more decimals than the ABI carries, out of range).
    #[error("cannot be called: {0}")]
    Argument(String),
    /// The module or its export cannot be used (not compiled, missing export, wrong signature).
    #[error("is unavailable: {0}")]
    Unavailable(String),
}
