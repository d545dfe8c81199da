//! Content decides, not place (SPEC section 2): whether a file that is
//! shaped like weights (a pickle, a torch archive, a `.npy`/`.npz`) holds
//! trained parameters, decided from what its headers and opcode stream say
//! and never from the folder it sits in. Parameter-style names, a state dict
//! or module, floating-point (or named quantised) arrays of a non-trivial
//! size say weights; a pickle that rebuilds no tensor or array, integer-only
//! arrays, object arrays, one-dimensional results, small unnamed float
//! tables and training state say not, with the reason kept for the report.

use crate::formats::pickle::{Import, ResultShape};
use crate::formats::sniff::WeightsFormat;
use crate::read::FileFacts;

/// Unnamed float arrays up to this many values, in at most
/// [`SMALL_TABLE_ARRAYS`] arrays, are a table, not a network.
const SMALL_TABLE_VALUES: u64 = 65_536;
const SMALL_TABLE_ARRAYS: usize = 4;
/// A table whose names say filterbank, window or lookup may be larger.
const NAMED_TABLE_VALUES: u64 = 4 << 20;
const NAMED_TABLE_ARRAYS: usize = 8;

/// Why `file` is not trained parameters, or `None` when it is (or when its
/// content could not be read far enough to tell: then it stays weights).
pub(crate) fn not_weights(file: &FileFacts) -> Option<String> {
    let name = file.entry.file_name().to_ascii_lowercase();
    if let Some(reason) = trainer_state_by_name(&name) {
        return Some(reason);
    }
    if file.lfs.is_some() || file.broken() {
        return None;
    }
    match file.weights_format? {
        WeightsFormat::Numpy | WeightsFormat::NumpyZip => arrays(file, &name),
        WeightsFormat::Pickle | WeightsFormat::TorchZip if !file.torchscript => pickled(file),
        _ => None,
    }
}

/// File names the trainers of Hugging Face, DeepSpeed and Lightning give
/// their training state.
fn trainer_state_by_name(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    if !matches!(ext, "pt" | "pth" | "bin" | "pkl" | "ckpt") {
        return None;
    }
    let what = match stem {
        "optimizer" | "optim" | "optimizer_state" | "optimizer_states" => "optimizer state",
        "scheduler" | "lr_scheduler" => "learning-rate scheduler state",
        "scaler" => "mixed-precision loss-scaler state",
        "training_args" => "trainer arguments",
        s if s.starts_with("rng_state") => "random-number-generator state",
        s if s.ends_with("optim_states") || s.ends_with("optimizer_states") => "optimizer state",
        _ => return None,
    };
    Some(format!(
        "training state ({what}) by its file name: not trained parameters"
    ))
}

// ------------------------------------------------------------------ arrays

fn arrays(file: &FileFacts, name: &str) -> Option<String> {
    if file.arrays.is_empty() {
        // An `.npz` read whole that holds no array at all.
        return (file.weights_format == Some(WeightsFormat::NumpyZip)
            && file.counts.as_ref().is_some_and(|c| c.tensors == 0)
            && file.failures.is_empty())
        .then(|| "an archive of no arrays: not trained parameters".to_owned());
    }
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let named = says_weights(stem) || file.arrays.iter().any(|a| param_style(&a.name));
    let params: Vec<&crate::read::ArrayInfo> = file
        .arrays
        .iter()
        .filter(|a| is_float(&a.dtype) || (named && is_quantised(&a.dtype)))
        .collect();
    if params.is_empty() {
        let mut dtypes: Vec<&str> = file.arrays.iter().map(|a| a.dtype.as_str()).collect();
        dtypes.sort_unstable();
        dtypes.dedup();
        let list = dtypes.join("/");
        let objects = file.arrays.iter().all(|a| a.dtype.contains("OBJECT"));
        let ints = file.arrays.iter().all(|a| is_integer(&a.dtype));
        return Some(if objects {
            "object arrays (pickled Python objects), no numeric parameters: not trained parameters"
                .to_owned()
        } else if ints {
            format!(
                "integer-only arrays ({list}): token ids, indices or labels, not trained parameters"
            )
        } else {
            format!("no floating-point arrays ({list}): not trained parameters")
        });
    }
    if named {
        return None;
    }
    let values = params
        .iter()
        .fold(0u64, |acc, a| acc.saturating_add(a.elements));
    let count = params.len();
    let plural = if count == 1 { "array" } else { "arrays" };
    if params.iter().all(|a| a.ndim <= 1) {
        return Some(format!(
            "one-dimensional float {plural} ({values} values) without parameter names: results or scores, not trained parameters"
        ));
    }
    let table_named = names_a_table(stem) || file.arrays.iter().any(|a| names_a_table(&a.name));
    if table_named && count <= NAMED_TABLE_ARRAYS && values <= NAMED_TABLE_VALUES {
        return Some(format!(
            "a fixed table (a filterbank, window or lookup table by its names): {values} float values in {count} {plural} without parameter names, never trained"
        ));
    }
    if count <= SMALL_TABLE_ARRAYS && values <= SMALL_TABLE_VALUES {
        return Some(format!(
            "a small float table: {values} values in {count} {plural} without parameter names, not trained parameters"
        ));
    }
    None
}

fn is_float(dtype: &str) -> bool {
    dtype.starts_with('F') || dtype.starts_with('C') || dtype == "BF16"
}

fn is_quantised(dtype: &str) -> bool {
    matches!(dtype, "I8" | "U8" | "QI8" | "QU8" | "QI32")
}

fn is_integer(dtype: &str) -> bool {
    dtype.starts_with('I') || dtype.starts_with('U') || dtype == "BOOL"
}

// ------------------------------------------------------------------ pickles

fn pickled(file: &FileFacts) -> Option<String> {
    // Undecided when a stream could not be walked to its end, or when the
    // pickles are members of an archive (which one is the model is moot).
    if file.pickle_archive
        || file.pickles.is_empty()
        || file
            .pickles
            .iter()
            .any(|(_, s)| !s.stopped_at_stop || s.truncated_walk || s.error.is_some())
    {
        return None;
    }
    // A legacy file's sys_info pickle names C types, not tensors.
    const SYS_INFO: &[&str] = &[
        "protocol_version",
        "little_endian",
        "type_sizes",
        "short",
        "int",
        "long",
    ];
    let keys: Vec<&str> = file
        .pickles
        .iter()
        .flat_map(|(_, s)| s.keys.iter().map(String::as_str))
        .filter(|k| !SYS_INFO.contains(k))
        .collect();
    let has = |k: &str| keys.contains(&k);
    let param_keys = keys.iter().any(|k| param_key(k));
    let imports: Vec<&Import> = file.pickles.iter().flat_map(|(_, s)| &s.imports).collect();
    let tensors = file.counts.as_ref().map_or(0, |c| c.tensors);

    if !param_keys {
        if has("param_groups") && has("state") {
            return Some(
                "optimizer state (its `state` and `param_groups`), not trained parameters"
                    .to_owned(),
            );
        }
        if has("base_lrs") && has("last_epoch") {
            return Some(
                "learning-rate scheduler state (`base_lrs`, `last_epoch`), not trained parameters"
                    .to_owned(),
            );
        }
        if has("cpu") && (has("python") || has("numpy")) {
            return Some(
                "random-number-generator state (`python`/`numpy`/`cpu` generators), not trained parameters"
                    .to_owned(),
            );
        }
    }
    if tensors == 0
        && let Some(class) = imports
            .iter()
            .find(|i| i.name.ends_with("TrainingArguments"))
    {
        return Some(format!(
            "trainer arguments (a {}.{} object), not trained parameters",
            class.module, class.name
        ));
    }
    if tensors == 0 {
        let arrays = imports.iter().any(|i| rebuilds_array(i));
        let main = match &file.pickle_result {
            ResultShape::Unknown => file.pickles.iter().map(|(_, s)| &s.result).next_back(),
            known => Some(known),
        };
        let module = main.is_some_and(is_instance);
        if !arrays && !module && !param_keys {
            let what = match main {
                Some(ResultShape::Dict) => "a dict",
                Some(ResultShape::List) => "a list",
                Some(ResultShape::Tuple) => "a tuple",
                Some(ResultShape::Scalar) => "a string or number",
                Some(ResultShape::Object { class, .. }) if is_plain_dict(class) => "a dict",
                _ => "a plain Python value",
            };
            return Some(format!(
                "a pickle of {what} that rebuilds no tensor or array: not trained parameters"
            ));
        }
        return None;
    }
    let counts = file.counts.as_ref()?;
    if tensors == 1 && keys.is_empty() && file.pickle_result == ResultShape::Tensor {
        let dtypes: Vec<&str> = counts.dtypes.keys().map(String::as_str).collect();
        return Some(format!(
            "one bare tensor ({} values, {}) saved without state-dict names: an input or output, not a module's parameters",
            counts.parameters,
            dtypes.join("/")
        ));
    }
    if !param_keys && counts.dtypes.keys().all(|d| is_integer(d)) {
        let dtypes: Vec<&str> = counts.dtypes.keys().map(String::as_str).collect();
        return Some(format!(
            "integer-only tensors ({}): indices or labels, not trained parameters",
            dtypes.join("/")
        ));
    }
    None
}

/// numpy's array reconstruction (plain pickle and joblib's wrapper).
fn rebuilds_array(i: &Import) -> bool {
    (i.module.starts_with("numpy")
        && matches!(
            i.name.as_str(),
            "_reconstruct" | "frombuffer" | "_frombuffer" | "ndarray"
        ))
        || i.name == "NumpyArrayWrapper"
}

fn is_plain_dict(class: &Import) -> bool {
    class.module == "collections" && matches!(class.name.as_str(), "OrderedDict" | "defaultdict")
}

/// An instance of a library class (an estimator, a module): a module
/// structure, kept as weights.
fn is_instance(result: &ResultShape) -> bool {
    match result {
        ResultShape::Object { class, called } => {
            !called
                && !is_plain_dict(class)
                && !matches!(
                    class.module.as_str(),
                    "builtins" | "__builtin__" | "copyreg" | "copy_reg" | "collections"
                )
        }
        _ => false,
    }
}

// ------------------------------------------------------------------ names

/// Leaf names of parameters in state dicts and checkpoints.
const PARAM_LEAVES: &[&str] = &[
    "weight",
    "bias",
    "kernel",
    "gamma",
    "beta",
    "running_mean",
    "running_var",
    "num_batches_tracked",
    "moving_mean",
    "moving_variance",
    "weight_g",
    "weight_v",
    "in_proj_weight",
    "in_proj_bias",
    "embeddings",
    "scale",
];

/// Words that name parameters when a name has no dotted path (an `.npz`
/// member, a Keras variable): `enc_w_ih`, `fc1_b`, `dense/kernel:0`.
const PARAM_WORDS: &[&str] = &[
    "weight",
    "weights",
    "bias",
    "biases",
    "kernel",
    "gamma",
    "beta",
    "w",
    "b",
    "emb",
    "embed",
    "embeds",
    "embedding",
    "embeddings",
    "conv",
    "fc",
    "dense",
    "linear",
    "lstm",
    "gru",
    "rnn",
    "attn",
    "attention",
    "mlp",
    "proj",
    "norm",
    "bn",
    "ln",
    "layer",
    "layers",
    "block",
    "blocks",
    "encoder",
    "decoder",
    "enc",
    "dec",
    "wte",
    "wpe",
    "params",
    "param",
    "running",
    "moving",
    "head",
];

/// Hyperparameter and training-state keys that share words with parameter
/// names (`weight_decay`) but name none.
const NOT_PARAMS: &[&str] = &[
    "weight_decay",
    "params",
    "param_groups",
    "state",
    "lr",
    "betas",
    "momentum",
    "momentum_buffer",
    "exp_avg",
    "exp_avg_sq",
    "step",
];

/// Containers of numbered blocks: `layers.3.`, `blocks.0.`, `h.11.`.
const BLOCK_WORDS: &[&str] = &[
    "layers",
    "layer",
    "blocks",
    "block",
    "h",
    "stages",
    "resblocks",
];

/// A parameter-style name: `encoder.layers.3.attn.weight`, `fc1_b`,
/// `dense/kernel:0`, `embed_tokens`.
pub(crate) fn param_style(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if NOT_PARAMS.contains(&lower.as_str()) {
        return false;
    }
    let segments: Vec<&str> = lower
        .split(['.', '/'])
        .map(|s| s.split(':').next().unwrap_or(s))
        .filter(|s| !s.is_empty())
        .collect();
    if segments.len() >= 2 {
        if segments.last().is_some_and(|l| PARAM_LEAVES.contains(l)) {
            return true;
        }
        if segments
            .windows(2)
            .any(|p| BLOCK_WORDS.contains(&p[0]) && p[1].bytes().all(|b| b.is_ascii_digit()))
        {
            return true;
        }
    }
    words(&lower)
        .iter()
        .any(|w| PARAM_WORDS.contains(&w.as_str()))
}

/// A dict key that names a parameter: a dotted state-dict path
/// (`encoder.layers.0.weight`), or a fitted attribute in scikit-learn's
/// spelling (`coef_`, `intercept_`). Single words (`weight`, `b`) are not
/// enough in a dict, where a vocabulary holds any word.
fn param_key(key: &str) -> bool {
    let fitted = key.len() > 2
        && key.ends_with('_')
        && !key.starts_with('_')
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    fitted || (key.contains(['.', '/']) && param_style(key))
}

/// A file stem that says it holds a model's parameters.
fn says_weights(stem: &str) -> bool {
    words(stem).iter().any(|w| {
        w.starts_with("weight")
            || w.starts_with("checkpoint")
            || w.starts_with("model")
            || w.starts_with("param")
            || w.starts_with("pretrain")
            || w == "ckpt"
            || w == "state_dict"
    })
}

/// Names of tables that were computed, not trained.
fn names_a_table(name: &str) -> bool {
    const TABLE_WORDS: &[&str] = &[
        "mel",
        "mels",
        "filters",
        "filterbank",
        "filterbanks",
        "fbank",
        "window",
        "windows",
        "lut",
        "lookup",
        "hann",
        "hamming",
        "dct",
        "basis",
    ];
    words(name)
        .iter()
        .any(|w| TABLE_WORDS.contains(&w.as_str()))
}

/// Lower-case words of a name, split on anything not a letter or digit,
/// with a trailing number dropped (`fc1` → `fc`, `mel80` → `mel`).
fn words(name: &str) -> Vec<String> {
    name.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches(|c: char| c.is_ascii_digit()).to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_names() {
        for name in [
            "model.layers.3.self_attn.q_proj.weight",
            "bn1.running_mean",
            "blocks.0.x",
            "enc_w_ih",
            "fc_b",
            "dense/kernel:0",
            "embed_tokens",
        ] {
            assert!(param_style(name), "{name}");
        }
        for name in [
            "mel_80",
            "weight_decay",
            "param_groups",
            "semantic_prompt",
            "indices",
            "arr_0",
            "scores",
        ] {
            assert!(!param_style(name), "{name}");
        }
    }

    #[test]
    fn dict_keys_that_name_parameters() {
        assert!(param_key("encoder.layers.0.weight"));
        assert!(param_key("coef_"));
        assert!(!param_key("weight"));
        assert!(!param_key("the"));
        assert!(!param_key("__version__"));
        assert!(!param_key("param_groups"));
    }

    #[test]
    fn trainer_state_names() {
        for name in [
            "optimizer.pt",
            "scheduler.pt",
            "rng_state.pth",
            "rng_state_3.pth",
            "training_args.bin",
            "zero_pp_rank_0_mp_rank_00_optim_states.pt",
        ] {
            assert!(trainer_state_by_name(name).is_some(), "{name}");
        }
        for name in [
            "pytorch_model.bin",
            "model.pt",
            "optimizer.py",
            "scaler.json",
        ] {
            assert!(trainer_state_by_name(name).is_none(), "{name}");
        }
    }
}
