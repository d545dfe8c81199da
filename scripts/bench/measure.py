#!/usr/bin/env python3
"""Time whole processes and record their peak memory; print the table.

Why not `/usr/bin/time -f '%e %M'`: its wall clock has 10 ms resolution,
and an openness scan takes about that long, so ratios against it would be
noise. Here each run is spawned directly and reaped with os.wait4: the wall
time is perf_counter around spawn..reap (sub-millisecond). The peak RSS
and the CPU time (user+sys, 10 ms resolution) come from
`/usr/bin/time -f '%M %U %S'` wrapped around the command (GNU time forks
a small process, so its %M is the command's own peak): rusage read here
directly would include this Python process's memory, which posix_spawn's
shared-memory child hands on to the exec'd command. Standard library only.

  measure.py run --out FILE --comparison C --tool T --runs N [--warmup K]
                 [--ok-rc 0,1] [--bytes B] -- CMD ARG...
      Runs CMD K times untimed (page cache warm, imports compiled), then N
      times timed; stdout and stderr go to /dev/null (a failing run's stderr
      is shown). Appends one JSON line to FILE.

  measure.py pair --out FILE --comparison C --runs N [--warmup K] [--bytes B]
                  --tool-a T --cmd-a 'CMD ARG...' --tool-b T --cmd-b 'CMD ARG...'
      Runs A and B alternately (A B A B ...), K untimed rounds then N timed
      ones, so a machine whose load drifts during the runs cannot favour one
      side; appends one JSON line per tool (A first, the baseline).

  measure.py table FILE
      Prints the Markdown table. Within a comparison the first row is the
      baseline (openness): "ratio" is each row's median over the baseline's.
"""
import argparse
import json
import os
import shlex
import statistics
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"


def run_once(cmd, ok_rc):
    with tempfile.TemporaryFile() as err, open(os.devnull, "wb") as null, \
            tempfile.NamedTemporaryFile("r") as rss:
        cmd = [GNU_TIME, "-f", "%M %U %S", "-o", rss.name] + cmd
        t0 = time.perf_counter()
        pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, null.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
        ])
        _, status = os.waitpid(pid, 0)
        wall = time.perf_counter() - t0
        rc = os.waitstatus_to_exitcode(status)
        if rc not in ok_rc:
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace")[-4000:])
            sys.exit(f"measure.py: {' '.join(cmd)} exited {rc} (expected {sorted(ok_rc)})")
        # The last line: GNU time prefixes "Command exited with non-zero
        # status N" when the command fails.
        peak, user, sys_ = rss.read().splitlines()[-1].split()
    return wall, int(peak), float(user) + float(sys_)  # s, KiB, CPU s


def cmd_run(a):
    ok = {int(x) for x in a.ok_rc.split(",")}
    for _ in range(a.warmup):
        run_once(a.cmd, ok)
    walls, rss, cpus = [], [], []
    for _ in range(a.runs):
        w, r, c = run_once(a.cmd, ok)
        walls.append(w)
        rss.append(r)
        cpus.append(c)
    rec = {
        "comparison": a.comparison, "tool": a.tool, "runs": a.runs,
        "walls": walls, "median": statistics.median(walls),
        "rss_kib": rss, "peak_rss_kib": max(rss), "bytes": a.bytes,
        "cpus": cpus, "cpu_median": statistics.median(cpus),
    }
    with open(a.out, "a") as f:
        f.write(json.dumps(rec) + "\n")
    print(f"  {a.comparison} | {a.tool}: median {rec['median']:.3f} s "
          f"({min(walls):.3f}-{max(walls):.3f}), peak RSS {max(rss) / 1024:.1f} MiB, CPU {rec['cpu_median']:.3f} s", file=sys.stderr)


def record(out, comparison, tool, walls, rss, cpus, nbytes, order=None):
    rec = {
        "comparison": comparison, "tool": tool, "runs": len(walls),
        "walls": walls, "median": statistics.median(walls),
        "rss_kib": rss, "peak_rss_kib": max(rss), "bytes": nbytes,
        "cpus": cpus, "cpu_median": statistics.median(cpus),
    }
    if order:
        rec["order"] = order
    with open(out, "a") as f:
        f.write(json.dumps(rec) + "\n")
    print(f"  {comparison} | {tool}: median {rec['median']:.3f} s "
          f"({min(walls):.3f}-{max(walls):.3f}), peak RSS {max(rss) / 1024:.1f} MiB, "
          f"CPU {rec['cpu_median']:.3f} s", file=sys.stderr)


def cmd_pair(a):
    cmds = [shlex.split(a.cmd_a), shlex.split(a.cmd_b)]
    for _ in range(a.warmup):
        for c in cmds:
            run_once(c, {0})
    runs = [([], [], []), ([], [], [])]
    for _ in range(a.runs):
        for c, (walls, rss, cpus) in zip(cmds, runs):
            w, r, u = run_once(c, {0})
            walls.append(w)
            rss.append(r)
            cpus.append(u)
    for tool, (walls, rss, cpus) in zip([a.tool_a, a.tool_b], runs):
        record(a.out, a.comparison, tool, walls, rss, cpus, a.bytes, order="alternating A B")


def fmt_s(x):
    return f"{x:.3f}" if x < 10 else f"{x:.2f}"


def cmd_table(a):
    recs = [json.loads(l) for l in open(a.file) if l.strip()]
    base = {}
    print("| comparison | tool | runs | median s (min–max) | ratio vs openness | peak RSS MiB "
          "| CPU s (user+sys) | throughput (wall) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in recs:
        b = base.setdefault(r["comparison"], r["median"])
        ratio = r["median"] / b if b > 0 else float("nan")
        tp = f"{r['bytes'] / r['median'] / 1e6:,.0f} MB/s" if r.get("bytes") else ""
        runs = f"{r['runs']} alt." if r.get("order") else r["runs"]
        print(f"| {r['comparison']} | {r['tool']} | {runs} | "
              f"{fmt_s(r['median'])} ({fmt_s(min(r['walls']))}–{fmt_s(max(r['walls']))}) | "
              f"{ratio:.2f}× | {r['peak_rss_kib'] / 1024:.1f} | {fmt_s(r['cpu_median']) if r['cpu_median'] >= 0.01 else '<0.01'} | {tp} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="sub", required=True)
    r = sub.add_parser("run")
    r.add_argument("--out", required=True)
    r.add_argument("--comparison", required=True)
    r.add_argument("--tool", required=True)
    r.add_argument("--runs", type=int, default=5)
    r.add_argument("--warmup", type=int, default=1)
    r.add_argument("--ok-rc", default="0")
    r.add_argument("--bytes", type=int, default=0, help="bytes processed, for a MB/s column")
    r.add_argument("cmd", nargs=argparse.REMAINDER)
    p = sub.add_parser("pair")
    p.add_argument("--out", required=True)
    p.add_argument("--comparison", required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--bytes", type=int, default=0)
    p.add_argument("--tool-a", required=True)
    p.add_argument("--cmd-a", required=True)
    p.add_argument("--tool-b", required=True)
    p.add_argument("--cmd-b", required=True)
    t = sub.add_parser("table")
    t.add_argument("file")
    a = ap.parse_args()
    if a.sub == "run":
        if a.cmd and a.cmd[0] == "--":
            a.cmd = a.cmd[1:]
        if not a.cmd:
            ap.error("run needs a command after --")
        cmd_run(a)
    elif a.sub == "pair":
        cmd_pair(a)
    else:
        cmd_table(a)


if __name__ == "__main__":
    main()
