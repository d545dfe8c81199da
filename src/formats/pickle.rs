//! A static walker over Python pickle streams. Loading a pickle runs code
//! (`GLOBAL` imports any callable, `REDUCE` calls it), so a release that
//! ships `.bin`/`.pt`/`.pkl` weights can only be judged by reading the opcode
//! stream without executing it. This module does exactly that: it follows
//! the stack and memo effects of every opcode of protocols 0 to 5 on small
//! symbolic values, so that it can
//!
//! - list every import, including `STACK_GLOBAL` operands fetched from the
//!   memo (a trick that defeats scanners reading only the preceding opcodes),
//! - list what is actually called (`REDUCE`, `BUILD`, `INST`, `OBJ`,
//!   `NEWOBJ`, `NEWOBJ_EX`),
//! - rebuild the tensor list of a PyTorch `data.pkl` (storage key, dtype,
//!   shape) from `_rebuild_tensor_v2` calls and `BINPERSID` storage ids.
//!
//! Hostile input is the normal case here, so every declared length is
//! checked against the bytes that remain before anything is copied, copied
//! text is capped at [`MAX_TEXT`] bytes, the memo and stack are bounded by
//! [`Limits`], and values are shared by `Rc` so `DUP`/`GET` storms
//! ("billion laughs") cost one pointer per opcode, never a deep copy. Tuples
//! are depth-capped and lists only keep flat values, so no value can form a
//! cycle or a chain deep enough to overflow the stack when dropped.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::rc::Rc;

/// Longest text kept from any string operand. Module and attribute names
/// are short; keeping more of a 2 GB string would only cost memory.
pub const MAX_TEXT: usize = 256;

/// Tuples nested deeper than this become opaque: real pickles nest a
/// handful of levels, and the cap keeps drops non-recursive in practice.
const MAX_TUPLE_DEPTH: u8 = 16;

/// Tuples with more items than this become opaque: the tuples that matter
/// (persistent ids, rebuild arguments, shapes) have fewer than ten.
const MAX_TUPLE_ITEMS: usize = 1024;

/// Items kept per list; the only list read back is the legacy storage-key
/// list, one key per storage.
const MAX_LIST_ITEMS: usize = 1 << 20;
/// Distinct dict keys kept per stream: enough to tell a state dict from an
/// optimizer's state or a vocabulary, bounded whatever the stream holds.
pub const MAX_KEYS: usize = 4096;

/// Caps on one walk. Reaching one stops the walk with `truncated_walk` set:
/// the imports seen so far are still reported, and the caller knows the rest
/// of the stream was not inspected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_ops: u64,
    pub max_stack: usize,
    pub max_memo: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_ops: 5_000_000,
            max_stack: 1_000_000,
            max_memo: 1_000_000,
        }
    }
}

/// A global reference as written in the stream: `module` and `name` are the
/// two operands of `GLOBAL`/`STACK_GLOBAL`/`INST`, not normalised (a
/// protocol-2 pickle says `__builtin__`; [`verdict`] knows the aliases).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Import {
    pub module: String,
    pub name: String,
}

impl Import {
    pub fn new(module: impl Into<String>, name: impl Into<String>) -> Import {
        Import {
            module: module.into(),
            name: name.into(),
        }
    }

    /// An `EXT1/2/4` code: the callable comes from the loading process's
    /// `copyreg` extension registry, which the file does not name.
    fn extension(code: u64) -> Import {
        Import::new(EXTENSION_MODULE, code.to_string())
    }

    pub fn is_extension(&self) -> bool {
        self.module == EXTENSION_MODULE
    }
}

const EXTENSION_MODULE: &str = "copyreg extension";

impl fmt::Display for Import {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_extension() {
            write!(f, "{} {}", self.module, self.name)
        } else {
            write!(f, "{}.{}", self.module, self.name)
        }
    }
}

/// One tensor a PyTorch pickle rebuilds: which storage it views, the dtype
/// of that storage, and its shape (not the storage's size: views share).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorRef {
    pub storage_key: String,
    pub dtype: String,
    pub shape: Vec<u64>,
}

impl TensorRef {
    /// Product of the shape, saturating: a hostile shape must not panic.
    pub fn numel(&self) -> u64 {
        super::element_count(&self.shape).unwrap_or(u64::MAX)
    }
}

/// A storage named by a persistent id `('storage', class, key, location,
/// numel, ...)`. Legacy files need the dtype and numel to skip the raw
/// storage bytes that follow the pickles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageRef {
    pub key: String,
    pub dtype: String,
    pub numel: Option<u64>,
}

/// What one walk saw. Everything collected before an error or a cap is
/// kept: a payload placed before a deliberately broken tail still runs in
/// Python, so it must still be reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PickleScan {
    /// Every global the stream references, deduplicated and sorted.
    pub imports: Vec<Import>,
    /// The known globals that are applied: called by `REDUCE`, instantiated
    /// by `INST`/`OBJ`/`NEWOBJ(_EX)`, or given state by `BUILD`.
    pub calls: Vec<Import>,
    /// The globals called as functions (`REDUCE`, `INST`, `OBJ`): what
    /// [`verdict_in`] judges strictest, since any callable can be one.
    pub invoked: Vec<Import>,
    /// A `STACK_GLOBAL` whose operands are not constant strings: the import
    /// cannot be named, so it must be treated as dangerous.
    pub unresolved_stack_global: bool,
    /// Tensors rebuilt by `torch._utils._rebuild_tensor*`, in stream order.
    pub tensors: Vec<TensorRef>,
    /// Storages named by persistent ids, first occurrence of each key.
    pub storages: Vec<StorageRef>,
    /// The strings of the value returned at `STOP` when it is a list or tuple
    /// of strings (the legacy format's storage-key list), else empty.
    pub result_strings: Vec<String>,
    pub ops: u64,
    pub stopped_at_stop: bool,
    /// A cap of [`Limits`] was reached before `STOP`.
    pub truncated_walk: bool,
    /// Why the stream is malformed, with the byte offset.
    pub error: Option<String>,
    /// The first `PROTO` operand, if any.
    pub protocol: Option<u8>,
    /// Distinct string keys of the dicts the stream fills (`DICT`,
    /// `SETITEM`, `SETITEMS`), in stream order, at most [`MAX_KEYS`]: a
    /// state dict's parameter names, an optimizer's `state` and
    /// `param_groups`, a vocabulary's words.
    pub keys: Vec<String>,
    /// What the value returned at `STOP` is.
    pub result: ResultShape,
}

/// The shape of the value a pickle returns, as far as the walk can tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ResultShape {
    /// Not known (the walk stopped early, or the value was not followed).
    #[default]
    Unknown,
    /// A tensor rebuilt by `torch._utils._rebuild_tensor*`.
    Tensor,
    Dict,
    List,
    Tuple,
    /// A string, number, boolean, `None` or bytes.
    Scalar,
    /// An object made from a global: an instance of a class (`NEWOBJ`,
    /// `BUILD`), or whatever a called function returned (`called`).
    Object {
        class: Import,
        called: bool,
    },
}

impl PickleScan {
    /// The worst verdict over the imports; an unresolvable `STACK_GLOBAL`
    /// counts as unsafe because it can name anything.
    pub fn verdict(&self) -> Verdict {
        let worst = self
            .imports
            .iter()
            .map(|i| verdict_in(i, self.invoked.binary_search(i).is_ok()))
            .max()
            .unwrap_or(Verdict::Safe);
        if self.unresolved_stack_global {
            Verdict::Unsafe
        } else {
            worst
        }
    }
}

/// How loading a global is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// In PyTorch's `weights_only` allow-list (or the numpy array
    /// reconstruction every scanner accepts).
    Safe,
    /// Not known to be dangerous, but not known to be harmless either: the
    /// loader imports and may call arbitrary library code.
    Suspicious,
    /// A known path to code execution, file or network access.
    Unsafe,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Safe => "safe",
            Verdict::Suspicious => "suspicious",
            Verdict::Unsafe => "unsafe",
        }
    }
}

// ---------------------------------------------------------------------------
// Classification

/// Module spellings that resolve to the same module when unpickling: Python 2
/// names (mapped by `fix_imports` for protocols < 3) and C accelerators.
fn canonical_module(module: &str) -> &str {
    match module {
        "__builtin__" | "__builtins__" | "exceptions" => "builtins",
        "copy_reg" => "copyreg",
        "_operator" => "operator",
        "_functools" => "functools",
        "cPickle" | "_pickle" => "pickle",
        "_io" => "io",
        "_codecs" => "_codecs",
        other => other,
    }
}

/// Full dotted paths (or path prefixes, matched at a dot) that are allowed by
/// `torch.load(weights_only=True)` (torch/_weights_only_unpickler.py,
/// `_get_allowed_globals`) plus numpy's array reconstruction, which
/// picklescan treats as safe and torch users allow with `add_safe_globals`.
const SAFE_PATHS: &[&str] = &[
    "collections.OrderedDict",
    "collections.Counter",
    "torch._utils._rebuild_tensor",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor_v3",
    "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
    "torch._utils._rebuild_qtensor",
    "torch._utils._rebuild_sparse_tensor",
    "torch._utils._rebuild_meta_tensor_no_storage",
    "torch._utils._rebuild_wrapper_subclass",
    "torch._utils._rebuild_device_tensor_from_numpy",
    "torch._utils._rebuild_device_tensor_from_cpu_tensor",
    "torch._tensor._rebuild_from_type_v2",
    "torch.nn.parameter.Parameter",
    "torch.Size",
    "torch.Tensor",
    "torch.device",
    "torch.serialization._get_layout",
    "torch.storage.UntypedStorage",
    "torch.storage.TypedStorage",
    "torch.per_tensor_affine",
    "torch.per_tensor_symmetric",
    "torch.per_channel_affine",
    "torch.per_channel_symmetric",
    "torch.per_channel_affine_float_qparams",
    "_codecs.encode",
    "builtins.set",
    "builtins.frozenset",
    "builtins.bytearray",
    "builtins.complex",
    "builtins.slice",
    "builtins.range",
    "numpy.core.multiarray._reconstruct",
    "numpy._core.multiarray._reconstruct",
    "numpy.ndarray",
    "numpy.dtype",
];

/// What TorchScript's own pickler (torch/csrc/jit/serialization/
/// pickler.cpp) writes into `data.pkl` and `constants.pkl` to type its
/// lists and tag values: functions of torch/jit/_pickle.py that return
/// their argument (a list, an id, the value whose type tag they drop) and
/// run nothing else. torch.jit.load reads these pickles with its own C++
/// unpickler, which maps each name to a builtin; Python's pickle, the
/// only way they could call anything else, imports exactly these.
const TORCHSCRIPT_HELPERS: &[&str] = &[
    "torch.jit._pickle.build_intlist",
    "torch.jit._pickle.build_tensorlist",
    "torch.jit._pickle.build_doublelist",
    "torch.jit._pickle.build_boollist",
    "torch.jit._pickle.build_tensor_from_id",
    "torch.jit._pickle.restore_type_tag",
];

/// torch dtype attribute names (`str(torch.float16)` is `torch.float16`);
/// the aliases (`torch.half`) resolve to the same objects.
const TORCH_DTYPES: &[&str] = &[
    "float32",
    "float",
    "float64",
    "double",
    "float16",
    "half",
    "bfloat16",
    "int64",
    "long",
    "int32",
    "int",
    "int16",
    "short",
    "int8",
    "uint8",
    "bool",
    "complex32",
    "chalf",
    "complex64",
    "cfloat",
    "complex128",
    "cdouble",
    "qint8",
    "quint8",
    "qint32",
    "quint4x2",
    "quint2x4",
    "float8_e4m3fn",
    "float8_e5m2",
    "float8_e4m3fnuz",
    "float8_e5m2fnuz",
    "float8_e8m0fnu",
    "float4_e2m1fn_x2",
    "uint16",
    "uint32",
    "uint64",
    "uint1",
    "uint2",
    "uint3",
    "uint4",
    "uint5",
    "uint6",
    "uint7",
    "int1",
    "int2",
    "int3",
    "int4",
    "int5",
    "int6",
    "int7",
    "bits1x8",
    "bits2x4",
    "bits4x2",
    "bits8",
    "bits16",
];

/// Known routes to code execution, file access or network access. An entry
/// matches the path itself and everything under it (`os` covers
/// `os.system` and `os.path.join`). Sources: picklescan's `_unsafe_globals`,
/// modelscan's deny-list, fickling's `UNSAFE_IMPORTS`, and reported
/// bypasses (nested loaders, `pkgutil.resolve_name`, `collect_env.run`).
const UNSAFE_PATHS: &[&str] = &[
    "builtins.eval",
    "builtins.exec",
    "builtins.execfile",
    "builtins.compile",
    "builtins.open",
    "builtins.file",
    "builtins.getattr",
    "builtins.setattr",
    "builtins.delattr",
    "builtins.__import__",
    "builtins.globals",
    "builtins.locals",
    "builtins.vars",
    "builtins.input",
    "builtins.breakpoint",
    "builtins.apply",
    "builtins.reload",
    "builtins.__loader__",
    "os",
    "posix",
    "nt",
    "_posixsubprocess",
    "subprocess",
    "sys",
    "socket",
    "_socket",
    "ssl",
    "shutil",
    "runpy",
    "pty",
    "pickle",
    "marshal",
    "types.CodeType",
    "types.FunctionType",
    "types.MethodType",
    "importlib",
    "pkgutil",
    "ctypes",
    "_ctypes",
    "asyncio",
    "webbrowser",
    "pdb",
    "bdb",
    "code",
    "codeop",
    "commands",
    "cProfile",
    "profile",
    "pydoc",
    "pip",
    "ensurepip",
    "venv",
    "trace",
    "test",
    "uuid",
    "idlelib",
    "lib2to3",
    "distutils",
    "doctest.debug_script",
    "imaplib.IMAP4_stream",
    "_osx_support",
    "_aix_support",
    "_pyrepl",
    "operator.attrgetter",
    "operator.itemgetter",
    "operator.methodcaller",
    "functools.partial",
    "functools.reduce",
    "io.open",
    "io.open_code",
    "io.FileIO",
    "logging.FileHandler",
    "requests",
    "urllib",
    "http",
    "httplib",
    "aiohttp",
    "ftplib",
    "smtplib",
    "telnetlib",
    "multiprocessing",
    "concurrent",
    "threading",
    "_thread",
    "timeit",
    "platform.popen",
    "signal",
    "mailcap.findmatch",
    "cloudpickle",
    "dill._dill._create_code",
    "dill._dill._create_function",
    "dill.loads",
    "dill.load",
    "joblib.load",
    "pandas.read_pickle",
    "numpy.load",
    "numpy.lib.npyio",
    "numpy.lib._npyio_impl",
    "zipimport",
    "imp",
    "shelve",
    "socketserver",
    "xmlrpc",
    "cgitb",
    "pkg_resources",
    "setuptools",
    "_pytest",
    "IPython",
    "yaml.load",
    "yaml.unsafe_load",
    "pandas.read_csv",
    "pandas.io",
    "numpy.testing._private.utils",
    "numpy.f2py",
    "numpy.ctypeslib",
    "torch.load",
    "torch.storage._load_from_bytes",
    "torch.utils.cpp_extension",
    "torch.package",
    "torch.multiprocessing",
    "torch.distributed.rpc",
    "torch.serialization.load",
    "torch.jit.load",
    "torch.hub",
    "torch.utils.collect_env",
    "torch.utils._config_module",
    "torch.utils.bottleneck",
    "torch.utils.data.datapipes.utils.decoder",
    "torch._inductor.codecache",
    "torch._dynamo.guards",
    "torch.fx.experimental.symbolic_shapes.ShapeEnv.evaluate_guards_expression",
    "torch.jit.unsupported_tensor_ops",
];

/// `path` equals `rule` or lies under it (`rule` followed by a dot).
fn under(path: &str, rule: &str) -> bool {
    path.strip_prefix(rule)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// Final attribute names that run commands, code or nested loaders
/// whichever module re-exports them: `posixpath.os.system`,
/// `some.module.popen`, `torch.storage._load_from_bytes` (a nested
/// `torch.load`). Matched on the last step of the dotted path.
const DANGEROUS_NAMES: &[&str] = &[
    "system",
    "popen",
    "popen2",
    "popen3",
    "popen4",
    "spawnl",
    "spawnle",
    "spawnlp",
    "spawnlpe",
    "spawnv",
    "spawnve",
    "spawnvp",
    "spawnvpe",
    "posix_spawn",
    "posix_spawnp",
    "execl",
    "execle",
    "execlp",
    "execlpe",
    "execv",
    "execve",
    "execvp",
    "execvpe",
    "check_output",
    "check_call",
    "getoutput",
    "getstatusoutput",
    "eval",
    "exec",
    "execfile",
    "__import__",
    "import_module",
    "load_source",
    "load_module",
    "run_path",
    "run_module",
    "_run_code",
    "_run_module_code",
    "loads",
    "_load_from_bytes",
    "load_inline",
    "load_library",
    "runcode",
    "runsource",
    "runctx",
    "runcall",
    "_get_command_stdout",
    "_read_output",
    "_read_cmd_output",
    "pipepager",
    "tempfilepager",
    "resolve_name",
];

/// Libraries whose own reducers call private helpers (`numpy.core.
/// multiarray._reconstruct`, `pandas._libs.internals._unpickle_block`,
/// `numpy.random._pickle.__randomstate_ctor`): a called function of theirs
/// whose name starts with `_` is what their standard pickles hold.
const BENIGN_HELPER_MODULES: &[&str] = &[
    "numpy",
    "pandas",
    "sklearn",
    "scipy",
    "lightning",
    "lightning_fabric",
    "pytorch_lightning",
    "torch",
    "joblib",
];

/// Lower-case callables (functions and the builtin types spelled in lower
/// case) that standard torch, NumPy, sklearn and Lightning pickles call and
/// that run nothing but their own constructors.
const BENIGN_INVOKED: &[&str] = &[
    "copyreg._reconstructor",
    "copyreg.__newobj__",
    "copyreg.__newobj_ex__",
    "collections.defaultdict",
    "collections.deque",
    "builtins.object",
    "builtins.int",
    "builtins.float",
    "builtins.str",
    "builtins.bytes",
    "builtins.bool",
    "builtins.list",
    "builtins.dict",
    "builtins.tuple",
    "datetime.datetime",
    "datetime.date",
    "datetime.time",
    "datetime.timedelta",
    "datetime.timezone",
    "numpy.core.multiarray.scalar",
    "numpy._core.multiarray.scalar",
    "re._compile",
    "array._array_reconstructor",
];

/// Every tail of a dotted `name` that is itself a module path and attribute
/// (`posixpath` + `os.system` has the tail `os.system`): protocol 4 walks
/// the name attribute by attribute, so the module in front proves nothing.
fn reexported_tails(name: &str) -> impl Iterator<Item = &str> {
    std::iter::once(name)
        .chain(
            name.match_indices('.')
                .filter_map(move |(i, _)| name.get(i + 1..)),
        )
        .filter(|tail| tail.contains('.'))
}

/// Classifies one import. The order matters: unsafe rules are checked first
/// so that no safe prefix can shadow them.
pub fn verdict(import: &Import) -> Verdict {
    if import.is_extension() {
        // EXT1/EXT2/EXT4 name a callable by a number the loading process
        // registered with copyreg: the file cannot prove it harmless.
        return Verdict::Unsafe;
    }
    let module = canonical_module(&import.module);
    let path = format!("{module}.{}", import.name);
    // Protocol 4+ resolves dotted names attribute by attribute, so
    // `numpy.__builtins__.eval` or `x.__class__.__init__.__globals__` reach
    // anything: any dunder step other than the leading module's is unsafe.
    let dunder_step = import.name.contains('.')
        && import
            .name
            .split('.')
            .any(|part| part.len() > 4 && part.starts_with("__") && part.ends_with("__"));
    if dunder_step || path.contains("__builtins__") {
        return Verdict::Unsafe;
    }
    if UNSAFE_PATHS.iter().any(|rule| under(&path, rule)) {
        return Verdict::Unsafe;
    }
    // `posixpath` + `os.system`, `torch.serialization` + `os.system`: the
    // dangerous module reached through an innocent one's attributes.
    if reexported_tails(&import.name).any(|tail| UNSAFE_PATHS.iter().any(|rule| under(tail, rule)))
    {
        return Verdict::Unsafe;
    }
    if SAFE_PATHS.contains(&path.as_str()) || TORCHSCRIPT_HELPERS.contains(&path.as_str()) {
        return Verdict::Safe;
    }
    let last = path.rsplit('.').next().unwrap_or_default();
    if DANGEROUS_NAMES.contains(&last) {
        return Verdict::Unsafe;
    }
    if module == "torch" || module == "torch.cuda" {
        let name = import.name.as_str();
        let plain = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric());
        if (plain && name.ends_with("Storage"))
            || (module == "torch" && TORCH_DTYPES.contains(&name))
        {
            return Verdict::Safe;
        }
        if plain && name.ends_with("Tensor") {
            return Verdict::Safe;
        }
    }
    Verdict::Suspicious
}

/// [`verdict`], knowing whether the stream calls the global as a function
/// (`REDUCE`, `INST`, `OBJ`). A called global that is not proven safe is
/// unsafe, unless it is a class (its constructor runs: suspicious, as
/// before) or one of the helpers standard torch, NumPy, sklearn and
/// Lightning pickles call ([`BENIGN_INVOKED`], private helpers of
/// [`BENIGN_HELPER_MODULES`]).
pub fn verdict_in(import: &Import, invoked: bool) -> Verdict {
    let base = verdict(import);
    if base != Verdict::Suspicious || !invoked {
        return base;
    }
    let module = canonical_module(&import.module);
    let path = format!("{module}.{}", import.name);
    let last = path.rsplit('.').next().unwrap_or_default();
    let class_like = last
        .trim_start_matches('_')
        .starts_with(|c: char| c.is_ascii_uppercase());
    let benign_helper =
        last.starts_with('_') && BENIGN_HELPER_MODULES.iter().any(|m| under(&path, m));
    if class_like || benign_helper || BENIGN_INVOKED.contains(&path.as_str()) {
        Verdict::Suspicious
    } else {
        Verdict::Unsafe
    }
}

/// The dtype a storage class or a dtype global stands for, spelled as
/// safetensors spells it; unknown names are returned as written.
pub fn storage_dtype(import: &Import) -> String {
    let name = import.name.as_str();
    let mapped = match name {
        "FloatStorage" | "float32" | "float" => "F32",
        "HalfStorage" | "float16" | "half" => "F16",
        "BFloat16Storage" | "bfloat16" => "BF16",
        "DoubleStorage" | "float64" | "double" => "F64",
        "LongStorage" | "int64" | "long" => "I64",
        "IntStorage" | "int32" | "int" => "I32",
        "ShortStorage" | "int16" | "short" => "I16",
        "CharStorage" | "int8" => "I8",
        "ByteStorage" | "uint8" | "UntypedStorage" => "U8",
        "BoolStorage" | "bool" => "BOOL",
        "ComplexFloatStorage" | "complex64" | "cfloat" => "C64",
        "ComplexDoubleStorage" | "complex128" | "cdouble" => "C128",
        "uint16" => "U16",
        "uint32" => "U32",
        "uint64" => "U64",
        "float8_e4m3fn" => "F8_E4M3",
        "float8_e5m2" => "F8_E5M2",
        "float8_e4m3fnuz" => "F8_E4M3FNUZ",
        "float8_e5m2fnuz" => "F8_E5M2FNUZ",
        "float8_e8m0fnu" => "F8_E8M0",
        "QInt8Storage" | "qint8" => "QI8",
        "QUInt8Storage" | "quint8" => "QU8",
        "QInt32Storage" | "qint32" => "QI32",
        _ => return import.to_string(),
    };
    mapped.to_owned()
}

/// Bytes per element of a dtype returned by [`storage_dtype`], when known.
pub fn dtype_size(dtype: &str) -> Option<u64> {
    Some(match dtype {
        "BOOL" | "U8" | "I8" | "QI8" | "QU8" | "F8_E4M3" | "F8_E5M2" | "F8_E4M3FNUZ"
        | "F8_E5M2FNUZ" | "F8_E8M0" => 1,
        "F16" | "BF16" | "I16" | "U16" => 2,
        "F32" | "I32" | "U32" | "QI32" => 4,
        "F64" | "I64" | "U64" | "C64" => 8,
        "C128" => 16,
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Symbolic values

type Val = Rc<Value>;

#[derive(Debug)]
enum Value {
    /// Text from a string opcode; `complete` is false when cut at MAX_TEXT.
    Str {
        text: String,
        complete: bool,
    },
    Int(i64),
    /// An integer beyond 64 bits, a float, bytes: nothing we need to read.
    Opaque,
    Bool(bool),
    None,
    Tuple {
        items: Vec<Val>,
        depth: u8,
    },
    /// Only flat values are kept, so a list can never reach itself.
    List(RefCell<Vec<Val>>),
    Dict,
    Set,
    Global(Import),
    /// A global we could not name (unresolved `STACK_GLOBAL`).
    UnknownGlobal,
    Storage(StorageRef),
    Tensor,
    /// The result of calling or instantiating a global.
    Object(Import),
    Unknown,
}

impl Value {
    fn depth(&self) -> u8 {
        match self {
            Value::Tuple { depth, .. } => *depth,
            _ => 0,
        }
    }

    fn is_flat(&self) -> bool {
        !matches!(self, Value::Tuple { .. } | Value::List(_))
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str {
                text,
                complete: true,
            } => Some(text),
            _ => None,
        }
    }

    fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    fn tuple_items(&self) -> Option<&[Val]> {
        match self {
            Value::Tuple { items, .. } => Some(items),
            _ => None,
        }
    }
}

/// The first [`MAX_TEXT`] bytes of a string operand.
fn capped(bytes: &[u8]) -> &[u8] {
    bytes.get(..MAX_TEXT).unwrap_or(bytes)
}

fn text_value(bytes: &[u8]) -> Value {
    Value::Str {
        text: String::from_utf8_lossy(capped(bytes)).into_owned(),
        complete: bytes.len() <= MAX_TEXT,
    }
}

fn tuple_value(items: Vec<Val>) -> Value {
    if items.len() > MAX_TUPLE_ITEMS {
        return Value::Unknown;
    }
    let depth = items.iter().map(|v| v.depth()).max().unwrap_or(0);
    if depth >= MAX_TUPLE_DEPTH {
        return Value::Unknown;
    }
    Value::Tuple {
        items,
        depth: depth + 1,
    }
}

/// What a list keeps of an appended value.
fn list_item(v: Val) -> Val {
    if v.is_flat() {
        v
    } else {
        Rc::new(Value::Unknown)
    }
}

// ---------------------------------------------------------------------------
// The walker

/// Every opcode of pickle protocols 0 to 5, named as `pickle.py` and
/// pickletools name them, grouped by the protocol that introduced them.
mod opcode {
    // Protocol 0 (text) and 1 (binary).
    pub const MARK: u8 = b'(';
    pub const STOP: u8 = b'.';
    pub const POP: u8 = b'0';
    pub const POP_MARK: u8 = b'1';
    pub const DUP: u8 = b'2';
    pub const FLOAT: u8 = b'F';
    pub const INT: u8 = b'I';
    pub const BININT: u8 = b'J';
    pub const BININT1: u8 = b'K';
    pub const LONG: u8 = b'L';
    pub const BININT2: u8 = b'M';
    pub const NONE: u8 = b'N';
    pub const PERSID: u8 = b'P';
    pub const BINPERSID: u8 = b'Q';
    pub const REDUCE: u8 = b'R';
    pub const STRING: u8 = b'S';
    pub const BINSTRING: u8 = b'T';
    pub const SHORT_BINSTRING: u8 = b'U';
    pub const UNICODE: u8 = b'V';
    pub const BINUNICODE: u8 = b'X';
    pub const APPEND: u8 = b'a';
    pub const BUILD: u8 = b'b';
    pub const GLOBAL: u8 = b'c';
    pub const DICT: u8 = b'd';
    pub const EMPTY_DICT: u8 = b'}';
    pub const APPENDS: u8 = b'e';
    pub const GET: u8 = b'g';
    pub const BINGET: u8 = b'h';
    pub const INST: u8 = b'i';
    pub const LONG_BINGET: u8 = b'j';
    pub const LIST: u8 = b'l';
    pub const EMPTY_LIST: u8 = b']';
    pub const OBJ: u8 = b'o';
    pub const PUT: u8 = b'p';
    pub const BINPUT: u8 = b'q';
    pub const LONG_BINPUT: u8 = b'r';
    pub const SETITEM: u8 = b's';
    pub const TUPLE: u8 = b't';
    pub const EMPTY_TUPLE: u8 = b')';
    pub const SETITEMS: u8 = b'u';
    pub const BINFLOAT: u8 = b'G';

    // Protocol 2.
    pub const PROTO: u8 = 0x80;
    pub const NEWOBJ: u8 = 0x81;
    pub const EXT1: u8 = 0x82;
    pub const EXT2: u8 = 0x83;
    pub const EXT4: u8 = 0x84;
    pub const TUPLE1: u8 = 0x85;
    pub const TUPLE2: u8 = 0x86;
    pub const TUPLE3: u8 = 0x87;
    pub const NEWTRUE: u8 = 0x88;
    pub const NEWFALSE: u8 = 0x89;
    pub const LONG1: u8 = 0x8a;
    pub const LONG4: u8 = 0x8b;

    // Protocol 3.
    pub const BINBYTES: u8 = b'B';
    pub const SHORT_BINBYTES: u8 = b'C';

    // Protocol 4.
    pub const SHORT_BINUNICODE: u8 = 0x8c;
    pub const BINUNICODE8: u8 = 0x8d;
    pub const BINBYTES8: u8 = 0x8e;
    pub const EMPTY_SET: u8 = 0x8f;
    pub const ADDITEMS: u8 = 0x90;
    pub const FROZENSET: u8 = 0x91;
    pub const NEWOBJ_EX: u8 = 0x92;
    pub const STACK_GLOBAL: u8 = 0x93;
    pub const MEMOIZE: u8 = 0x94;
    pub const FRAME: u8 = 0x95;

    // Protocol 5.
    pub const BYTEARRAY8: u8 = 0x96;
    pub const NEXT_BUFFER: u8 = 0x97;
    pub const READONLY_BUFFER: u8 = 0x98;
}

/// Why the walk ended early, other than `STOP`.
enum Halt {
    /// Malformed stream: the message (its offset is added by the caller).
    Malformed(String),
    /// A cap of `Limits` was reached.
    Cap,
}

type Step = Result<(), Halt>;

fn bad(msg: impl Into<String>) -> Halt {
    Halt::Malformed(msg.into())
}

fn unknown_opcode(op: u8) -> Halt {
    bad(format!("unknown opcode 0x{op:02x}"))
}

struct Walker<'a, 'l> {
    bytes: &'a [u8],
    pos: usize,
    limits: &'l Limits,
    stack: Vec<Val>,
    /// Stack lengths at each open MARK (pickle.py's metastack).
    marks: Vec<usize>,
    memo: HashMap<u64, Val>,
    proto: u8,
    imports: BTreeSet<Import>,
    calls: BTreeSet<Import>,
    invoked: BTreeSet<Import>,
    unresolved_stack_global: bool,
    tensors: Vec<TensorRef>,
    storages: BTreeMap<String, StorageRef>,
    storage_order: Vec<String>,
    protocol: Option<u8>,
    result: Option<Val>,
    keys: Vec<String>,
    key_seen: std::collections::HashSet<String>,
    leaves: Leaves,
}

/// One shared value for each leaf that carries no data of its own: a
/// pickle of a hundred thousand floats (a speaker-embedding table) pushed
/// a hundred thousand allocations of `Opaque`, eight megabytes, where one
/// reference each does. Nothing compares values by address, and these are
/// never mutated.
struct Leaves {
    opaque: Val,
    none: Val,
    unknown: Val,
    truth: Val,
    falsehood: Val,
}

impl Leaves {
    fn new() -> Leaves {
        Leaves {
            opaque: Rc::new(Value::Opaque),
            none: Rc::new(Value::None),
            unknown: Rc::new(Value::Unknown),
            truth: Rc::new(Value::Bool(true)),
            falsehood: Rc::new(Value::Bool(false)),
        }
    }

    /// The shared value for `v`, or `v` in a new allocation.
    fn of(&self, v: Value) -> Val {
        match v {
            Value::Opaque => self.opaque.clone(),
            Value::None => self.none.clone(),
            Value::Unknown => self.unknown.clone(),
            Value::Bool(true) => self.truth.clone(),
            Value::Bool(false) => self.falsehood.clone(),
            other => Rc::new(other),
        }
    }
}

/// Walks one pickle starting at `bytes[0]`; returns the scan and the number
/// of bytes consumed: just past `STOP`, or up to where the walk halted (to
/// find the next pickle in legacy torch files).
pub fn scan(bytes: &[u8], limits: &Limits) -> (PickleScan, usize) {
    let mut w = Walker {
        bytes,
        pos: 0,
        limits,
        stack: Vec::new(),
        marks: Vec::new(),
        memo: HashMap::new(),
        proto: 0,
        imports: BTreeSet::new(),
        calls: BTreeSet::new(),
        invoked: BTreeSet::new(),
        unresolved_stack_global: false,
        tensors: Vec::new(),
        storages: BTreeMap::new(),
        storage_order: Vec::new(),
        protocol: None,
        result: None,
        keys: Vec::new(),
        key_seen: std::collections::HashSet::new(),
        leaves: Leaves::new(),
    };
    let mut out = PickleScan::default();
    loop {
        if out.ops >= limits.max_ops {
            out.truncated_walk = true;
            break;
        }
        let start = w.pos;
        let Some(&op) = bytes.get(w.pos) else {
            out.error = Some(if start == 0 {
                "empty pickle stream".to_owned()
            } else {
                format!("pickle ends at byte {start} without a STOP opcode")
            });
            break;
        };
        w.pos += 1;
        out.ops += 1;
        if op == opcode::STOP {
            match w.pop() {
                Ok(v) => w.result = Some(v),
                Err(_) => {
                    out.error = Some(format!("the stack is empty at STOP (byte {start})"));
                    break;
                }
            }
            out.stopped_at_stop = true;
            break;
        }
        match w.step(op) {
            Ok(()) => {}
            Err(Halt::Cap) => {
                out.truncated_walk = true;
                w.pos = start;
                break;
            }
            Err(Halt::Malformed(msg)) => {
                out.error = Some(format!("{msg} (opcode 0x{op:02x} at byte {start})"));
                w.pos = start;
                break;
            }
        }
    }
    let consumed = w.pos;
    out.result_strings = w.result_strings();
    out.result = w.result_shape();
    out.keys = std::mem::take(&mut w.keys);
    out.imports = std::mem::take(&mut w.imports).into_iter().collect();
    out.calls = std::mem::take(&mut w.calls).into_iter().collect();
    out.invoked = std::mem::take(&mut w.invoked).into_iter().collect();
    out.unresolved_stack_global = w.unresolved_stack_global;
    out.tensors = std::mem::take(&mut w.tensors);
    let mut storages = std::mem::take(&mut w.storages);
    out.storages = w
        .storage_order
        .iter()
        .filter_map(|k| storages.remove(k))
        .collect();
    out.protocol = w.protocol;
    (out, consumed)
}

impl<'a> Walker<'a, '_> {
    // -- reading operands; every length is checked before slicing --

    fn take(&mut self, n: usize) -> Result<&'a [u8], Halt> {
        let bytes: &'a [u8] = self.bytes;
        let Some(out) = self
            .pos
            .checked_add(n)
            .and_then(|end| bytes.get(self.pos..end))
        else {
            let remaining = self.bytes.len().saturating_sub(self.pos);
            return Err(bad(format!(
                "operand of {n} bytes but only {remaining} remain"
            )));
        };
        self.pos += n;
        Ok(out)
    }

    fn take_array<const N: usize>(&mut self) -> Result<[u8; N], Halt> {
        let s = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(s);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, Halt> {
        Ok(self.take_array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, Halt> {
        Ok(u16::from_le_bytes(self.take_array()?))
    }

    fn u32(&mut self) -> Result<u32, Halt> {
        Ok(u32::from_le_bytes(self.take_array()?))
    }

    fn i32(&mut self) -> Result<i32, Halt> {
        Ok(i32::from_le_bytes(self.take_array()?))
    }

    fn u64(&mut self) -> Result<u64, Halt> {
        Ok(u64::from_le_bytes(self.take_array()?))
    }

    /// A length operand, checked against the remaining bytes before use.
    fn len_operand(&mut self, n: u64) -> Result<&'a [u8], Halt> {
        let remaining = (self.bytes.len() - self.pos) as u64;
        if n > remaining {
            return Err(bad(format!(
                "declared length {n} exceeds the {remaining} remaining bytes"
            )));
        }
        // n <= remaining <= usize::MAX, so the conversion is lossless.
        self.take(n as usize)
    }

    /// A protocol-0 text operand: the bytes up to the next newline, which is
    /// consumed. The search is bounded by the input, once per opcode.
    fn line(&mut self) -> Result<&'a [u8], Halt> {
        let bytes: &'a [u8] = self.bytes;
        let rest = bytes.get(self.pos..).unwrap_or_default();
        let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
            return Err(bad("text operand has no terminating newline"));
        };
        self.pos += nl + 1;
        Ok(rest.get(..nl).unwrap_or_default())
    }

    fn decimal_line(&mut self) -> Result<u64, Halt> {
        let line = self.line()?;
        std::str::from_utf8(line)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .ok_or_else(|| bad("memo index is not a decimal number"))
    }

    // -- stack, bounded --

    fn floor(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn push(&mut self, v: Value) -> Step {
        let v = self.leaves.of(v);
        self.push_rc(v)
    }

    fn push_rc(&mut self, v: Val) -> Step {
        if self.stack.len() >= self.limits.max_stack {
            return Err(Halt::Cap);
        }
        self.stack.push(v);
        Ok(())
    }

    /// Pops above the innermost mark only, as pickle.py's per-mark stacks do.
    fn pop(&mut self) -> Result<Val, Halt> {
        if self.stack.len() <= self.floor() {
            return Err(bad("stack underflow"));
        }
        self.stack.pop().ok_or_else(|| bad("stack underflow"))
    }

    fn top(&self) -> Result<&Val, Halt> {
        if self.stack.len() <= self.floor() {
            return Err(bad("stack underflow"));
        }
        self.stack.last().ok_or_else(|| bad("stack underflow"))
    }

    fn pop_mark(&mut self) -> Result<Vec<Val>, Halt> {
        let Some(base) = self.marks.pop() else {
            return Err(bad("no MARK to pop to"));
        };
        Ok(self.stack.split_off(base.min(self.stack.len())))
    }

    fn memo_put(&mut self, key: u64) -> Step {
        let v = self.top()?.clone();
        if !self.memo.contains_key(&key) && self.memo.len() >= self.limits.max_memo {
            return Err(Halt::Cap);
        }
        self.memo.insert(key, v);
        Ok(())
    }

    fn memo_get(&mut self, key: u64) -> Step {
        let v = self
            .memo
            .get(&key)
            .cloned()
            .ok_or_else(|| bad(format!("memo key {key} was never stored")))?;
        self.push_rc(v)
    }

    // -- effects --

    fn import(&mut self, module: &[u8], name: &[u8]) -> Import {
        let cut = |b: &[u8]| String::from_utf8_lossy(capped(b)).into_owned();
        let imp = Import::new(cut(module), cut(name));
        self.imports.insert(imp.clone());
        imp
    }

    /// The result of applying `callable` to `args`: records the call, and
    /// turns torch rebuild calls into tensors.
    fn apply(&mut self, callable: &Val, args: Option<&Val>, invoke: bool) -> Value {
        match &**callable {
            Value::Global(imp) => {
                self.calls.insert(imp.clone());
                if invoke {
                    self.invoked.insert(imp.clone());
                }
                if let Some(args) = args
                    && let Some(t) = self.rebuild(imp, args)
                {
                    self.tensors.push(t);
                    return Value::Tensor;
                }
                Value::Object(imp.clone())
            }
            _ => Value::Unknown,
        }
    }

    /// `torch._utils._rebuild_tensor{,_v2,_v3}(storage, offset, size,
    /// stride, ...)`, also when wrapped by `_rebuild_from_type_v2(func, type,
    /// args, state)` as tensor subclasses are.
    fn rebuild(&self, func: &Import, args: &Val) -> Option<TensorRef> {
        let items = args.tuple_items()?;
        if func.module == "torch._tensor" && func.name == "_rebuild_from_type_v2" {
            let Value::Global(inner) = &**items.first()? else {
                return None;
            };
            if inner.module == "torch._tensor" {
                return None; // no second level of wrapping
            }
            return self.rebuild(inner, items.get(2)?);
        }
        if func.module != "torch._utils"
            || !matches!(
                func.name.as_str(),
                "_rebuild_tensor" | "_rebuild_tensor_v2" | "_rebuild_tensor_v3"
            )
        {
            return None;
        }
        let Value::Storage(storage) = &**items.first()? else {
            return None;
        };
        let shape = items
            .get(2)?
            .tuple_items()?
            .iter()
            .map(|d| d.as_int().and_then(|i| u64::try_from(i).ok()))
            .collect::<Option<Vec<u64>>>()?;
        let mut dtype = storage.dtype.clone();
        if func.name == "_rebuild_tensor_v3"
            && let Some(Value::Global(d)) = items.get(6).map(|v| &**v)
        {
            dtype = storage_dtype(d);
        }
        Some(TensorRef {
            storage_key: storage.key.clone(),
            dtype,
            shape,
        })
    }

    /// `('storage', class, key, location, numel, ...)` is how torch names a
    /// storage; anything else is an opaque object of the loader's choosing.
    fn persistent_load(&mut self, pid: &Val) -> Value {
        let Some(items) = pid.tuple_items() else {
            return Value::Unknown;
        };
        if items.first().and_then(|v| v.as_str()) != Some("storage") {
            return Value::Unknown;
        }
        let dtype = match items.get(1).map(|v| &**v) {
            Some(Value::Global(imp)) => storage_dtype(imp),
            _ => "unknown".to_owned(),
        };
        let key = match items.get(2).map(|v| &**v) {
            Some(Value::Str { text, .. }) => text.clone(),
            Some(Value::Int(i)) => i.to_string(),
            _ => return Value::Unknown,
        };
        let numel = items
            .get(4)
            .and_then(|v| v.as_int())
            .and_then(|i| u64::try_from(i).ok());
        let storage = StorageRef { key, dtype, numel };
        if !self.storages.contains_key(&storage.key) {
            self.storage_order.push(storage.key.clone());
            self.storages.insert(storage.key.clone(), storage.clone());
        }
        Value::Storage(storage)
    }

    fn result_shape(&self) -> ResultShape {
        let Some(v) = &self.result else {
            return ResultShape::Unknown;
        };
        match &**v {
            Value::Tensor => ResultShape::Tensor,
            Value::Dict => ResultShape::Dict,
            Value::List(_) => ResultShape::List,
            Value::Tuple { .. } => ResultShape::Tuple,
            Value::Str { .. } | Value::Int(_) | Value::Opaque | Value::Bool(_) | Value::None => {
                ResultShape::Scalar
            }
            Value::Object(imp) => ResultShape::Object {
                class: imp.clone(),
                called: self.invoked.contains(imp),
            },
            _ => ResultShape::Unknown,
        }
    }

    /// Keeps a dict key that is text, once, while there is room.
    fn note_key(&mut self, key: &Val) {
        if self.keys.len() >= MAX_KEYS {
            return;
        }
        if let Value::Str { text, .. } = &**key
            && self.key_seen.insert(text.clone())
        {
            self.keys.push(text.clone());
        }
    }

    fn result_strings(&self) -> Vec<String> {
        let Some(v) = &self.result else {
            return Vec::new();
        };
        let strings = |items: &[Val]| -> Vec<String> {
            items
                .iter()
                .map_while(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        match &**v {
            Value::Tuple { items, .. } => strings(items),
            Value::List(items) => strings(&items.borrow()),
            _ => Vec::new(),
        }
    }

    /// Executes one opcode's effect on the symbolic stack and memo. The
    /// families follow pickletools' grouping of the protocol; each one is a
    /// method below.
    fn step(&mut self, op: u8) -> Step {
        use opcode::*;
        match op {
            PROTO | FRAME => self.framing(op),
            MARK | POP | POP_MARK | DUP => self.stack_op(op),
            NONE | NEWTRUE | NEWFALSE | INT | LONG | BININT | BININT1 | BININT2 | LONG1 | LONG4
            | FLOAT | BINFLOAT => self.number(op),
            STRING | BINSTRING | SHORT_BINSTRING | UNICODE | BINUNICODE | SHORT_BINUNICODE
            | BINUNICODE8 => self.text(op),
            BINBYTES | SHORT_BINBYTES | BINBYTES8 | BYTEARRAY8 | NEXT_BUFFER | READONLY_BUFFER => {
                self.binary(op)
            }
            EMPTY_LIST | EMPTY_TUPLE | EMPTY_DICT | EMPTY_SET | LIST | TUPLE | TUPLE1 | TUPLE2
            | TUPLE3 | DICT | FROZENSET | APPEND | APPENDS | SETITEM | SETITEMS | ADDITEMS => {
                self.container(op)
            }
            PUT | BINPUT | LONG_BINPUT | MEMOIZE | GET | BINGET | LONG_BINGET => self.memo_op(op),
            GLOBAL | STACK_GLOBAL | EXT1 | EXT2 | EXT4 => self.global(op),
            REDUCE | BUILD | INST | OBJ | NEWOBJ | NEWOBJ_EX => self.call(op),
            PERSID | BINPERSID => self.persistent(op),
            _ => Err(unknown_opcode(op)),
        }
    }

    /// `PROTO` and `FRAME`.
    fn framing(&mut self, op: u8) -> Step {
        match op {
            opcode::PROTO => {
                let p = self.u8()?;
                if p > 5 {
                    return Err(bad(format!("unsupported pickle protocol {p}")));
                }
                self.proto = p;
                self.protocol.get_or_insert(p);
            }
            opcode::FRAME => {
                // Only a read-ahead hint; its length is not trusted (a
                // scanner should read past a short frame, not stop).
                self.u64()?;
            }
            _ => return Err(unknown_opcode(op)),
        }
        Ok(())
    }

    /// `MARK`, `POP`, `POP_MARK`, `DUP`.
    fn stack_op(&mut self, op: u8) -> Step {
        match op {
            opcode::MARK => {
                if self.marks.len() >= self.limits.max_stack {
                    return Err(Halt::Cap);
                }
                self.marks.push(self.stack.len());
            }
            opcode::POP => {
                // With nothing above the mark, pickle.py pops the mark.
                if self.stack.len() > self.floor() {
                    self.stack.pop();
                } else {
                    self.pop_mark()?;
                }
            }
            opcode::POP_MARK => {
                self.pop_mark()?;
            }
            opcode::DUP => {
                let v = self.top()?.clone();
                self.push_rc(v)?;
            }
            _ => return Err(unknown_opcode(op)),
        }
        Ok(())
    }

    /// `None`, booleans, integers and floats.
    fn number(&mut self, op: u8) -> Step {
        let v = match op {
            opcode::NONE => Value::None,
            opcode::NEWTRUE => Value::Bool(true),
            opcode::NEWFALSE => Value::Bool(false),
            opcode::INT => {
                // "01"/"00" are the protocol-0 spellings of True/False.
                let line = self.line()?;
                match line {
                    b"01" => Value::Bool(true),
                    b"00" => Value::Bool(false),
                    _ => parse_int_text(line)?,
                }
            }
            opcode::LONG => {
                let line = self.line()?;
                parse_int_text(line.strip_suffix(b"L").unwrap_or(line))?
            }
            opcode::BININT => Value::Int(i64::from(self.i32()?)),
            opcode::BININT1 => Value::Int(i64::from(self.u8()?)),
            opcode::BININT2 => Value::Int(i64::from(self.u16()?)),
            opcode::LONG1 => {
                // Little-endian two's complement of n <= 255 bytes.
                let n = self.u8()?;
                long_value(self.len_operand(u64::from(n))?)
            }
            opcode::LONG4 => {
                let n = self.i32()?;
                if n < 0 {
                    return Err(bad("negative LONG4 byte count"));
                }
                long_value(self.len_operand(n as u64)?)
            }
            opcode::FLOAT => {
                self.line()?;
                Value::Opaque
            }
            opcode::BINFLOAT => {
                self.take(8)?;
                Value::Opaque
            }
            _ => return Err(unknown_opcode(op)),
        };
        self.push(v)
    }

    /// Strings: text, so usable as `STACK_GLOBAL` operands.
    fn text(&mut self, op: u8) -> Step {
        let v = match op {
            opcode::STRING => {
                // A quoted Python 2 repr, escape-decoded.
                let line = self.line()?;
                let inner = match line {
                    [q @ (b'\'' | b'"'), inner @ .., last] if last == q => inner,
                    _ => return Err(bad("operand of STRING is not quoted")),
                };
                text_value(&unescape(inner, false))
            }
            opcode::BINSTRING => {
                let n = self.i32()?;
                if n < 0 {
                    return Err(bad("negative BINSTRING length"));
                }
                text_value(self.len_operand(n as u64)?)
            }
            opcode::SHORT_BINSTRING | opcode::SHORT_BINUNICODE => {
                let n = self.u8()?;
                text_value(self.len_operand(u64::from(n))?)
            }
            opcode::UNICODE => {
                // Raw-unicode-escape text.
                let line = self.line()?;
                text_value(&unescape(line, true))
            }
            opcode::BINUNICODE => {
                let n = self.u32()?;
                text_value(self.len_operand(u64::from(n))?)
            }
            opcode::BINUNICODE8 => {
                let n = self.u64()?;
                text_value(self.len_operand(n)?)
            }
            _ => return Err(unknown_opcode(op)),
        };
        self.push(v)
    }

    /// Bytes and buffers: not text, so they cannot name a module.
    fn binary(&mut self, op: u8) -> Step {
        match op {
            opcode::BINBYTES => {
                let n = self.u32()?;
                self.len_operand(u64::from(n))?;
            }
            opcode::SHORT_BINBYTES => {
                let n = self.u8()?;
                self.len_operand(u64::from(n))?;
            }
            opcode::BINBYTES8 | opcode::BYTEARRAY8 => {
                let n = self.u64()?;
                self.len_operand(n)?;
            }
            opcode::NEXT_BUFFER => {} // out-of-band data
            opcode::READONLY_BUFFER => {
                // Acts on the top item, which must exist.
                self.top()?;
                return Ok(());
            }
            _ => return Err(unknown_opcode(op)),
        }
        self.push(Value::Opaque)
    }

    /// Building lists, tuples, dicts and sets.
    fn container(&mut self, op: u8) -> Step {
        match op {
            opcode::EMPTY_LIST => self.push(Value::List(RefCell::new(Vec::new())))?,
            opcode::EMPTY_TUPLE => self.push(tuple_value(Vec::new()))?,
            opcode::EMPTY_DICT => self.push(Value::Dict)?,
            opcode::EMPTY_SET => self.push(Value::Set)?,
            opcode::LIST => {
                let items = self.pop_mark()?;
                let kept = items
                    .into_iter()
                    .take(MAX_LIST_ITEMS)
                    .map(list_item)
                    .collect();
                self.push(Value::List(RefCell::new(kept)))?;
            }
            opcode::TUPLE => {
                let items = self.pop_mark()?;
                self.push(tuple_value(items))?;
            }
            opcode::TUPLE1 | opcode::TUPLE2 | opcode::TUPLE3 => {
                let n = usize::from(op - opcode::TUPLE1) + 1;
                if self.stack.len() < self.floor() + n {
                    return Err(bad("stack underflow"));
                }
                let items = self.stack.split_off(self.stack.len() - n);
                self.push(tuple_value(items))?;
            }
            opcode::DICT => {
                let items = self.pop_mark()?;
                if items.len() % 2 != 0 {
                    return Err(bad("odd number of items for DICT"));
                }
                for key in items.iter().step_by(2) {
                    self.note_key(key);
                }
                self.push(Value::Dict)?;
            }
            opcode::FROZENSET => {
                self.pop_mark()?;
                self.push(Value::Set)?;
            }
            opcode::APPEND => {
                let v = self.pop()?;
                self.extend_list(vec![v])?;
            }
            opcode::APPENDS => {
                let items = self.pop_mark()?;
                self.extend_list(items)?;
            }
            opcode::SETITEM => {
                self.pop()?;
                let key = self.pop()?;
                self.top()?;
                self.note_key(&key);
            }
            opcode::SETITEMS => {
                let items = self.pop_mark()?;
                if items.len() % 2 != 0 {
                    return Err(bad("odd number of items for SETITEMS"));
                }
                self.top()?;
                for key in items.iter().step_by(2) {
                    self.note_key(key);
                }
            }
            opcode::ADDITEMS => {
                self.pop_mark()?;
                self.top()?;
            }
            _ => return Err(unknown_opcode(op)),
        }
        Ok(())
    }

    /// Storing into and fetching from the memo.
    fn memo_op(&mut self, op: u8) -> Step {
        match op {
            opcode::PUT => {
                let key = self.decimal_line()?;
                self.memo_put(key)
            }
            opcode::BINPUT => {
                let key = self.u8()?;
                self.memo_put(u64::from(key))
            }
            opcode::LONG_BINPUT => {
                let key = self.u32()?;
                self.memo_put(u64::from(key))
            }
            opcode::MEMOIZE => {
                let key = self.memo.len() as u64;
                self.memo_put(key)
            }
            opcode::GET => {
                let key = self.decimal_line()?;
                self.memo_get(key)
            }
            opcode::BINGET => {
                let key = self.u8()?;
                self.memo_get(u64::from(key))
            }
            opcode::LONG_BINGET => {
                let key = self.u32()?;
                self.memo_get(u64::from(key))
            }
            _ => Err(unknown_opcode(op)),
        }
    }

    /// Imports: `GLOBAL`, `STACK_GLOBAL` and the extension registry.
    fn global(&mut self, op: u8) -> Step {
        match op {
            opcode::GLOBAL => {
                let module = self.line()?;
                let name = self.line()?;
                let imp = self.import(module, name);
                self.push(Value::Global(imp))
            }
            opcode::STACK_GLOBAL => {
                // Module and name must be str values; pickle refuses anything
                // else, but a value we could not follow (from a call, a cut
                // string) might still be a str at load.
                let name = self.pop()?;
                let module = self.pop()?;
                let v = match (module.as_str(), name.as_str()) {
                    (Some(m), Some(n)) => {
                        let (m, n) = (m.to_owned(), n.to_owned());
                        Value::Global(self.import(m.as_bytes(), n.as_bytes()))
                    }
                    _ => {
                        self.unresolved_stack_global = true;
                        Value::UnknownGlobal
                    }
                };
                self.push(v)
            }
            opcode::EXT1 => {
                let code = self.u8()?;
                self.extension(u64::from(code))
            }
            opcode::EXT2 => {
                let code = self.u16()?;
                self.extension(u64::from(code))
            }
            opcode::EXT4 => {
                let code = self.i32()?;
                if code <= 0 {
                    return Err(bad("non-positive EXT4 code"));
                }
                self.extension(code as u64)
            }
            _ => Err(unknown_opcode(op)),
        }
    }

    /// What runs code on load: calls, instantiations and `BUILD`.
    fn call(&mut self, op: u8) -> Step {
        let v = match op {
            opcode::REDUCE | opcode::NEWOBJ => {
                let args = self.pop()?;
                let callable = self.pop()?;
                // NEWOBJ is `cls.__new__(cls, *args)`, which fails unless
                // `cls` is a class; REDUCE calls whatever it is given.
                self.apply(&callable, Some(&args), op == opcode::REDUCE)
            }
            opcode::NEWOBJ_EX => {
                self.pop()?; // kwargs
                let args = self.pop()?;
                let class = self.pop()?;
                self.apply(&class, Some(&args), false)
            }
            opcode::BUILD => {
                // Runs the object's __setstate__ (or updates __dict__).
                self.pop()?;
                let obj = self.top()?.clone();
                if let Value::Object(imp) = &*obj {
                    self.calls.insert(imp.clone());
                }
                return Ok(());
            }
            opcode::INST => {
                let module = self.line()?;
                let name = self.line()?;
                let imp = self.import(module, name);
                let args = self.pop_mark()?;
                let args = Rc::new(tuple_value(args));
                self.apply(&Rc::new(Value::Global(imp)), Some(&args), true)
            }
            opcode::OBJ => {
                let mut items = self.pop_mark()?.into_iter();
                let Some(class) = items.next() else {
                    return Err(bad("no class for OBJ"));
                };
                let args = Rc::new(tuple_value(items.collect()));
                self.apply(&class, Some(&args), true)
            }
            _ => return Err(unknown_opcode(op)),
        };
        self.push(v)
    }

    /// Persistent ids: how torch names its storages.
    fn persistent(&mut self, op: u8) -> Step {
        let pid = match op {
            opcode::PERSID => {
                let line = self.line()?;
                Rc::new(text_value(line))
            }
            opcode::BINPERSID => self.pop()?,
            _ => return Err(unknown_opcode(op)),
        };
        let v = self.persistent_load(&pid);
        self.push(v)
    }

    fn extension(&mut self, code: u64) -> Step {
        let imp = Import::extension(code);
        self.imports.insert(imp.clone());
        self.push(Value::Global(imp))
    }

    /// APPEND/APPENDS onto the list below; other targets (a custom class's
    /// `extend`) are legal pickle and simply not tracked.
    fn extend_list(&mut self, items: Vec<Val>) -> Step {
        let target = self.top()?.clone();
        if let Value::List(list) = &*target {
            let mut list = list.borrow_mut();
            let room = MAX_LIST_ITEMS.saturating_sub(list.len());
            list.extend(items.into_iter().take(room).map(list_item));
        }
        Ok(())
    }
}

/// A protocol-0 decimal integer; bigger than 64 bits is kept opaque.
fn parse_int_text(text: &[u8]) -> Result<Value, Halt> {
    let s = std::str::from_utf8(text).map_err(|_| bad("integer operand is not ascii"))?;
    let s = s.trim();
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("integer operand is not a decimal number"));
    }
    Ok(s.parse::<i64>().map_or(Value::Opaque, Value::Int))
}

/// LONG1/LONG4 payload: little-endian two's complement.
fn long_value(bytes: &[u8]) -> Value {
    let Some(&last) = bytes.last() else {
        return Value::Int(0);
    };
    if bytes.len() > 8 {
        return Value::Opaque;
    }
    let negative = last & 0x80 != 0;
    let mut buf = if negative { [0xffu8; 8] } else { [0u8; 8] };
    for (dst, &src) in buf.iter_mut().zip(bytes) {
        *dst = src;
    }
    Value::Int(i64::from_le_bytes(buf))
}

/// Decodes the escapes of protocol-0 text, reading at most enough input for
/// MAX_TEXT output bytes. `raw_unicode` selects raw-unicode-escape
/// (`\uXXXX` only) over Python 2 string escapes.
fn unescape(input: &[u8], raw_unicode: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = input.get(i)
        && out.len() <= MAX_TEXT
    {
        let e = match input.get(i + 1) {
            Some(&e) if b == b'\\' => e,
            _ => {
                out.push(b);
                i += 1;
                continue;
            }
        };
        let hex = |from: usize, n: usize| -> Option<u32> {
            let digits = input.get(from..from + n)?;
            u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
        };
        let (n, skip) = match (raw_unicode, e) {
            (true, b'u') => (hex(i + 2, 4), 6),
            (true, b'U') => (hex(i + 2, 8), 10),
            (false, b'x') => (hex(i + 2, 2), 4),
            (false, b'n') => (Some(u32::from(b'\n')), 2),
            (false, b't') => (Some(u32::from(b'\t')), 2),
            (false, b'r') => (Some(u32::from(b'\r')), 2),
            (false, b'\\' | b'\'' | b'"') => (Some(u32::from(e)), 2),
            _ => (None, 0),
        };
        match n {
            Some(code) => {
                if raw_unicode {
                    let c = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                } else {
                    // Python 2 str escapes produce bytes, not code points.
                    out.push(code as u8);
                }
                i += skip;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn walk(bytes: &[u8]) -> PickleScan {
        scan(bytes, &Limits::default()).0
    }

    fn imp(path: &str) -> Import {
        let (m, n) = path.rsplit_once('.').expect("dotted path");
        Import::new(m, n)
    }

    fn paths(v: &[Import]) -> Vec<String> {
        v.iter().map(|i| i.to_string()).collect()
    }

    // -- byte builders for hand-made streams --

    fn global(module: &str, name: &str) -> Vec<u8> {
        format!("c{module}\n{name}\n").into_bytes()
    }

    fn unicode(s: &str) -> Vec<u8> {
        let mut out = vec![b'X'];
        out.extend_from_slice(&(s.len() as u32).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
        out
    }

    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    /// `torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False,
    /// OrderedDict())` with the persistent id torch.save writes.
    fn tensor(class: &str, key: &str, numel: u8, size: &[u8]) -> Vec<u8> {
        let mut shape = vec![b'('];
        let mut stride = vec![b'('];
        for &d in size {
            shape.extend_from_slice(&[b'K', d]);
            stride.extend_from_slice(&[b'K', 1]);
        }
        shape.push(b't');
        stride.push(b't');
        cat(&[
            &global("torch._utils", "_rebuild_tensor_v2"),
            b"((",
            &unicode("storage"),
            &global("torch", class),
            &unicode(key),
            &unicode("cpu"),
            &[b'K', numel],
            b"tQK\x00",
            &shape,
            &stride,
            b"\x89",
            &global("collections", "OrderedDict"),
            b")Rt",
            b"R",
        ])
    }

    const OS_SYSTEM: [&[u8]; 6] = [
        b"cposix\nsystem\np0\n(Vecho pwned\np1\ntp2\nRp3\n.",
        b"cposix\nsystem\nq\x00(X\n\x00\x00\x00echo pwnedq\x01tq\x02Rq\x03.",
        b"\x80\x02cposix\nsystem\nq\x00X\n\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03.",
        b"\x80\x03cposix\nsystem\nq\x00X\n\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03.",
        b"\x80\x04\x95%\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94\x8c\necho pwned\x94\x85\x94R\x94.",
        b"\x80\x05\x95%\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94\x8c\necho pwned\x94\x85\x94R\x94.",
    ];
    const PLAIN_DATA: [&[u8]; 6] = [
        b"(dp0\nVi\np1\n(lp2\nI0\naI1\naI-1\naI255\naI65535\naI2147483647\naI-2147483648\naL1099511627776L\naL1180591620717411303424L\naL-1180591620717411303424L\nasVf\np3\nF1.5\nsVs\np4\nVh\xe9llo\np5\nsVb\np6\nc_codecs\nencode\np7\n(Vxy\np8\nVlatin1\np9\ntp10\nRp11\nsVba\np12\nc__builtin__\nbytearray\np13\n(g7\n(Vz\np14\ng9\ntp15\nRp16\ntp17\nRp18\nsVt\np19\n(tsVt1\np20\n(I1\ntp21\nsVt2\np22\n(I1\nI2\ntp23\nsVt3\np24\n(I1\nI2\nI3\ntp25\nsVt4\np26\n(I1\nI2\nI3\nI4\ntp27\nsVn\np28\nNsVtf\np29\n(lp30\nI01\naI00\nasVset\np31\nc__builtin__\nset\np32\n((lp33\nI1\natp34\nRp35\nsVfs\np36\nc__builtin__\nfrozenset\np37\n((lp38\nI2\natp39\nRp40\nsVd\np41\n(dp42\ns.",
        b"}q\x00(X\x01\x00\x00\x00iq\x01]q\x02(K\x00K\x01J\xff\xff\xff\xffK\xffM\xff\xffJ\xff\xff\xff\x7fJ\x00\x00\x00\x80L1099511627776L\nL1180591620717411303424L\nL-1180591620717411303424L\neX\x01\x00\x00\x00fq\x03G?\xf8\x00\x00\x00\x00\x00\x00X\x01\x00\x00\x00sq\x04X\x06\x00\x00\x00h\xc3\xa9lloq\x05X\x01\x00\x00\x00bq\x06c_codecs\nencode\nq\x07(X\x02\x00\x00\x00xyq\x08X\x06\x00\x00\x00latin1q\x09tq\nRq\x0bX\x02\x00\x00\x00baq\x0cc__builtin__\nbytearray\nq\x0d(h\x07(X\x01\x00\x00\x00zq\x0eh\x09tq\x0fRq\x10tq\x11Rq\x12X\x01\x00\x00\x00tq\x13)X\x02\x00\x00\x00t1q\x14(K\x01tq\x15X\x02\x00\x00\x00t2q\x16(K\x01K\x02tq\x17X\x02\x00\x00\x00t3q\x18(K\x01K\x02K\x03tq\x19X\x02\x00\x00\x00t4q\x1a(K\x01K\x02K\x03K\x04tq\x1bX\x01\x00\x00\x00nq\x1cNX\x02\x00\x00\x00tfq\x1d]q\x1e(I01\nI00\neX\x03\x00\x00\x00setq\x1fc__builtin__\nset\nq (]q!K\x01atq\"Rq#X\x02\x00\x00\x00fsq$c__builtin__\nfrozenset\nq%(]q&K\x02atq'Rq(X\x01\x00\x00\x00dq)}q*u.",
        b"\x80\x02}q\x00(X\x01\x00\x00\x00iq\x01]q\x02(K\x00K\x01J\xff\xff\xff\xffK\xffM\xff\xffJ\xff\xff\xff\x7fJ\x00\x00\x00\x80\x8a\x06\x00\x00\x00\x00\x00\x01\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00@\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\xc0eX\x01\x00\x00\x00fq\x03G?\xf8\x00\x00\x00\x00\x00\x00X\x01\x00\x00\x00sq\x04X\x06\x00\x00\x00h\xc3\xa9lloq\x05X\x01\x00\x00\x00bq\x06c_codecs\nencode\nq\x07X\x02\x00\x00\x00xyq\x08X\x06\x00\x00\x00latin1q\x09\x86q\nRq\x0bX\x02\x00\x00\x00baq\x0cc__builtin__\nbytearray\nq\x0dh\x07X\x01\x00\x00\x00zq\x0eh\x09\x86q\x0fRq\x10\x85q\x11Rq\x12X\x01\x00\x00\x00tq\x13)X\x02\x00\x00\x00t1q\x14K\x01\x85q\x15X\x02\x00\x00\x00t2q\x16K\x01K\x02\x86q\x17X\x02\x00\x00\x00t3q\x18K\x01K\x02K\x03\x87q\x19X\x02\x00\x00\x00t4q\x1a(K\x01K\x02K\x03K\x04tq\x1bX\x01\x00\x00\x00nq\x1cNX\x02\x00\x00\x00tfq\x1d]q\x1e(\x88\x89eX\x03\x00\x00\x00setq\x1fc__builtin__\nset\nq ]q!K\x01a\x85q\"Rq#X\x02\x00\x00\x00fsq$c__builtin__\nfrozenset\nq%]q&K\x02a\x85q'Rq(X\x01\x00\x00\x00dq)}q*u.",
        b"\x80\x03}q\x00(X\x01\x00\x00\x00iq\x01]q\x02(K\x00K\x01J\xff\xff\xff\xffK\xffM\xff\xffJ\xff\xff\xff\x7fJ\x00\x00\x00\x80\x8a\x06\x00\x00\x00\x00\x00\x01\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00@\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\xc0eX\x01\x00\x00\x00fq\x03G?\xf8\x00\x00\x00\x00\x00\x00X\x01\x00\x00\x00sq\x04X\x06\x00\x00\x00h\xc3\xa9lloq\x05X\x01\x00\x00\x00bq\x06C\x02xyq\x07X\x02\x00\x00\x00baq\x08cbuiltins\nbytearray\nq\x09C\x01zq\n\x85q\x0bRq\x0cX\x01\x00\x00\x00tq\x0d)X\x02\x00\x00\x00t1q\x0eK\x01\x85q\x0fX\x02\x00\x00\x00t2q\x10K\x01K\x02\x86q\x11X\x02\x00\x00\x00t3q\x12K\x01K\x02K\x03\x87q\x13X\x02\x00\x00\x00t4q\x14(K\x01K\x02K\x03K\x04tq\x15X\x01\x00\x00\x00nq\x16NX\x02\x00\x00\x00tfq\x17]q\x18(\x88\x89eX\x03\x00\x00\x00setq\x19cbuiltins\nset\nq\x1a]q\x1bK\x01a\x85q\x1cRq\x1dX\x02\x00\x00\x00fsq\x1ecbuiltins\nfrozenset\nq\x1f]q K\x02a\x85q!Rq\"X\x01\x00\x00\x00dq#}q$u.",
        b"\x80\x04\x95\xee\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x01i\x94]\x94(K\x00K\x01J\xff\xff\xff\xffK\xffM\xff\xffJ\xff\xff\xff\x7fJ\x00\x00\x00\x80\x8a\x06\x00\x00\x00\x00\x00\x01\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00@\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\xc0e\x8c\x01f\x94G?\xf8\x00\x00\x00\x00\x00\x00\x8c\x01s\x94\x8c\x06h\xc3\xa9llo\x94\x8c\x01b\x94C\x02xy\x94\x8c\x02ba\x94\x8c\x08builtins\x94\x8c\x09bytearray\x94\x93\x94C\x01z\x94\x85\x94R\x94\x8c\x01t\x94)\x8c\x02t1\x94K\x01\x85\x94\x8c\x02t2\x94K\x01K\x02\x86\x94\x8c\x02t3\x94K\x01K\x02K\x03\x87\x94\x8c\x02t4\x94(K\x01K\x02K\x03K\x04t\x94\x8c\x01n\x94N\x8c\x02tf\x94]\x94(\x88\x89e\x8c\x03set\x94\x8f\x94(K\x01\x90\x8c\x02fs\x94(K\x02\x91\x94\x8c\x01d\x94}\x94u.",
        b"\x80\x05\x95\xd8\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x01i\x94]\x94(K\x00K\x01J\xff\xff\xff\xffK\xffM\xff\xffJ\xff\xff\xff\x7fJ\x00\x00\x00\x80\x8a\x06\x00\x00\x00\x00\x00\x01\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00@\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\xc0e\x8c\x01f\x94G?\xf8\x00\x00\x00\x00\x00\x00\x8c\x01s\x94\x8c\x06h\xc3\xa9llo\x94\x8c\x01b\x94C\x02xy\x94\x8c\x02ba\x94\x96\x01\x00\x00\x00\x00\x00\x00\x00z\x94\x8c\x01t\x94)\x8c\x02t1\x94K\x01\x85\x94\x8c\x02t2\x94K\x01K\x02\x86\x94\x8c\x02t3\x94K\x01K\x02K\x03\x87\x94\x8c\x02t4\x94(K\x01K\x02K\x03K\x04t\x94\x8c\x01n\x94N\x8c\x02tf\x94]\x94(\x88\x89e\x8c\x03set\x94\x8f\x94(K\x01\x90\x8c\x02fs\x94(K\x02\x91\x94\x8c\x01d\x94}\x94u.",
    ];

    #[test]
    fn global_and_reduce_across_protocols_0_to_5() {
        for (proto, bytes) in OS_SYSTEM.iter().enumerate() {
            let s = walk(bytes);
            assert_eq!(s.error, None, "protocol {proto}");
            assert!(s.stopped_at_stop, "protocol {proto}");
            assert_eq!(paths(&s.imports), ["posix.system"], "protocol {proto}");
            assert_eq!(paths(&s.calls), ["posix.system"], "protocol {proto}");
            assert_eq!(s.verdict(), Verdict::Unsafe, "protocol {proto}");
            let expected_proto = (proto >= 2).then_some(proto as u8);
            assert_eq!(s.protocol, expected_proto);
        }
    }

    #[test]
    fn plain_data_across_protocols_has_only_safe_builtins() {
        for (proto, bytes) in PLAIN_DATA.iter().enumerate() {
            let (s, consumed) = scan(bytes, &Limits::default());
            assert_eq!(s.error, None, "protocol {proto}");
            assert!(s.stopped_at_stop);
            assert_eq!(consumed, bytes.len());
            assert_eq!(s.verdict(), Verdict::Safe, "protocol {proto}: {s:?}");
            assert!(!s.unresolved_stack_global);
        }
    }

    #[test]
    fn stack_global_operands_from_the_memo_resolve() {
        // The operands are memoised, a decoy string is pushed and popped,
        // then BINGET brings them back: a scanner that only looks at the two
        // opcodes before STACK_GLOBAL sees BINGETs, not "os"/"system".
        let bytes = cat(&[
            b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94\x8c\x05decoy0",
            b"00h\x00h\x01\x93\x8c\x0aecho pwned\x85R.",
        ]);
        let s = walk(&bytes);
        assert_eq!(s.error, None);
        assert_eq!(paths(&s.imports), ["os.system"]);
        assert_eq!(paths(&s.calls), ["os.system"]);
        assert!(!s.unresolved_stack_global);
        assert_eq!(s.verdict(), Verdict::Unsafe);
    }

    #[test]
    fn stack_global_with_non_constant_operands_is_unresolved() {
        // The module name is the result of a call: unknowable statically.
        let bytes = cat(&[
            b"\x80\x04",
            &global("builtins", "str"),
            b")R\x8c\x06system\x93)R.",
        ]);
        let s = walk(&bytes);
        assert_eq!(s.error, None);
        assert!(s.unresolved_stack_global);
        assert_eq!(s.verdict(), Verdict::Unsafe);
        // Bytes are not str: pickle refuses them, we cannot name them.
        let s = walk(b"\x80\x04C\x02osC\x06system\x93.");
        assert!(s.unresolved_stack_global);
    }

    #[test]
    fn protocol_0_memo_and_text_operands() {
        // PUT/GET with decimal operands, STRING with escapes, UNICODE.
        let s = walk(b"S'o\\x73'\np7\n0Vsys\\u0074em\np8\n0g7\ng8\n\x93.");
        assert_eq!(s.error, None);
        assert_eq!(paths(&s.imports), ["os.system"]);
        let s = walk(b"S'unterminated\n.");
        assert!(s.error.as_deref().unwrap().contains("not quoted"));
    }

    #[test]
    fn inst_obj_newobj_and_build_are_calls() {
        let s = walk(&cat(&[b"(S'ls'\nios\nsystem\n."]));
        assert_eq!(paths(&s.calls), ["os.system"]);
        let s = walk(&cat(&[b"(", &global("subprocess", "Popen"), b"S'ls'\no."]));
        assert_eq!(paths(&s.calls), ["subprocess.Popen"]);
        let s = walk(&cat(&[b"\x80\x02", &global("foo", "Bar"), b")\x81}b."]));
        assert_eq!(paths(&s.calls), ["foo.Bar"]);
        let s = walk(&cat(&[b"\x80\x04", &global("foo", "Baz"), b")}\x92."]));
        assert_eq!(s.error, None);
        assert_eq!(paths(&s.calls), ["foo.Baz"]);
        assert_eq!(s.verdict(), Verdict::Suspicious);
    }

    #[test]
    fn extension_codes_are_unresolvable_imports() {
        let s = walk(b"\x80\x02\x82\x01\x83\x02\x01\x84\x03\x00\x01\x00)R.");
        assert_eq!(s.error, None);
        assert_eq!(
            paths(&s.imports),
            [
                "copyreg extension 1",
                "copyreg extension 258",
                "copyreg extension 65539"
            ]
        );
        assert_eq!(s.verdict(), Verdict::Unsafe);
        let s = walk(b"\x84\x00\x00\x00\x00.");
        assert!(s.error.unwrap().contains("EXT4"));
    }

    #[test]
    fn rare_opcodes_have_their_stack_effects() {
        // FRAME, BINUNICODE8, BINBYTES8, BYTEARRAY8, LONG4, SHORT_BINBYTES,
        // NEXT_BUFFER + READONLY_BUFFER, EMPTY_SET + ADDITEMS, FROZENSET,
        // POP_MARK, DUP, POP, DICT, LIST, BINFLOAT, FLOAT, LONG, INT.
        let bytes = cat(&[
            b"\x80\x05\x95\x10\x00\x00\x00\x00\x00\x00\x00",
            b"(\x8d\x01\x00\x00\x00\x00\x00\x00\x00a",
            b"\x8e\x01\x00\x00\x00\x00\x00\x00\x00b",
            b"\x96\x00\x00\x00\x00\x00\x00\x00\x00",
            b"\x8b\x02\x00\x00\x00\x01\x02",
            b"C\x01c",
            b"\x97\x98",
            b"\x8f(K\x01K\x02\x90",
            b"(K\x03\x91",
            b"(K\x04K\x051",
            b"N20",
            b"(K\x01K\x02d",
            b"(K\x01l",
            b"G\x00\x00\x00\x00\x00\x00\x00\x00",
            b"F1.5\n",
            b"L12345678901234567890123L\n",
            b"I-7\n",
            b"t.",
        ]);
        let (s, consumed) = scan(&bytes, &Limits::default());
        assert_eq!(s.error, None);
        assert!(s.stopped_at_stop);
        assert_eq!(consumed, bytes.len());
        assert_eq!(s.protocol, Some(5));
        assert!(s.imports.is_empty());
    }

    #[test]
    fn persid_text_ids_are_opaque() {
        let s = walk(b"Pmy-id\n.");
        assert_eq!(s.error, None);
        assert!(s.storages.is_empty());
    }

    #[test]
    fn malformed_streams_report_an_error_with_its_offset() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "empty pickle stream"),
            (b"\x80\x02N", "without a STOP"),
            (b"\x80\x09N.", "unsupported pickle protocol 9"),
            (b"\xff", "unknown opcode 0xff"),
            (b"R", "stack underflow"),
            (b"(N0tR.", "stack underflow"),
            (b"h\x05", "memo key 5 was never stored"),
            (b"X\xff\xff\xff\xff", "exceeds the 0 remaining"),
            (b"\x8d\xff\xff\xff\xff\xff\xff\xff\xff", "exceeds"),
            (b"\x8b\xff\xff\xff\xff", "negative LONG4"),
            (b"T\xff\xff\xff\xffab", "negative BINSTRING"),
            (b"cos\nsystem", "no terminating newline"),
            (b"1", "no MARK"),
            (b".", "stack is empty at STOP"),
            (b"(K\x01d.", "odd number"),
            (b"o", "no MARK"),
            (b"(o", "no class for OBJ"),
            (b"q\x00", "stack underflow"),
            (b"gx\n", "not a decimal"),
            (b"Iabc\n", "not a decimal"),
        ];
        for (bytes, needle) in cases {
            let s = walk(bytes);
            let err = s.error.unwrap_or_else(|| panic!("{bytes:?} has no error"));
            assert!(err.contains(needle), "{bytes:?}: {err:?} lacks {needle:?}");
            assert!(!err.starts_with(char::is_uppercase), "{err:?}");
            assert!(!s.stopped_at_stop);
        }
    }

    #[test]
    fn truncated_stream_keeps_earlier_imports() {
        // nullifAI: the payload runs, then the stream breaks, so pickle
        // stops with an error but the command has already run.
        let mut bytes = OS_SYSTEM[2][..OS_SYSTEM[2].len() - 1].to_vec();
        bytes.extend_from_slice(b"\x000garbage");
        let s = walk(&bytes);
        assert!(s.error.is_some());
        assert_eq!(paths(&s.imports), ["posix.system"]);
        assert_eq!(paths(&s.calls), ["posix.system"]);
        assert_eq!(s.verdict(), Verdict::Unsafe);
        // Cut in the middle of an operand.
        let s = walk(&OS_SYSTEM[4][..33]);
        assert!(s.error.unwrap().contains("remain"));
        assert_eq!(paths(&s.imports), ["posix.system"]);
    }

    #[test]
    fn consumed_bytes_locate_the_next_pickle() {
        let mut bytes = PLAIN_DATA[2].to_vec();
        bytes.extend_from_slice(OS_SYSTEM[2]);
        let (first, consumed) = scan(&bytes, &Limits::default());
        assert_eq!(consumed, PLAIN_DATA[2].len());
        assert_eq!(first.verdict(), Verdict::Safe);
        let (second, _) = scan(&bytes[consumed..], &Limits::default());
        assert_eq!(second.verdict(), Verdict::Unsafe);
    }

    #[test]
    fn billion_laughs_finish_fast_and_small() {
        // Ten levels, each a tuple of ten references to the level below:
        // 10^10 leaves if expanded, 110 opcodes here.
        let mut bytes = b"\x80\x02N".to_vec();
        for level in 0u8..10 {
            bytes.extend_from_slice(&[b'q', level, b'(']);
            bytes.extend(std::iter::repeat_n([b'h', level], 10).flatten());
            bytes.push(b't');
        }
        bytes.push(b'.');
        let s = walk(&bytes);
        assert_eq!(s.error, None);
        assert!(s.stopped_at_stop);

        // A DUP storm reaches the stack cap instead of exhausting memory.
        let mut bytes = b"N".to_vec();
        bytes.extend(std::iter::repeat_n(b'2', 3_000_000));
        let limits = Limits {
            max_stack: 100_000,
            ..Limits::default()
        };
        let (s, consumed) = scan(&bytes, &limits);
        assert!(s.truncated_walk);
        assert_eq!(consumed, 100_000);

        // And the op cap bounds everything else.
        let limits = Limits {
            max_ops: 1000,
            ..Limits::default()
        };
        let s = scan(&bytes, &limits).0;
        assert!(s.truncated_walk);
        assert_eq!(s.ops, 1000);
    }

    #[test]
    fn memo_cap_stops_the_walk() {
        let mut bytes = b"N".to_vec();
        for i in 0u32..20 {
            bytes.push(b'r');
            bytes.extend_from_slice(&i.to_le_bytes());
        }
        let limits = Limits {
            max_memo: 10,
            ..Limits::default()
        };
        assert!(scan(&bytes, &limits).0.truncated_walk);
    }

    #[test]
    fn deep_nesting_and_cycles_are_harmless() {
        // A list appended to itself through the memo, then a million nested
        // one-tuples: no recursion, no stack overflow when dropped.
        let mut bytes = b"\x80\x02]q\x00h\x00a".to_vec();
        bytes.extend(std::iter::repeat_n(0x85u8, 1_000_000));
        bytes.push(b'.');
        let s = walk(&bytes);
        assert_eq!(s.error, None);
        assert!(s.stopped_at_stop);
    }

    #[test]
    fn random_input_terminates() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for round in 0..8 {
            let mut bytes = Vec::with_capacity(1 << 20);
            while bytes.len() < 1 << 20 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                bytes.extend_from_slice(&state.to_le_bytes());
            }
            if round % 2 == 1 {
                bytes[0] = 0x80;
                bytes[1] = 2;
            }
            let (s, consumed) = scan(&bytes, &Limits::default());
            assert!(consumed <= bytes.len());
            assert!(s.ops <= Limits::default().max_ops);
        }
        // Every single byte and every pair is a valid (tiny) input too.
        for a in 0..=255u8 {
            walk(&[a]);
            for b in 0..=255u8 {
                walk(&[a, b, b'\n', b'\n']);
            }
        }
    }

    #[test]
    fn long_strings_are_capped_and_unusable_as_names() {
        let long = "m".repeat(10_000);
        let bytes = cat(&[b"\x80\x04", &unicode(&long)[..], b"\x8c\x01x\x93."]);
        let s = walk(&bytes);
        assert_eq!(s.error, None);
        assert!(s.unresolved_stack_global);
        let g = global(&long, "x");
        let s = walk(&cat(&[&g, b"."]));
        assert_eq!(s.imports[0].module.len(), MAX_TEXT);
    }

    #[test]
    fn torch_state_dict_tensors() {
        // A protocol-2 data.pkl as torch.save writes it for
        // {"w": f32[2,3], "b": f16[4], "e": bf16 scalar, "p": Parameter of a
        // view into storage "0"}.
        let bytes = cat(&[
            b"\x80\x02",
            &global("collections", "OrderedDict"),
            b"q\x00)Rq\x01(",
            &unicode("w"),
            &tensor("FloatStorage", "0", 6, &[2, 3]),
            &unicode("b"),
            &tensor("HalfStorage", "1", 4, &[4]),
            &unicode("e"),
            &tensor("BFloat16Storage", "2", 1, &[]),
            &unicode("p"),
            &global("torch._utils", "_rebuild_parameter"),
            b"(",
            &tensor("FloatStorage", "0", 6, &[3]),
            b"\x88",
            &global("collections", "OrderedDict"),
            b")Rt",
            b"R",
            b"u}q\x02b.",
        ]);
        let s = walk(&bytes);
        assert_eq!(s.error, None);
        assert_eq!(s.verdict(), Verdict::Safe);
        let got: Vec<(&str, &str, &[u64])> = s
            .tensors
            .iter()
            .map(|t| (t.storage_key.as_str(), t.dtype.as_str(), &t.shape[..]))
            .collect();
        let expected: Vec<(&str, &str, &[u64])> = vec![
            ("0", "F32", &[2, 3]),
            ("1", "F16", &[4]),
            ("2", "BF16", &[]),
            ("0", "F32", &[3]),
        ];
        assert_eq!(got, expected);
        assert_eq!(s.tensors.iter().map(TensorRef::numel).sum::<u64>(), 14);
        assert_eq!(
            s.storages,
            [
                StorageRef {
                    key: "0".into(),
                    dtype: "F32".into(),
                    numel: Some(6)
                },
                StorageRef {
                    key: "1".into(),
                    dtype: "F16".into(),
                    numel: Some(4)
                },
                StorageRef {
                    key: "2".into(),
                    dtype: "BF16".into(),
                    numel: Some(1)
                },
            ]
        );
        assert!(s.calls.contains(&imp("torch._utils._rebuild_parameter")));
    }

    #[test]
    fn untyped_storage_and_v3_dtype() {
        // ('storage', torch.storage.UntypedStorage, 'k', 'cpu', 8) viewed by
        // _rebuild_tensor_v3 with an explicit torch.float16.
        let bytes = cat(&[
            b"\x80\x02",
            &global("torch._utils", "_rebuild_tensor_v3"),
            b"((",
            &unicode("storage"),
            &global("torch.storage", "UntypedStorage"),
            &unicode("k"),
            &unicode("cpu"),
            b"K\x08tQK\x00K\x04\x85K\x01\x85\x89}",
            &global("torch", "float16"),
            b"}tR.",
        ]);
        let s = walk(&bytes);
        assert_eq!(s.error, None);
        assert_eq!(s.tensors.len(), 1);
        assert_eq!(s.tensors[0].dtype, "F16");
        assert_eq!(s.tensors[0].shape, [4]);
        assert_eq!(s.storages[0].dtype, "U8");
        assert_eq!(s.verdict(), Verdict::Safe);
    }

    #[test]
    fn legacy_storage_key_list_is_returned() {
        let s = walk(b"\x80\x02]q\x00(X\x01\x00\x00\x001X\x01\x00\x00\x002e.");
        assert_eq!(s.result_strings, ["1", "2"]);
    }

    #[test]
    fn verdicts_of_the_safe_set() {
        for path in [
            "collections.OrderedDict",
            "collections.Counter",
            "torch._utils._rebuild_tensor",
            "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_tensor_v3",
            "torch._utils._rebuild_parameter",
            "torch._utils._rebuild_parameter_with_state",
            "torch._utils._rebuild_qtensor",
            "torch._utils._rebuild_sparse_tensor",
            "torch._utils._rebuild_meta_tensor_no_storage",
            "torch._utils._rebuild_wrapper_subclass",
            "torch._utils._rebuild_device_tensor_from_numpy",
            "torch._tensor._rebuild_from_type_v2",
            "torch.nn.parameter.Parameter",
            "torch.Size",
            "torch.Tensor",
            "torch.device",
            "torch.serialization._get_layout",
            "torch.float32",
            "torch.bfloat16",
            "torch.float8_e4m3fn",
            "torch.FloatStorage",
            "torch.BFloat16Storage",
            "torch.cuda.HalfStorage",
            "torch.storage.UntypedStorage",
            "torch.storage.TypedStorage",
            "torch.LongTensor",
            "torch.per_channel_affine",
            "_codecs.encode",
            "builtins.set",
            "builtins.frozenset",
            "builtins.bytearray",
            "builtins.complex",
            "__builtin__.set",
            "numpy.core.multiarray._reconstruct",
            "numpy._core.multiarray._reconstruct",
            "numpy.ndarray",
            "numpy.dtype",
        ] {
            assert_eq!(verdict(&imp(path)), Verdict::Safe, "{path}");
        }
    }

    #[test]
    fn verdicts_of_known_dangerous_globals() {
        for path in [
            "builtins.eval",
            "builtins.exec",
            "builtins.compile",
            "builtins.open",
            "builtins.getattr",
            "builtins.setattr",
            "builtins.delattr",
            "builtins.__import__",
            "builtins.globals",
            "builtins.vars",
            "builtins.breakpoint",
            "__builtin__.eval",
            "__builtin__.apply",
            "os.system",
            "os.path.join",
            "posix.system",
            "nt.system",
            "subprocess.Popen",
            "sys.modules",
            "socket.socket",
            "shutil.rmtree",
            "runpy._run_code",
            "pty.spawn",
            "pickle.loads",
            "_pickle.loads",
            "marshal.loads",
            "types.CodeType",
            "types.FunctionType",
            "importlib.import_module",
            "pkgutil.resolve_name",
            "ctypes.CDLL",
            "asyncio.create_subprocess_shell",
            "webbrowser.open",
            "pdb.run",
            "bdb.Bdb",
            "code.InteractiveInterpreter",
            "codeop.compile_command",
            "operator.attrgetter",
            "_operator.itemgetter",
            "operator.methodcaller",
            "functools.partial",
            "functools.reduce",
            "torch.serialization.load",
            "torch.load",
            "torch.hub.load",
            "requests.get",
            "urllib.request.urlopen",
            "http.client.HTTPSConnection",
            "aiohttp.client.request",
            "multiprocessing.util.spawnv_passfds",
            "timeit.timeit",
            "platform.popen",
            "signal.signal",
            "torch.utils.collect_env.run",
            "torch._inductor.codecache.compile_file",
            "numpy.testing._private.utils.runstring",
            "mailcap.findmatch",
            "numpy.__builtins__",
        ] {
            assert_eq!(verdict(&imp(path)), Verdict::Unsafe, "{path}");
        }
        // Protocol 4 resolves dotted names through attributes.
        assert_eq!(
            verdict(&Import::new("torch", "serialization.load")),
            Verdict::Unsafe
        );
        assert_eq!(
            verdict(&Import::new("numpy", "__builtins__.eval")),
            Verdict::Unsafe
        );
        assert_eq!(
            verdict(&Import::new(
                "collections",
                "OrderedDict.__init__.__globals__"
            )),
            Verdict::Unsafe
        );
    }

    #[test]
    fn callables_reached_through_innocent_modules_are_unsafe() {
        for (module, name) in [
            ("posixpath", "os.system"),
            ("torch.serialization", "os.system"),
            ("ntpath", "os.popen"),
            ("shlex", "subprocess.Popen"),
            ("posixpath", "system"),
            ("torch.storage", "_load_from_bytes"),
            ("some_lib", "helpers.check_output"),
            ("copyreg extension", "7"),
        ] {
            let import = if module == "copyreg extension" {
                Import::extension(7)
            } else {
                Import::new(module, name)
            };
            assert_eq!(verdict(&import), Verdict::Unsafe, "{module}.{name}");
        }
    }

    #[test]
    fn called_functions_not_proven_safe_are_unsafe() {
        // REDUCE on a function nobody vetted: unsafe; on a class, or on a
        // helper standard libraries' reducers call: suspicious as before.
        let reduce = |m: &str, n: &str| cat(&[b"\x80\x02", &global(m, n), b")R."]);
        for (m, n, want) in [
            ("tempfile", "mkdtemp", Verdict::Unsafe),
            ("builtins", "map", Verdict::Unsafe),
            ("codecs", "open", Verdict::Unsafe),
            ("sklearn.tree._tree", "Tree", Verdict::Suspicious),
            (
                "numpy.random._pickle",
                "__randomstate_ctor",
                Verdict::Suspicious,
            ),
            ("numpy.core.multiarray", "scalar", Verdict::Suspicious),
            ("copyreg", "_reconstructor", Verdict::Suspicious),
            ("collections", "OrderedDict", Verdict::Safe),
            (
                "pandas._libs.internals",
                "_unpickle_block",
                Verdict::Suspicious,
            ),
        ] {
            let s = walk(&reduce(m, n));
            assert_eq!(s.error, None);
            assert_eq!(s.verdict(), want, "{m}.{n}");
        }
        // Only referenced, never called: suspicious.
        let s = walk(&cat(&[b"\x80\x02", &global("tempfile", "mkdtemp"), b"."]));
        assert_eq!(s.verdict(), Verdict::Suspicious);
        // NEWOBJ cannot call a function: a class instantiation.
        let s = walk(&cat(&[b"\x80\x02", &global("foo", "thing"), b")\x81."]));
        assert_eq!(s.verdict(), Verdict::Suspicious);
    }

    #[test]
    fn verdicts_default_to_suspicious() {
        for path in [
            "tempfile.mkdtemp",
            "sklearn.linear_model._base.LinearRegression",
            "copyreg._reconstructor",
            "builtins.type",
            "torch.nn.modules.linear.Linear",
            "torch.FloatStorageX.y",
            "ossaudiodev.open",
            "systemd.x",
            "__torch__.Net",
        ] {
            assert_eq!(verdict(&imp(path)), Verdict::Suspicious, "{path}");
        }
    }

    #[test]
    fn storage_dtypes_and_sizes() {
        for (name, dtype, size) in [
            ("FloatStorage", "F32", 4),
            ("HalfStorage", "F16", 2),
            ("BFloat16Storage", "BF16", 2),
            ("LongStorage", "I64", 8),
            ("IntStorage", "I32", 4),
            ("ShortStorage", "I16", 2),
            ("CharStorage", "I8", 1),
            ("ByteStorage", "U8", 1),
            ("BoolStorage", "BOOL", 1),
            ("DoubleStorage", "F64", 8),
            ("float16", "F16", 2),
        ] {
            let d = storage_dtype(&Import::new("torch", name));
            assert_eq!(d, dtype);
            assert_eq!(dtype_size(&d), Some(size));
        }
        assert_eq!(storage_dtype(&imp("foo.Bar")), "foo.Bar");
        assert_eq!(dtype_size("foo.Bar"), None);
    }

    #[test]
    fn torchscript_list_helpers_are_safe_even_when_called() {
        for name in [
            "build_intlist",
            "build_tensorlist",
            "build_doublelist",
            "build_boollist",
            "build_tensor_from_id",
            "restore_type_tag",
        ] {
            let i = Import::new("torch.jit._pickle", name);
            assert_eq!(verdict_in(&i, true), Verdict::Safe, "{name}");
        }
        // Their neighbours are not.
        assert_eq!(
            verdict_in(&Import::new("torch.jit._pickle", "other"), true),
            Verdict::Unsafe
        );
        assert_eq!(verdict(&Import::new("torch.jit", "load")), Verdict::Unsafe);
    }
}
