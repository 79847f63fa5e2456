#!/usr/bin/env python3
"""live_report_test.py - live_report.py's arithmetic on a runs.tsv with the columns live_bench.sh
writes (read from its header line, so that the two cannot drift apart): the plugin's CPU per exec,
the "loaded" configuration (offline under the same load) and its table. Exit 0 when every figure
is the expected one."""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def live_bench_columns():
    text = open(os.path.join(HERE, "live_bench.sh")).read()
    header = re.search(r"printf '(config\\t[^']*)\\n' >\"\$RESULTS\"", text)
    assert header, "live_bench.sh: no runs.tsv header line"
    return header.group(1).split("\\t")


def row(columns, **values):
    missing = set(values) - set(columns)
    assert not missing, f"not a live_bench.sh column: {sorted(missing)}"
    return "\t".join(str(values.get(c, "")) for c in columns)


def main():
    columns = live_bench_columns()
    common = dict(rate=1000, execs=10000, rate_reached=370, auditd_cpu_s=6.5, auditd_hwm_kb=3300,
                  lost=0, stubs=100, load="1.0-2.0")
    rows = [
        # Two rounds of "all": the live cost is their median, (1.72 + 1.68) / 2 / 10,000 s.
        row(columns, config="all", round=1, plugin_cpu_s=1.72, plugin_hwm_kb=19000,
            plugin_execs=10000, events_abandoned=0, alerts=100, **common),
        row(columns, config="all", round=2, plugin_cpu_s=1.68, plugin_hwm_kb=19000,
            plugin_execs=10000, events_abandoned=0, alerts=100, **common),
        # "loaded": offline runs of a 5,000-exec log, idle and beside the load.
        row(columns, config="loaded", round=1, plugin_cpu_s=0, plugin_hwm_kb=0, log_execs=5000,
            offline_cpu_s=0.14, offline_empty_s=0.05, floor_cpu_s=0.12,
            offline_loaded_cpu_s=0.27, offline_empty_loaded_cpu_s=0.07, floor_loaded_cpu_s=0.16,
            loaded_turns=6, **common),
        row(columns, config="loaded", round=2, plugin_cpu_s=0, plugin_hwm_kb=0, log_execs=5000,
            offline_cpu_s=0.16, offline_empty_s=0.05, floor_cpu_s=0.14,
            offline_loaded_cpu_s=0.29, offline_empty_loaded_cpu_s=0.07, floor_loaded_cpu_s=0.18,
            loaded_turns=5, **common),
    ]
    with tempfile.TemporaryDirectory() as work:
        runs = os.path.join(work, "runs.tsv")
        with open(runs, "w") as out:
            out.write("\t".join(columns) + "\n" + "\n".join(rows) + "\n")
        report = subprocess.run([sys.executable, os.path.join(HERE, "live_report.py"), runs],
                                check=True, capture_output=True, text=True).stdout
    print(report)
    lines = report.splitlines()
    cells = {}
    for line in lines:
        parts = [p.strip() for p in line.strip("|").split("|")]
        if parts and parts[0] in ("audisp-eql, all upstream rules",
                                  "auditd alone, offline runs beside the load"):
            cells[parts[0]] = parts
    all_rules = cells["audisp-eql, all upstream rules"]
    loaded = cells["auditd alone, offline runs beside the load"]
    failures = []

    def expect(what, got, want):
        if got != want:
            failures.append(f"{what}: {got!r}, expected {want!r}")

    expect("all rules, plugin us/exec", all_rules[6], "170.0")
    # A configuration without a plugin has no plugin figures, not zeros.
    expect("loaded, plugin us/exec", loaded[6], "-")
    expect("loaded, plugin wakeups/exec", loaded[8], "-")
    # Its offline column: the idle runs over log_execs, less the empty log: median of
    # (0.14 - 0.05) / 5,000 and (0.16 - 0.05) / 5,000 s.
    expect("loaded, offline us/exec", loaded[12], "20.0")
    table = [line for line in lines if line.startswith("| 1000 |")]
    expect("rows of the offline-under-load table", len(table), 1)
    if table:
        figures = [p.strip() for p in table[0].strip("|").split("|")]
        expect("offline-under-load table", figures, [
            "1000", "2",
            "170.0",   # all rules live
            "20.0",    # offline idle
            "42.0",    # under load: (0.27 - 0.07) / 5,000 and (0.29 - 0.07) / 5,000, median
            "4.05x",   # live / offline under load
            "26.0",    # floor idle: 0.12 / 5,000 and 0.14 / 5,000
            "34.0",    # floor under load: 0.16 and 0.18
            "1.24x",   # offline / floor, under load
            "6,5",     # turns
        ])
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
