#!/usr/bin/env python3
"""Compare audisp-eql JSON alerts (NDJSON) with gen_stream.py ground truth.

check_alerts.py TRUTH.json ALERTS.ndjson [--only-truth-rules]
Exit 0 when, for each rule of the truth, the set of alerting serials (event.sequence) is exactly
the truth; prints a one-line summary and the differences.  Alerts of other rules (all-rules runs)
are counted, not judged.
"""
import json
import sys
from collections import Counter, defaultdict


def main():
    truth = json.load(open(sys.argv[1]))["alerts"]
    got = defaultdict(list)
    for line in open(sys.argv[2], errors="replace"):
        line = line.strip()
        if not line:
            continue
        d = json.loads(line)
        got[d["rule"]["name"]].append(d["event"]["sequence"])
    ok = True
    msgs = []
    for rule, want in truth.items():
        w, g = Counter(want), Counter(got.get(rule, []))
        missing = sorted((w - g).elements())
        extra = sorted((g - w).elements())
        if missing or extra:
            ok = False
            msgs.append("%s: want %d got %d missing=%s extra=%s" % (rule, len(want), len(got.get(rule, [])),
                                                                 missing[:20], extra[:20]))
    others = sum(len(v) for k, v in got.items() if k not in truth)
    total = sum(len(v) for v in truth.values())
    print("%s truth=%d matched=%d other_rules=%d" % ("OK" if ok else "MISMATCH", total,
                                                      sum(len(got.get(k, [])) for k in truth), others))
    for m in msgs:
        print("  " + m)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
