#!/bin/bash
# capture_file_net.sh - record real kernel audit events of file and network syscalls for the
# audisp-eql test data (tests/data/{file-events,network-events,file-rules,network-rules}.log).
#
# Usage (root, auditd installed): flock /tmp/audisp-auditd.lock tests/capture/capture_file_net.sh [OUTDIR]
#
# With GENERATED_RULES_FROM=BINARY and GENERATED_RULES_FOR=RULES_DIR, the file and socket rules
# loaded are instead those `BINARY --print-audit-rules --rules RULES_DIR` derives (watches under
# the chroot, via --audit-rules-root), and only the file-rules group runs (tests/e2e).
#
# Starts a private auditd (tests/lib/auditd_harness.sh) with rules/audit/audisp-eql.rules and
# rules/audit/audisp-eql-file-net.rules, runs the groups of scenarios_file_net.sh, each in an
# audit session of its own, and keeps per group only that session's events (whole, untouched;
# audit_events.py select). Files are made only under /tmp/audisp-eql-fncapture (a chroot there
# stands in for /etc, /usr, /var); network traffic stays on loopback or in a namespace made for
# the scenario. Leaves the machine's audit state as it found it.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
OUT=${1:-$ROOT/tests/data}
PY=${PYTHON:-/usr/bin/python3}

# shellcheck source=../lib/auditd_harness.sh
. "$ROOT/tests/lib/auditd_harness.sh"
# shellcheck source=capture_lib.sh
. "$HERE/capture_lib.sh"

die() { echo "capture_file_net.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd -P) || die "cannot create $OUT"

WORK=/tmp/audisp-eql-fncapture
capture_workdir "$WORK"

# ------------------------------------------------------------ programs
B=$WORK/bin N=$WORK/named R=$WORK/root T=$WORK/t
mkdir -p "$B" "$N" "$R" "$T/sub"
gcc -static -O2 -o "$B/fsnetops" "$HERE/fsnetops.c" || die "cannot build fsnetops"
cp "$(readlink -f /bin/true)" "$B/capture-step"
for name in claude ssh mv chflags kworker-evil sh ollama; do cp "$B/fsnetops" "$N/$name"; done

# ---------------------------------------------- the chroot's tree, made before auditing starts
for d in tmp root/.ssh root/.kube root/.config/autostart usr/bin usr/lib/python3/dist-packages \
    usr/lib/python3.11 usr/lib/dracut/modules.d usr/sap/sap.com/app/servlet_jsp/irj/root lib64 \
    lib/security var/log/apache2 var/spool/cron/atjobs vmfs etc/cron.d etc/init.d etc/selinux \
    etc/ssl/certs etc/systemd/system/ssh.service.d etc/systemd/system-generators \
    etc/apt/apt.conf.d etc/dbus-1/system.d etc/dnf/plugins etc/default etc/kubernetes/manifests \
    etc/modprobe.d etc/update-motd.d etc/NetworkManager/dispatcher.d etc/pam.d \
    etc/polkit-1/rules.d etc/udev/rules.d etc/yum/pluginconf.d etc/sudoers.d srv/repo/.git/hooks \
    srv/woot/etc srv/woot2/etc tmp/cg var/www/wp-content/plugins; do
    mkdir -p "$R/$d"
done
chmod 1777 "$R/tmp"
for f in root/.ssh/authorized_keys root/.ssh/authorized_keys.bak usr/bin/tool usr/bin/tool.tmp \
    var/log/apache2/access.log var/log/apache2/error.log var/log/wtmp var/log/wtmp.1 \
    vmfs/disk.vmdk vmfs/other.vmdk etc/ssl/certs/evil.pem etc/ssl/certs/readme.txt etc/hosts \
    etc/hosts.new etc/shadow.new etc/nshadow root/notes.txt root/.bashrc; do
    : > "$R/$f"
done
cp "$B/fsnetops" "$R/usr/bin/ssh-keygen"

# Loopback ports nothing listens on, chosen now (never fixed: other tests use loopback too).
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT4=$(free_port) PORT6=$(free_port) CLOSED=$(free_port)

SCEN_ENV=(env -i "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
          HOME=/root LANG=C.UTF-8 TERM=dumb "CAPTURE_TMP=$WORK")

# run_group GROUP [ARGS] : scenarios_file_net.sh GROUP in a new audit session; records its ses
run_group() {
    local g=$1
    echo "capture_file_net.sh: group $g" >&2
    capture_in_session "$WORK/$g.ses" "$HERE/scenarios_file_net.sh" "$@" || die "group $g failed"
}

cd "$WORK" || die "cd $WORK"
A=$WORK/auditd
harness_start "$A" || die "could not start a private auditd"
RULE_FILES=("$ROOT/rules/audit/audisp-eql.rules" "$ROOT/rules/audit/audisp-eql-file-net.rules")
GROUPS_RUN=(file-events network-events file-rules network-rules)
if [ -n "${GENERATED_RULES_FROM:-}" ]; then
    "$GENERATED_RULES_FROM" --print-audit-rules --audit-rules-root "$R" \
        --rules "${GENERATED_RULES_FOR:?GENERATED_RULES_FOR must be set}" > "$OUT/generated.rules" ||
        die "--print-audit-rules failed"
    RULE_FILES=("$ROOT/rules/audit/audisp-eql.rules" "$OUT/generated.rules")
    GROUPS_RUN=(file-rules)
fi
harness_load_rules "${RULE_FILES[@]}" || die "could not load the rules"
harness_sync || die "auditd does not write $HARNESS_LOG"
for g in "${GROUPS_RUN[@]}"; do
    case $g in
        network-events) run_group "$g" "$PORT4" "$PORT6" "$CLOSED" ;;
        network-rules) run_group "$g" "$CLOSED" ;;
        *) run_group "$g" ;;
    esac
done
harness_sync || die "sync failed"
harness_stop || die "harness_stop failed"

for g in "${GROUPS_RUN[@]}"; do
    "$PY" "$HERE/audit_events.py" select --ses "$(cat "$WORK/$g.ses")" "$A/audit.log" "$OUT/$g.log" ||
        die "filter $g"
done
echo "capture_file_net.sh: done (ports $PORT4 $PORT6, closed $CLOSED), output in $OUT" >&2
