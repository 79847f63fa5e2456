#!/usr/bin/env bash
# Soak: audisp-eql in plugin mode (stdin, as auditd runs it) fed a generated RAW plugin stream
# (EOE records, pid reuse, PAM/openat noise, attacks) at a steady wall-clock rate for MINUTES,
# with every rule in rules/ and ../shared/rules-upstream/linux when present. Samples the
# plugin's resident memory every 10 s and fails if it grows by more than ALLOWED_MIB after the
# first minute (the process table, rule set and buffers must reach a steady state).
#
#   tests/soak/soak.sh BINARY [MINUTES=30] [EVENTS_PER_SECOND=2000] [ALLOWED_MIB=4]
#
# Writes WORK/rss.csv (seconds,rss_kib) and prints a summary; the plugin's final stats line
# (alerts, table size, latency) is in WORK/plugin.log.
set -euo pipefail
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
MINUTES=${2:-30}
RATE=${3:-2000}
ALLOWED_MIB=${4:-4}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /tmp/audisp-eql-soak.XXXXXX)
echo "soak: work dir $WORK"

mkdir -p "$WORK/rules"
cp "$ROOT"/rules/*.toml "$WORK/rules/"
if [ -d "$ROOT/../shared/rules-upstream/linux" ]; then
    cp "$ROOT"/../shared/rules-upstream/linux/*.toml "$WORK/rules/"
fi

# Enough events for the duration (about 2.3 audit events per exec in the generated stream).
EXECS=$(( RATE * MINUTES * 60 / 2 ))
python3 "$ROOT/tests/bench/gen_stream.py" --events "$EXECS" --seed 9 --rate "$RATE" \
        --format raw --plugin -o - 2>"$WORK/gen.err" |
    timeout $(( MINUTES * 60 + 30 )) python3 "$HERE/pace.py" "$RATE" 2>"$WORK/pace.log" |
    "$BIN" --rules "$WORK/rules" --alerts-output "$WORK/alerts.ndjson" --throttle-alerts 0 \
           --stats-interval 60 2>"$WORK/plugin.log" &
PIPE_PID=$!
sleep 2
PID=$(pgrep -n -f "$BIN --rules $WORK/rules") || { cat "$WORK/plugin.log"; exit 1; }
echo "seconds,rss_kib" > "$WORK/rss.csv"
end=$(( SECONDS + MINUTES * 60 ))
start=$SECONDS
while [ $SECONDS -lt $end ] && kill -0 "$PID" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status" 2>/dev/null || true)
    [ -n "$rss" ] && echo "$(( SECONDS - start )),$rss" >> "$WORK/rss.csv"
    sleep 10
done
kill "$PID" 2>/dev/null || true
wait "$PIPE_PID" 2>/dev/null || true

python3 - "$WORK/rss.csv" "$ALLOWED_MIB" "$MINUTES" <<'PY'
import csv, sys
rows = [(int(r["seconds"]), int(r["rss_kib"])) for r in csv.DictReader(open(sys.argv[1]))]
allowed, minutes = float(sys.argv[2]), float(sys.argv[3])
settled = [kib for s, kib in rows if s >= 60]
if not settled or rows[-1][0] < minutes * 60 - 30:
    print("soak: FAIL: the plugin did not run for the whole soak (%d samples)" % len(rows))
    sys.exit(1)
base, top, last = settled[0], max(settled), settled[-1]
print("soak: %d samples over %d s; RSS after 1 min %.1f MiB, max %.1f MiB, last %.1f MiB"
      % (len(rows), rows[-1][0], base / 1024, top / 1024, last / 1024))
if (top - base) / 1024 > allowed:
    print("soak: FAIL: RSS grew by %.1f MiB (allowed %.0f)" % ((top - base) / 1024, allowed))
    sys.exit(1)
print("soak: OK: flat within %.1f MiB" % ((top - base) / 1024))
PY
cat "$WORK/pace.log"
grep "stats:" "$WORK/plugin.log" | tail -1
echo "soak: alerts $(wc -l < "$WORK/alerts.ndjson")"
