# shellcheck shell=bash
# auditd_harness.sh - run a private auditd against the real kernel audit
# subsystem, and put the machine's audit state back afterwards.
#
# Source it from bash (as root):
#
#   . tests/lib/auditd_harness.sh
#   harness_start /tmp/work            # or: harness_start DIR PLUGIN_DIR
#   harness_load_rules rules/audit/audisp-eql.rules
#   ...run things...
#   harness_mark "scenario foo begin"   # USER record with this text (optional)
#   harness_wait_for "scenario foo end" # wait until the text is in audit.log
#   harness_stop
#
# harness_start:
#   * checks we are root and the kernel answers `auditctl -s` (fails loudly
#     when the kernel refuses audit: no CONFIG_AUDIT, a container without
#     CAP_AUDIT_CONTROL, audit=0 locked, enabled=2 immutable rules, ...);
#   * remembers the kernel audit state (enabled, failure, backlog_limit,
#     backlog_wait_time, rate_limit, loaded rules) and any audit daemon that
#     holds the kernel's audit connection (pid + its exact command line);
#   * stops that daemon (SIGTERM, waits until `auditctl -s` shows pid 0);
#   * writes DIR/auditd.conf (log_file=DIR/audit.log, plugin_dir=PLUGIN_DIR
#     or DIR/plugins.d, flush INCREMENTAL_ASYNC freq 1 so records land in
#     the file quickly; all root-owned and not group/world-writable, which
#     auditd insists on);
#   * starts `auditd -n -c DIR` in its own session (background) and waits
#     until the kernel reports it as the audit pid and audit.log exists.
#     (-n, not -f: with -f auditd 3.0.9 prints events to stderr and writes
#     no audit.log at all.)
#   * installs an EXIT/INT/TERM/HUP trap that calls harness_stop (chained
#     in front of any EXIT trap already set). Set HARNESS_NO_TRAP=1 to skip.
#
# Tunables (environment, read by harness_start):
#   HARNESS_LOG_FORMAT   ENRICHED (default) or RAW
#   HARNESS_TIMEOUT      seconds to wait for auditd start/stop (default 15)
#   HARNESS_AUDITD       auditd binary (default: auditd in PATH or /usr/sbin/auditd)
#   HARNESS_AUDITCTL     auditctl binary (default: auditctl in PATH or /usr/sbin/auditctl)
#
# After harness_start: HARNESS_DIR, HARNESS_LOG (audit.log path),
# HARNESS_PLUGIN_DIR and HARNESS_AUDITD_PID are set.
#
# harness_stop: stops our auditd, deletes all rules (`auditctl -D`), restores
# the saved kernel state and rules, and restarts the original daemon with its
# original command line if one was running. Safe to call twice.

HARNESS_TIMEOUT=${HARNESS_TIMEOUT:-15}
HARNESS_ACTIVE=0
HARNESS_DIR=
HARNESS_LOG=
HARNESS_PLUGIN_DIR=
HARNESS_AUDITD_PID=
HARNESS_STATE_DIR=
HARNESS_PREV_PID=0
HARNESS_PREV_CMDLINE=()
HARNESS_PREV_CWD=/

_harness_err() { printf 'auditd_harness: ERROR: %s\n' "$*" >&2; }
_harness_log() { [ "${HARNESS_QUIET:-0}" = 1 ] || printf 'auditd_harness: %s\n' "$*" >&2; }

_harness_bins() {
    HARNESS_AUDITD=${HARNESS_AUDITD:-$(command -v auditd || echo /usr/sbin/auditd)}
    HARNESS_AUDITCTL=${HARNESS_AUDITCTL:-$(command -v auditctl || echo /usr/sbin/auditctl)}
}

# _harness_status FIELD -> value of FIELD in `auditctl -s` (empty on failure)
_harness_status() {
    "$HARNESS_AUDITCTL" -s 2>/dev/null | awk -v f="$1" '$1 == f { print $2; exit }'
}

# _harness_wait_pid WANT : wait until the kernel's audit pid is WANT
# ("0", a number, or "nonzero"). Returns 1 on timeout, 2 as soon as the
# optional WATCH pid has died.
_harness_wait_pid() {
    local want=$1 watch=${2:-} deadline=$((SECONDS + HARNESS_TIMEOUT)) cur
    while :; do
        if [ -n "$watch" ] && ! kill -0 "$watch" 2>/dev/null; then
            [ "$(_harness_status pid)" = "$want" ] && return 0
            return 2
        fi
        cur=$(_harness_status pid)
        case $want in
            nonzero) [ -n "$cur" ] && [ "$cur" != 0 ] && return 0 ;;
            *) [ "$cur" = "$want" ] && return 0 ;;
        esac
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.1
    done
}

_harness_kernel_check() {
    local out rc
    if [ "$(id -u)" != 0 ]; then
        _harness_err "must run as root (auditd and auditctl need CAP_AUDIT_CONTROL)"
        return 1
    fi
    _harness_bins
    if [ ! -x "$HARNESS_AUDITD" ] || [ ! -x "$HARNESS_AUDITCTL" ]; then
        _harness_err "auditd/auditctl not found ($HARNESS_AUDITD, $HARNESS_AUDITCTL); install the auditd package"
        return 1
    fi
    out=$("$HARNESS_AUDITCTL" -s 2>&1); rc=$?
    if [ $rc -ne 0 ] || ! printf '%s\n' "$out" | grep -q '^enabled '; then
        _harness_err "the kernel refuses audit: \`auditctl -s\` failed (rc=$rc): $out"
        _harness_err "(kernel without CONFIG_AUDIT, booted with audit=0, or no CAP_AUDIT_CONTROL / not in the initial user+pid namespace, e.g. a container)"
        return 1
    fi
    if [ "$(_harness_status enabled)" = 2 ]; then
        _harness_err "kernel audit configuration is locked (enabled 2, \`-e 2\`): rules cannot be changed until reboot"
        return 1
    fi
}

_harness_save_state() {
    local f
    HARNESS_STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/auditd-harness-state.XXXXXX") || return 1
    for f in enabled failure backlog_limit backlog_wait_time rate_limit; do
        _harness_status "$f" > "$HARNESS_STATE_DIR/$f"
    done
    "$HARNESS_AUDITCTL" -l > "$HARNESS_STATE_DIR/rules" 2>/dev/null || : > "$HARNESS_STATE_DIR/rules"
    grep -q '^No rules' "$HARNESS_STATE_DIR/rules" && : > "$HARNESS_STATE_DIR/rules"
    HARNESS_PREV_PID=$(_harness_status pid)
    HARNESS_PREV_PID=${HARNESS_PREV_PID:-0}
    HARNESS_PREV_CMDLINE=()
    if [ "$HARNESS_PREV_PID" != 0 ]; then
        if [ -r "/proc/$HARNESS_PREV_PID/cmdline" ]; then
            mapfile -d '' -t HARNESS_PREV_CMDLINE < "/proc/$HARNESS_PREV_PID/cmdline"
            HARNESS_PREV_CWD=$(readlink "/proc/$HARNESS_PREV_PID/cwd" 2>/dev/null || echo /)
        fi
        printf '%s\n' "${HARNESS_PREV_CMDLINE[@]}" > "$HARNESS_STATE_DIR/prev_cmdline"
        _harness_log "an audit daemon is running: pid $HARNESS_PREV_PID: ${HARNESS_PREV_CMDLINE[*]:-?}"
    fi
}

_harness_stop_prev() {
    [ "$HARNESS_PREV_PID" = 0 ] && return 0
    _harness_log "stopping the running audit daemon (pid $HARNESS_PREV_PID)"
    kill -TERM "$HARNESS_PREV_PID" 2>/dev/null
    if ! _harness_wait_pid 0; then
        _harness_err "audit daemon pid $HARNESS_PREV_PID did not release the kernel audit connection within ${HARNESS_TIMEOUT}s (auditctl -s still shows pid $(_harness_status pid))"
        return 1
    fi
    local deadline=$((SECONDS + HARNESS_TIMEOUT))
    while kill -0 "$HARNESS_PREV_PID" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
}

_harness_write_conf() {
    local dir=$1 plugdir=$2 fmt=${HARNESS_LOG_FORMAT:-ENRICHED}
    cat > "$dir/auditd.conf" <<EOF
# written by tests/lib/auditd_harness.sh
local_events = yes
write_logs = yes
log_file = $dir/audit.log
log_group = root
log_format = $fmt
flush = INCREMENTAL_ASYNC
freq = 1
max_log_file = 0
max_log_file_action = IGNORE
num_logs = 0
priority_boost = 4
name_format = NONE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
use_libwrap = no
tcp_listen_queue = 5
tcp_max_per_addr = 1
tcp_client_max_idle = 0
transport = TCP
distribute_network = no
q_depth = 2000
overflow_action = SYSLOG
max_restarts = 10
plugin_dir = $plugdir
end_of_event_timeout = 2
EOF
    chown root:root "$dir/auditd.conf" && chmod 0640 "$dir/auditd.conf"
}

# harness_start DIR [PLUGIN_DIR]
harness_start() {
    local dir=${1:?usage: harness_start DIR [PLUGIN_DIR]} plugdir=${2:-}
    if [ "$HARNESS_ACTIVE" = 1 ]; then
        _harness_err "harness_start: already started (dir $HARNESS_DIR); call harness_stop first"
        return 1
    fi
    _harness_kernel_check || return 1
    mkdir -p "$dir" || return 1
    dir=$(cd "$dir" && pwd -P) || return 1
    [ -n "$plugdir" ] || plugdir=$dir/plugins.d
    mkdir -p "$plugdir" || return 1
    plugdir=$(cd "$plugdir" && pwd -P) || return 1
    chown root:root "$dir" "$plugdir" && chmod go-w "$dir" "$plugdir" || return 1
    # auditd refuses plugin confs that are not root-owned or are writable by others
    find "$plugdir" -maxdepth 1 -type f -name '*.conf' -exec chown root:root {} + -exec chmod go-w {} +

    _harness_save_state || return 1
    HARNESS_ACTIVE=1
    if [ "${HARNESS_NO_TRAP:-0}" != 1 ]; then
        local prev
        prev=$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//" -e "s/'\\\\''/'/g")
        HARNESS_PREV_EXIT_TRAP=$prev
        # shellcheck disable=SC2064
        trap "harness_stop; ${prev:-:}" EXIT
        trap 'harness_stop; exit 130' INT
        trap 'harness_stop; exit 143' TERM
        trap 'harness_stop; exit 129' HUP
    fi
    _harness_stop_prev || { harness_stop; return 1; }

    HARNESS_DIR=$dir
    # shellcheck disable=SC2034  # part of the API, for callers
    HARNESS_PLUGIN_DIR=$plugdir
    HARNESS_LOG=$dir/audit.log
    _harness_write_conf "$dir" "$plugdir"
    rm -f "$dir/auditd.pid"
    # -n: no fork, so $! is the daemon; setsid + ( & ) so it is not in our
    # process group (a ^C to the caller must not kill it before cleanup) and
    # is reaped by init, not left as our zombie.
    ( cd / && exec setsid "$HARNESS_AUDITD" -n -c "$dir" </dev/null >"$dir/auditd.out" 2>&1 ) &
    local launcher=$!
    HARNESS_AUDITD_PID=$launcher
    # Normally $! is auditd itself; under job control (set -m) setsid forks
    # first, so trust the pid the kernel reports and check it is ours.
    if _harness_wait_pid nonzero "$launcher"; then
        local kpid
        kpid=$(_harness_status pid)
        if tr '\0' ' ' < "/proc/$kpid/cmdline" 2>/dev/null | grep -qF -- "-c $dir"; then
            HARNESS_AUDITD_PID=$kpid
        fi
    fi
    echo "$HARNESS_AUDITD_PID" > "$dir/auditd.pid"
    if ! _harness_wait_pid "$HARNESS_AUDITD_PID" "$HARNESS_AUDITD_PID"; then
        local why
        if ! kill -0 "$HARNESS_AUDITD_PID" 2>/dev/null; then
            # -n logs its startup errors to syslog only; rerun with -f (stderr) to show them
            why=$(timeout 5 "$HARNESS_AUDITD" -f -c "$dir" 2>&1 </dev/null | grep -v 'parser called with' | tail -5)
            _harness_err "auditd -n -c $dir exited during startup. auditd -f says: $why"
        else
            _harness_err "auditd (pid $HARNESS_AUDITD_PID) did not become the kernel audit pid within ${HARNESS_TIMEOUT}s (auditctl -s pid=$(_harness_status pid))"
        fi
        harness_stop
        return 1
    fi
    local deadline=$((SECONDS + HARNESS_TIMEOUT))
    while [ ! -e "$HARNESS_LOG" ]; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            _harness_err "auditd is running but $HARNESS_LOG did not appear within ${HARNESS_TIMEOUT}s"
            harness_stop
            return 1
        fi
        sleep 0.1
    done
    if [ "$(_harness_status enabled)" != 1 ]; then
        "$HARNESS_AUDITCTL" -e 1 >/dev/null || { _harness_err "could not enable kernel audit (auditctl -e 1)"; harness_stop; return 1; }
    fi
    _harness_log "private auditd pid $HARNESS_AUDITD_PID, log $HARNESS_LOG, plugins $plugdir, format ${HARNESS_LOG_FORMAT:-ENRICHED}"
}

# harness_load_rules FILE... : load audit rule files (augenrules/auditctl -R format)
harness_load_rules() {
    local f out
    [ "$HARNESS_ACTIVE" = 1 ] || { _harness_err "harness_load_rules: harness not started"; return 1; }
    for f in "$@"; do
        [ -r "$f" ] || { _harness_err "harness_load_rules: cannot read $f"; return 1; }
        if ! out=$("$HARNESS_AUDITCTL" -R "$f" 2>&1); then
            _harness_err "auditctl -R $f failed: $out"
            return 1
        fi
    done
    if "$HARNESS_AUDITCTL" -l | grep -q '^No rules'; then
        _harness_err "harness_load_rules: no rules loaded after $*"
        return 1
    fi
}

# harness_mark TEXT : emit a USER record carrying TEXT (auditctl -m)
harness_mark() {
    "$HARNESS_AUDITCTL" -m "$*"
}

# harness_wait_for TEXT [TIMEOUT] : wait until TEXT is in the audit log
harness_wait_for() {
    local text=$1 t=${2:-$HARNESS_TIMEOUT}
    local deadline=$((SECONDS + t))
    until grep -aqF -- "$text" "$HARNESS_LOG" 2>/dev/null; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            _harness_err "'$text' did not reach $HARNESS_LOG within ${t}s"
            return 1
        fi
        sleep 0.1
    done
}

# harness_sync : write a marker and wait until auditd has written it
harness_sync() {
    local m="auditd-harness-sync-$$-$RANDOM$RANDOM"
    harness_mark "$m" && harness_wait_for "$m"
}

harness_stop() {
    [ "$HARNESS_ACTIVE" = 1 ] || return 0
    HARNESS_ACTIVE=0
    local rc=0 deadline f v
    if [ -n "$HARNESS_AUDITD_PID" ] && kill -0 "$HARNESS_AUDITD_PID" 2>/dev/null; then
        kill -TERM "$HARNESS_AUDITD_PID" 2>/dev/null
        deadline=$((SECONDS + HARNESS_TIMEOUT))
        while kill -0 "$HARNESS_AUDITD_PID" 2>/dev/null; do
            if [ "$SECONDS" -ge "$deadline" ]; then
                _harness_err "our auditd (pid $HARNESS_AUDITD_PID) ignored SIGTERM for ${HARNESS_TIMEOUT}s; sending SIGKILL"
                kill -KILL "$HARNESS_AUDITD_PID" 2>/dev/null
                rc=1
                break
            fi
            sleep 0.1
        done
        wait "$HARNESS_AUDITD_PID" 2>/dev/null
    fi
    if ! _harness_wait_pid 0; then
        _harness_err "kernel still reports audit pid $(_harness_status pid) after stopping our auditd"
        rc=1
    fi
    "$HARNESS_AUDITCTL" -D >/dev/null 2>&1 || { _harness_err "auditctl -D failed"; rc=1; }
    if [ -n "$HARNESS_STATE_DIR" ] && [ -d "$HARNESS_STATE_DIR" ]; then
        if [ -s "$HARNESS_STATE_DIR/rules" ]; then
            "$HARNESS_AUDITCTL" -R "$HARNESS_STATE_DIR/rules" >/dev/null 2>&1 ||
                { _harness_err "could not reload the previous rules (saved copy: $HARNESS_STATE_DIR/rules)"; rc=1; }
        fi
        v=$(cat "$HARNESS_STATE_DIR/backlog_limit"); [ -n "$v" ] && "$HARNESS_AUDITCTL" -b "$v" >/dev/null
        v=$(cat "$HARNESS_STATE_DIR/failure"); [ -n "$v" ] && "$HARNESS_AUDITCTL" -f "$v" >/dev/null
        v=$(cat "$HARNESS_STATE_DIR/rate_limit"); [ -n "$v" ] && "$HARNESS_AUDITCTL" -r "$v" >/dev/null
        v=$(cat "$HARNESS_STATE_DIR/backlog_wait_time"); [ -n "$v" ] && "$HARNESS_AUDITCTL" --backlog_wait_time "$v" >/dev/null
        # auditd leaves audit enabled when it exits; put back what we found
        v=$(cat "$HARNESS_STATE_DIR/enabled"); [ -n "$v" ] && "$HARNESS_AUDITCTL" -e "$v" >/dev/null
    fi
    if [ "$HARNESS_PREV_PID" != 0 ]; then
        if [ "${#HARNESS_PREV_CMDLINE[@]}" -gt 0 ]; then
            _harness_log "restarting the original audit daemon: ${HARNESS_PREV_CMDLINE[*]}"
            ( cd "$HARNESS_PREV_CWD" 2>/dev/null || cd /; exec setsid "${HARNESS_PREV_CMDLINE[@]}" </dev/null >/dev/null 2>&1 ) &
            if ! _harness_wait_pid nonzero; then
                _harness_err "the original audit daemon (${HARNESS_PREV_CMDLINE[*]}) did not come back within ${HARNESS_TIMEOUT}s; start it by hand"
                rc=1
            fi
        else
            _harness_err "an audit daemon (pid $HARNESS_PREV_PID) was running but its command line was unreadable; restart it by hand"
            rc=1
        fi
    fi
    [ -n "$HARNESS_STATE_DIR" ] && [ $rc = 0 ] && rm -rf "$HARNESS_STATE_DIR"
    HARNESS_STATE_DIR=
    HARNESS_AUDITD_PID=
    if [ "${HARNESS_NO_TRAP:-0}" != 1 ]; then
        trap - INT TERM HUP
        # shellcheck disable=SC2064
        if [ -n "${HARNESS_PREV_EXIT_TRAP:-}" ]; then trap "$HARNESS_PREV_EXIT_TRAP" EXIT; else trap - EXIT; fi
    fi
    [ $rc = 0 ] && _harness_log "stopped; audit state restored"
    return $rc
}

# harness_plugin_entry PLUGIN_DIR BINARY CONFIG LOG : writes PLUGIN_DIR/audisp-eql.conf (the
# plugins.d entry) for BINARY with `--config CONFIG`, through a wrapper (PLUGIN_DIR/../
# audisp-eql-wrapper). auditd (even with -n) starts plugins with standard output and error on
# /dev/null, so the plugin's diagnostics would be lost: the wrapper sends them to LOG and execs
# the binary in the same process (auditd's child, its pipe and its signals are exactly as
# without it). Call before harness_start DIR PLUGIN_DIR.
harness_plugin_entry() {
    local plugdir=$1 binary=$2 config=$3 log=$4
    local wrapper
    mkdir -p "$plugdir" || return 1
    wrapper=$(cd "$plugdir/.." && pwd -P)/audisp-eql-wrapper
    printf '#!/bin/sh\nexec "%s" "$@" 2>>"%s"\n' "$binary" "$log" > "$wrapper"
    chmod 0750 "$wrapper"
    cat > "$plugdir/audisp-eql.conf" <<EOF_ENTRY
active = yes
direction = out
path = $wrapper
type = always
args = --config $config
format = string
EOF_ENTRY
    chmod 0640 "$plugdir/audisp-eql.conf"
}
