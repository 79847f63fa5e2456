#!/bin/bash
# file_check.sh BINARY SOURCE_DIR - plugin mode (root, no --input) refuses config and
# rule files that a user other than root could change; offline analysis and non-root
# users are never refused. Runs the binary in plugin mode with standard input at EOF,
# so it starts, drops its capabilities and exits. Exit 77 (skipped) when not root.
set -u
BIN=$(readlink -f "${1:?usage: $0 BINARY SOURCE_DIR}")
SRC=${2:?usage: $0 BINARY SOURCE_DIR}
[ "$(id -u)" = 0 ] || { echo "SKIP: must run as root" >&2; exit 77; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/audisp-eql-filecheck.XXXXXX") || exit 1
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

reset() {   # a safe layout: everything root-owned, writable by root only
    rm -rf "$WORK/t"
    mkdir -p "$WORK/t/rules"
    cp "$SRC"/rules/*.toml "$WORK/t/rules/"
    printf 'rules = %s\nalerts-output = %s\n' "$WORK/t/rules" "$WORK/t/alerts.ndjson" > "$WORK/t/conf"
    chown -R root:root "$WORK" && chmod -R go-w "$WORK" && chmod 0755 "$WORK" "$WORK/t"
}
live() {    # live [PREFIX...] : run plugin mode with stdin at EOF; sets rc and out
    out=$("$@" "$BIN" --config "$WORK/t/conf" </dev/null 2>&1); rc=$?
}
expect_refused() {   # expect_refused WHAT PATTERN
    live
    if [ "$rc" != 2 ] || ! grep -q "refusing.*$2" <<<"$out"; then
        bad "$1: expected a refusal matching '$2' (exit 2), got exit $rc: $out"
    else
        echo "ok: $1 refused: $(grep -m1 refusing <<<"$out" | sed 's/.*refusing/refusing/')"
    fi
}

reset; live
[ "$rc" = 0 ] || bad "safe layout: exit $rc: $out"
grep -q "capabilities dropped" <<<"$out" || bad "safe layout: no capability drop logged: $out"
[ $fail = 0 ] && echo "ok: safe layout accepted"

reset; chmod o+w "$WORK/t/rules/"*.toml
expect_refused "world-writable rule file" "writable by others"
reset; chown 65534 "$(find "$WORK/t/rules" -name '*.toml' | head -1)"
expect_refused "rule file owned by nobody" "owned by uid 65534"
reset; chgrp 65534 "$WORK/t/conf"; chmod g+w "$WORK/t/conf"
expect_refused "config writable by a non-root group" "writable by group 65534"
reset; chmod g+w "$WORK/t/conf"
live
[ "$rc" = 0 ] || bad "config writable by group root should be accepted, exit $rc: $out"
reset; chmod 0777 "$WORK/t"
expect_refused "rules in a world-writable folder" "its folder"
reset; chmod 1777 "$WORK/t"
live
[ "$rc" = 0 ] || bad "a sticky world-writable folder (like /tmp) should be accepted, exit $rc: $out"
reset; chmod o+w "$WORK/t/rules"
expect_refused "world-writable rule folder" "writable by others"

# Offline analysis is never refused, even as root.
reset; chmod o+w "$WORK/t/rules" "$WORK/t/conf" "$WORK/t/rules/"*.toml
out=$("$BIN" --config "$WORK/t/conf" --input "$SRC/tests/data/firewall-disable.log" 2>&1); rc=$?
[ "$rc" = 0 ] || bad "offline analysis refused or failed with unsafe files: exit $rc: $out"
[ -s "$WORK/t/alerts.ndjson" ] || bad "offline analysis wrote no alerts"
[ "$rc" = 0 ] && echo "ok: offline analysis with writable files accepted"

# A non-root user running plugin mode (testing) is not refused either.
reset; chmod o+w "$WORK/t/rules/"*.toml "$WORK/t"
touch "$WORK/t/alerts.ndjson" && chmod 0666 "$WORK/t/alerts.ndjson"
live setpriv --reuid=65534 --regid=65534 --clear-groups
[ "$rc" = 0 ] || bad "non-root plugin mode refused: exit $rc: $out"
[ "$rc" = 0 ] && echo "ok: non-root plugin mode accepted"

[ $fail = 0 ] && echo "PASS: file ownership checks"
exit $fail
