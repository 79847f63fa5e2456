#!/bin/bash
# --print-audit-rules under the real auditd: the audit rules it derives from the upstream
# linux-file rules (watches under the capture's chroot) are loaded by a private auditd, the
# file-rules scenarios of tests/capture/scenarios_file_net.sh run, and every rule must fire on
# its STEM:fire scenario. Root only (77 = skipped). Run under flock /tmp/audisp-auditd.lock.
# Usage: audit_rules_e2e.sh SOURCE_DIR BINARY
set -u
SRC=${1:?source dir} BIN=${2:?audisp-eql binary}
SHARED=${AUDISP_SHARED_DIR:-$SRC/../shared}
RULES=$SHARED/rules-upstream/linux-file
[ "$(id -u)" = 0 ] || { echo "audit_rules_e2e: needs root" >&2; exit 77; }
command -v auditd >/dev/null || [ -x /usr/sbin/auditd ] || { echo "audit_rules_e2e: no auditd" >&2; exit 77; }
[ -d "$RULES" ] || { echo "audit_rules_e2e: no $RULES" >&2; exit 77; }
OUT=$(mktemp -d /tmp/audisp-eql-rules-e2e.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

GENERATED_RULES_FROM=$BIN GENERATED_RULES_FOR=$RULES bash "$SRC/tests/capture/capture_file_net.sh" "$OUT" ||
    { echo "audit_rules_e2e: capture failed" >&2; exit 1; }
grep -q '^-w /tmp/audisp-eql-fncapture/root/etc -p wa' "$OUT/generated.rules" ||
    { echo "audit_rules_e2e: no watch on the chroot's /etc in:" >&2; cat "$OUT/generated.rules" >&2; exit 1; }
"$BIN" --input "$OUT/file-rules.log" --rules "$RULES" --events-output "$OUT/events.ndjson" \
    --alerts-output "$OUT/alerts.ndjson" >/dev/null 2>&1 || { echo "audit_rules_e2e: analysis failed" >&2; exit 1; }
"$BIN" --check-rules --rules "$RULES" > "$OUT/check.txt"
python3 - "$OUT" <<'PY'
import json, os, sys
out = sys.argv[1]
names = {}  # rule file stem -> rule name
for line in open(os.path.join(out, "check.txt")):
    if line.startswith("loaded  "):
        path, name = line[8:].rstrip("\n").split(": ", 1)
        names[os.path.basename(path)[:-5]] = name
label, step_of = "", {}
for line in open(os.path.join(out, "events.ndjson")):
    e = json.loads(line)
    p = e.get("process", {})
    if e["event"]["action"] == "exec" and p.get("name") == "capture-step" and len(p.get("args", [])) == 2:
        label = p["args"][1]
    step_of[e["event"]["sequence"]] = label
fired = set()
for line in open(os.path.join(out, "alerts.ndjson")):
    a = json.loads(line)
    fired.add((step_of.get(a["event"]["sequence"]), a["rule"]["name"]))
missing = [stem for stem in sorted(names) if (stem + ":fire", names[stem]) not in fired]
print(f"audit_rules_e2e: {len(names) - len(missing)} of {len(names)} rules fired on their scenario")
for stem in missing:
    print(f"audit_rules_e2e: NOT fired: {stem}")
sys.exit(1 if missing or len(names) != 56 else 0)
PY
