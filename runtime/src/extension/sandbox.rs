//! The sandbox: wasmtime with fuel metering and a memory limiter. Modules are compiled once when
//! a ruleset is loaded ([`Sandbox::new`]); each call instantiates its module afresh, so no call
//! sees what another left behind, and the same arguments always give the same result.

use std::fmt;
use std::sync::OnceLock;

use wasmtime::{
    Config, Engine, ExternType, InstancePre, Linker, Module, ModuleExport, ResourceLimiter, Store, Trap, Val, ValType,
};

use super::abi::{self, Raw};
use super::{CallError, Failure};
use crate::bind::Bound;
use crate::ir::{CompiledRuleset, ExtensionLimits, ExternFunction, ValueType};

/// The most table elements an instance may hold.
const MAX_TABLE_ELEMENTS: usize = 10_000;
/// The most native stack a call may use: deep recursion traps instead of crashing.
const MAX_WASM_STACK: usize = 512 * 1024;

/// The one engine every sandbox shares: fuel on, deterministic floats and SIMD (threads are not compiled in).
fn engine() -> Result<&'static Engine, String> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let mut config = Config::new();
            config
                .consume_fuel(true)
                .cranelift_nan_canonicalization(true)
                .relaxed_simd_deterministic(true)
                .max_wasm_stack(MAX_WASM_STACK)
                .memory_reservation(1 << 28)
                .memory_guard_size(0);
            Engine::new(&config).map_err(|e| format!("the WebAssembly engine cannot start: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// A compiled module's exported functions and imports, for the compiler's checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleInfo {
    /// The module in binary form (a text module converted).
    pub wasm: Vec<u8>,
    /// What it imports, as `module.name`: an extension module may import nothing.
    pub imports: Vec<String>,
    /// Its exported functions: (name, parameter types, result types), types as `i32`, `i64` ….
    pub functions: Vec<(String, Vec<String>, Vec<String>)>,
}

fn type_name(ty: &ValType) -> String {
    match ty {
        ValType::I32 => "i32".into(),
        ValType::I64 => "i64".into(),
        ValType::F32 => "f32".into(),
        ValType::F64 => "f64".into(),
        ValType::V128 => "v128".into(),
        ValType::Ref(r) => format!("{r}"),
    }
}

/// Reads a module in binary or text form, validates and compiles it, and lists what the
/// compiler checks: its imports and exported functions.
pub fn inspect(bytes: &[u8]) -> Result<ModuleInfo, String> {
    let wasm = wat::parse_bytes(bytes).map_err(|e| format!("not a WebAssembly module: {e}"))?.into_owned();
    let module = Module::new(engine()?, &wasm).map_err(|e| format!("not a valid WebAssembly module: {e:#}"))?;
    let imports = module.imports().map(|i| format!("{}.{}", i.module(), i.name())).collect();
    let functions = module
        .exports()
        .filter_map(|e| match e.ty() {
            ExternType::Func(f) => Some((
                e.name().to_owned(),
                f.params().map(|t| type_name(&t)).collect(),
                f.results().map(|t| type_name(&t)).collect(),
            )),
            _ => None,
        })
        .collect();
    Ok(ModuleInfo { wasm, imports, functions })
}

/// What one call may use, and whether it tried to use more memory.
struct Limiter {
    memory_bytes: usize,
    exceeded: bool,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.memory_bytes {
            self.exceeded = true;
            return Err(wasmtime::format_err!("memory limit of {} bytes exceeded", self.memory_bytes));
        }
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }

    fn instances(&self) -> usize {
        1
    }

    fn memories(&self) -> usize {
        1
    }

    fn tables(&self) -> usize {
        1
    }
}

/// A function ready to call.
#[derive(Clone)]
struct Ready {
    pre: InstancePre<Limiter>,
    /// The export, resolved once.
    export: ModuleExport,
    /// Values of an enum result.
    enum_size: usize,
}

/// A loaded ruleset's extension functions, compiled. Cheap to share: clones share the code.
#[derive(Clone)]
pub struct Sandbox {
    limits: ExtensionLimits,
    /// Per function: its name, parameter and result types, and the compiled function or why it
    /// cannot be called.
    functions: Vec<(ExternFunction, Result<Ready, String>)>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("limits", &self.limits)
            .field("functions", &self.functions.iter().map(|(d, r)| (&d.name, r.is_ok())).collect::<Vec<_>>())
            .finish()
    }
}

impl Default for Sandbox {
    /// A sandbox with no functions, for conditions that call none.
    fn default() -> Sandbox {
        Sandbox { limits: ExtensionLimits::default(), functions: Vec::new() }
    }
}

impl Sandbox {
    /// Compiles the extension modules of `ruleset`. Never fails: a module that does not compile
    /// (which the compiler would have refused) makes each call to it fail with the reason.
    pub fn new(ruleset: &CompiledRuleset) -> Sandbox {
        let ext = &ruleset.extensions;
        let modules: Vec<Result<Module, String>> = ext
            .modules
            .iter()
            .map(|m| {
                let engine = engine()?;
                Module::new(engine, &m.wasm).map_err(|e| format!("module `{}` does not compile: {e:#}", m.name))
            })
            .collect();
        let functions = ext
            .functions
            .iter()
            .map(|f| {
                let ready = match modules.get(f.module as usize) {
                    Some(Ok(module)) => prepare(module, f, ruleset),
                    Some(Err(e)) => Err(e.clone()),
                    None => Err(format!("module #{} does not exist", f.module)),
                };
                (f.clone(), ready)
            })
            .collect();
        Sandbox { limits: ext.limits, functions }
    }

    /// Whether the ruleset declares any extension function.
    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }

    /// The declaration of function `index`.
    pub fn function(&self, index: u32) -> Option<&ExternFunction> {
        self.functions.get(index as usize).map(|(f, _)| f)
    }

    /// Calls function `index` with encoded arguments, in a fresh instance under the limits.
    pub fn call(&self, index: u32, args: &[Raw]) -> Result<Bound, CallError> {
        let Some((decl, ready)) = self.functions.get(index as usize) else {
            return Err(CallError {
                function: format!("#{index}"),
                failure: Failure::Unavailable("no such function".into()),
            });
        };
        let fail = |failure| CallError { function: decl.name.clone(), failure };
        let ready = ready.as_ref().map_err(|e| fail(Failure::Unavailable(e.clone())))?;
        let memory_bytes = usize::try_from(self.limits.memory_bytes).unwrap_or(usize::MAX);
        let mut store = Store::new(ready.pre.module().engine(), Limiter { memory_bytes, exceeded: false });
        store.limiter(|l| l);
        store.set_fuel(self.limits.fuel).map_err(|e| fail(Failure::Unavailable(e.to_string())))?;
        let outcome = ready.pre.instantiate(&mut store).and_then(|instance| {
            let func = instance
                .get_module_export(&mut store, &ready.export)
                .and_then(|e| e.into_func())
                .ok_or_else(|| wasmtime::format_err!("the module does not export `{}`", decl.name))?;
            let params: Vec<Val> = args.iter().map(|a| a.val()).collect();
            let mut results = [Val::I64(0)];
            func.call(&mut store, &params, &mut results)?;
            Ok(results)
        });
        match outcome {
            Ok([result]) => {
                abi::decode(&result, &decl.result, ready.enum_size).map_err(|e| fail(Failure::Malformed(e)))
            }
            Err(e) => Err(fail(self.classify(&e, store.data().exceeded))),
        }
    }

    fn classify(&self, error: &wasmtime::Error, memory_exceeded: bool) -> Failure {
        if memory_exceeded {
            return Failure::OutOfMemory { bytes: self.limits.memory_bytes };
        }
        match error.downcast_ref::<Trap>() {
            Some(Trap::OutOfFuel) => Failure::OutOfFuel { fuel: self.limits.fuel },
            Some(trap) => Failure::Trap(trap.to_string()),
            None => Failure::Trap(error.to_string()),
        }
    }
}

/// Checks that `module` exports `f` with the signature the ABI gives its Promo types, and that
/// it imports nothing; prepares its instantiation.
fn prepare(module: &Module, f: &ExternFunction, ruleset: &CompiledRuleset) -> Result<Ready, String> {
    if let Some(import) = module.imports().next() {
        return Err(format!(
            "its module imports `{}.{}`; extension modules may import nothing",
            import.module(),
            import.name()
        ));
    }
    let expected = signature(f).ok_or_else(|| format!("`{}` has a type the ABI does not pass", f.name))?;
    let Some(ExternType::Func(found)) = module.get_export(&f.name) else {
        return Err(format!("its module does not export a function `{}`", f.name));
    };
    let found_params: Vec<ValType> = found.params().collect();
    let found_results: Vec<ValType> = found.results().collect();
    let same = |a: &[ValType], b: &[ValType]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| ValType::eq(x, y));
    if !same(&found_params, &expected.0) || !same(&found_results, std::slice::from_ref(&expected.1)) {
        return Err(format!(
            "`{}` is exported as ({}) -> ({}), but its declaration needs ({}) -> {}",
            f.name,
            found_params.iter().map(type_name).collect::<Vec<_>>().join(", "),
            found_results.iter().map(type_name).collect::<Vec<_>>().join(", "),
            expected.0.iter().map(type_name).collect::<Vec<_>>().join(", "),
            type_name(&expected.1),
        ));
    }
    let pre = Linker::new(module.engine()).instantiate_pre(module).map_err(|e| format!("{e:#}"))?;
    let export = module
        .get_export_index(&f.name)
        .ok_or_else(|| format!("its module does not export a function `{}`", f.name))?;
    let enum_size = match &f.result {
        ValueType::Enum(i) => ruleset.enums.get(*i as usize).map_or(0, |e| e.values.len()),
        _ => 0,
    };
    Ok(Ready { pre, export, enum_size })
}

/// The WebAssembly signature of `f`: parameters and result.
pub fn signature(f: &ExternFunction) -> Option<(Vec<ValType>, ValType)> {
    let params: Option<Vec<ValType>> = f.params.iter().map(abi::wasm_type).collect();
    Some((params?, abi::wasm_type(&f.result)?))
}
