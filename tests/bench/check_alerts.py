#!/usr/bin/env python3
"""Compare audisp-eql JSON alerts (NDJSON) with gen_stream.py ground truth.

check_alerts.py TRUTH.json ALERTS.ndjson [--unique]
Exit 0 when, for each rule of the truth, the set of alerting serials (event.sequence) is exactly
the truth; prints a one-line summary and the differences.  Alerts of other rules (all-rules runs)
are counted, not judged.
"""
import json
import sys
from collections import Counter, defaultdict


def main():
    unique = "--unique" in sys.argv
    argv = [a for a in sys.argv if a != "--unique"]
    truth = json.load(open(argv[1]))["alerts"]
    got = defaultdict(list)
    for line in open(argv[2], errors="replace"):
        line = line.strip()
        if not line:
            continue
        d = json.loads(line)
        got[d["rule"]["name"]].append(d["event"]["sequence"])
    dups = 0
    if unique:      # the same rule loaded twice (seed + upstream copy) alerts twice per event
        for k in list(got):
            dups += len(got[k]) - len(set(got[k]))
            got[k] = sorted(set(got[k]))
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
    print("%s truth=%d matched=%d other_rules=%d%s" % ("OK" if ok else "MISMATCH", total,
                                                        sum(len(got.get(k, [])) for k in truth), others,
                                                        (" duplicates=%d" % dups) if unique else ""))
    for m in msgs:
        print("  " + m)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
