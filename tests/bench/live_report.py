#!/usr/bin/env python3
"""live_report.py RUNS.tsv - the table of tests/bench/live_bench.sh (medians over rounds)."""
import csv
import statistics
import sys


def num(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0, suffix=""):
    if value is None:
        return "-"
    return f"{value:.{digits}f}{suffix}"


def latency_ms(runs, *fields):
    out = []
    for field in fields:
        value = median(num(r.get(field)) for r in runs)
        out.append(fmt(value / 1000, 2) if value is not None else "-")
    return "/".join(out)


def main():
    rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
    groups = {}
    for row in rows:
        groups.setdefault((row["config"], row["rate"]), []).append(row)
    order = {"alone": 0, "probe": 1, "base": 2, "seed": 3, "all": 5, "loaded": 6, "laurel": 7}
    keys = sorted(groups, key=lambda k: (int(k[1]), order.get(k[0], 4), k[0]))
    names = {"alone": "auditd alone", "seed": "audisp-eql, 2 seed rules",
             "all": "audisp-eql, all upstream rules", "laurel": "Laurel (default config)",
             "base": "baseline binary, 2 seed rules",
             "probe": "record_probe (reads its pipe, nothing else)",
             "loaded": "auditd alone, offline runs beside the load"}
    no_plugin = {"alone", "loaded"}
    for config, _ in keys:
        if config.startswith("probe-"):
            names[config] = (f"record_probe, a read at most every {config[len('probe-'):]} us "
                             "(reads its pipe, nothing else)")
        if config.startswith("pace-"):
            burst, interval = config[len("pace-"):].split("-")
            names[config] = f"audisp-eql, 2 seed rules, read burst {burst}, interval {interval} us"
    audisp_eql = {c for c, _ in keys if c in ("seed", "all", "base") or c.startswith("pace-")}

    def per_exec(row, field):
        execs, cpu = num(row["execs"]), num(row[field])
        return cpu / execs * 1e6 if execs and cpu is not None else None

    def core_share(row, field):
        execs, rate, cpu = num(row["execs"]), num(row["rate_reached"]), num(row[field])
        return cpu / (execs / rate) * 100 if execs and rate and cpu is not None else None

    def count_per_exec(row, field):
        execs, count = num(row["execs"]), num(row.get(field))
        return count / execs if execs and count is not None else None

    def offline_per_exec(row, field, empty_field="offline_empty_s"):
        # Less the same command on an empty log (start-up, rule loading). A "loaded" row's
        # offline runs read another run's log: its exec count is log_execs.
        execs = num(row.get("log_execs")) or num(row["execs"])
        cpu, empty = num(row.get(field)), num(row.get(empty_field))
        return (cpu - empty) / execs * 1e6 if execs and cpu is not None and empty is not None \
            else None

    def floor_per_exec(row, field):
        execs, cpu = num(row.get("log_execs")), num(row.get(field))
        return cpu / execs * 1e6 if execs and cpu is not None else None

    def pacing(runs):
        # The settings each run's stats line reported (a baseline binary may have none).
        seen = {f"{r.get('read_burst')}/{r.get('read_interval_us')}" for r in runs
                if r.get("read_burst")}
        return ",".join(sorted(seen)) if seen else "-"

    summary = {}
    print("| configuration | rate asked | rate reached | runs | auditd us/exec | auditd % core "
          "| plugin us/exec | plugin % core | plugin wakeups/exec | plugin reads/exec "
          "| paced waits/exec | read burst/interval us | offline us/exec (same events) | live/offline "
          "| auditd RSS MB | plugin RSS MB | lost (kernel) | events abandoned (plugin) | plugin execs seen / made "
          "| alerts received / expected | latency in plugin p50/p99 ms "
          "| fork to alert p50/p99 ms | exec record to alert (probe: to its read) p50/p99 ms | load |")
    print("|" + "---|" * 24)
    for key in keys:
        runs = groups[key]
        config, rate = key
        auditd = median(per_exec(r, "auditd_cpu_s") for r in runs)
        plugin = (median(per_exec(r, "plugin_cpu_s") for r in runs)
                  if config not in no_plugin else None)
        offline = median(offline_per_exec(r, "offline_cpu_s") for r in runs)
        summary[key] = (auditd, plugin, offline)
        # serial_gaps counts serials the kernel gave to events the narrowed rules do not log:
        # not a loss here. events_abandoned is (an event cut off before its end).
        gaps = ",".join(r["events_abandoned"] for r in runs)
        seen = "/".join(r["plugin_execs"] for r in runs) if config in audisp_eql else "-"
        made = "/".join(r["execs"] for r in runs)
        alerts = (", ".join(f"{r['alerts']}/{r['stubs']}" for r in runs)
                  if config in audisp_eql else "-")
        print("| " + " | ".join([
            names.get(config, config), rate,
            fmt(median(num(r["rate_reached"]) for r in runs)), str(len(runs)),
            fmt(auditd, 1), fmt(median(core_share(r, "auditd_cpu_s") for r in runs), 1, "%"),
            fmt(plugin, 1), fmt(median(core_share(r, "plugin_cpu_s") for r in runs), 1, "%")
            if plugin is not None else "-",
            fmt(median(count_per_exec(r, "plugin_switches") for r in runs), 1)
            if config not in no_plugin else "-",
            fmt(median(count_per_exec(r, "plugin_reads") for r in runs), 2)
            if config in audisp_eql else "-",
            fmt(median(count_per_exec(r, "plugin_read_waits") for r in runs), 2)
            if config in audisp_eql else "-",
            pacing(runs) if config in audisp_eql else "-",
            fmt(offline, 1), fmt(plugin / offline, 2, "x") if plugin and offline else "-",
            fmt(median(num(r["auditd_hwm_kb"]) for r in runs) / 1024, 1),
            fmt(median(num(r["plugin_hwm_kb"]) for r in runs) / 1024, 1)
            if config not in no_plugin else "-",
            ",".join(r["lost"] for r in runs),
            gaps if config in audisp_eql else "-",
            f"{seen} of {made}" if config in audisp_eql else made,
            alerts,
            latency_ms(runs, "plugin_p50_us", "plugin_p99_us") if config in audisp_eql else "-",
            latency_ms(runs, "fork_p50_us", "fork_p99_us") if config in audisp_eql else "-",
            latency_ms(runs, "record_p50_us", "record_p99_us")
            if config in audisp_eql
            else latency_ms(runs, "probe_p50_us", "probe_p99_us") if config.startswith("probe")
            else "-",
            ",".join(r["load"] for r in runs),
        ]) + " |")
    print()
    for rate in sorted({k[1] for k in keys}, key=int):
        alone = summary.get(("alone", rate), (None,))[0]
        for config in sorted({c for c, r in keys if r == rate and c not in no_plugin},
                             key=lambda c: (order.get(c, 4), c)):
            if (config, rate) not in summary:
                continue
            auditd, plugin, _ = summary[(config, rate)]
            line = f"- {rate}/s, {names[config]}: auditd {fmt(auditd, 1)} us/exec"
            if alone:
                line += f" ({fmt(auditd / alone, 2, 'x') if auditd else '-'} of auditd alone)"
            laurel = summary.get(("laurel", rate), (None, None))[1]
            if config != "laurel" and laurel and plugin:
                line += f"; Laurel / this plugin: {laurel / plugin:.1f}x"
            print(line)
    loaded_rates = [r for c, r in keys if c == "loaded"]
    if loaded_rates:
        print()
        print("Offline under the same load (auditd and the generator running, no plugin), "
              "against idle, on the log of the latest all-rules run; per exec:")
        print()
        print("| rate asked | rounds | all rules live us | offline idle us | offline under load us "
              "| live / offline under load | floor walk idle us | floor walk under load us "
              "| offline / floor, under load | turns under load |")
        print("|" + "---|" * 10)
    for rate in loaded_rates:
        runs = groups[("loaded", rate)]
        live = summary.get(("all", rate), (None, None))[1]
        idle = median(offline_per_exec(r, "offline_cpu_s") for r in runs)
        loaded = median(offline_per_exec(r, "offline_loaded_cpu_s", "offline_empty_loaded_cpu_s")
                        for r in runs)
        floor_idle = median(floor_per_exec(r, "floor_cpu_s") for r in runs)
        floor_loaded = median(floor_per_exec(r, "floor_loaded_cpu_s") for r in runs)
        print("| " + " | ".join([
            rate, str(len(runs)), fmt(live, 1), fmt(idle, 1), fmt(loaded, 1),
            fmt(live / loaded, 2, "x") if live and loaded else "-",
            fmt(floor_idle, 1), fmt(floor_loaded, 1),
            fmt(loaded / floor_loaded, 2, "x") if loaded and floor_loaded else "-",
            ",".join(r.get("loaded_turns") or "-" for r in runs),
        ]) + " |")


if __name__ == "__main__":
    main()
