#!/bin/bash
# rsyslog_tls_e2e.sh SOURCE_DIR BINARY - alerts to a SIEM over TLS (RFC 5425) the way the
# README documents it: audisp-eql -> tcp://127.0.0.1 -> the local rsyslogd running
# conf/rsyslog-tls-forward.conf.example -> TLS -> a collector.
#
#   1. makes a CA, a server certificate for siem.example.org and a client certificate
#      (openssl), in a temporary folder;
#   2. starts a private rsyslogd as the TLS receiver (rsyslog-gnutls, imtcp in TLS-only mode,
#      client certificates required: x509/certvalid) on 127.0.0.1, writing %rawmsg%;
#   3. starts a second private rsyslogd as the forwarder, its config the shipped example with
#      only the ports, the certificate paths and target=127.0.0.1 put in;
#   4. runs audisp-eql offline on tests/data/firewall-disable.log with alerts to the
#      forwarder, and a second time to a file;
#   5. checks the receiver got each alert exactly (MSG byte for byte the JSON alert of the
#      file run, RFC 5424 header and structured data), and that its port speaks only TLS.
# Both rsyslogd have their own configs, pid files and work folders, listen on 127.0.0.1 at
# free high ports, and are killed by their pids at exit; the system rsyslog is never touched.
# Exit 77 (skipped) when rsyslogd, rsyslog-gnutls or openssl is missing.
set -u
SRC=$(cd "${1:?usage: $0 SOURCE_DIR BINARY}" && pwd -P) || exit 1
BIN=${2:?usage: $0 SOURCE_DIR BINARY}
say() { printf 'rsyslog_tls_e2e: %s\n' "$*" >&2; }
RSYSLOGD=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
[ -x "$RSYSLOGD" ] || { say "SKIP: rsyslogd is not installed (Debian: rsyslog)"; exit 77; }
GTLS=$(find /usr/lib -name lmnsd_gtls.so -path '*rsyslog*' 2>/dev/null | head -n1)
[ -n "$GTLS" ] || { say "SKIP: rsyslog-gnutls is not installed"; exit 77; }
command -v openssl >/dev/null || { say "SKIP: openssl is not installed"; exit 77; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/audisp-eql-tls.XXXXXX") || exit 1
PIDS=()
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
    done
    if [ "${E2E_KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail=0
bad() { say "FAIL: $*"; fail=1; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
TLS_PORT=$(free_port)
IN_PORT=$(free_port)
[ "$TLS_PORT" != "$IN_PORT" ] || IN_PORT=$(free_port)

# 1. Certificates: a CA, the collector's (siem.example.org, also valid for 127.0.0.1) and
# this host's client certificate.
PKI=$WORK/pki
mkdir -p "$PKI"
(
    cd "$PKI" || exit 1
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj "/CN=audisp-eql test CA" -keyout ca-key.pem -out ca.pem &&
    for who in server client; do
        name=siem.example.org
        [ $who = client ] && name=audisp-eql-host.example.org
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
            -keyout $who-key.pem -out $who.csr &&
        printf 'subjectAltName=DNS:%s,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' \
            "$name" > $who.ext &&
        openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
            -extfile $who.ext -out $who-cert.pem || exit 1
    done
) > "$WORK/openssl.out" 2>&1 || { cat "$WORK/openssl.out" >&2; bad "openssl could not make the certificates"; exit 1; }
chmod 0600 "$PKI"/*-key.pem

start_rsyslogd() {  # NAME CONFIG
    mkdir -p "$WORK/$1"
    "$RSYSLOGD" -n -f "$2" -i "$WORK/$1/rsyslogd.pid" > "$WORK/$1/rsyslogd.out" 2>&1 &
    PIDS+=($!)
}
wait_port() {  # PORT: until something listens on 127.0.0.1:PORT (10 s)
    for _ in $(seq 100); do
        python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$1)))" && return 0
        sleep 0.1
    done
    return 1
}

# 2. The receiver: TLS only, client certificates signed by the CA required.
mkdir -p "$WORK/receiver"
cat > "$WORK/receiver/rsyslog.conf" <<EOF
global(workDirectory="$WORK/receiver"
       DefaultNetstreamDriverCAFile="$PKI/ca.pem"
       DefaultNetstreamDriverCertFile="$PKI/server-cert.pem"
       DefaultNetstreamDriverKeyFile="$PKI/server-key.pem")
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1"
       StreamDriver.AuthMode="x509/certvalid")
template(name="raw" type="string" string="%rawmsg%\n")
input(type="imtcp" address="127.0.0.1" port="$TLS_PORT" ruleset="in")
ruleset(name="in") { action(type="omfile" file="$WORK/received.log" template="raw") }
EOF
start_rsyslogd receiver "$WORK/receiver/rsyslog.conf"
wait_port "$TLS_PORT" || { cat "$WORK/receiver/rsyslogd.out" >&2; bad "the TLS receiver did not start"; exit 1; }

# The receiver's port speaks TLS and shows the collector's certificate, checked with the CA.
if ! echo | openssl s_client -connect "127.0.0.1:$TLS_PORT" -CAfile "$PKI/ca.pem" \
        -verify_hostname siem.example.org -verify_return_error \
        -cert "$PKI/client-cert.pem" -key "$PKI/client-key.pem" > "$WORK/s_client.out" 2>&1; then
    cat "$WORK/s_client.out" >&2
    bad "openssl s_client could not complete a verified TLS handshake with the receiver"
fi
grep -q 'Verify return code: 0 (ok)' "$WORK/s_client.out" || bad "receiver certificate not verified"

# 3. The forwarder: the shipped example, with test ports and paths.
EXAMPLE=$SRC/conf/rsyslog-tls-forward.conf.example
mkdir -p "$WORK/forwarder"
{
    echo "global(workDirectory=\"$WORK/forwarder\")"
    sed -e "s|port=\"10514\"|port=\"$IN_PORT\"|" \
        -e "s|port=\"6514\"|port=\"$TLS_PORT\"|" \
        -e "s|target=\"siem.example.org\"|target=\"127.0.0.1\"|" \
        -e "s|/etc/ssl/audisp-eql/ca.pem|$PKI/ca.pem|" \
        -e "s|/etc/ssl/audisp-eql/client-cert.pem|$PKI/client-cert.pem|" \
        -e "s|/etc/ssl/audisp-eql/client-key.pem|$PKI/client-key.pem|" "$EXAMPLE"
} > "$WORK/forwarder/rsyslog.conf"
for token in "port=\"$IN_PORT\"" "port=\"$TLS_PORT\"" 'target="127.0.0.1"' "$PKI/client-key.pem"; do
    grep -qF "$token" "$WORK/forwarder/rsyslog.conf" ||
        bad "the example no longer has the line the test adapts to $token"
done
"$RSYSLOGD" -N1 -f "$WORK/forwarder/rsyslog.conf" > "$WORK/forwarder-check.out" 2>&1 ||
    { cat "$WORK/forwarder-check.out" >&2; bad "rsyslogd -N1 refuses the example config"; }
start_rsyslogd forwarder "$WORK/forwarder/rsyslog.conf"
wait_port "$IN_PORT" || { cat "$WORK/forwarder/rsyslogd.out" >&2; bad "the forwarder did not start"; exit 1; }

# 4. audisp-eql offline, alerts to the forwarder; and the same run to a file, for the exact
# expected alerts.
LOG=$SRC/tests/data/firewall-disable.log
common=(--input "$LOG" --rules "$SRC/rules" --alerts-format json --no-summary --no-progress
        --syslog-ident audisp-eql --host-name tls-test-host
        --pin-created 1764666000)  # event.created pinned: the two runs are compared byte for byte
"$BIN" "${common[@]}" --alerts-output "tcp://127.0.0.1:$IN_PORT" 2> "$WORK/eql-tcp.err" ||
    { cat "$WORK/eql-tcp.err" >&2; bad "audisp-eql (tcp) exited $?"; }
"$BIN" "${common[@]}" --alerts-output "$WORK/expected.ndjson" 2> "$WORK/eql-file.err" ||
    { cat "$WORK/eql-file.err" >&2; bad "audisp-eql (file) exited $?"; }
expected=$(wc -l < "$WORK/expected.ndjson")
[ "$expected" -ge 2 ] || bad "expected at least 2 alerts from $LOG, the file run has $expected"

for _ in $(seq 150); do
    [ -f "$WORK/received.log" ] && [ "$(wc -l < "$WORK/received.log")" -ge "$expected" ] && break
    sleep 0.1
done
sleep 0.5  # anything extra would show now

# 5. Exactly the alerts, each whole, with its RFC 5424 header and structured data.
python3 - "$WORK/received.log" "$WORK/expected.ndjson" <<'EOF' || bad "the receiver's messages differ (above)"
import json, re, sys
received = open(sys.argv[1], encoding="utf-8").read().splitlines()
expected = open(sys.argv[2], encoding="utf-8").read().splitlines()
ok = True
def fail(msg):
    global ok
    ok = False
    print("  " + msg, file=sys.stderr)
if len(received) != len(expected):
    fail(f"{len(received)} messages received over TLS, {len(expected)} alerts expected")
header = re.compile(r'^<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[.*?[^\\]\]) (.*)$')
for line, want in zip(received, expected):
    m = header.match(line)
    if not m:
        fail(f"not an RFC 5424 message: {line[:200]}")
        continue
    pri, stamp, host, app, procid, msgid, sd, msg = m.groups()
    doc = json.loads(want)
    if msg != want:
        fail(f"MSG differs from the alert:\n    got  {msg[:300]}\n    want {want[:300]}")
    if host != "tls-test-host" or app != "audisp-eql":
        fail(f"HOSTNAME/APP-NAME {host} {app}")
    if stamp != doc["@timestamp"]:
        fail(f"TIMESTAMP {stamp} != @timestamp {doc['@timestamp']}")
    if int(pri) != 10 * 8 + {"critical": 2, "high": 3, "medium": 4, "low": 5}[doc["audisp_eql"]["rule"]["severity"]]:
        fail(f"PRI {pri} for severity {doc['audisp_eql']['rule']['severity']}")
    if msgid != doc["rule"]["id"].replace("-", ""):
        fail(f"MSGID {msgid} for rule id {doc['rule']['id']}")
    for key, value in (("rule_id", doc["rule"]["id"]), ("pid", str(doc["process"]["pid"])),
                       ("user", doc["user"]["name"])):
        if f'{key}="{value}"' not in sd:
            fail(f"structured data lacks {key}=\"{value}\": {sd}")
    if not sd.startswith("[alert@32473 "):
        fail(f"SD-ID: {sd}")
names = sorted(json.loads(w)["rule"]["name"] for w in expected)
print(f"  {len(received)} alerts arrived over TLS: {names}", file=sys.stderr)
sys.exit(0 if ok else 1)
EOF

# A plain-text message to the TLS port is not accepted (the port is TLS only).
printf '<13>1 - plain - - - - plaintext-probe\n' |
    python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$TLS_PORT)); s.sendall(sys.stdin.buffer.read()); s.close()"
sleep 0.5
if grep -q plaintext-probe "$WORK/received.log" 2>/dev/null; then
    bad "the receiver accepted plain text: the delivery above may not have been TLS"
fi

if [ $fail = 0 ]; then say "PASS: alerts reached the collector over TLS through the example config"; fi
exit $fail
