#!/usr/bin/env bash
# The offline target of issue 18, measured as it is stated: audisp-eql with every upstream linux
# rule on the shared reference stream against the bare libauparse walk (its own target, not a
# unit test).
#
#   tests/bench/reference_bench.sh [--rounds N] [--events N] [--cpu C] [--out DIR]
#                                  [--shared DIR] BINARY [BINARY...]
#
# Generates the stream with ../shared/perf/gen_audit.py (100k execs, seed 42, ENRICHED), builds
# ../shared/perf/auparse_floor.c, and times, pinned to one core, the floor (`auparse_floor walk`)
# and each BINARY (`--input STREAM`, the upstream linux rules and rules/, alerts to a file) in N
# interleaved rounds (every program once per round). CPU time is user+sys.
# This VM's speed changes from one minute to the next (the floor alone has spread 0.82-1.51 s in
# one session), more than the differences measured, so two summaries are printed:
#   median of the per-round ratios BINARY/floor (a round's programs run within seconds);
#   ratio of the minima (noise only ever adds time: each program's best run is its least
#   disturbed one).
# Every BINARY's alerts must be byte-identical to the first one's (exit 1 otherwise).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ROUNDS=8 EVENTS=100000 CPU=1 OUT=/tmp/reference-bench SHARED=$ROOT/../shared
BINARIES=()
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) ROUNDS=$2; shift 2 ;;
        --events) EVENTS=$2; shift 2 ;;
        --cpu) CPU=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --shared) SHARED=$2; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        -*) echo "reference_bench: unknown option $1" >&2; exit 2 ;;
        *) BINARIES+=("$1"); shift ;;
    esac
done
[ ${#BINARIES[@]} -gt 0 ] || { echo "usage: $0 [options] BINARY [BINARY...]" >&2; exit 2; }
for b in "${BINARIES[@]}"; do [ -x "$b" ] || { echo "reference_bench: $b is not executable" >&2; exit 2; }; done
for f in perf/gen_audit.py perf/auparse_floor.c rules-upstream/linux; do
    [ -e "$SHARED/$f" ] || { echo "reference_bench: $SHARED/$f missing (--shared DIR)" >&2; exit 2; }
done
mkdir -p "$OUT"
STREAM=$OUT/reference-$EVENTS.log
if [ ! -s "$STREAM" ]; then
    python3 "$SHARED/perf/gen_audit.py" --events "$EVENTS" --seed 42 --format enriched \
        -o "$STREAM" --meta "$OUT/reference-$EVENTS.meta" >/dev/null 2>&1
fi
cc -O2 -o "$OUT/auparse_floor" "$SHARED/perf/auparse_floor.c" -lauparse

# cpu_seconds FILE: user+sys of the last timed command
cpu_seconds() { awk '{printf "%.3f", $1 + $2}' "$1"; }
timed() {  # timed NAME STDOUT COMMAND...: runs pinned, prints CPU seconds
    local name=$1 out=$2; shift 2
    /usr/bin/time -f "%U %S" -o "$OUT/$name.time" taskset -c "$CPU" "$@" >"$out" 2>"$OUT/$name.err" ||
        { echo "reference_bench: $name failed:" >&2; cat "$OUT/$name.err" >&2; exit 1; }
    cpu_seconds "$OUT/$name.time"
}
RESULTS=$OUT/rounds.tsv
: >"$RESULTS"
for round in $(seq "$ROUNDS"); do
    line="$round	$(timed floor /dev/null "$OUT/auparse_floor" walk <"$STREAM")"
    for i in "${!BINARIES[@]}"; do
        line+="	$(timed "bin$i" "$OUT/alerts-$i.json" "${BINARIES[$i]}" --input "$STREAM" \
            --throttle-alerts 0 --log-level error --pin-created 1764666000 \
            --rules "$SHARED/rules-upstream/linux" --rules "$ROOT/rules")"
        cmp -s "$OUT/alerts-0.json" "$OUT/alerts-$i.json" ||
            { echo "reference_bench: ${BINARIES[$i]}'s alerts differ from ${BINARIES[0]}'s" >&2; exit 1; }
    done
    echo "$line	$(cut -d' ' -f1 /proc/loadavg)" >>"$RESULTS"
    echo "round $round: $(tail -n 1 "$RESULTS" | cut -f2- | tr '\t' ' ') (floor, binaries..., load)"
done
echo "alerts: $(wc -l <"$OUT/alerts-0.json") per run, identical for every binary"
python3 - "$RESULTS" "${BINARIES[@]}" <<'EOF'
import statistics, sys
rows = [[float(x) for x in line.split("\t")] for line in open(sys.argv[1]) if line.strip()]
names = sys.argv[2:]
floor = [r[1] for r in rows]
print(f"floor: min {min(floor):.2f} s, median {statistics.median(floor):.2f} s, "
      f"loads {min(r[-1] for r in rows):.2f}-{max(r[-1] for r in rows):.2f}")
for i, name in enumerate(names):
    times = [r[2 + i] for r in rows]
    ratios = sorted(t / f for t, f in zip(times, floor))
    print(f"{name}: min {min(times):.2f} s, median {statistics.median(times):.2f} s; per-round "
          f"ratio median {statistics.median(ratios):.3f}x (range {ratios[0]:.3f}-{ratios[-1]:.3f}, "
          f"{sum(r <= 1.3 for r in ratios)} of {len(ratios)} rounds <= 1.3x); "
          f"ratio of minima {min(times) / min(floor):.3f}x")
EOF
