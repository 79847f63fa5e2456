#!/bin/bash
# settings_check.sh BINARY - the shipped files parse:
#   * conf/audisp-eql.settings.conf (installed as /etc/audisp-eql/audisp-eql.conf)
#     is accepted by audisp-eql: `--config FILE --check-rules --rules rules/` exits 0;
#   * it names every setting of `audisp-eql --help` (commented or not), so a new
#     option cannot be added without documenting it there;
#   * a misspelt key is refused (unknown keys are errors);
#   * conf/audisp-eql.conf (the plugins.d entry) has the keys auditd expects and
#     at most two args.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
BIN=${1:-${AUDISP_BINARY:-}}
SETTINGS=$ROOT/conf/audisp-eql.settings.conf
PLUGIN_CONF=$ROOT/conf/audisp-eql.conf
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

[ -x "$BIN" ] || { echo "usage: $0 AUDISP_EQL_BINARY" >&2; exit 2; }

out=$("$BIN" --config "$SETTINGS" --check-rules --rules "$ROOT/rules" 2>&1); rc=$?
printf '%s\n' "$out"
[ $rc = 0 ] || bad "audisp-eql --config $SETTINGS --check-rules exited $rc"

# Every long option that may appear in the config file is documented in it.
# (--help lists command-line-only options first; those are not file settings.)
mapfile -t settings < <("$BIN" --help | sed -n '/^Settings/,$p' | grep -oE '^  (-[a-zA-Z] \[ )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+' | sed 's/^--//')
[ "${#settings[@]}" -gt 10 ] || bad "could not read the settings from --help (${#settings[@]} found)"
for s in "${settings[@]}"; do
    grep -Eq "^#?${s} =" "$SETTINGS" || bad "setting '$s' is not documented in $SETTINGS"
done

# A typo must be an error, not silently ignored.
tmp=$(mktemp "${TMPDIR:-/tmp}/audisp-eql-settings.XXXXXX") || exit 1
trap 'rm -f "$tmp"' EXIT
{ cat "$SETTINGS"; echo "alert-ouptut = syslog"; } > "$tmp"
if "$BIN" --config "$tmp" --check-rules --rules "$ROOT/rules" >/dev/null 2>&1; then
    bad "a misspelt key (alert-ouptut) was accepted"
fi

# The plugins.d entry, in the audit-userspace format.
for kv in 'active = yes' 'direction = out' 'path = /usr/sbin/audisp-eql' 'type = always' \
          'args = --config /etc/audisp-eql/audisp-eql.conf' 'format = string'; do
    grep -qxF -- "$kv" "$PLUGIN_CONF" || bad "$PLUGIN_CONF lacks '$kv'"
done
nargs=$(sed -n 's/^args = //p' "$PLUGIN_CONF" | wc -w)
[ "$nargs" -le 2 ] || bad "auditd passes at most 2 args; $PLUGIN_CONF has $nargs"

[ $fail = 0 ] && echo "PASS: shipped settings and plugin conf parse"
exit $fail
