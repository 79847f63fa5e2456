#!/usr/bin/env bash
# Runs every libFuzzer target of a -DAUDISP_EQL_FUZZ=ON build for SECONDS each, JOBS at a time,
# on a copy of its corpus (so the repository is never written), plus read-only extra seeds:
# the upstream rules' queries and the public audit logs of ../shared when they are there.
# Exits non-zero if any target finds a crash, leak, timeout or invariant violation; the
# reproducer is kept in BUILD_DIR/fuzz-artifacts/.
#
#   tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS [JOBS] [TARGET...]
set -uo pipefail
build=$(cd "$1" && pwd)
seconds=$2
jobs=${3:-2}
shift 3 2>/dev/null || shift $#
here=$(cd "$(dirname "$0")" && pwd)
shared=$(cd "$here/../../.." && pwd)/shared
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(reader eql eval format)

export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
work=$(mktemp -d /tmp/audisp-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"

declare -A max_len=([reader]=4096 [eval]=4096 [eql]=4096 [format]=8192)
declare -A dict=([reader]=audit.dict [eval]=audit.dict [eql]=eql.dict [format]=)

run_one() {
    local name=$1
    local corpus="$work/$name"
    cp -r "$here/corpus/$name" "$corpus"
    local extra=()
    if [ "$name" = eql ] && [ -d "$shared/rules-upstream/linux" ]; then
        mkdir -p "$work/eql-upstream"
        python3 "$here/make_corpus.py" --eql-only --out "$work/eql-upstream" \
            --rules "$shared/rules-upstream/linux" 2>/dev/null
        extra+=("$work/eql-upstream/eql")
    fi
    if [ "$name" = reader ] || [ "$name" = eval ]; then
        for d in "$shared"/corpus/public/*/; do [ -d "$d" ] && extra+=("$d"); done
    fi
    local options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
                   -max_len="${max_len[$name]}" -print_final_stats=1
                   -artifact_prefix="$artifacts/$name-")
    [ -n "${dict[$name]}" ] && options+=(-dict="$here/${dict[$name]}")
    "$build/tests/fuzz/fuzz_$name" "${options[@]}" "$corpus" "${extra[@]}" \
        >"$work/$name.log" 2>&1
    local status=$?
    local runs
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name.log" | grep -o '[0-9]*$')
    if [ $status -eq 0 ]; then
        echo "fuzz_$name: ${runs:-?} executions in ${seconds}s, no crash (corpus $(ls "$corpus" | wc -l) files)"
    else
        echo "fuzz_$name: FAILED (exit $status) after ${runs:-?} executions; artifacts in $artifacts"
        tail -n 60 "$work/$name.log"
    fi
    return $status
}

failed=0
pids=()
names=()
for name in "${targets[@]}"; do
    run_one "$name" > "$work/$name.summary" 2>&1 &
    pids+=($!)
    names+=("$name")
    if [ ${#pids[@]} -ge "$jobs" ]; then
        wait "${pids[0]}" || failed=1
        cat "$work/${names[0]}.summary"
        pids=("${pids[@]:1}")
        names=("${names[@]:1}")
    fi
done
for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed=1
    cat "$work/${names[$i]}.summary"
done
crashed=$(grep -l FAILED "$work"/*.summary 2>/dev/null | wc -l)
echo "fuzz: $(( ${#targets[@]} - crashed )) passed, $crashed failed"
exit $failed
