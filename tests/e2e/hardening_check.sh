#!/bin/bash
# hardening_check.sh BINARY - the binary was built as Debian builds daemons
# (dpkg-buildflags hardening=+all, cmake/hardening.cmake), read from the ELF file itself:
#   PIE         ELF type DYN with the PIE flag (FLAGS_1 PIE);
#   RELRO, now  a GNU_RELRO segment and BIND_NOW (-Wl,-z,relro,-z,now: the GOT read-only
#               before main);
#   stack       __stack_chk_fail imported (-fstack-protector-strong);
#   fortify     checked glibc functions (__*_chk) imported (-D_FORTIFY_SOURCE=2).
# Works on a stripped binary (only the dynamic symbol table is read).
set -u
BIN=${1:?usage: $0 BINARY}
command -v readelf >/dev/null || { echo "SKIP: readelf missing (binutils)" >&2; exit 77; }
[ -r "$BIN" ] || { echo "FAIL: cannot read $BIN" >&2; exit 1; }
fail=0
bad() { echo "FAIL: $BIN: $*" >&2; fail=1; }

readelf -h "$BIN" | grep -Eq 'Type:[[:space:]]+DYN' || bad "not position-independent (ELF type is not DYN)"
dynamic=$(readelf -d -W "$BIN")
grep -Eq 'FLAGS_1.*PIE' <<<"$dynamic" || bad "no PIE flag in FLAGS_1 (linked without -pie)"
readelf -l -W "$BIN" | grep -q 'GNU_RELRO' || bad "no GNU_RELRO segment (linked without -z relro)"
grep -Eq '\(FLAGS\).*BIND_NOW|FLAGS_1.*NOW' <<<"$dynamic" || bad "no BIND_NOW (linked without -z now)"
symbols=$(readelf --dyn-syms -W "$BIN")
grep -Eq ' __stack_chk_fail(@| |$)' <<<"$symbols" || bad "__stack_chk_fail not imported (no stack protector)"
fortified=$(grep -oE ' __[a-z0-9_]+_chk(@| |$)' <<<"$symbols" | tr -d ' @' |
            grep -v '^__stack_chk_fail$' | sort -u | tr '\n' ' ')
[ -n "$fortified" ] || bad "no __*_chk functions imported (not built with _FORTIFY_SOURCE)"
[ $fail = 0 ] && echo "PASS: $BIN is PIE, full RELRO (BIND_NOW), stack-protected, fortified ($fortified)"
exit $fail
