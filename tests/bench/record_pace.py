#!/usr/bin/env python3
"""Writes an audit stream to stdout the way auditd hands it to a plugin: one write() per record,
at a steady number of execs per second (wall clock; an exec counted at each execve SYSCALL
record, the records between spread evenly). For measuring a plugin's cost per exec by delivery
rate without a kernel in the way (tests/bench/live_bench.sh measures with one).

Usage: record_pace.py EXECS_PER_SECOND < stream | plugin
Prints to stderr the rate kept and the worst lag behind the schedule.
"""
import os
import sys
import time

from bench_common import is_exec


def main():
    rate = float(sys.argv[1])
    records = sys.stdin.buffer.read().splitlines(keepends=True)
    execs = sum(1 for r in records if is_exec(r))
    per_record = (execs / rate) / max(len(records), 1)
    out = sys.stdout.fileno()
    start = time.monotonic()
    worst = 0.0
    for i, record in enumerate(records):
        due = start + i * per_record
        now = time.monotonic()
        if due - now > 0.0002:
            time.sleep(due - now)
        else:
            worst = max(worst, now - due)
        os.write(out, record)
    took = time.monotonic() - start
    print(f"records={len(records)} execs={execs} seconds={took:.2f} rate={execs / took:.0f} "
          f"worst_lag_ms={worst * 1000:.1f}", file=sys.stderr)


if __name__ == "__main__":
    main()
