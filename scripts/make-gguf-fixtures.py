#!/usr/bin/env python3
"""Write GGUF interop fixtures with gguf-py, the writer llama.cpp ships.

src/formats/gguf.rs is a hand-written reader (the Rust GGUF crates allocate
from header counts), so it must be proven against files produced by the
writer users actually run, not against our own byte builder. This script
writes small GGUF files under fixtures/interop-gguf/ with `gguf.GGUFWriter`:

  llama-q8/   a llama-shaped model: provenance keys (name, licence, base
              model, dataset, source), a token list, a nested array, one key
              of every scalar value type, and F32, F16, Q8_0 and Q4_K tensors
  split/      a model split in two by the writer's own splitter (the
              split.no / split.count / split.tensors.count keys gguf-split
              writes; metadata only in the first split)
  big-endian/ the same kind of model written big-endian (GGUF v3)

In each fixture folder, `expected.json` records, per file, what gguf-py's own GGUFReader
reports for it (tensor count, parameters per ggml type, offsets, keys); the
unit tests in gguf.rs assert the Rust reader agrees.

Usage (from the repo root):
    python3 -m venv /tmp/pygguf
    /tmp/pygguf/bin/pip install gguf numpy
    /tmp/pygguf/bin/python scripts/make-gguf-fixtures.py
"""

import json
import shutil
from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType, GGUFEndian, GGUFReader, GGUFWriter
from gguf.quants import quantize

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "interop-gguf"


def rng_f32(shape, seed):
    """Deterministic small floats, so regenerating gives identical bytes."""
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32) * 0.02


def add_provenance(w: GGUFWriter) -> None:
    w.add_name("Tiny Llama Fixture")
    w.add_license("apache-2.0")
    w.add_license_name("Apache License 2.0")
    w.add_license_link("https://www.apache.org/licenses/LICENSE-2.0")
    w.add_repo_url("https://huggingface.co/openness/tiny-llama-gguf")
    w.add_source_url("https://huggingface.co/openness/tiny-llama")
    w.add_source_repo_url("https://github.com/openness/tiny-llama")
    # What convert_hf_to_gguf.py derives from a card's `base_model:`.
    w.add_base_model_count(1)
    w.add_base_model_name(0, "Llama 3.2 1B")
    w.add_base_model_organization(0, "Meta Llama")
    w.add_base_model_repo_url(0, "https://huggingface.co/meta-llama/Llama-3.2-1B")
    # gguf-py writes datasets as general.dataset.{i}.*; the spec's
    # general.datasets string array is added too so both paths are covered.
    w.add_dataset_count(1)
    w.add_dataset_name(0, "Tiny Stories")
    w.add_dataset_repo_url(0, "https://huggingface.co/datasets/roneneldan/TinyStories")
    w.add_array("general.datasets", ["roneneldan/TinyStories"])


def write_llama(out: Path) -> None:
    out.mkdir(parents=True)
    w = GGUFWriter(out / "model.gguf", "llama")
    add_provenance(w)
    w.add_context_length(128)
    w.add_embedding_length(64)
    w.add_block_count(1)
    w.add_head_count(4)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(7)  # LLAMA_FTYPE_MOSTLY_Q8_0
    w.add_quantization_version(2)
    w.add_tokenizer_model("gpt2")
    w.add_token_list(["<s>", "</s>", "hello", "world", "é", "\u2581the"])
    w.add_token_types([3, 3, 1, 1, 1, 1])
    # A nested array (array of arrays of i32): gguf-py writes these,
    # ggml refuses to load them, readers must at least walk them.
    w.add_array("openness.test.nested", [[1, 2, 3], [4, 5]])
    # One key per scalar value type.
    w.add_uint8("openness.test.u8", 200)
    w.add_int8("openness.test.i8", -100)
    w.add_uint16("openness.test.u16", 60000)
    w.add_int16("openness.test.i16", -30000)
    w.add_uint32("openness.test.u32", 4000000000)
    w.add_int32("openness.test.i32", -2000000000)
    w.add_float32("openness.test.f32", 0.5)
    w.add_bool("openness.test.bool", True)
    w.add_uint64("openness.test.u64", 2**63 + 1)
    w.add_int64("openness.test.i64", -(2**62))
    w.add_float64("openness.test.f64", -0.25)

    # Q8_0 through gguf-py's own quantizer: uint8 rows of 34-byte blocks,
    # which add_tensor turns back into the element shape (16, 64).
    q8 = quantize(rng_f32((16, 64), 1), GGMLQuantizationType.Q8_0)
    w.add_tensor("token_embd.weight", q8, raw_dtype=GGMLQuantizationType.Q8_0)
    w.add_tensor("blk.0.attn_norm.weight", np.ones(64, dtype=np.float32))
    w.add_tensor("blk.0.attn_q.weight", rng_f32((32, 64), 2).astype(np.float16))
    # Q4_K has no numpy quantizer in gguf-py; zero blocks of the right byte
    # shape (4 rows of one 144-byte super-block) are a valid tensor.
    q4k = np.zeros((4, 144), dtype=np.uint8)
    w.add_tensor("blk.0.ffn_down.weight", q4k, raw_dtype=GGMLQuantizationType.Q4_K)
    w.add_tensor("output_norm.weight", np.ones(64, dtype=np.float32))
    finish(w)


def write_split(out: Path) -> None:
    out.mkdir(parents=True)
    # The writer's own splitter, as convert_hf_to_gguf.py --split-max-tensors
    # uses it: it names files <stem>-0000i-of-0000n.gguf, keeps the metadata
    # in the first split only, and adds split.no (u16, 0-based), split.count
    # (u16) and split.tensors.count (i32) to every split, as gguf-split does.
    w = GGUFWriter(out / "model.gguf", "llama", split_max_tensors=2)
    w.add_name("Tiny Split Fixture")
    w.add_license("mit")
    w.add_block_count(1)
    w.add_tensor("token_embd.weight", rng_f32((32, 16), 3).astype(np.float16))
    w.add_tensor("blk.0.attn_norm.weight", np.ones(16, dtype=np.float32))
    w.add_tensor("output.weight", rng_f32((32, 16), 4))
    finish(w)


def write_big_endian(out: Path) -> None:
    out.mkdir(parents=True)
    w = GGUFWriter(out / "model.gguf", "llama", endianess=GGUFEndian.BIG)
    w.add_name("Tiny Big-Endian Fixture")
    w.add_license("apache-2.0")
    w.add_context_length(64)
    w.add_token_list(["a", "b", "c"])
    w.add_uint64("openness.test.u64", 0x0102030405060708)
    w.add_tensor("token_embd.weight", rng_f32((8, 16), 5).astype(np.float16))
    w.add_tensor("output_norm.weight", np.ones(16, dtype=np.float32))
    finish(w)


def finish(w: GGUFWriter) -> None:
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def expected(path: Path) -> dict:
    """What gguf-py's GGUFReader reports: the numbers the Rust tests assert."""
    r = GGUFReader(path)

    def text(key):
        field = r.get_field(key)
        return None if field is None else field.contents()

    per_type: dict[str, int] = {}
    for t in r.tensors:
        per_type[t.tensor_type.name] = per_type.get(t.tensor_type.name, 0) + int(t.n_elements)
    return {
        "file_size": path.stat().st_size,
        "version": int(r.fields["GGUF.version"].parts[0][0]),
        "endianess": r.endianess.name,
        "alignment": int(r.alignment),
        "data_offset": int(r.data_offset),
        "tensor_count": len(r.tensors),
        "parameters": sum(int(t.n_elements) for t in r.tensors),
        "tensor_bytes": sum(int(t.n_bytes) for t in r.tensors),
        "parameters_per_type": per_type,
        "general.name": text("general.name"),
        "general.license": text("general.license"),
        "keys": [k for k in r.fields if not k.startswith("GGUF.")],
        "tensors": [
            {
                "name": t.name,
                "type": t.tensor_type.name,
                # File order: ne[0] (the row length) first.
                "dims": [int(d) for d in t.shape],
                "n_elements": int(t.n_elements),
                "n_bytes": int(t.n_bytes),
                "offset": int(t.data_offset) - int(r.data_offset),
            }
            for t in r.tensors
        ],
    }


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    write_llama(OUT / "llama-q8")
    write_split(OUT / "split")
    write_big_endian(OUT / "big-endian")
    for folder in sorted(p for p in OUT.iterdir() if p.is_dir()):
        # One expected.json per fixture, keyed by file name (a split has two).
        reports = {m.name: expected(m) for m in sorted(folder.glob("*.gguf"))}
        (folder / "expected.json").write_text(
            json.dumps(reports, indent=2, ensure_ascii=False) + "\n"
        )
        for name, report in reports.items():
            print(f"{folder.name}/{name}: {report['file_size']} bytes")

if __name__ == "__main__":
    main()
