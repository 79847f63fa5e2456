#!/bin/bash
# Scenario groups for capture.sh. Run as `bash scenarios.sh GROUP` by
# capture.sh, inside a fresh audit session (its own ses=), with the stub
# directory first in PATH. Every command here runs a STUB (a copy of
# /bin/true or a tiny script under $CAPTURE_TMP/bin): never a real
# firewall/service tool, never `sysctl -w`, never a write to /proc/sys.
#
# `capture-step LABEL` (a /bin/true copy) is exec'd before each scenario so
# the captured log itself says which scenario the following events belong to.
# shellcheck disable=SC2317,SC2016  # groups are called via "$fn"; literal $vars wanted
set -u
: "${CAPTURE_TMP:?CAPTURE_TMP must be set}"
case $CAPTURE_TMP in
    /tmp/?*) ;;
    *) echo "scenarios.sh: CAPTURE_TMP must be under /tmp: $CAPTURE_TMP" >&2; exit 1 ;;
esac
S=$CAPTURE_TMP/bin
case $(command -v iptables) in
    "$S"/iptables) ;;
    *) echo "scenarios.sh: refusing to run: iptables is not the stub ($(command -v iptables))" >&2; exit 1 ;;
esac
for t in ip6tables ufw systemctl service chkconfig sysctl; do
    [ "$(command -v $t)" = "$S/$t" ] || { echo "scenarios.sh: refusing to run: $t is not the stub" >&2; exit 1; }
done
PY=/usr/bin/python3

step() { capture-step "$@"; }

group_firewall_disable() {
    step ufw-disable;            ufw disable
    step ufw-enable;             ufw enable
    step iptables-F;             iptables -F
    step iptables-F-INPUT;       iptables -F INPUT
    step iptables-flush;         iptables --flush
    step iptables-X;             iptables -X
    step iptables-delete-chain;  iptables --delete-chain
    step ip6tables-F;            ip6tables -F
    step force-stop-parent;      sh "$S/fw-helper" force-stop
    step start-parent;           sh "$S/fw-helper" start
    step exec-a-fakename;        ( exec -a fakename iptables -F )
}

group_firewall_service() {
    step service-iptables-stop;          service iptables stop
    step service-nginx-stop;             service nginx stop
    step chkconfig-iptables-off;         chkconfig iptables off
    step chkconfig-iptables-on;          chkconfig iptables on
    step systemctl-stop-firewalld;       systemctl stop firewalld
    step systemctl-disable-iptables;     systemctl disable iptables.service
    step systemctl-kill-ip6tables;       systemctl kill ip6tables
    step systemctl-status-firewalld;     systemctl status firewalld
    step systemctl-stop-ufw;             systemctl stop ufw
}

group_ip_forwarding() {
    local fake=$CAPTURE_TMP/proc/sys/net/ipv4/ip_forward
    [ "$fake" != /proc/sys/net/ipv4/ip_forward ] || exit 1
    step sysctl-w-ipv4;                  sysctl -w net.ipv4.ip_forward=1
    step sysctl-write-ipv6;              sysctl --write net.ipv6.conf.all.forwarding=1
    step sysctl-assign-ipv4;             sysctl net.ipv4.ip_forward=1
    step sysctl-read-ipv4;               sysctl net.ipv4.ip_forward
    step bash-c-echo-fake-proc-path;     bash -c "echo 1 > $fake"
    step dash-c-echo-comment;            dash -c "echo 1 > $CAPTURE_TMP/fwd6.txt # /proc/sys/net/ipv6/conf/all/forwarding"
    step bash-c-cat-fake-proc-path;      bash -c "cat $fake"
    step init-ipv6-global-parent;        "$S/init.ipv6-global"
}

group_args_encoding() {
    local long10k long20k i
    local -a many=()
    printf -v long10k '%*s' 10000 ''; long10k=${long10k// /A}
    printf -v long20k '%*s' 6000 ''; long20k=${long20k// /b c}
    for ((i = 1; i <= 2500; i++)); do many+=("$i"); done
    step special-chars;   argv-stub "two words" 'say "hi"' $'line1\nline2' $'tab\there' 'héllo wörld ✓' '' 'trailing ' plain
    step shell-meta;      argv-stub --opt='a b' "it's" '\backslash' '$HOME' '*glob*' '~' '=' '-'
    step trailing-empty;  argv-stub first ''
    step long-10000;      argv-stub before "$long10k" after
    step long-18000-spaces;  argv-stub "$long20k"
    step args-2500;       argv-stub "${many[@]}"
    step iptables-F-quoted-space; iptables '-F ' 'INPUT chain'
}

group_exec_edge() {
    step failed-path-search;     env no-such-command-audisp-eql arg1
    step failed-eacces;          env "$CAPTURE_TMP/notexec" arg1
    step enoexec-sh-fallback;    env "$CAPTURE_TMP/noshebang" arg1
    step failed-absolute;        "$CAPTURE_TMP/does-not-exist" arg1
    step relative-path;          ( cd "$S" && ./argv-stub relative-path )
    step bash-c-last-in-place;   bash -c "argv-stub first-in-bash; iptables -F"
    step dash-c-last;            dash -c "argv-stub first-in-dash; argv-stub last-in-dash"
    step forked-subshell;        bash -c '(argv-stub in-subshell-1; argv-stub in-subshell-2; :); argv-stub after-subshell'
    step fexecve-execveat;       $PY -c 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.execve(fd, ["fexecve-arg0", "via-execveat"], {})' "$S/argv-stub"
    step execveat-dirfd;         $PY -c 'import os,sys,ctypes; libc=ctypes.CDLL(None, use_errno=True); d=os.open(sys.argv[1], os.O_RDONLY|os.O_DIRECTORY); argv=(ctypes.c_char_p*3)(b"argv-stub", b"via-execveat-dirfd", None); envp=(ctypes.c_char_p*1)(None); libc.syscall(322, d, b"argv-stub", argv, envp, 0); sys.exit(1)' "$S"
    step env-wrapper;            env FOO=bar iptables -X
}

group_pid_reuse() {
    step pid-reuse
    $PY "${CAPTURE_SRC:?}/pid_reuse.py" "$S/argv-stub"
}

group_kill_prctl() {
    step kill-signal-0;   bash -c 'kill -0 $$'
    step kill-child;      bash -c 'argv-sleep 30 & kill -TERM $!; wait'
    step prctl-set-name;  $PY -c 'import ctypes; ctypes.CDLL(None).prctl(15, b"kworker/0:9-ev", 0, 0, 0)' 
}

group_raw_subset() {
    step ufw-disable;                ufw disable
    step iptables-F;                 iptables -F
    step force-stop-parent;          sh "$S/fw-helper" force-stop
    step systemctl-stop-firewalld;   systemctl stop firewalld
    step sysctl-w-ipv4;              sysctl -w net.ipv4.ip_forward=1
    step bash-c-echo-fake-proc-path; bash -c "echo 1 > $CAPTURE_TMP/proc/sys/net/ipv4/ip_forward"
    step special-chars;              argv-stub "two words" 'say "hi"' $'line1\nline2' 'héllo' '' plain
    step failed-path-search;         env no-such-command-audisp-eql
}

fn=group_${1//-/_}
declare -F "$fn" >/dev/null || { echo "scenarios.sh: unknown group $1" >&2; exit 2; }
"$fn"
exit 0
