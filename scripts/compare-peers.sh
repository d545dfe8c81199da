#!/usr/bin/env bash
# Runs picklescan, modelscan and openness on every file of
# fixtures/interop-pickle and prints a Markdown table of their verdicts next
# to the expected one (expected.json), so disagreements are visible.
#
# Why: a pickle scanner is only as good as its misses, and the peers are
# the reference users will compare against. Nothing here loads a pickle:
# every tool reads the files statically.
#
# Usage: scripts/compare-peers.sh [FIXTURE_DIR]
# Needs python3 (with venv) and cargo; pip reaches PyPI for the peers.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/fixtures/interop-pickle}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet picklescan modelscan >&2
picklescan_version=$("$work/venv/bin/pip" show picklescan | sed -n 's/^Version: //p')
modelscan_version=$("$work/venv/bin/pip" show modelscan | sed -n 's/^Version: //p')

(cd "$root" && cargo build --release --quiet >&2)
openness=$root/target/release/openness
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

echo "picklescan $picklescan_version, modelscan $modelscan_version, openness $(git -C "$root" rev-parse --short HEAD)"
echo
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
