#!/bin/bash
# capture.sh - record real kernel audit events for the audisp-eql test data.
#
# Usage (root, auditd installed, kernel audit available):
#   tests/capture/capture.sh [OUTDIR]        # OUTDIR defaults to tests/data
#
# Starts a private auditd (tests/lib/auditd_harness.sh) with the shipped
# rules (rules/audit/audisp-eql.rules), runs the scenario groups of
# scenarios.sh against STUB binaries (copies of /bin/true and tiny scripts
# named iptables, ufw, systemctl, ...; nothing real is ever run and nothing
# is written to /proc/sys), then keeps, per group, only the events of that
# group's audit session (whole events, records untouched):
#
#   OUTDIR/<group>.log          ENRICHED audit.log excerpt per group
#   OUTDIR/noise-window.log     an UNFILTERED window (USER_*, CRED_*, LOGIN,
#                               CONFIG_CHANGE, other processes' events ...)
#   OUTDIR/raw-format.log       log_format = RAW capture of a subset
#   OUTDIR/plugin-stream.txt    what an auditd plugin reads on stdin (EOE
#                               records), for the firewall + forwarding groups
#   OUTDIR/SERIALS.md           generated: every syscall event per file
#
# Each group runs in a new audit session: the runner writes 0 to
# /proc/self/loginuid (auid=root, new ses=N) and execs `bash scenarios.sh
# GROUP`, so its events and all its descendants' carry ses=N while the rest
# of the machine does not. Leaves the machine's audit state as it found it.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
OUT=${1:-$ROOT/tests/data}
PY=${PYTHON:-/usr/bin/python3}
RULES=$ROOT/rules/audit/audisp-eql.rules
EXTRA_RULES=$ROOT/rules/audit/audisp-eql-extra.rules

# shellcheck source=../lib/auditd_harness.sh
. "$ROOT/tests/lib/auditd_harness.sh"
# shellcheck source=capture_lib.sh
. "$HERE/capture_lib.sh"

die() { echo "capture.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"
[ -x "$PY" ] || die "python3 not found at $PY (set PYTHON=)"
mkdir -p "$OUT" || die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd -P)

# A fixed work path keeps the stub paths (and so exe=, PATH name=, args)
# identical between captures.
WORK=/tmp/audisp-eql-capture
capture_workdir "$WORK"

# ---------------------------------------------------------------- stubs
S=$WORK/bin
mkdir -p "$S" "$WORK/proc/sys/net/ipv4" "$WORK/proc/sys/net/ipv6/conf/all"
TRUE_BIN=$(readlink -f /bin/true)
cp "$TRUE_BIN" "$S/xtables-nft-multi"
ln -s xtables-nft-multi "$S/iptables"          # as on current distributions
ln -s xtables-nft-multi "$S/ip6tables"
for n in systemctl service chkconfig sysctl argv-stub capture-step; do cp "$TRUE_BIN" "$S/$n"; done
cp "$(readlink -f /bin/sleep)" "$S/argv-sleep"
cat > "$S/ufw" <<'EOF'
#!/usr/bin/python3
# stub standing in for ufw (a Python script on Debian/Ubuntu): does nothing
import sys
sys.exit(0)
EOF
cat > "$S/fw-helper" <<'EOF'
#!/bin/sh
# stub init-script-like helper: its args (e.g. force-stop) are the parent args
iptables -L
ip6tables -L
EOF
cat > "$S/init.ipv6-global" <<EOF
#!/bin/bash
# stub named like Red Hat's network-scripts helper (excluded parent)
sysctl -w net.ipv6.conf.all.forwarding=1
bash -c "echo 1 > $WORK/proc/sys/net/ipv6/conf/all/forwarding"
EOF
chmod 0755 "$S"/*
printf 'true\n' > "$WORK/noshebang"; chmod 0755 "$WORK/noshebang"   # ENOEXEC -> execvp's /bin/sh fallback
printf '#!/bin/sh\ntrue\n' > "$WORK/notexec"; chmod 0644 "$WORK/notexec"  # EACCES

# ------------------------------------------------------- plugin recorder
A=$WORK/auditd
mkdir -p "$A/plugins.d"
cat > "$A/record-stream.sh" <<'EOF'
#!/bin/sh
# auditd plugin: copy stdin (the event stream) to $1. auditd starts plugins
# with an empty environment and passes at most 2 args.
exec /bin/cat > "$1"
EOF
chmod 0750 "$A/record-stream.sh"
cat > "$A/plugins.d/record-stream.conf" <<EOF
active = yes
direction = out
path = $A/record-stream.sh
type = always
args = $A/stream.txt
format = string
EOF
chmod 0640 "$A/plugins.d/record-stream.conf"

SCEN_ENV=(env -i "PATH=$S:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
          HOME=/root LANG=C.UTF-8 TERM=dumb "CAPTURE_TMP=$WORK" "CAPTURE_SRC=$HERE")

# run_group GROUP : run scenarios.sh GROUP in a new audit session, record its ses
run_group() {
    local g=$1
    echo "capture.sh: group $g" >&2
    capture_in_session "$WORK/$g.ses" "$HERE/scenarios.sh" "$g" || die "group $g failed"
}

cd "$WORK" || die "cd $WORK"     # scenarios' cwd= (except relative-path)

# ------------------------------------------------------ ENRICHED capture
harness_start "$A" "$A/plugins.d" || die "could not start a private auditd"
harness_load_rules "$RULES" || die "could not load $RULES"
harness_sync || die "auditd does not write $HARNESS_LOG"

GROUPS_MAIN=(firewall-disable firewall-service ip-forwarding args-encoding exec-edge pid-reuse)
for g in "${GROUPS_MAIN[@]}"; do run_group "$g"; done

# kill/prctl need the optional rules
harness_load_rules "$EXTRA_RULES" || die "could not load $EXTRA_RULES"
run_group kill-prctl
auditctl -D >/dev/null || die "auditctl -D failed"
harness_load_rules "$RULES" || die "could not reload $RULES"

# unfiltered window: PAM (runuser) records, a watch rule + CONFIG_CHANGE,
# USER markers, and whatever else the machine did meanwhile
harness_mark "audisp-eql-capture noise-window begin"
runuser -u nobody -- "$S/argv-stub" as-nobody   # PAM: USER_ACCT? CRED_ACQ USER_START USER_END CRED_DISP
auditctl -w "$WORK/watched" -p wa -k audisp-eql-capture-watch >/dev/null
echo x > "$WORK/watched"
auditctl -W "$WORK/watched" -p wa -k audisp-eql-capture-watch >/dev/null
harness_mark "audisp-eql-capture noise-window end"
harness_wait_for "audisp-eql-capture noise-window end" || die "noise window end marker missing"
harness_sync || die "sync failed"
harness_stop || die "harness_stop failed"

for g in "${GROUPS_MAIN[@]}" kill-prctl; do
    "$PY" "$HERE/audit_events.py" select --ses "$(cat "$WORK/$g.ses")" "$A/audit.log" "$OUT/$g.log" || die "filter $g"
done
"$PY" "$HERE/audit_events.py" window --begin "audisp-eql-capture noise-window begin" \
    --end "audisp-eql-capture noise-window end" "$A/audit.log" "$OUT/noise-window.log" || die "filter noise"
"$PY" "$HERE/audit_events.py" select --keep-type DAEMON_START --keep-type DAEMON_END \
    --ses "$(cat "$WORK/firewall-disable.ses")" --ses "$(cat "$WORK/ip-forwarding.ses")" \
    "$A/stream.txt" "$OUT/plugin-stream.txt" || die "filter stream"

# ----------------------------------------------------------- RAW capture
R=$WORK/auditd-raw
mkdir -p "$R"
HARNESS_LOG_FORMAT=RAW harness_start "$R" || die "could not start the RAW auditd"
harness_load_rules "$RULES" || die "could not load $RULES"
harness_sync || die "sync failed"
run_group raw-subset
harness_sync || die "sync failed"
harness_stop || die "harness_stop failed"
"$PY" "$HERE/audit_events.py" select --ses "$(cat "$WORK/raw-subset.ses")" "$R/audit.log" "$OUT/raw-format.log" || die "filter raw"

# ------------------------------------------------------------- summary
{
    echo "# Syscall events per capture file (generated by tests/capture/capture.sh)"
    echo
    echo "Kernel $(uname -r), $(auditctl -v 2>&1 | head -1), captured $(date -u +%Y-%m-%dT%H:%M:%SZ)."
    echo
    echo "## Exec events per scenario step"
    echo
    "$PY" "$HERE/audit_events.py" steps "$OUT"/firewall-disable.log "$OUT"/firewall-service.log \
        "$OUT"/ip-forwarding.log "$OUT"/args-encoding.log "$OUT"/exec-edge.log "$OUT"/pid-reuse.log \
        "$OUT"/kill-prctl.log "$OUT"/raw-format.log
    echo
    echo "## All syscall events"
    echo
    echo "\`step\` is the argv[1] of the last \`capture-step\` exec before the event."
    "$PY" "$HERE/audit_events.py" summary "$OUT"/firewall-disable.log "$OUT"/firewall-service.log \
        "$OUT"/ip-forwarding.log "$OUT"/args-encoding.log "$OUT"/exec-edge.log "$OUT"/pid-reuse.log \
        "$OUT"/kill-prctl.log "$OUT"/raw-format.log
} > "$OUT/SERIALS.md"
du -ch "$OUT"/*.log "$OUT"/plugin-stream.txt | tail -1 >&2
echo "capture.sh: done, output in $OUT" >&2
