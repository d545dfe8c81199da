#!/usr/bin/env python3
"""Build the synthetic inputs of scripts/bench-peers.sh.

Why: the budgets of SPEC.md section 5 are about real-size releases (a 16 GB
sharded model, a 1 TB one, a Llama-3 GGUF with its 128k-token vocabulary),
which we cannot download in a benchmark. Headers are what openness and the
Python reference libraries read, so we write real-size headers and leave the
data regions as holes (sparse files): they cost no disk and, since nothing
reads them, no time. The tensor names, shapes and dtypes follow the Llama
layout so header sizes are realistic.

Usage:
  make_inputs.py safetensors DIR --preset {llama3-8b,llama-1t,tiny-1t} --shards N
  make_inputs.py gguf FILE            (needs the `gguf` package)
  make_inputs.py code-heavy DIR       (2,000 files, 1,800 of them results JSON)
  make_inputs.py licence-readme DIR [--section statement|placeholder|none]
                                      (a release whose README has a licence section)
  make_inputs.py hf-cache DIR --releases N   (a Hugging Face cache of N releases)

The last three reproduce the *layouts* of public releases (a training
repository with a folder of evaluation results per checkpoint, a release
whose licence is stated in a README section, a hub cache with blobs and
symlinked snapshots) with text written here: no third-party content.

Only the standard library is used for safetensors; gguf uses gguf-py's
GGUFWriter, as the brief asks.
"""
import argparse
import json
import os
import random
import struct
import sys

# Llama-style configurations. llama3-8b is Meta-Llama-3-8B's shape (8.03 B
# parameters, 16 GB in BF16). llama-1t is a Llama-3.1-405B-like shape with
# 160 layers, ~514 B parameters, ~1.03 TB in BF16. tiny-1t has the same
# tensor names and the same tensor-to-shard assignment as llama-1t but tiny
# dimensions (~1 MB): the two differ only in weight bytes.
PRESETS = {
    "llama3-8b": dict(hidden=4096, inter=14336, layers=32, heads=32, kv_heads=8, vocab=128256),
    "llama-1t": dict(hidden=16384, inter=53248, layers=160, heads=128, kv_heads=8, vocab=128256),
    "tiny-1t": dict(hidden=16, inter=32, layers=160, heads=2, kv_heads=1, vocab=4096),
}
# The presets whose shard split is taken from a bigger twin.
SPLIT_FROM = {"tiny-1t": "llama-1t"}


def llama_tensors(c):
    """(name, shape) in the order transformers saves a LlamaForCausalLM."""
    h, kv = c["hidden"], c["hidden"] // c["heads"] * c["kv_heads"]
    out = [("model.embed_tokens.weight", [c["vocab"], h])]
    for i in range(c["layers"]):
        p = f"model.layers.{i}."
        out += [
            (p + "input_layernorm.weight", [h]),
            (p + "mlp.down_proj.weight", [h, c["inter"]]),
            (p + "mlp.gate_proj.weight", [c["inter"], h]),
            (p + "mlp.up_proj.weight", [c["inter"], h]),
            (p + "post_attention_layernorm.weight", [h]),
            (p + "self_attn.k_proj.weight", [kv, h]),
            (p + "self_attn.o_proj.weight", [h, h]),
            (p + "self_attn.q_proj.weight", [h, h]),
            (p + "self_attn.v_proj.weight", [kv, h]),
        ]
    out += [("model.norm.weight", [h]), ("lm_head.weight", [c["vocab"], h])]
    return out


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def split_shards(tensors, shards):
    """Greedy split by bytes into `shards` contiguous groups (like
    transformers' max_shard_size). Returns the shard index of each tensor."""
    sizes = [numel(s) * 2 for _, s in tensors]
    target = sum(sizes) / shards
    assign, cur, acc = [], 0, 0
    for i, b in enumerate(sizes):
        remaining_tensors = len(sizes) - i
        if acc > 0 and acc + b / 2 > target and cur < shards - 1 and remaining_tensors >= shards - cur:
            cur, acc = cur + 1, 0
        assign.append(cur)
        acc += b
    return assign


def write_safetensors(args):
    cfg = PRESETS[args.preset]
    tensors = llama_tensors(cfg)
    split_cfg = PRESETS[SPLIT_FROM.get(args.preset, args.preset)]
    assign = split_shards(llama_tensors(split_cfg), args.shards)
    os.makedirs(args.dir, exist_ok=True)
    n = args.shards
    names = [f"model-{i + 1:05d}-of-{n:05d}.safetensors" for i in range(n)]
    weight_map, total = {}, 0
    for k in range(n):
        header, off = {"__metadata__": {"format": "pt"}}, 0
        for (name, shape), a in zip(tensors, assign):
            if a != k:
                continue
            nb = numel(shape) * 2
            header[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [off, off + nb]}
            weight_map[name] = names[k]
            off += nb
        raw = json.dumps(header, separators=(",", ":")).encode()
        raw += b" " * (-len(raw) % 8)
        path = os.path.join(args.dir, names[k])
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(raw)))
            f.write(raw)
            # The data region is a hole: the file gets its full size
            # without a byte of it being written.
            f.truncate(8 + len(raw) + off)
        total += off
    with open(os.path.join(args.dir, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    config = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": cfg["hidden"],
        "intermediate_size": cfg["inter"],
        "num_hidden_layers": cfg["layers"],
        "num_attention_heads": cfg["heads"],
        "num_key_value_heads": cfg["kv_heads"],
        "vocab_size": cfg["vocab"],
        "max_position_embeddings": 8192,
        "rms_norm_eps": 1e-5,
        "rope_theta": 500000.0,
        "torch_dtype": "bfloat16",
        "tie_word_embeddings": False,
        "transformers_version": "4.44.0",
    }
    with open(os.path.join(args.dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(args.dir, "README.md"), "w") as f:
        f.write(
            "---\n"
            "license: apache-2.0\n"
            "language:\n- en\n"
            "library_name: transformers\n"
            "pipeline_tag: text-generation\n"
            "datasets:\n- HuggingFaceFW/fineweb-edu\n- allenai/c4\n- bigcode/the-stack-v2\n"
            "---\n\n"
            f"# bench-{args.preset}\n\n"
            "A synthetic Llama-style release for the openness peer benchmark: real\n"
            "safetensors headers, sparse (unwritten) data regions.\n"
        )
    params = sum(numel(s) for _, s in tensors)
    print(f"{args.dir}: {n} shards, {len(tensors)} tensors, {params} parameters, {total} data bytes",
          file=sys.stderr)


def pseudo_bpe_vocab(n, rng):
    """n distinct byte-level-BPE-looking token strings (mean ~6.5 bytes, like
    Llama 3's vocabulary), deterministic."""
    alphabet = "etaoinshrdlcumwfgypbvkjxqz"
    seen, toks = set(), []
    for b in range(256):  # the byte tokens come first in byte-level BPE
        t = chr(0x100 + b) if b < 33 or b > 126 else chr(b)
        seen.add(t)
        toks.append(t)
    while len(toks) < n - 256:
        k = min(1 + int(rng.expovariate(1 / 5.5)), 24)
        t = ("\u0120" if rng.random() < 0.5 else "") + "".join(rng.choice(alphabet) for _ in range(k))
        if t not in seen:
            seen.add(t)
            toks.append(t)
    toks += [f"<|reserved_special_token_{i}|>" for i in range(n - len(toks))]
    return toks


def write_gguf(args):
    import numpy as np
    from gguf import GGUFWriter, GGMLQuantizationType as Q, TokenType

    rng = random.Random(0)
    c = PRESETS["llama3-8b"]
    w = GGUFWriter(args.file, "llama")
    w.add_name("Bench Llama 3 8B Instruct")
    w.add_license("llama3")
    w.add_context_length(8192)
    w.add_embedding_length(c["hidden"])
    w.add_block_count(c["layers"])
    w.add_feed_forward_length(c["inter"])
    w.add_head_count(c["heads"])
    w.add_head_count_kv(c["kv_heads"])
    w.add_rope_freq_base(500000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(15)  # MOSTLY_Q4_K_M
    w.add_vocab_size(c["vocab"])
    w.add_rope_dimension_count(128)
    w.add_quantization_version(2)
    # The tokenizer: this is what makes a real GGUF header several MB.
    tokens = pseudo_bpe_vocab(c["vocab"], rng)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("llama-bpe")
    w.add_token_list(tokens)
    w.add_token_types([int(TokenType.NORMAL)] * 128000 + [int(TokenType.CONTROL)] * (c["vocab"] - 128000))
    w.add_token_scores([0.0] * c["vocab"])
    body = [t for t in tokens[256:128000] if len(t) >= 2]
    merges = []
    for t in body:
        cut = rng.randrange(1, len(t))
        merges.append(f"{t[:cut]} {t[cut:]}")
    while len(merges) < 280147:  # Llama 3's merge count
        a, b = rng.choice(body), rng.choice(body)
        merges.append(f"{a} {b}")
    w.add_token_merges(merges)
    w.add_bos_token_id(128000)
    w.add_eos_token_id(128009)
    w.add_chat_template(
        "{% set loop_messages = messages %}{% for message in loop_messages %}"
        "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'"
        " + message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
        "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
    )
    # 291 tensors with the real shapes and Q4_K_M-like types; the data
    # region is left as a hole (see below).
    qbytes = {Q.F32: (1, 4), Q.Q4_K: (256, 144), Q.Q6_K: (256, 210)}
    h, kv = c["hidden"], c["hidden"] // c["heads"] * c["kv_heads"]
    ts = [("token_embd.weight", [c["vocab"], h], Q.Q4_K)]
    for i in range(c["layers"]):
        p = f"blk.{i}."
        ts += [
            (p + "attn_norm.weight", [h], Q.F32),
            (p + "ffn_down.weight", [h, c["inter"]], Q.Q6_K if i % 2 == 0 else Q.Q4_K),
            (p + "ffn_gate.weight", [c["inter"], h], Q.Q4_K),
            (p + "ffn_up.weight", [c["inter"], h], Q.Q4_K),
            (p + "ffn_norm.weight", [h], Q.F32),
            (p + "attn_k.weight", [kv, h], Q.Q4_K),
            (p + "attn_output.weight", [h, h], Q.Q4_K),
            (p + "attn_q.weight", [h, h], Q.Q4_K),
            (p + "attn_v.weight", [kv, h], Q.Q6_K),
        ]
    ts += [("output_norm.weight", [h], Q.F32), ("output.weight", [c["vocab"], h], Q.Q6_K)]
    data = 0
    for name, shape, q in ts:
        block, size = qbytes[q]
        nb = numel(shape) // block * size
        w.add_tensor_info(name, shape, np.dtype(np.float32), nb, raw_dtype=q)
        data += GGUFWriter.ggml_pad(nb, w.data_alignment)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    w.close()
    header = os.path.getsize(args.file)
    start = GGUFWriter.ggml_pad(header, w.data_alignment)
    with open(args.file, "r+b") as f:
        f.truncate(start + data)  # sparse data region
    print(f"{args.file}: {len(ts)} tensors, {len(tokens)} tokens, {len(merges)} merges, "
          f"header {header} bytes, data {data} bytes (sparse)", file=sys.stderr)


def write_small_safetensors(path, rng, tensors=4):
    """A small valid safetensors file (F32 tensors of a few values)."""
    header, offset = {}, 0
    for i in range(tensors):
        n = rng.randint(4, 64)
        header[f"layers.{i}.weight"] = dict(dtype="F32", shape=[n], data_offsets=[offset, offset + 4 * n])
        offset += 4 * n
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + bytes(offset))


def results_json(rng, step, task):
    """An evaluation-results file shaped like a harness's output: per-task
    metrics, the run configuration and a long per-sample log, ~32 KB."""
    samples = [
        dict(doc_id=i, target=str(rng.randint(0, 3)), acc=rng.random() < 0.5,
             resps=[[f"{rng.random():.6f}", rng.random() < 0.5] for _ in range(4)],
             prompt_hash=f"{rng.getrandbits(128):032x}")
        for i in range(75)
    ]
    return json.dumps(dict(
        results={task: dict(acc=rng.random(), acc_stderr=rng.random() / 50,
                            acc_norm=rng.random(), acc_norm_stderr=rng.random() / 50)},
        versions={task: 1},
        config=dict(model="gpt2-style", model_args=f"pretrained=checkpoints/step{step}",
                    num_fewshot=0, batch_size=16, device="cuda:0", no_cache=True,
                    limit=None, bootstrap_iters=100000, description_dict={}),
        samples={task: samples},
    ), indent=2)


def write_code_heavy(args):
    """A training repository: 1,800 results JSON (100 checkpoints x 18
    tasks) under evals/, and 200 other files: Python modules, YAML training
    configs, shell launchers, docs."""
    rng = random.Random(15)
    root = args.dir
    tasks = [f"task_{t:02d}" for t in range(18)]
    n = 0
    for c in range(100):
        d = os.path.join(root, "evals", f"size-{c % 8}", f"step{(c + 1) * 1000}")
        os.makedirs(d, exist_ok=True)
        for t in tasks:
            with open(os.path.join(d, f"model-{c % 8}_step{(c + 1) * 1000}_eval_results_{t}.json"), "w") as f:
                f.write(results_json(rng, (c + 1) * 1000, t))
            n += 1
    roles = ["train", "evaluate", "generate", "preprocess_data", "model", "layers", "utils", "tokenizer"]
    for i in range(120):
        d = os.path.join(root, "src", f"pkg{i % 6}")
        os.makedirs(d, exist_ok=True)
        role = roles[i % len(roles)]
        body = [f'"""Module {i}: {role} helpers written for the benchmark."""', "import math", ""]
        for k in range(60):
            body.append(f"def {role}_helper_{k}(x, y={k}):\n    return math.sqrt(abs(x * y)) + {k}\n")
        if role == "model":
            body.append("class Block(nn.Module):\n    def forward(self, x):\n        return x\n")
        with open(os.path.join(d, f"{role}_{i}.py"), "w") as f:
            f.write("\n".join(body))
        n += 1
    os.makedirs(os.path.join(root, "configs"), exist_ok=True)
    for i in range(50):
        with open(os.path.join(root, "configs", f"run-{i}.yml"), "w") as f:
            f.write(f"optimizer:\n  type: Adam\n  lr: {0.0001 * (i + 1):.6f}\ntrain_iters: {1000 * i}\n"
                    f"train_micro_batch_size_per_gpu: 8\nnum_layers: {6 + i % 20}\nhidden_size: 512\n")
        n += 1
    os.makedirs(os.path.join(root, "scripts"), exist_ok=True)
    for i in range(20):
        with open(os.path.join(root, "scripts", f"launch_{i}.sh"), "w") as f:
            f.write(f"#!/bin/sh\npython train.py --config configs/run-{i}.yml\n")
        n += 1
    os.makedirs(os.path.join(root, "docs"), exist_ok=True)
    for i in range(2000 - n - 2):
        with open(os.path.join(root, "docs", f"page-{i}.md"), "w") as f:
            f.write(f"# Page {i}\n\nNotes on run {i}.\n")
    with open(os.path.join(root, "README.md"), "w") as f:
        f.write("# A training repository\n\nCode and evaluation results of a model suite.\n\n"
                "## License\n\nThe code is released under the Apache License, Version 2.0.\n")
    with open(os.path.join(root, "LICENSE"), "w") as f:
        f.write("Licensed under the Apache License, Version 2.0 (the \"License\").\n")
    total = sum(len(fs) for _, _, fs in os.walk(root))
    print(f"{root}: {total} files", file=sys.stderr)


def write_licence_readme(args):
    """A release whose licence is a README section (no card front matter, no
    LICENSE file): a few paragraphs of prose around the licence name."""
    root = args.dir
    os.makedirs(root, exist_ok=True)
    rng = random.Random(16)
    write_small_safetensors(os.path.join(root, "model.safetensors"), rng)
    with open(os.path.join(root, "config.json"), "w") as f:
        json.dump(dict(model_type="gpt2", n_layer=4, n_embd=64, vocab_size=1000), f)
    prose = " ".join(f"Paragraph text {i} about the model, its uses and its limits." for i in range(40))
    section = {
        "statement": "\n\n## License\n\nThe weights and the code are released under the MIT License. "
                     "Permission is granted to use, copy and modify them; see the licence for the terms.\n\n",
        "placeholder": "\n\n## License\n\n[More Information Needed]\n\n",
        "none": "\n\n",
    }[args.section]
    with open(os.path.join(root, "README.md"), "w") as f:
        f.write("# A small language model\n\n" + prose + "\n\n## Training\n\n" + prose +
                section + prose + "\n\n## Citation\n\n" + prose + "\n")


def write_hf_cache(args):
    """A Hugging Face hub cache (`hub/models--org--name/{blobs,refs,
    snapshots/REV}`, snapshot files symlinked to blobs) of N small releases,
    each with a config, a card with front matter and a small safetensors."""
    rng = random.Random(17)
    hub = os.path.join(args.dir, "hub")
    for i in range(args.releases):
        repo = os.path.join(hub, f"models--org{i % 50}--model-{i:06d}")
        rev = f"{rng.getrandbits(160):040x}"
        snap = os.path.join(repo, "snapshots", rev)
        os.makedirs(snap)
        os.makedirs(os.path.join(repo, "blobs"), exist_ok=True)
        os.makedirs(os.path.join(repo, "refs"), exist_ok=True)
        with open(os.path.join(repo, "refs", "main"), "w") as f:
            f.write(rev)
        files = {
            "config.json": json.dumps(dict(model_type="llama", hidden_size=64, num_hidden_layers=2,
                                           vocab_size=1000, architectures=["LlamaForCausalLM"])),
            "README.md": f"---\nlicense: apache-2.0\ndatasets:\n- org/data-{i % 7}\n---\n"
                         f"# model-{i:06d}\n\nA small test model.\n",
        }
        for name, text in files.items():
            blob = f"{rng.getrandbits(256):064x}"
            with open(os.path.join(repo, "blobs", blob), "w") as f:
                f.write(text)
            os.symlink(os.path.join("..", "..", "blobs", blob), os.path.join(snap, name))
        blob = f"{rng.getrandbits(256):064x}"
        write_small_safetensors(os.path.join(repo, "blobs", blob), rng)
        os.symlink(os.path.join("..", "..", "blobs", blob), os.path.join(snap, "model.safetensors"))
    print(f"{hub}: {args.releases} releases", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("safetensors")
    s.add_argument("dir")
    s.add_argument("--preset", choices=sorted(PRESETS), required=True)
    s.add_argument("--shards", type=int, required=True)
    g = sub.add_parser("gguf")
    g.add_argument("file")
    sub.add_parser("code-heavy").add_argument("dir")
    lr = sub.add_parser("licence-readme")
    lr.add_argument("dir")
    lr.add_argument("--section", choices=["statement", "placeholder", "none"], default="statement",
                    help="the README's licence section: a sentence naming the licence, the card "
                         "template's placeholder, or no section (the baseline)")
    h = sub.add_parser("hf-cache")
    h.add_argument("dir")
    h.add_argument("--releases", type=int, required=True)
    args = ap.parse_args()
    {"safetensors": write_safetensors, "gguf": write_gguf, "code-heavy": write_code_heavy,
     "licence-readme": write_licence_readme, "hf-cache": write_hf_cache}[args.cmd](args)


if __name__ == "__main__":
    main()
