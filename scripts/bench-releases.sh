#!/usr/bin/env bash
# Times `openness scan --format json` on every release folder under the
# given roots and prints a Markdown section for BENCHMARKS.md: per release,
# the median wall time of RUNS whole processes (min–max), the median CPU
# time (user + sys) and the peak RSS (the largest over the runs), then the
# slowest releases and every one over SPEC.md section 5's budget for a real
# repository (50 ms, 16 MiB).
#
#   scripts/bench-releases.sh ../extracts/dev ../extracts/eval > section.md
#
# Environment: RUNS (default 11), BIN (default target/release/openness,
# built with `cargo build --release --locked` when missing). Each release
# is scanned once untimed first (page cache warm; the releases' cached
# pages are never dropped, the binary's are, once, before the first). Each
# run goes through GNU time, whose %M is the peak RSS (the Python driver
# cannot read it itself: a child it spawns starts with the driver's own
# pages counted); wall time (microseconds, where GNU time's %e
# has 10 ms) and CPU time (user + sys) are taken by the driver around GNU
# time and from wait4(), so they include GNU time's own start, about a
# millisecond. Needs python3 and GNU time (installed from Debian if
# missing).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 ROOT [ROOT...]" >&2; exit 2; }
RUNS=${RUNS:-11}
BIN=${BIN:-$repo/target/release/openness}
if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (Debian package time)" >&2
    apt-get install -y -qq time >&2
fi
if [ ! -x "$BIN" ]; then
    (cd "$repo" && cargo build --release --locked >&2)
fi

exec python3 - "$BIN" "$RUNS" "$@" <<'PY'
import os, platform, statistics, subprocess, sys, tempfile, time

binary, runs, roots = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
BUDGET_S, BUDGET_MIB = 0.050, 16.0

rss_file = tempfile.NamedTemporaryFile(prefix="bench-releases.", suffix=".rss")

def run_once(release):
    argv = ["/usr/bin/time", "-f", "%x %M", "-o", rss_file.name,
            binary, "scan", "--format", "json", "--no-progress", release]
    with open(os.devnull, "wb") as null:
        t0 = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, os.environ,
                             file_actions=[(os.POSIX_SPAWN_DUP2, null.fileno(), 1),
                                           (os.POSIX_SPAWN_DUP2, null.fileno(), 2)])
        _, _, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - t0
    code, kib = open(rss_file.name).read().split()[-2:]
    # `scan` exits 0, or 1 when a finding is an error: both are a scan.
    if int(code) not in (0, 1):
        sys.exit(f"{release}: exit {code}")
    return wall, usage.ru_utime + usage.ru_stime, int(kib) / 1024.0

def files_in(release):
    n = 0
    for _, dirs, files in os.walk(release):
        dirs[:] = [d for d in dirs if d != ".git"]
        n += len(files)
    return n

# The executable's own cached pages are dropped first, so the first scan
# reads them back in as any cold start does. Its peak RSS counts the code
# pages it maps, and the kernel maps cached pages in runs as large as their
# page-cache folios, which depend on how the file was written: the same
# bytes measured up to 1 MiB apart as the linker's output and as a `cp` of
# it, and the same after this (BENCHMARKS.md).
fd = os.open(binary, os.O_RDONLY)
try:
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
finally:
    os.close(fd)

rows = []
load_before = os.getloadavg()
for root in roots:
    label = os.path.basename(os.path.normpath(root))
    for name in sorted(os.listdir(root)):
        release = os.path.join(root, name)
        if not os.path.isdir(release):
            continue
        run_once(release)  # warm-up, untimed
        samples = [run_once(release) for _ in range(runs)]
        walls = [s[0] for s in samples]
        rows.append({
            "set": label, "name": name, "files": files_in(release),
            "median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "cpu": statistics.median(s[1] for s in samples),
            "rss": max(s[2] for s in samples),
        })
        print(f"{label}/{name}: {rows[-1]['median'] * 1000:.1f} ms", file=sys.stderr)
load_after = os.getloadavg()

def ms(s):
    return f"{s * 1000:.1f}"

version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
cpu = "unknown CPU"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
print(f"Machine: {cpu}, {os.cpu_count()} cores, Linux {platform.release()}; {version}.")
print(f"Command: `scripts/bench-releases.sh {' '.join(roots)}` (RUNS={runs} whole processes "
      "per release after one untimed warm-up run; the binary's cached pages dropped once "
      "before the first release, the releases' never).")
print(f"Load average before: {' '.join(f'{x:.2f}' for x in load_before)}; after: "
      f"{' '.join(f'{x:.2f}' for x in load_after)} (above 0 on a shared machine, "
      "wall times overstate the scan's own cost; CPU time is less sensitive).")
print()
print("| set | release | files | median ms (min–max) | CPU ms (user+sys, median) | peak RSS MiB |")
print("|---|---|---|---|---|---|")
for r in rows:
    over = " **over**" if r["median"] >= BUDGET_S or r["rss"] >= BUDGET_MIB else ""
    print(f"| {r['set']} | {r['name']}{over} | {r['files']:,} | {ms(r['median'])} "
          f"({ms(r['min'])}–{ms(r['max'])}) | {ms(r['cpu'])} | {r['rss']:.1f} |")
print()
slowest = sorted(rows, key=lambda r: -r["median"])[:5]
print("Slowest: " + "; ".join(
    f"{r['set']}/{r['name']} {ms(r['median'])} ms ({r['files']:,} files, {r['rss']:.1f} MiB)"
    for r in slowest) + ".")
over_t = [r for r in rows if r["median"] >= BUDGET_S]
over_m = [r for r in rows if r["rss"] >= BUDGET_MIB]
over_c = [r for r in rows if r["cpu"] >= BUDGET_S]

def named(over):
    # Every name when there are few (a loaded machine puts most over).
    return f" ({', '.join(r['name'] for r in over)})" if 0 < len(over) <= 10 else ""

print(f"Releases: {len(rows)}; median wall time over 50 ms: {len(over_t)}{named(over_t)}; "
      f"CPU time over 50 ms: {len(over_c)}{named(over_c)}; "
      f"peak RSS over 16 MiB: {len(over_m)}{named(over_m)}.")
PY
