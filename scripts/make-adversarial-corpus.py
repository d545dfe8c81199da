#!/usr/bin/env python3
"""Writes the adversarial benchmark of scripts/compare-peers.sh into OUT:
one folder per file (OUT/<class>/<name>/<file>), and OUT/manifest.json
mapping "<class>/<name>" to {"file", "class", "expected"}.

Every malicious pickle is written opcode by opcode from the published
bypasses (picklescan, modelscan and fickling GHSAs, CVE-2025-1550 for
Keras, the nullifAI and zip-trick reports); no live object is ever
pickled into a payload, and nothing here loads or runs anything. Benign
controls are the real torch/sklearn files of fixtures/interop-pickle
(written by torch.save and pickle), plain data pickled by the standard
library, NumPy arrays and safetensors headers.

Usage: make-adversarial-corpus.py OUT   (numpy and h5py, when importable,
add the .npz and .h5 cases; compare-peers.sh runs it in its venv.)
"""

import bz2
import gzip
import io
import json
import lzma
import os
import pickle
import shutil
import struct
import sys
import tarfile
import zipfile
import zlib
from collections import OrderedDict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INTEROP = os.path.join(ROOT, "fixtures", "interop-pickle")
OUT = sys.argv[1]
MANIFEST = {}
ARG = "echo openness-benchmark"


def put(cls, name, filename, data, expected):
    d = os.path.join(OUT, cls, name)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, filename)
    if isinstance(data, str):
        data = data.encode()
    with open(path, "wb") as f:
        f.write(data)
    MANIFEST[f"{cls}/{name}"] = {"file": filename, "class": cls, "expected": expected}


def copy(cls, name, filename, src, expected):
    with open(os.path.join(INTEROP, src), "rb") as f:
        put(cls, name, filename, f.read(), expected)


# -- opcode writers ---------------------------------------------------------

def s2(text):  # BINUNICODE
    b = text.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def s4(text):  # SHORT_BINUNICODE
    b = text.encode()
    return b"\x8c" + bytes([len(b)]) + b


def call_p0(mod, name, arg=ARG):
    return f"c{mod}\n{name}\n(S'{arg}'\ntR.".encode()


def call_p1(mod, name, arg=ARG):
    a = arg.encode()
    return f"c{mod}\n{name}\n".encode() + b"(U" + bytes([len(a)]) + a + b"tR."


def call_p2(mod, name, arg=ARG):
    return b"\x80\x02" + f"c{mod}\n{name}\n".encode() + s2(arg) + b"\x85R."


def call_p4(mod, name, arg=ARG):
    """STACK_GLOBAL: protocol 4 resolves dotted names attribute by attribute."""
    return b"\x80\x04" + s4(mod) + s4(name) + b"\x93" + s4(arg) + b"\x85R."


def dict_pickle(protocol):
    return pickle.dumps({"weights": [0.5, 1.5], "epoch": 3}, protocol=protocol)


# -- containers -------------------------------------------------------------

def zip_raw(entries, method_override=None):
    """Stored zip, written by hand so names may repeat, differ in case or use
    backslashes; method_override = (index, local_method) makes one local
    header disagree with its central record."""
    body, cd = b"", b""
    for i, (name, data) in enumerate(entries):
        n = name.encode()
        crc = zlib.crc32(data)
        fields = struct.pack("<HHHHHIIIHH", 20, 0, 0, 0, 0, crc, len(data), len(data), len(n), 0)
        local = fields
        if method_override and method_override[0] == i:
            local = struct.pack("<HHHHHIIIHH", 20, 0, method_override[1], 0, 0, crc, len(data), len(data), len(n), 0)
        cd += b"PK\x01\x02\x14\x00" + fields + b"\x00" * 10 + struct.pack("<I", len(body)) + n
        body += b"PK\x03\x04" + local + n + data
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(cd), len(body), 0)
    return body + cd + end


def zip_std(entries, compress=zipfile.ZIP_STORED):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", compress) as z:
        for name, data in entries:
            z.writestr(name, data)
    return bio.getvalue()


def tar_of(entries, mode="w"):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode=mode) as t:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return bio.getvalue()


def lzma_alone(data):
    return lzma.compress(data, format=lzma.FORMAT_ALONE)


def joblib_zf(data):
    z = zlib.compress(data)
    return b"ZF" + ("0x%x" % len(data)).encode().ljust(16) + z


def torch_zip(data_pkl, extra=()):
    return zip_std([("archive/data.pkl", data_pkl), ("archive/version", b"3\n"), *extra])


BENIGN_PKL = open(os.path.join(INTEROP, "benign-sklearn-like.pkl"), "rb").read()
STATE_DICT_ZIP = open(os.path.join(INTEROP, "benign-state-dict.pt"), "rb").read()
LEGACY = open(os.path.join(INTEROP, "benign-legacy.pt"), "rb").read()

# -- class: content (pickles under names that say nothing, protocol 0/1) ---

C = "content-sniff"
callables = [("os", "system"), ("subprocess", "check_output"), ("builtins", "exec"), ("posix", "system")]
cases = [(0, "model.sav"), (0, "weights.dat"), (0, "model"), (0, "pytorch_model.bin"),
         (1, "model.sav"), (1, "weights.dat"), (1, "checkpoint"), (1, "pytorch_model.bin"),
         (1, "classifier.model"), (0, "params.weights"), (2, "weights.dat"), (2, "model")]
for i, (proto, fname) in enumerate(cases):
    mod, name = callables[i % len(callables)]
    writer = {0: call_p0, 1: call_p1, 2: call_p2}[proto]
    put(C, f"mal-p{proto}-{i}", fname, writer(mod, name), "malicious")
put(C, "ben-p0-sav", "model.sav", dict_pickle(0), "benign")
put(C, "ben-p1-dat", "weights.dat", dict_pickle(1), "benign")
put(C, "ben-p4-noext", "model", dict_pickle(4), "benign")
put(C, "ben-p2-bin", "pytorch_model.bin", dict_pickle(2), "benign")

# -- class: compressed pickles and archives ------------------------------

C = "compressed"
pay = call_p2("os", "system")
put(C, "mal-gzip", "model.pkl.gz", gzip.compress(pay), "malicious")
put(C, "mal-bz2", "model.pkl.bz2", bz2.compress(pay), "malicious")
put(C, "mal-xz", "model.pkl.xz", lzma.compress(pay), "malicious")
put(C, "mal-lzma", "model.joblib", lzma_alone(pay), "malicious")
put(C, "mal-joblib-zlib", "model.joblib", zlib.compress(pay), "malicious")
put(C, "mal-joblib-zf", "model.pkl", joblib_zf(pay), "malicious")
put(C, "mal-gzip-p0", "model.gz", gzip.compress(call_p0("subprocess", "call")), "malicious")
put(C, "mal-zlib-p4", "model.joblib", zlib.compress(call_p4("builtins", "eval", "1")), "malicious")
put(C, "mal-tar", "model.tar", tar_of([("model/model.pkl", pay)]), "malicious")
put(C, "mal-tar-gz", "model.tar.gz", tar_of([("model/model.pkl", pay)], "w:gz"), "malicious")
put(C, "mal-tar-bz2", "model.tar.bz2", tar_of([("model/weights.bin", pay)], "w:bz2"), "malicious")
put(C, "mal-tar-xz", "model.tar.xz", tar_of([("model/model.joblib", pay)], "w:xz"), "malicious")
put(C, "mal-torch-legacy-tar", "model.pt",
    tar_of([("sys_info", pickle.dumps({"protocol_version": 1001})), ("pickle", pay),
            ("storages", pickle.dumps(0)), ("tensors", pickle.dumps(0))]), "malicious")
put(C, "mal-tar-gz-torch-zip", "ckpt.tar.gz", tar_of([("ckpt.pt", torch_zip(pay))], "w:gz"), "malicious")
# The loader stops at STOP; zeros after it push the member past a
# scanner's decompression cap.
put(C, "mal-tar-gz-padded", "model.tar.gz",
    tar_of([("model/model.pkl", pay + bytes(33 << 20))], "w:gz"), "malicious")
put(C, "ben-gzip", "model.pkl.gz", gzip.compress(BENIGN_PKL), "benign")
put(C, "ben-joblib-zlib", "model.joblib", zlib.compress(BENIGN_PKL), "benign")
put(C, "ben-bz2", "model.pkl.bz2", bz2.compress(BENIGN_PKL), "benign")
put(C, "ben-xz", "model.pkl.xz", lzma.compress(BENIGN_PKL), "benign")
put(C, "ben-tar-gz", "model.tar.gz", tar_of([("m/model.pkl", BENIGN_PKL)], "w:gz"), "benign")
put(C, "ben-joblib-zf", "model.pkl", joblib_zf(BENIGN_PKL), "benign")
try:
    import lz4.frame  # joblib's compress="lz4" (compare-peers.sh installs it)

    put(C, "mal-joblib-lz4", "model.joblib", lz4.frame.compress(pay), "malicious")
    put(C, "ben-joblib-lz4", "model.joblib", lz4.frame.compress(BENIGN_PKL), "benign")
except ImportError:
    pass

# -- class: indirect callables -----------------------------------------------

C = "indirect-callable"
indirect = [
    ("posixpath", "os.system"), ("ntpath", "os.system"), ("genericpath", "os.system"),
    ("torch.serialization", "os.system"), ("shutil", "os.system"), ("tempfile", "_os.system"),
    ("glob", "os.popen"), ("pathlib", "os.system"), ("pydoc", "pipepager"),
    ("torch.storage", "_load_from_bytes"), ("cProfile", "run"), ("timeit", "timeit"),
    ("asyncio.unix_events", "_UnixSubprocessTransport"), ("ensurepip", "_run_pip"),
    ("_pickle", "loads"), ("code", "InteractiveInterpreter.runsource"),
]
for mod, name in indirect:
    writer = call_p4 if "." in name else call_p2
    put(C, f"mal-{mod}-{name}".replace(".", "-"), "model.pkl", writer(mod, name), "malicious")
for code, op in [(1, b"\x82\x01"), (2, b"\x83\x01\x02"), (4, b"\x84\x01\x00\x01\x00")]:
    put(C, f"mal-ext{code}", "model.pkl", b"\x80\x02" + op + s2(ARG) + b"\x85R.", "malicious")
put(C, "ben-lightning-like", "last.ckpt",
    pickle.dumps({"epoch": 3, "global_step": 120, "pytorch-lightning_version": "2.4.0",
                  "state_dict": OrderedDict(a=[1.0, 2.0]), "hyper_parameters": {"lr": 1e-3},
                  "callbacks": {}, "optimizer_states": [], "lr_schedulers": []}, protocol=2), "benign")
put(C, "ben-state-dict-ckpt", "epoch=3.ckpt", STATE_DICT_ZIP, "benign")
put(C, "ben-sklearn-joblib", "model.joblib", BENIGN_PKL, "benign")

# -- class: zip tricks --------------------------------------------------------

C = "zip-tricks"
ok = b"\x80\x02}q\x00."
put(C, "mal-duplicate-first", "model.pt", zip_raw([("archive/data.pkl", pay), ("archive/data.pkl", ok)]), "malicious")
put(C, "mal-duplicate-last", "model.pt", zip_raw([("archive/data.pkl", ok), ("archive/data.pkl", pay)]), "malicious")
put(C, "mal-case", "model.pt", zip_raw([("archive/data.pkl", ok), ("archive/DATA.PKL", pay)]), "malicious")
put(C, "mal-backslash", "model.pt", zip_raw([("archive\\data.pkl", pay), ("archive/version", b"3\n")]), "malicious")
put(C, "mal-local-method", "model.pt", zip_raw([("archive/data.pkl", pay), ("archive/version", b"3\n")], (0, 8)), "malicious")
put(C, "mal-unnamed-member", "model.pt", zip_raw([("archive/data.pkl", ok), ("archive/extra", pay)]), "malicious")
put(C, "mal-constants", "model.pt", torch_zip(ok, [("archive/constants.pkl", pay)]), "malicious")
put(C, "mal-deflated", "model.pt", zip_std([("archive/data.pkl", pay)], zipfile.ZIP_DEFLATED), "malicious")
put(C, "mal-prepended-junk", "model.pt", b"\x00" * 64 + torch_zip(pay), "malicious")
copy(C, "ben-state-dict", "pytorch_model.bin", "benign-state-dict.pt", "benign")
copy(C, "ben-torchscript", "model.pt", "benign-torchscript.pt", "benign")
copy(C, "ben-legacy", "model.pth", "benign-legacy.pt", "benign")
put(C, "ben-state-dict-noext", "weights", STATE_DICT_ZIP, "benign")
put(C, "ben-legacy-bin", "pytorch_model.bin", LEGACY, "benign")

# -- class: Keras --------------------------------------------------------------

C = "keras"


def keras_zip(config):
    return zip_std([("config.json", json.dumps(config)),
                    ("metadata.json", json.dumps({"keras_version": "3.8.0"}))])


def seq(layers, module_first=True):
    obj = {"class_name": "Sequential", "config": {"name": "m", "layers": layers}}
    if module_first:
        obj = {"module": "keras", **obj}
    return obj


dense = {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": 2}}
lam = {"module": "keras.layers", "class_name": "Lambda",
       "config": {"name": "lam", "function": {"class_name": "__lambda__", "config": {"code": "4wEAAAAA"}}}}
inject = lambda m, c: {"module": m, "class_name": c, "config": {"command": ARG}}
put(C, "mal-lambda", "model.keras", keras_zip(seq([dense, lam])), "malicious")
put(C, "mal-inject-os-system", "model.keras", keras_zip(seq([dense, inject("os", "system")])), "malicious")
put(C, "mal-inject-exec", "model.keras", keras_zip(seq([inject("builtins", "exec")])), "malicious")
put(C, "mal-inject-subprocess", "model.keras", keras_zip(seq([inject("subprocess", "run")])), "malicious")
deep = lam
for i in range(60):
    deep = {"class_name": "Sequential", "config": {"name": f"m{i}", "layers": [deep]}}
put(C, "mal-lambda-60-deep", "model.keras", keras_zip(deep), "malicious")
k2_lambda = {"class_name": "Lambda", "config": {"name": "lam", "function": ["4wEAAAAA", None, None],
                                                "function_type": "lambda"}}
put(C, "mal-keras2-json-lambda", "model.json",
    json.dumps({**seq([k2_lambda], False), "keras_version": "2.15.0", "backend": "tensorflow"}), "malicious")
put(C, "mal-keras2-json-inject", "model.json",
    json.dumps({**seq([inject("os", "system")], False), "keras_version": "2.15.0"}), "malicious")


def metadata_pb(objects):
    """SavedMetadata{nodes: [SavedObject{identifier=4, metadata=5}]}."""
    def ld(field, payload):
        out, n = bytes([field << 3 | 2]), len(payload)
        while n >= 0x80:
            out += bytes([n & 0x7F | 0x80]); n >>= 7
        return out + bytes([n]) + payload
    return b"".join(ld(1, ld(4, b"_tf_keras_layer") + ld(5, json.dumps(o).encode())) for o in objects)


put(C, "mal-savedmodel-lambda", "keras_metadata.pb", metadata_pb([seq([k2_lambda], False)]), "malicious")
put(C, "mal-savedmodel-inject", "keras_metadata.pb", metadata_pb([inject("os", "system")]), "malicious")
try:
    import h5py

    def h5(config):
        bio = io.BytesIO()
        with h5py.File(bio, "w") as f:
            f.attrs["model_config"] = json.dumps(config)
            f.attrs["keras_version"] = "2.15.0"
            f.create_dataset("model_weights/dense/kernel", data=[[0.5, 1.0]])
        return bio.getvalue()

    put(C, "mal-h5-lambda", "model.h5", h5(seq([k2_lambda], False)), "malicious")
    put(C, "mal-h5-keras3-lambda", "model.h5", h5(seq([dense, lam])), "malicious")
    put(C, "mal-h5-inject", "model.h5", h5(seq([inject("os", "system")])), "malicious")
    put(C, "ben-h5-dense", "model.h5", h5(seq([dense])), "benign")
except ImportError:
    print("h5py not importable: .h5 cases left out", file=sys.stderr)
put(C, "ben-dense", "model.keras", keras_zip(seq([dense])), "benign")
put(C, "ben-custom-class", "model.keras",
    keras_zip(seq([dense, {"module": "fixtures", "class_name": "Scale",
                           "registered_name": "fixtures>Scale", "config": {"name": "s"}}])), "benign")
put(C, "ben-keras2-json", "model.json", json.dumps({**seq([dense], False), "keras_version": "2.15.0"}), "benign")

# -- class: NumPy ----------------------------------------------------------------

C = "numpy"


def npy(descr, shape, body):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    header = header.encode()
    pad = 64 - (10 + len(header) + 1) % 64
    header += b" " * pad + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + body


obj_npy = npy("|O", "(1,)", call_p2("os", "system"))
float_npy = npy("<f4", "(2,)", struct.pack("<2f", 0.5, 1.5))
put(C, "mal-npy-object", "array.npy", obj_npy, "malicious")
put(C, "mal-npz-object", "arrays.npz", zip_std([("a.npy", float_npy), ("b.npy", obj_npy)]), "malicious")
put(C, "mal-npz-object-compressed", "arrays.npz",
    zip_std([("b.npy", obj_npy)], zipfile.ZIP_DEFLATED), "malicious")
put(C, "mal-npz-object-p0", "arrays.npz",
    zip_std([("x.npy", npy("|O", "(1,)", call_p0("subprocess", "check_call")))]), "malicious")
put(C, "ben-npy", "array.npy", float_npy, "benign")
put(C, "ben-npz", "arrays.npz", zip_std([("a.npy", float_npy), ("b.npy", float_npy)]), "benign")
put(C, "ben-npz-compressed", "arrays.npz", zip_std([("a.npy", float_npy)], zipfile.ZIP_DEFLATED), "benign")


def safetensors(metadata):
    header = {"__metadata__": metadata, "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + struct.pack("<2f", 0.5, 1.5)


put(C, "ben-safetensors-mentions-pickle", "model.safetensors",
    safetensors({"format": "pt", "source": "converted from pytorch_model.bin (pickle, os.system free)"}), "benign")
put(C, "ben-safetensors-cos-system", "model.safetensors",
    safetensors({"note": "cos\nsystem\n(S'id'\ntR."}), "benign")

# -- class: classic payloads (the earlier corpus, for a baseline) --------------

C = "classic"
for f in sorted(os.listdir(INTEROP)):
    if f.endswith(".json"):
        continue
    copy(C, f.rsplit(".", 1)[0], f, f, "malicious" if f.startswith("mal-") else "benign")

# -- class: 7z archives (nullifAI's 7z-packed .pt files; picklescan and
# -- modelscan open 7z) ---------------------------------------------------

try:
    import py7zr
except ImportError:  # the 7z class needs py7zr (compare-peers.sh installs it)
    py7zr = None


def seven_zip(entries, **options):
    bio = io.BytesIO()
    with py7zr.SevenZipFile(bio, "w", **options) as z:
        for name, data in entries:
            z.writestr(data, name)
    return bio.getvalue()


if py7zr is not None:
    C = "7z"
    pay = call_p2("os", "system")
    F = {
        "lzma": [{"id": py7zr.FILTER_LZMA}],
        "bcj": [{"id": py7zr.FILTER_X86}, {"id": py7zr.FILTER_LZMA2}],
        "delta": [{"id": py7zr.FILTER_DELTA}, {"id": py7zr.FILTER_LZMA2}],
        "deflate": [{"id": py7zr.FILTER_DEFLATE}],
        "bzip2": [{"id": py7zr.FILTER_BZIP2}],
        "copy": [{"id": py7zr.FILTER_COPY}],
        "ppmd": [{"id": py7zr.FILTER_PPMD}],
    }
    put(C, "mal-default", "model.7z", seven_zip([("model/data.pkl", pay)]), "malicious")
    for chain, filters in F.items():
        put(C, f"mal-{chain}", "model.7z", seven_zip([("model/model.pkl", pay)], filters=filters), "malicious")
    put(C, "mal-named-pt", "model.pt", seven_zip([("archive/data.pkl", pay)]), "malicious")
    put(C, "mal-p0-member", "model.7z", seven_zip([("model.sav", call_p0("posix", "system"))]), "malicious")
    put(C, "mal-solid-second", "model.7z",
        seven_zip([("m/ok.pkl", BENIGN_PKL), ("m/notes.txt", b"notes"), ("m/data.pkl", pay)]), "malicious")
    put(C, "mal-torch-zip-inside", "ckpt.7z", seven_zip([("ckpt.pt", torch_zip(pay))]), "malicious")
    put(C, "mal-in-tar", "model.tar", tar_of([("model.7z", seven_zip([("data.pkl", pay)]))]), "malicious")
    put(C, "mal-gzip-member", "model.7z", seven_zip([("model.pkl.gz", gzip.compress(pay))]), "malicious")
    put(C, "ben-sklearn", "model.7z", seven_zip([("model.pkl", BENIGN_PKL)]), "benign")
    put(C, "ben-state-dict", "ckpt.7z", seven_zip([("ckpt.pt", STATE_DICT_ZIP)]), "benign")
    put(C, "ben-text", "docs.7z", seven_zip([("README.md", b"# weights\n"), ("notes.txt", b"pickle\n")]), "benign")

with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(MANIFEST, f, indent=1, sort_keys=True)
mal = sum(1 for v in MANIFEST.values() if v["expected"] == "malicious")
print(f"{len(MANIFEST)} files: {mal} malicious, {len(MANIFEST) - mal} benign", file=sys.stderr)
