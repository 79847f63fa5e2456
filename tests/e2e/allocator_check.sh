#!/bin/bash
# allocator_check.sh BINARY - every malloc and free in the process reaches mimalloc
# (AUDISP_EQL_MIMALLOC, CMakeLists.txt): the speed-up it was linked for depends on the dynamic
# linker binding libauparse's and libstdc++'s calls to it, which holds only while libmimalloc
# comes before libc among the program's needed libraries. Read from the dynamic linker itself
# (LD_DEBUG=bindings with every symbol bound at start, on `--version`), not from the link line.
set -u
BIN=${1:?usage: $0 BINARY}
[ -x "$BIN" ] || { echo "FAIL: cannot run $BIN" >&2; exit 1; }
fail=0
bad() { echo "FAIL: $BIN: $*" >&2; fail=1; }

bindings=$(LD_BIND_NOW=1 LD_DEBUG=bindings "$BIN" --version 2>&1 >/dev/null)
# "binding file FROM [0] to TO [0]: normal symbol `NAME'"
bound_to() {  # bound_to FROM-PATTERN SYMBOL -> the library the symbol was bound to
    grep -E "binding file [^ ]*$1[^ ]* \[[0-9]+\] to [^ ]+ \[[0-9]+\]: normal symbol \`$2'" \
        <<<"$bindings" | head -1 | sed -E 's/.* to ([^ ]+) \[.*/\1/'
}
for from in libauparse libstdc++ audisp-eql; do
    for symbol in malloc free; do
        [ "$from" = audisp-eql ] && [ "$symbol" = free ] && continue  # it frees via delete
        to=$(bound_to "$from" "$symbol")
        [[ $to == *libmimalloc* ]] || bad "$from's $symbol is bound to '${to:-nothing}', not libmimalloc"
    done
done
to=$(bound_to audisp-eql _Znwm)
[[ $to == *libmimalloc* ]] || bad "operator new is bound to '${to:-nothing}', not libmimalloc"
[ $fail = 0 ] && echo "PASS: malloc, free and operator new of $BIN, libauparse and libstdc++ reach libmimalloc"
exit $fail
