#!/usr/bin/env bash
# audisp-eql benchmark: floor (bare libauparse) vs audisp-eql configurations vs Laurel.
#
#   tests/bench/run_bench.sh [--events N] [--runs N] [--cpu C] [--big] [--no-laurel]
#                            [--no-variants] [--out DIR] [--from-head]
#
# --from-head builds a snapshot of the committed HEAD (git archive -> OUT/src, OUT/build) instead of
# the working tree (build-bench/): use it while others have uncommitted edits in the tree.
# --binary PATH times an already built audisp-eql (no build).
# Builds what it needs (Release, build-bench/), generates deterministic streams with
# gen_stream.py (ENRICHED 100k execs; RAW and 5000 events/s variants; one with about as many file
# and network events as execs, --file-net 1; 1M with --big), times each
# configuration pinned to one core (taskset), in --runs interleaved rounds (every configuration
# once per round), takes the median, and checks the alerts of every audisp-eql run against the
# generator's ground truth (exit 1 on any mismatch).
# Prints a markdown table (also written to OUT/table.md).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
EVENTS=100000
RUNS=3
CPU=1
BIG=0
LAUREL=1
VARIANTS=1
FROM_HEAD=0
BINARY=""
OUT=/tmp/audisp-eql-bench
UPSTREAM=/work/shared/rules-upstream/linux
while [ $# -gt 0 ]; do
    case "$1" in
        --events) EVENTS=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --cpu) CPU=$2; shift 2 ;;
        --big) BIG=1; shift ;;
        --no-laurel) LAUREL=0; shift ;;
        --no-variants) VARIANTS=0; shift ;;
        --out) OUT=$2; shift 2 ;;
        --upstream) UPSTREAM=$2; shift 2 ;;
        --from-head) FROM_HEAD=1; shift ;;
        --binary) BINARY=$2; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$OUT"
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "need /usr/bin/time (apt-get install time)" >&2; exit 2; }
command -v taskset >/dev/null || { echo "need taskset (util-linux)" >&2; exit 2; }

# ---- build --------------------------------------------------------------------------------
# AUDISP_EQL_WERROR=OFF: GCC 12 -O3 reports a false -Werror=restrict in plugin/eql/ast.cpp.
SRC=$ROOT
BUILD=$ROOT/build-bench
if [ -n "$BINARY" ]; then
    EQL=$BINARY
else
if [ "$FROM_HEAD" = 1 ]; then
    SRC=$OUT/src
    BUILD=$OUT/build
    rm -rf "$SRC" && mkdir -p "$SRC"
    git -C "$ROOT" archive HEAD | tar -x -C "$SRC"
    echo "source: HEAD $(git -C "$ROOT" rev-parse --short HEAD)" >&2
fi
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DAUDISP_EQL_WERROR=OFF \
      -DAUDISP_EQL_TESTS=OFF >"$OUT/cmake.log" 2>&1
cmake --build "$BUILD" --target audisp-eql -j2 >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }
EQL=$BUILD/plugin/audisp-eql
fi
cc -O2 -Wall -o "$OUT/floor" "$HERE/floor.c" -lauparse

# ---- streams ------------------------------------------------------------------------------
gen() {  # name args...
    local name=$1; shift
    if [ ! -s "$OUT/$name.log" ] || [ ! -s "$OUT/$name.truth" ]; then
        python3 "$HERE/gen_stream.py" "$@" -o "$OUT/$name.log" --truth "$OUT/$name.truth"
    fi
}
gen enriched --events "$EVENTS" --seed 42 --rate 500 --format enriched
if [ "$VARIANTS" = 1 ]; then
    gen raw --events "$EVENTS" --seed 42 --rate 500 --format raw
    gen rate5000 --events "$EVENTS" --seed 43 --rate 5000 --format enriched
fi
[ "$BIG" = 1 ] && gen big --events $((EVENTS * 10)) --seed 44 --rate 500 --format enriched
gen filenet --events "$EVENTS" --seed 46 --rate 500 --format enriched --file-net 1.0

# ---- timing -------------------------------------------------------------------------------
ROWS=()
FAIL=0
median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

# Configurations are registered first and then run in rounds, each round running every
# configuration once, so that a slow spell of this shared VM hits all of them alike instead of
# whichever happened to be running (ratios are only meaningful between neighbours in time).
LABELS=(); STREAMS=(); ALERTS=(); CMDS=()
# bench LABEL STREAM ALERTFILE|- CMD...  (stdin = the stream; a stream's floor comes first)
bench() {
    local label=$1 stream=$2 alerts=$3; shift 3
    LABELS+=("$label"); STREAMS+=("$stream"); ALERTS+=("$alerts"); CMDS+=("$(printf '%q ' "$@")")
}

declare -A WALLS CPUS RSS CHECKS
run_once() {  # INDEX
    local i=$1 label=${LABELS[$1]} stream=${STREAMS[$1]} alerts=${ALERTS[$1]} w u s m uniq=""
    if [ "${label#*all rules}" != "$label" ]; then uniq=--unique; fi
    [ "$alerts" != - ] && rm -f "$alerts"
    rm -f "$OUT/events.ndjson"
    if ! eval "$TIME -f '%e %U %S %M' -o '$OUT/time.txt' taskset -c '$CPU' ${CMDS[$i]}" \
        <"$OUT/$stream.log" >"$OUT/stdout.txt" 2>"$OUT/stderr.txt"; then
        echo "$label: command failed"; cat "$OUT/stderr.txt"; FAIL=1; return
    fi
    read -r w u s m <"$OUT/time.txt"
    WALLS[$i]+="$w "; CPUS[$i]+="$(awk -v u="$u" -v s="$s" 'BEGIN{print u+s}') "; RSS[$i]+="$m "
    if [ "$alerts" != - ]; then
        local check
        if check=$(python3 "$HERE/check_alerts.py" "$OUT/$stream.truth" "$alerts" $uniq); then :; else FAIL=1; fi
        echo "$check" | sed -n '2,$p' >&2
        CHECKS[$i]=$(echo "$check" | head -1)
    fi
}

run_all() {
    local round i
    for round in $(seq "$RUNS"); do
        for i in "${!LABELS[@]}"; do run_once "$i"; done
        echo "round $round of $RUNS done" >&2
    done
    local floor_s="" floor_cpu="" floor_stream=""
    for i in "${!LABELS[@]}"; do
        local stream=${STREAMS[$i]} wall cpu maxrss execs mb
        [ -n "${WALLS[$i]:-}" ] || continue
        wall=$(printf '%s\n' ${WALLS[$i]} | median)
        cpu=$(printf '%s\n' ${CPUS[$i]} | median)
        maxrss=$(printf '%s\n' ${RSS[$i]} | sort -n | tail -1)
        execs=$(python3 -c "import json;print(json.load(open('$OUT/$stream.truth'))['exec_events'])")
        mb=$(stat -c %s "$OUT/$stream.log")
        if [ "$stream" != "$floor_stream" ]; then floor_s=$wall; floor_cpu=$cpu; floor_stream=$stream; fi
        ROWS+=("$(python3 - "${LABELS[$i]}" "$stream" "$wall" "$cpu" "$maxrss" "$execs" "$mb" "$floor_s" "$floor_cpu" "${CHECKS[$i]:-n/a}" <<'EOF'
import sys
label, stream, wall, cpu, rss, execs, size, floor, floor_cpu, check = sys.argv[1:]
wall, cpu, floor, floor_cpu = float(wall), float(cpu), float(floor), float(floor_cpu)
w, c = max(wall, 0.01), max(cpu, 0.01)
print("| %s | %s | %.2f | %.2f | %.0f | %.0f | %.1f | %.1f | %.1f | %.2fx | %.2fx | %s |" % (
    label, stream, wall, cpu, int(execs) / w, int(execs) / c, int(size) / 1e6 / w, int(size) / 1e6 / c,
    int(rss) / 1024, wall / floor, c / max(floor_cpu, 0.01), check))
EOF
)")
        echo "${ROWS[-1]}" >&2
    done
}

SEED_RULES=$ROOT/rules
ALL_RULES=()
if [ -d "$UPSTREAM" ]; then ALL_RULES=(--rules "$UPSTREAM" --rules "$ROOT/rules"); fi
COMMON=(--throttle-alerts 0 --log-level warn)   # throttling would drop true alerts

run_set() {  # STREAM  (floor first: ratios are to the floor of the same stream)
    local st=$1
    bench "floor (libauparse walk)" "$st" - "$OUT/floor"
    bench "audisp-eql, 2 seed rules, JSON alerts" "$st" "$OUT/alerts.json" \
        "$EQL" --input - --rules "$SEED_RULES" --alerts-output "$OUT/alerts.json" "${COMMON[@]}"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT/load.txt"
run_set enriched
if [ ${#ALL_RULES[@]} -gt 0 ]; then
    bench "audisp-eql, all rules ($(ls "$UPSTREAM"/*.toml | wc -l) upstream + seed)" enriched "$OUT/alerts.json" \
        "$EQL" --input - "${ALL_RULES[@]}" --alerts-output "$OUT/alerts.json" "${COMMON[@]}"
else
    echo "NOTE: $UPSTREAM absent: all-rules configuration skipped" >&2
fi
bench "audisp-eql, seed rules + --events-output NDJSON" enriched "$OUT/alerts.json" \
    "$EQL" --input - --rules "$SEED_RULES" --alerts-output "$OUT/alerts.json" \
    --events-output "$OUT/events.ndjson" "${COMMON[@]}"
if [ "$LAUREL" = 1 ] && command -v laurel >/dev/null; then
    mkdir -p "$OUT/laurel"
    cat >"$OUT/laurel/config.toml" <<EOF
directory = "$OUT/laurel"
statusreport-period = 0
[auditlog]
file = "audit.log"
size = 100000000000
generations = 2
[transform]
execve-argv = [ "array" ]
[translate]
universal = false
user-db = false
[enrich]
pid = false
EOF
    bench "Laurel $(laurel --version 2>&1 | awk '{print $NF}') (stdin, JSON to file)" enriched - \
        sh -c "rm -f '$OUT/laurel/audit.log'; exec laurel -c '$OUT/laurel/config.toml'"
else
    echo "NOTE: laurel not installed (or --no-laurel): skipped" >&2
fi
if [ "$VARIANTS" = 1 ]; then
    run_set raw
    run_set rate5000
fi
# File and network records beside the execs: the same configurations, and the file and network
# rules on top (their alerts have no ground truth in the generator: not checked).
run_set filenet
FILE_NET_RULES=()
for d in "$UPSTREAM/../linux-file" "$UPSTREAM/../linux-network"; do
    [ -d "$d" ] && FILE_NET_RULES+=(--rules "$d")
done
if [ ${#ALL_RULES[@]} -gt 0 ] && [ ${#FILE_NET_RULES[@]} -gt 0 ]; then
    bench "audisp-eql, all rules + linux-file + linux-network" filenet - \
        "$EQL" --input - "${ALL_RULES[@]}" "${FILE_NET_RULES[@]}" --alerts-output "$OUT/alerts-fn.json" \
        "${COMMON[@]}"
fi
[ "$BIG" = 1 ] && run_set big
run_all
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load.txt"

{
    echo "| configuration | stream | wall s (median of $RUNS) | cpu s (user+sys, median) | exec ev/s (wall) | exec ev/s (cpu) | MB/s (wall) | MB/s (cpu) | peak RSS MB | vs floor (wall) | vs floor (cpu) | alerts vs truth |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    for s in enriched raw rate5000 big; do
        [ -s "$OUT/$s.log" ] && echo "- \`$s\`: $(stat -c %s "$OUT/$s.log" | awk '{printf "%.0f MB", $1/1e6}'), $(python3 -c "import json;d=json.load(open('$OUT/$s.truth'));print(d['exec_events'],'exec events,',d['noise_events'],'noise events,',d['alert_count'],'true alerts')")"
    done
    cat "$OUT/load.txt"
} | tee "$OUT/table.md"
exit $FAIL
