//! Which kind of code a source file is. The contract counts as code the
//! model's architecture, training, inference, evaluation and data-processing
//! code; this module sorts files the scan already knows are code into those
//! kinds, so the report can say *which* code a release ships (a repository
//! with only an inference demo is not one that ships its training code).
//! Nothing is executed or parsed as a program: the file name is the strongest
//! cue (names are how authors label scripts), then the folders around it, then
//! a few cheap substring cues in the first 64 KiB of the content. Name cues
//! match whole words of the name (split at `_`, `-`, `.`, camelCase and digit
//! boundaries) so "constrain.py" is not training and "retrieval.py" is not
//! evaluation. Every answer carries a short static reason for the report.

/// How much of a file the content cues look at; callers may pass more, the
/// rest is ignored so the cost per file stays bounded.
pub const HEAD_LIMIT: usize = 64 * 1024;

/// The kinds of code the contract names, plus `Other` for code that is none
/// of them (tokenizer code, unit tests, utilities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CodeRole {
    Architecture,
    Training,
    Inference,
    Evaluation,
    DataProcessing,
    Other,
}

impl CodeRole {
    pub fn as_str(self) -> &'static str {
        match self {
            CodeRole::Architecture => "architecture",
            CodeRole::Training => "training",
            CodeRole::Inference => "inference",
            CodeRole::Evaluation => "evaluation",
            CodeRole::DataProcessing => "data-processing",
            CodeRole::Other => "other",
        }
    }
}

/// Extensions (compared lower-cased) that make a file source code.
const SOURCE_EXTENSIONS: &[&str] = &[
    "py", "pyx", "ipynb", "sh", "bash", "c", "cc", "cpp", "cxx", "cu", "cuh", "h", "hpp", "rs",
    "go", "js", "ts", "jl", "r", "lua", "java", "scala",
];

/// Extensions a training config can have.
const CONFIG_EXTENSIONS: &[&str] = &["json", "yaml", "yml", "toml"];

/// Evaluation results by name: `*results*.json|csv`, `metrics*.json`,
/// leaderboards, `eval_*.json|csv`. They are neither code nor configuration
/// nor training data, and are never opened (a training repository may hold
/// thousands of them). Takes the lower-cased file name.
pub fn is_results_name(lower_name: &str) -> bool {
    let Some((stem, ext)) = lower_name.rsplit_once('.') else {
        return false;
    };
    if !matches!(ext, "json" | "csv" | "tsv") {
        return false;
    }
    stem.contains("result")
        || stem.starts_with("metrics")
        || stem.contains("leaderboard")
        || stem.contains("_scores")
        || stem.starts_with("eval_") && !stem.contains("config")
}

/// Extensions that make a file source code.
pub fn is_source_path(rel_path: &str) -> bool {
    extension(rel_path).is_some_and(|e| SOURCE_EXTENSIONS.contains(&e.as_str()))
}

/// Classifies a code file. `rel_path` is relative with '/' separators, `head`
/// is up to 64 KiB of the file. Returns the role and a short reason for the
/// report. Files with a config extension are training code when
/// [`is_training_config`] says so and `Other` otherwise.
pub fn classify(rel_path: &str, head: &[u8]) -> (CodeRole, &'static str) {
    let head = &head[..head.len().min(HEAD_LIMIT)];
    let ext = extension(rel_path).unwrap_or_default();
    if CONFIG_EXTENSIONS.contains(&ext.as_str()) {
        return if is_training_config(rel_path, head) {
            (CodeRole::Training, "training config")
        } else {
            (CodeRole::Other, "config file without training settings")
        };
    }
    if let Some(hit) = classify_name(file_stem(rel_path)) {
        return hit;
    }
    if let Some(hit) = classify_folders(rel_path) {
        return hit;
    }
    if matches!(ext.as_str(), "sh" | "bash")
        && let Some(hit) = classify_launched_scripts(head)
    {
        return hit;
    }
    classify_content(head).unwrap_or((CodeRole::Other, "no role cues found"))
}

/// Training configs count as training code: DeepSpeed configs, accelerate
/// configs, and YAML/JSON/TOML holding an optimizer with a learning rate and
/// a length or batch size, Hugging Face `TrainingArguments`-style files, and
/// axolotl / LLaMA-Factory recipes. Keys are found textually in `head` (up to
/// 64 KiB), which may be a truncated prefix of the file, so no parse is
/// attempted. The Hugging Face metadata files (config.json, tokenizer and
/// generation configs, ...) are never training configs: the contract says
/// config.json is not code, and these files can carry stray training keys.
pub fn is_training_config(rel_path: &str, head: &[u8]) -> bool {
    let ext = extension(rel_path).unwrap_or_default();
    if !CONFIG_EXTENSIONS.contains(&ext.as_str()) {
        return false;
    }
    let name = file_name(rel_path).to_ascii_lowercase();
    if NOT_TRAINING_CONFIGS.contains(&name.as_str())
        || name.ends_with(".index.json")
        || name.contains("tokenizer")
    {
        return false;
    }
    let keys = KeySet::of(&head[..head.len().min(HEAD_LIMIT)]);
    let has = |key: &str| keys.has(key);
    let any = |list: &[&str]| list.iter().any(|k| keys.has(k));

    // DeepSpeed: these keys exist nowhere else.
    if any(&["zero_optimization", "train_micro_batch_size_per_gpu"]) {
        return true;
    }
    if name.starts_with("ds_config") && has("optimizer") {
        return true;
    }
    // accelerate's `accelerate config` output.
    if any(&["distributed_type", "compute_environment"]) {
        return true;
    }
    // Generic recipe: what to optimise with, how fast, and for how long.
    if any(OPTIMIZER_KEYS) && any(LR_KEYS) && any(LENGTH_KEYS) {
        return true;
    }
    // Hugging Face TrainingArguments (and LLaMA-Factory, which uses them):
    // these argument names are specific to training runs.
    if has("learning_rate")
        && any(&[
            "num_train_epochs",
            "per_device_train_batch_size",
            "gradient_accumulation_steps",
        ])
    {
        return true;
    }
    // LLaMA-Factory without a learning rate in the head.
    if has("finetuning_type") && has("stage") {
        return true;
    }
    // axolotl: a base model, datasets and a schedule.
    has("base_model")
        && has("datasets")
        && any(&["micro_batch_size", "num_epochs", "learning_rate"])
}

/// Hugging Face metadata files that share the config extensions.
const NOT_TRAINING_CONFIGS: &[&str] = &[
    "config.json",
    "generation_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "adapter_config.json",
    "model_index.json",
    "modules.json",
    "preprocessor_config.json",
    "processor_config.json",
    "scheduler_config.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    // Written by the HF Trainer: a log of a run, not the recipe for one.
    "trainer_state.json",
];

const OPTIMIZER_KEYS: &[&str] = &["optimizer", "optim", "optimizer_type"];
const LR_KEYS: &[&str] = &["lr", "learning_rate", "base_lr", "max_lr", "peak_lr"];
const LENGTH_KEYS: &[&str] = &[
    "epochs",
    "num_epochs",
    "num_train_epochs",
    "max_epochs",
    "max_steps",
    "train_steps",
    "total_steps",
    "max_iters",
    "batch_size",
    "train_batch_size",
    "micro_batch_size",
    "global_batch_size",
    "per_device_train_batch_size",
];

/// Keys [`is_training_config`] asks about by name, beyond the three groups.
const NAMED_KEYS: &[&str] = &[
    "zero_optimization",
    "train_micro_batch_size_per_gpu",
    "distributed_type",
    "compute_environment",
    "gradient_accumulation_steps",
    "finetuning_type",
    "stage",
    "base_model",
    "datasets",
];

/// Every key [`is_training_config`] asks about (at most 64, one bit each).
static ALL_KEYS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| [NAMED_KEYS, OPTIMIZER_KEYS, LR_KEYS, LENGTH_KEYS].concat());

/// Each of [`ALL_KEYS`] by its bytes, to its bit: one hash look-up per
/// candidate word instead of a comparison with every key (results files
/// hold a ':' every few bytes).
static KEY_BITS: std::sync::LazyLock<crate::fnv::FnvMap<&'static [u8], u32>> =
    std::sync::LazyLock::new(|| {
        ALL_KEYS
            .iter()
            .zip(0u32..)
            .map(|(k, bit)| (k.as_bytes(), bit))
            .collect()
    });

/// The lengths of [`ALL_KEYS`], as bits: a word of no key's length is not
/// looked up (most words before a ':' in a results file are no key).
static KEY_LENGTHS: std::sync::LazyLock<u64> = std::sync::LazyLock::new(|| {
    ALL_KEYS
        .iter()
        .filter(|k| k.len() < 64)
        .fold(0u64, |m, k| m | 1 << k.len())
});

/// Which of [`ALL_KEYS`] appear in a text as keys: not inside a longer
/// identifier, and followed (after an optional closing quote and spaces) by
/// ':' (JSON, YAML) or '=' (TOML). Found in one pass over the text: every
/// ':' or '=' (located with `memchr`) is walked back over spaces and one
/// optional quote to the identifier before it, which is looked up once. The
/// cost is linear in the text, whatever the number of keys asked about (a
/// search per key, position by position, made results folders of thousands
/// of JSON files slow).
struct KeySet(u64);

impl KeySet {
    fn of(text: &[u8]) -> KeySet {
        let mut found = 0u64;
        for at in memchr::memchr2_iter(b':', b'=', text) {
            let mut end = at;
            while end > 0 && text[end - 1].is_ascii_whitespace() {
                end -= 1;
            }
            if end > 0 && matches!(text[end - 1], b'"' | b'\'') {
                end -= 1;
            }
            let start = text[..end]
                .iter()
                .rposition(|&b| !is_ident_byte(b))
                .map_or(0, |i| i + 1);
            let word = &text[start..end];
            if word.len() >= 64 || *KEY_LENGTHS & (1 << word.len()) == 0 {
                continue;
            }
            if let Some(bit) = KEY_BITS.get(word) {
                found |= 1 << bit;
            }
        }
        KeySet(found)
    }

    fn has(&self, key: &str) -> bool {
        let bit = ALL_KEYS.iter().position(|k| *k == key);
        debug_assert!(bit.is_some(), "{key} is missing from ALL_KEYS");
        bit.is_some_and(|i| self.0 & (1 << i) != 0)
    }
}

// ---------------------------------------------------------------------------
// Name cues

/// A word cue: a name word that is one of `exact` or starts with one of
/// `prefix` gives `role`.
struct WordCue {
    role: CodeRole,
    exact: &'static [&'static str],
    prefix: &'static [&'static str],
    reason: &'static str,
}

const fn cue(
    role: CodeRole,
    exact: &'static [&'static str],
    prefix: &'static [&'static str],
    reason: &'static str,
) -> WordCue {
    WordCue {
        role,
        exact,
        prefix,
        reason,
    }
}

use CodeRole::{Architecture, DataProcessing, Evaluation, Inference, Other, Training};

/// Checked for each word of a name, first word first, cues in this order.
/// Prefixes are only used where every word they start is of that role:
/// "train" is exact because "trainable" is not a script's purpose, while
/// "eval" is a prefix (eval, evals, evaluate, evaluation, evaluator).
const WORD_CUES: &[WordCue] = &[
    cue(
        Architecture,
        &["modeling", "modelling"],
        &[],
        "name contains 'modeling'",
    ),
    cue(
        Architecture,
        &["configuration"],
        &[],
        "model configuration class",
    ),
    cue(
        Architecture,
        &["arch"],
        &["architecture"],
        "name contains 'arch'",
    ),
    cue(
        Training,
        &["train", "trains", "training", "trainer", "trainers"],
        &[],
        "name contains 'train'",
    ),
    cue(Training, &[], &["finetun"], "name contains 'finetune'"),
    cue(
        Training,
        &["pretrain", "pretraining"],
        &[],
        "name contains 'pretrain'",
    ),
    cue(Training, &["sft"], &[], "name contains 'sft'"),
    cue(
        Training,
        &["dpo", "ppo", "grpo", "orpo", "kto", "rlhf"],
        &[],
        "name names a preference/RL tuning method",
    ),
    cue(Evaluation, &[], &["eval"], "name contains 'eval'"),
    cue(Evaluation, &[], &["benchmark"], "name contains 'benchmark'"),
    cue(Inference, &[], &["infer"], "name contains 'infer'"),
    cue(Inference, &[], &["predict"], "name contains 'predict'"),
    cue(
        Inference,
        &["generate", "generation"],
        &[],
        "name contains 'generate'",
    ),
    cue(
        Inference,
        &["serve", "server", "serving"],
        &[],
        "name contains 'serve'",
    ),
    cue(Inference, &["demo", "demos"], &[], "name contains 'demo'"),
    cue(Inference, &["app"], &[], "app script"),
    cue(Inference, &[], &["pipeline"], "name contains 'pipeline'"),
    cue(Inference, &["chat", "chatbot"], &[], "name contains 'chat'"),
    cue(Inference, &["handler"], &[], "endpoint handler"),
    cue(
        DataProcessing,
        &[],
        &["preprocess"],
        "name contains 'preprocess'",
    ),
    cue(DataProcessing, &[], &["filter"], "name contains 'filter'"),
    cue(DataProcessing, &[], &["dedup"], "name contains 'dedup'"),
    cue(
        DataProcessing,
        &["tokenize"],
        &[],
        "name contains 'tokenize'",
    ),
];

/// Verbs that, followed later in the name by a word starting with "data",
/// make a data-preparation script: prepare_data, build_dataset,
/// convert_hf_data, gen_train_data.
const DATA_VERBS: &[&str] = &[
    "prepare",
    "prep",
    "build",
    "make",
    "create",
    "process",
    "convert",
    "clean",
    "gen",
    "generate",
    "synthesize",
];

fn classify_name(stem: &str) -> Option<(CodeRole, &'static str)> {
    let words = split_words(stem);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let first = *words.first()?;

    // Transformers' remote-code convention; tokenizer code is none of the
    // contract's kinds.
    if first == "tokenization" {
        return Some((Other, "tokenizer code"));
    }
    if words.windows(2).any(|w| w == ["test", "harness"]) {
        return Some((Evaluation, "name contains 'test_harness'"));
    }
    // Unit tests exercise code rather than being one of its kinds; without
    // this "test_modeling_x.py" would count as architecture.
    if matches!(first, "test" | "tests" | "conftest") || words.last() == Some(&"test") {
        return Some((Other, "unit test"));
    }
    if matches!(words.as_slice(), ["model" | "models"]) {
        return Some((Architecture, "file named 'model'"));
    }

    for (i, &word) in words.iter().enumerate() {
        let later = &words[i + 1..];
        if DATA_VERBS.contains(&word) && later.iter().any(|w| w.starts_with("data")) {
            return Some((DataProcessing, "name says it prepares data"));
        }
        if word == "data" && later.first().is_some_and(|w| w.starts_with("prep")) {
            return Some((DataProcessing, "name contains 'data_prep'"));
        }
        if word == "fine" && later.first().is_some_and(|w| w.starts_with("tun")) {
            return Some((Training, "name contains 'fine-tune'"));
        }
        for c in WORD_CUES {
            if c.exact.contains(&word) || c.prefix.iter().any(|p| word.starts_with(p)) {
                return Some((c.role, c.reason));
            }
        }
    }
    // Only when nothing says what the tokenizer is for ("train_tokenizer.py"
    // trains one).
    if words
        .iter()
        .any(|w| matches!(*w, "tokenizer" | "tokenizers"))
    {
        return Some((Other, "tokenizer code"));
    }
    None
}

/// Splits a file stem into lower-cased words at non-alphanumeric characters,
/// camelCase humps ("trainModel", "SFTTrainer" → "sft", "trainer") and
/// letter/digit edges ("llama2" → "llama", "2").
fn split_words(stem: &str) -> Vec<String> {
    let chars: Vec<char> = stem.chars().collect();
    let mut words = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(&p) = i.checked_sub(1).and_then(|j| chars.get(j))
            && p.is_alphanumeric()
        {
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let hump = p.is_lowercase() && c.is_uppercase();
            let acronym_end = p.is_uppercase() && c.is_uppercase() && next_lower;
            let digit_edge = p.is_ascii_digit() != c.is_ascii_digit();
            if (hump || acronym_end || digit_edge) && !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Folder names that label what the files under them are for. The nearest
/// labelled folder wins ("models/training/x.py" is training).
fn classify_folders(rel_path: &str) -> Option<(CodeRole, &'static str)> {
    let dirs: Vec<String> = rel_path
        .split('/')
        .rev()
        .skip(1)
        .map(str::to_lowercase)
        .collect();
    for (i, dir) in dirs.iter().enumerate() {
        let parent = dirs.get(i + 1).map(String::as_str);
        let hit = match dir.as_str() {
            "train" | "training" | "trainer" | "finetune" | "finetuning" | "fine-tuning"
            | "fine_tuning" | "pretrain" | "pretraining" | "sft" => {
                (Training, "under a training folder")
            }
            "eval" | "evals" | "evaluation" | "evaluations" | "benchmark" | "benchmarks" => {
                (Evaluation, "under an evaluation folder")
            }
            "preprocessing" | "preprocess" | "data_processing" | "data-processing"
            | "data_prep" => (DataProcessing, "under a preprocessing folder"),
            // A bare data/ folder usually holds data; under scripts/ it holds
            // the scripts that make it.
            "data" if parent == Some("scripts") => (DataProcessing, "under scripts/data/"),
            "models" | "model" | "modeling" | "architecture" | "architectures" => {
                (Architecture, "under a models folder")
            }
            "inference" | "serving" | "demo" | "demos" => (Inference, "under an inference folder"),
            "tests" | "test" => (Other, "under a tests folder"),
            _ => continue,
        };
        return Some(hit);
    }
    None
}

// ---------------------------------------------------------------------------
// Content cues

/// A shell script is what it launches: the first Python script it names
/// whose name has a role gives the role ("python train.py ..." is training).
fn classify_launched_scripts(head: &[u8]) -> Option<(CodeRole, &'static str)> {
    let text = crate::formats::decode_lossy(head);
    text.split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ';' | '(' | ')'))
        .filter_map(|w| w.strip_suffix(".py"))
        .filter_map(|w| classify_name(w.rsplit('/').next().unwrap_or(w)))
        .find(|(role, _)| *role != Other)
        .map(|(role, _)| {
            let reason = match role {
                Architecture => "runs a model script",
                Training => "runs a training script",
                Inference => "runs an inference script",
                Evaluation => "runs an evaluation script",
                DataProcessing => "runs a data-processing script",
                Other => "runs a script",
            };
            (role, reason)
        })
}

/// A substring cue; `word_start` requires that it not continue an
/// identifier ("pipeline(" must not match "make_pipeline(").
struct TextCue {
    needle: &'static str,
    word_start: bool,
    reason: &'static str,
}

const fn text(needle: &'static str, word_start: bool, reason: &'static str) -> TextCue {
    TextCue {
        needle,
        word_start,
        reason,
    }
}

// "Trainer(" deliberately has no word start: SFTTrainer(, Seq2SeqTrainer(,
// DPOTrainer( and pl.Trainer( are all trainers.
const TRAINING_CUES: &[TextCue] = &[
    text("Trainer(", false, "uses a Trainer"),
    text(".backward(", false, "calls .backward()"),
    text("optimizer.step(", false, "steps an optimizer"),
    text("def training_step(", false, "defines training_step"),
    text("deepspeed.initialize(", true, "initialises DeepSpeed"),
];

const EVALUATION_CUES: &[TextCue] = &[
    text("evaluate.load(", true, "uses evaluate.load"),
    text("load_metric(", true, "loads a metric"),
    text("lm_eval", true, "uses lm-evaluation-harness"),
    text("accuracy_score(", true, "computes accuracy"),
    text("correct / total", false, "computes accuracy"),
    text("correct/total", false, "computes accuracy"),
    text("def compute_metrics(", true, "computes metrics"),
    text("jiwer.", true, "computes word error rate"),
    text("sacrebleu.", true, "computes BLEU"),
];

const DATA_SINK_CUES: &[&str] = &[
    ".map(",
    ".filter(",
    "save_to_disk(",
    ".to_parquet(",
    ".to_json(",
];

const INFERENCE_CUES: &[TextCue] = &[
    text(".generate(", false, "calls model.generate()"),
    text("pipeline(", true, "uses a transformers pipeline"),
    text("InferenceSession(", false, "runs an ONNX Runtime session"),
    text("import gradio", true, "builds a Gradio demo"),
    text("from_pretrained(", false, "loads a pretrained model"),
];

/// Base classes that make a class a model definition.
const MODEL_BASES: &[&str] = &[
    "nn.Module",
    "PreTrainedModel",
    "nn.Layer",
    "nn.Cell",
    "keras.Model",
    "layers.Layer",
    "eqx.Module",
    "LightningModule",
];

/// Content cues in precedence order. Training beats architecture because a
/// script that defines a small model and trains it is a training script;
/// evaluation and data processing beat inference because both load models
/// and generate on the way; `from_pretrained(` alone, being everywhere, is
/// the weakest cue of all.
fn classify_content(head: &[u8]) -> Option<(CodeRole, &'static str)> {
    let first = |cues: &[TextCue]| {
        cues.iter()
            .find(|c| contains_cue(head, c.needle.as_bytes(), c.word_start))
            .map(|c| c.reason)
    };
    if let Some(reason) = first(TRAINING_CUES) {
        return Some((Training, reason));
    }
    if defines_model_class(head) {
        return Some((Architecture, "defines nn.Module subclass"));
    }
    if let Some(reason) = first(EVALUATION_CUES) {
        return Some((Evaluation, reason));
    }
    if contains_cue(head, b"load_dataset(", true)
        && DATA_SINK_CUES
            .iter()
            .any(|s| contains_cue(head, s.as_bytes(), false))
    {
        return Some((DataProcessing, "loads and transforms a dataset"));
    }
    first(INFERENCE_CUES).map(|reason| (Inference, reason))
}

/// Whether some `class Name(<bases>)` lists a model base class. Works on raw
/// bytes, so it also finds classes in a notebook's JSON-quoted source lines.
fn defines_model_class(head: &[u8]) -> bool {
    find_all(head, b"class ").any(|at| {
        if at > 0 && is_ident_byte(head[at - 1]) {
            return false;
        }
        let rest = &head[at + b"class ".len()..];
        let name_len = rest.iter().take_while(|&&b| is_ident_byte(b)).count();
        if name_len == 0 {
            return false;
        }
        let Some(rest) = rest[name_len..].trim_ascii_start().strip_prefix(b"(") else {
            return false;
        };
        // Base lists are short; the bound keeps a stray "class X(" from
        // scanning the whole head.
        let rest = &rest[..rest.len().min(256)];
        let bases = match rest.iter().position(|&b| b == b')') {
            Some(end) => &rest[..end],
            None => return false,
        };
        MODEL_BASES
            .iter()
            .any(|base| find_all(bases, base.as_bytes()).next().is_some())
    })
}

fn contains_cue(hay: &[u8], needle: &[u8], word_start: bool) -> bool {
    find_all(hay, needle).any(|at| !word_start || at == 0 || !is_ident_byte(hay[at - 1]))
}

/// Start offsets of every occurrence of `needle` in `hay`, in time linear in
/// `hay` (`memchr::memmem`: a vectorised prefilter, then Two-Way).
fn find_all<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    memchr::memmem::find_iter(hay, needle)
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

// ---------------------------------------------------------------------------
// Paths

fn file_name(rel_path: &str) -> &str {
    rel_path.rsplit('/').next().unwrap_or(rel_path)
}

/// The file name without its last extension; a leading dot is part of the
/// name, not an extension separator (".bashrc").
fn file_stem(rel_path: &str) -> &str {
    let name = file_name(rel_path);
    match name.rfind('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

/// The lower-cased last extension, if any.
fn extension(rel_path: &str) -> Option<String> {
    let name = file_name(rel_path);
    match name.rfind('.') {
        Some(i) if i > 0 && i + 1 < name.len() => Some(name[i + 1..].to_ascii_lowercase()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_config_keys_fit_one_bit_each() {
        assert!(ALL_KEYS.len() <= 64, "{} keys", ALL_KEYS.len());
        let mut unique = ALL_KEYS.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ALL_KEYS.len(), "a key is listed twice");
    }

    fn role(path: &str) -> CodeRole {
        classify(path, b"").0
    }

    fn role_of(path: &str, content: &str) -> (CodeRole, &'static str) {
        classify(path, content.as_bytes())
    }

    #[test]
    fn role_names() {
        assert_eq!(Architecture.as_str(), "architecture");
        assert_eq!(Training.as_str(), "training");
        assert_eq!(Inference.as_str(), "inference");
        assert_eq!(Evaluation.as_str(), "evaluation");
        assert_eq!(DataProcessing.as_str(), "data-processing");
        assert_eq!(Other.as_str(), "other");
    }

    #[test]
    fn source_paths() {
        for p in [
            "train.py",
            "nb/Demo.IPYNB",
            "run.sh",
            "kernels/attn.cu",
            "csrc/x.cpp",
            "a/b.cc",
            "x.c",
            "x.h",
            "src/lib.rs",
            "main.go",
            "web/app.js",
            "web/app.ts",
            "m.jl",
            "analysis.R",
            "init.lua",
            "Main.java",
            "Job.scala",
        ] {
            assert!(is_source_path(p), "{p}");
        }
        for p in [
            "config.json",
            "README.md",
            "model.safetensors",
            "Makefile",
            ".py",
            "py",
            "x.py.bak",
            "",
            "dir.py/file",
        ] {
            assert!(!is_source_path(p), "{p}");
        }
    }

    #[test]
    fn architecture_names() {
        assert_eq!(
            classify("modeling_llama.py", b""),
            (Architecture, "name contains 'modeling'")
        );
        assert_eq!(role("pkg/modeling_x.py"), Architecture);
        assert_eq!(role("model.py"), Architecture);
        assert_eq!(role("src/models/llama.py"), Architecture);
        assert_eq!(role("architecture_v2.py"), Architecture);
        assert_eq!(role("unet_arch.py"), Architecture);
        assert_eq!(role("configuration_x.py"), Architecture);
    }

    #[test]
    fn training_names() {
        assert_eq!(
            classify("train.py", b""),
            (Training, "name contains 'train'")
        );
        for p in [
            "train_lora.py",
            "scripts/run_training.py",
            "finetune.py",
            "finetuning_llama.sh",
            "Fine-Tuning Llama.ipynb",
            "pretrain_gpt.py",
            "sft.py",
            "dpo_trainer.py",
            "trainer.py",
            "trainModel.py",
            "run_SFTTrainer.py",
        ] {
            assert_eq!(role(p), Training, "{p}");
        }
    }

    #[test]
    fn inference_names() {
        for p in [
            "infer.py",
            "inference.py",
            "predict.py",
            "generate.py",
            "serve.py",
            "demo.py",
            "app.py",
            "pipeline.py",
            "run_batch_inference.py",
            "chat.py",
            "handler.py",
        ] {
            assert_eq!(role(p), Inference, "{p}");
        }
    }

    #[test]
    fn evaluation_names() {
        for p in [
            "eval.py",
            "evaluate.py",
            "run_eval.sh",
            "benchmark.py",
            "benchmarks_mmlu.py",
            "evaluation/utils.py",
            "test_harness.py",
        ] {
            assert_eq!(role(p), Evaluation, "{p}");
        }
    }

    #[test]
    fn data_processing_names() {
        for p in [
            "preprocess.py",
            "preprocessing_wiki.py",
            "prepare_data.py",
            "data_prep.py",
            "tokenize_dataset.py",
            "build_dataset.py",
            "filter_docs.py",
            "dedup.py",
            "deduplicate_minhash.py",
            "process_data.py",
            "convert_sharegpt_data.py",
            "gen_train_data.py",
            "generate_dataset.py",
            "scripts/data/download.py",
            "preprocessing/clean.py",
        ] {
            assert_eq!(role(p), DataProcessing, "{p}");
        }
    }

    #[test]
    fn tokenizer_and_tests_are_other() {
        assert_eq!(
            classify("tokenization_x.py", b"class X(nn.Module): pass"),
            (Other, "tokenizer code")
        );
        assert_eq!(role("tokenizer.py"), Other);
        assert_eq!(role("test_modeling_x.py"), Other);
        assert_eq!(role("modeling_test.py"), Other);
        // Training a tokenizer is training.
        assert_eq!(role("train_tokenizer.py"), Training);
    }

    #[test]
    fn name_false_positives() {
        // Substrings inside other words are not cues.
        assert_eq!(role("constrain.py"), Other);
        assert_eq!(role("retrieval.py"), Other);
        assert_eq!(role("trainable_params.py"), Other);
        assert_eq!(role("strain_gauge.py"), Other);
        assert_eq!(role("generator.py"), Other);
        assert_eq!(role("application.py"), Other);
        assert_eq!(role("model_utils.py"), Other);
        assert_eq!(role("interval.py"), Other);
        assert_eq!(role("data/loader.py"), Other);
        assert_eq!(role("retrieval/index.py"), Other);
        // Folder cues are whole folder names.
        assert_eq!(role("constraint/solver.py"), Other);
    }

    #[test]
    fn file_name_beats_folder_and_nearest_folder_wins() {
        assert_eq!(role("eval/run_inference.py"), Inference);
        assert_eq!(role("models/training/loop.py"), Training);
        assert_eq!(
            classify("training/utils.py", b""),
            (Training, "under a training folder")
        );
        assert_eq!(role("Train/Utils.py"), Training);
        assert_eq!(role("tests/helpers.py"), Other);
    }

    #[test]
    fn content_architecture() {
        assert_eq!(
            role_of(
                "layers.py",
                "import torch\nclass Block(nn.Module):\n    pass\n"
            ),
            (Architecture, "defines nn.Module subclass")
        );
        assert_eq!(
            role_of("x.py", "class XModel(XPreTrainedModel):\n"),
            (Architecture, "defines nn.Module subclass")
        );
        assert_eq!(
            role_of("x.py", "class Net(\n    torch.nn.Module,\n    Mixin):\n").0,
            Architecture
        );
        assert_eq!(
            role_of("x.py", "class Net(paddle.nn.Layer):").0,
            Architecture
        );
        // A class with an unrelated base, or a comment mentioning nn.Module.
        assert_eq!(
            role_of("x.py", "class Cfg(object):  # not nn.Module").0,
            Other
        );
        assert_eq!(role_of("x.py", "subclass X(nn.Module)").0, Other);
    }

    #[test]
    fn content_training() {
        assert_eq!(
            role_of(
                "main.py",
                "trainer = Trainer(model=m, args=a)\ntrainer.train()"
            ),
            (Training, "uses a Trainer")
        );
        assert_eq!(
            role_of("main.py", "t = SFTTrainer(model, train_dataset=ds)").0,
            Training
        );
        // A script that defines a model and trains it is training code.
        assert_eq!(
            role_of(
                "mnist.py",
                "class Net(nn.Module):\n ...\nloss.backward()\noptimizer.step()\n"
            ),
            (Training, "calls .backward()")
        );
        assert_eq!(role_of("loop.py", "    optimizer.step()\n").0, Training);
    }

    #[test]
    fn content_inference_evaluation_data() {
        assert_eq!(
            role_of(
                "main.py",
                "m = AutoModelForCausalLM.from_pretrained(p)\nout = model.generate(**x)"
            ),
            (Inference, "calls model.generate()")
        );
        assert_eq!(
            role_of("run.py", "pipe = pipeline('text-generation', model=p)").0,
            Inference
        );
        assert_eq!(
            role_of("run.py", "m = AutoModel.from_pretrained(p)"),
            (Inference, "loads a pretrained model")
        );
        // sklearn's make_pipeline is not a transformers pipeline.
        assert_eq!(role_of("run.py", "p = make_pipeline(a, b)").0, Other);
        assert_eq!(
            role_of(
                "score.py",
                "m = evaluate.load('accuracy')\nmodel.generate(x)"
            ),
            (Evaluation, "uses evaluate.load")
        );
        assert_eq!(role_of("score.py", "print(correct / total)").0, Evaluation);
        assert_eq!(role_of("run.sh", "lm_eval --model hf").0, Evaluation);
        assert_eq!(
            role_of("asr.ipynb", "wer = jiwer.wer(refs, hyps)"),
            (Evaluation, "computes word error rate")
        );
        assert_eq!(
            role_of(
                "make.py",
                "ds = load_dataset('x')\nds = ds.map(fn)\ntok = AutoTokenizer.from_pretrained(p)"
            ),
            (DataProcessing, "loads and transforms a dataset")
        );
        // Loading a dataset alone is not processing it.
        assert_eq!(
            role_of("look.py", "ds = load_dataset('x')\nprint(ds)").0,
            Other
        );
        // Training cues beat data cues.
        assert_eq!(
            role_of(
                "main.py",
                "ds = load_dataset('x').map(f)\nTrainer(model).train()"
            )
            .0,
            Training
        );
    }

    #[test]
    fn notebooks_by_name_then_raw_content() {
        assert_eq!(role("notebooks/Inference_Demo.ipynb"), Inference);
        let nb = r#"{"cells": [{"cell_type": "code", "source": [
            "import torch\n",
            "class Net(nn.Module):\n",
            "    def __init__(self):\n"
        ]}]}"#;
        assert_eq!(role_of("Untitled.ipynb", nb).0, Architecture);
        let nb = r#"{"cells": [{"source": ["trainer = Trainer(model=model)\n"]}]}"#;
        assert_eq!(role_of("walkthrough.ipynb", nb).0, Training);
    }

    #[test]
    fn shell_scripts_are_what_they_launch() {
        assert_eq!(
            role_of(
                "run.sh",
                "#!/bin/bash\nset -e\ntorchrun --nproc 8 src/train.py --lr 1e-4\n"
            ),
            (Training, "runs a training script")
        );
        assert_eq!(
            role_of("go.sh", "python3 \"scripts/prepare_data.py\" && echo ok"),
            (DataProcessing, "runs a data-processing script")
        );
        assert_eq!(role_of("go.sh", "python utils.py").0, Other);
    }

    #[test]
    fn training_configs() {
        let ds = r#"{"train_batch_size": 64, "zero_optimization": {"stage": 3}}"#;
        assert!(is_training_config("ds_config_zero3.json", ds.as_bytes()));
        let ds = r#"{"optimizer": {"type": "AdamW", "params": {"lr": 1e-5}}}"#;
        assert!(is_training_config("configs/ds_config.json", ds.as_bytes()));
        let acc =
            "compute_environment: LOCAL_MACHINE\ndistributed_type: MULTI_GPU\nnum_processes: 8\n";
        assert!(is_training_config(
            "accelerate/default_config.yaml",
            acc.as_bytes()
        ));
        let generic = "model:\n  dim: 512\noptimizer: adamw\nlr: 3.0e-4\nmax_steps: 10000\n";
        assert!(is_training_config("recipe.yml", generic.as_bytes()));
        let toml = "optimizer = \"adam\"\nlearning_rate = 0.001\nepochs = 3\n";
        assert!(is_training_config("train.toml", toml.as_bytes()));
        let axolotl = "base_model: meta-llama/Llama-2-7b-hf\ndatasets:\n  - path: x\n    type: alpaca\nmicro_batch_size: 2\nnum_epochs: 4\noptimizer: adamw_bnb_8bit\n";
        assert!(is_training_config(
            "examples/llama-2/lora.yml",
            axolotl.as_bytes()
        ));
        let lf = "model_name_or_path: x\nstage: sft\ndo_train: true\nfinetuning_type: lora\nper_device_train_batch_size: 1\nlearning_rate: 1.0e-4\nnum_train_epochs: 3.0\n";
        assert!(is_training_config("llama3_lora_sft.yaml", lf.as_bytes()));
        assert_eq!(
            classify("llama3_lora_sft.yaml", lf.as_bytes()),
            (Training, "training config")
        );
    }

    #[test]
    fn not_training_configs() {
        // Learning rate alone, or only an optimizer, is not a recipe.
        assert!(!is_training_config("x.yaml", b"lr: 0.1\n"));
        assert!(!is_training_config(
            "x.yaml",
            b"optimizer: adam\nepochs: 3\n"
        ));
        // Keys must be whole keys, not parts of longer ones or values.
        assert!(!is_training_config(
            "x.json",
            br#"{"optimizer_name": "adam", "warmup_lr": 1, "max_epochs_note": 2}"#
        ));
        // HF metadata files never count, whatever they hold.
        let stray = r#"{"optimizer": "adam", "learning_rate": 1e-4, "num_train_epochs": 3}"#;
        assert!(!is_training_config("config.json", stray.as_bytes()));
        assert!(!is_training_config(
            "tokenizer_config.json",
            stray.as_bytes()
        ));
        assert!(!is_training_config(
            "model.safetensors.index.json",
            stray.as_bytes()
        ));
        // The Trainer's log of a run.
        let state = r#"{"epoch": 3.0, "max_steps": 100, "log_history": [{"learning_rate": 1e-5}], "train_batch_size": 8}"#;
        assert!(!is_training_config("trainer_state.json", state.as_bytes()));
        assert!(!is_training_config(
            "checkpoint/other_state.json",
            state.as_bytes()
        ));
        // Wrong extension.
        assert!(!is_training_config("train.py", stray.as_bytes()));
        assert_eq!(classify("config.json", stray.as_bytes()).0, Other);
        // CI workflow.
        let ci = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n";
        assert!(!is_training_config(
            ".github/workflows/ci.yml",
            ci.as_bytes()
        ));
    }

    #[test]
    fn no_panics_on_odd_input() {
        let odd: &[&[u8]] = &[
            b"",
            b"class ",
            b"class X",
            b"class X(",
            b"class X(nn.Module",
            b"\xff\xfe\x00class \xff(nn.Module)",
            b"lr",
            b"lr\"",
            b"\"optimizer\"",
            "é class Ω(nn.Module): 💥".as_bytes(),
        ];
        let paths = [
            "",
            "/",
            "//",
            ".",
            "..",
            "a/",
            ".py",
            "é/ü.py",
            "x.sh",
            "x.json",
            "x.ipynb",
            "x.",
            "ÄÖÜ_TRAIN.py",
        ];
        for p in paths {
            for h in odd {
                let _ = classify(p, h);
                let _ = is_training_config(p, h);
                let _ = is_source_path(p);
            }
        }
        assert_eq!(role_of("é.py", "é class Ω(nn.Module):").0, Other);
        assert_eq!(role("ÄÖÜ_TRAIN.py"), Training);
        // Heads longer than the limit are cut, not scanned.
        let mut big = vec![b' '; HEAD_LIMIT];
        big.extend_from_slice(b"loss.backward()");
        assert_eq!(classify("x.py", &big).0, Other);
    }

    #[test]
    fn word_splitting() {
        assert_eq!(split_words("SFTTrainer"), ["sft", "trainer"]);
        assert_eq!(split_words("trainModel_v2"), ["train", "model", "v", "2"]);
        assert_eq!(split_words("run-eval.final"), ["run", "eval", "final"]);
        assert_eq!(split_words("llama2"), ["llama", "2"]);
        assert!(split_words("__").is_empty());
    }
}
