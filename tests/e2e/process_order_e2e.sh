#!/bin/bash
# process_order_e2e.sh SOURCE_DIR BUILD_DIR ORDER_LAB - parent context under the kernel's real
# record order, captured from the real kernel by this test, checked in plugin mode (the plugin
# under a private auditd) and offline (the same capture replayed).
#
# Scenarios (stubs only: copies of /bin/true, a tiny init-script-like /bin/sh script; two busy
# loops load the CPU beside them):
#   * 20 x `sh -c 'fw-init force-stop; true'` (sh is dash: vfork, so the fork record of fw-init
#     is logged after fw-init's exec; run at SCHED_FIFO on one CPU, so always); fw-init runs `iptables -L` and `ip6tables -L`: 40
#     "Attempt to Disable IPTables or Firewall" alerts, each with fw-init's exact args as parent;
#   * fw-init started by vfork and by posix_spawn from order_lab;
#   * 8 x order_lab exit-race: the parent's exit_group is logged before its child's exec;
#   * order_lab threads 2000: pthread_create (clone3) floods, then a child; replayed with
#     --max-processes 64 the runner shell and order_lab must still be known;
#   * order_lab forks 20 with ~1.8 MB of its own args: children see its args capped at 4 KiB,
#     marked, with the real count.
# CAPTURE_OUT=FILE keeps the capture (the events of the scenarios' audit session, records
# untouched); tests/data/process-order.log was made so (see tests/data/CAPTURES.md).
# Exit 77 when not root. The machine is restored (auditd, rules, loops, files).
set -u
SRC=$(cd "${1:?usage: $0 SOURCE_DIR BUILD_DIR ORDER_LAB}" && pwd -P) || exit 1
BUILD=$(cd "${2:?usage: $0 SOURCE_DIR BUILD_DIR ORDER_LAB}" && pwd -P) || exit 1
ORDER_LAB=${3:?usage: $0 SOURCE_DIR BUILD_DIR ORDER_LAB}
BIN=$BUILD/plugin/audisp-eql
say() { printf 'process_order_e2e: %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { say "SKIP: must run as root (auditd)"; exit 77; }
[ -x "$BIN" ] && [ -x "$ORDER_LAB" ] || { say "FAIL: $BIN or $ORDER_LAB missing"; exit 1; }
[ "$(readlink -f /bin/sh)" = "$(readlink -f /bin/dash)" ] ||
    say "note: /bin/sh is not dash here; the vfork ordering then comes from order_lab only"

# shellcheck source=../lib/auditd_harness.sh
. "$SRC/tests/lib/auditd_harness.sh"

# A fixed, root-owned path (not under the world-writable /tmp: plugin mode checks the folders
# above its config) keeps the stub paths, and so the capture, the same from run to run.
WORK=/run/audisp-eql-order
rm -rf "$WORK"
mkdir -m 0755 "$WORK" || exit 1
LOOPS=()
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
    local p
    for p in "${LOOPS[@]}"; do kill "$p" 2>/dev/null; done
    harness_stop
    if [ "${E2E_KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export HARNESS_NO_TRAP=1

# ------------------------------------------------------------ stubs
S=$WORK/bin
mkdir -p "$S" "$WORK/out" "$WORK/etc"
cp "$(readlink -f /bin/true)" "$S/xtables-nft-multi"
cp "$(readlink -f /bin/true)" "$S/leaf"
ln -s xtables-nft-multi "$S/iptables"
ln -s xtables-nft-multi "$S/ip6tables"
cp "$ORDER_LAB" "$S/order_lab"
cat > "$S/fw-init" <<'EOF'
#!/bin/sh
# stub init-script-like helper: `fw-init force-stop` lists the (stub) firewall rules
iptables -L
ip6tables -L
EOF
chmod 0755 "$S"/*

# ------------------------------------------------------------ auditd + plugin
CONF=$WORK/etc/audisp-eql.conf
cat > "$CONF" <<EOF
rules = $SRC/rules
alerts-output = $WORK/out/plugin-alerts.ndjson
alerts-format = json
throttle-alerts = 0
events-output = $WORK/out/plugin-events.ndjson
log-level = info
EOF
chmod 0644 "$CONF"
PLUGIN_LOG=$WORK/out/plugin.log
PLUGDIR=$WORK/auditd/plugins.d
harness_plugin_entry "$PLUGDIR" "$BIN" "$CONF" "$PLUGIN_LOG" || exit 1
harness_start "$WORK/auditd" "$PLUGDIR" || { say "FAIL: could not start a private auditd"; exit 1; }
harness_load_rules "$SRC/rules/audit/audisp-eql.rules" || { say "FAIL: loading audit rules"; exit 1; }
for _ in $(seq 150); do
    grep -q "seeded from /proc" "$PLUGIN_LOG" 2>/dev/null && break
    sleep 0.1
done
grep -q "seeded from /proc" "$PLUGIN_LOG" || { cat "$PLUGIN_LOG" >&2; say "FAIL: plugin not started"; exit 1; }

# ------------------------------------------------------------ scenarios (own audit session)
PAD=$(head -c 100000 /dev/zero | tr '\0' 'p')
cat > "$WORK/scenario.sh" <<EOF
export PATH="$S:\$PATH"
cd "$WORK"
sh -c 'while :; do :; done' & echo \$! > "$WORK/loop1.pid"
sh -c 'while :; do :; done' & echo \$! > "$WORK/loop2.pid"
# SCHED_FIFO on one CPU: a vfork parent woken by its child's exec waits behind the child,
# which is not preempted by an equal FIFO priority, so the child's exec record is always logged
# before the parent's vfork record (on an idle machine the parent ran on the other CPU first).
for i in \$(seq 20); do taskset -c 1 chrt -f 10 sh -c 'fw-init force-stop; true'; done
order_lab vfork "$S/fw-init" force-stop via-vfork
order_lab spawn "$S/fw-init" force-stop via-spawn
for i in \$(seq 8); do order_lab exit-race "$S/leaf" "exit-race-child-\$i"; sleep 0.3; done
order_lab threads 2000 "$S/leaf" threads-child
leaf after-threads
order_lab forks 20 "$S/leaf" big-child -- $(for _ in $(seq 18); do printf '%s ' "$PAD"; done)
kill "\$(cat "$WORK/loop1.pid")" "\$(cat "$WORK/loop2.pid")"
EOF
# A new audit session (auid root, new ses) for the scenarios and everything they start.
bash -c 'echo 0 > /proc/self/loginuid && awk "{print \$1}" /proc/self/sessionid > "$1" &&
         exec bash "$2"' _ "$WORK/ses" "$WORK/scenario.sh" || { say "FAIL: scenarios"; exit 1; }
SES=$(cat "$WORK/ses")
harness_mark "process-order-e2e end $$"
harness_wait_for "process-order-e2e end $$" || say "warning: end marker not seen in audit.log"
sleep 2   # the plugin's alerts and events reach their files
harness_stop   # the plugin sees EOF and flushes
CAPTURE=$WORK/out/capture.log
python3 "$SRC/tests/capture/audit_events.py" select --ses "$SES" "$HARNESS_LOG" "$CAPTURE" ||
    { say "FAIL: selecting session $SES"; exit 1; }
[ -n "${CAPTURE_OUT:-}" ] && cp "$CAPTURE" "$CAPTURE_OUT" && say "capture kept in $CAPTURE_OUT"

# ------------------------------------------------------------ checks
fail=0
check() {   # check LABEL EVENTS ALERTS
    say "checking $1"
    python3 "$SRC/tests/e2e/check_process_order.py" "$WORK" "$2" "$3" "$CAPTURE" || fail=1
}
check "plugin mode under auditd" "$WORK/out/plugin-events.ndjson" "$WORK/out/plugin-alerts.ndjson"
"$BIN" --input "$CAPTURE" --rules "$SRC/rules" --alerts-format json --throttle-alerts 0 \
    --events-output "$WORK/out/offline-events.ndjson" > "$WORK/out/offline-alerts.ndjson" ||
    { say "FAIL: offline run"; fail=1; }
check "offline replay" "$WORK/out/offline-events.ndjson" "$WORK/out/offline-alerts.ndjson"
"$BIN" --input "$CAPTURE" --rules "$SRC/rules" --alerts-format json --throttle-alerts 0 \
    --max-processes 64 --events-output "$WORK/out/small-events.ndjson" \
    > "$WORK/out/small-alerts.ndjson" || { say "FAIL: offline run, 64 processes"; fail=1; }
check "offline replay with --max-processes 64" "$WORK/out/small-events.ndjson" \
    "$WORK/out/small-alerts.ndjson"
[ $fail = 0 ] && say "PASS"
exit $fail
