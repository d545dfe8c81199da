#!/usr/bin/env python3
"""Turns the libFuzzer logs `scripts/fuzz.sh` leaves in fuzz/logs/ into the
rows of the results table in fuzz/README.md, so the figures there are
copied from the runs, not typed.

    python3 fuzz/table.py [LOG_DIR] [TARGET...]

LOG_DIR defaults to fuzz/logs; TARGETs default to every <target>.log in it.
Each row: seconds run, executions, exec/s (libFuzzer's -print_final_stats),
then cov, ft and corpus entries at the start (the INITED line, after the
seeds) and at the end (the last stats line), the seconds at which the last
input adding coverage was found (estimated from its execution number), and
the input libFuzzer saved if the run ended in a crash, OOM or timeout.
"""

import pathlib
import re
import sys


def row(target: str, log: str) -> str:
    final = {k: int(v) for k, v in re.findall(r"^stat::(\w+): *(\d+)$", log, re.M)}
    execs = final["number_of_executed_units"]
    secs = int(re.findall(r"Done \d+ runs in (\d+) second", log)[-1])
    stats = r"cov: (\d+) ft: (\d+) corp: (\d+)"
    start = [int(x) for x in re.search(r"INITED " + stats, log).groups()]
    end = [int(x) for x in re.findall(r"^#\d+\s+\w+\s+" + stats, log, re.M)[-1]]
    news = [int(n) for n in re.findall(r"^#(\d+)\s+NEW\s", log, re.M)]
    last_new = round(news[-1] / execs * secs) if news else 0
    span = " | ".join(f"{a:,} → {b:,}" for a, b in zip(start, end))
    # libFuzzer stops at the first crash, leak, OOM or timeout and names
    # the input it saved.
    saved = re.findall(r"Test unit written to (\S+)", log)
    crash = f"**{saved[-1]}**" if saved else "none"
    return (
        f"| `{target}` | {secs} | {execs:,} | {final['average_exec_per_sec']:,} "
        f"| {span} | ~{last_new} s | {crash} |"
    )


def main() -> None:
    args = sys.argv[1:]
    logs = pathlib.Path(args.pop(0) if args else "fuzz/logs")
    targets = args or sorted(p.stem for p in logs.glob("*.log"))
    print(
        "| target | seconds | executions | exec/s | cov (start → end) "
        "| ft (start → end) | corpus (start → end) | last new | crash |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for t in targets:
        print(row(t, (logs / f"{t}.log").read_text(errors="replace")))


if __name__ == "__main__":
    main()
