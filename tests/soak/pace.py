#!/usr/bin/env python3
"""Copies stdin to stdout at a steady number of audit events per second (wall clock), counting
an event at each SYSCALL record, so a generator's stream reaches the plugin as a live auditd
would hand it over. At the end (or when the reader goes away) prints the rate it kept and how
far it ever fell behind.

Usage: pace.py EVENTS_PER_SECOND < stream > plugin-stdin
"""
import sys
import time


class Pacer:
    def __init__(self, rate):
        self.rate = rate
        self.start = time.monotonic()
        self.events = 0
        self.worst_lag = 0.0

    def copy(self, source, sink):
        batch = []
        for line in source:
            if line.startswith(b"type=SYSCALL"):
                self.events += 1
                if self.events % 50 == 0:  # write in small batches, then wait for the clock
                    sink.write(b"".join(batch))
                    sink.flush()
                    batch.clear()
                    due = self.start + self.events / self.rate
                    now = time.monotonic()
                    if due > now:
                        time.sleep(due - now)
                    else:
                        self.worst_lag = max(self.worst_lag, now - due)
            batch.append(line)
        sink.write(b"".join(batch))
        sink.flush()

    def report(self, how):
        took = max(time.monotonic() - self.start, 1e-9)
        print("pace: %d events in %.0f s (%.0f/s, target %.0f/s), worst lag %.2f s; %s"
              % (self.events, took, self.events / took, self.rate, self.worst_lag, how),
              file=sys.stderr)


def main():
    pacer = Pacer(float(sys.argv[1]))
    try:
        pacer.copy(sys.stdin.buffer, sys.stdout.buffer)
        pacer.report("input ended")
    except BrokenPipeError:  # the soak stopped the plugin: the end, not an error
        pacer.report("the reader closed the pipe")


if __name__ == "__main__":
    main()
