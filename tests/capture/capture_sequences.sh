#!/bin/bash
# capture_sequences.sh - record real kernel audit events for the sequence rule tests.
#
# Usage (root, auditd installed; hold /tmp/audisp-auditd.lock with flock):
#   flock /tmp/audisp-auditd.lock tests/capture/capture_sequences.sh [OUTDIR]
#
# Writes OUTDIR/sequence-ps-strings.log (default tests/data): the events of one audit session
# that runs, for the upstream rule "Potential Linux Credential Dumping via Proc Filesystem"
# (`sequence by host.id, process.parent.name with maxspan=1m [ps -eo pid command]
# [strings /tmp/*]`), one scenario that fires and four near misses. Each scenario runs under
# its own copy of bash with its own name, so that process.parent.name keeps them apart:
#
#   shell-fire   ps -eo pid command; strings /tmp/dump       fires
#   shell-order  strings /tmp/dump; ps -eo pid command       out of order
#   shell-a/-b   ps ... under shell-a, strings ... under -b  different join key
#   shell-late   ps ...; sleep 61; strings /tmp/dump         beyond maxspan (1m)
#   shell-miss   ps -eo pid command                          one stage missing
#
# ps and strings are STUBS (copies of /bin/true) in a temp folder first in PATH. Every
# command line ends in `:` so bash forks the last command instead of exec'ing in place
# (which would make the scenario shell's own parent the parent).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
OUT=${1:-$ROOT/tests/data}
RULES=$ROOT/rules/audit/audisp-eql.rules
# shellcheck source=../lib/auditd_harness.sh
. "$ROOT/tests/lib/auditd_harness.sh"

die() { echo "capture_sequences.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"
OUT=$(cd "$OUT" && pwd -P) || die "no $OUT"
WORK=/tmp/audisp-eql-seqcap
mkdir -m 0755 "$WORK" || die "$WORK exists (another capture running, or a leftover)"
cleanup() {
    harness_stop
    cd / && rm -rf "$WORK"
}
trap cleanup EXIT
export HARNESS_NO_TRAP=1

S=$WORK/bin
mkdir -p "$S"
TRUE_BIN=$(readlink -f /bin/true)
for n in ps strings; do cp "$TRUE_BIN" "$S/$n"; done
for n in shell-fire shell-order shell-a shell-b shell-late shell-miss; do
    cp "$(readlink -f /bin/bash)" "$S/$n"
done
chmod 0755 "$S"/*

harness_start "$WORK/auditd" || die "could not start a private auditd"
harness_load_rules "$RULES" || die "could not load $RULES"
harness_sync || die "auditd does not write $HARNESS_LOG"

cd "$WORK" || die "cd $WORK"
# One new audit session (loginuid written) for all scenarios: its ses= selects them.
# shellcheck disable=SC2016  # expanded by the inner shell
env -i "PATH=$S:/usr/bin:/bin" HOME=/root LANG=C.UTF-8 /bin/bash -c '
    echo 0 > /proc/self/loginuid || exit 1
    cat /proc/self/sessionid > "$1"
    [ "$(command -v ps)" = "$2/ps" ] && [ "$(command -v strings)" = "$2/strings" ] || exit 1
    shell-fire -c "ps -eo pid command; strings /tmp/dump; :"
    shell-order -c "strings /tmp/dump; ps -eo pid command; :"
    shell-a -c "ps -eo pid command; :"
    shell-b -c "strings /tmp/dump; :"
    shell-miss -c "ps -eo pid command; :"
    shell-late -c "ps -eo pid command; sleep 61; strings /tmp/dump; :"
' runner "$WORK/ses" "$S" || die "scenarios failed"
harness_sync || die "sync failed"
harness_stop || die "harness_stop failed"
/usr/bin/python3 "$HERE/audit_events.py" select --ses "$(cat "$WORK/ses")" \
    "$WORK/auditd/audit.log" "$OUT/sequence-ps-strings.log" || die "filter"
echo "capture_sequences.sh: wrote $OUT/sequence-ps-strings.log" >&2
