#!/usr/bin/env python3
"""What the benchmark scripts share, so that they count alike: which audit record is an exec, and
the counts of the plugin's stats line.

As a command, for shell scripts: `bench_common.py stats LOG` prints the last stats line of a
plugin log as key=value lines (nothing when the log has none).

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
"""
import re
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


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "stats":
        sys.exit("usage: bench_common.py stats LOG")
    with open(sys.argv[2], errors="replace") as log:
        for key, value in last_stats(log.read()).items():
            print(f"{key}={value}")


if __name__ == "__main__":
    main()
