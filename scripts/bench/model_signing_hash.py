#!/usr/bin/env python3
"""Hash a model directory with model_signing's public hashing API, the way
`model_signing sign` does before it signs (file serialization, SHA-256, its
default thread pool), and print the digests in sha256sum format so they can
be compared with openness' manifest.

Usage: model_signing_hash.py DIR   (in a venv with model-signing)
"""
import sys

import model_signing.hashing

manifest = model_signing.hashing.Config().hash(sys.argv[1])
for rd in sorted(manifest.resource_descriptors(), key=lambda r: r.identifier):
    print(f"{rd.digest.digest_hex}  {rd.identifier}")
