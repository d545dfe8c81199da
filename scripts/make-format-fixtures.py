#!/usr/bin/env python3
"""Write fixtures/interop-formats/ with the writers users actually run.

The format readers in src/formats/{numpy,onnx,keras,msgpack,packages}.rs are
written from the specifications; these files prove them against real output
of numpy, onnx, keras, h5py, msgpack (as flax.serialization drives it) and
huggingface_hub's DDUF exporter. `expected.json` records what the reference
readers see in each file (parameter counts, dtypes, Lambda layer names,
external data locations); the Rust unit tests include the files with
`include_bytes!` and assert the same numbers.

Nothing here is executable on load except `object.npy`, whose pickle holds
only a string and an int, so that the reader has a real object array to flag.

Usage (from the repo root):
    python3 -m venv /tmp/pyfmt
    /tmp/pyfmt/bin/pip install numpy onnx h5py msgpack ml_dtypes keras jax scipy huggingface_hub
    KERAS_BACKEND=numpy /tmp/pyfmt/bin/python scripts/make-format-fixtures.py

keras 3's numpy backend is enough to build and save the models (it imports jax
and scipy for a few ops). Without keras the script hand-builds `model.keras`
and `model.h5` with the same layout (config.json in a zip; a model_config
JSON attribute via h5py). Without huggingface_hub it writes the DDUF zip with
zipfile (stored entries), as the exporter does.
"""

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "numpy")

import h5py  # noqa: E402
import ml_dtypes  # noqa: E402
import msgpack  # noqa: E402
import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "interop-formats"

# numpy dtype name -> the report's vocabulary, as the Rust readers spell it.
REPORT_DTYPE = {
    "float16": "F16",
    "float32": "F32",
    "float64": "F64",
    "bfloat16": "BF16",
    "int8": "I8",
    "int16": "I16",
    "int32": "I32",
    "int64": "I64",
    "uint8": "U8",
    "bool": "BOOL",
    "object": "OBJECT",
}


def numpy_fixtures(expected):
    np.save(OUT / "weights.npy", np.arange(12, dtype=np.float32).reshape(3, 4))
    # An object array: np.save pickles it. Harmless content.
    np.save(
        OUT / "object.npy", np.array(["hello", 42], dtype=object), allow_pickle=True
    )
    np.savez_compressed(
        OUT / "arrays.npz",
        embed=np.ones((10, 8), dtype=np.float16),
        bias=np.arange(8, dtype=np.int64),
    )

    def header(path):
        with open(path, "rb") as f:
            version = np.lib.format.read_magic(f)
            read = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, fortran, dtype = read(f)
            return {
                "version": list(version),
                "shape": list(shape),
                "fortran_order": fortran,
                "dtype": REPORT_DTYPE[dtype.name],
                "object": bool(dtype.hasobject),
                "data_offset": f.tell(),
            }

    expected["weights.npy"] = header(OUT / "weights.npy")
    expected["object.npy"] = header(OUT / "object.npy")
    with np.load(OUT / "arrays.npz") as z:
        expected["arrays.npz"] = {
            name + ".npy": {
                "shape": list(z[name].shape),
                "dtype": REPORT_DTYPE[z[name].dtype.name],
            }
            for name in z.files
        }
    with zipfile.ZipFile(OUT / "arrays.npz") as z:
        expected["arrays.npz.members"] = [i.filename for i in z.infolist()]


def onnx_graph():
    w = numpy_helper.from_array(
        np.arange(12, dtype=np.float32).reshape(4, 3), name="W"
    )
    b = numpy_helper.from_array(np.zeros(3, dtype=np.float32), name="B")
    nodes = [
        helper.make_node("MatMul", ["X", "W"], ["XW"]),
        helper.make_node("Add", ["XW", "B"], ["Y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 3])],
        initializer=[w, b],
    )
    model = helper.make_model(
        graph,
        producer_name="openness-fixtures",
        producer_version="1",
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)],
    )
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def onnx_summary(model):
    dtypes = {}
    params = 0
    locations = []
    for t in model.graph.initializer:
        n = int(np.prod(t.dims, dtype=np.int64))
        params += n
        name = REPORT_DTYPE[helper.tensor_dtype_to_np_dtype(t.data_type).name]
        dtypes[name] = dtypes.get(name, 0) + n
        for e in t.external_data:
            if e.key == "location":
                locations.append(e.value)
    return {
        "ir_version": model.ir_version,
        "producer_name": model.producer_name,
        "producer_version": model.producer_version,
        "opsets": [[o.domain, o.version] for o in model.opset_import],
        "graph_name": model.graph.name,
        "nodes": len(model.graph.node),
        "initializers": [[t.name, list(t.dims), t.data_type] for t in model.graph.initializer],
        "parameters": params,
        "dtypes": dtypes,
        "external_locations": sorted(set(locations)),
    }


def onnx_fixtures(expected):
    model = onnx_graph()
    onnx.save(model, OUT / "model.onnx")
    expected["model.onnx"] = onnx_summary(onnx.load(OUT / "model.onnx"))

    # External data written by onnx itself, one file for all tensors.
    (OUT / "external").mkdir()
    model = onnx_graph()
    onnx.save_model(
        model,
        OUT / "external" / "model.onnx",
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="weights.bin",
        size_threshold=0,
    )
    loaded = onnx.load(OUT / "external" / "model.onnx", load_external_data=False)
    expected["external/model.onnx"] = onnx_summary(loaded)
    expected["external/model.onnx"]["external_data"] = {
        t.name: {e.key: e.value for e in t.external_data} for t in loaded.graph.initializer
    }

    # A location that climbs out of the model's folder (CVE-2026-34447's
    # shape). Only the string: no file is created, and onnx would refuse it.
    (OUT / "escape").mkdir()
    model = onnx_graph()
    t = model.graph.initializer[0]
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    for k, v in [("location", "../../etc/passwd"), ("offset", "0"), ("length", "48")]:
        e = t.external_data.add()
        e.key, e.value = k, v
    with open(OUT / "escape" / "model.onnx", "wb") as f:
        f.write(model.SerializeToString())
    loaded = onnx.load(OUT / "escape" / "model.onnx", load_external_data=False)
    expected["escape/model.onnx"] = onnx_summary(loaded)


def keras_config_walk(node, lambdas, custom):
    """Mirror of what modelscan looks for: class_name == "Lambda"."""
    if isinstance(node, dict):
        if node.get("class_name") == "Lambda":
            lambdas.append(node.get("config", {}).get("name") or node.get("name"))
        module = node.get("module")
        registered = node.get("registered_name")
        if "class_name" in node and (
            (isinstance(module, str) and module != "keras" and not module.startswith("keras."))
            or (isinstance(registered, str) and ">" in registered)
            or (isinstance(node["class_name"], str) and ">" in node["class_name"])
        ):
            custom.append(registered if isinstance(registered, str) else node["class_name"])
        for v in node.values():
            keras_config_walk(v, lambdas, custom)
    elif isinstance(node, list):
        for v in node:
            keras_config_walk(v, lambdas, custom)


def keras_fixtures(expected):
    try:
        import keras
    except Exception as e:  # keras or its backend is missing
        print(f"keras unavailable ({e}); hand-building the keras fixtures")
        return hand_built_keras(expected)

    @keras.saving.register_keras_serializable(package="fixtures")
    class Scale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    # Lambdas compiled under a neutral file name: keras marshals the code
    # object, and co_filename would otherwise record this machine's path.
    def lam(src):
        return eval(compile(src, "<fixture>", "eval"))

    inner = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(2, name="inner_dense"),
            keras.layers.Lambda(lam("lambda t: t + 1.0"), name="inner_plus_one"),
        ],
        name="inner",
    )
    inp = keras.Input((4,))
    x = keras.layers.Dense(3, name="dense")(inp)
    x = keras.layers.Lambda(lam("lambda t: t * 2.0"), name="double")(x)
    x = Scale(name="scale")(x)
    out = inner(x)
    model = keras.Model(inp, out, name="tiny")
    model.save(OUT / "model.keras")
    model.save(OUT / "model.h5")

    with zipfile.ZipFile(OUT / "model.keras") as z:
        config = json.loads(z.read("config.json"))
        meta = json.loads(z.read("metadata.json"))
    lambdas, custom = [], []
    keras_config_walk(config, lambdas, custom)
    expected["model.keras"] = {
        "keras_version": meta["keras_version"],
        "lambda_layers": lambdas,
        "custom_objects": sorted(set(custom)),
        "parameters": model.count_params(),
    }
    with h5py.File(OUT / "model.h5", "r") as f:
        config = json.loads(f.attrs["model_config"])
    lambdas, custom = [], []
    keras_config_walk(config, lambdas, custom)
    expected["model.h5"] = {
        "lambda_layers": lambdas,
        "custom_objects": sorted(set(custom)),
    }


def hand_built_keras(expected):
    lam = {
        "module": "keras.layers",
        "class_name": "Lambda",
        "config": {
            "name": "double",
            "function": {"class_name": "__lambda__", "config": {"code": "AA=="}},
        },
        "registered_name": None,
    }
    config = {
        "module": "keras",
        "class_name": "Sequential",
        "config": {"name": "tiny", "layers": [lam]},
        "registered_name": None,
    }
    with zipfile.ZipFile(OUT / "model.keras", "w") as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.0.0"}))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", b"")
    with h5py.File(OUT / "model.h5", "w") as f:
        f.attrs["model_config"] = json.dumps(config)
    expected["model.keras"] = {
        "keras_version": "3.0.0",
        "lambda_layers": ["double"],
        "custom_objects": [],
    }
    expected["model.h5"] = {"lambda_layers": ["double"], "custom_objects": []}


def flax_fixture(expected):
    """flax.serialization.to_bytes, mirrored: msgpack with ext type 1 for
    ndarrays (payload: msgpack of (shape, dtype name, C-order bytes)) and
    ext type 3 for numpy scalars, and the chunked-array form flax uses for
    leaves above 2**30 bytes (here with tiny chunks)."""

    def ndarray_to_bytes(arr):
        return msgpack.packb((arr.shape, arr.dtype.name, arr.tobytes("C")), use_bin_type=True)

    def ext_pack(x):
        if isinstance(x, np.ndarray):
            return msgpack.ExtType(1, ndarray_to_bytes(x))
        if isinstance(x, np.generic):
            return msgpack.ExtType(3, ndarray_to_bytes(np.asarray(x)))
        return x

    chunked = np.arange(6, dtype=np.float32)
    tree = {
        "params": {
            "Dense_0": {
                "kernel": np.ones((4, 3), dtype=np.float32),
                "bias": np.zeros((3,), dtype=np.float32),
            },
            "Embed_0": {"embedding": np.ones((10, 4), dtype=ml_dtypes.bfloat16)},
            "big": {
                "__msgpack_chunked_array__": True,
                "shape": {"0": 6},
                "chunks": {"0": chunked[:4], "1": chunked[4:]},
            },
        },
        "step": np.int32(7),
    }
    data = msgpack.packb(tree, default=ext_pack, strict_types=True)
    (OUT / "flax_model.msgpack").write_bytes(data)

    # What flax.serialization.msgpack_restore sees: count the leaves after
    # unchunking, as _unchunk_array_leaves_in_place does.
    def ext_unpack(code, payload):
        shape, dtype, buf = msgpack.unpackb(payload, raw=True)
        dtype = dtype.decode()
        assert len(buf) == int(np.prod(shape, dtype=np.int64)) * np.dtype(
            ml_dtypes.bfloat16 if dtype == "bfloat16" else dtype
        ).itemsize
        return ("leaf", tuple(shape), dtype)

    restored = msgpack.unpackb(data, ext_hook=ext_unpack, raw=False)
    leaves = []

    def walk(node):
        if isinstance(node, dict):
            if "__msgpack_chunked_array__" in node:
                chunks = [node["chunks"][str(i)] for i in range(len(node["chunks"]))]
                shape = tuple(node["shape"][str(i)] for i in range(len(node["shape"])))
                leaves.append(("leaf", shape, chunks[0][2]))
                return
            for v in node.values():
                walk(v)
        elif isinstance(node, tuple) and node and node[0] == "leaf":
            leaves.append(node)

    walk(restored)
    dtypes = {}
    for _, shape, dtype in leaves:
        n = int(np.prod(shape, dtype=np.int64))
        dtypes[REPORT_DTYPE[dtype]] = dtypes.get(REPORT_DTYPE[dtype], 0) + n
    expected["flax_model.msgpack"] = {
        "tensors": len(leaves),
        "parameters": sum(dtypes.values()),
        "dtypes": dtypes,
    }


def dduf_fixture(expected):
    src = OUT / "_dduf_src"
    (src / "unet").mkdir(parents=True)
    (src / "model_index.json").write_text(
        json.dumps({"_class_name": "StableDiffusionPipeline", "unet": ["diffusers", "UNet2DConditionModel"]})
    )
    (src / "unet" / "config.json").write_text(json.dumps({"_class_name": "UNet2DConditionModel"}))
    try:
        from huggingface_hub import export_folder_as_dduf, read_dduf_file

        export_folder_as_dduf(OUT / "pipeline.dduf", folder_path=src)
        entries = sorted(read_dduf_file(OUT / "pipeline.dduf"))
    except ImportError:
        with zipfile.ZipFile(OUT / "pipeline.dduf", "w", zipfile.ZIP_STORED) as z:
            z.write(src / "model_index.json", "model_index.json")
            z.write(src / "unet" / "config.json", "unet/config.json")
        entries = ["model_index.json", "unet/config.json"]
    shutil.rmtree(src)
    with zipfile.ZipFile(OUT / "pipeline.dduf") as z:
        expected["pipeline.dduf"] = {
            "entries": entries,
            "zip_names": [i.filename for i in z.infolist()],
            "all_stored": all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist()),
        }


def savedmodel_fixture(expected):
    # Detection works on names only; the bytes are placeholders, not protobuf.
    (OUT / "saved" / "variables").mkdir(parents=True)
    (OUT / "saved" / "saved_model.pb").write_bytes(b"placeholder, not a SavedModel")
    (OUT / "saved" / "variables" / "variables.index").write_bytes(b"placeholder")
    (OUT / "saved" / "variables" / "variables.data-00000-of-00001").write_bytes(b"placeholder")
    expected["saved"] = {"format": "tf-savedmodel"}


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    expected = {}
    numpy_fixtures(expected)
    onnx_fixtures(expected)
    keras_fixtures(expected)
    flax_fixture(expected)
    dduf_fixture(expected)
    savedmodel_fixture(expected)
    with open(OUT / "expected.json", "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {OUT} ({total} bytes)")


if __name__ == "__main__":
    main()
