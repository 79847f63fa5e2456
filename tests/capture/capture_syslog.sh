#!/bin/bash
# capture_syslog.sh INPUT OUT_PREFIX - audit records as they look after syslog forwarding, made
# by the real tools: Debian's audisp-syslog (the auditd package's plugin) reads INPUT as auditd
# would hand it over and calls syslog(3); a private rsyslogd (its own config, socket, pid and
# work folder; never the system's /dev/log: audisp-syslog runs in a private mount namespace whose
# /dev/log is the private socket) writes what it receives with its two stock file templates:
#   OUT_PREFIX-traditional.log  RSYSLOG_TraditionalFileFormat  "Feb  6 17:42:49 web1 audisp-syslog: ..."
#   OUT_PREFIX-rfc3339.log      RSYSLOG_FileFormat (Debian 12's default) "2026-...T...+00:00 web1 ..."
#   OUT_PREFIX-imfile.log       the same file read by rsyslog's imfile (tag "audit:") and sent with
#                               omfwd over TCP to an imtcp input (the same rsyslogd, on 127.0.0.1)
#                               that writes it in the traditional format: how hosts ship
#                               audit.log to a central rsyslog
# audisp-syslog writes the ENRICHED separator 0x1d as a space; over imfile and TCP it arrives,
# and the receiving rsyslog escapes it as "#035", as on a real collector. Host name: web1.
set -euo pipefail
INPUT=$(realpath "${1:?usage: $0 INPUT OUT_PREFIX}")
OUT=${2:?usage: $0 INPUT OUT_PREFIX}
WORK=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; sleep 0.3; rm -rf "$WORK"; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$WORK/rsyslog.conf" <<CONF
global(workDirectory="$WORK" localHostname="web1" maxMessageSize="64k")
module(load="imuxsock" SysSock.Use="off")
module(load="imfile")
input(type="imfile" File="$INPUT" Tag="audit:" ruleset="file")
ruleset(name="file") {
    action(type="omfwd" target="127.0.0.1" port="$PORT" protocol="tcp" template="RSYSLOG_ForwardFormat")
}
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="$PORT" ruleset="collector")
ruleset(name="collector") {
    action(type="omfile" file="$WORK/imfile.log" template="RSYSLOG_TraditionalFileFormat")
}
input(type="imuxsock" Socket="$WORK/log.sock" RateLimit.Interval="0" ruleset="audit")
ruleset(name="audit") {
    action(type="omfile" file="$WORK/traditional.log" template="RSYSLOG_TraditionalFileFormat")
    action(type="omfile" file="$WORK/rfc3339.log" template="RSYSLOG_FileFormat")
}
CONF
rsyslogd -n -f "$WORK/rsyslog.conf" -i "$WORK/rsyslogd.pid" > "$WORK/rsyslogd.out" 2>&1 &
PID=$!
for _ in $(seq 50); do [ -S "$WORK/log.sock" ] && break; sleep 0.1; done
unshare -m bash -c "mount --make-rprivate / && mount -t tmpfs tmpfs /dev &&
    ln -s '$WORK/log.sock' /dev/log && /sbin/audisp-syslog LOG_INFO < '$INPUT'"
want=$(grep -c . "$INPUT")
for _ in $(seq 100); do
    [ -f "$WORK/rfc3339.log" ] && [ "$(grep -c . "$WORK/rfc3339.log")" -ge "$want" ] &&
        [ -f "$WORK/imfile.log" ] && [ "$(grep -c . "$WORK/imfile.log")" -ge "$want" ] && break
    sleep 0.1
done
cp "$WORK/traditional.log" "$OUT-traditional.log"
cp "$WORK/rfc3339.log" "$OUT-rfc3339.log"
cp "$WORK/imfile.log" "$OUT-imfile.log"
wc -l "$OUT"-*.log
