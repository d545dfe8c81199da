#!/usr/bin/env bash
# What a README licence section costs a scan (issue 12, item 7): whole-process
# median wall time and peak RSS of `openness scan --format json`, release
# build, for
#   - a small release whose README has no licence section (the baseline);
#   - the same release with `## License` holding the Hugging Face card
#     template's placeholder, `[More Information Needed]`;
#   - the same release with a short licence section the phrase rules do not
#     place (a sentence);
#   - the same release with a long licence section the phrase rules do not
#     place (about 300 words of our own), which reaches the whole-text matcher;
#   - the same release with a LICENSE file holding a licence text the phrase
#     rules do not know but the whole-text matcher does (the Debian copy of
#     the Artistic licence, /usr/share/common-licenses/Artistic, read at run
#     time, never copied into the repository), when present;
#   - every release extracted under RW_DIR (default /work/rw), if any.
# Budgets: with a licence section at most 2x the baseline; every RW_DIR
# release under 50 ms and 16 MiB.
#
# Runs alternate between inputs (A B C A B C ...) so load drifts on a shared
# machine hit every row alike; the machine's load is printed with the table.
#
# Usage: scripts/bench/licence_cost.sh > licence-cost.md
# Knobs (environment): RUNS (default 11), RW_DIR (/work/rw), OPENNESS (a
# prebuilt binary; default target/release/openness, built if missing).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-11}
RW_DIR=${RW_DIR:-/work/rw}
bin=${OPENNESS:-$root/target/release/openness}

log() { printf '== %s\n' "$*" >&2; }

[ -x /usr/bin/time ] || { echo "licence_cost: GNU time (/usr/bin/time) is required" >&2; exit 1; }
if [ ! -x "$bin" ]; then
    log "building $bin"
    (cd "$root" && cargo build --release --bin openness >&2)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/licence-cost.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# A small release: config, a safetensors header, a card without a licence
# section. Everything below is our own wording.
base=$tmp/base
mkdir -p "$base"
cp "$root/fixtures/fully-open/config.json" "$root/fixtures/fully-open/model.safetensors" "$base/"
cat > "$base/README.md" <<'EOF'
---
library_name: transformers
---
# Tiny model

A small model used to time the cost of a licence section.

## Usage

Load it with the library named above.
EOF

variant() { # name, text appended to the README
    mkdir -p "$tmp/$1"
    cp "$base"/config.json "$base"/model.safetensors "$tmp/$1/"
    { cat "$base/README.md"; printf '%s\n' "$2"; } > "$tmp/$1/README.md"
}
variant placeholder $'\n## License\n\n[More Information Needed]'
variant short $'\n## License\n\nThe authors keep every right; ask them before use.'
long_text=$'\n## License\n'
for i in $(seq 1 12); do
    long_text+=$'\n'"Paragraph $i. The people who trained this model allow you to run it, to study how it behaves and to share the outputs it produces with others, on the condition that any copy you pass on keeps this notice and names the place where the original can be found by anyone who wants it."
done
variant long "$long_text"
inputs=(base placeholder short long)
if [ -r /usr/share/common-licenses/Artistic ]; then
    variant artistic ""
    cp /usr/share/common-licenses/Artistic "$tmp/artistic/LICENSE"
    inputs+=(artistic)
fi

# One timed run: prints "wall-seconds peak-kib cpu-seconds". Wall time from
# bash's EPOCHREALTIME (microseconds); peak RSS and CPU (user + system,
# steadier than wall time when other work shares the cores, but in 10 ms
# steps) from GNU time.
run() {
    local t0 t1
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%M %U %S' -o "$tmp/time.out" "$bin" scan --format json "$1" >/dev/null 2>&1 || true
    t1=$EPOCHREALTIME
    awk -v w="$(echo "$t1 - $t0" | bc -l)" '{printf "%.6f %s %.3f\n", w, $1, $2 + $3}' "$tmp/time.out"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

measure() { # label, dir...: alternating runs, then one row per label
    local -a labels=() dirs=()
    while [ $# -gt 0 ]; do labels+=("$1"); dirs+=("$2"); shift 2; done
    for i in "${!dirs[@]}"; do run "${dirs[$i]}" >/dev/null; done   # warm-up
    for _ in $(seq 1 "$RUNS"); do
        for i in "${!dirs[@]}"; do
            run "${dirs[$i]}" >> "$tmp/r.$i"
        done
    done
    for i in "${!labels[@]}"; do
        local t m mx c
        t=$(cut -d' ' -f1 "$tmp/r.$i" | median)
        c=$(cut -d' ' -f3 "$tmp/r.$i" | median)
        m=$(cut -d' ' -f2 "$tmp/r.$i" | median)
        mx=$(cut -d' ' -f2 "$tmp/r.$i" | sort -n | tail -1)
        printf '| %s | %.0f ms | %.0f ms | %.1f MiB | %.1f MiB |\n' "${labels[$i]}" \
            "$(echo "$t * 1000" | bc -l)" "$(echo "$c * 1000" | bc -l)" \
            "$(echo "$m / 1024" | bc -l)" "$(echo "$mx / 1024" | bc -l)"
        rm -f "$tmp/r.$i"
    done
}

echo "Machine: $(nproc) cores, $(uptime | sed 's/.*load average/load average/') at start; binary $bin; $RUNS runs each, alternating."
echo
echo "| release | median wall | median CPU (user+sys) | median peak RSS | max peak RSS |"
echo "|---|---|---|---|---|"
args=()
for name in "${inputs[@]}"; do args+=("synthetic: $name" "$tmp/$name"); done
log "synthetic releases: ${inputs[*]}"
measure "${args[@]}"
if [ -d "$RW_DIR" ]; then
    args=()
    for d in "$RW_DIR"/*/; do args+=("$(basename "$d")" "$d"); done
    log "releases under $RW_DIR: $(( ${#args[@]} / 2 ))"
    measure "${args[@]}"
fi
echo
echo "Load at end: $(uptime | sed 's/.*load average/load average/')."
