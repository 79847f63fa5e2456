# shellcheck shell=bash
# capture_lib.sh - what the capture scripts (capture.sh, capture_file_net.sh) share. Source it
# after tests/lib/auditd_harness.sh, with die() defined.

# capture_workdir DIR: makes DIR (a fixed path keeps exe=, cwd= and names identical between
# captures; mkdir fails if it exists: never reuse one), and at exit stops the harness and
# removes DIR.
capture_workdir() {
    CAPTURE_WORK=$1
    mkdir -m 0755 "$CAPTURE_WORK" ||
        die "$CAPTURE_WORK exists (another capture running, or a leftover: remove it)"
    trap '_capture_cleanup' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    export HARNESS_NO_TRAP=1   # _capture_cleanup does it
}
_capture_cleanup() {
    harness_stop
    cd / && rm -rf "$CAPTURE_WORK"
}

# capture_in_session SESFILE SCRIPT ARGS...: runs `bash SCRIPT ARGS` with the environment in
# SCEN_ENV (an env -i ... array) in a new audit session (it writes 0 to its loginuid: auid=root,
# a new ses=N, which every descendant's events carry) and writes N to SESFILE.
capture_in_session() {
    local ses=$1
    shift
    # shellcheck disable=SC2016  # $1.. expand in the inner shell
    "${SCEN_ENV[@]}" /bin/bash -c '
        echo 0 > /proc/self/loginuid || { echo "cannot set loginuid" >&2; exit 1; }
        cat /proc/self/sessionid > "$1"
        shift
        exec /bin/bash "$@"' runner "$ses" "$@" || return 1
    [ -s "$ses" ] || { echo "no session id in $ses" >&2; return 1; }
}
