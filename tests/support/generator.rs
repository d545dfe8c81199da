//! The fixture generator: writes every release directory under `fixtures/`
//! from code, so fixtures stay small, reviewable and reproducible. Run
//! `cargo run --example gen-fixtures` after changing it; the test
//! `fixtures_are_current` regenerates into a temporary folder and fails when
//! the checked-in tree differs. Weights are tiny and zero-filled: only their
//! headers matter to a scan.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

/// Writes all fixtures into `out` (which must exist and be empty).
pub fn generate(out: &Path) -> io::Result<()> {
    hf_complete(&out.join("hf-complete"))?;
    sharded(&out.join("sharded"))?;
    missing_shard(&out.join("missing-shard"))?;
    index_mismatch(&out.join("index-mismatch"))?;
    lfs_pointers(&out.join("lfs-pointers"))?;
    remote_code(&out.join("remote-code"))?;
    adapter(&out.join("adapter"))?;
    diffusers(&out.join("diffusers"))?;
    dataset_only(&out.join("dataset-only"))?;
    card_only(&out.join("card-only"))?;
    corrupt(&out.join("corrupt"))?;
    license_mismatch(&out.join("license-mismatch"))?;
    pytorch_sharded(&out.join("pytorch-sharded"))?;
    signed(&out.join("signed"))?;
    gguf_missing_split(&out.join("gguf-missing-split"))?;
    fully_open(&out.join("fully-open"))?;
    custom_pickle(&out.join("custom-pickle"))?;
    detected_formats(&out.join("detected-formats"))?;
    licence_families(&out.join("licenses"))?;
    model_licence_families(&out.join("licence-families"))?;
    licence_cases(&out.join("licence-cases"))?;
    unlisted_licences(&out.join("licence-cases"))?;
    data_roles(&out.join("data-roles"))?;
    split_licences(&out.join("split-licences"))?;
    digests_tampered(&out.join("digests-tampered"))?;
    datasheet_no_datasets(&out.join("datasheet-no-datasets"))?;
    symlinks(&out.join("symlinks"))?;
    empty(&out.join("empty"))?;
    hf_cache(&out.join("hf-cache"))?;
    malicious_round_2(&out.join("malicious-round-2"))?;
    // Issue 13: evidence as real releases show it.
    weights_by_reference(&out.join("weights-by-reference"))?;
    data_by_reference(&out.join("data-by-reference"))?;
    paired_formats(&out.join("paired-formats"))?;
    linked_data_missing(&out.join("linked-data-missing"))?;
    dduf_inside(&out.join("dduf-inside"))?;
    // Issue 23: weights decided by what files hold, never where they sit.
    content_arrays(&out.join("content-arrays"))?;
    content_pickles(&out.join("content-pickles"))?;
    trainer_state(&out.join("trainer-state"))?;
    empty_code(&out.join("empty-code"))?;
    tfjs_model(&out.join("tfjs-model"))?;
    coreml_package(&out.join("coreml-package"))?;
    odd_shard_names(&out.join("odd-shard-names"))?;
    many_missing_shards(&out.join("many-missing-shards"))?;
    // Issue 25: a release is named by its card or its folder, never by a
    // path a config recorded.
    config_cache_path(&out.join("config-cache-path"))?;
    Ok(())
}

// ---------------------------------------------------------------- writers

/// A safetensors file as the reference writer lays it out: u64 LE header
/// length, JSON header padded with spaces to a multiple of 8, then the data
/// (zeros here), tensors in the order given.
pub fn safetensors(tensors: &[(&str, &str, &[u64])], metadata: Option<&[(&str, &str)]>) -> Vec<u8> {
    let mut header = serde_json::Map::new();
    if let Some(meta) = metadata {
        let m: serde_json::Map<String, Value> = meta
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        header.insert("__metadata__".into(), Value::Object(m));
    }
    let mut offset = 0u64;
    for (name, dtype, shape) in tensors {
        let bytes = shape.iter().product::<u64>() * dtype_bits(dtype) / 8;
        header.insert(
            name.to_string(),
            json!({"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + bytes]}),
        );
        offset += bytes;
    }
    let mut text = serde_json::to_string(&Value::Object(header)).unwrap();
    while !text.len().is_multiple_of(8) {
        text.push(' ');
    }
    let mut out = (text.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(text.as_bytes());
    out.resize(out.len() + offset as usize, 0);
    out
}

fn dtype_bits(dtype: &str) -> u64 {
    match dtype {
        "F64" | "I64" | "U64" | "C64" => 64,
        "F32" | "I32" | "U32" => 32,
        "F16" | "BF16" | "I16" | "U16" => 16,
        _ => 8,
    }
}

/// Tensors of a tiny Llama-shaped model: `layers` blocks, vocabulary `vocab`,
/// hidden size 8.
pub fn tiny_llama(layers: u64, vocab: u64) -> Vec<(String, &'static str, Vec<u64>)> {
    let mut t = vec![
        (
            "model.embed_tokens.weight".to_owned(),
            "BF16",
            vec![vocab, 8],
        ),
        ("model.norm.weight".to_owned(), "BF16", vec![8]),
        ("lm_head.weight".to_owned(), "BF16", vec![vocab, 8]),
    ];
    for i in 0..layers {
        for (part, shape) in [
            ("self_attn.q_proj.weight", vec![8, 8]),
            ("self_attn.k_proj.weight", vec![8, 8]),
            ("self_attn.v_proj.weight", vec![8, 8]),
            ("self_attn.o_proj.weight", vec![8, 8]),
            ("mlp.gate_proj.weight", vec![16, 8]),
            ("mlp.up_proj.weight", vec![16, 8]),
            ("mlp.down_proj.weight", vec![8, 16]),
            ("input_layernorm.weight", vec![8]),
            ("post_attention_layernorm.weight", vec![8]),
        ] {
            t.push((format!("model.layers.{i}.{part}"), "BF16", shape));
        }
    }
    t
}

pub fn st_owned(tensors: &[(String, &str, Vec<u64>)]) -> Vec<u8> {
    let refs: Vec<(&str, &str, &[u64])> = tensors
        .iter()
        .map(|(n, d, s)| (n.as_str(), *d, s.as_slice()))
        .collect();
    safetensors(&refs, Some(&[("format", "pt")]))
}

fn bytes_of(tensors: &[(String, &str, Vec<u64>)]) -> u64 {
    tensors
        .iter()
        .map(|(_, d, s)| s.iter().product::<u64>() * dtype_bits(d) / 8)
        .sum()
}

pub fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) -> io::Result<()> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, content)
}

pub fn write_json(dir: &Path, rel: &str, value: &Value) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(value).unwrap();
    text.push('\n');
    write(dir, rel, text)
}

#[cfg(unix)]
pub fn symlink(dir: &Path, rel: &str, target: &str) -> io::Result<()> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    std::os::unix::fs::symlink(target, path)
}

pub fn llama_config(layers: u64, vocab: u64, dtype: &str) -> Value {
    json!({
        "_name_or_path": "openness-fixtures/tiny-llama",
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": 8,
        "intermediate_size": 16,
        "num_hidden_layers": layers,
        "num_attention_heads": 2,
        "vocab_size": vocab,
        "torch_dtype": dtype,
        "transformers_version": "4.46.0"
    })
}

pub fn tokenizer_files(dir: &Path) -> io::Result<()> {
    write_json(
        dir,
        "tokenizer.json",
        &json!({"version": "1.0", "model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": []}}),
    )?;
    write_json(
        dir,
        "tokenizer_config.json",
        &json!({"tokenizer_class": "LlamaTokenizerFast", "model_max_length": 2048, "chat_template": "{{ messages }}"}),
    )?;
    write_json(
        dir,
        "special_tokens_map.json",
        &json!({"bos_token": "<s>", "eos_token": "</s>"}),
    )
}

const LFS_OID: &str = "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c";

pub fn lfs_pointer(size: u64) -> String {
    format!("version https://git-lfs.github.com/spec/v1\noid sha256:{LFS_OID}\nsize {size}\n")
}

pub const APACHE_2_0: &str = "
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION

   1. Definitions.

      \"License\" shall mean the terms and conditions for use, reproduction,
      and distribution as defined by Sections 1 through 9 of this document.

      \"Licensor\" shall mean the copyright owner or entity authorized by
      the copyright owner that is granting the License.

   2. Grant of Copyright License. Subject to the terms and conditions of
      this License, each Contributor hereby grants to You a perpetual,
      worldwide, non-exclusive, no-charge, royalty-free, irrevocable
      copyright license to reproduce, prepare Derivative Works of,
      publicly display, publicly perform, sublicense, and distribute the
      Work and such Derivative Works in Source or Object form.

   3. Grant of Patent License. Subject to the terms and conditions of
      this License, each Contributor hereby grants to You a perpetual,
      worldwide, non-exclusive, no-charge, royalty-free, irrevocable
      (except as stated in this section) patent license to make, have made,
      use, offer to sell, sell, import, and otherwise transfer the Work.

   END OF TERMS AND CONDITIONS

   APPENDIX: How to apply the Apache License to your work.

   Licensed under the Apache License, Version 2.0 (the \"License\");
   you may not use this file except in compliance with the License.
   You may obtain a copy of the License at

       http://www.apache.org/licenses/LICENSE-2.0

   Unless required by applicable law or agreed to in writing, software
   distributed under the License is distributed on an \"AS IS\" BASIS,
   WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   See the License for the specific language governing permissions and
   limitations under the License.
";

/// The core of CDLA-Permissive-2.0 (the agreement may be copied verbatim).
pub const CDLA_PERMISSIVE_2_0: &str = "Community Data License Agreement - Permissive - Version 2.0

This is the Community Data License Agreement - Permissive, Version 2.0
(the \"agreement\"). Data Provider(s) and Data Recipient(s) agree as follows:

1. Provision of the Data

1.1. A Data Recipient may use, modify, and share the Data made available by
Data Provider(s) under this agreement if that Data Recipient follows the
terms of this agreement.

2. Conditions for Sharing Data

2.1. A Data Recipient may share Data, with or without modifications, so long
as the Data Recipient makes available the text of this agreement with the
shared Data.
";

/// The opening of the CC BY 4.0 legal code (CC licences may be copied).
pub const CC_BY_4_0: &str = "Attribution 4.0 International

=======================================================================

Creative Commons Attribution 4.0 International Public License

By exercising the Licensed Rights (defined below), You accept and agree
to be bound by the terms and conditions of this Creative Commons
Attribution 4.0 International Public License (\"Public License\"). To the
extent this Public License may be interpreted as a contract, You are
granted the Licensed Rights in consideration of Your acceptance of
these terms and conditions.

Section 1 -- Definitions.

  a. Adapted Material means material subject to Copyright and Similar
     Rights that is derived from or based upon the Licensed Material.

  i. Licensed Rights means the rights granted to You subject to the
     terms and conditions of this Public License, which are limited to
     all Copyright and Similar Rights that apply to Your use of the
     Licensed Material and that the Licensor has authority to license.

  m. Sui Generis Database Rights means rights other than copyright
     resulting from Directive 96/9/EC of the European Parliament and of
     the Council of 11 March 1996 on the legal protection of databases.
";

pub const MIT: &str = "MIT License

Copyright (c) 2026 openness fixtures

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the \"Software\"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
";

// ---------------------------------------------------------------- fixtures

/// Everything shipped, open licence, no findings: the gold standard.
fn hf_complete(d: &Path) -> io::Result<()> {
    write(
        d,
        "README.md",
        "---
license: apache-2.0
library_name: transformers
pipeline_tag: text-generation
datasets:
- openness-fixtures/tiny-corpus
model-index:
- name: tiny-llama
  results:
  - task:
      type: text-generation
    dataset:
      name: tiny-corpus
      type: openness-fixtures/tiny-corpus
    metrics:
    - type: perplexity
      value: 12.5
---
# tiny-llama

A two-layer Llama-shaped model trained on `data/train.jsonl` with `train.py`.
Training code: https://github.com/openness-fixtures/tiny-llama
",
    )?;
    write(d, "LICENSE", APACHE_2_0)?;
    write_json(d, "config.json", &llama_config(2, 32, "bfloat16"))?;
    write_json(
        d,
        "generation_config.json",
        &json!({"bos_token_id": 1, "eos_token_id": 2, "transformers_version": "4.46.0"}),
    )?;
    tokenizer_files(d)?;
    write(d, "model.safetensors", st_owned(&tiny_llama(2, 32)))?;
    write(
        d,
        "train.py",
        "import argparse\nfrom transformers import Trainer, TrainingArguments\n\ndef main():\n    trainer = Trainer(model=model, args=TrainingArguments(output_dir='out'))\n    trainer.train()\n",
    )?;
    write(
        d,
        "inference.py",
        "from transformers import AutoModelForCausalLM\nmodel = AutoModelForCausalLM.from_pretrained('.')\nprint(model.generate(inputs))\n",
    )?;
    write(
        d,
        "eval/evaluate.py",
        "import evaluate\nperplexity = evaluate.load('perplexity')\n",
    )?;
    write(
        d,
        "data/prepare_data.py",
        "from datasets import load_dataset\nds = load_dataset('json', data_files='train.jsonl')\nds = ds.filter(lambda r: len(r['text']) > 0)\n",
    )?;
    write(
        d,
        "data/train.jsonl",
        "{\"text\": \"hello world\"}\n{\"text\": \"open models\"}\n",
    )?;
    write(
        d,
        "data/DATASHEET.md",
        "# Datasheet: tiny-corpus\n\n## Motivation\nTwo sentences to test the scanner.\n\n## Composition\nEnglish text, CC-BY-4.0.\n",
    )
}

/// Two shards and a consistent index; code and data only referenced.
fn sharded(d: &Path) -> io::Result<()> {
    let all = tiny_llama(4, 64);
    let (first, second) = all.split_at(all.len() / 2);
    write_sharded(
        d,
        &[
            ("model-00001-of-00002.safetensors", first),
            ("model-00002-of-00002.safetensors", second),
        ],
        None,
    )?;
    write_json(d, "config.json", &llama_config(4, 64, "bfloat16"))?;
    write(
        d,
        "README.md",
        "---\nlicense: mit\ndatasets:\n- HuggingFaceFW/fineweb\n---\n# tiny sharded\n\nTrained on [FineWeb](https://huggingface.co/datasets/HuggingFaceFW/fineweb).\n",
    )
}

type Shard<'a> = (&'a str, &'a [(String, &'static str, Vec<u64>)]);

/// Writes the shards and an index; `skip` names a shard left out on purpose.
fn write_sharded(d: &Path, shards: &[Shard<'_>], skip: Option<&str>) -> io::Result<()> {
    let mut map = BTreeMap::new();
    let mut total = 0;
    for (name, tensors) in shards {
        total += bytes_of(tensors);
        for (t, _, _) in tensors.iter() {
            map.insert(t.clone(), json!(name));
        }
        if Some(*name) != skip {
            write(d, name, st_owned(tensors))?;
        }
    }
    write_json(
        d,
        "model.safetensors.index.json",
        &json!({"metadata": {"total_size": total}, "weight_map": map}),
    )
}

/// The index names three shards; the second was never downloaded.
fn missing_shard(d: &Path) -> io::Result<()> {
    let all = tiny_llama(3, 32);
    let third = all.len() / 3;
    write_sharded(
        d,
        &[
            ("model-00001-of-00003.safetensors", &all[..third]),
            ("model-00002-of-00003.safetensors", &all[third..2 * third]),
            ("model-00003-of-00003.safetensors", &all[2 * third..]),
        ],
        Some("model-00002-of-00003.safetensors"),
    )?;
    write_json(d, "config.json", &llama_config(3, 32, "bfloat16"))?;
    write(d, "LICENSE", MIT)
}

/// Index and shards disagree: a tensor in the wrong shard, a wrong total and
/// a shard the index does not know.
fn index_mismatch(d: &Path) -> io::Result<()> {
    let all = tiny_llama(2, 32);
    let (first, second) = all.split_at(all.len() / 2);
    write(d, "model-00001-of-00003.safetensors", st_owned(first))?;
    write(d, "model-00002-of-00003.safetensors", st_owned(second))?;
    write(
        d,
        "model-00003-of-00003.safetensors",
        st_owned(&[("extra.weight".to_owned(), "F32", vec![4])]),
    )?;
    let mut map = BTreeMap::new();
    for (t, _, _) in first {
        map.insert(t.clone(), json!("model-00001-of-00003.safetensors"));
    }
    for (t, _, _) in second {
        map.insert(t.clone(), json!("model-00002-of-00003.safetensors"));
    }
    // The index claims the embedding lives in shard 2; it is in shard 1.
    map.insert(
        "model.embed_tokens.weight".to_owned(),
        json!("model-00002-of-00003.safetensors"),
    );
    write_json(
        d,
        "model.safetensors.index.json",
        &json!({"metadata": {"total_size": 123}, "weight_map": map}),
    )?;
    write_json(d, "config.json", &llama_config(2, 32, "bfloat16"))?;
    write(d, "LICENSE", MIT)
}

/// Cloned without `git lfs pull`: every weights file is a pointer.
fn lfs_pointers(d: &Path) -> io::Result<()> {
    write(d, "model.safetensors", lfs_pointer(2_200_000_000))?;
    write(d, "pytorch_model.bin", lfs_pointer(2_200_000_123))?;
    write_json(d, "config.json", &llama_config(22, 32000, "bfloat16"))?;
    write(
        d,
        "README.md",
        "---\nlicense: apache-2.0\n---\n# pointers only\n",
    )
}

/// `auto_map` code: one module shipped, one missing, one from another repo.
fn remote_code(d: &Path) -> io::Result<()> {
    let mut cfg = llama_config(2, 32, "bfloat16");
    cfg["architectures"] = json!(["TinyForCausalLM"]);
    cfg["model_type"] = json!("tiny");
    cfg["auto_map"] = json!({
        "AutoConfig": "configuration_tiny.TinyConfig",
        "AutoModelForCausalLM": "modeling_tiny.TinyForCausalLM"
    });
    write_json(d, "config.json", &cfg)?;
    write_json(
        d,
        "tokenizer_config.json",
        &json!({"auto_map": {"AutoTokenizer": ["openness-fixtures/tokenizers--tokenization_tiny.TinyTokenizer", null]}}),
    )?;
    write(
        d,
        "configuration_tiny.py",
        "from transformers import PretrainedConfig\n\nclass TinyConfig(PretrainedConfig):\n    model_type = 'tiny'\n",
    )?;
    write(d, "model.safetensors", st_owned(&tiny_llama(2, 32)))?;
    write(
        d,
        "README.md",
        "---\nlicense: apache-2.0\n---\n# remote code\n",
    )?;
    write(d, "LICENSE", APACHE_2_0)
}

/// A PEFT LoRA adapter: adapter weights shipped, the base model referenced.
fn adapter(d: &Path) -> io::Result<()> {
    write_json(
        d,
        "adapter_config.json",
        &json!({
            "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": 4, "lora_alpha": 8,
            "base_model_name_or_path": "meta-llama/Llama-3.1-8B",
            "target_modules": ["q_proj", "v_proj"]
        }),
    )?;
    let mut tensors = Vec::new();
    for i in 0..2 {
        for m in ["q_proj", "v_proj"] {
            tensors.push((
                format!("base_model.model.model.layers.{i}.self_attn.{m}.lora_A.weight"),
                "F32",
                vec![4, 8],
            ));
            tensors.push((
                format!("base_model.model.model.layers.{i}.self_attn.{m}.lora_B.weight"),
                "F32",
                vec![8, 4],
            ));
        }
    }
    write(d, "adapter_model.safetensors", st_owned(&tensors))?;
    write(
        d,
        "README.md",
        "---\nlicense: llama3.1\nbase_model: meta-llama/Llama-3.1-8B\nlibrary_name: peft\n---\n# a LoRA adapter\n",
    )
}

/// A diffusers pipeline: components in subfolders, with an fp16 variant.
fn diffusers(d: &Path) -> io::Result<()> {
    write_json(
        d,
        "model_index.json",
        &json!({
            "_class_name": "StableDiffusionPipeline", "_diffusers_version": "0.31.0",
            "scheduler": ["diffusers", "PNDMScheduler"],
            "text_encoder": ["transformers", "CLIPTextModel"],
            "tokenizer": ["transformers", "CLIPTokenizer"],
            "unet": ["diffusers", "UNet2DConditionModel"],
            "vae": ["diffusers", "AutoencoderKL"],
            "safety_checker": [null, null]
        }),
    )?;
    write_json(
        d,
        "scheduler/scheduler_config.json",
        &json!({"_class_name": "PNDMScheduler", "num_train_timesteps": 1000}),
    )?;
    write_json(
        d,
        "unet/config.json",
        &json!({"_class_name": "UNet2DConditionModel", "in_channels": 4}),
    )?;
    let unet = [
        ("conv_in.weight".to_owned(), "F32", vec![8, 4, 3, 3]),
        ("conv_out.weight".to_owned(), "F32", vec![4, 8, 3, 3]),
    ];
    write(
        d,
        "unet/diffusion_pytorch_model.safetensors",
        st_owned(&unet),
    )?;
    let unet16: Vec<_> = unet
        .iter()
        .map(|(n, _, s)| (n.clone(), "F16", s.clone()))
        .collect();
    write(
        d,
        "unet/diffusion_pytorch_model.fp16.safetensors",
        st_owned(&unet16),
    )?;
    write_json(
        d,
        "vae/config.json",
        &json!({"_class_name": "AutoencoderKL"}),
    )?;
    write(
        d,
        "vae/diffusion_pytorch_model.safetensors",
        st_owned(&[("decoder.conv_in.weight".to_owned(), "F32", vec![8, 4, 3, 3])]),
    )?;
    write_json(
        d,
        "text_encoder/config.json",
        &json!({"architectures": ["CLIPTextModel"], "model_type": "clip_text_model"}),
    )?;
    write(
        d,
        "text_encoder/model.safetensors",
        st_owned(&[(
            "text_model.embeddings.token_embedding.weight".to_owned(),
            "F32",
            vec![32, 8],
        )]),
    )?;
    write_json(d, "tokenizer/vocab.json", &json!({"a": 0}))?;
    write(d, "tokenizer/merges.txt", "#version: 0.2\n")?;
    write(
        d,
        "README.md",
        "---\nlicense: creativeml-openrail-m\ntags:\n- stable-diffusion\n---\n# tiny diffusion\n",
    )
}

/// A dataset repository: a dataset card and data files, nothing else.
fn dataset_only(d: &Path) -> io::Result<()> {
    write(
        d,
        "README.md",
        "---
license: cc-by-4.0
pretty_name: Tiny Corpus
task_categories:
- text-generation
size_categories:
- n<1K
source_datasets:
- original
configs:
- config_name: default
  data_files:
  - split: train
    path: data/train-*.parquet
---
# Tiny Corpus

Two rows of English text.
",
    )?;
    // Parquet magic at both ends; the scanner does not read data files.
    write(
        d,
        "data/train-00000-of-00001.parquet",
        b"PAR1\x00\x00\x00\x00PAR1".as_slice(),
    )?;
    write(d, "data/validation.csv", "text\nhello\n")
}

/// Only a model card: non-open licence, pointers to code, weights and data.
fn card_only(d: &Path) -> io::Result<()> {
    write(
        d,
        "README.md",
        "---
license: llama3.1
base_model: meta-llama/Llama-3.1-8B
datasets:
- allenai/c4
- HuggingFaceFW/fineweb
pipeline_tag: text-generation
---
# Closed-ish model

Weights: https://huggingface.co/openness-fixtures/closed-model
Code: https://github.com/openness-fixtures/closed-model
Paper: https://arxiv.org/abs/2403.13784
",
    )
}

/// Every way a file can be broken, each a finding, the scan going on.
fn corrupt(d: &Path) -> io::Result<()> {
    let text = b"{\"a\": not json}";
    let mut bad_json = (text.len() as u64).to_le_bytes().to_vec();
    bad_json.extend_from_slice(text);
    write(d, "bad-json.safetensors", bad_json)?;
    let mut truncated = st_owned(&[("w".to_owned(), "F32", vec![64])]);
    truncated.truncate(truncated.len() - 100);
    write(d, "truncated.safetensors", truncated)?;
    let mut trailing = st_owned(&[("w".to_owned(), "F32", vec![4])]);
    trailing.extend_from_slice(b"PK\x03\x04 polyglot tail");
    write(d, "trailing.safetensors", trailing)?;
    let dup = b"{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    let mut dup_file = (dup.len() as u64).to_le_bytes().to_vec();
    dup_file.extend_from_slice(dup);
    dup_file.extend_from_slice(&[0; 4]);
    write(d, "duplicate.safetensors", dup_file)?;
    write(d, "huge-header.safetensors", u64::MAX.to_le_bytes())?;
    // A protocol-2 pickle of a one-tensor state dict: harmless, but still
    // pickle (an empty dict would not be weights at all).
    let mut p = Pickle::new();
    state_dict(&mut p, &[("lm_head.weight", "FloatStorage", &[4, 4])]);
    write(d, "pytorch_model.bin", p.stop())?;
    write(
        d,
        "model.safetensors",
        st_owned(&[
            ("model.embed_tokens.weight".to_owned(), "F32", vec![16, 8]),
            ("model.layers.0.mlp.weight".to_owned(), "F32", vec![8, 8]),
        ]),
    )?;
    // Says float16, 4 layers and 32 tokens; the weights are F32, 1 layer, 16 rows.
    write_json(d, "config.json", &llama_config(4, 32, "float16"))?;
    write_json(d, "generation_config.json", &json!(["not", "an", "object"]))?;
    write(
        d,
        "README.md",
        "---\nlicense: apache-2.0\ndatasets: [unclosed\n---\n# broken card\n",
    )?;
    write(d, "LICENSE", MIT)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A release signed with model-signing (v1.0 predicate), then tampered with:
/// config.json changed after signing. Also a `--local-dir` download record.
fn signed(d: &Path) -> io::Result<()> {
    let weights = st_owned(&tiny_llama(1, 16));
    let card = "---\nlicense: apache-2.0\n---\n# signed\n";
    let config_signed =
        serde_json::to_string_pretty(&llama_config(1, 16, "bfloat16")).unwrap() + "\n";
    let mut tampered = llama_config(1, 16, "bfloat16");
    tampered["_name_or_path"] = json!("edited-after-signing");
    let config_now = serde_json::to_string_pretty(&tampered).unwrap() + "\n";
    write(d, "model.safetensors", &weights)?;
    write(d, "README.md", card)?;
    write(d, "config.json", &config_now)?;
    let resources: Vec<Value> = [
        ("README.md", card.as_bytes()),
        ("config.json", config_signed.as_bytes()),
        ("model.safetensors", weights.as_slice()),
    ]
    .iter()
    .map(|(name, bytes)| json!({"name": name, "algorithm": "sha256", "digest": sha256_hex(bytes)}))
    .collect();
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "signed", "digest": {"sha256": sha256_hex(b"placeholder")}}],
        "predicateType": "https://model_signing/signature/v1.0",
        "predicate": {
            "serialization": {"method": "files", "hash_type": "sha256", "allow_symlinks": false, "ignore_paths": ["model.sig"]},
            "resources": resources
        }
    });
    let bundle = json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {"publicKey": {"hint": "fixture-key"}},
        "dsseEnvelope": {
            "payload": base64(serde_json::to_string(&statement).unwrap().as_bytes()),
            "payloadType": "application/vnd.in-toto+json",
            "signatures": [{"sig": base64(b"not a real signature"), "keyid": ""}]
        }
    });
    write_json(d, "model.sig", &bundle)?;
    // huggingface_hub --local-dir metadata: commit, etag (sha256 for LFS), time.
    write(
        d,
        ".cache/huggingface/download/model.safetensors.metadata",
        format!(
            "0123456789abcdef0123456789abcdef01234567\n{}\n1764288000.0\n",
            sha256_hex(&weights)
        ),
    )
}

/// A scikit-learn-style pickle: a third-party class, neither known to run
/// code nor allowed by torch's weights_only loader.
fn custom_pickle(d: &Path) -> io::Result<()> {
    // PROTO 2, GLOBAL, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, BUILD, STOP.
    write(
        d,
        "model.pkl",
        b"\x80\x02csklearn.linear_model._base\nLinearRegression\nq\x00)\x81q\x01}q\x02b."
            .as_slice(),
    )?;
    write(
        d,
        "README.md",
        "---\nlicense: bsd-3-clause\nlibrary_name: sklearn\n---\n# a scikit-learn model\n",
    )
}

/// Formats the scan recognises without counting: PaddlePaddle parameters (a
/// pickle), TFLite, a CoreML package and an MLX folder.
fn detected_formats(d: &Path) -> io::Result<()> {
    // Paddle saves a protocol-2 pickle of a dict; an empty one here.
    write(d, "paddle/model.pdparams", b"\x80\x02}q\x00.".as_slice())?;
    // A FlatBuffer whose file identifier (bytes 4..8) is "TFL3".
    write(
        d,
        "tflite/model.tflite",
        b"\x1c\x00\x00\x00TFL3\x00\x00\x00\x00".as_slice(),
    )?;
    write_json(
        d,
        "coreml/Model.mlpackage/Manifest.json",
        &json!({"fileFormatVersion": "1.0.0", "itemInfoEntries": {}}),
    )?;
    write(
        d,
        "coreml/Model.mlpackage/Data/com.apple.CoreML/model.mlmodel",
        b"\x08\x07".as_slice(),
    )?;
    write(
        d,
        "mlx/weights.npz",
        b"PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
            .as_slice(),
    )?;
    write_json(d, "mlx/config.json", &json!({"model_type": "llama"}))?;
    write(
        d,
        "README.md",
        "---\nlicense: mit\n---\n# formats detected, not counted\n",
    )
}

/// One release per licence family: a LICENSE written for the fixtures (SPDX
/// texts excerpted; model licences paraphrased around their titles, dates
/// and distinctive terms, not copied) and a card declaring it. The last one
/// declares Apache-2.0 over a Llama text: a mismatch.
pub const LICENCE_FAMILIES: &[(&str, &str, &str)] = &[
    ("apache-2.0", "apache-2.0", APACHE_2_0),
    ("mit", "mit", MIT),
    (
        "bsd-3-clause",
        "bsd-3-clause",
        "Copyright (c) 2026, openness fixtures

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.

3. Neither the name of the copyright holder nor the names of its
   contributors may be used to endorse or promote products derived from
   this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED.
",
    ),
    (
        "gpl-3.0",
        "gpl-3.0",
        "                    GNU GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

 Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>
 Everyone is permitted to copy and distribute verbatim copies
 of this license document, but changing it is not allowed.

                            Preamble

  The GNU General Public License is a free, copyleft license for
software and other kinds of works.

  TERMS AND CONDITIONS

  0. Definitions.

  \"This License\" refers to version 3 of the GNU General Public License.
",
    ),
    ("cc-by-4.0", "cc-by-4.0", CC_BY_4_0),
    (
        "cc-by-nc-4.0",
        "cc-by-nc-4.0",
        "Attribution-NonCommercial 4.0 International

Creative Commons Attribution-NonCommercial 4.0 International Public License

By exercising the Licensed Rights (defined below), You accept and agree
to be bound by the terms and conditions of this Creative Commons
Attribution-NonCommercial 4.0 International Public License (\"Public
License\").

Section 1 -- Definitions.

  i. NonCommercial means not primarily intended for or directed towards
     commercial advantage or monetary compensation.
",
    ),
    (
        "openrail-m",
        "creativeml-openrail-m",
        "CreativeML Open RAIL-M
(written for the openness fixtures; a paraphrase, not the licence itself)

This licence grants use of the model subject to the use-based restrictions
in Attachment A, which every redistribution must carry forward.
",
    ),
    (
        "bloom-rail",
        "bigscience-bloom-rail-1.0",
        "BigScience RAIL License v1.0
(written for the openness fixtures; a paraphrase)

Use of the model is subject to the use restrictions set out in Attachment A.
",
    ),
    (
        "llama2",
        "llama2",
        "LLAMA 2 COMMUNITY LICENSE AGREEMENT
Llama 2 Version Release Date: July 18, 2023
(written for the openness fixtures; a paraphrase of the terms)

Licensees whose products had more than 700 million monthly active users
must request a separate licence. Meta's proprietary Llama 2 materials are
covered by these terms.
",
    ),
    (
        "llama3.1",
        "llama3.1",
        "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT
Llama 3.1 Version Release Date: July 23, 2024
(written for the openness fixtures; a paraphrase of the terms)

Derivatives must display \"Built with Llama\". Licensees with more than
700 million monthly active users need a separate licence.
",
    ),
    (
        "gemma",
        "gemma",
        "Gemma Terms of Use
(written for the openness fixtures; a paraphrase)

\"Model Derivatives\" means all (i) modifications to Gemma, (ii) works based on
Gemma, or (iii) models trained on its outputs. Use must follow the Gemma
Prohibited Use Policy, including through the Gemma Services.
",
    ),
    (
        "qwen",
        "other",
        "Qwen LICENSE AGREEMENT
(written for the openness fixtures; a paraphrase)

\"Licensor\" means Alibaba Cloud. Products with more than 100 million monthly
active users must request a licence.
",
    ),
    (
        "deepseek",
        "deepseek",
        "DEEPSEEK LICENSE AGREEMENT
Version 1.0, 23 October 2023
(written for the openness fixtures; a paraphrase)

Section I: PREAMBLE
The model may be used subject to the Use Restrictions of Attachment A.
",
    ),
    (
        "openmdw",
        "openmdw-1.0",
        "OpenMDW License Agreement, version 1.0
(written for the openness fixtures; a paraphrase of its opening)

By exercising rights granted to you under this agreement, you accept and
agree to its terms. \"Model Materials\" means the materials provided to you
under this agreement.
",
    ),
    (
        "mismatch",
        "apache-2.0",
        "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT
Llama 3.1 Version Release Date: July 23, 2024
(written for the openness fixtures; a paraphrase of the terms)

Derivatives must display \"Built with Llama\". Licensees with more than
700 million monthly active users need a separate licence.
",
    ),
];

fn licence_families(d: &Path) -> io::Result<()> {
    for (dir, hub_id, text) in LICENCE_FAMILIES {
        let d = d.join(dir);
        write(&d, "LICENSE", text)?;
        let extra = if *hub_id == "other" {
            "license_name: qwen\nlicense_link: LICENSE\n"
        } else {
            ""
        };
        write(
            &d,
            "README.md",
            format!("---\nlicense: {hub_id}\n{extra}---\n# {dir}\n"),
        )?;
        write(&d, "model.safetensors", st_owned(&tiny_llama(1, 16)))?;
    }
    Ok(())
}

/// Model licence families known by title and distinctive clauses, each
/// paraphrased in our own words (never the licence's text): directory,
/// expected id, text. The releases have no card licence, so the text alone
/// decides.
pub const MODEL_LICENCE_FAMILIES: &[(&str, &str, &str)] = &[
    (
        "llama3",
        "LicenseRef-Llama-3",
        "META LLAMA 3 COMMUNITY LICENSE AGREEMENT
(a paraphrase for the openness fixtures)

Meta Llama 3 Version Release Date: April 18, 2024. Products above 700 million
monthly active users need a separate grant; derived works say Built with
Meta Llama 3.
",
    ),
    (
        "llama3.2",
        "LicenseRef-Llama-3.2",
        "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT
(a paraphrase for the openness fixtures)

Llama 3.2 Version Release Date: September 25, 2024. A cap of 700 million
monthly active users applies.
",
    ),
    (
        "llama3.3",
        "LicenseRef-Llama-3.3",
        "LLAMA 3.3 COMMUNITY LICENSE AGREEMENT
(a paraphrase for the openness fixtures)

Llama 3.3 Version Release Date: December 6, 2024. Above 700 million monthly
active users, ask for a licence.
",
    ),
    (
        "llama4",
        "LicenseRef-Llama-4",
        "LLAMA 4 COMMUNITY LICENSE AGREEMENT
(a paraphrase for the openness fixtures)

Llama 4 Version Effective Date: April 5, 2025. The usual cap of 700 million
monthly active users holds.
",
    ),
    (
        "tongyi-qianwen",
        "LicenseRef-Tongyi-Qianwen",
        "Tongyi Qianwen LICENSE AGREEMENT
(a paraphrase for the openness fixtures)

The licensor is Alibaba Cloud; services with more than 100 million monthly
active users must ask for a commercial licence.
",
    ),
    (
        "qwen-research",
        "LicenseRef-Qwen-Research",
        "Qwen RESEARCH LICENSE AGREEMENT
(a paraphrase for the openness fixtures)

Non-Commercial shall mean for research or evaluation purposes only; the
licensor is Alibaba Cloud.
",
    ),
    (
        "chatglm2",
        "LicenseRef-ChatGLM2-6B",
        "The ChatGLM2-6B License
(a paraphrase for the openness fixtures)

The model parameters may be used and copied, but never for any military or
unlawful purpose.
",
    ),
    (
        "baichuan",
        "LicenseRef-Baichuan-Community",
        "Baichuan 2 Model Community License Agreement
(a paraphrase for the openness fixtures)

Commercial use above a user threshold needs written permission.
",
    ),
    (
        "yi",
        "LicenseRef-Yi",
        "Yi Series Models Community License Agreement
(a paraphrase of an older version, for the openness fixtures)

Commercial use requires registration with the licensor first.
",
    ),
    (
        "falcon",
        "LicenseRef-TII-Falcon",
        "TII Falcon LLM License
(a paraphrase for the openness fixtures)

Granted by the Technology Innovation Institute; use follows its acceptable
use policy.
",
    ),
    (
        "bigscience-openrail-m",
        "LicenseRef-BigScience-OpenRAIL-M",
        "BigScience Open RAIL-M License
(a paraphrase for the openness fixtures)

You agree not to use the Model or Derivatives of the Model for the uses in
Attachment A.
",
    ),
    (
        "creativeml-openrail-m",
        "LicenseRef-CreativeML-OpenRAIL-M",
        "CreativeML Open RAIL-M
(a paraphrase for the openness fixtures)

Use restrictions in Attachment A travel with every copy of the model.
",
    ),
    (
        "openrail++",
        "LicenseRef-CreativeML-OpenRAILpp-M",
        "CreativeML Open RAIL++-M License
(a paraphrase for the openness fixtures)

Use restrictions in Attachment A bind every user of the model.
",
    ),
    (
        "bigcode-openrail-m",
        "LicenseRef-BigCode-OpenRAIL-M",
        "BigCode Open RAIL-M v1 License Agreement
(a paraphrase for the openness fixtures)

You agree not to use the Model or Derivatives of the Model for the listed
uses.
",
    ),
    (
        "mistral-research",
        "LicenseRef-Mistral-Research",
        "Mistral AI Research License
(a paraphrase for the openness fixtures)

Use for research purposes only; anything else needs another licence.
",
    ),
    (
        "mistral-non-production",
        "LicenseRef-Mistral-Non-Production",
        "Mistral AI Non-Production License
(a paraphrase for the openness fixtures)

Testing and evaluation are allowed; production use is not.
",
    ),
    (
        "stability-community",
        "LicenseRef-Stability-AI-Community",
        "STABILITY AI COMMUNITY LICENSE AGREEMENT
(a paraphrase for the openness fixtures)

Free below an annual revenue threshold; above it, an enterprise licence.
",
    ),
    (
        "nvidia-open-model",
        "LicenseRef-NVIDIA-Open-Model",
        "NVIDIA Open Model License Agreement
(a paraphrase for the openness fixtures)

Bypassing the model's guardrails ends the licence.
",
    ),
    (
        "ai2-impact-lr",
        "LicenseRef-AI2-ImpACT-LR",
        "AI2 ImpACT License - Low Risk Artifacts
(a paraphrase for the openness fixtures)

Derivatives must disclose their intended uses.
",
    ),
    (
        "cc-by-nc-sa-4.0",
        "CC-BY-NC-SA-4.0",
        "Attribution-NonCommercial-ShareAlike 4.0 International
(a paraphrase of its title block, for the openness fixtures)

Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International
Public License
",
    ),
    (
        "modified-mit",
        "LicenseRef-Modified-MIT-License",
        "Modified MIT License
(for the openness fixtures)

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the \"Software\"), to
deal in the Software without restriction, including without limitation the
rights to use, copy, modify, merge, publish, distribute, sublicense, and/or
sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

You may not use the Software for military purposes, and any model derived
from it must carry the model name of the original at the start of its own.

THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.
",
    ),
];

fn model_licence_families(d: &Path) -> io::Result<()> {
    for (dir, _, text) in MODEL_LICENCE_FAMILIES {
        let d = d.join(dir);
        write(&d, "LICENSE", text)?;
        write(
            &d,
            "README.md",
            format!("---\nlibrary_name: transformers\n---\n# {dir}\n"),
        )?;
        write(&d, "model.safetensors", st_owned(&tiny_llama(1, 16)))?;
    }
    Ok(())
}

/// The BSD 3-clause text, standard wording.
pub const BSD_3_TEXT: &str = "Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.
2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.
3. Neither the name of the copyright holder nor the names of its contributors
   may be used to endorse or promote products derived from this software
   without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\".
";

/// A paraphrased model licence (our words) for scope fixtures.
const DEEPSEEK_LIKE: &str = "DEEPSEEK LICENSE AGREEMENT
Version 1.0, 23 October 2023
(a paraphrase for the openness fixtures)

Section I: PREAMBLE
The model may be used subject to the use restrictions of Attachment A, which
forbid military use among others.
";

/// An Open Data Commons attribution grant, paraphrased.
const ODC_BY_LIKE: &str = "Open Data Commons Attribution License (ODC-By)
(a paraphrase for the openness fixtures)

This license only governs the rights over the database, and not the contents
of the database individually. Use is free subject to the attribution
requirements set out in section 4.
";

/// One release per licence-reading rule of SPEC section 2: scopes by file
/// name, a referenced component's licence, a pointer, appended licences,
/// restricted look-alikes of MIT and Apache-2.0, a sub-folder licence,
/// attribution and use-policy files, and the card template's placeholder.
fn licence_cases(d: &Path) -> io::Result<()> {
    let weights = st_owned(&tiny_llama(1, 16));
    let card = "---\nlibrary_name: transformers\n---\n# licence case\n";

    // LICENSE-CODE, MODEL_LICENSE, DATA_LICENSE: each scopes its part.
    let s = d.join("scopes-by-name");
    write(&s, "LICENSE-CODE", MIT)?;
    write(&s, "MODEL_LICENSE", DEEPSEEK_LIKE)?;
    write(&s, "DATA_LICENSE", ODC_BY_LIKE)?;
    write(&s, "README.md", card)?;
    write(
        &s,
        "train.py",
        "import torch\nloss.backward()\noptimizer.step()\n",
    )?;
    write(&s, "model.safetensors", &weights)?;
    write(
        &s,
        "data/train.jsonl",
        "{\"text\": \"a sample of our own\"}\n",
    )?;

    // LICENSE-MODEL and WEIGHT_DIFF_LICENSE for weights that are only
    // referenced: the licence the release grants still reaches them.
    let s = d.join("referenced-weights");
    write(&s, "LICENSE", MIT)?;
    write(&s, "LICENSE-MODEL", DEEPSEEK_LIKE)?;
    write(
        &s,
        "WEIGHT_DIFF_LICENSE",
        "Attribution-NonCommercial 4.0 International\n\nCreative Commons Attribution-NonCommercial 4.0 International Public License\n",
    )?;
    write(&s, "README.md", card)?;
    write(
        &s,
        "model.py",
        "import torch\nclass Net(torch.nn.Module):\n    def forward(self, x):\n        return x\n",
    )?;
    write_json(&s, "config.json", &llama_config(1, 16, "bfloat16"))?;
    write(&s, "model.safetensors", lfs_pointer(1 << 20))?;

    // A one-line pointer naming a model licence family.
    let s = d.join("pointer");
    write(
        &s,
        "LICENSE",
        "This project is licensed under the Llama 2 Community License, see https://example.org/llama/LICENSE for its text.\n",
    )?;
    write(&s, "README.md", card)?;
    write(&s, "generate.py", "import torch\nmodel.generate(tokens)\n")?;

    // A pointer to a URL only; the source headers name the licence.
    let s = d.join("source-headers");
    write(
        &s,
        "LICENSE",
        "Please refer to the licence at https://example.org/LICENSE\n",
    )?;
    write(&s, "README.md", card)?;
    for name in ["model.py", "generate.py"] {
        write(
            &s,
            name,
            "# Copyright (c) Example Labs.\n# This software may be used and distributed according to the terms of the Llama 2 Community License Agreement.\nimport torch\n",
        )?;
    }

    // The project's licence first, then the bundled code's licences.
    let s = d.join("appended");
    write(
        &s,
        "LICENSE",
        format!(
            "{APACHE_2_0}\n--\n\nThis repository also bundles code from two other projects; their licences follow.\n\n----------- LICENSE FOR the vendored tokenizer -----------\n\n{BSD_3_TEXT}\n----------- LICENSE FOR the vendored sampler -----------\n\n{MIT}"
        ),
    )?;
    write(&s, "README.md", card)?;
    write(
        &s,
        "train.py",
        "import torch\nloss.backward()\noptimizer.step()\n",
    )?;

    // MIT's grant and disclaimer with use bans added, titled as MIT.
    let s = d.join("mit-look-alike");
    write(
        &s,
        "LICENSE",
        format!(
            "{MIT}\nYou shall not use the Software or the model weights for military applications or mass surveillance.\n"
        ),
    )?;
    write(&s, "README.md", card)?;
    write(&s, "model.safetensors", &weights)?;

    // Apache-2.0's text followed by a research-only rider.
    let s = d.join("apache-look-alike");
    write(
        &s,
        "LICENSE",
        format!(
            "{APACHE_2_0}\nADDITIONAL TERMS\n\nThe model weights may be used for research purposes only, and you agree not to use them in any commercial product.\n"
        ),
    )?;
    write(&s, "README.md", card)?;
    write(&s, "model.safetensors", &weights)?;

    // MIT at the root, Apache-2.0 in a sub-folder of training code; a
    // NOTICE and a use policy beside them.
    let s = d.join("sub-folder");
    write(&s, "LICENSE", MIT)?;
    write(&s, "training/flax/LICENSE", APACHE_2_0)?;
    write(
        &s,
        "training/flax/train.py",
        "import jax\nloss = step(params)\n",
    )?;
    write(&s, "inference.py", "import torch\nmodel.generate(tokens)\n")?;
    write(
        &s,
        "NOTICE",
        "This product includes software developed by Example Labs, licensed under the Apache License, Version 2.0.\n",
    )?;
    write(
        &s,
        "USE_POLICY.md",
        "# Acceptable use policy\n\nYou agree not to use the model for surveillance or weapons development.\n",
    )?;
    write(&s, "README.md", card)?;
    write(&s, "model.safetensors", &weights)?;

    // The Hugging Face card template's placeholder: no licence, no matcher.
    let s = d.join("more-information-needed");
    write(
        &s,
        "README.md",
        "---\nlibrary_name: transformers\n---\n# Model\n\n## License\n\n[More Information Needed]\n",
    )?;
    write(&s, "model.safetensors", &weights)?;
    Ok(())
}

/// The terms of a made-up research model: a grant, a non-commercial limit,
/// a disclaimer; long enough and legal enough to read as a licence text.
const RESEARCH_TERMS_BODY: &str = "These terms govern your use of the model weights, the inference code \
and any documentation released with them (together, the Materials). By downloading, copying or using \
the Materials you accept these terms; if you do not accept them, you have no permission to use the \
Materials.

1. Grant. Subject to these conditions, the Licensor hereby grants you a worldwide, royalty-free, \
non-exclusive, non-transferable licence to use, reproduce and modify the Materials for research and \
evaluation only.

2. Non-commercial use. You may not use the Materials, or any model derived from them, for any \
commercial purpose, including offering a paid service or product that relies on them.

3. Redistribution. You may share the Materials only with this text attached and only under these same \
conditions; the Licensee shall keep every copyright notice intact.

4. No warranty. THE MATERIALS ARE PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND. The Licensor is not \
liable for any damages arising from their use, and your use of them is at your own risk.

5. Termination. This licence ends automatically if you breach any of its conditions, and you must then \
delete every copy of the Materials in your possession.
";

/// Issue 22: licences no rule lists are never dropped nor called open.
fn unlisted_licences(d: &Path) -> io::Result<()> {
    let weights = st_owned(&tiny_llama(1, 16));
    let card = "---\nlibrary_name: transformers\n---\n# licence case\n";
    let code = "import torch\nmodel.generate(tokens)\n";

    // A folder of per-model licences: one open, one a custom agreement.
    let s = d.join("licence-folder");
    write(&s, "model_licenses/LICENSE-alpha-small", APACHE_2_0)?;
    write(
        &s,
        "model_licenses/LICENSE-beta-large",
        format!("# BETA-LARGE NON-COMMERCIAL LICENSE AGREEMENT\n\n{RESEARCH_TERMS_BODY}"),
    )?;
    write(&s, "LICENSE", APACHE_2_0)?;
    write(&s, "README.md", card)?;
    write(&s, "sample.py", code)?;
    // Its twin: the folder holds two open licences.
    let s = d.join("licence-folder-open");
    write(&s, "model_licenses/LICENSE-alpha-small", APACHE_2_0)?;
    write(&s, "model_licenses/LICENSE-beta-large", MIT)?;
    write(&s, "LICENSE", APACHE_2_0)?;
    write(&s, "README.md", card)?;
    write(&s, "sample.py", code)?;

    // A title in an HTML heading, and a title as the first plain line.
    let s = d.join("html-title");
    write(
        &s,
        "LICENSE",
        format!("<h2 align=\"center\"> XYZ-175B LICENSE AGREEMENT </h2>\n\n{RESEARCH_TERMS_BODY}"),
    )?;
    write(&s, "README.md", card)?;
    write(&s, "model.safetensors", &weights)?;
    let s = d.join("plain-title");
    write(
        &s,
        "LICENSE",
        format!("XYZ LICENSE AGREEMENT\n\n{RESEARCH_TERMS_BODY}"),
    )?;
    write(&s, "README.md", card)?;
    write(&s, "model.safetensors", &weights)?;

    // Three licence files and a use policy: none is dropped.
    let s = d.join("three-licences");
    write(
        &s,
        "LICENSE",
        "Attribution-NonCommercial 4.0 International\n\nCreative Commons Attribution-NonCommercial 4.0 International Public License\n",
    )?;
    write(&s, "MIT_LICENSE", MIT)?;
    write(
        &s,
        "Example Model Licensing Agreement.md",
        format!("# Example Model Licensing Agreement\n\n{RESEARCH_TERMS_BODY}"),
    )?;
    write(
        &s,
        "ACCEPTABLE_USE_POLICY",
        "You agree not to use the model for surveillance or weapons development.\n",
    )?;
    write(&s, "README.md", card)?;
    write(&s, "sample.py", code)?;

    // The card's body is the licence; one source file carries an MIT header.
    let mit_header = "# SPDX-License-Identifier: MIT\nimport torch\nmodel.generate(tokens)\n";
    let s = d.join("card-text");
    write(
        &s,
        "README.md",
        format!(
            "---\nlibrary_name: transformers\n---\n# XYZ-1\n\nXYZ-1 is the property of Example Labs and is \
             released under the following license:\n\nXYZ RESEARCH LICENSE TERMS\n\n{RESEARCH_TERMS_BODY}"
        ),
    )?;
    write(&s, "sample.py", mit_header)?;
    write(&s, "model.safetensors", &weights)?;
    // Its twin: a card that only talks about licences in prose.
    let s = d.join("card-prose");
    write(
        &s,
        "README.md",
        "---\nlibrary_name: transformers\n---\n# XYZ-1\n\nWe compared several licenses before \
         releasing this model; the license of each source file is stated in its header.\n",
    )?;
    write(&s, "sample.py", mit_header)?;
    write(&s, "model.safetensors", &weights)?;

    // The card template's model-details line, and its placeholder.
    let s = d.join("card-template");
    write(
        &s,
        "README.md",
        "---\nlibrary_name: peft\n---\n# Model Card\n\n## Model Details\n\n\
         - **Developed by:** Example Labs\n- **License:** MIT\n- **Finetuned from model:** none\n",
    )?;
    write(&s, "model.safetensors", &weights)?;
    let s = d.join("card-template-placeholder");
    write(
        &s,
        "README.md",
        "---\nlibrary_name: peft\n---\n# Model Card\n\n## Model Details\n\n\
         - **Developed by:** Example Labs\n- **License:** [More Information Needed]\n",
    )?;
    write(&s, "model.safetensors", &weights)
}

/// Issue 23: data counts as training data by what the release says of it,
/// never by the folder it sits in; each case has a twin.
fn data_roles(d: &Path) -> io::Result<()> {
    let card = "---\nlicense: mit\n---\n# data role case\n";
    let csv = "text,label\nthe cat sat,1\nthe dog ran,0\n";

    // A table the training script reads, and a sweep table nothing reads.
    let s = d.join("read-by-training");
    write(&s, "README.md", card)?;
    write(&s, "corpus/reviews.csv", csv)?;
    write(
        &s,
        "train.py",
        "import pandas as pd\nframe = pd.read_csv(\"corpus/reviews.csv\")\nloss.backward()\noptimizer.step()\n",
    )?;
    let s = d.join("unread-table");
    write(&s, "README.md", card)?;
    write(&s, "corpus/lr_sweep.csv", "lr,loss\n0.1,2.3\n0.01,1.9\n")?;
    write(
        &s,
        "train.py",
        "import torch\nloss.backward()\noptimizer.step()\n",
    )?;

    // A folder of labelled images under a train split is one item.
    let s = d.join("train-media");
    write(&s, "README.md", card)?;
    write(&s, "train.py", "import torch\nloss.backward()\n")?;
    let s2 = d.join("demo-media");
    write(&s2, "README.md", card)?;
    write(&s2, "train.py", "import torch\nloss.backward()\n")?;
    for class in ["cat", "dog"] {
        for i in 0..6 {
            write(
                &s,
                &format!("archive/images/train/{class}/{i}.png"),
                PNG_1X1,
            )?;
            write(&s2, &format!("gallery/{class}-{i}.png"), PNG_1X1)?;
        }
    }

    // Datasets fetched in code, and the `datasets` library's helpers.
    let s = d.join("loader-calls");
    write(&s, "README.md", card)?;
    write(
        &s,
        "train.py",
        "import datasets, torchvision, tensorflow_datasets as tfds, kagglehub, mirdata\n\
         corpus = datasets.load_dataset(\"example-org/reviews\")\n\
         images = torchvision.datasets.CIFAR100(root, download=True)\n\
         digits = tfds.load(\"mnist\")\n\
         loss.backward()\n",
    )?;
    // At most four references are taken from one file.
    write(
        &s,
        "prepare.py",
        "import kagglehub, mirdata\n\
         path = kagglehub.dataset_download(\"someone/tabular-set\")\n\
         (x, y), _ = keras.datasets.fashion_mnist.load_data()\n\
         tracks = mirdata.initialize(\"guitarset\")\n",
    )?;
    write(
        &s,
        "lexicon.py",
        "import nltk\nnltk.download(\"cmudict\")\nimages = extra.datasets.fetch_mnist()\n",
    )?;
    let s = d.join("library-helpers");
    write(&s, "README.md", card)?;
    write(
        &s,
        "train.py",
        "import datasets\nfeatures = datasets.Features({\"text\": datasets.Value(\"string\")})\n\
         table = datasets.Dataset.from_dict(rows, features=features)\nloss.backward()\n",
    )?;

    // An install section's wheel index and a news list are no training
    // data; a training-data section's link is.
    let s = d.join("news-and-wheels");
    write(
        &s,
        "README.md",
        "---\nlicense: mit\n---\n# Model\n\n## News\n\n- We also released a corpus for another project: \
         https://huggingface.co/datasets/example-org/other-corpus\n\n## Installation\n\n\
         pip install torch --index-url https://download.pytorch.org/whl/cu121\n",
    )?;
    write(&s, "train.py", "import torch\nloss.backward()\n")?;
    let s = d.join("training-data-section");
    write(
        &s,
        "README.md",
        "---\nlicense: mit\n---\n# Model\n\n## Training data\n\nWe trained on \
         https://huggingface.co/datasets/example-org/our-corpus\n",
    )?;
    write(&s, "train.py", "import torch\nloss.backward()\n")?;

    // A table of URLs the card calls the training data points to it; the
    // same link to a table of rows is the data.
    let linked = "---\nlicense: mit\n---\n# Model\n\nThe training data is listed \
         [in this table](corpus/sources.csv).\n";
    let s = d.join("manifest-linked");
    write(&s, "README.md", linked)?;
    write(
        &s,
        "corpus/sources.csv",
        "shard,location\n0,https://files.example.org/corpus/part-000.jsonl.gz\n\
         1,https://files.example.org/corpus/part-001.jsonl.gz\n\
         2,https://files.example.org/corpus/part-002.jsonl.gz\n",
    )?;
    let s = d.join("table-linked");
    write(&s, "README.md", linked)?;
    write(&s, "corpus/sources.csv", csv)?;

    // A document whose lead says it is about evaluation lists evaluation
    // sets under its "Datasets" heading; the same document about training
    // lists training sets.
    let notes = |purpose: &str| {
        format!(
            "{purpose}\n\n## Speech datasets\n\n### Read speech\n\n\
             We used the corpus from [the archive](https://corpora.example.org/read-speech/).\n"
        )
    };
    let s = d.join("evaluation-notes");
    write(&s, "README.md", card)?;
    write(
        &s,
        "notes/DATA.md",
        notes("These notes say how we prepared the data for evaluation."),
    )?;
    write(
        &s,
        "model.py",
        "import torch\nclass Net(nn.Module):\n    pass\n",
    )?;
    let s = d.join("training-notes");
    write(&s, "README.md", card)?;
    write(
        &s,
        "notes/DATA.md",
        notes("These notes say how we prepared the data for training."),
    )?;
    write(
        &s,
        "model.py",
        "import torch\nclass Net(nn.Module):\n    pass\n",
    )?;

    // Loaders imported from a datasets module fetch their dataset; a
    // project's own helpers named there do not.
    let s = d.join("imported-loaders");
    write(&s, "README.md", card)?;
    write(
        &s,
        "train.py",
        "from kit.datasets import fetch_digits\nx, y = fetch_digits()\nloss.backward()\n",
    )?;
    let s = d.join("imported-helpers");
    write(&s, "README.md", card)?;
    write(
        &s,
        "train.py",
        "from kit.datasets import load_data, build_loader\nx, y = load_data()\nloss.backward()\n",
    )?;

    // A download link to a columnar data file (Feather) is a data
    // reference; a link to the same host's page is not.
    let s = d.join("feather-link");
    write(
        &s,
        "README.md",
        "---\nlicense: mit\n---\n# Model\n\n## Labelled audio\n\n\
         [Labels](https://files.example.org/labels/speech.feather)\n",
    )?;
    write(&s, "train.py", "import torch\nloss.backward()\n")?;
    let s = d.join("page-link");
    write(
        &s,
        "README.md",
        "---\nlicense: mit\n---\n# Model\n\n## Labelled audio\n\n\
         [Labels](https://files.example.org/labels/)\n",
    )?;
    write(&s, "train.py", "import torch\nloss.backward()\n")
}

/// The smallest PNG: one transparent pixel.
const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// A card that licenses code and weights differently, in its prose.
fn split_licences(d: &Path) -> io::Result<()> {
    write(
        d,
        "README.md",
        "---\nlicense: cc-by-nc-4.0\n---\n# split licences\n\n## License\n\n\
         The inference code is released under the MIT License. \
         The model weights are licensed under CC BY-NC 4.0.\n",
    )?;
    write(d, "inference.py", "print(model.generate(inputs))\n")?;
    write(d, "model.safetensors", st_owned(&tiny_llama(1, 16)))
}

/// Declared digests that the files no longer match: a cache-style blob whose
/// content changed after download, and `--local-dir` metadata for weights
/// that were replaced.
fn digests_tampered(d: &Path) -> io::Result<()> {
    let weights = st_owned(&tiny_llama(1, 16));
    let blob = sha256_hex(&weights);
    // The blob is named by the digest of the original weights, but holds
    // other bytes now.
    write(d, &format!("blobs/{blob}"), st_owned(&tiny_llama(1, 8)))?;
    symlink(d, "model.safetensors", &format!("blobs/{blob}"))?;
    write(d, "extra/model.safetensors", st_owned(&tiny_llama(1, 8)))?;
    write(
        d,
        ".cache/huggingface/download/extra/model.safetensors.metadata",
        format!("0123456789abcdef0123456789abcdef01234567\n{blob}\n1764288000.0\n"),
    )?;
    write(
        d,
        "README.md",
        "---\nlicense: apache-2.0\n---\n# tampered\n",
    )
}

/// A minimal PDF: enough for a file that is a report or a paper.
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Code shipped with an Apache-2.0 release: architecture, training,
/// inference, evaluation and data preparation.
pub fn open_code(d: &Path) -> io::Result<()> {
    write(
        d,
        "modeling_tiny.py",
        "import torch.nn as nn\n\nclass TinyModel(nn.Module):\n    def forward(self, x):\n        return x\n",
    )?;
    write(
        d,
        "train.py",
        "from transformers import Trainer\ntrainer = Trainer(model=None)\ntrainer.train()\n",
    )?;
    write(d, "inference.py", "print(model.generate(inputs))\n")?;
    write(
        d,
        "eval/evaluate.py",
        "import evaluate\nmetric = evaluate.load('accuracy')\n",
    )?;
    write(d, "eval/test.jsonl", "{\"text\": \"held out\"}\n")?;
    write(d, "requirements.txt", "torch>=2.4\ntransformers>=4.46\n")?;
    write(d, "technical-report.pdf", PDF)?;
    write(d, "LICENSE", APACHE_2_0)?;
    write(d, "model.safetensors", st_owned(&tiny_llama(1, 16)))?;
    write_json(d, "config.json", &llama_config(1, 16, "bfloat16"))
}

const OPEN_CARD: &str = "---
license: apache-2.0
pipeline_tag: text-generation
model-index:
- name: tiny-open
  results:
  - task:
      type: text-generation
    dataset:
      name: tiny-eval
      type: openness-fixtures/tiny-eval
    metrics:
    - type: accuracy
      value: 0.5
---
# tiny-open
";

/// Every MOF component shipped under Apache-2.0: Class I.
pub fn fully_open(d: &Path) -> io::Result<()> {
    open_code(d)?;
    write(d, "README.md", OPEN_CARD)?;
    write(d, "paper.pdf", PDF)?;
    write(
        d,
        "scripts/prepare_data.py",
        "from datasets import load_dataset\nds = load_dataset('json')\nds = ds.filter(len)\n",
    )?;
    write(d, "data/train.jsonl", "{\"text\": \"open\"}\n")?;
    write(
        d,
        "data/DATASHEET.md",
        "# Datasheet\n\nOne line of English text.\n",
    )?;
    write(d, "data/LICENSE", CDLA_PERMISSIVE_2_0)?;
    write(
        d,
        "checkpoint-100/model.safetensors",
        st_owned(&tiny_llama(1, 16)),
    )?;
    write(
        d,
        "samples/outputs.txt",
        "prompt: hello\noutput: hello world\n",
    )
}

/// Apache-2.0, code, weights, cards, evaluation data and a datasheet (so
/// data is shipped), but no dataset (the datasheet says the crawl is not
/// released): Class II, and Class I lists what is missing. The README's
/// Quick start scans it.
fn datasheet_no_datasets(d: &Path) -> io::Result<()> {
    open_code(d)?;
    write(d, "README.md", OPEN_CARD)?;
    write(
        d,
        "DATASHEET.md",
        "# Datasheet\n\nTrained on a private crawl that is not released.\n",
    )?;
    write(
        d,
        "prepare_data.py",
        "from datasets import load_dataset\nds = load_dataset('json')\nds = ds.filter(len)\n",
    )
}

/// The first of two GGUF splits written by gguf-py, the second never
/// downloaded.
fn gguf_missing_split(d: &Path) -> io::Result<()> {
    write(
        d,
        "model-00001-of-00002.gguf",
        include_bytes!("../../fixtures/interop-gguf/split/model-00001-of-00002.gguf"),
    )
}

/// A sharded PyTorch checkpoint: pickle shards behind `pytorch_model.bin.index.json`.
fn pytorch_sharded(d: &Path) -> io::Result<()> {
    // Protocol-2 pickles of an empty dict: the index is what is checked here.
    write(
        d,
        "pytorch_model-00001-of-00002.bin",
        b"\x80\x02}q\x00.".as_slice(),
    )?;
    write(
        d,
        "pytorch_model-00002-of-00002.bin",
        b"\x80\x02}q\x00.".as_slice(),
    )?;
    write_json(
        d,
        "pytorch_model.bin.index.json",
        &json!({
            "metadata": {"total_size": 1024},
            "weight_map": {
                "model.embed_tokens.weight": "pytorch_model-00001-of-00002.bin",
                "lm_head.weight": "pytorch_model-00002-of-00002.bin"
            }
        }),
    )?;
    write_json(d, "config.json", &llama_config(1, 16, "float32"))?;
    write(
        d,
        "README.md",
        "---\nlicense: apache-2.0\n---\n# pickle shards\n",
    )
}

/// The card says Apache-2.0, the licence file is MIT.
fn license_mismatch(d: &Path) -> io::Result<()> {
    write(
        d,
        "README.md",
        "---\nlicense: apache-2.0\n---\n# which licence?\n",
    )?;
    write(d, "LICENSE", MIT)?;
    write(d, "model.safetensors", st_owned(&tiny_llama(1, 16)))?;
    write_json(d, "config.json", &llama_config(1, 16, "bfloat16"))
}

/// Links: one out of the root, one dangling, one into a blob inside.
fn symlinks(d: &Path) -> io::Result<()> {
    write(d, "blobs/6f1c2a", st_owned(&tiny_llama(1, 16)))?;
    symlink(d, "model.safetensors", "blobs/6f1c2a")?;
    symlink(d, "config.json", "../hf-complete/config.json")?;
    symlink(d, "tokenizer.json", "missing-tokenizer.json")?;
    write(d, "README.md", "---\nlicense: mit\n---\n# symlinks\n")
}

/// Nothing recognisable.
fn empty(d: &Path) -> io::Result<()> {
    // Not an LFS rule: a `.gitattributes` inside this repository's fixtures
    // applies to the fixtures themselves when git checks them out.
    write(d, ".gitattributes", "* text=auto eol=lf\n")
}

/// A sentence-transformers export whose config.json kept the cache folder
/// it was saved from as `_name_or_path`, and whose card has no model name:
/// the release is named by its folder, not by that path.
fn config_cache_path(d: &Path) -> io::Result<()> {
    write_json(
        d,
        "config.json",
        &json!({
            "_name_or_path": "/root/.cache/torch/sentence_transformers/BAAI_bge-large-zh/",
            "architectures": ["BertModel"],
            "model_type": "bert",
            "hidden_size": 8,
            "num_hidden_layers": 1,
            "vocab_size": 16,
            "torch_dtype": "float32",
            "transformers_version": "4.30.0"
        }),
    )?;
    write(
        d,
        "model.safetensors",
        safetensors(
            &[
                ("embeddings.word_embeddings.weight", "F32", &[16, 8]),
                ("encoder.layer.0.output.dense.weight", "F32", &[8, 8]),
            ],
            None,
        ),
    )?;
    write(
        d,
        "README.md",
        "---\nlicense: mit\n---\n# an embedding model\n",
    )
}

/// A Hugging Face hub cache: snapshot files are links into `blobs/`.
fn hf_cache(d: &Path) -> io::Result<()> {
    let repo = "models--openness-fixtures--tiny";
    let rev = "0123456789abcdef0123456789abcdef01234567";
    let cfg = serde_json::to_string_pretty(&llama_config(1, 16, "bfloat16")).unwrap() + "\n";
    // LFS blobs are named by the SHA-256 of their content, as the hub does.
    let weights = st_owned(&tiny_llama(1, 16));
    let blob = sha256_hex(&weights);
    write(d, &format!("{repo}/blobs/{blob}"), &weights)?;
    write(d, &format!("{repo}/blobs/5a1e3c"), cfg)?;
    write(
        d,
        &format!("{repo}/blobs/7c0d11"),
        "---\nlicense: apache-2.0\n---\n# cached\n",
    )?;
    write(d, &format!("{repo}/refs/main"), rev)?;
    let snap = format!("{repo}/snapshots/{rev}");
    symlink(
        d,
        &format!("{snap}/model.safetensors"),
        &format!("../../blobs/{blob}"),
    )?;
    symlink(d, &format!("{snap}/config.json"), "../../blobs/5a1e3c")?;
    symlink(d, &format!("{snap}/README.md"), "../../blobs/7c0d11")
}

/// Issue 14's classes, one file each, every pickle written opcode by opcode
/// (nothing here was ever pickled from a live object, nor is it loaded):
/// a protocol-0 pickle under a name that says nothing, a callable reached
/// through an innocent module, an EXT1 code, a nested torch loader, a
/// gzip-compressed pickle, a torch zip whose duplicated data.pkl hides a
/// payload in its first copy, a Keras 2 model.json injecting a module, a
/// solid 7z archive whose second member is the payload, and a joblib file
/// compressed with LZ4.
fn malicious_round_2(d: &Path) -> io::Result<()> {
    use std::io::Write as _;
    write(d, "model.sav", b"cposix\nsystem\n(S'id'\ntR.".as_slice())?;
    write(
        d,
        "reexport.pkl",
        b"\x80\x04\x8c\tposixpath\x8c\tos.system\x93\x8c\x02id\x85R.".as_slice(),
    )?;
    write(d, "extension.pkl", b"\x80\x02\x82\x01)R.".as_slice())?;
    write(
        d,
        "nested-loader.pkl",
        b"\x80\x02ctorch.storage\n_load_from_bytes\nC\x01x\x85R.".as_slice(),
    )?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R.")?;
    write(d, "model.pkl.gz", gz.finish()?)?;
    let mut lz4 = lz4_flex::frame::FrameEncoder::new(Vec::new());
    lz4.write_all(b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R.")?;
    write(d, "lz4.joblib", lz4.finish().map_err(io::Error::other)?)?;
    write(d, "duplicate-member.pt", duplicate_member_zip())?;
    // A payload at the start of a member padded past the 32 MiB a stream
    // may inflate to: the loader stops at STOP, the padding only hides.
    let mut padded = b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R.".to_vec();
    padded.resize(33 << 20, 0);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&ustar(&[("release/model.pkl", &padded)]))?;
    write(d, "padded.tar.gz", gz.finish()?)?;
    write(
        d,
        "model.7z",
        seven_zip(&[
            ("model/notes.txt", b"a small note".as_slice()),
            (
                "model/data.pkl",
                b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R.".as_slice(),
            ),
        ])?,
    )?;
    write(
        d,
        "model.json",
        r#"{"class_name": "Sequential", "keras_version": "2.15.0", "config": {"name": "m", "layers": [{"module": "os", "class_name": "system", "config": {"command": "id"}}]}}"#,
    )
}

/// A POSIX ustar archive as GNU tar and Python's tarfile write it: regular
/// members, mode 0644, mtime 0, checksummed headers, two zero blocks.
fn ustar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut tar = Vec::new();
    for (name, data) in members {
        let mut header = [0u8; 512];
        header[..name.len()].copy_from_slice(name.as_bytes());
        header[100..108].copy_from_slice(b"0000644\0");
        header[108..116].copy_from_slice(b"0000000\0");
        header[116..124].copy_from_slice(b"0000000\0");
        header[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
        header[136..148].copy_from_slice(b"00000000000\0");
        header[156] = b'0';
        header[257..265].copy_from_slice(b"ustar\x0000");
        // The checksum is summed with its own field as spaces.
        header[148..156].copy_from_slice(b"        ");
        let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
        header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        tar.extend_from_slice(&header);
        tar.extend_from_slice(data);
        tar.resize(tar.len().div_ceil(512) * 512, 0);
    }
    tar.resize(tar.len() + 1024, 0);
    tar
}

/// A solid 7z archive: the members one after another in one LZMA2 folder,
/// the header plain (7-Zip packs it, which the interop fixtures cover).
fn seven_zip(members: &[(&str, &[u8])]) -> io::Result<Vec<u8>> {
    use std::io::Write as _;
    let mut lzma2 =
        lzma_rust2::Lzma2Writer::new(Vec::new(), lzma_rust2::Lzma2Options::with_preset(6));
    for (_, data) in members {
        lzma2.write_all(data)?;
    }
    let packed = lzma2.finish()?;
    let sizes: Vec<(&str, u64)> = members
        .iter()
        .map(|(name, data)| (*name, data.len() as u64))
        .collect();
    // Dictionary property 16: 256 KiB.
    Ok(seven_zip_folder(&packed, &sizes, 16))
}

/// A 7z archive around one raw LZMA2 stream (`packed`) that decodes to the
/// members' bytes one after another, with the dictionary `property` (40:
/// 4 GiB - 1) and CRCs of the start header and header. For tests/dos.rs's
/// bomb too, so its numbers take 7z's nine-byte form past 127.
pub fn seven_zip_folder(packed: &[u8], members: &[(&str, u64)], property: u8) -> Vec<u8> {
    let number = |n: u64| -> Vec<u8> {
        match u8::try_from(n) {
            Ok(small) if small < 0x80 => vec![small],
            _ => [0xff].into_iter().chain(n.to_le_bytes()).collect(),
        }
    };
    let total: u64 = members.iter().map(|m| m.1).sum();
    let mut names = vec![0u8]; // stored in the header
    for (name, _) in members {
        for unit in name.encode_utf16().chain([0]) {
            names.extend(unit.to_le_bytes());
        }
    }
    // Header, main streams: pack info (position 0, one stream), one folder
    // of one LZMA2 coder, substreams.
    let mut header = vec![0x01, 0x04, 0x06, 0, 1, 0x09];
    header.extend(number(packed.len() as u64));
    header.extend([0x00, 0x07, 0x0b, 1, 0, 1, 0x21, 0x21, 1, property, 0x0c]);
    header.extend(number(total));
    header.extend([0x00, 0x08, 0x0d]);
    header.extend(number(members.len() as u64));
    header.push(0x09);
    for (_, size) in members.iter().take(members.len().saturating_sub(1)) {
        header.extend(number(*size));
    }
    header.extend([0x00, 0x00]);
    // Files info: names only.
    header.push(0x05);
    header.extend(number(members.len() as u64));
    header.push(0x11);
    header.extend(number(names.len() as u64));
    header.extend(names);
    header.extend([0x00, 0x00]);
    let crc32 = |bytes: &[u8]| {
        let mut crc = flate2::Crc::new();
        crc.update(bytes);
        crc.sum().to_le_bytes()
    };
    let mut start = (packed.len() as u64).to_le_bytes().to_vec();
    start.extend((header.len() as u64).to_le_bytes());
    start.extend(crc32(&header));
    let mut out = b"7z\xbc\xaf\x27\x1c\x00\x04".to_vec();
    out.extend(crc32(&start));
    out.extend(start);
    out.extend(packed);
    out.extend(header);
    out
}

/// A stored zip listing `archive/data.pkl` twice: the first copy calls
/// `os.system`, the last is an empty dict (what Python's zipfile loads).
fn duplicate_member_zip() -> Vec<u8> {
    let entries: [(&str, &[u8]); 3] = [
        (
            "archive/data.pkl",
            b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R.",
        ),
        ("archive/data.pkl", b"\x80\x02}."),
        ("archive/version", b"3\n"),
    ];
    let (mut body, mut cd) = (Vec::new(), Vec::new());
    for (name, data) in entries {
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let mut fields = Vec::new();
        fields.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // version, flags, stored, time, date
        fields.extend_from_slice(&crc.sum().to_le_bytes());
        fields.extend_from_slice(&(data.len() as u32).to_le_bytes());
        fields.extend_from_slice(&(data.len() as u32).to_le_bytes());
        fields.extend_from_slice(&(name.len() as u16).to_le_bytes());
        fields.extend_from_slice(&[0, 0]);
        cd.extend_from_slice(b"PK\x01\x02\x14\x00");
        cd.extend_from_slice(&fields);
        cd.extend_from_slice(&[0; 10]);
        cd.extend_from_slice(&(body.len() as u32).to_le_bytes());
        cd.extend_from_slice(name.as_bytes());
        body.extend_from_slice(b"PK\x03\x04");
        body.extend_from_slice(&fields);
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(data);
    }
    let cd_start = body.len();
    body.extend_from_slice(&cd);
    body.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x03\x00\x03\x00");
    body.extend_from_slice(&(cd.len() as u32).to_le_bytes());
    body.extend_from_slice(&(cd_start as u32).to_le_bytes());
    body.extend_from_slice(&[0, 0]);
    body
}
// ------------------------------------------------- issue 13: references

/// A code repository whose weights live elsewhere, pointed to the ways real
/// repositories do it: a checkpoint table in the loader, a download script,
/// a "Pretrained models" README section with archives and a bucket path, a
/// loader call with a hub id. A benchmark table naming another model and a
/// thank-you link must not count.
fn weights_by_reference(d: &Path) -> io::Result<()> {
    write(
        d,
        "README.md",
        "# Sparrow detector\n\nA small detector for garden birds.\n\n\
         ## Pretrained models\n\n\
         - [sparrow-base](https://files.sparrow.example.org/sparrow_models/2024_01/base.zip)\n\
         - bucket copy: `gs://sparrow_models/2024_01/base`\n\n\
         ## Comparison with other detectors\n\n\
         | model | mAP |\n|---|---|\n| [rival-large](https://huggingface.co/rival-lab/rival-large) | 41.0 |\n\n\
         ## Acknowledgements\n\nThanks to [the tiny-box project](https://files.tinybox.example.net/tinybox.pt).\n",
    )?;
    write(
        d,
        "sparrow/hub.py",
        "import torch\n\n_CHECKPOINTS = {\n    \"small\": \"https://files.sparrow.example.org/releases/v1/sparrow-small.pt\",\n}\n\n\
         def load(name):\n    return torch.hub.load_state_dict_from_url(_CHECKPOINTS[name])\n",
    )?;
    write(
        d,
        "sparrow/model.py",
        "import torch.nn as nn\n\nclass Sparrow(nn.Module):\n    def forward(self, x):\n        return x\n",
    )?;
    write(
        d,
        "demo_app.py",
        "from transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"sparrow-lab/sparrow-base\")\n",
    )?;
    write(
        d,
        "download.sh",
        "#!/bin/bash\n# Fetch the checkpoints into ./ckpt\nread -p \"Signed URL: \" URL\nfor part in 00 01; do\n    wget \"${URL}/ckpt/consolidated.${part}.pth\" -O \"ckpt/consolidated.${part}.pth\"\ndone\n",
    )?;
    write(d, "LICENSE", MIT)
}

/// Training data named outside any card: a dataset YAML with a download
/// block, a download script, a corpus preparation script, a README
/// "Training data" section. Evaluation sets, results tables and a tutorial
/// sample are shipped, and none of them is training data.
fn data_by_reference(d: &Path) -> io::Result<()> {
    write(
        d,
        "README.md",
        "# Wren tagger\n\n## Training data\n\n\
         We trained on the [Wren corpus dump](https://dumps.wren.example.org/wren-2023.xml.bz2) \
         and a [field-notes collection](https://notes.example.org/wren/field-notes).\n\n\
         ## Evaluation\n\nScores on the [heldout set](https://huggingface.co/datasets/someone/wren-heldout) \
         are in `results/`.\n",
    )?;
    write(
        d,
        "configs/wren_small.yaml",
        "path: ../corpora/wren-small\ntrain: splits/train.txt\nval: splits/val.txt\n\
         download: |\n  fetch_archive('https://dumps.wren.example.org/wren-small.tar.gz')\n",
    )?;
    write(
        d,
        "scripts/download_dataset.sh",
        "#!/bin/bash\nmkdir -p corpora\nwget https://dumps.wren.example.org/wren-2023.tar.gz -O corpora/wren.tar.gz\n",
    )?;
    write(
        d,
        "tools/prepare_corpus.py",
        "SHARDS = [\"https://dumps.wren.example.org/shards/part-00.jsonl.zst\"]\n\ndef main():\n    for url in SHARDS:\n        print(url)\n",
    )?;
    write(
        d,
        "wren/tagger.py",
        "import torch.nn as nn\n\nclass Tagger(nn.Module):\n    def forward(self, x):\n        return x\n",
    )?;
    write(
        d,
        "eval/heldout.jsonl",
        "{\"text\": \"a wren sang\", \"tag\": \"bird\"}\n",
    )?;
    write(
        d,
        "examples/tiny_train.jsonl",
        "{\"text\": \"toy\", \"tag\": \"x\"}\n",
    )?;
    write(d, "results/run1_results.csv", "task,score\ntagging,0.91\n")?;
    write(d, "metrics_final.json", "{\"accuracy\": 0.91}\n")?;
    write(d, "LICENSE", MIT)
}

/// Weights in formats known by their file pairs, and a fixed filterbank
/// shipped beside the audio code (not weights).
fn paired_formats(d: &Path) -> io::Result<()> {
    const EMPTY_ZIP: &[u8] =
        b"PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";
    write(
        d,
        "caffe/finch.prototxt",
        "name: \"finch\"\nlayer { name: \"data\" type: \"Input\" }\n",
    )?;
    write(
        d,
        "caffe/finch.caffemodel",
        b"\x0a\x05finch\x12\x00".as_slice(),
    )?;
    write(d, "ncnn/finch.param", "7767517\n2 2\nInput data 0 1 data\n")?;
    write(
        d,
        "ncnn/finch.bin",
        b"\x00\x00\x80\x3f\x00\x00\x00\x40".as_slice(),
    )?;
    write(d, "mnn/finch.mnn", b"\x00\x00\x00\x10MNNfinch".as_slice())?;
    write(
        d,
        "openvino/finch.xml",
        "<?xml version=\"1.0\"?>\n<net name=\"finch\" version=\"11\"></net>\n",
    )?;
    write(d, "openvino/finch.bin", b"\x00\x00\x80\x3f".as_slice())?;
    write(d, "tf/finch.ckpt.index", b"\x00\x01index".as_slice())?;
    write(
        d,
        "tf/finch.ckpt.data-00000-of-00001",
        b"\x00\x00\x80\x3f".as_slice(),
    )?;
    write(
        d,
        "finch/audio/features.py",
        "import numpy as np\n\ndef mel(x, filters):\n    return filters @ x\n",
    )?;
    write(d, "finch/audio/mel_filters.npz", EMPTY_ZIP)?;
    // A TorchScript archive (written by torch.jit.save for the interop
    // fixtures) under an extension that says nothing.
    write(
        d,
        "torchscript/finch.jit",
        include_bytes!("../../fixtures/interop-pickle/benign-torchscript.pt").as_slice(),
    )?;
    write(d, "LICENSE", MIT)
}

/// The README links the fine-tuning set as a file of the release, but the
/// file is not there; a datasheet and seed examples are. A datasheet's
/// `source_datasets: [original]` names no dataset.
fn linked_data_missing(d: &Path) -> io::Result<()> {
    write(
        d,
        "README.md",
        "# Heron instructions\n\n[`heron_data.json`](./heron_data.json) holds the 20K instruction pairs we used for fine-tuning.\n",
    )?;
    write(
        d,
        "DATASHEET.md",
        "---\nsource_datasets:\n- original\ntask_categories:\n- text-generation\n---\n# Heron instruction pairs\n\nWritten by hand from seed tasks.\n",
    )?;
    write(
        d,
        "seed_tasks.jsonl",
        "{\"instruction\": \"name a heron\"}\n",
    )?;
    write(
        d,
        "train.py",
        "from transformers import Trainer\ntrainer = Trainer(model=None)\ntrainer.train()\n",
    )?;
    write(d, "LICENSE", MIT)
}

/// CRC-32 (IEEE), bit by bit: fixture files are tiny.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zip of stored (uncompressed) entries, as DDUF requires.
pub fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let (crc, size, name_len) = (crc32(data), data.len() as u32, name.len() as u16);
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&name_len.to_le_bytes());
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let (cd_offset, cd_size, count) =
        (out.len() as u32, central.len() as u32, entries.len() as u16);
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A DDUF pipeline whose members are read where they lie: two safetensors
/// components and the model_index.json that names their classes.
fn dduf_inside(d: &Path) -> io::Result<()> {
    let index = serde_json::to_vec(&json!({
        "_class_name": "StableDiffusionPipeline",
        "_diffusers_version": "0.31.0",
        "unet": ["diffusers", "UNet2DConditionModel"],
        "vae": ["diffusers", "AutoencoderKL"],
    }))?;
    let unet = safetensors(
        &[
            ("conv_in.weight", "F32", &[4, 4, 3, 3]),
            ("conv_in.bias", "F32", &[4]),
        ],
        None,
    );
    let vae = safetensors(&[("decoder.conv.weight", "F16", &[8, 4])], None);
    let unet_config = br#"{"_class_name": "UNet2DConditionModel"}"#;
    let zip = stored_zip(&[
        ("model_index.json", &index),
        ("unet/config.json", unet_config),
        ("unet/diffusion_pytorch_model.safetensors", &unet),
        ("vae/diffusion_pytorch_model.safetensors", &vae),
    ]);
    write(d, "pipeline.dduf", zip)?;
    write(
        d,
        "README.md",
        "---\nlicense: mit\n---\n# A pipeline in one file\n",
    )
}

// ---------------------------------------------------------------- issue 23

/// A `.npy` file: magic, version 1.0, the header dict padded to 64 bytes,
/// then zeros for the data (`item` bytes per element).
pub fn npy(descr: &str, shape: &[u64], item: u64) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(u64::to_string).collect();
    let shape = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    let elements: u64 = shape_product(&dims);
    out.resize(out.len() + (elements * item) as usize, 0);
    out
}

fn shape_product(dims: &[String]) -> u64 {
    dims.iter().map(|d| d.parse::<u64>().unwrap()).product()
}

/// An `.npz`: a stored zip of `name.npy` members.
pub fn npz(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let names: Vec<String> = members.iter().map(|(n, _)| format!("{n}.npy")).collect();
    let entries: Vec<(&str, &[u8])> = names
        .iter()
        .zip(members)
        .map(|(n, (_, data))| (n.as_str(), data.as_slice()))
        .collect();
    stored_zip(&entries)
}

/// Protocol-2 pickle opcodes, as `torch.save` writes them.
pub struct Pickle(pub Vec<u8>);

impl Pickle {
    pub fn new() -> Pickle {
        Pickle(vec![0x80, 2])
    }
    pub fn op(&mut self, bytes: &[u8]) -> &mut Pickle {
        self.0.extend_from_slice(bytes);
        self
    }
    pub fn str(&mut self, s: &str) -> &mut Pickle {
        self.0.push(b'X');
        self.0.extend_from_slice(&(s.len() as u32).to_le_bytes());
        self.op(s.as_bytes())
    }
    pub fn int(&mut self, n: u64) -> &mut Pickle {
        if n < 256 {
            self.op(&[b'K', n as u8])
        } else if n < 65_536 {
            self.op(b"M").op(&(n as u16).to_le_bytes())
        } else {
            self.op(b"J").op(&(n as u32).to_le_bytes())
        }
    }
    pub fn global(&mut self, module: &str, name: &str) -> &mut Pickle {
        self.op(b"c")
            .op(module.as_bytes())
            .op(b"\n")
            .op(name.as_bytes())
            .op(b"\n")
    }
    /// `collections.OrderedDict()`, as state dicts start.
    pub fn ordered_dict(&mut self) -> &mut Pickle {
        self.global("collections", "OrderedDict").op(b")R")
    }
    /// `torch._utils._rebuild_tensor_v2(storage, 0, shape, stride, False,
    /// OrderedDict())` over storage `key` of class `storage`.
    pub fn tensor(&mut self, key: &str, storage: &str, shape: &[u64]) -> &mut Pickle {
        let numel: u64 = shape.iter().product();
        self.global("torch._utils", "_rebuild_tensor_v2").op(b"(");
        self.op(b"(")
            .str("storage")
            .global("torch", storage)
            .str(key);
        self.str("cpu").int(numel).op(b"tQ");
        self.int(0).op(b"(");
        for d in shape {
            self.int(*d);
        }
        self.op(b"t(");
        let mut stride = 1;
        let mut strides = Vec::new();
        for d in shape.iter().rev() {
            strides.push(stride);
            stride *= d;
        }
        for s in strides.iter().rev() {
            self.int(*s);
        }
        self.op(b"t\x89").ordered_dict().op(b"tR")
    }
    pub fn stop(&mut self) -> Vec<u8> {
        self.op(b".");
        std::mem::take(&mut self.0)
    }
}

/// Bytes per element of a torch storage class.
fn storage_item(storage: &str) -> u64 {
    match storage {
        "LongStorage" | "DoubleStorage" => 8,
        "FloatStorage" | "IntStorage" => 4,
        "HalfStorage" | "BFloat16Storage" => 2,
        _ => 1,
    }
}

type TensorSpec<'a> = (&'a str, &'a str, &'a [u64]);

/// A `torch.save` zip: `archive/data.pkl`, one zero-filled storage per
/// tensor, `archive/version`.
pub fn torch_zip(data_pkl: &[u8], tensors: &[TensorSpec<'_>]) -> Vec<u8> {
    let storages: Vec<(String, Vec<u8>)> = tensors
        .iter()
        .enumerate()
        .map(|(i, (_, storage, shape))| {
            let n: u64 = shape.iter().product::<u64>() * storage_item(storage);
            (format!("archive/data/{i}"), vec![0u8; n as usize])
        })
        .collect();
    let mut entries: Vec<(&str, &[u8])> = vec![("archive/data.pkl", data_pkl)];
    for (name, data) in &storages {
        entries.push((name.as_str(), data.as_slice()));
    }
    entries.push(("archive/version", b"3\n"));
    stored_zip(&entries)
}

/// A state dict of `tensors` (name, storage class, shape), keys as given.
pub fn state_dict(p: &mut Pickle, tensors: &[TensorSpec<'_>]) {
    p.ordered_dict().op(b"(");
    for (i, (name, storage, shape)) in tensors.iter().enumerate() {
        p.str(name).tensor(&i.to_string(), storage, shape);
    }
    p.op(b"u");
}

/// Arrays: a filterbank (in an `assets/` folder and again beside code: the
/// same verdict wherever it sits), token-id prompts, a test's expected
/// object arrays and a 1-D score array are not weights; an `.npz` of float
/// arrays with parameter names and a `.npy` embedding matrix are.
fn content_arrays(d: &Path) -> io::Result<()> {
    let filterbank = npz(&[
        ("mel_80", npy("<f4", &[80, 201], 4)),
        ("mel_128", npy("<f4", &[128, 201], 4)),
    ]);
    write(d, "speechkit/assets/mel_filters.npz", &filterbank)?;
    write(
        d,
        "speechkit/audio.py",
        "import numpy as np\n\ndef mel(n):\n    return np.load('mel_filters.npz')[f'mel_{n}']\n",
    )?;
    write(d, "speechkit/mel_filters.npz", &filterbank)?;
    write(
        d,
        "speechkit/checkpoint.npz",
        npz(&[
            ("enc_emb", npy("<f4", &[29, 64], 4)),
            ("enc_w_ih", npy("<f4", &[192, 64], 4)),
            ("enc_b_ih", npy("<f4", &[192], 4)),
            ("fc_w", npy("<f4", &[74, 64], 4)),
            ("fc_b", npy("<f4", &[74], 4)),
        ]),
    )?;
    for speaker in ["en_speaker_0", "en_speaker_1", "de_speaker_0"] {
        write(
            d,
            &format!("voices/{speaker}.npz"),
            npz(&[
                ("semantic_prompt", npy("<u2", &[300], 2)),
                ("coarse_prompt", npy("<u2", &[2, 450], 2)),
                ("fine_prompt", npy("<u2", &[8, 450], 2)),
            ]),
        )?;
    }
    // Object arrays: the members are pickles (an empty list each here).
    let mut object = npy("|O", &[2], 0);
    object.extend_from_slice(b"\x80\x02]q\x00.");
    write(
        d,
        "tests/expected_output.npz",
        npz(&[("segments", object.clone()), ("words", object)]),
    )?;
    write(d, "results/scores.npy", npy("<f8", &[1000], 8))?;
    write(d, "embeddings/word_vectors.npy", npy("<f4", &[5000, 50], 4))?;
    write(d, "LICENSE", MIT)?;
    write(
        d,
        "README.md",
        "---\nlicense: mit\n---\n# arrays of every kind\n",
    )
}

/// Pickles: a list of indices and a vocabulary rebuild no tensor; a torch
/// file of one bare tensor has no state-dict names; a state dict and a
/// scikit-learn-style estimator holding an array are weights.
fn content_pickles(d: &Path) -> io::Result<()> {
    let mut p = Pickle::new();
    p.op(b"](");
    for i in 0..300 {
        p.int(i * 7);
    }
    write(d, "data/val_indices.p", p.op(b"e").stop())?;
    let mut p = Pickle::new();
    p.op(b"}(");
    for (i, word) in ["<pad>", "the", "a", "weight", "bias"].iter().enumerate() {
        p.str(word).int(i as u64);
    }
    write(d, "vocab.pkl", p.op(b"u").stop())?;
    let input: &[TensorSpec<'_>] = &[("", "FloatStorage", &[4, 16])];
    let mut p = Pickle::new();
    p.tensor("0", "FloatStorage", &[4, 16]);
    write(d, "demo/input_matrix.pt", torch_zip(&p.stop(), input))?;
    let weights: &[TensorSpec<'_>] = &[
        ("encoder.layers.0.linear.weight", "FloatStorage", &[16, 16]),
        ("encoder.layers.0.linear.bias", "FloatStorage", &[16]),
        ("head.weight", "FloatStorage", &[4, 16]),
    ];
    let mut p = Pickle::new();
    state_dict(&mut p, weights);
    write(d, "demo/model.pt", torch_zip(&p.stop(), weights))?;
    // An estimator whose state holds a numpy array (coef_).
    let mut p = Pickle::new();
    p.global("sklearn.linear_model._base", "LinearRegression")
        .op(b")\x81}(")
        .str("coef_")
        .global("numpy.core.multiarray", "_reconstruct")
        .global("numpy", "ndarray")
        .int(0)
        .op(b"\x85C\x01b\x87R")
        .op(b"ub");
    write(d, "estimator.pkl", p.stop())?;
    write(d, "LICENSE", MIT)?;
    write(
        d,
        "README.md",
        "---\nlicense: mit\n---\n# pickles of every kind\n",
    )
}

/// Training state beside a real checkpoint: by name (the files Hugging
/// Face's Trainer writes) and by content (an optimizer state under another
/// name). A full training checkpoint that holds the model too is weights.
fn trainer_state(d: &Path) -> io::Result<()> {
    let params: &[TensorSpec<'_>] = &[
        ("model.layers.0.mlp.weight", "FloatStorage", &[8, 8]),
        ("model.layers.0.mlp.bias", "FloatStorage", &[8]),
        ("model.norm.weight", "FloatStorage", &[8]),
    ];
    let mut p = Pickle::new();
    state_dict(&mut p, params);
    write(
        d,
        "checkpoint-10/pytorch_model.bin",
        torch_zip(&p.stop(), params),
    )?;
    // {"state": {0: {"step": t, "exp_avg": t}}, "param_groups": [{"lr": .., "params": [0]}]}
    let moments: &[TensorSpec<'_>] = &[("", "FloatStorage", &[]), ("", "FloatStorage", &[8, 8])];
    // Storage keys of its two tensors: `first` and `first + 1`.
    let optimizer = |p: &mut Pickle, first: usize| {
        p.op(b"}(").str("state").op(b"}").int(0).op(b"}(");
        p.str("step")
            .tensor(&first.to_string(), "FloatStorage", &[]);
        p.str("exp_avg")
            .tensor(&(first + 1).to_string(), "FloatStorage", &[8, 8]);
        p.op(b"us").str("param_groups").op(b"](}(");
        p.str("lr").op(b"G\x3f\x50\x62\x4d\xd2\xf1\xa9\xfc");
        p.str("weight_decay")
            .op(b"G\x00\x00\x00\x00\x00\x00\x00\x00");
        p.str("params").op(b"]").int(0).op(b"aueu");
    };
    let mut p = Pickle::new();
    optimizer(&mut p, 0);
    let bytes = torch_zip(&p.stop(), moments);
    write(d, "checkpoint-10/optimizer.pt", &bytes)?;
    write(d, "checkpoint-10/opt_shard_0.pt", &bytes)?;
    let mut p = Pickle::new();
    p.op(b"}(")
        .str("base_lrs")
        .op(b"]")
        .op(b"G\x3f\x50\x62\x4d\xd2\xf1\xa9\xfc");
    p.op(b"a").str("last_epoch").int(10).op(b"u");
    write(d, "checkpoint-10/scheduler.pt", torch_zip(&p.stop(), &[]))?;
    let rng: &[TensorSpec<'_>] = &[("", "ByteStorage", &[5056])];
    let mut p = Pickle::new();
    p.op(b"}(").str("python").op(b"N").str("numpy").op(b"N");
    p.str("cpu").tensor("0", "ByteStorage", &[5056]).op(b"u");
    write(d, "checkpoint-10/rng_state.pth", torch_zip(&p.stop(), rng))?;
    let mut p = Pickle::new();
    p.global("transformers.training_args", "TrainingArguments")
        .op(b")\x81}(")
        .str("output_dir")
        .str("out")
        .str("learning_rate")
        .op(b"G\x3f\x50\x62\x4d\xd2\xf1\xa9\xfc")
        .op(b"ub");
    write(
        d,
        "checkpoint-10/training_args.bin",
        torch_zip(&p.stop(), &[]),
    )?;
    // A full checkpoint: the model's state dict and the optimizer's.
    let mut all: Vec<TensorSpec<'_>> = params.to_vec();
    all.extend_from_slice(moments);
    let mut p = Pickle::new();
    p.op(b"}(").str("model");
    state_dict(&mut p, params);
    p.str("optimizer");
    // The optimizer's tensors follow the model's storages.
    optimizer(&mut p, params.len());
    p.op(b"u");
    write(d, "full_checkpoint.pt", torch_zip(&p.stop(), &all))?;
    write(d, "LICENSE", MIT)?;
    write(
        d,
        "README.md",
        "---\nlicense: mit\n---\n# a Trainer output folder\n",
    )
}

/// An empty `app.py` and a whitespace-only script are evidence of nothing;
/// the twin folder's `app.py` has code.
fn empty_code(d: &Path) -> io::Result<()> {
    write(d, "blank/app.py", "")?;
    write(d, "blank/run.py", "\n  \n\t\n")?;
    write(d, "blank/README.md", "---\nlicense: mit\n---\n# a demo\n")?;
    write(
        d,
        "real/app.py",
        "import gradio as gr\n\ngr.Interface(fn=lambda x: x, inputs='text', outputs='text').launch()\n",
    )?;
    write(d, "real/README.md", "---\nlicense: mit\n---\n# a demo\n")
}

/// TensorFlow.js: a layers model (Keras topology, one shard) and a graph
/// model (two shards, one of them quantised to uint8).
fn tfjs_model(d: &Path) -> io::Result<()> {
    write_json(
        d,
        "web/layers/model.json",
        &json!({
            "format": "layers-model",
            "generatedBy": "keras v2.15.0",
            "convertedBy": "TensorFlow.js Converter v4.17.0",
            "modelTopology": {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
                {"class_name": "Dense", "config": {"name": "dense", "units": 8}}]}},
            "weightsManifest": [{"paths": ["group1-shard1of1.bin"], "weights": [
                {"name": "dense/kernel", "shape": [16, 8], "dtype": "float32"},
                {"name": "dense/bias", "shape": [8], "dtype": "float32"}]}]
        }),
    )?;
    write(
        d,
        "web/layers/group1-shard1of1.bin",
        vec![0u8; (16 * 8 + 8) * 4],
    )?;
    write_json(
        d,
        "web/graph/model.json",
        &json!({
            "format": "graph-model",
            "modelTopology": {"node": [{"name": "x", "op": "Placeholder"}], "versions": {"producer": 1}},
            "weightsManifest": [{"paths": ["group1-shard1of2.bin", "group1-shard2of2.bin"], "weights": [
                {"name": "conv/filter", "shape": [3, 3, 3, 8], "dtype": "float32",
                 "quantization": {"dtype": "uint8", "min": -1.0, "scale": 0.01}},
                {"name": "conv/bias", "shape": [8], "dtype": "float32"}]}]
        }),
    )?;
    write(d, "web/graph/group1-shard1of2.bin", vec![0u8; 216])?;
    write(d, "web/graph/group1-shard2of2.bin", vec![0u8; 32])?;
    write(
        d,
        "README.md",
        "---\nlicense: apache-2.0\nlibrary_name: tensorflowjs\n---\n# a TF.js model\n",
    )
}

/// A Core ML package with its weights: one `coreml` model.
fn coreml_package(d: &Path) -> io::Result<()> {
    write_json(
        d,
        "Classifier.mlpackage/Manifest.json",
        &json!({"fileFormatVersion": "1.0.0", "itemInfoEntries": {
            "A": {"path": "com.apple.CoreML/model.mlmodel"},
            "B": {"path": "com.apple.CoreML/weights"}}, "rootModelIdentifier": "A"}),
    )?;
    write(
        d,
        "Classifier.mlpackage/Data/com.apple.CoreML/model.mlmodel",
        b"\x08\x07".as_slice(),
    )?;
    write(
        d,
        "Classifier.mlpackage/Data/com.apple.CoreML/weights/weight.bin",
        vec![0u8; 256],
    )?;
    write(
        d,
        "README.md",
        "---\nlicense: mit\n---\n# a Core ML model\n",
    )
}

/// Eleven one-tensor shards named by their index, not `-NNNNN-of-MMMMM`:
/// the totals are over all eleven.
fn odd_shard_names(d: &Path) -> io::Result<()> {
    let mut map = BTreeMap::new();
    let mut total = 0;
    for i in 1..=11 {
        let name = format!("model_part{i:02}.safetensors");
        let tensor = format!("model.layers.{i}.mlp.weight");
        map.insert(tensor.clone(), json!(name));
        let bytes = safetensors(&[(tensor.as_str(), "F32", &[48, 64])], None);
        total += 48 * 64 * 4;
        write(d, &name, bytes)?;
    }
    write_json(
        d,
        "model.safetensors.index.json",
        &json!({"metadata": {"total_size": total}, "weight_map": map}),
    )?;
    write(
        d,
        "README.md",
        "---\nlicense: mit\n---\n# oddly named shards\n",
    )
}

/// An index of forty shards of which two were downloaded: one
/// `missing-shard` finding, the full list in the index item.
fn many_missing_shards(d: &Path) -> io::Result<()> {
    let mut map = BTreeMap::new();
    for i in 1..=40 {
        let name = format!("model-{i:05}-of-00040.safetensors");
        let tensor = format!("model.layers.{i}.mlp.weight");
        map.insert(tensor.clone(), json!(name));
        if i <= 2 {
            write(
                d,
                &name,
                safetensors(&[(tensor.as_str(), "F32", &[4, 4])], None),
            )?;
        }
    }
    write_json(
        d,
        "model.safetensors.index.json",
        &json!({"metadata": {"total_size": 40 * 64}, "weight_map": map}),
    )?;
    write(
        d,
        "README.md",
        "---\nlicense: mit\n---\n# most shards absent\n",
    )
}
