#!/usr/bin/env bash
# live_bench.sh - audisp-eql's cost under the real auditd, side by side with auditd alone and
# Laurel, in interleaved rounds (every configuration once per round, so that a busy spell of a
# shared machine hits all of them alike).
#
#   tests/bench/live_bench.sh [--binary PATH] [--rates "200 1000 2000"] [--seconds 10]
#                             [--rounds 2] [--every 100] [--uid UID] [--out DIR]
#                             [--configs "alone probe seed all loaded laurel"] [--upstream DIR]
#                             [--baseline PATH] [--pacings "1:2000 2:2000"] [--static]
#
# Per run: a private auditd (tests/lib/auditd_harness.sh, ENRICHED; any running audit daemon is
# stopped and restarted afterwards) with one plugin (none, record_probe (tests/bench/
# record_probe.c: a plugin that only reads its pipe, the floor of any plugin's CPU, and times
# the stub exec's last record from its kernel stamp to its read), audisp-eql with the seed rules,
# audisp-eql with every upstream linux rule, Laurel with its Debian default configuration
# writing to a temporary folder), the shipped audit rules (rules/audit/audisp-eql.rules: exec,
# fork, exit) narrowed with `-F uid=UID` to the load generator's identity, and exec_load
# (tests/bench/exec_load.c) fork+exec'ing /bin/true RATE times a second for SECONDS as UID,
# every EVERY-th exec a stub named iptables run as `iptables -F` (which the seed rule "Attempt to
# Disable IPTables or Firewall" matches). audisp-eql sends its alerts over UDP to exec_load,
# which matches them to the stubs by pid and measures fork -> alert arrival.
#
# Reported per configuration and rate (median over rounds; CPU from /proc/PID/stat
# utime+stime, i.e. CPU time, not wall time, because the machine may be shared):
#   auditd and plugin CPU in us per exec and in % of a core, their peak RSS (VmHWM), the
#   kernel's lost counter (auditctl -s) before/after, the plugin's own gap counters (serial_gaps,
#   events_abandoned, records_skipped from its stats line), its execs seen, the plugin's latency
#   histogram (read of the last record -> alert handed to the sinks) and exec_load's (fork ->
#   alert received), alerts expected/received, and the offline cost of the same events
#   (audisp-eql --input on the run's audit.log, minus the same command on an empty log).
# "loaded" (after "all" in --configs): the offline cost under the same load. auditd alone and the
#   load, while audisp-eql --input (all rules; less the same on an empty log) and tests/bench/
#   floor.c (the bare libauparse walk) take turns on the audit.log of this rate's latest "all"
#   run; a run counts when it ended before the load did. Against the same commands on the idle
#   machine (after the run), it separates what the load costs any code here (caches and cores
#   shared with auditd and the generator) from what plugin mode adds.
# "probe-US": record_probe sleeping US after each read (at most a read per interval, as the read
#   pacer's --read-interval-us): the floor of a plugin that wakes that often.
# The report starts with tests/bench/platform_costs.c's figures for this machine (CPU charged
#   per system call, sleep and wakeup, pipe wakeup, page fault), at the start and at the end.
# --static: the load execs a statically linked `true` (and stub) built here instead of /bin/true
# (no dynamic loader: about a third less CPU per exec, so higher rates are within reach; the exec
# record then has one PATH, not two).
# --baseline PATH adds the configuration "base": another audisp-eql binary (e.g. before a change)
# with the seed rules, in the same rounds. --pacings "BURST:INTERVAL_US ..." adds, per pair, the
# configuration "pace-BURST-INTERVAL_US": audisp-eql with the seed rules and that --read-burst and
# --read-interval-us (the read pacer's settings; "seed" runs the defaults). For every audisp-eql
# run the table gives its reads and paced waits per exec (the stats line's reads= and
# read_waits=) and the pacer settings its stats line reports.
# Holds /tmp/audisp-auditd.lock for the whole run. Restores the machine on any exit (trap).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BINARY=$ROOT/build/plugin/audisp-eql
RATES="200 1000 2000"
SECONDS_PER_RUN=10
ROUNDS=2
EVERY=100
LOAD_UID=$(id -u nobody 2>/dev/null || echo 65534)
OUT=/tmp/audisp-eql-live-bench
CONFIGS="alone probe seed all loaded laurel"
UPSTREAM=/work/shared/rules-upstream/linux
BASELINE=""
PACINGS=""
STATIC=0
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) BINARY=$2; shift 2 ;;
        --rates) RATES=$2; shift 2 ;;
        --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --every) EVERY=$2; shift 2 ;;
        --uid) LOAD_UID=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --configs) CONFIGS=$2; shift 2 ;;
        --upstream) UPSTREAM=$2; shift 2 ;;
        --baseline) BASELINE=$(readlink -f "$2"); shift 2 ;;
        --pacings) PACINGS=$2; shift 2 ;;
        --static) STATIC=1; shift ;;
        -h|--help) sed -n '2,50p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$BASELINE" ] && CONFIGS="$CONFIGS base"
for pacing in $PACINGS; do
    [[ $pacing =~ ^[0-9]+:[0-9]+$ ]] || { echo "--pacings takes BURST:INTERVAL_US pairs, not '$pacing'" >&2; exit 2; }
    CONFIGS="$CONFIGS pace-${pacing%:*}-${pacing#*:}"
done
say() { printf 'live_bench: %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { say "must run as root (auditd)"; exit 2; }
[ -x "$BINARY" ] || { say "no audisp-eql binary at $BINARY (build first, or --binary)"; exit 2; }
BINARY=$(readlink -f "$BINARY")
# The load runs as UID (default nobody): a uid that has a name in /etc/passwd, since auditd
# (ENRICHED) and the plugins look every uid up, and a miss goes on to the next NSS source (here
# systemd, which costs milliseconds per lookup); and one that nothing else on the machine uses,
# since the audit rules are narrowed to it.
if [ -n "$(ps -o pid= -u "$LOAD_UID" 2>/dev/null)" ]; then
    say "processes already run as uid $LOAD_UID: pick an unused one (--uid)"; exit 2
fi
LOAD_GID=$(getent passwd "$LOAD_UID" | cut -d: -f4)
LOAD_GID=${LOAD_GID:-$LOAD_UID}
case " $CONFIGS " in *" laurel "*)
    command -v laurel >/dev/null || { say "laurel not installed: skipped (apt-get install laurel)"; CONFIGS=${CONFIGS//laurel/}; } ;;
esac
case " $CONFIGS " in *" all "*)
    [ -d "$UPSTREAM" ] || { say "$UPSTREAM absent: all-rules configurations skipped"; CONFIGS=${CONFIGS//all/}; CONFIGS=${CONFIGS//loaded/}; } ;;
esac
all_seen=0
for c in $CONFIGS; do
    if [[ $c == probe-* && ! $c =~ ^probe-[0-9]+$ ]]; then
        say "probe-US takes microseconds, not '$c'"; exit 2
    fi
    [ "$c" = all ] && all_seen=1
    if [ "$c" = loaded ] && [ "$all_seen" = 0 ]; then
        say "\"loaded\" needs \"all\" before it in --configs"; exit 2
    fi
done

# The whole run holds the lock every test that starts auditd takes.
exec 9>/tmp/audisp-auditd.lock
say "waiting for /tmp/audisp-auditd.lock"
flock 9
# shellcheck source=../lib/auditd_harness.sh
. "$ROOT/tests/lib/auditd_harness.sh"
export HARNESS_NO_TRAP=1 HARNESS_QUIET=1

mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/audisp-eql-live.XXXXXX") || exit 1
chmod 0755 "$WORK"
# shellcheck disable=SC2317  # called from the traps
cleanup() {
    harness_stop
    [ "${LIVE_KEEP:-0}" = 1 ] && say "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---- the pieces -----------------------------------------------------------------------------
cc -O2 -Wall -pthread -o "$WORK/exec_load" "$HERE/exec_load.c" || exit 1
cc -O2 -Wall -o "$WORK/record_probe" "$HERE/record_probe.c" || exit 1
cc -O2 -Wall -o "$WORK/floor" "$HERE/floor.c" -lauparse || exit 1
cc -O2 -Wall -o "$WORK/platform_costs" "$HERE/platform_costs.c" || exit 1
mkdir -p "$WORK/bin" "$WORK/etc" "$WORK/rules-seed" "$WORK/rules-all"
: >"$WORK/empty.log"  # the offline runs' start-up cost is measured on it
# The program the load execs (--static: see the usage text above).
load_program=(--true /bin/true)
if [ "$STATIC" = 1 ]; then
    printf 'int main(void) { return 0; }\n' >"$WORK/true.c"
    cc -O2 -static -o "$WORK/bin/true" "$WORK/true.c" || exit 1
    cp "$WORK/bin/true" "$WORK/bin/iptables"
    load_program=(--true "$WORK/bin/true")
else
    cp "$(readlink -f /bin/true)" "$WORK/bin/iptables"
fi
chmod 0755 "$WORK/bin" "$WORK/bin/"* "$WORK/exec_load" "$WORK/record_probe"
# Audit rules: the shipped ones, every syscall rule narrowed to the generator's uid.
sed -e "/^-a /s/\$/ -F uid=$LOAD_UID/" "$ROOT/rules/audit/audisp-eql.rules" >"$WORK/audit.rules"
cp "$ROOT"/rules/*.toml "$WORK/rules-seed/"
[ -d "$UPSTREAM" ] && cp "$UPSTREAM"/*.toml "$WORK/rules-all/"
chmod -R go-w "$WORK/rules-seed" "$WORK/rules-all"
PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The rule folder of a configuration: every audisp-eql configuration but "all" runs the seed rules.
rules_of() { [ "$1" = all ] && echo "$WORK/rules-all" || echo "$WORK/rules-seed"; }
for c in $CONFIGS; do
    case $c in seed|all|base|pace-*) ;; *) continue ;; esac
    cat >"$WORK/etc/$c.conf" <<EOF
rules = $(rules_of "$c")
alerts-output = udp://127.0.0.1:$PORT
alerts-format = json
throttle-alerts = 0
log-level = info
EOF
    case $c in pace-*)
        c_pacing=${c#pace-}
        printf 'read-burst = %s\nread-interval-us = %s\n' "${c_pacing%-*}" "${c_pacing#*-}" \
            >>"$WORK/etc/$c.conf" ;;
    esac
    chmod 0644 "$WORK/etc/$c.conf"
done
if [ -r /etc/laurel/config.toml ]; then
    mkdir -p "$WORK/laurel"
    # Debian's default configuration; only its output folder moved (and no rotation mid-run).
    sed -e "s|^directory = .*|directory = \"$WORK/laurel\"|" -e 's|^size = .*|size = 100000000000|' \
        /etc/laurel/config.toml >"$WORK/etc/laurel.toml"
    chmod 0644 "$WORK/etc/laurel.toml"
    LAUREL_USER=$(awk -F'"' '/^user = /{print $2}' "$WORK/etc/laurel.toml")
    [ -n "$LAUREL_USER" ] && chown "$LAUREL_USER" "$WORK/laurel"
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
hwm_kb() { awk '/^VmHWM:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# Context switches of all of PID's threads (voluntary: the waits for input, each ended by a
# wakeup; involuntary: preemptions).
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches:/{n += $2} END{print n + 0}'; }
lost() { auditctl -s | awk '$1 == "lost" {print $2}'; }
TICK=$(getconf CLK_TCK)

plugin_pid() {  # EXE: the child of our auditd running EXE
    local p
    for p in $(ps -o pid= --ppid "$HARNESS_AUDITD_PID" 2>/dev/null); do
        [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$1" ] && { echo "$p"; return 0; }
    done
    return 1
}
# Waits until PID has used no CPU for half a second (done with what it was given).
wait_idle() {
    local before after
    for _ in $(seq 60); do
        before=$(cpu_ticks "$1"); sleep 0.5; after=$(cpu_ticks "$1")
        [ "$before" = "$after" ] && return 0
    done
}

# The latest stats line of the plugin's log, as shell-safe key=value words.
plugin_stats() {  # LOG
    python3 "$HERE/bench_common.py" stats "$1"
}

# Offline cost of the same events: CPU seconds (user+sys from wait4, microsecond resolution) of
# `audisp-eql --input LOG`, median of 3.
offline_cpu() {  # RULES LOG
    python3 "$HERE/bench_common.py" cpu -- "$BINARY" --input "$2" --rules "$1" \
        --alerts-output /dev/null --throttle-alerts 0 --log-level error
}

# The same offline work while the load runs: audisp-eql --input LOG (all rules), the same on
# an empty log (its start-up under the load, to subtract) and the floor walk of LOG, in turns,
# until STOP exists; a run still going when STOP appears is not counted (it ran partly without
# the load). Prints the median CPU seconds of each and the turns counted.
offline_under_load() {  # LOG STOP
    python3 - "$HERE" "$BINARY" "$WORK/rules-all" "$WORK/floor" "$1" "$2" "$WORK/empty.log" <<'EOF_PY'
import os, statistics, sys
sys.path.insert(0, sys.argv[1])
from bench_common import child_cpu_seconds
binary, rules, floor, log, stop, empty = sys.argv[2:8]
def offline(path):
    return [binary, "--input", path, "--rules", rules, "--alerts-output", "/dev/null",
            "--throttle-alerts", "0", "--log-level", "error"]
commands = {
    "offline_loaded_cpu_s": offline(log),
    "offline_empty_loaded_cpu_s": offline(empty),
    "floor_loaded_cpu_s": [floor],
}
runs = {key: [] for key in commands}
while not os.path.exists(stop):
    for key, argv in commands.items():
        cpu = child_cpu_seconds(argv, stdin_path=log)  # the floor reads LOG on stdin
        if not os.path.exists(stop):
            runs[key].append(cpu)
turns = min(len(v) for v in runs.values())
print(" ".join(f"{k}={statistics.median(v):.6f}" for k, v in runs.items() if v),
      f"loaded_turns={turns}")
EOF_PY
}

# The floor walk of LOG on the machine as it is now: CPU seconds, median of 3.
floor_cpu() {  # LOG
    python3 "$HERE/bench_common.py" cpu --stdin "$1" -- "$WORK/floor"
}

RESULTS=$OUT/runs.tsv
printf 'config\trate\tround\texecs\trate_reached\tauditd_cpu_s\tplugin_cpu_s\tauditd_hwm_kb\tplugin_hwm_kb\tlost\tplugin_execs\tserial_gaps\tevents_abandoned\trecords_skipped\tplugin_p50_us\tplugin_p99_us\tstubs\talerts\tmissing\tduplicates\tfork_p50_us\tfork_p99_us\trecord_p50_us\trecord_p99_us\toffline_cpu_s\toffline_empty_s\tload\tprobe_records\tprobe_reads\tprobe_p50_us\tprobe_p99_us\tplugin_switches\tplugin_reads\tplugin_read_waits\tread_burst\tread_interval_us\tlog_execs\tfloor_cpu_s\toffline_loaded_cpu_s\tfloor_loaded_cpu_s\toffline_empty_loaded_cpu_s\tloaded_turns\n' >"$RESULTS"

run_one() {  # CONFIG RATE ROUND
    local config=$1 rate=$2 round=$3 run=$WORK/run exe="" log="" pid="" out
    rm -rf "$run"; mkdir -p "$run/plugins.d"; chmod 0755 "$run"
    case $config in
        seed|all|pace-*)
            exe=$BINARY; log=$run/plugin.log
            harness_plugin_entry "$run/plugins.d" "$BINARY" "$WORK/etc/$config.conf" "$log" || return 1 ;;
        base)
            exe=$BASELINE; log=$run/plugin.log
            harness_plugin_entry "$run/plugins.d" "$BASELINE" "$WORK/etc/$config.conf" "$log" || return 1 ;;
        probe|probe-*)
            exe=$WORK/record_probe
            local probe_args=$run/probe.txt
            # probe-US: the probe sleeps US after each read (at most a read per interval)
            [ "$config" != probe ] && probe_args="$probe_args ${config#probe-}"
            printf 'active = yes\ndirection = out\ntype = always\nformat = string\npath = %s\nargs = %s\n' \
                "$exe" "$probe_args" >"$run/plugins.d/probe.conf"
            chmod 0640 "$run/plugins.d/probe.conf" ;;
        laurel)
            exe=$(readlink -f "$(command -v laurel)")
            rm -f "$WORK/laurel/"*
            printf 'active = yes\ndirection = out\ntype = always\nformat = string\npath = %s\nargs = --config %s\n' \
                "$exe" "$WORK/etc/laurel.toml" >"$run/plugins.d/laurel.conf"
            chmod 0640 "$run/plugins.d/laurel.conf" ;;
        loaded)
            [ -s "$WORK/offline-$rate.log" ] || { say "loaded: no log of an \"all\" run at $rate/s"; return 1; } ;;
    esac
    harness_start "$run/auditd" "$run/plugins.d" || { say "could not start auditd"; return 1; }
    harness_load_rules "$WORK/audit.rules" || return 1
    if [ -n "$exe" ]; then
        for _ in $(seq 300); do pid=$(plugin_pid "$exe") && break; sleep 0.1; done
        [ -n "$pid" ] || { say "$config: auditd did not start the plugin"; harness_stop; return 1; }
        if [ -n "$log" ]; then
            for _ in $(seq 300); do grep -q "seeded from /proc" "$log" 2>/dev/null && break; sleep 0.1; done
        fi
        wait_idle "$pid"
    fi
    harness_sync
    local a0 p0 l0 a1 p1 l1 load
    load=$(cut -d' ' -f1 /proc/loadavg)
    a0=$(cpu_ticks "$HARNESS_AUDITD_PID"); p0=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0); l0=$(lost)
    local w0 w1
    w0=$([ -n "$pid" ] && switches "$pid" || echo 0)
    local udp=()
    [ -n "$log" ] && udp=(--udp-port "$PORT" --drain-seconds 10)
    # LIVE_PROFILE=strace|perf: attach to the plugin for the load (its CPU then includes the
    # tracing: for finding where the time goes, not for the table).
    local prof=""
    if [ -n "$pid" ] && [ -n "${LIVE_PROFILE:-}" ]; then
        case $LIVE_PROFILE in
            strace) strace -c -f -p "$pid" -o "$OUT/strace-$config-$rate-$round.txt" 2>/dev/null & prof=$! ;;
            perf) perf record -q -F 999 -g -p "$pid" -o "$OUT/perf-$config-$rate-$round.data" >/dev/null 2>&1 & prof=$! ;;
        esac
        sleep 1
    fi
    local loaded_pid=""
    if [ "$config" = loaded ]; then
        offline_under_load "$WORK/offline-$rate.log" "$run/stop" >"$run/loaded.txt" &
        loaded_pid=$!
    fi
    out=$("$WORK/exec_load" --rate "$rate" --seconds "$SECONDS_PER_RUN" --every "$EVERY" \
        "${load_program[@]}" --stub "$WORK/bin/iptables" --uid "$LOAD_UID" --gid "$LOAD_GID" "${udp[@]}")
    if [ -n "$loaded_pid" ]; then touch "$run/stop"; wait "$loaded_pid"; fi
    say "$config rate $rate round $round: $out"
    load="$load-$(cut -d' ' -f1 /proc/loadavg)"  # the 1-minute load before and after the load
    harness_sync
    [ -n "$pid" ] && wait_idle "$pid"
    if [ -n "$prof" ]; then kill -INT "$prof"; wait "$prof"; fi
    a1=$(cpu_ticks "$HARNESS_AUDITD_PID"); p1=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0); l1=$(lost)
    w1=$([ -n "$pid" ] && switches "$pid" || echo 0)
    local ahwm phwm=0
    ahwm=$(hwm_kb "$HARNESS_AUDITD_PID")
    [ -n "$pid" ] && phwm=$(hwm_kb "$pid")
    harness_stop
    # The plugin's last stats line, written when it stops, after it has read what auditd had
    # already sent (a snapshot before the stop missed the execs still in the pipe).
    declare -A st=()
    if [ -n "$log" ]; then
        for _ in $(seq 100); do grep -q 'stopping on signal\|end of input' "$log" && break; sleep 0.1; done
        for _ in $(seq 50); do [ "$(grep -c 'stats: ' "$log")" -ge 1 ] && ! kill -0 "$pid" 2>/dev/null && break; sleep 0.1; done
        local kv
        for kv in $(plugin_stats "$log"); do st[${kv%%=*}]=${kv#*=}; done
    fi
    declare -A ld=()
    local kv
    for kv in $out; do ld[${kv%%=*}]=${kv#*=}; done
    if [ "${config%%-*}" = probe ]; then  # written when auditd stops it
        for _ in $(seq 50); do [ -s "$run/probe.txt" ] && break; sleep 0.1; done
        for kv in $(cat "$run/probe.txt" 2>/dev/null); do ld[${kv%%=*}]=${kv#*=}; done
    fi
    local off="" off0="" floor="" log_execs=""
    if [ -n "$log" ] && [ "$round" = 1 ]; then
        off=$(offline_cpu "$(rules_of "$config")" "$run/auditd/audit.log")
        off0=$(offline_cpu "$(rules_of "$config")" "$WORK/empty.log")
    fi
    [ "$config" = all ] && cp "$run/auditd/audit.log" "$WORK/offline-$rate.log"
    if [ "$config" = loaded ]; then  # the idle counterparts, every round
        for kv in $(cat "$run/loaded.txt"); do ld[${kv%%=*}]=${kv#*=}; done
        off=$(offline_cpu "$WORK/rules-all" "$WORK/offline-$rate.log")
        off0=$(offline_cpu "$WORK/rules-all" "$WORK/empty.log")
        floor=$(floor_cpu "$WORK/offline-$rate.log")
        log_execs=$(grep -c 'type=EXECVE' "$WORK/offline-$rate.log")
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$config" "$rate" "$round" "${ld[execs]:-0}" "${ld[rate]:-0}" \
        "$(awk -v t=$((a1 - a0)) -v h="$TICK" 'BEGIN{print t/h}')" \
        "$(awk -v t=$((p1 - p0)) -v h="$TICK" 'BEGIN{print t/h}')" \
        "$ahwm" "$phwm" "$((l1 - l0))" "${st[execs]:-}" "${st[serial_gaps]:-}" \
        "${st[events_abandoned]:-}" "${st[records_skipped]:-}" "${st[alert_latency_us_p50]:-}" \
        "${st[alert_latency_us_p99]:-}" "${ld[stubs]:-}" "${ld[alerts]:-}" "${ld[missing]:-}" \
        "${ld[duplicates]:-}" "${ld[latency_p50_us]:-}" "${ld[latency_p99_us]:-}" \
        "${ld[record_latency_p50_us]:-}" "${ld[record_latency_p99_us]:-}" "$off" "$off0" \
        "$load" "${ld[records]:-}" "${ld[reads]:-}" "${ld[probe_latency_p50_us]:-}" \
        "${ld[probe_latency_p99_us]:-}" "$([ -n "$pid" ] && echo $((w1 - w0)))" \
        "${st[reads]:-}" "${st[read_waits]:-}" "${st[read_burst]:-}" "${st[read_interval_us]:-}" \
        "$log_execs" "$floor" "${ld[offline_loaded_cpu_s]:-}" "${ld[floor_loaded_cpu_s]:-}" \
        "${ld[offline_empty_loaded_cpu_s]:-}" "${ld[loaded_turns]:-}" >>"$RESULTS"
}

say "configurations: $CONFIGS; rates: $RATES; $SECONDS_PER_RUN s per run; $ROUNDS rounds; binary $BINARY"
echo "start: $(date -u '+%F %T UTC'), load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores" >"$OUT/load.txt"
echo "platform costs at the start (CPU us): $("$WORK/platform_costs")" >>"$OUT/load.txt"
for round in $(seq "$ROUNDS"); do
    for rate in $RATES; do
        for config in $CONFIGS; do
            run_one "$config" "$rate" "$round" || say "$config rate $rate round $round FAILED"
        done
    done
done
echo "end: $(date -u '+%F %T UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load.txt"
echo "platform costs at the end (CPU us): $("$WORK/platform_costs")" >>"$OUT/load.txt"
python3 "$HERE/live_report.py" "$RESULTS" | tee "$OUT/table.md"
cat "$OUT/load.txt"
