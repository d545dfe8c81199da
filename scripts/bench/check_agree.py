#!/usr/bin/env python3
"""Check that openness and the peers it is timed against report the same
figures, so the benchmark compares equal work. Exits 1 on a disagreement.

  check_agree.py safetensors OPENNESS.json REFERENCE.json
      tensors, parameters, parameters per dtype, card licence, datasets
      (REFERENCE from reference_inspect.py).
  check_agree.py gguf OPENNESS.json GGUF_DUMP.json
      tensor count and parameters per ggml type (from `gguf-dump --json`).
  check_agree.py digests A.sha256 B.sha256 ...
      sha256sum-format lists (from openness --manifest-out, sha256sum,
      openssl dgst -r, model_signing_hash.py) give the same digest per file
      name.
"""
import json
import os
import sys
from collections import Counter


def fail(msg):
    sys.exit(f"check_agree: DISAGREE: {msg}")


def safetensors(ours, ref):
    o, r = json.load(open(ours)), json.load(open(ref))
    w = o["components"]["weights"]
    got = {
        "tensors": w["tensors"], "parameters": w["parameters"], "dtypes": w["dtypes"],
        "license": o["license"]["declared"], "datasets": o["components"]["data"]["datasets"],
    }
    for k in got:
        if got[k] != r[k]:
            fail(f"{k}: openness {got[k]!r}, reference {r[k]!r}")
    print(f"agree: {r['tensors']} tensors, {r['parameters']} parameters {r['dtypes']}, "
          f"license {r['license']}, datasets {r['datasets']}")


def gguf(ours, dump):
    o, d = json.load(open(ours)), json.load(open(dump))
    per = Counter()
    for t in d["tensors"].values():
        n = 1
        for x in t["shape"]:
            n *= x
        per[t["type"]] += n
    w = o["components"]["weights"]
    if w["tensors"] != len(d["tensors"]):
        fail(f"tensors: openness {w['tensors']}, gguf-dump {len(d['tensors'])}")
    if w["dtypes"] != dict(per):
        fail(f"types: openness {w['dtypes']}, gguf-dump {dict(per)}")
    print(f"agree: {len(d['tensors'])} tensors, parameters per type {dict(sorted(per.items()))}")


def digests(files):
    maps = []
    for f in files:
        m = {}
        for line in open(f):
            line = line.strip()
            if line:
                h, p = line.split(maxsplit=1)
                m[os.path.basename(p.lstrip("*"))] = h.lower()
        maps.append(m)
    for f, m in zip(files[1:], maps[1:]):
        if m != maps[0]:
            fail(f"{files[0]} and {f} differ: {maps[0]} vs {m}")
    print(f"agree: {len(maps[0])} digests identical across {len(files)} tools")


def main():
    kind, args = sys.argv[1], sys.argv[2:]
    {"safetensors": lambda: safetensors(*args), "gguf": lambda: gguf(*args),
     "digests": lambda: digests(args)}[kind]()


if __name__ == "__main__":
    main()
