#!/usr/bin/env bash
# Builds the cargo-fuzz targets in fuzz/ and runs each for a while on a
# corpus seeded from fixtures/. Exits non-zero if any target crashes (panic,
# arithmetic overflow, OOM over 2 GiB, an input taking over 10 s); the
# crashing input is left in fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS per target defaults to 20; TARGETs default to all of them (see
# fuzz/README.md). Each target runs on one core; FUZZ_PARALLEL of them run
# at a time.
#
# Environment:
#   FUZZ_SANITIZER  none (default; works on stable Rust) or address (ASan;
#                   needs nightly flags, enabled here with RUSTC_BOOTSTRAP=1).
#   FUZZ_JOBS       cargo build jobs (default: cargo's choice).
#   FUZZ_PARALLEL   targets fuzzed at once (default 1). Set it to the number
#                   of idle cores: `FUZZ_PARALLEL=2 scripts/fuzz.sh 600` runs
#                   the 18 targets for 10 minutes each in about 90 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=20
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi
sanitizer=${FUZZ_SANITIZER:-none}
parallel=${FUZZ_PARALLEL:-1}
if ! [[ $parallel =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz.sh: FUZZ_PARALLEL must be a positive integer, not '$parallel'" >&2
    exit 2
fi

all_targets() {
    sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^openness-fuzz$'
}
if [[ $# -eq 0 ]]; then
    mapfile -t targets < <(all_targets)
else
    targets=("$@")
fi

# Inputs longer than this are not tried: zip-based formats need room for
# several entries, the rest are headers or small text files.
max_len() {
    case $1 in
    torch | sevenz | numpy | keras | dduf) echo $((1 << 20)) ;;
    licence) echo $((16 << 10)) ;; # the target caps its input there anyway
    *) echo $((64 << 10)) ;;
    esac
}

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

# -a: debug assertions and overflow checks, so arithmetic overflow panics.
build_flags=(-s "$sanitizer" -a)
if [[ $sanitizer != none ]]; then
    export RUSTC_BOOTSTRAP=1
fi
if [[ -n ${FUZZ_JOBS:-} ]]; then
    build_flags+=(--jobs "$FUZZ_JOBS")
fi

fuzz/seed.sh "${targets[@]}"

start=$(date +%s)
# One build for every target; `cargo fuzz run` below then finds it up to date.
(cd fuzz && cargo fuzz build "${build_flags[@]}")
echo "fuzz.sh: build took $(($(date +%s) - start)) s" >&2

mkdir -p fuzz/logs
# Runs one target; its exit status goes to fuzz/logs/<target>.status so the
# summary below can be built the same way whether targets ran in parallel
# or not.
fuzz_one() {
    local t=$1 log=fuzz/logs/$1.log status=0
    rm -f "fuzz/logs/$t.status"
    echo "fuzz.sh: $t for ${seconds} s" >&2
    (cd fuzz && cargo fuzz run "${build_flags[@]}" "$t" -- \
        -max_total_time="$seconds" -max_len="$(max_len "$t")" \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1) >"$log" 2>&1 || status=$?
    echo "$status" >"fuzz/logs/$t.status"
}

running=0
for t in "${targets[@]}"; do
    if [[ $running -ge $parallel ]]; then
        wait -n || true
        running=$((running - 1))
    fi
    fuzz_one "$t" &
    running=$((running + 1))
done
wait

failed=()
summary=()
for t in "${targets[@]}"; do
    log=fuzz/logs/$t.log
    status=$(cat "fuzz/logs/$t.status" 2>/dev/null || echo 1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    stats=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
    summary+=("$(printf '%-12s execs %-10s exec/s %-7s %s' "$t" "${execs:-?}" "${rate:-?}" "${stats:-}")")
    if [[ $status -ne 0 ]]; then
        failed+=("$t")
        echo "fuzz.sh: $t FAILED (exit $status); see $log and fuzz/artifacts/$t/" >&2
        grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" >&2 || tail -20 "$log" >&2
    fi
done

printf '%s\n' "${summary[@]}"
echo "fuzz.sh: total $(($(date +%s) - start)) s" >&2
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz.sh: crashes in: ${failed[*]}" >&2
    exit 1
fi
