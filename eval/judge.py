#!/usr/bin/env python3
"""Score an `openness` binary against hand-written labels of real releases.

usage: eval/judge.py BIN [--root DIR] [--labels FILE] [--only a,b] [--verbose] [--json]

BIN is the `openness` binary. --labels defaults to eval/labels.json beside
this script; --root (default: eval/extracts) holds one folder per release,
named by the label's `dir` (eval/rebuild.sh makes them). Each release is
scanned with `BIN scan --no-progress --format json` and its report compared
with the label, field by field:

  code, weights, data   the component's status word
  formats               weight formats, where weight files or LFS pointers
                        to them are in the folder
  tensors, parameters   where labelled
  license               the SPDX expression (same set of ids; a LicenseRef
                        label may be matched by the label's license_regex)
  open                  license.open
  component licences    where the label gives license_components
  findings              every expected code present, and no error-severity
                        finding the label does not expect or tolerate

Strict uses the label alone; lenient also takes the alternates a label keeps
under `accept` for debatable fields. Output: one line per release, then a
per-field table, then `lenient: ...` and the strict line
`eval: N/M checks (P%)`. A release the binary cannot scan costs 10 checks.
"""
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# Finding codes a report may carry without the label asking for them: they
# are judgements (a licence the MOF types otherwise, weights kept as pickle)
# or restatements of the licence verdict, which its own checks score.
NEVER_UNEXPECTED = {"license-wrong-type", "license-not-open", "pickle-weights"}

# One name per weight format, whatever spelling a report uses.
FORMAT_NAMES = [
    (("torch", "pickle", "jit", "pytorch", "pt", "pth", "bin", "ckpt"), "pytorch"),
    (("h5", "hdf5", "keras", "keras-h5", "tf-h5", "tensorflow-h5"), "keras-h5"),
    (("npy", "npz", "numpy", "numpy-npy", "numpy-npz"), "numpy"),
    (("tflite", "tensorflow-lite", "tf-lite", "litert"), "tflite"),
    (("tensorflow", "tf", "savedmodel", "tf-savedmodel", "tensorflow-savedmodel",
      "tf-checkpoint", "tensorflow-checkpoint", "tfjs", "tf-js", "tensorflow-js"), "tensorflow"),
    (("coreml", "mlmodel", "mlpackage", "coreml-mlpackage"), "coreml"),
    (("flax", "msgpack", "flax-msgpack"), "flax"),
    (("caffe", "caffemodel"), "caffe"),
    (("openvino", "openvino-ir", "openvino-xml", "openvino-bin"), "openvino"),
    (("ncnn", "ncnn-param", "ncnn-bin"), "ncnn"),
    (("joblib", "sklearn", "scikit-learn"), "joblib"),
]
CRASH_COST = 10
FIELDS = ["code", "weights", "formats", "data", "license", "open", "findings"]


def format_name(raw):
    name = str(raw).lower()
    for spellings, canonical in FORMAT_NAMES:
        if name in spellings:
            return canonical
    if "torch" in name or "pickle" in name:
        return "pytorch"
    return name


def licence_ids(expr):
    if not expr:
        return frozenset()
    parts = re.split(r"\(|\)|\s+AND\s+|\s+OR\s+|\s+WITH\s+", str(expr))
    return frozenset(p.strip().lower() for p in parts if p.strip())


def licence_agrees(got, want, regex=None):
    """The report's expression `got` says what the label `want` says."""
    if want is None:
        return got in (None, "", "NOASSERTION")
    if not got:
        return False
    if licence_ids(got) == licence_ids(want):
        return True
    if not regex or not re.search(regex, str(got)):
        return False
    # The regex says how the label's licence may be spelled; in a compound
    # label it stands in for the LicenseRef parts, and the SPDX-listed
    # parts must still be there.
    if " and " not in str(want).lower():
        return True
    listed = {i for i in licence_ids(want) if not i.startswith("licenseref-")}
    return listed <= licence_ids(got)


def dig(obj, *keys):
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


class Check:
    def __init__(self, field, strict, lenient, says):
        self.field, self.strict, self.lenient, self.says = field, strict, lenient or strict, says


def checks_for(report, label):
    accept = label.get("accept", {})
    out = []
    for part in ("code", "weights", "data"):
        got = dig(report, "components", part, "status")
        out.append(Check(part, got == label[part], got in accept.get(part, []),
                         f"{part}: label {label[part]}, scan {got}"))

    pointers = "lfs-pointer" in label["expect_findings"]
    if label["weights"] in ("shipped", "incomplete") or pointers:
        want = sorted({format_name(f) for f in label["weights_formats"]})
        got = {format_name(f) for f in dig(report, "components", "weights", "formats") or []}
        for entry in report.get("files") or []:
            if entry.get("lfs_pointer") and entry.get("format"):
                got.add(format_name(entry["format"]))
        got = sorted(got)
        out.append(Check("formats", got == want, False, f"formats: label {want}, scan {got}"))

    for key in ("tensors", "parameters"):
        if label.get(key) is not None:
            got = dig(report, "components", "weights", key)
            out.append(Check("weights", got == label[key], False,
                             f"{key}: label {label[key]}, scan {got}"))

    got_licence = dig(report, "license", "spdx")
    regex = label.get("license_regex")
    strict = licence_agrees(got_licence, label["license_spdx"], regex)
    alternate = any(licence_agrees(got_licence, a) for a in accept.get("license", []))
    if accept.get("license_regex") and got_licence:
        alternate = alternate or bool(re.search(accept["license_regex"], got_licence))
    out.append(Check("license", strict, alternate,
                     f"license: label {label['license_spdx']}, scan {got_licence}"))
    got_open = dig(report, "license", "open")
    # An accepted alternate licence brings its own openness.
    out.append(Check("open", got_open == label["license_open"], alternate and not strict,
                     f"open: label {label['license_open']}, scan {got_open}"))
    for part, want in (label.get("license_components") or {}).items():
        got = dig(report, "components", part, "license")
        part_regex = regex if "licenseref-" in str(want).lower() else None
        out.append(Check("license", licence_agrees(got, want, part_regex), False,
                         f"{part} licence: label {want}, scan {got}"))

    findings = report.get("findings") or []
    present = {f.get("code") for f in findings}
    for code in label["expect_findings"]:
        out.append(Check("findings", code in present, False,
                         f"finding {code}: {'present' if code in present else 'missing'}"))
    allowed = set(label["expect_findings"]) | NEVER_UNEXPECTED | set(label.get("tolerate_findings", []))
    stray = sorted({f.get("code") for f in findings
                    if f.get("severity") == "error" and f.get("code") not in allowed})
    out.append(Check("findings", not stray, False, f"unexpected error findings: {stray}"))
    return out


def scan(binary, folder):
    started = time.time()
    try:
        done = subprocess.run([binary, "scan", "--no-progress", "--format", "json", folder],
                              capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return None, "timed out after 120 s", 120.0
    seconds = time.time() - started
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return None, f"exit {done.returncode}, no JSON: {done.stderr[:200]!r}", seconds
    if isinstance(report, list):
        report = report[0] if report else {}
    return report, None, seconds


def option(name, default=None):
    if name in sys.argv:
        at = sys.argv.index(name) + 1
        if at < len(sys.argv):
            return sys.argv[at]
    return default


def main():
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        print(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    labels_path = option("--labels", os.path.join(HERE, "labels.json"))
    root = option("--root", os.path.join(HERE, "extracts"))
    verbose = "--verbose" in sys.argv
    labels = json.load(open(labels_path))
    if option("--only"):
        wanted = set(option("--only").split(","))
        labels = [l for l in labels if l["repo"] in wanted or l["dir"] in wanted]
    per_field = {f: [0, 0, 0] for f in FIELDS}  # strict, lenient, total
    total = strict = lenient = crashes = skipped = 0
    rows = []
    for label in labels:
        folder = os.path.join(root, label["dir"])
        if not os.path.isdir(folder):
            print(f"SKIP {label['repo']:48s} not extracted under {root}")
            skipped += 1
            continue
        report, error, seconds = scan(binary, folder)
        if report is None:
            print(f"BAD  {label['repo']:48s} {error}")
            crashes += 1
            total += CRASH_COST
            continue
        checks = checks_for(report, label)
        n_strict = sum(c.strict for c in checks)
        n_lenient = sum(c.lenient for c in checks)
        total += len(checks)
        strict += n_strict
        lenient += n_lenient
        for c in checks:
            row = per_field[c.field]
            row[0] += c.strict
            row[1] += c.lenient
            row[2] += 1
        mark = "ok  " if n_strict == len(checks) else ("ok~ " if n_lenient == len(checks) else "MISS")
        print(f"{mark} {label['repo']:48s} strict {n_strict}/{len(checks)}"
              f"  lenient {n_lenient}/{len(checks)}  {seconds * 1000:6.0f} ms")
        for c in checks:
            if verbose or not c.strict:
                tag = "pass" if c.strict else ("lenient" if c.lenient else "FAIL")
                print(f"       [{tag:7s}] {c.says}")
        rows.append({"repo": label["repo"], "strict": n_strict, "lenient": n_lenient,
                     "checks": len(checks), "ms": round(seconds * 1000)})
    if skipped:
        print(f"({skipped} releases not extracted: eval/rebuild.sh makes them)")
    print()
    print("| field | strict | lenient |")
    print("|---|---|---|")
    for field in FIELDS:
        s, l, n = per_field[field]
        if n:
            print(f"| {field} | {s}/{n} ({100 * s / n:.0f}%) | {l}/{n} ({100 * l / n:.0f}%) |")
    print()
    pct = lambda n: 100.0 * n / total if total else 0.0
    name = os.path.splitext(os.path.basename(labels_path))[0]
    tag = "eval" if os.path.abspath(labels_path) == os.path.join(HERE, "labels.json") else name
    print(f"lenient: {lenient}/{total} checks ({pct(lenient):.0f}%), crashes={crashes}")
    print(f"{tag}: {strict}/{total} checks ({pct(strict):.0f}%)")
    if "--json" in sys.argv:
        print(json.dumps({"rows": rows, "fields": per_field}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
