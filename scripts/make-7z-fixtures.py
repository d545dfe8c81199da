#!/usr/bin/env python3
"""Writes fixtures/interop-7z/: 7z archives made by py7zr, a real 7z writer,
one per coder chain a release might use (py7zr's defaults, LZMA, BCJ+LZMA2,
Delta+LZMA2, Deflate, BZip2, Copy), each holding a pickle, plus a solid
archive hiding the payload in its second member, a torch zip packed in a
7z, an encrypted archive and a benign one; expected.json says what each
must be judged.

Why: openness parses 7z by hand (src/formats/sevenz.rs); its unit tests use
archives it writes itself, so these check it against another
implementation's layout: packed headers, substreams, empty-stream bits.

Safety: the payload is the opcode sequence of `os.system('echo pwned')`,
written byte by byte. Nothing is ever unpickled or extracted.

When 7-Zip's own command line (`7zz`, `7z` or `7za`) is installed, it
writes five more: its defaults at -mx=9 (solid, packed header), non-solid,
a plain header, PPMd, and BCJ2 (four packed streams into one coder).

Usage: pip install py7zr; python3 scripts/make-7z-fixtures.py [OUT_DIR]
"""

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

import py7zr

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "interop-7z"
)
CMD = b"echo pwned"
# GLOBAL os system, a one-string tuple, REDUCE, STOP (protocol 2).
PAYLOAD = b"\x80\x02cos\nsystem\nX" + len(CMD).to_bytes(4, "little") + CMD + b"\x85R."
# An empty dict, what a state dict of nothing pickles to.
BENIGN = b"\x80\x02}q\x00."

expected = {}


def put(name, members, verdict, **options):
    path = os.path.join(OUT, name)
    if os.path.exists(path):
        os.remove(path)
    with py7zr.SevenZipFile(path, "w", **options) as z:
        for member, data in members:
            z.writestr(data, member)
    expected[name] = verdict


def torch_zip(data_pkl):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", data_pkl)
        z.writestr("archive/version", "3\n")
    return buf.getvalue()


os.makedirs(OUT, exist_ok=True)
chains = {
    "default": None,
    "lzma": [{"id": py7zr.FILTER_LZMA}],
    "bcj-lzma2": [{"id": py7zr.FILTER_X86}, {"id": py7zr.FILTER_LZMA2}],
    "delta-lzma2": [{"id": py7zr.FILTER_DELTA}, {"id": py7zr.FILTER_LZMA2}],
    "deflate": [{"id": py7zr.FILTER_DEFLATE}],
    "bzip2": [{"id": py7zr.FILTER_BZIP2}],
    "copy": [{"id": py7zr.FILTER_COPY}],
}
for chain, filters in chains.items():
    put(f"mal-{chain}.7z", [("model/data.pkl", PAYLOAD)], "malicious", filters=filters)
put(
    "mal-solid-second-member.7z",
    [("model/ok.pkl", BENIGN), ("model/readme.txt", b"weights"), ("model/data.pkl", PAYLOAD)],
    "malicious",
)
put("mal-torch-zip-inside.7z", [("ckpt.pt", torch_zip(PAYLOAD))], "malicious")
put("mal-encrypted.7z", [("model/data.pkl", PAYLOAD)], "unscannable", password="pass")
put("benign.7z", [("model/data.pkl", BENIGN), ("model/empty.txt", b"")], "benign")
writers = [f"py7zr {py7zr.__version__}"]
seven = next((t for t in ("7zz", "7z", "7za") if shutil.which(t)), None)
if seven:
    banner = subprocess.run([seven], capture_output=True, text=True).stdout
    writers.append(next((l.strip() for l in banner.splitlines() if l.strip()), seven))
    with tempfile.TemporaryDirectory() as src:
        os.makedirs(os.path.join(src, "model", "empty"))
        for name, data in [("model/ok.pkl", BENIGN), ("model/readme.txt", b"weights\n"),
                           ("model/zero.txt", b""), ("model/data.pkl", PAYLOAD)]:
            with open(os.path.join(src, name), "wb") as f:
                f.write(data)
        for name, switches, verdict in [
            ("7zip-mx9.7z", ["-mx=9"], "malicious"),
            ("7zip-non-solid.7z", ["-ms=off"], "malicious"),
            ("7zip-plain-header.7z", ["-mhc=off"], "malicious"),
            ("7zip-ppmd.7z", ["-m0=PPMd"], "malicious"),
            ("7zip-bcj2.7z", ["-mf=BCJ2"], "malicious"),
        ]:
            path = os.path.abspath(os.path.join(OUT, name))
            if os.path.exists(path):
                os.remove(path)
            subprocess.run([seven, "a", "-bd", "-bso0", *switches, path, "model"], cwd=src, check=True)
            expected[name] = verdict
with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump({"writers": writers, "files": expected}, f, indent=2, sort_keys=True)
    f.write("\n")
