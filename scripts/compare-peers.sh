#!/usr/bin/env bash
# Runs picklescan, modelscan and openness on every file of
# fixtures/interop-pickle and prints a Markdown table of their verdicts next
# to the expected one (expected.json), so disagreements are visible.
#
# Why: a pickle scanner is only as good as its misses, and the peers are
# the reference users will compare against. Nothing here loads a pickle:
# every tool reads the files statically.
#
# Then it writes the adversarial corpus of scripts/make-adversarial-corpus.py
# (issue 14: pickles under any name, compressed pickles and archives,
# indirect callables, zip tricks, Keras injection, NumPy object arrays,
# plus benign controls) and prints, per class, how many malicious files
# each tool detects, misses or errors on, and how many benign controls it
# flags (false positives). fickling joins for that part.
#
# Last, the other half of the trade (issue 24): the four tools on every
# file of fixtures/benign-pickles/, real checkpoints written by torch,
# TorchScript, joblib/sklearn, numpy, pandas, Lightning and fastai
# (scripts/make-benign-corpus.py). Every flag there is a false positive;
# the definitions per tool are above the code that applies them.
#
# Usage: scripts/compare-peers.sh [--corpus-only | --benign] [FIXTURE_DIR]
#   (default)      all three parts
#   --corpus-only  the adversarial benchmark only
#   --benign       the benign corpus only
# Needs python3 (with venv) and cargo; pip reaches PyPI for the peers.
# The openness binary is the release build of this checkout, under
# $CARGO_TARGET_DIR when that is set.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
parts="interop adversarial benign"
case "${1:-}" in
    --corpus-only) parts=adversarial; shift ;;
    --benign) parts=benign; shift ;;
    -*) echo "usage: $0 [--corpus-only | --benign] [FIXTURE_DIR]" >&2; exit 2 ;;
esac
wants() { case " $parts " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
dir=${1:-$root/fixtures/interop-pickle}
benign_dir=$root/fixtures/benign-pickles
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
# The peers are pinned to the versions the README's tables were measured
# with; bump them here and re-measure together.
# typing_extensions: fickling 0.1.12 imports it without declaring it;
# h5py and numpy write the corpus's .h5 files.
# py7zr writes the corpus's 7z class, lz4 its joblib LZ4 files.
"$work/venv/bin/pip" install --quiet picklescan==1.0.5 modelscan==0.8.8 fickling==0.1.12 typing_extensions h5py numpy py7zr lz4 >&2
picklescan_version=$("$work/venv/bin/pip" show picklescan | sed -n 's/^Version: //p')
modelscan_version=$("$work/venv/bin/pip" show modelscan | sed -n 's/^Version: //p')
fickling_version=$("$work/venv/bin/pip" show fickling | sed -n 's/^Version: //p')
# modelscan reads .npy files through numpy, so numpy's version is part of
# its result.
numpy_version=$("$work/venv/bin/pip" show numpy | sed -n 's/^Version: //p')

(cd "$root" && cargo build --release --quiet >&2)
# cargo resolves a relative CARGO_TARGET_DIR against $root, where it ran.
target=${CARGO_TARGET_DIR:-target}
case "$target" in /*) ;; *) target=$root/$target ;; esac
openness=$target/release/openness
# A dedicated example, when one exists, prints the pickle verdict directly.
have_example=no
if [ -f "$root/examples/pickle-verdict.rs" ]; then
    have_example=yes
    (cd "$root" && cargo build --release --quiet --example pickle-verdict >&2)
fi

# picklescan: exit 1 = dangerous global; suspicious globals are counted in
# the summary; exit 2 = scan error.
picklescan_verdict() {
    local out rc=0
    out=$("$work/venv/bin/picklescan" -p "$1" 2>&1) || rc=$?
    # An error wins over a finding in picklescan's exit code, so read the
    # findings themselves: a payload before a parse error is still found.
    if echo "$out" | grep -q 'dangerous import'; then
        [ "$rc" -eq 1 ] && echo MALICIOUS || echo "MALICIOUS (exit $rc)"
    elif echo "$out" | grep -q 'Unhandled exception'; then
        echo "ERROR (crash)"
    elif [ "$rc" -ne 0 ]; then
        echo "ERROR"
    elif echo "$out" | grep -Eq '^Suspicious globals: [1-9]'; then
        echo SUSPICIOUS
    else
        echo clean
    fi
}

# modelscan: JSON report; CRITICAL/HIGH issues = malicious, MEDIUM/LOW =
# suspicious, a file it skipped or failed on is reported as such.
modelscan_verdict() {
    local report=$work/modelscan.json
    rm -f "$report"
    "$work/venv/bin/modelscan" -p "$1" -r json -o "$report" >/dev/null 2>&1 || true
    python3 - "$report" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    print("ERROR")
    sys.exit()
sev = {i.get("severity") for i in d.get("issues", [])}
if sev & {"CRITICAL", "HIGH"}:
    print("MALICIOUS")
elif sev:
    print("SUSPICIOUS")
elif d.get("errors"):
    print("ERROR")
elif not d.get("summary", {}).get("scanned", {}).get("total_scanned"):
    print("skipped")
else:
    print("clean")
EOF
}

# openness: the scan's finding codes for the file.
openness_verdict() {
    if [ "$have_example" = yes ]; then
        (cd "$root" && cargo run --release --quiet --example pickle-verdict -- "$1")
        return
    fi
    "$openness" scan --format json "$1" 2>/dev/null | python3 -c '
import json, sys
text = sys.stdin.read()
codes = set()
def walk(v):
    if isinstance(v, dict):
        if isinstance(v.get("code"), str):
            codes.add(v["code"])
        for x in v.values():
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
try:
    walk(json.loads(text))
except Exception:
    print("ERROR")
    sys.exit()
if "unsafe-pickle" in codes:
    print("MALICIOUS")
elif "pickle-suspicious-import" in codes:
    print("SUSPICIOUS")
else:
    print("clean")
'
}

echo "picklescan $picklescan_version, modelscan $modelscan_version (numpy $numpy_version), fickling $fickling_version, openness $(git -C "$root" rev-parse --short HEAD)"
echo
if wants interop; then
echo "| file | expected | picklescan | modelscan | openness |"
echo "|---|---|---|---|---|"
for f in "$dir"/*; do
    name=$(basename "$f")
    [ "$name" = expected.json ] && continue
    expected=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["files"].get(sys.argv[2], {}).get("expected", "?"))' "$dir/expected.json" "$name")
    # Each peer gets its own copy in its own folder so that a directory
    # scan (modelscan) sees one file only.
    mkdir -p "$work/one" && rm -rf "$work/one"/* && cp "$f" "$work/one/"
    echo "| $name | $expected | $(picklescan_verdict "$work/one/$name") | $(modelscan_verdict "$work/one/$name") | $(openness_verdict "$work/one/$name") |"
done
echo
fi

# The adversarial corpus: one folder per file, each tool run on that
# folder (fickling on the file: it takes no folder). Detected means:
# openness an unsafe-pickle, keras-lambda or keras-unsafe-object finding;
# picklescan a dangerous import; modelscan any issue (its Keras Lambda
# issues are MEDIUM); fickling exit 1 (exit 2 is its parse error).
# COMPARE_DETAILS=1 adds the per-file table.
if wants adversarial; then
"$work/venv/bin/python" "$root/scripts/make-adversarial-corpus.py" "$work/corpus" >&2
"$work/venv/bin/python" - "$work/corpus" "$work/venv/bin" "$openness" "${COMPARE_DETAILS:-}" <<'EOF'
import json, os, subprocess, sys, tempfile
corpus, venv, openness, details = sys.argv[1:5]
manifest = json.load(open(os.path.join(corpus, "manifest.json")))

scratch = tempfile.mkdtemp()

def run(cmd):
    # In a scratch folder: fickling writes safety_results.json to its cwd.
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=scratch)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return -1, "timeout"

def v_openness(d, f):
    p = subprocess.run([openness, "scan", "--format", "json", d], capture_output=True, text=True, timeout=120)
    try:
        codes = {x["code"] for x in json.loads(p.stdout)["findings"]}
    except Exception:
        return "error"
    return "detected" if codes & {"unsafe-pickle", "keras-lambda", "keras-unsafe-object"} else "clean"

def v_picklescan(d, f):
    rc, out = run([f"{venv}/picklescan", "-p", d])
    if "dangerous import" in out:
        return "detected"
    if rc not in (0, 1) or "Unhandled exception" in out:
        return "error"
    return "clean"

def v_modelscan(d, f):
    report = tempfile.mktemp(suffix=".json")
    run([f"{venv}/modelscan", "-p", d, "-r", "json", "-o", report])
    try:
        r = json.load(open(report))
    except Exception:
        return "error"
    if r.get("issues"):
        return "detected"
    if r.get("errors"):
        return "error"
    return "clean"

def v_fickling(d, f):
    rc, out = run([f"{venv}/fickling", "--check-safety", os.path.join(d, f)])
    return {0: "clean", 1: "detected"}.get(rc, "error")

tools = [("openness", v_openness), ("picklescan", v_picklescan), ("modelscan", v_modelscan), ("fickling", v_fickling)]
names = [t for t, _ in tools]
blank = lambda: {"det": 0, "miss": 0, "err": 0, "fp": 0, "berr": 0}
table, rows = {}, []
for key, m in sorted(manifest.items()):
    d = os.path.join(corpus, key)
    verdicts = {t: fn(d, m["file"]) for t, fn in tools}
    rows.append((key, m["expected"], verdicts))
    c = table.setdefault(m["class"], {"mal": 0, "ben": 0, **{t: blank() for t in names}})
    c["mal" if m["expected"] == "malicious" else "ben"] += 1
    for t, v in verdicts.items():
        if m["expected"] == "malicious":
            c[t][{"detected": "det", "clean": "miss", "error": "err"}[v]] += 1
        elif v == "detected":
            c[t]["fp"] += 1
        elif v == "error":
            c[t]["berr"] += 1
total = {"mal": 0, "ben": 0, **{t: blank() for t in names}}
def cell(x):
    return f"{x['det']} / {x['miss']} / {x['err']}; FP {x['fp']}" + (f" ({x['berr']} err)" if x["berr"] else "")
print("Per class: detected / missed / error on the malicious files; FP = benign controls flagged (errors on benign in brackets).")
print()
print("| class | malicious / benign | " + " | ".join(names) + " |")
print("|---|---|" + "---|" * len(names))
for cls, c in sorted(table.items()):
    total["mal"] += c["mal"]; total["ben"] += c["ben"]
    for t in names:
        for k in c[t]:
            total[t][k] += c[t][k]
    print(f"| {cls} | {c['mal']} / {c['ben']} | " + " | ".join(cell(c[t]) for t in names) + " |")
print(f"| **all** | {total['mal']} / {total['ben']} | " + " | ".join(cell(total[t]) for t in names) + " |")
if details:
    print()
    print("| file | expected | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for key, exp, v in rows:
        print(f"| {key} | {exp} | " + " | ".join(v[t] for t in names) + " |")
EOF
fi

# The benign corpus: each file alone in its own folder, every tool run as
# in the adversarial part. These are honest checkpoints, so a flag is a
# false positive. What counts as a flag, per tool:
#   openness    an error-level safety finding: unsafe-pickle, keras-lambda,
#               keras-unsafe-object or archive-anomaly (the codes
#               tests/benign.rs forbids). Its pickle-suspicious-import is
#               a warning (a class outside the allow-list, not a call that
#               runs code) and is counted apart, as "warned".
#   picklescan  exit 1 or a "dangerous import" line. Its "Suspicious
#               globals" (exit 0) are informational, counted as "warned".
#   modelscan   any issue in its JSON report, whatever the severity.
#   fickling    --check-safety exit 1 with no Python traceback. An
#               uncaught exception also exits 1, so a traceback is an
#               error; so is exit 2, its parse error (whose message says
#               not to trust the file, but is no verdict on it).
# Errors (exit 2 and crashes, modelscan's "errors") and files a tool does
# not read at all (picklescan "Scanned files: 0" or "could not parse ...
# as pickle" at exit 0, modelscan nothing scanned, openness no format) are
# neither flags nor passes and are counted apart. COMPARE_DETAILS=1 adds the per-file table.
if wants benign; then
[ "$parts" = benign ] || echo
"$work/venv/bin/python" - "$benign_dir" "$work/benign" "$work/venv/bin" "$openness" "${COMPARE_DETAILS:-}" <<'EOF'
import json, os, re, shutil, subprocess, sys, tempfile
src, dest, venv, openness, details = sys.argv[1:6]

scratch = tempfile.mkdtemp()

def run(cmd):
    # In a scratch folder: fickling writes safety_results.json to its cwd.
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=scratch)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return -1, "timeout"

SAFETY = {"unsafe-pickle", "keras-lambda", "keras-unsafe-object", "archive-anomaly"}

def v_openness(d, f):
    p = subprocess.run([openness, "scan", "--format", "json", d], capture_output=True, text=True, timeout=120)
    try:
        report = json.loads(p.stdout)
        codes = {x["code"] for x in report["findings"]}
        files = report["files"]
    except Exception:
        return "error"
    if codes & SAFETY:
        return "flagged"
    if not files or all(x.get("format") is None for x in files):
        return "not read"
    return "warned" if "pickle-suspicious-import" in codes else "clean"

def v_picklescan(d, f):
    rc, out = run([f"{venv}/picklescan", "-p", d])
    if rc == 1 or "dangerous import" in out:
        return "flagged"
    if rc != 0 or "Unhandled exception" in out:
        return "error"
    # It skips what it cannot parse as a pickle (a compressed joblib file)
    # with a warning and exit 0.
    if re.search(r"^Scanned files: 0$", out, re.M) or "could not parse" in out:
        return "not read"
    return "warned" if re.search(r"^Suspicious globals: [1-9]", out, re.M) else "clean"

def v_modelscan(d, f):
    report = os.path.join(scratch, "modelscan.json")
    if os.path.exists(report):
        os.remove(report)
    run([f"{venv}/modelscan", "-p", d, "-r", "json", "-o", report])
    try:
        r = json.load(open(report))
    except Exception:
        return "error"
    if r.get("issues"):
        return "flagged"
    if r.get("errors"):
        return "error"
    if not r.get("summary", {}).get("scanned", {}).get("total_scanned"):
        return "not read"
    return "clean"

def v_fickling(d, f):
    rc, out = run([f"{venv}/fickling", "--check-safety", os.path.join(d, f)])
    if "Traceback (most recent call last)" in out:
        return "error"
    return {0: "clean", 1: "flagged"}.get(rc, "error")

tools = [("openness", v_openness), ("picklescan", v_picklescan), ("modelscan", v_modelscan), ("fickling", v_fickling)]
names = [t for t, _ in tools]
files = sorted(n for n in os.listdir(src) if n != "MANIFEST.json")
rows = []
for name in files:
    d = os.path.join(dest, name)
    os.makedirs(d)
    shutil.copy(os.path.join(src, name), d)
    rows.append((name, {t: fn(d, name) for t, fn in tools}))

kinds = ["flagged", "warned", "clean", "error", "not read"]
n = len(rows)
print(f"Real benign checkpoints ({n} files of fixtures/benign-pickles): false positives = files flagged.")
print()
print("| tool | false positives | warned | clean | error | not read |")
print("|---|---|---|---|---|---|")
for t in names:
    c = {k: sum(1 for _, v in rows if v[t] == k) for k in kinds}
    print(f"| {t} | {c['flagged']} / {n} | " + " | ".join(str(c[k]) for k in kinds[1:]) + " |")
print()
for t in names:
    for k in ("flagged", "error", "not read"):
        hit = [name for name, v in rows if v[t] == k]
        if hit:
            print(f"- {t} {k}: {', '.join(hit)}")
if details:
    print()
    print("| file | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for name, v in rows:
        print(f"| {name} | " + " | ".join(v[t] for t in names) + " |")
EOF
fi
