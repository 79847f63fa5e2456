#!/usr/bin/env python3
"""What the benchmark scripts share, so that they count alike: which audit record is an exec, the
counts of the plugin's stats line, and the CPU time of a command.

As a command, for shell scripts: `bench_common.py stats LOG` prints the last stats line of a
plugin log as key=value lines (nothing when the log has none); `bench_common.py cpu [--stdin FILE]
-- COMMAND...` runs COMMAND three times (stdin from FILE, output discarded) and prints the median
of its CPU seconds.

>>> is_exec(b"type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=59 success=yes")
True
>>> is_exec(b"type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=59 ... SYSCALL=execve")
True
>>> is_exec(b"type=SYSCALL msg=audit(1.000:2): arch=c000003e syscall=590 success=yes")
False
>>> is_exec(b"type=EXECVE msg=audit(1.000:1): argc=1 a0=\\"syscall=59 \\"")
False
>>> sorted(last_stats("x info stats: execs=3 reads=9\\ny info stats: execs=5 reads=12 note=a"
...                   "\\nz info other=1").items())
[('execs', '5'), ('reads', '12')]
>>> last_stats("no stats here")
{}
>>> child_cpu_seconds(["true"]) >= 0
True
"""
import os
import re
import statistics
import subprocess
import sys

STATS_MARK = "stats: "


def is_exec(record):
    """An exec is counted at its execve SYSCALL record (numeric, or named in ENRICHED text)."""
    return record.startswith(b"type=SYSCALL") and (b" syscall=59 " in record
                                                    or b"SYSCALL=execve" in record)


def last_stats(log_text):
    """The numeric key=value counts of the last stats line in a plugin log ({} when none)."""
    lines = [line for line in log_text.splitlines() if STATS_MARK in line]
    if not lines:
        return {}
    return dict(re.findall(r"(?:^| )([a-z0-9_]+)=(\d+)(?= |$)",
                           lines[-1].split(STATS_MARK, 1)[1]))


def child_cpu_seconds(argv, stdin_path=None):
    """CPU seconds (user + system, from wait4: microsecond resolution) of one run of argv, its
    stdin from stdin_path (else inherited), its output discarded."""
    with open(stdin_path or os.devnull, "rb") as stdin:
        child = subprocess.Popen(argv, stdin=stdin if stdin_path else None,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(child.pid, 0)
        child.returncode = 0  # reaped here; keeps Popen from waiting again
    return usage.ru_utime + usage.ru_stime


def main():
    usage = "usage: bench_common.py stats LOG | cpu [--stdin FILE] -- COMMAND..."
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "stats":
        with open(args[1], errors="replace") as log:
            for key, value in last_stats(log.read()).items():
                print(f"{key}={value}")
        return
    if args[:1] == ["cpu"] and "--" in args:
        options, command = args[1:args.index("--")], args[args.index("--") + 1:]
        if command and (not options or (len(options) == 2 and options[0] == "--stdin")):
            stdin_path = options[1] if options else None
            runs = [child_cpu_seconds(command, stdin_path) for _ in range(3)]
            print(f"{statistics.median(runs):.6f}")
            return
    sys.exit(usage)


if __name__ == "__main__":
    main()
