#!/usr/bin/env python3
"""The Python reference for the inspection `openness scan` does on a
safetensors release: what a user would write with the reference libraries.

- safetensors' `safe_open` on every *.safetensors file (header only: names,
  dtypes, shapes through `get_slice`, never a tensor), summed into tensor and
  parameter counts per dtype;
- huggingface_hub's `ModelCard.load` on README.md for the licence and the
  datasets of the card's front matter.

Prints one JSON object {tensors, parameters, dtypes, license, datasets}, the
same figures openness reports under components.weights, license.declared and
components.data.datasets, so scripts/bench/check_agree.py can compare them.

Usage: reference_inspect.py RELEASE_DIR   (in a venv with safetensors,
numpy and huggingface_hub)
"""
import json
import pathlib
import sys
from collections import Counter

from huggingface_hub import ModelCard
from safetensors import safe_open


def main():
    root = pathlib.Path(sys.argv[1])
    tensors, dtypes = 0, Counter()
    for path in sorted(root.rglob("*.safetensors")):
        try:
            opened = safe_open(path, framework="numpy")
        except Exception:  # an LFS pointer or a broken file in a real repository
            continue
        with opened as f:
            for name in f.keys():
                sl = f.get_slice(name)
                n = 1
                for d in sl.get_shape():
                    n *= d
                tensors += 1
                dtypes[sl.get_dtype()] += n
    license, datasets = None, []
    card_path = root / "README.md"
    if card_path.exists():
        try:
            card = ModelCard.load(card_path)
            license = card.data.license
            datasets = list(card.data.datasets or [])
        except Exception:  # a README that is not a card (invalid front matter)
            pass
    print(json.dumps({
        "tensors": tensors,
        "parameters": sum(dtypes.values()),
        "dtypes": dict(sorted(dtypes.items())),
        "license": license,
        "datasets": datasets,
    }))


if __name__ == "__main__":
    main()
