#!/usr/bin/env bash
# Peer benchmark of openness: times whole processes of `openness scan`
# against the tools and libraries a user would otherwise reach for, on
# real-size inputs, and prints one Markdown table (median wall time, ratio
# to openness, peak RSS) with the machine it ran on.
#
# Why: SPEC.md section 5 sets budgets (header-only scans whatever the weight
# bytes; 20x faster than the Python reference inspection; hashing at
# openssl's SHA-256 speed per core, scaling across cores, under 64 MiB).
# They are checked here, by measurement, not by timed tests.
#
# What it builds, in a temporary directory it deletes on exit (~4.3 GB of
# real disk, the rest sparse):
#   - a Llama-3-8B-shaped release, 8 safetensors shards (16 GB, data regions
#     are holes), index, config.json, a model card with licence and datasets;
#   - a 64-shard ~1 TB sparse Llama-style release and its 1 MB twin (same
#     tensor names and shard split, tiny dimensions);
#   - a Llama-3-8B Q4_K_M-shaped GGUF written with gguf-py's GGUFWriter: a
#     real-size header (128,256 tokens, scores, types, 280,147 merges, 291
#     tensor infos with the real shapes), a sparse data region;
#   - the torch zip checkpoints of fixtures/interop-pickle;
#   - a dense random file and a 4-shard dense release for hashing;
#   - real layouts reproduced with our own files (make_inputs.py): a
#     code-heavy training repository (2,000 files, 1,800 results JSON), a
#     release whose README has a licence section, and Hugging Face caches of
#     300 and 3,000 releases for --discover.
# The peers go into a throwaway virtualenv from PyPI: safetensors,
# huggingface_hub, numpy, gguf, picklescan, modelscan, model-signing,
# pyopenssl. GNU time comes from Debian (`apt-get install -y time`).
#
# Before timing, every tool runs once on its input and the outputs are
# checked to agree (same tensor/parameter counts, licence, datasets; same
# digests). That pass, plus one untimed warm-up run for the fast rows, warms
# the page cache, so runs measure CPU work, not the disk (caches are never
# dropped: the machine may be shared).
#
# Usage: scripts/bench-peers.sh > bench.md      (progress goes to stderr)
# Knobs (environment): RUNS (default 5) runs per fast comparison,
# SLOW_RUNS (3) for hashing and gguf-dump, HASH_MB (2048) size of the
# single hashed file, SHARD_MB (512) and SHARDS (4) for the multi-file
# release, BENCH_TMPDIR (/tmp) where the inputs go, RW_DIR (/work/rw) the
# extracted real-world set (../shared/realworld; its rows are skipped when
# absent), SECTIONS ("peers hash real") which groups of rows to run:
# `peers` the Python peers (needs PyPI), `hash` the hashing rows, `real`
# the real layouts (beside the Python reference). Hashing rows against
# openssl and sha256sum run as alternating pairs (A B A B ...), so a machine
# whose load drifts cannot favour one side.
set -euo pipefail

command_line="$0${*:+ $*}"
for v in RUNS SLOW_RUNS HASH_MB SHARD_MB SHARDS BENCH_TMPDIR SECTIONS RW_DIR; do
    if [ -n "${!v:-}" ]; then command_line="$v=$(printf %q "${!v}") $command_line"; fi
done
root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/scripts/bench
RUNS=${RUNS:-5}
SLOW_RUNS=${SLOW_RUNS:-3}
HASH_MB=${HASH_MB:-2048}
SHARD_MB=${SHARD_MB:-512}
SHARDS=${SHARDS:-4}
SECTIONS=${SECTIONS:-peers hash real}
want() { case " $SECTIONS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

log() { printf '== %s\n' "$*" >&2; }

for tool in python3 cargo openssl sha256sum; do
    command -v "$tool" >/dev/null || { echo "bench-peers: $tool is required" >&2; exit 1; }
done
if [ ! -x /usr/bin/time ]; then
    log "installing GNU time (Debian package time)"
    apt-get install -y time >&2
fi

work=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/openness-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
results=$work/results.jsonl

log "building openness (release)"
(cd "$root" && cargo build --release --quiet >&2)
openness=$root/target/release/openness

versions="none (SECTIONS=$SECTIONS)"
venv=""
pickles_skipped=""
if want peers; then
log "installing the peers into a throwaway venv"
python3 -m venv "$work/venv"
venv=$work/venv/bin
"$venv/pip" install --quiet --disable-pip-version-check \
    safetensors huggingface_hub numpy gguf picklescan modelscan model-signing pyopenssl >&2
versions=$("$venv/pip" list --format=freeze 2>/dev/null |
    grep -iE '^(safetensors|huggingface.hub|numpy|gguf|picklescan|modelscan|model.signing)==' |
    tr '\n' ' ')
fi
if want real && ! want peers; then
# The real layouts' rows run beside the Python reference (safetensors +
# huggingface_hub), which needs only those two and numpy.
log "installing the Python reference into a throwaway venv"
python3 -m venv "$work/venv"
venv=$work/venv/bin
"$venv/pip" install --quiet --disable-pip-version-check safetensors huggingface_hub numpy >&2
versions=$("$venv/pip" list --format=freeze 2>/dev/null |
    grep -iE '^(safetensors|huggingface.hub|numpy)==' | tr '\n' ' ')
fi

# ---------------------------------------------------------------- inputs
log "building inputs in $work"
if want peers; then
python3 "$bench/make_inputs.py" safetensors "$work/st-16g" --preset llama3-8b --shards 8
python3 "$bench/make_inputs.py" safetensors "$work/st-1t" --preset llama-1t --shards 64
python3 "$bench/make_inputs.py" safetensors "$work/st-1m" --preset tiny-1t --shards 64
mkdir -p "$work/gguf"
gguf_file=$work/gguf/bench-llama3-8b-q4_k_m.gguf
"$venv/python" "$bench/make_inputs.py" gguf "$gguf_file"

# The torch zip checkpoints. Peers that crash on a file abort the whole
# directory scan, so the timed set keeps only the files that picklescan and
# modelscan each finish (exit 0 clean or 1 found); the others are listed.
mkdir -p "$work/pickles"
pickles_skipped=""
for f in "$root"/fixtures/interop-pickle/*; do
    [ "$(head -c 2 "$f" | tr -d '\0')" = PK ] || continue
    ps=0; "$venv/picklescan" -p "$f" >/dev/null 2>&1 || ps=$?
    ms=0; "$venv/modelscan" -p "$f" >/dev/null 2>&1 || ms=$?
    if [ "$ps" -le 1 ] && [ "$ms" -le 1 ]; then
        cp "$f" "$work/pickles/"
    else
        pickles_skipped="$pickles_skipped $(basename "$f") (picklescan $ps, modelscan $ms)"
    fi
done
pickle_count=$(ls "$work/pickles" | wc -l)
fi
if want real; then
python3 "$bench/make_inputs.py" code-heavy "$work/code-heavy"
python3 "$bench/make_inputs.py" licence-readme "$work/licence-readme"
python3 "$bench/make_inputs.py" licence-readme "$work/licence-placeholder" --section placeholder
python3 "$bench/make_inputs.py" licence-readme "$work/licence-none" --section none
python3 "$bench/make_inputs.py" hf-cache "$work/hf-300" --releases 300
python3 "$bench/make_inputs.py" hf-cache "$work/hf-3000" --releases 3000
# The same repository without its README and LICENSE: what the licence
# matcher costs is the difference.
cp -r "$work/code-heavy" "$work/code-heavy-nolicence"
rm "$work/code-heavy-nolicence/README.md" "$work/code-heavy-nolicence/LICENSE"
fi

if want hash || want peers; then
mkdir -p "$work/hash1" "$work/hashN"
head -c "${HASH_MB}M" /dev/urandom > "$work/hash1/random.bin"
for i in $(seq 1 "$SHARDS"); do
    head -c "${SHARD_MB}M" /dev/urandom > "$work/hashN/$(printf 'model-%05d-of-%05d.bin' "$i" "$SHARDS")"
done
hash1_bytes=$((HASH_MB * 1024 * 1024))
hashN_bytes=$((SHARDS * SHARD_MB * 1024 * 1024))
log "warming the page cache"
cat "$work"/hash1/* "$work"/hashN/* > /dev/null
fi

# ---------------------------------------------------------------- agreement
if want peers; then
log "checking that openness and the peers report the same figures"
"$openness" scan "$work/st-16g" --format json > "$work/st-16g.openness.json"
"$venv/python" "$bench/reference_inspect.py" "$work/st-16g" > "$work/st-16g.reference.json"
python3 "$bench/check_agree.py" safetensors "$work/st-16g.openness.json" "$work/st-16g.reference.json" >&2
"$openness" scan "$gguf_file" --format json > "$work/gguf.openness.json"
"$venv/gguf-dump" --json "$gguf_file" > "$work/gguf.dump.json" 2>/dev/null
python3 "$bench/check_agree.py" gguf "$work/gguf.openness.json" "$work/gguf.dump.json" >&2
fi
if want hash || want peers; then
for d in hash1 hashN; do
    "$openness" scan "$work/$d" --hash --no-progress --format json \
        --manifest-out "$work/$d.openness.sha256" > /dev/null
    (cd "$work/$d" && sha256sum -- *) > "$work/$d.sha256sum"
    (cd "$work/$d" && openssl dgst -sha256 -r -- *) > "$work/$d.openssl"
    if want peers; then
        "$venv/python" "$bench/model_signing_hash.py" "$work/$d" > "$work/$d.model_signing"
    else
        cp "$work/$d.sha256sum" "$work/$d.model_signing"  # not run: no venv
    fi
    python3 "$bench/check_agree.py" digests "$work/$d.openness.sha256" "$work/$d.sha256sum" \
        "$work/$d.openssl" "$work/$d.model_signing" >&2
done
fi

# ---------------------------------------------------------------- timings
load_before=$(cut -d ' ' -f 1-3 /proc/loadavg)
m() { python3 "$bench/measure.py" run --out "$results" "$@"; }
pair() { python3 "$bench/measure.py" pair --out "$results" "$@"; }

if want real; then
log "timing: real layouts"
c="code-heavy repository: 2,000 files, 1,800 results JSON"
m --comparison "$c" --tool "openness scan --format json" --runs "$RUNS" -- \
    "$openness" scan "$work/code-heavy" --format json
m --comparison "$c" --tool "openness scan, without README/LICENSE (no licence matching)" --runs "$RUNS" -- \
    "$openness" scan "$work/code-heavy-nolicence" --format json
# The licence section's cost (issue 12: at most 2x the same release without
# it), as alternating pairs against the baseline, beside the Python
# reference (safetensors + huggingface_hub) on the same release.
c="release whose README has a licence section"
pair --comparison "$c" --runs "$RUNS" \
    --tool-a "openness, README without a licence section (baseline)" \
    --cmd-a "$openness scan $work/licence-none --format json" \
    --tool-b "openness, README with a licence statement" \
    --cmd-b "$openness scan $work/licence-readme --format json"
m --comparison "$c" --tool "openness, README section [More Information Needed]" --runs "$RUNS" -- \
    "$openness" scan "$work/licence-placeholder" --format json
if [ -n "${venv:-}" ]; then
    m --comparison "$c" --tool "Python reference (safetensors + huggingface_hub)" --runs "$RUNS" -- \
        "$venv/python" "$bench/reference_inspect.py" "$work/licence-readme"
fi
# Every extracted real-world repository (../shared/realworld, RW_DIR),
# each beside the Python reference; budget 50 ms and 16 MiB per scan.
RW_DIR=${RW_DIR:-/work/rw}
if [ -d "$RW_DIR" ]; then
    for repo in "$RW_DIR"/*/; do
        name=$(basename "$repo")
        c="real-world: $name"
        m --comparison "$c" --tool "openness scan --format json" --runs "$RUNS" -- \
            "$openness" scan "$repo" --format json
        if [ -n "${venv:-}" ]; then
            m --comparison "$c" --tool "Python reference" --runs "$RUNS" -- \
                "$venv/python" "$bench/reference_inspect.py" "$repo"
        fi
    done
fi
c="HF cache, scan --discover --format ndjson"
m --comparison "$c" --tool "openness, 3,000 releases" --runs "$RUNS" -- \
    "$openness" scan --discover "$work/hf-3000" --format ndjson
m --comparison "$c" --tool "openness, 300 releases" --runs "$RUNS" -- \
    "$openness" scan --discover "$work/hf-300" --format ndjson
m --comparison "$c" --tool "openness, 3,000 releases, --stable-order" --runs "$RUNS" -- \
    "$openness" scan --discover --stable-order "$work/hf-3000" --format ndjson
m --comparison "$c" --tool "openness, 3,000 releases, summary table" --runs "$RUNS" -- \
    "$openness" scan --discover "$work/hf-3000"
fi

if want hash || want peers; then
hashN_files=("$work"/hashN/*)
fi

if want peers; then
log "timing: safetensors inspection (16 GB, 8 shards)"
c="inspect safetensors, 8 × 2 GB (sparse)"
m --comparison "$c" --tool "openness scan --format json" --runs "$RUNS" -- \
    "$openness" scan "$work/st-16g" --format json
m --comparison "$c" --tool "Python: safe_open + ModelCard.load" --runs "$RUNS" -- \
    "$venv/python" "$bench/reference_inspect.py" "$work/st-16g"

log "timing: header-only proof (1 TB vs 1 MB, 64 shards each)"
c="scan 64 shards: 1 MB vs 1 TB (sparse)"
m --comparison "$c" --tool "openness scan, 1 MB model" --runs "$RUNS" -- \
    "$openness" scan "$work/st-1m" --format json
m --comparison "$c" --tool "openness scan, 1 TB model" --runs "$RUNS" -- \
    "$openness" scan "$work/st-1t" --format json

log "timing: GGUF (slow: gguf-dump reads the whole vocabulary)"
c="inspect GGUF, Llama-3-8B Q4_K_M header"
m --comparison "$c" --tool "openness scan --format json" --runs "$RUNS" -- \
    "$openness" scan "$gguf_file" --format json
m --comparison "$c" --tool "gguf-dump (default text)" --runs "$SLOW_RUNS" --warmup 0 -- \
    "$venv/gguf-dump" "$gguf_file"
m --comparison "$c" --tool "gguf-dump --json" --runs "$SLOW_RUNS" --warmup 0 -- \
    "$venv/gguf-dump" --json "$gguf_file"

log "timing: pickle scanners"
c="scan $pickle_count torch zip checkpoints"
m --comparison "$c" --tool "openness scan --format json" --runs "$RUNS" -- \
    "$openness" scan "$work/pickles" --format json
m --comparison "$c" --tool "picklescan -p DIR" --runs "$RUNS" --ok-rc 0,1 -- \
    "$venv/picklescan" -p "$work/pickles"
m --comparison "$c" --tool "modelscan -p DIR" --runs "$RUNS" --ok-rc 0,1 -- \
    "$venv/modelscan" -p "$work/pickles"

fi

if want hash; then
log "timing: hashing one ${HASH_MB} MiB file (alternating pairs)"
oh1="$openness scan $work/hash1 --hash --no-progress --format json"
c="SHA-256 of 1 file, $HASH_MB MiB, vs openssl (A B A B)"
pair --comparison "$c" --runs "$SLOW_RUNS" --warmup 0 --bytes "$hash1_bytes" \
    --tool-a "openness scan --hash" --cmd-a "$oh1" \
    --tool-b "openssl dgst -sha256" --cmd-b "openssl dgst -sha256 $work/hash1/random.bin"
c="SHA-256 of 1 file, $HASH_MB MiB, vs sha256sum (A B A B)"
pair --comparison "$c" --runs "$SLOW_RUNS" --warmup 0 --bytes "$hash1_bytes" \
    --tool-a "openness scan --hash" --cmd-a "$oh1" \
    --tool-b "sha256sum" --cmd-b "sha256sum $work/hash1/random.bin"

log "timing: hashing $SHARDS × $SHARD_MB MiB (alternating pairs)"
c="SHA-256 of $SHARDS files × $SHARD_MB MiB, 2 workers each (A B A B)"
pair --comparison "$c" --runs "$SLOW_RUNS" --warmup 0 --bytes "$hashN_bytes" \
    --tool-a "openness scan --hash -j 2" --cmd-a "$openness scan $work/hashN --hash -j 2 --no-progress --format json" \
    --tool-b "openssl dgst -sha256 (xargs -P 2)" \
    --cmd-b "bash -c 'printf \"%s\\0\" \"\$@\" | xargs -0 -P 2 -n 1 openssl dgst -sha256' _ ${hashN_files[*]}"
c="SHA-256 of $SHARDS files × $SHARD_MB MiB, 1 worker each (A B A B)"
pair --comparison "$c" --runs "$SLOW_RUNS" --warmup 0 --bytes "$hashN_bytes" \
    --tool-a "openness scan --hash -j 1" --cmd-a "$openness scan $work/hashN --hash -j 1 --no-progress --format json" \
    --tool-b "openssl dgst -sha256 (all files, 1 process)" --cmd-b "openssl dgst -sha256 ${hashN_files[*]}"
fi

if want peers; then

log "timing: hashing $SHARDS × $SHARD_MB MiB, other tools"
c="SHA-256 of $SHARDS files × $SHARD_MB MiB"
m --comparison "$c" --tool "openness scan --hash -j 2" --runs "$SLOW_RUNS" --warmup 0 --bytes "$hashN_bytes" -- \
    "$openness" scan "$work/hashN" --hash -j 2 --no-progress --format json
m --comparison "$c" --tool "sha256sum (all files)" --runs "$SLOW_RUNS" --warmup 0 --bytes "$hashN_bytes" -- \
    sha256sum "${hashN_files[@]}"
m --comparison "$c" --tool "model_signing hashing.Config().hash" --runs "$SLOW_RUNS" --warmup 0 --bytes "$hashN_bytes" -- \
    "$venv/python" "$bench/model_signing_hash.py" "$work/hashN"
fi

# ---------------------------------------------------------------- report
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
cores=$(nproc)
if grep -qw sha_ni /proc/cpuinfo; then sha_ni=yes; else sha_ni=no; fi
load=$(cut -d ' ' -f 1-3 /proc/loadavg)

echo "## openness peer benchmark"
echo
python3 "$bench/measure.py" table "$results"
echo
echo "Machine: $cpu, $cores cores, SHA-NI: $sha_ni, $(uname -sr), load average at the end $load."
echo "openness $("$openness" --version | awk '{print $2}'); OpenSSL $(openssl version | awk '{print $2}');" \
     "$(sha256sum --version | head -n 1); $(python3 --version); peers: $versions"
echo "Command: \`$command_line\` ($RUNS runs per scan after one untimed warm-up run; $SLOW_RUNS for hashing and gguf-dump, warmed by the agreement pass that ran each of them on the same files; page cache warm, never dropped)."
echo "Medians of whole processes; ratio = median / the comparison's first (openness) row; peak RSS = max over runs of GNU time's %M; CPU s = median user+sys (GNU time); MB = 10^6 bytes."
echo "Load average before timing: $load_before (on $(nproc) cores, other work shares the machine: when it exceeds 0, wall times and parallel scaling are understated; CPU s is less sensitive)."
if [ -n "$pickles_skipped" ]; then
    echo "Pickle files left out because a peer could not finish them:$pickles_skipped."
fi
echo
echo "Agreement checked before timing:"
if want peers; then
python3 "$bench/check_agree.py" safetensors "$work/st-16g.openness.json" "$work/st-16g.reference.json" | sed 's/^/- safetensors: /'
python3 "$bench/check_agree.py" gguf "$work/gguf.openness.json" "$work/gguf.dump.json" | sed 's/^/- GGUF: /'
fi
if want hash || want peers; then
for d in hash1 hashN; do
    python3 "$bench/check_agree.py" digests "$work/$d.openness.sha256" "$work/$d.sha256sum" \
        "$work/$d.openssl" "$work/$d.model_signing" |
        if want peers; then sed "s/^/- $d (openness, sha256sum, openssl, model_signing): /"
        else sed "s/^/- $d (openness, sha256sum, openssl; model_signing not run): /"; fi
done
fi
