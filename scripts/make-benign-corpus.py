#!/usr/bin/env python3
"""Writes fixtures/benign-pickles/: small pickles written by the real tools.

Why: every rule of the pickle scanner is a trade between catching payloads
and accusing honest files. The malicious corpora (fixtures/interop-pickle,
scripts/make-adversarial-corpus.py) measure the first half; this corpus
measures the second. Each file here is what a user gets from the ordinary
call of a real library (torch.save in both formats, torch.jit.save of
scripted, traced and quantised modules, torch.export, joblib.dump with every
compressor, pickle.dump at every protocol, numpy.save of object arrays,
pandas.to_pickle, a Lightning checkpoint, a fastai export when fastai is
installed), so tests/benign.rs can assert that none of them is reported as
`unsafe-pickle`, `keras-unsafe-object` or `archive-anomaly`.

Models are tiny (a few hundred parameters) so each file stays well under
200 KB. Nothing here is downloaded; every file is made on the spot.

Usage (a throwaway virtualenv is enough):
    python3 -m venv /tmp/benign && /tmp/benign/bin/pip install \
        torch numpy scikit-learn joblib pandas lz4 lightning [fastai]
    /tmp/benign/bin/python scripts/make-benign-corpus.py [OUT_DIR]
It writes MANIFEST.json beside the files: for each file, the tool, its
version and the call that wrote it.
"""

import json
import os
import pickle
import random
import shutil
import sys
import warnings

warnings.filterwarnings("ignore")

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "benign-pickles"
)
MAX_BYTES = 200 * 1024

manifest = {}


def record(name, tool, call):
    path = os.path.join(OUT, name)
    size = os.path.getsize(path)
    if size > MAX_BYTES:
        raise SystemExit(f"{name} is {size} bytes, over the {MAX_BYTES} limit")
    manifest[name] = {"tool": tool, "call": call, "bytes": size}


def versions():
    out = {"python": sys.version.split()[0]}
    for mod in ["torch", "numpy", "sklearn", "joblib", "pandas", "lightning", "fastai", "lz4"]:
        try:
            out[mod] = __import__(mod).__version__
        except Exception:  # not installed: that part of the corpus is skipped
            pass
    return out


# ---------------------------------------------------------------------------
# torch

# Module classes live at the top level, as in a user's training script:
# torch.save of a whole module pickles a reference to its class.
try:
    import torch
    import torch.nn as nn
except ImportError:  # the torch part is skipped
    torch = None

if torch is not None:
    class TinyMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(8, 16)
            self.act = nn.ReLU()
            self.fc2 = nn.Linear(16, 4)

        def forward(self, x):
            return self.fc2(self.act(self.fc1(x)))

    class TinyConv(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 4, 3)
            self.bn = nn.BatchNorm2d(4)
            self.head = nn.Sequential(nn.Flatten(), nn.Linear(4 * 6 * 6, 3))

        def forward(self, x):
            return self.head(torch.relu(self.bn(self.conv(x))))

    class WithConstants(nn.Module):
        __constants__ = ["scale", "sizes"]

        def __init__(self):
            super().__init__()
            self.scale = 2.0
            self.sizes = [1, 2, 3]
            self.flags = [True, False]
            self.weights_list = [0.5, 0.25]
            self.names = {"a": 1, "b": 2}
            self.inner = TinyMLP()
            self.register_buffer("table", torch.arange(6, dtype=torch.float32))

        def forward(self, x):
            y = self.inner(x) * self.scale
            for s in self.sizes:
                y = y + float(s) * self.weights_list[0]
            if self.flags[0]:
                y = y + self.table.sum()
            return y

    class TensorListHolder(nn.Module):
        def __init__(self):
            super().__init__()
            self.parts: list[torch.Tensor] = [torch.ones(2), torch.zeros(3)]
            self.shape: list[int] = [2, 3]

        def forward(self, x):
            return x + self.parts[0].sum() + float(self.shape[0])

    class LSTMNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(4, 4)

        def forward(self, x):
            return self.lstm(x)[0]



def torch_files():
    if torch is None:
        raise ImportError("torch is not installed")

    torch.manual_seed(0)
    tv = f"torch {torch.__version__}"

    mlp, conv = TinyMLP(), TinyConv()

    def save(obj, name, call, legacy=False, **kw):
        torch.save(obj, os.path.join(OUT, name),
                   _use_new_zipfile_serialization=not legacy, **kw)
        record(name, tv, call)

    # State dicts, both formats, a few protocols.
    save(mlp.state_dict(), "torch-state-dict-zip.pt", "torch.save(model.state_dict(), f)")
    save(mlp.state_dict(), "torch-state-dict-legacy.pt",
         "torch.save(sd, f, _use_new_zipfile_serialization=False)", legacy=True)
    save(conv.state_dict(), "torch-conv-state-dict.pth", "torch.save(conv.state_dict(), f)")
    save(conv.state_dict(), "torch-conv-state-dict-legacy.pth",
         "torch.save(conv.state_dict(), f, _use_new_zipfile_serialization=False)", legacy=True)
    save(mlp.state_dict(), "torch-state-dict-protocol4.pt",
         "torch.save(sd, f, pickle_protocol=4)", pickle_protocol=4)
    save(mlp.state_dict(), "torch-state-dict-legacy-protocol5.pt",
         "torch.save(sd, f, pickle_protocol=5, legacy)", legacy=True, pickle_protocol=5)
    save(mlp.state_dict(), "pytorch_model.bin", "torch.save(sd, 'pytorch_model.bin')")
    # Whole modules (the classes live in this script's __main__).
    save(mlp, "torch-whole-module-zip.pt", "torch.save(model, f)")
    save(conv, "torch-whole-module-legacy.pt",
         "torch.save(model, f, _use_new_zipfile_serialization=False)", legacy=True)
    # Optimizer and scheduler state, and a training checkpoint.
    opt = torch.optim.Adam(mlp.parameters(), lr=1e-3)
    loss = mlp(torch.randn(2, 8)).sum()
    loss.backward()
    opt.step()
    save(opt.state_dict(), "torch-adam-state.pt", "torch.save(adam.state_dict(), f)")
    save(opt.state_dict(), "torch-adam-state-legacy.pt",
         "torch.save(adam.state_dict(), f, legacy)", legacy=True)
    sgd = torch.optim.SGD(conv.parameters(), lr=0.1, momentum=0.9)
    conv(torch.randn(2, 1, 8, 8)).sum().backward()
    sgd.step()
    sched = torch.optim.lr_scheduler.StepLR(sgd, step_size=1)
    save({"optimizer": sgd.state_dict(), "scheduler": sched.state_dict()},
         "torch-sgd-scheduler.pt", "torch.save({'optimizer', 'scheduler'}, f)")
    import numpy as np
    save({
        "epoch": 3,
        "model": mlp.state_dict(),
        "optimizer": opt.state_dict(),
        "torch_rng": torch.get_rng_state(),
        "numpy_rng": np.random.get_state(),
        "python_rng": random.getstate(),
        "args": {"lr": 1e-3, "name": "tiny", "layers": [8, 16, 4]},
    }, "torch-training-checkpoint.pt", "torch.save(full training state, f)")
    save({"generator": np.random.default_rng(0)}, "torch-numpy-generator.pt",
         "torch.save({'generator': np.random.default_rng(0)}, f)")
    # Dtypes and tensor kinds.
    save({
        "f16": torch.randn(4, dtype=torch.float16),
        "bf16": torch.randn(4, dtype=torch.bfloat16),
        "f64": torch.randn(2, dtype=torch.float64),
        "i8": torch.arange(4, dtype=torch.int8),
        "u8": torch.arange(4, dtype=torch.uint8),
        "b": torch.tensor([True, False]),
        "c64": torch.randn(2, dtype=torch.complex64),
        "i64": torch.arange(3),
        "view": torch.arange(10.0)[2:5],
    }, "torch-dtypes.pt", "torch.save({dtype: tensor}, f)")
    if hasattr(torch, "float8_e4m3fn"):
        save({"f8": torch.randn(4).to(torch.float8_e4m3fn)}, "torch-float8.pt",
             "torch.save({'f8': float8_e4m3fn tensor}, f)")
    q = torch.quantize_per_tensor(torch.randn(4), 0.1, 0, torch.quint8)
    qc = torch.quantize_per_channel(torch.randn(2, 3), torch.tensor([0.1, 0.2]),
                                    torch.tensor([0, 0]), 0, torch.qint8)
    save({"q": q, "qc": qc}, "torch-quantized-tensors.pt", "torch.save({quantize_per_tensor, per_channel}, f)")
    save({"sparse": torch.eye(3).to_sparse()}, "torch-sparse.pt", "torch.save({'sparse': coo}, f)")
    save(torch.randn(3, 3), "torch-bare-tensor.pt", "torch.save(tensor, f)")
    save(torch.randn(3, 3), "torch-bare-tensor-legacy.pt",
         "torch.save(tensor, f, legacy)", legacy=True)
    save(nn.Parameter(torch.randn(2)), "torch-parameter.pt", "torch.save(nn.Parameter, f)")
    emb = nn.Embedding(10, 4)
    save(emb.state_dict(), "torch-embedding.bin", "torch.save(embedding.state_dict(), f)")
    lstm = nn.LSTM(4, 4)
    save(lstm.state_dict(), "torch-lstm-state-dict.pt", "torch.save(lstm.state_dict(), f)")
    save({"device": torch.device("cpu"), "size": torch.Size([2, 3]), "dtype": torch.float16},
         "torch-misc-objects.pt", "torch.save({device, Size, dtype}, f)")

    # TorchScript.
    def jit_save(module, name, call):
        torch.jit.save(module, os.path.join(OUT, name))
        record(name, tv, call)

    mlp.eval()
    conv.eval()
    jit_save(torch.jit.script(mlp), "jit-script-mlp.pt", "torch.jit.save(torch.jit.script(mlp), f)")
    jit_save(torch.jit.trace(conv, torch.randn(1, 1, 8, 8)), "jit-trace-conv.pt",
             "torch.jit.save(torch.jit.trace(conv, x), f)")
    jit_save(torch.jit.script(WithConstants()), "jit-script-constants.pt",
             "torch.jit.save(torch.jit.script(module with __constants__, lists, dict, nested), f)")
    jit_save(torch.jit.script(TensorListHolder()), "jit-script-tensorlist.pt",
             "torch.jit.save(torch.jit.script(module with List[Tensor], List[int]), f)")
    jit_save(torch.jit.script(WithConstants()), "model.jit",
             "torch.jit.save(torch.jit.script(...), 'model.jit')")
    qmlp = torch.ao.quantization.quantize_dynamic(TinyMLP().eval(), {nn.Linear}, dtype=torch.qint8)
    jit_save(torch.jit.script(qmlp), "jit-quantized-dynamic-linear.pt",
             "torch.jit.save(torch.jit.script(quantize_dynamic(mlp, {Linear}, qint8)), f)")

    qlstm = torch.ao.quantization.quantize_dynamic(LSTMNet().eval(), {nn.LSTM}, dtype=torch.qint8)
    try:
        jit_save(torch.jit.script(qlstm), "jit-quantized-dynamic-lstm.pt",
                 "torch.jit.save(torch.jit.script(quantize_dynamic(lstm, {LSTM}, qint8)), f)")
    except Exception as e:  # scripting quantised LSTMs is not supported everywhere
        print(f"skipped jit-quantized-dynamic-lstm.pt: {e}", file=sys.stderr)
    qf16 = torch.ao.quantization.quantize_dynamic(TinyMLP().eval(), {nn.Linear}, dtype=torch.float16)
    jit_save(torch.jit.script(qf16), "jit-quantized-dynamic-fp16.pt",
             "torch.jit.save(torch.jit.script(quantize_dynamic(mlp, {Linear}, float16)), f)")
    # Quantised state dicts through torch.save, too.
    save(qmlp.state_dict(), "torch-quantized-dynamic-state-dict.pt",
         "torch.save(quantize_dynamic(mlp).state_dict(), f)")
    try:
        frozen = torch.jit.freeze(torch.jit.script(TinyMLP().eval()))
        jit_save(frozen, "jit-frozen.pt", "torch.jit.save(torch.jit.freeze(torch.jit.script(mlp)), f)")
    except Exception as e:
        print(f"skipped jit-frozen.pt: {e}", file=sys.stderr)
    try:
        torch.jit.script(mlp)._save_for_lite_interpreter(
            os.path.join(OUT, "jit-lite-interpreter.ptl"))
        record("jit-lite-interpreter.ptl", tv, "torch.jit.script(mlp)._save_for_lite_interpreter(f)")
    except Exception as e:
        print(f"skipped jit-lite-interpreter.ptl: {e}", file=sys.stderr)

    # torch.export.
    try:
        ep = torch.export.export(TinyMLP().eval(), (torch.randn(1, 8),))
        torch.export.save(ep, os.path.join(OUT, "export-mlp.pt2"))
        record("export-mlp.pt2", tv, "torch.export.save(torch.export.export(mlp, (x,)), f)")
    except Exception as e:
        print(f"skipped export-mlp.pt2: {e}", file=sys.stderr)
    return mlp


# ---------------------------------------------------------------------------
# scikit-learn, joblib, pickle

def sklearn_files():
    import joblib
    import numpy as np
    import sklearn
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.decomposition import PCA

    sv = f"scikit-learn {sklearn.__version__}, joblib {joblib.__version__}"
    rng = np.random.RandomState(0)
    X = rng.randn(40, 4)
    y = (X[:, 0] > 0).astype(int)
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    forest = RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0).fit(X, y)
    pca = PCA(n_components=2).fit(X)
    text = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(
        ["a cat", "a dog", "the cat sat", "the dog ran"], [0, 1, 0, 1])

    def dump(obj, name, call, **kw):
        joblib.dump(obj, os.path.join(OUT, name), **kw)
        record(name, sv, call)

    dump(pipe, "sklearn-pipeline.joblib", "joblib.dump(pipeline, f)")
    dump(forest, "sklearn-forest.joblib", "joblib.dump(random_forest, f)")
    dump(pca, "sklearn-pca.pkl", "joblib.dump(pca, 'x.pkl')")
    dump(text, "sklearn-tfidf-pipeline.joblib", "joblib.dump(tfidf_pipeline, f)")
    dump(pipe, "sklearn-pipeline-zlib.joblib", "joblib.dump(pipeline, f, compress=3)", compress=3)
    for method in ["zlib", "gzip", "bz2", "xz", "lzma", "lz4"]:
        try:
            dump(forest, f"sklearn-forest-{method}.joblib",
                 f"joblib.dump(forest, f, compress=({method!r}, 3))", compress=(method, 3))
        except Exception as e:  # lz4 needs the lz4 package
            print(f"skipped {method}: {e}", file=sys.stderr)
    dump(pipe, "sklearn-pipeline.pkl.gz", "joblib.dump(pipeline, 'x.pkl.gz')  # by extension")
    dump({"weights": rng.randn(3, 3), "bias": rng.randn(3)}, "joblib-numpy-dict.joblib",
         "joblib.dump({name: ndarray}, f)")

    # Plain pickle, every protocol.
    for proto in range(0, pickle.HIGHEST_PROTOCOL + 1):
        name = f"sklearn-pipeline-protocol{proto}.pkl"
        with open(os.path.join(OUT, name), "wb") as f:
            pickle.dump(pipe, f, protocol=proto)
        record(name, sv, f"pickle.dump(pipeline, f, protocol={proto})")
    for proto in (0, 2, 5):
        name = f"numpy-dict-protocol{proto}.pkl"
        with open(os.path.join(OUT, name), "wb") as f:
            pickle.dump({"w": rng.randn(2, 2), "step": np.int64(3), "lr": np.float32(0.1)},
                        f, protocol=proto)
        record(name, f"numpy {np.__version__}", f"pickle.dump({{ndarray, numpy scalars}}, f, protocol={proto})")


# ---------------------------------------------------------------------------
# numpy, pandas

def numpy_pandas_files():
    import numpy as np
    import pandas as pd

    nv = f"numpy {np.__version__}"
    obj = np.empty(3, dtype=object)
    obj[:] = [{"a": 1}, [1, 2], "text"]
    np.save(os.path.join(OUT, "numpy-object-array.npy"), obj, allow_pickle=True)
    record("numpy-object-array.npy", nv, "np.save(f, object_array, allow_pickle=True)")
    ragged = np.empty(2, dtype=object)
    ragged[:] = [np.arange(3), np.arange(5.0)]
    np.save(os.path.join(OUT, "numpy-ragged-arrays.npy"), ragged, allow_pickle=True)
    record("numpy-ragged-arrays.npy", nv, "np.save(f, array of arrays, allow_pickle=True)")
    np.savez(os.path.join(OUT, "numpy-object-members.npz"), objs=obj, plain=np.arange(4))
    record("numpy-object-members.npz", nv, "np.savez(f, objs=object_array, plain=...)")
    np.savez_compressed(os.path.join(OUT, "numpy-object-compressed.npz"), objs=obj)
    record("numpy-object-compressed.npz", nv, "np.savez_compressed(f, objs=object_array)")

    pv = f"pandas {pd.__version__}"
    df = pd.DataFrame({
        "x": np.arange(5),
        "y": np.linspace(0, 1, 5),
        "label": pd.Categorical(["a", "b", "a", "c", "b"]),
        "when": pd.date_range("2024-01-01", periods=5, freq="D"),
        "text": ["p", "q", "r", "s", "t"],
    })
    for name, call in [
        ("pandas-frame.pkl", "df.to_pickle(f)"),
        ("pandas-frame.pkl.gz", "df.to_pickle('x.pkl.gz')"),
        ("pandas-frame.pkl.bz2", "df.to_pickle('x.pkl.bz2')"),
        ("pandas-frame.pkl.xz", "df.to_pickle('x.pkl.xz')"),
    ]:
        df.to_pickle(os.path.join(OUT, name))
        record(name, pv, call)
    df.to_pickle(os.path.join(OUT, "pandas-frame-protocol2.pkl"), protocol=2)
    record("pandas-frame-protocol2.pkl", pv, "df.to_pickle(f, protocol=2)")
    df["y"].to_pickle(os.path.join(OUT, "pandas-series.pkl"))
    record("pandas-series.pkl", pv, "series.to_pickle(f)")


# ---------------------------------------------------------------------------
# Lightning, fastai

def lightning_files():
    import lightning as L
    import torch
    import torch.nn as nn
    from torch.utils.data import DataLoader, TensorDataset

    class Tiny(L.LightningModule):
        def __init__(self, hidden=4, lr=0.01):
            super().__init__()
            self.save_hyperparameters()
            self.net = nn.Sequential(nn.Linear(3, hidden), nn.ReLU(), nn.Linear(hidden, 1))

        def training_step(self, batch, _):
            x, y = batch
            loss = nn.functional.mse_loss(self.net(x), y)
            self.log("loss", loss)
            return loss

        def configure_optimizers(self):
            opt = torch.optim.Adam(self.parameters(), lr=self.hparams.lr)
            return [opt], [torch.optim.lr_scheduler.StepLR(opt, 1)]

    torch.manual_seed(0)
    data = DataLoader(TensorDataset(torch.randn(8, 3), torch.randn(8, 1)), batch_size=4)
    tmp = os.path.join(OUT, "_lightning_tmp")
    trainer = L.Trainer(max_epochs=1, default_root_dir=tmp, logger=False,
                        enable_progress_bar=False, enable_model_summary=False,
                        accelerator="cpu", devices=1)
    trainer.fit(Tiny(), data)
    trainer.save_checkpoint(os.path.join(OUT, "lightning.ckpt"))
    shutil.rmtree(tmp, ignore_errors=True)
    record("lightning.ckpt", f"lightning {L.__version__}", "Trainer(max_epochs=1).fit(m); trainer.save_checkpoint(f)")


def fastai_files():
    from fastai.tabular.all import (TabularDataLoaders, tabular_learner, Categorify,
                                    FillMissing, Normalize)
    import fastai
    import pandas as pd
    import numpy as np

    rng = np.random.RandomState(0)
    df = pd.DataFrame({"a": rng.randn(32), "b": rng.choice(["x", "y"], 32),
                       "t": rng.choice([0, 1], 32)})
    dls = TabularDataLoaders.from_df(df, path=OUT, procs=[Categorify, FillMissing, Normalize],
                                     cat_names=["b"], cont_names=["a"], y_names="t", bs=8)
    learn = tabular_learner(dls, layers=[4])
    learn.export("fastai-export.pkl")
    record("fastai-export.pkl", f"fastai {fastai.__version__}", "tabular_learner(...).export('export.pkl')")


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    for part in [torch_files, sklearn_files, numpy_pandas_files, lightning_files, fastai_files]:
        try:
            part()
        except ImportError as e:
            print(f"skipped {part.__name__}: {e}", file=sys.stderr)
    total = sum(m["bytes"] for m in manifest.values())
    with open(os.path.join(OUT, "MANIFEST.json"), "w") as f:
        json.dump({"versions": versions(), "files": manifest}, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(manifest)} files, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
