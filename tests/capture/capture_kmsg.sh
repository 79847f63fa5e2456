#!/bin/bash
# capture_kmsg.sh OUT - the kernel's own audit lines, as dmesg shows them when no auditd runs
# (the kernel then prints each record with printk: "audit: type=1300 audit(SEC.MS:SERIAL): ...").
# Holds the auditd lock (no private auditd of a test may start meanwhile), refuses to run while
# an auditd is running, enables auditing, adds one execve rule (key kmsg-capture), runs a stub
# named iptables (a copy of /bin/true: the real tool never runs) as `iptables -F`, removes the
# rule (only for execs of files in its temporary folder: other execs of this busy machine would
# use up the kernel's printk rate limit), restores the enabled flag, and keeps the dmesg lines of that exec's event (its serial).
# The kernel rate-limits these printks (printk_ratelimit: 10 lines per 5 s), so one exec of six
# records fits.
set -euo pipefail
OUT=${1:?usage: $0 OUT}
exec 9>/tmp/audisp-auditd.lock
flock 9
if pidof auditd >/dev/null; then echo "auditd runs: the kernel logs to it, not to dmesg" >&2; exit 1; fi
WORK=$(mktemp -d)
enabled=$(auditctl -s | sed -n 's/^enabled //p')
RULE=(always,exit -F arch=b64 -S execve -F dir="$WORK" -k kmsg-capture)
cleanup() { auditctl -d "${RULE[@]}" 2>/dev/null || true
            auditctl -e "$enabled" >/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
cp /bin/true "$WORK/iptables"
auditctl -e 1 >/dev/null
auditctl -a "${RULE[@]}"
sleep 6  # let the rate limit's window pass after auditctl's own CONFIG_CHANGE lines
(cd "$WORK" && PATH="$WORK:$PATH" iptables -F)
sleep 1
dmesg > "$WORK/dmesg"
serial=$(grep 'audit: type=1300 ' "$WORK/dmesg" | grep 'key="kmsg-capture"' | grep 'comm="iptables"' |
         tail -n1 | sed -n 's/.*audit([0-9.]*:\([0-9]*\)).*/\1/p')
[ -n "$serial" ] || { echo "no SYSCALL line of the exec in dmesg" >&2; exit 1; }
grep -F ":$serial): " "$WORK/dmesg" > "$OUT"
wc -l "$OUT"
