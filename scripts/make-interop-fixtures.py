#!/usr/bin/env python3
"""Write interop fixtures with the Python reference libraries.

The files under fixtures/interop-* are produced by the writers users actually
run (safetensors' numpy API, huggingface_hub's shard splitter and model/dataset
card templates), so the Rust scanner is proven against real output, not
against our own generator. Alongside each fixture, `expected.json` records
what the reference readers (safetensors.safe_open, huggingface_hub.ModelCard)
see in those files; tests/fixtures.rs asserts that `openness scan` agrees.

Usage (from the repo root):
    python3 -m venv /tmp/pyref
    /tmp/pyref/bin/pip install safetensors huggingface_hub numpy jinja2
    /tmp/pyref/bin/python scripts/make-interop-fixtures.py
"""

import json
import shutil
from pathlib import Path

import numpy as np
from huggingface_hub import (
    DatasetCard,
    DatasetCardData,
    EvalResult,
    ModelCard,
    ModelCardData,
)
from huggingface_hub.serialization import split_state_dict_into_shards_factory
from safetensors import safe_open
from safetensors.numpy import save_file

ROOT = Path(__file__).resolve().parent.parent / "fixtures"


def state_dict():
    """A small GPT-2-shaped state dict, in three dtypes."""
    sd = {
        "transformer.wte.weight": np.zeros((50, 16), dtype=np.float16),
        "transformer.wpe.weight": np.zeros((32, 16), dtype=np.float16),
        "transformer.ln_f.weight": np.zeros((16,), dtype=np.float32),
        "transformer.ln_f.bias": np.zeros((16,), dtype=np.float32),
    }
    for i in range(3):
        p = f"transformer.h.{i}."
        sd[p + "attn.c_attn.weight"] = np.zeros((16, 48), dtype=np.float16)
        sd[p + "attn.c_proj.weight"] = np.zeros((16, 16), dtype=np.float16)
        sd[p + "mlp.c_fc.weight"] = np.zeros((16, 64), dtype=np.float16)
        sd[p + "mlp.c_proj.weight"] = np.zeros((64, 16), dtype=np.float16)
        sd[p + "ln_1.weight"] = np.zeros((16,), dtype=np.float32)
        sd[p + "attn.bias"] = np.zeros((1, 1, 32, 32), dtype=np.int64)
    return sd


def write_model(out: Path):
    sd = state_dict()
    # The same splitter save_torch_state_dict uses, with numpy sizes.
    split = split_state_dict_into_shards_factory(
        sd,
        get_storage_size=lambda t: t.nbytes,
        filename_pattern="model{suffix}.safetensors",
        max_shard_size=6000,
    )
    for filename, names in split.filename_to_tensors.items():
        save_file({n: sd[n] for n in names}, str(out / filename), metadata={"format": "np"})
    if split.is_sharded:
        index = {"metadata": split.metadata, "weight_map": split.tensor_to_filename}
        (out / "model.safetensors.index.json").write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")
    config = {
        "architectures": ["GPT2LMHeadModel"],
        "model_type": "gpt2",
        "n_layer": 3,
        "n_embd": 16,
        "vocab_size": 50,
        "torch_dtype": "float16",
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    card_data = ModelCardData(
        language="en",
        license="apache-2.0",
        library_name="transformers",
        pipeline_tag="text-generation",
        datasets=["openness-fixtures/tiny-corpus"],
        base_model="openai-community/gpt2",
        model_name="interop-gpt2",
        eval_results=[
            EvalResult(
                task_type="text-generation",
                dataset_type="openness-fixtures/tiny-corpus",
                dataset_name="tiny-corpus",
                metric_type="perplexity",
                metric_value=12.5,
            )
        ],
    )
    card = ModelCard.from_template(
        card_data,
        model_id="interop-gpt2",
        model_description="A tiny GPT-2-shaped model written by the reference libraries.",
        repo="https://github.com/openness-fixtures/interop-gpt2",
    )
    card.save(str(out / "README.md"))


def write_dataset(out: Path):
    data = DatasetCardData(
        language=["en"],
        license="cc-by-sa-4.0",
        pretty_name="Interop Corpus",
        task_categories=["text-generation"],
        size_categories=["n<1K"],
        source_datasets=["original"],
    )
    DatasetCard.from_template(data, dataset_summary="Written by huggingface_hub.").save(str(out / "README.md"))
    (out / "data").mkdir()
    (out / "data" / "train.jsonl").write_text('{"text": "interop"}\n')


def expected(out: Path):
    """What the reference readers see: the facts openness must agree with."""
    tensors, parameters, dtypes = 0, 0, {}
    for f in sorted(out.glob("*.safetensors")):
        with safe_open(str(f), framework="np") as st:
            for name in st.keys():
                sl = st.get_slice(name)
                n = int(np.prod(sl.get_shape())) if sl.get_shape() else 1
                tensors += 1
                parameters += n
                dtypes[sl.get_dtype()] = dtypes.get(sl.get_dtype(), 0) + n
    card = None
    if (out / "README.md").exists():
        card = ModelCard.load(str(out / "README.md")).data.to_dict()
    facts = {
        "tensors": tensors,
        "parameters": parameters,
        "dtypes": dict(sorted(dtypes.items())),
        "license": card.get("license") if card else None,
        "datasets": card.get("datasets") or card.get("source_datasets") if card else None,
        "base_model": card.get("base_model") if card else None,
    }
    (out / "expected.json").write_text(json.dumps(facts, indent=2, sort_keys=True) + "\n")


def main():
    for name, writer in [("interop-hf", write_model), ("interop-dataset", write_dataset)]:
        out = ROOT / name
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        writer(out)
        expected(out)
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
