#!/bin/bash
# plugin_e2e.sh SOURCE_DIR BUILD_DIR - audisp-eql as an auditd plugin, end to end,
# against the real kernel audit subsystem.
#
#   1. stages an install (DESTDIR=WORK/stage cmake --install BUILD_DIR);
#   2. starts a private rsyslogd on 127.0.0.1:PORT (imudp) writing what it
#      receives to a file;
#   3. starts a private auditd (tests/lib/auditd_harness.sh; any running audit
#      daemon is stopped and restarted afterwards) whose plugin dir holds an
#      audisp-eql entry: the staged binary, `--config WORK/etc/audisp-eql.conf`
#      (rules: a copy of SOURCE_DIR/rules; alerts: udp://127.0.0.1:PORT and a
#      file), and loads rules/audit/audisp-eql.rules;
#   4. runs the scenarios with STUB binaries (copies of /bin/true named
#      iptables, ufw, systemctl, service, chkconfig, sysctl first in PATH: the
#      real tools never run, nothing is written to /proc/sys) and checks that
#      exactly the expected alerts reach rsyslogd, none for the benign commands;
#   5. checks the plugin dropped its capabilities (CapEff = sys_ptrace only);
#   6. measures exec -> alert-at-rsyslog latency over LATENCY_N (50) execs;
#   7. replaces the rules with a broken file and sends SIGHUP: the old rules
#      keep working (one more alert);
#   8. stops auditd: the plugin must exit cleanly (gone, exit logged).
# The machine is restored whatever happens: harness_stop, rsyslogd killed by
# its pid, temporary files removed.
#
# Exit 77 (skipped) when not root. Fails loudly when the kernel refuses audit.
set -u
SRC=$(cd "${1:?usage: $0 SOURCE_DIR BUILD_DIR}" && pwd -P) || exit 1
BUILD=$(cd "${2:?usage: $0 SOURCE_DIR BUILD_DIR}" && pwd -P) || exit 1
LATENCY_N=${LATENCY_N:-50}
WAIT=${E2E_WAIT:-15}   # seconds to wait for alerts

FIREWALL="Attempt to Disable IPTables or Firewall"
FORWARDING="IPv4/IPv6 Forwarding Activity"

say() { printf 'plugin_e2e: %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { say "SKIP: must run as root (auditd)"; exit 77; }
for tool in auditd auditctl rsyslogd python3 logger; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
        { say "FAIL: $tool is not installed (Debian: auditd, rsyslog, python3, bsdutils)"; exit 1; }
done
RSYSLOGD=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)

# shellcheck source=../lib/auditd_harness.sh
. "$SRC/tests/lib/auditd_harness.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/audisp-eql-e2e.XXXXXX") || exit 1
chmod 0755 "$WORK"
RSYSLOG_PID=
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
    harness_stop
    if [ -n "$RSYSLOG_PID" ] && kill -0 "$RSYSLOG_PID" 2>/dev/null; then
        kill -TERM "$RSYSLOG_PID" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$RSYSLOG_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$RSYSLOG_PID" 2>/dev/null
    fi
    if [ "${E2E_KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
export HARNESS_NO_TRAP=1   # cleanup does it

fail=0
bad() { say "FAIL: $*"; fail=1; }

# ------------------------------------------------------------ 1. staged install
STAGE=$WORK/stage
if ! DESTDIR=$STAGE cmake --install "$BUILD" >"$WORK/install.log" 2>&1; then
    cat "$WORK/install.log" >&2; say "FAIL: cmake --install to a staging dir"; exit 1
fi
BIN=$(find "$STAGE" -path '*/sbin/audisp-eql' -type f | head -1)
[ -x "$BIN" ] || { say "FAIL: no sbin/audisp-eql in the staged install"; exit 1; }
[ -e "$STAGE/etc/audit/plugins.d/audisp-eql.conf" ] || bad "staged install lacks etc/audit/plugins.d/audisp-eql.conf"
# auditd insists: the plugin binary root-owned with at least rwxr-x---
chown root:root "$BIN" && chmod 0755 "$BIN"

# ------------------------------------------------------------ stubs and rules
S=$WORK/bin
mkdir -p "$S" "$WORK/etc" "$WORK/rules" "$WORK/rsyslog" "$WORK/out"
TRUE_BIN=$(readlink -f /bin/true)
for n in iptables ufw systemctl service chkconfig sysctl; do cp "$TRUE_BIN" "$S/$n"; done
cat > "$WORK/fw-script" <<'EOF'
# stub init-script-like helper, run as `sh fw-script force-stop`
iptables -L
exit 0
EOF
cp "$SRC"/rules/*.toml "$WORK/rules/" 2>/dev/null
ls "$WORK"/rules/*.toml >/dev/null 2>&1 || { say "FAIL: no rules/*.toml in $SRC"; exit 1; }

# ------------------------------------------------------------ 2. rsyslogd
PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RECEIVED=$WORK/out/received.log
cat > "$WORK/rsyslog.conf" <<EOF
global(workDirectory="$WORK/rsyslog")
module(load="imudp")
template(name="e2e" type="string" string="%timegenerated:::date-rfc3339% %app-name% %msg%\n")
ruleset(name="e2e") {
    action(type="omfile" file="$RECEIVED" template="e2e")
}
input(type="imudp" address="127.0.0.1" port="$PORT" ruleset="e2e")
EOF
( exec setsid "$RSYSLOGD" -n -f "$WORK/rsyslog.conf" -i "$WORK/rsyslog/rsyslogd.pid" \
      </dev/null >"$WORK/rsyslogd.out" 2>&1 ) &
RSYSLOG_PID=$!
probe="e2e-probe-$$-$RANDOM"
ready=0
for _ in $(seq 100); do
    logger -d -n 127.0.0.1 -P "$PORT" -t e2e-probe "$probe" 2>/dev/null
    if grep -qF "$probe" "$RECEIVED" 2>/dev/null; then ready=1; break; fi
    kill -0 "$RSYSLOG_PID" 2>/dev/null || break
    sleep 0.1
done
if [ $ready != 1 ]; then
    cat "$WORK/rsyslogd.out" >&2; say "FAIL: rsyslogd on 127.0.0.1:$PORT did not receive a probe"; exit 1
fi
say "rsyslogd pid $RSYSLOG_PID on udp 127.0.0.1:$PORT"

# ------------------------------------------------------------ 3. auditd + plugin
CONF=$WORK/etc/audisp-eql.conf
cat > "$CONF" <<EOF
# audisp-eql settings for plugin_e2e.sh
rules = $WORK/rules
alerts-output = udp://127.0.0.1:$PORT
# The checks below read args and parent args, which a datagram of the default 2048 bytes cuts
# first (README: syslog-udp-max-bytes); rsyslogd takes 8 KiB.
syslog-udp-max-bytes = 8000
alerts-output = $WORK/out/alerts.ndjson
alerts-format = json
throttle-alerts = 0
log-level = info
EOF
chmod 0644 "$CONF"
PLUGIN_LOG=$WORK/out/plugin.log
PLUGDIR=$WORK/auditd/plugins.d
harness_plugin_entry "$PLUGDIR" "$BIN" "$CONF" "$PLUGIN_LOG" || exit 1

if ! harness_start "$WORK/auditd" "$PLUGDIR"; then
    say "FAIL: could not start a private auditd (if the messages above say the kernel refuses audit: this machine's kernel does not allow audit, and this test cannot run here)"
    exit 1
fi
harness_load_rules "$SRC/rules/audit/audisp-eql.rules" || { say "FAIL: loading the audit rules"; exit 1; }

plugin_pid() {
    local p
    for p in $(ps -o pid= --ppid "$HARNESS_AUDITD_PID" 2>/dev/null); do
        [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$BIN" ] && { echo "$p"; return 0; }
    done
    return 1
}
PID=
for _ in $(seq 150); do
    PID=$(plugin_pid) && grep -q "capabilities dropped\|seeded from /proc" "$PLUGIN_LOG" 2>/dev/null && break
    sleep 0.1
done
if [ -z "$PID" ]; then
    cat "$PLUGIN_LOG" >&2; say "FAIL: auditd did not start the audisp-eql plugin"; exit 1
fi
sleep 0.5
say "plugin pid $PID; stdin: $(readlink "/proc/$PID/fd/0")"
grep -q "capabilities dropped" "$PLUGIN_LOG" || bad "the plugin did not log its capability drop"

# ------------------------------------------------------------ 5. capabilities
cap_eff=$(awk '/^CapEff:/ { print $2 }' "/proc/$PID/status")
cap_bnd=$(awk '/^CapBnd:/ { print $2 }' "/proc/$PID/status")
nnp=$(awk '/^NoNewPrivs:/ { print $2 }' "/proc/$PID/status")
say "plugin CapEff=$cap_eff CapBnd=$cap_bnd NoNewPrivs=$nnp"
# CAP_SYS_PTRACE is bit 19
[ "$cap_eff" = 0000000000080000 ] || bad "plugin CapEff is $cap_eff, expected 0000000000080000 (sys_ptrace only)"
[ "$nnp" = 1 ] || bad "plugin has no_new_privs=$nnp"

# ------------------------------------------------------------ 4. scenarios
export PATH="$S:$PATH"
hash -r
cd "$WORK" || exit 1
# Alerts count only when they name WORK (our stubs' paths, our command lines), so
# that other activity on the machine cannot change the counts.
count_alerts() {   # count_alerts RULE_NAME -> number of our alerts of that rule at rsyslog
    python3 - "$RECEIVED" "$WORK" "$1" <<'EOF'
import json, sys
path, work, rule = sys.argv[1:4]
n = 0
for line in open(path, encoding="utf-8", errors="replace"):
    parts = line.rstrip("\n").split(" ", 2)
    if len(parts) < 3 or parts[1] != "audisp-eql" or work not in parts[2]:
        continue
    try:
        doc = json.loads(parts[2].lstrip("\ufeff"))
    except ValueError:
        continue
    if doc.get("rule", {}).get("name") == rule:
        n += 1
print(n)
EOF
}
wait_alerts() {    # wait_alerts RULE N : until N alerts of RULE, or WAIT seconds
    local deadline=$((SECONDS + WAIT))
    while [ "$(count_alerts "$1")" -lt "$2" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
}

# benign first: none of these may alert
iptables -L
ls "$WORK" >/dev/null
systemctl status firewalld
# malicious
iptables -F
ufw disable
systemctl stop firewalld
sh "$WORK/fw-script" force-stop
sysctl -w net.ipv4.ip_forward=1
bash -c "echo 1 > $WORK/x # /proc/sys/net/ipv4/ip_forward"

wait_alerts "$FIREWALL" 4
wait_alerts "$FORWARDING" 2
sleep 2   # anything extra (an alert for a benign command) would arrive by now
n_fw=$(count_alerts "$FIREWALL")
n_fwd=$(count_alerts "$FORWARDING")
say "alerts at rsyslog: firewall=$n_fw forwarding=$n_fwd"
[ "$n_fw" = 4 ] || bad "expected 4 '$FIREWALL' alerts (iptables -F, ufw disable, systemctl stop firewalld, force-stop parent), got $n_fw"
[ "$n_fwd" = 2 ] || bad "expected 2 '$FORWARDING' alerts (sysctl -w, bash -c echo), got $n_fwd"

# Details: which commands alerted, and the force-stop parent's args.
python3 - "$RECEIVED" "$WORK" <<'EOF' || fail=1
import json, sys
path, work = sys.argv[1:3]
seen = []
for line in open(path, encoding="utf-8", errors="replace"):
    parts = line.rstrip("\n").split(" ", 2)
    if len(parts) < 3 or parts[1] != "audisp-eql" or work not in parts[2]:
        continue
    doc = json.loads(parts[2].lstrip("\ufeff"))
    p = doc.get("process", {})
    seen.append((doc["rule"]["name"], p.get("args"), p.get("parent", {}).get("args")))
ok = True
def expect(cond, what):
    global ok
    if not cond:
        print("plugin_e2e: FAIL: " + what, file=sys.stderr)
        ok = False
args = [s[1] for s in seen]
expect(["iptables", "-F"] in args, "no alert for iptables -F")
expect(["ufw", "disable"] in args, "no alert for ufw disable")
expect(["systemctl", "stop", "firewalld"] in args, "no alert for systemctl stop firewalld")
expect(["sysctl", "-w", "net.ipv4.ip_forward=1"] in args, "no alert for sysctl -w")
expect(any(a and a[:2] == ["bash", "-c"] for a in args), "no alert for bash -c echo")
force = [s for s in seen if s[1] == ["iptables", "-L"]]
expect(len(force) == 1, "expected one alert for iptables -L under force-stop, got %d" % len(force))
if force:
    expect(force[0][2] == ["sh", work + "/fw-script", "force-stop"],
           "force-stop alert has process.parent.args %r" % (force[0][2],))
expect(not any(a and a[0] in ("ls",) for a in args), "an alert for ls")
expect(not any(a == ["systemctl", "status", "firewalld"] for a in args), "an alert for systemctl status")
expect(sum(1 for a in args if a == ["iptables", "-L"]) == 1, "an alert for the benign iptables -L")
for s in seen:
    print("plugin_e2e: alert: %s: args=%s parent.args=%s" % s, file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
# the file sink got the same alerts
n_file=$(grep -c "$WORK" "$WORK/out/alerts.ndjson" 2>/dev/null)
[ "${n_file:-0}" = 6 ] || bad "the file sink has ${n_file:-0} of our alerts, expected 6"

# ------------------------------------------------------------ 6. latency
# Each exec's alert carries the exec's audit time (@timestamp, ms precision); rsyslogd
# stamps the time it received the datagram (us). Latency = received - @timestamp.
before=$(count_alerts "$FIREWALL")
for _ in $(seq "$LATENCY_N"); do iptables -F; sleep 0.05; done
wait_alerts "$FIREWALL" $((before + LATENCY_N))
after=$(count_alerts "$FIREWALL")
[ "$after" = $((before + LATENCY_N)) ] || bad "latency run: $((after - before)) of $LATENCY_N alerts arrived"
python3 - "$RECEIVED" "$WORK" "$LATENCY_N" <<'EOF'
import json, sys
from datetime import datetime
path, work, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
lat = []
for line in open(path, encoding="utf-8", errors="replace"):
    parts = line.rstrip("\n").split(" ", 2)
    if len(parts) < 3 or parts[1] != "audisp-eql" or work not in parts[2]:
        continue
    doc = json.loads(parts[2].lstrip("\ufeff"))
    if doc.get("process", {}).get("args") != ["iptables", "-F"]:
        continue
    got = datetime.fromisoformat(parts[0])
    sent = datetime.fromisoformat(doc["@timestamp"].replace("Z", "+00:00"))
    lat.append((got - sent).total_seconds() * 1000)
lat = sorted(lat[-n:])
if lat:
    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    print("plugin_e2e: LATENCY exec->rsyslog over %d execs: p50=%.1f ms p99=%.1f ms max=%.1f ms"
          % (len(lat), pick(0.50), pick(0.99), lat[-1]), file=sys.stderr)
EOF

# ------------------------------------------------------------ 7. broken reload
rm -f "$WORK"/rules/*.toml
printf 'this is [not a rule\nquery = """process where\n' > "$WORK/rules/broken.toml"
kill -HUP "$PID"
for _ in $(seq 100); do grep -q "reload:" "$PLUGIN_LOG" && break; sleep 0.1; done
sleep 0.5
grep -q "keeping the" "$PLUGIN_LOG" || bad "the plugin did not log that it kept the old rules after a broken reload"
kill -0 "$PID" 2>/dev/null || bad "the plugin died on a broken reload"
before=$(count_alerts "$FIREWALL")
iptables -F
wait_alerts "$FIREWALL" $((before + 1))
after=$(count_alerts "$FIREWALL")
[ "$after" = $((before + 1)) ] || bad "after the broken reload: $((after - before)) new alerts for iptables -F, expected 1"

# ------------------------------------------------------------ 8. clean stop
cd / || exit 1
harness_stop || bad "harness_stop reported a problem"
for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$PID" 2>/dev/null && bad "the plugin (pid $PID) is still running after auditd stopped"
if ! tail -n 5 "$PLUGIN_LOG" | grep -q "end of input from auditd\|stopping on signal"; then
    bad "the plugin did not log a clean exit"
fi
tail -n 5 "$PLUGIN_LOG" | grep -q "stats:" || bad "no final stats line from the plugin"
# The plugin's own share of the latency: the read of an event's last record -> alert handed
# to the sinks (the exec->rsyslog figure above adds the kernel, auditd and rsyslogd).
inside=$(tail -n 5 "$PLUGIN_LOG" | grep -o "alert_latency_us_p50=[0-9]* alert_latency_us_p99=[0-9]* alert_latency_us_max=[0-9]* alert_latency_n=[0-9]*" | tail -1)
[ -n "$inside" ] || bad "the final stats line has no alert latency"
say "LATENCY inside the plugin (read of the last record -> sink): $inside"
grep -E "critical|terminate called|Segmentation" "$PLUGIN_LOG" >&2 && bad "errors in the plugin log"

if [ $fail != 0 ]; then
    say "plugin log ($PLUGIN_LOG):"; tail -n 40 "$PLUGIN_LOG" >&2
    say "received at rsyslog:"; tail -n 20 "$RECEIVED" | cut -c1-300 >&2
    exit 1
fi
say "PASS: alerts under the real auditd, capability drop, broken reload, clean exit"
exit 0
