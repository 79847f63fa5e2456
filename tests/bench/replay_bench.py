#!/usr/bin/env python3
"""replay_bench.py - the plugin loop's cost by delivery rate, without a kernel: record_pace.py
writes an ENRICHED plugin stream one record per write() at RATE execs a second into audisp-eql in
plugin mode (pinned to CPU 1, as tests/bench/RESULTS.md's earlier replays), in interleaved rounds
(every configuration once per rate per round, so that a busy spell of a shared machine hits all
alike). Configurations: "pace-BURST-INTERVAL_US" per --pacings pair (audisp-eql with that
--read-burst and --read-interval-us), and "base" with --baseline PATH (another binary, its
defaults).

  replay_bench.py --stream FILE [--binary PATH] [--baseline PATH] [--rules DIR]
                  [--pacings "1:2000 2:2000 4:2000"] [--rates "200 1000 2000"]
                  [--seconds 10] [--rounds 3] [--out DIR]

Each run replays the stream's first RATE x SECONDS execs. Per run (runs.tsv) and as medians over
rounds (table.md): the plugin's CPU seconds (user+sys, wait4) and per exec, its voluntary context
switches (wakeups) per exec, the stats line's reads= and read_waits= per exec and pacer
settings, its alert latency p50/p99 (from poll() reporting the input that completed the event,
or the start of the pacer's wait, to the alert handed to the sinks), alerts written, the rate
record_pace.py kept, and /proc/loadavg before and after.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from bench_common import is_exec, last_stats

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def stream_prefix(records, execs):
    """The records before the (execs + 1)-th exec's SYSCALL record."""
    seen = 0
    for i, record in enumerate(records):
        if is_exec(record):
            seen += 1
            if seen > execs:
                return records[:i]
    return records


def load_average():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def run_one(binary, extra_args, rules, rate, stream_path, work):
    """One replay; the plugin's counts come from its final stats line."""
    alerts = os.path.join(work, "alerts.ndjson")
    log = os.path.join(work, "plugin.log")
    for path in (alerts, log):
        if os.path.exists(path):
            os.unlink(path)
    load_before = load_average()
    with open(stream_path, "rb") as stream, open(log, "wb") as log_file:
        pacer = subprocess.Popen([sys.executable, os.path.join(HERE, "record_pace.py"), str(rate)],
                                 stdin=stream, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        plugin = subprocess.Popen(
            [binary, "--rules", rules, "--alerts-output", alerts, "--alerts-format", "json",
             "--throttle-alerts", "0", "--log-level", "info"] + extra_args,
            stdin=pacer.stdout, stdout=subprocess.DEVNULL, stderr=log_file,
            preexec_fn=lambda: os.sched_setaffinity(0, {1}))
        pacer.stdout.close()
        _, status, usage = os.wait4(plugin.pid, 0)
        plugin.returncode = os.waitstatus_to_exitcode(status)
        kept = pacer.stderr.read().decode()
        pacer.wait()
    load_after = load_average()
    stats = last_stats(open(log, errors="replace").read())
    with open(alerts, "rb") as f:
        alert_count = sum(1 for _ in f)
    rate_kept = re.search(r"rate=(\d+)", kept)
    return {
        "status": plugin.returncode,
        "cpu_s": f"{usage.ru_utime + usage.ru_stime:.3f}",
        "voluntary": usage.ru_nvcsw,
        "involuntary": usage.ru_nivcsw,
        "plugin_execs": stats.get("execs", ""),
        "reads": stats.get("reads", ""),
        "read_waits": stats.get("read_waits", ""),
        "read_burst": stats.get("read_burst", ""),
        "read_interval_us": stats.get("read_interval_us", ""),
        "p50_us": stats.get("alert_latency_us_p50", ""),
        "p99_us": stats.get("alert_latency_us_p99", ""),
        "alerts": alert_count,
        "rate_kept": rate_kept.group(1) if rate_kept else "",
        "load": f"{load_before}-{load_after}",
    }


COLUMNS = ["config", "rate", "round", "execs", "status", "cpu_s", "voluntary", "involuntary",
           "plugin_execs",
           "reads", "read_waits", "read_burst", "read_interval_us", "p50_us", "p99_us", "alerts",
           "rate_kept", "load"]


def table(rows):
    def num(value):
        try:
            return float(value)
        except ValueError:
            return None

    def med(values):
        values = [v for v in values if v is not None]
        return statistics.median(values) if values else None

    def per_exec(row, field, scale=1.0):
        execs, value = num(str(row["execs"])), num(str(row[field]))
        return value / execs * scale if execs and value is not None else None

    def show(value, digits):
        return "-" if value is None else f"{value:.{digits}f}"

    groups = {}
    for row in rows:
        groups.setdefault((int(row["rate"]), row["config"]), []).append(row)
    out = ["| exec/s (kept) | configuration | runs | CPU s (runs) | CPU us/exec | wakeups/exec "
           "| reads/exec | paced waits/exec | in-plugin latency p50 / p99 ms (p99 of runs) "
           "| alerts | load |", "|" + "---|" * 11]
    for (rate, config), runs in sorted(groups.items()):
        kept = ",".join(str(r["rate_kept"]) for r in runs)
        cpu = med(num(r["cpu_s"]) for r in runs)
        p50 = med(num(str(r["p50_us"])) for r in runs)
        p99 = med(num(str(r["p99_us"])) for r in runs)
        out.append("| " + " | ".join([
            f"{rate} ({kept})", config, str(len(runs)),
            f"{show(cpu, 2)} ({', '.join(r['cpu_s'] for r in runs)})",
            show(med(per_exec(r, "cpu_s", 1e6) for r in runs), 1),
            show(med(per_exec(r, "voluntary") for r in runs), 2),
            show(med(per_exec(r, "reads") for r in runs), 2),
            show(med(per_exec(r, "read_waits") for r in runs), 2),
            f"{show(p50 and p50 / 1000, 2)} / {show(p99 and p99 / 1000, 2)} "
            f"({', '.join(show(num(str(r['p99_us'])) and num(str(r['p99_us'])) / 1000, 1) for r in runs)})",
            ",".join(str(r["alerts"]) for r in runs),
            ",".join(r["load"] for r in runs),
        ]) + " |")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stream", required=True)
    parser.add_argument("--binary", default=os.path.join(ROOT, "build/plugin/audisp-eql"))
    parser.add_argument("--baseline")
    parser.add_argument("--rules", default=os.path.join(ROOT, "rules"))
    parser.add_argument("--pacings", default="1:2000 2:2000 4:2000")
    parser.add_argument("--rates", default="200 1000 2000")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default="/tmp/audisp-eql-replay-bench")
    args = parser.parse_args()

    configs = []
    for pacing in args.pacings.split():
        match = re.fullmatch(r"(\d+):(\d+)", pacing)
        if not match:
            parser.error(f"--pacings takes BURST:INTERVAL_US pairs, not '{pacing}'")
        configs.append((f"pace-{match[1]}-{match[2]}", args.binary,
                        ["--read-burst", match[1], "--read-interval-us", match[2]]))
    if args.baseline:
        configs.append(("base", args.baseline, []))
    os.makedirs(args.out, exist_ok=True)
    with open(args.stream, "rb") as f:
        records = f.read().splitlines(keepends=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="audisp-eql-replay.") as work:
        # Per rate: the stream file and its execs (the per-exec denominator, the same for every
        # configuration; the plugin's execs= counts only the successful ones).
        streams = {}
        for rate in (int(r) for r in args.rates.split()):
            path = os.path.join(work, f"stream-{rate}.log")
            prefix = stream_prefix(records, int(rate * args.seconds))
            with open(path, "wb") as f:
                f.writelines(prefix)
            streams[rate] = (path, sum(1 for r in prefix if is_exec(r)))
        with open(os.path.join(args.out, "runs.tsv"), "w") as tsv:
            tsv.write("\t".join(COLUMNS) + "\n")
            for round_number in range(1, args.rounds + 1):
                for rate, (stream_path, execs) in streams.items():
                    for config, binary, extra in configs:
                        row = {"config": config, "rate": rate, "round": round_number,
                               "execs": execs}
                        row.update(run_one(binary, extra, args.rules, rate, stream_path, work))
                        rows.append(row)
                        tsv.write("\t".join(str(row[c]) for c in COLUMNS) + "\n")
                        tsv.flush()
                        print(f"replay_bench: {time.strftime('%H:%M:%S')} "
                              + " ".join(f"{c}={row[c]}" for c in COLUMNS), file=sys.stderr)
    result = table(rows)
    with open(os.path.join(args.out, "table.md"), "w") as f:
        f.write(result + "\n")
    print(result)


if __name__ == "__main__":
    main()
