//! Readers for the small JSON files of Hugging Face repositories that describe
//! a model rather than hold it: `config.json` (and the files sharing its shape:
//! `tokenizer_config.json`, `generation_config.json`, diffusers component
//! configs), PEFT's `adapter_config.json`, diffusers' `model_index.json` and
//! sentence-transformers' `modules.json`. These files are written by many
//! libraries over many versions, so the readers keep only the fields the scan
//! uses and ignore everything else, including known fields holding a value of
//! an unexpected type: a surprising field must not hide the rest of the file.
//! Only bytes that are not JSON at all (or not UTF-8, or of the wrong top-level
//! shape) are an error. Nesting depth is bounded by serde_json's recursion
//! limit, which stays enabled, so hostile input cannot overflow the stack.

use super::FormatError;
use serde_json::{Map, Value};

/// What `config.json`-shaped files say about a model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelConfig {
    pub architectures: Vec<String>,
    pub model_type: Option<String>,
    /// `dtype` (newer transformers) or `torch_dtype`, as written
    /// ("bfloat16", "float16", "float32", ...).
    pub dtype: Option<String>,
    /// `num_hidden_layers`, or `n_layer` / `num_layers` / `n_layers`.
    pub num_hidden_layers: Option<u64>,
    pub vocab_size: Option<u64>,
    /// Sorted and deduplicated; from `auto_map` at the top level and in
    /// sub-configs one level down (e.g. `text_config.auto_map`).
    pub auto_map: Vec<AutoMapEntry>,
    /// `auto_map` references whose module part is a file path (`/abs/x.C`,
    /// `../../x.C`, `a\\b.C`), as written. They are not [`AutoMapEntry`]s,
    /// whose `module_file` must stay inside the release, but they must not
    /// vanish either: transformers joins such a module path to the repo
    /// folder, so an absolute one imports code from outside the release.
    pub auto_map_paths: Vec<String>,
    pub transformers_version: Option<String>,
    /// `quantization_config.quant_method`.
    pub quantization: Option<String>,
    /// `_name_or_path`.
    pub name_or_path: Option<String>,
}

/// One class reference of an `auto_map`: the code `trust_remote_code` would
/// import for `auto_class`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AutoMapEntry {
    /// The Auto class being mapped, e.g. "AutoModelForCausalLM".
    pub auto_class: String,
    /// The reference as written: "modeling_x.XForCausalLM" or
    /// "org/repo--modeling_x.XForCausalLM".
    pub reference: String,
    /// "org/repo" when the reference pulls code from another repository.
    pub repo: Option<String>,
    /// The module path, e.g. "modeling_x" or "pkg.modeling_x".
    pub module: String,
    pub class: String,
}

impl AutoMapEntry {
    /// The file the module lives in, relative to the repository root:
    /// "modeling_x.py", "pkg/modeling_x.py".
    pub fn module_file(&self) -> String {
        format!("{}.py", self.module.replace('.', "/"))
    }
}

/// Parses `config.json` and the files that share its shape.
pub fn parse_model_config(bytes: &[u8]) -> Result<ModelConfig, FormatError> {
    // A tokenizer config's table of added tokens (hundreds of thousands of
    // entries for a large vocabulary: a 1.2 MB file became 4 MB of JSON
    // values) is read by no rule below: it is skipped, not built. Anything
    // that fails so is parsed again whole, for the error it gives.
    let map = match parse_object_without(bytes, &["added_tokens_decoder"]) {
        Ok(map) => map,
        Err(_) => parse_object(bytes)?,
    };
    // Multimodal configs (Llava, Gemma 3, ...) keep the language model's
    // numbers in `text_config`; use them when the top level has none.
    let text_config = map.get("text_config").and_then(Value::as_object);
    let from_either = |f: &dyn Fn(&Map<String, Value>) -> Option<u64>| {
        f(&map).or_else(|| text_config.and_then(f))
    };

    let mut auto_map = Vec::new();
    let mut auto_map_paths = Vec::new();
    collect_auto_map(&map, &mut auto_map, &mut auto_map_paths);
    for value in map.values() {
        if let Some(sub) = value.as_object() {
            collect_auto_map(sub, &mut auto_map, &mut auto_map_paths);
        }
    }
    auto_map.sort();
    auto_map.dedup();
    auto_map_paths.sort();
    auto_map_paths.dedup();

    Ok(ModelConfig {
        architectures: string_list(map.get("architectures")),
        model_type: get_str(&map, "model_type"),
        dtype: config_dtype(&map).or_else(|| text_config.and_then(config_dtype)),
        num_hidden_layers: from_either(&|m| {
            ["num_hidden_layers", "n_layer", "num_layers", "n_layers"]
                .iter()
                .find_map(|k| get_u64(m, k))
        }),
        vocab_size: from_either(&|m| get_u64(m, "vocab_size")),
        auto_map,
        auto_map_paths,
        transformers_version: get_str(&map, "transformers_version"),
        quantization: map
            .get("quantization_config")
            .and_then(Value::as_object)
            .and_then(quant_method),
        name_or_path: get_str(&map, "_name_or_path"),
    })
}

/// Maps a config dtype name to the safetensors dtype name it implies, so a
/// config can be checked against the tensors it ships with. A `torch.` prefix
/// (as some old configs write it) is ignored. `None` for "auto" and for names
/// this table does not know.
pub fn dtype_to_safetensors(dtype: &str) -> Option<&'static str> {
    let name = dtype.trim();
    let name = name.strip_prefix("torch.").unwrap_or(name);
    Some(match name {
        "bfloat16" => "BF16",
        "float16" | "half" => "F16",
        "float32" | "float" => "F32",
        "float64" | "double" => "F64",
        "int8" => "I8",
        "uint8" => "U8",
        "float8_e4m3fn" => "F8_E4M3",
        "float8_e5m2" => "F8_E5M2",
        _ => return None,
    })
}

/// What a PEFT `adapter_config.json` says about the adapter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdapterConfig {
    pub peft_type: Option<String>,
    /// `base_model_name_or_path`.
    pub base_model: Option<String>,
    pub task_type: Option<String>,
    pub r: Option<u64>,
    /// As written; PEFT also accepts a single regex string, kept as one entry.
    pub target_modules: Vec<String>,
}

/// Parses a PEFT `adapter_config.json`.
pub fn parse_adapter_config(bytes: &[u8]) -> Result<AdapterConfig, FormatError> {
    let map = parse_object(bytes)?;
    Ok(AdapterConfig {
        peft_type: get_str(&map, "peft_type"),
        base_model: get_str(&map, "base_model_name_or_path"),
        task_type: get_str(&map, "task_type"),
        r: get_u64(&map, "r"),
        target_modules: string_list(map.get("target_modules")),
    })
}

/// What a diffusers `model_index.json` says about a pipeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelIndex {
    /// `_class_name`, the pipeline class.
    pub class_name: Option<String>,
    /// `_diffusers_version`.
    pub diffusers_version: Option<String>,
    /// Sorted by name.
    pub components: Vec<DiffusersComponent>,
    /// `_name_or_path`.
    pub name_or_path: Option<String>,
}

/// One component of a diffusers pipeline: a subfolder of the same name holds
/// its config and weights. `[null, null]` marks a disabled component (a
/// dropped safety checker, say) and is kept with both fields `None`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DiffusersComponent {
    pub name: String,
    pub library: Option<String>,
    pub class: Option<String>,
}

/// Parses a diffusers `model_index.json`.
pub fn parse_model_index(bytes: &[u8]) -> Result<ModelIndex, FormatError> {
    let map = parse_object(bytes)?;
    let mut components: Vec<DiffusersComponent> = map
        .iter()
        // Keys starting with '_' are pipeline metadata, not components.
        .filter(|(name, _)| !name.starts_with('_'))
        .filter_map(|(name, value)| {
            let [library, class] = value.as_array()?.as_slice() else {
                return None;
            };
            Some(DiffusersComponent {
                name: name.clone(),
                library: nullable_str(library)?,
                class: nullable_str(class)?,
            })
        })
        .collect();
    components.sort();
    Ok(ModelIndex {
        class_name: get_str(&map, "_class_name"),
        diffusers_version: get_str(&map, "_diffusers_version"),
        components,
        name_or_path: get_str(&map, "_name_or_path"),
    })
}

/// One entry of a sentence-transformers `modules.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentenceModule {
    pub idx: Option<u64>,
    pub name: Option<String>,
    /// Subfolder holding the module; "" (the repository root) for the first
    /// Transformer module.
    pub path: String,
    /// `type`, e.g. "sentence_transformers.models.Pooling".
    pub module_type: String,
}

/// Parses a sentence-transformers `modules.json` (a JSON list). Entries
/// without a string `path` and `type` are skipped: they name no folder.
pub fn parse_modules(bytes: &[u8]) -> Result<Vec<SentenceModule>, FormatError> {
    let value = parse_value(bytes)?;
    let Value::Array(entries) = value else {
        return Err(FormatError::invalid(format!(
            "expected a JSON array at the top level, found {}",
            kind(&value)
        )));
    };
    Ok(entries
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|m| {
            Some(SentenceModule {
                idx: get_u64(m, "idx"),
                name: get_str(m, "name"),
                path: m.get("path")?.as_str()?.to_owned(),
                module_type: m.get("type")?.as_str()?.to_owned(),
            })
        })
        .collect())
}

fn json_text(bytes: &[u8]) -> Result<&str, FormatError> {
    // Editors on Windows sometimes save JSON with a BOM; Python's json (what
    // the libraries use to read these) rejects it too, but it is harmless and
    // the content is still worth reading.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        FormatError::invalid(format!(
            "not UTF-8 text: invalid byte at offset {}",
            e.valid_up_to()
        ))
    })
}

fn parse_value(bytes: &[u8]) -> Result<Value, FormatError> {
    serde_json::from_str(json_text(bytes)?)
        .map_err(|e| FormatError::invalid(format!("not valid JSON: {e}")))
}

/// A top-level JSON object without the values of the `skip` keys, which
/// are checked as JSON but never built.
fn parse_object_without(bytes: &[u8], skip: &[&str]) -> Result<Map<String, Value>, FormatError> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    struct Without<'s>(&'s [&'s str]);
    impl<'de> Visitor<'de> for Without<'_> {
        type Value = Map<String, Value>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
            let mut map = Map::new();
            while let Some(key) = access.next_key::<String>()? {
                if self.0.contains(&key.as_str()) {
                    access.next_value::<IgnoredAny>()?;
                } else {
                    let value: Value = access.next_value()?;
                    map.insert(key, value);
                }
            }
            Ok(map)
        }
    }
    let mut de = serde_json::Deserializer::from_str(json_text(bytes)?);
    let map = (&mut de)
        .deserialize_map(Without(skip))
        .and_then(|map| de.end().map(|()| map))
        .map_err(|e| FormatError::invalid(format!("not valid JSON: {e}")))?;
    Ok(map)
}

fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, FormatError> {
    match parse_value(bytes)? {
        Value::Object(map) => Ok(map),
        other => Err(FormatError::invalid(format!(
            "expected a JSON object at the top level, found {}",
            kind(&other)
        ))),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A non-empty string field; anything else (absent, wrong type, "") is `None`.
fn get_str(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// A non-negative integer field. An integral float ("32.0", as some configs
/// round-tripped through other tools write it) is accepted too.
fn get_u64(map: &Map<String, Value>, key: &str) -> Option<u64> {
    let value = map.get(key)?;
    value.as_u64().or_else(|| {
        let f = value.as_f64()?;
        // u64::MAX as f64 rounds up to 2^64, so compare strictly below it.
        (f >= 0.0 && f.fract() == 0.0 && f < u64::MAX as f64).then_some(f as u64)
    })
}

/// A list of strings (non-strings dropped), or a lone string as one entry.
fn string_list(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// `Some(None)` for null, `Some(Some(s))` for a string, `None` for any other
/// type (so the caller can reject the whole entry).
fn nullable_str(value: &Value) -> Option<Option<String>> {
    match value {
        Value::Null => Some(None),
        Value::String(s) => Some(Some(s.clone())),
        _ => None,
    }
}

fn config_dtype(map: &Map<String, Value>) -> Option<String> {
    get_str(map, "dtype").or_else(|| get_str(map, "torch_dtype"))
}

fn quant_method(qc: &Map<String, Value>) -> Option<String> {
    get_str(qc, "quant_method").or_else(|| {
        // bitsandbytes configs from before `quant_method` existed only carry
        // the load flags.
        let flag = |k| qc.get(k).and_then(Value::as_bool) == Some(true);
        (flag("load_in_4bit") || flag("load_in_8bit")).then(|| "bitsandbytes".to_owned())
    })
}

fn collect_auto_map(
    map: &Map<String, Value>,
    out: &mut Vec<AutoMapEntry>,
    paths: &mut Vec<String>,
) {
    let Some(auto_map) = map.get("auto_map").and_then(Value::as_object) else {
        return;
    };
    let mut add = |auto_class: &str, reference: &str| match parse_reference(auto_class, reference) {
        Some(entry) => out.push(entry),
        // Rejected for holding a path: kept, as written, for the report.
        None if reference
            .split_once("--")
            .map_or(reference, |(_, local)| local)
            .contains(['/', '\\']) =>
        {
            paths.push(reference.to_owned())
        }
        None => {}
    };
    for (auto_class, value) in auto_map {
        match value {
            Value::String(reference) => add(auto_class, reference),
            // AutoTokenizer maps to [slow, fast]; either may be null.
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .for_each(|r| add(auto_class, r)),
            _ => {}
        }
    }
}

/// Splits "[org/repo--]module.path.Class". References that do not name a
/// module and a class are dropped, as are module paths with empty segments
/// or path separators: `module_file` must stay a plain relative path inside
/// the repository (no "..", no absolute paths).
fn parse_reference(auto_class: &str, reference: &str) -> Option<AutoMapEntry> {
    let (repo, local) = match reference.split_once("--") {
        Some((repo, local)) => (Some(repo), local),
        None => (None, reference),
    };
    if repo.is_some_and(str::is_empty) {
        return None;
    }
    let (module, class) = local.rsplit_once('.')?;
    let bad_segment = |s: &str| s.is_empty() || s.contains(['/', '\\', '\0']) || s.trim() != s;
    if class.is_empty() || module.split('.').any(bad_segment) {
        return None;
    }
    Some(AutoMapEntry {
        auto_class: auto_class.to_owned(),
        reference: reference.to_owned(),
        repo: repo.map(str::to_owned),
        module: module.to_owned(),
        class: class.to_owned(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn a_tokenizer_table_is_skipped_and_the_rest_read_as_whole_parsing_does() {
        let tokens: Vec<String> = (0..2000)
            .map(|i| format!(r#""{i}": {{"content": "<t{i}>", "special": true}}"#))
            .collect();
        let text = format!(
            r#"{{"added_tokens_decoder": {{{}}}, "auto_map": {{"AutoTokenizer": ["tok.MyTokenizer", null]}}, "model_type": "x"}}"#,
            tokens.join(", ")
        );
        let config = parse_model_config(text.as_bytes()).unwrap();
        assert_eq!(config.auto_map.len(), 1);
        assert_eq!(config.model_type.as_deref(), Some("x"));
        let whole = parse_object(text.as_bytes()).unwrap();
        let without = parse_object_without(text.as_bytes(), &["added_tokens_decoder"]).unwrap();
        assert_eq!(whole.len(), without.len() + 1);
        assert!(!without.contains_key("added_tokens_decoder"));
        // What is not an object, or not JSON, fails as it did.
        for bad in ["[1, 2]", "{\"a\": }", "{} trailing"] {
            assert_eq!(
                parse_model_config(bad.as_bytes()).unwrap_err(),
                parse_object(bad.as_bytes()).unwrap_err(),
                "{bad}"
            );
            assert!(parse_object_without(bad.as_bytes(), &[]).is_err(), "{bad}");
        }
    }

    const LLAMA: &str = r#"{
      "architectures": ["LlamaForCausalLM"],
      "attention_bias": false,
      "bos_token_id": 128000,
      "eos_token_id": [128001, 128008, 128009],
      "hidden_act": "silu",
      "hidden_size": 4096,
      "model_type": "llama",
      "num_attention_heads": 32,
      "num_hidden_layers": 32,
      "num_key_value_heads": 8,
      "rope_scaling": {"factor": 8.0, "rope_type": "llama3"},
      "torch_dtype": "bfloat16",
      "transformers_version": "4.43.0.dev0",
      "use_cache": true,
      "vocab_size": 128256
    }"#;

    #[test]
    fn llama_config() {
        let c = parse_model_config(LLAMA.as_bytes()).unwrap();
        assert_eq!(c.architectures, vec!["LlamaForCausalLM"]);
        assert_eq!(c.model_type.as_deref(), Some("llama"));
        assert_eq!(c.dtype.as_deref(), Some("bfloat16"));
        assert_eq!(c.num_hidden_layers, Some(32));
        assert_eq!(c.vocab_size, Some(128256));
        assert_eq!(c.transformers_version.as_deref(), Some("4.43.0.dev0"));
        assert!(c.auto_map.is_empty());
        assert_eq!(c.quantization, None);
        assert_eq!(c.name_or_path, None);
        assert_eq!(
            dtype_to_safetensors(c.dtype.as_deref().unwrap()),
            Some("BF16")
        );
    }

    #[test]
    fn remote_code_config() {
        let json = r#"{
          "_name_or_path": "org/phi-x",
          "architectures": ["XForCausalLM"],
          "auto_map": {
            "AutoConfig": "configuration_x.XConfig",
            "AutoModel": "pkg.modeling_x.XModel",
            "AutoModelForCausalLM": "other-org/base-repo--modeling_x.XForCausalLM",
            "AutoModelForSequenceClassification": 7
          },
          "dtype": "float16",
          "torch_dtype": "float32",
          "model_type": "x",
          "quantization_config": {"quant_method": "gptq", "bits": 4}
        }"#;
        let c = parse_model_config(json.as_bytes()).unwrap();
        // dtype (the newer name) wins over torch_dtype.
        assert_eq!(c.dtype.as_deref(), Some("float16"));
        assert_eq!(c.quantization.as_deref(), Some("gptq"));
        assert_eq!(c.name_or_path.as_deref(), Some("org/phi-x"));
        assert_eq!(
            c.auto_map,
            vec![
                AutoMapEntry {
                    auto_class: "AutoConfig".into(),
                    reference: "configuration_x.XConfig".into(),
                    repo: None,
                    module: "configuration_x".into(),
                    class: "XConfig".into(),
                },
                AutoMapEntry {
                    auto_class: "AutoModel".into(),
                    reference: "pkg.modeling_x.XModel".into(),
                    repo: None,
                    module: "pkg.modeling_x".into(),
                    class: "XModel".into(),
                },
                AutoMapEntry {
                    auto_class: "AutoModelForCausalLM".into(),
                    reference: "other-org/base-repo--modeling_x.XForCausalLM".into(),
                    repo: Some("other-org/base-repo".into()),
                    module: "modeling_x".into(),
                    class: "XForCausalLM".into(),
                },
            ]
        );
        assert_eq!(c.auto_map[0].module_file(), "configuration_x.py");
        assert_eq!(c.auto_map[1].module_file(), "pkg/modeling_x.py");
        assert_eq!(c.auto_map[2].module_file(), "modeling_x.py");
    }

    #[test]
    fn tokenizer_config_auto_map_list() {
        let json = r#"{
          "add_bos_token": true,
          "auto_map": {"AutoTokenizer": [null, "tokenization_x.XTokenizerFast"]},
          "chat_template": "{% for m in messages %}{{ m.content }}{% endfor %}",
          "model_max_length": 1000000000000000019884624838656,
          "tokenizer_class": "XTokenizerFast"
        }"#;
        let c = parse_model_config(json.as_bytes()).unwrap();
        assert_eq!(c.auto_map.len(), 1);
        let e = &c.auto_map[0];
        assert_eq!(e.auto_class, "AutoTokenizer");
        assert_eq!(e.module, "tokenization_x");
        assert_eq!(e.class, "XTokenizerFast");
        assert_eq!(e.module_file(), "tokenization_x.py");
        assert!(c.architectures.is_empty());
    }

    #[test]
    fn auto_map_in_sub_config_and_both_tokenizers() {
        let json = r#"{
          "auto_map": {"AutoTokenizer": ["tokenization_x.XTokenizer", "tokenization_x.XTokenizerFast"]},
          "text_config": {
            "auto_map": {"AutoConfig": "configuration_t.TConfig"},
            "num_hidden_layers": 24, "vocab_size": 32000, "torch_dtype": "bfloat16"
          }
        }"#;
        let c = parse_model_config(json.as_bytes()).unwrap();
        let refs: Vec<_> = c.auto_map.iter().map(|e| e.reference.as_str()).collect();
        assert_eq!(
            refs,
            [
                "configuration_t.TConfig",
                "tokenization_x.XTokenizer",
                "tokenization_x.XTokenizerFast"
            ]
        );
        assert_eq!(c.num_hidden_layers, Some(24));
        assert_eq!(c.vocab_size, Some(32000));
        assert_eq!(c.dtype.as_deref(), Some("bfloat16"));
    }

    #[test]
    fn malformed_auto_map_references_are_dropped() {
        let json = r#"{"auto_map": {
          "A": "noclass", "B": "--m.C", "C": "a..b.C", "D": "../evil.C",
          "E": "m.", "F": "/abs/m.C", "G": "ok.C"
        }}"#;
        let c = parse_model_config(json.as_bytes()).unwrap();
        let refs: Vec<_> = c.auto_map.iter().map(|e| e.reference.as_str()).collect();
        assert_eq!(refs, ["ok.C"]);
    }

    #[test]
    fn gpt2_style_layer_count() {
        let json = r#"{
          "activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"],
          "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12,
          "n_layer": 12, "n_positions": 1024, "vocab_size": 50257
        }"#;
        let c = parse_model_config(json.as_bytes()).unwrap();
        assert_eq!(c.num_hidden_layers, Some(12));
        assert_eq!(c.vocab_size, Some(50257));
        assert_eq!(c.dtype, None);
    }

    #[test]
    fn fields_of_unexpected_type_are_ignored() {
        let json = r#"{
          "architectures": "SingleArch", "model_type": 3, "torch_dtype": null,
          "num_hidden_layers": "32", "num_layers": 6.0, "vocab_size": -1,
          "auto_map": ["not", "an", "object"], "quantization_config": "q4",
          "transformers_version": {"v": 1}
        }"#;
        let c = parse_model_config(json.as_bytes()).unwrap();
        assert_eq!(c.architectures, vec!["SingleArch"]);
        assert_eq!(c.model_type, None);
        assert_eq!(c.dtype, None);
        // The string "32" is skipped; the integral float of a later alias is used.
        assert_eq!(c.num_hidden_layers, Some(6));
        assert_eq!(c.vocab_size, None);
        assert!(c.auto_map.is_empty());
        assert_eq!(c.quantization, None);
        assert_eq!(c.transformers_version, None);
    }

    #[test]
    fn legacy_bitsandbytes_quantization() {
        let json =
            r#"{"quantization_config": {"load_in_4bit": true, "bnb_4bit_quant_type": "nf4"}}"#;
        let c = parse_model_config(json.as_bytes()).unwrap();
        assert_eq!(c.quantization.as_deref(), Some("bitsandbytes"));
    }

    #[test]
    fn generation_config_and_bom() {
        let json = "\u{feff}{\"_from_model_config\": true, \"bos_token_id\": 1, \"transformers_version\": \"4.40.0\"}";
        let c = parse_model_config(json.as_bytes()).unwrap();
        assert_eq!(c.transformers_version.as_deref(), Some("4.40.0"));
    }

    #[test]
    fn dtype_names() {
        assert_eq!(dtype_to_safetensors("bfloat16"), Some("BF16"));
        assert_eq!(dtype_to_safetensors("float16"), Some("F16"));
        assert_eq!(dtype_to_safetensors("half"), Some("F16"));
        assert_eq!(dtype_to_safetensors("float32"), Some("F32"));
        assert_eq!(dtype_to_safetensors("float"), Some("F32"));
        assert_eq!(dtype_to_safetensors("float64"), Some("F64"));
        assert_eq!(dtype_to_safetensors("int8"), Some("I8"));
        assert_eq!(dtype_to_safetensors("float8_e4m3fn"), Some("F8_E4M3"));
        assert_eq!(dtype_to_safetensors("float8_e5m2"), Some("F8_E5M2"));
        assert_eq!(dtype_to_safetensors("torch.bfloat16"), Some("BF16"));
        assert_eq!(dtype_to_safetensors("auto"), None);
        assert_eq!(dtype_to_safetensors("complex32"), None);
        assert_eq!(dtype_to_safetensors(""), None);
    }

    #[test]
    fn peft_adapter_config() {
        let json = r#"{
          "alpha_pattern": {}, "auto_mapping": null,
          "base_model_name_or_path": "meta-llama/Llama-2-7b-hf",
          "bias": "none", "fan_in_fan_out": false, "inference_mode": true,
          "lora_alpha": 16, "lora_dropout": 0.05, "peft_type": "LORA", "r": 8,
          "target_modules": ["q_proj", "v_proj"], "task_type": "CAUSAL_LM"
        }"#;
        let a = parse_adapter_config(json.as_bytes()).unwrap();
        assert_eq!(
            a,
            AdapterConfig {
                peft_type: Some("LORA".into()),
                base_model: Some("meta-llama/Llama-2-7b-hf".into()),
                task_type: Some("CAUSAL_LM".into()),
                r: Some(8),
                target_modules: vec!["q_proj".into(), "v_proj".into()],
            }
        );
        // PEFT also accepts one regex string.
        let a = parse_adapter_config(br#"{"target_modules": ".*proj", "r": "8"}"#).unwrap();
        assert_eq!(a.target_modules, vec![".*proj"]);
        assert_eq!(a.r, None);
    }

    #[test]
    fn diffusers_model_index() {
        let json = r#"{
          "_class_name": "StableDiffusionPipeline",
          "_diffusers_version": "0.21.0",
          "_name_or_path": "runwayml/stable-diffusion-v1-5",
          "feature_extractor": ["transformers", "CLIPImageProcessor"],
          "requires_safety_checker": true,
          "safety_checker": [null, null],
          "scheduler": ["diffusers", "PNDMScheduler"],
          "text_encoder": ["transformers", "CLIPTextModel"],
          "tokenizer": ["transformers", "CLIPTokenizer"],
          "unet": ["diffusers", "UNet2DConditionModel"],
          "vae": ["diffusers", "AutoencoderKL"],
          "weird": ["a", "b", "c"],
          "_private": ["diffusers", "X"]
        }"#;
        let m = parse_model_index(json.as_bytes()).unwrap();
        assert_eq!(m.class_name.as_deref(), Some("StableDiffusionPipeline"));
        assert_eq!(m.diffusers_version.as_deref(), Some("0.21.0"));
        assert_eq!(
            m.name_or_path.as_deref(),
            Some("runwayml/stable-diffusion-v1-5")
        );
        let names: Vec<_> = m.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "feature_extractor",
                "safety_checker",
                "scheduler",
                "text_encoder",
                "tokenizer",
                "unet",
                "vae"
            ]
        );
        let unet = m.components.iter().find(|c| c.name == "unet").unwrap();
        assert_eq!(unet.library.as_deref(), Some("diffusers"));
        assert_eq!(unet.class.as_deref(), Some("UNet2DConditionModel"));
        let sc = m.components.iter().find(|c| c.name == "safety_checker");
        assert_eq!(sc.unwrap().library, None);
        assert_eq!(sc.unwrap().class, None);
    }

    #[test]
    fn sentence_transformers_modules() {
        let json = r#"[
          {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
          {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
          {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
          {"idx": 3, "name": "3"},
          "garbage"
        ]"#;
        let mods = parse_modules(json.as_bytes()).unwrap();
        assert_eq!(mods.len(), 3);
        assert_eq!(
            mods[1],
            SentenceModule {
                idx: Some(1),
                name: Some("1".into()),
                path: "1_Pooling".into(),
                module_type: "sentence_transformers.models.Pooling".into(),
            }
        );
        assert_eq!(mods[0].path, "");
        assert!(matches!(
            parse_modules(b"{}"),
            Err(FormatError::Invalid(m)) if m.contains("array")
        ));
    }

    fn invalid_message(r: Result<impl std::fmt::Debug, FormatError>) -> String {
        match r {
            Err(FormatError::Invalid(m)) => m,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn errors() {
        let m = invalid_message(parse_model_config(b"version https://git-lfs"));
        assert!(m.starts_with("not valid JSON"), "{m}");
        let m = invalid_message(parse_model_config(b""));
        assert!(m.starts_with("not valid JSON"), "{m}");
        let m = invalid_message(parse_model_config(b"[1, 2]"));
        assert_eq!(m, "expected a JSON object at the top level, found an array");
        let m = invalid_message(parse_adapter_config(b"\"x\""));
        assert_eq!(m, "expected a JSON object at the top level, found a string");
        let m = invalid_message(parse_model_index(b"{\"a\": \"\xff\"}"));
        assert_eq!(m, "not UTF-8 text: invalid byte at offset 7");
        let m = invalid_message(parse_model_config(b"{\"a\": 1} trailing"));
        assert!(m.starts_with("not valid JSON"), "{m}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let depth = 100_000;
        let mut s = "[".repeat(depth);
        s.push_str(&"]".repeat(depth));
        let m = invalid_message(parse_modules(s.as_bytes()));
        assert!(m.contains("recursion limit"), "{m}");
        let mut s = "{\"a\":".repeat(depth);
        s.push('1');
        s.push_str(&"}".repeat(depth));
        assert!(parse_model_config(s.as_bytes()).is_err());
    }
}
