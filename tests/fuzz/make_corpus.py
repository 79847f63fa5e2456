#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/).

Seeds are made from the project's own material only: events cut out of the real-kernel
captures in tests/data (one event per file, plus a few whole short captures), the queries of
rules/*.toml, hand-written EQL, and hostile strings and records. Deterministic: running it
again gives the same files.

  make_corpus.py                      # rewrite tests/fuzz/corpus/
  make_corpus.py --out DIR            # write elsewhere
  make_corpus.py --eql-only --out DIR --rules R...   # queries of other rule folders (CI adds
                                                      # ../shared/rules-upstream/linux this way)
"""
import argparse
import os
import re
import shutil
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "tests", "data")
EVENT_ID = re.compile(rb"msg=audit\((\d+\.\d+:\d+)\):")


def trailer(items):
    """Control bytes that fuzz::Input::take_back() reads back as `items` [(value, nbytes)...],
    in take order: the first item is taken from the very end, most significant byte first."""
    out = b""
    for value, n in reversed(items):
        out += (value % (1 << (8 * n))).to_bytes(n, "little")
    return out


def events_of(path):
    """Records grouped by event id, in order of first appearance (interleaving undone)."""
    groups, order = {}, []
    with open(path, "rb") as f:
        for line in f:
            m = EVENT_ID.search(line)
            if not m:
                continue
            key = m.group(1)
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(line)
    return [b"".join(groups[k]) for k in order]


def interesting(event):
    return b"type=EXECVE" in event or b"syscall=56 " in event or b"syscall=231 " in event \
        or b"syscall=62 " in event or b"syscall=157 " in event or b"success=no" in event


def capture_seeds(per_file=5):
    seeds = []
    for name in sorted(os.listdir(DATA)):
        if not name.endswith(".log"):
            continue
        chosen = [e for e in events_of(os.path.join(DATA, name)) if interesting(e)]
        step = max(1, len(chosen) // per_file)
        base = name[:-4]
        for i, event in enumerate(chosen[::step][:per_file]):
            seeds.append((f"capture-{base}-{i:02d}", event))
    # Whole short captures: several events, pid reuse, interleaving.
    for name in ("pid-reuse.log", "noise-window.log", "kill-prctl.log"):
        with open(os.path.join(DATA, name), "rb") as f:
            seeds.append((f"whole-{name[:-4]}", f.read()))
    return seeds


SYSCALL = (b"type=SYSCALL msg=audit(%s): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 "
           b"a2=3 a3=4 items=2 ppid=%s pid=%s auid=1000 uid=%s gid=0 euid=0 suid=0 fsuid=0 egid=0 "
           b"sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"iptables\" exe=\"/usr/sbin/xtables-nft-multi\" "
           b"key=\"exec\"\n")


def exec_event(stamp=b"1700000000.123:100", execve=b"argc=2 a0=\"iptables\" a1=\"-F\"",
               ppid=b"10", pid=b"20", uid=b"0", extra=b""):
    return (SYSCALL % (stamp, ppid, pid, uid) +
            b"type=EXECVE msg=audit(" + stamp + b"): " + execve + b"\n" +
            b"type=CWD msg=audit(" + stamp + b"): cwd=\"/root\"\n" +
            b"type=PATH msg=audit(" + stamp + b"): item=0 name=\"/usr/sbin/iptables\" inode=1 "
            b"dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n" + extra +
            b"type=PROCTITLE msg=audit(" + stamp + b"): proctitle=\"stale\"\n" +
            b"type=EOE msg=audit(" + stamp + b"): \n")


def hostile_records():
    ok = exec_event()
    nxt = exec_event(stamp=b"1700000001.000:101")
    return [
        ("hostile-crlf", ok.replace(b"\n", b"\r\n")),
        ("hostile-nul", ok[:120] + b"\0\0" + ok[120:] + nxt),
        ("hostile-binary", b"\x01\x02\xff\xfe garbage\n" + ok + b"\x1b[31mred\x1b[0m\n" + nxt),
        ("hostile-long-line", b"type=EXECVE msg=audit(1.0:1): a0=\"" + b"A" * 3000 + b"\"\n" + ok),
        ("hostile-64bit-ids", exec_event(ppid=b"18446744073709551615", pid=b"9223372036854775807",
                                         uid=b"4294967296")),
        ("hostile-negative-ids", exec_event(ppid=b"-1", pid=b"-9223372036854775808", uid=b"-1")),
        ("hostile-1970", exec_event(stamp=b"0.000:1")),
        ("hostile-2100", exec_event(stamp=b"4102444800.999:18446744073709551615")),
        ("hostile-far-future", exec_event(stamp=b"99999999999999.999:2")),
        ("hostile-huge-stamp", exec_event(stamp=b"99999999999999999999999.0:3")),
        ("hostile-unknown-type", b"type=FOO_BAR msg=audit(1700000000.123:100): x=1\n"
                                 b"type=UNKNOWN[9999] msg=audit(1700000000.123:100): y=2\n" + ok),
        ("hostile-invalid-hex", exec_event(execve=b"argc=3 a0=ZZ a1=ABC a2=4G")),
        ("hostile-argc-mismatch", exec_event(execve=b"argc=100000 a0=\"x\"")),
        ("hostile-sparse-index", exec_event(execve=b"argc=2 a0=\"x\" a1048575=\"y\" a999999999999=1")),
        ("hostile-chunks", exec_event(execve=b"argc=2 a0=\"x\" a1_len=8 a1[0]=4142 a1[1]=4344")),
        ("hostile-chunks-odd", exec_event(execve=b"argc=2 a0=\"x\" a1_len=3 a1[0]=414 a1[5]=Z")),
        ("hostile-proctitle-only", b"type=PROCTITLE msg=audit(1700000000.123:100): "
                                   b"proctitle=69707461626C6573002D46\n" + nxt),
        ("hostile-no-syscall", b"".join(l + b"\n" for l in ok.split(b"\n")[1:] if l) + nxt),
        ("hostile-duplicated", ok + ok + nxt + nxt),
        ("hostile-out-of-order", nxt + ok + exec_event(stamp=b"1700000000.500:99")),
        ("hostile-interleaved", b"".join(a + b for a, b in zip(ok.splitlines(True),
                                                               nxt.splitlines(True)))),
        ("hostile-truncated", ok[: len(ok) // 2] + nxt),
        ("hostile-enriched", ok.replace(b"key=\"exec\"\n", b"key=\"exec\"\x1dARCH=x86_64 "
                                        b"SYSCALL=execve AUID=\"al ice\" UID=root =x Y=\"\n")),
        ("hostile-node", b"node=\xff\xfe " + ok + b"node= " + nxt),
        ("hostile-empty-fields", b"type=SYSCALL msg=audit(1.1:1): \n"
                                 b"type=EXECVE msg=audit(1.1:1): argc= a0= =\n"
                                 b"type=SYSCALL msg=audit(1.1:1): syscall=59 success=yes\n"),
        ("hostile-fork-exit", SYSCALL.replace(b"syscall=59", b"syscall=56").replace(
            b"exit=0", b"exit=21") % (b"1.0:5", b"1", b"20", b"0") +
            SYSCALL.replace(b"syscall=59", b"syscall=231") % (b"1.0:6", b"1", b"21", b"0") +
            SYSCALL.replace(b"syscall=59", b"syscall=231") % (b"1.0:7", b"1", b"20", b"0")),
    ]


def reader_seeds():
    seeds = capture_seeds() + hostile_records()
    out = []
    for i, (name, text) in enumerate(seeds):
        # Split in the middle; every fourth seed with a small line limit, every fifth byte-wise.
        split = len(text) // 2
        options = (1 if i % 4 == 0 else 0) | (8 if i % 5 == 0 else 0) | (2 if i % 3 == 0 else 0)
        out.append((name, text + trailer([(split, 2), (i * 7 % 256, 1), (options, 1)])))
    return out


def eval_seeds():
    seeds = capture_seeds(per_file=3) + hostile_records()
    # Events that fire the shipped rules.
    for name in ("firewall-disable.log", "ip-forwarding.log", "firewall-service.log"):
        firing = [e for e in events_of(os.path.join(DATA, name))
                  if b"type=EXECVE" in e and (b"iptables" in e or b"ufw" in e or b"sysctl" in e
                                              or b"ip_forward" in e or b"7379736374" in e)]
        for i, event in enumerate(firing[:4]):
            seeds.append((f"firing-{name[:-4]}-{i}", event))
    return seeds


def rule_queries(folders):
    out = []
    for folder in folders:
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".toml"):
                continue
            with open(os.path.join(folder, name), "rb") as f:
                try:
                    rule = tomllib.load(f).get("rule", {})
                except tomllib.TOMLDecodeError:
                    continue
            if "query" in rule:
                out.append((f"rule-{name[:-5]}", rule["query"].encode()))
    return out


EQL = [
    'process where process.name == "iptables"',
    'process where process.name : ("ufw", "IPTABLES") and process.args : "-F"',
    'process where event.type == "start" and process.args like~ ("*disable*", "stop")',
    'process where process.command_line regex~ """.*(nc|ncat) -e .*"""',
    'process where process.parent.name in ("bash", "sh") and not process.args == "-L"',
    'any where true',
    'process where length(process.args) > 2 and process.args_count >= 3',
    'process where startsWith~(process.executable, "/usr/") and endsWith(process.name, "s")',
    'process where stringContains(process.command_line, "-F") or wildcard(process.name, "ipt*")',
    'process where concat(process.name, "-", process.pid) : "iptables-*"',
    'process where substring(process.name, 0, 3) == "ipt" and indexOf(process.name, "t") == 1',
    'process where cidrMatch("10.1.2.3", "10.0.0.0/8") and between(process.name, "i", "s") != null',
    'process where add(process.pid, 1) > 100 and divide(process.pid, 0) == null',
    'process where process.name == null or ?process.unknown == "x"',
    'process where process.args : "*\\\\*" and process.name : "a?b*c"',
    'process where process.name == "\\u{1F600}\\t\\n\\"" and process.name != \'single\'',
    'process where ' + "(" * 150 + "true" + ")" * 150,
    'process where ' + " and ".join(['process.name == "x%d"' % i for i in range(50)]),
    'process where process.name like "' + "*a" * 40 + '*"',
    'process where process.command_line regex "(a+)+$"',
    'process where process.command_line regex "[[:alpha:]]{3,}~&<>#@"',
    'sequence [process where true] [process where true]',
    'process where true | head 5',
    'file where file.path == "/etc/passwd"',
    'process where',
    'process where process.name == "unterminated',
    'process where process.pid == 9223372036854775807 and process.pid < -9223372036854775808',
    'process where process.pid == 1e308 and process.pid == 0.0000001',
    'process where process.name : """triple "quoted" string"""',
    'process where process.parent.args : ("-c", "-i") and process.user.id == "0"',
]


def eql_seeds():
    return rule_queries([os.path.join(ROOT, "rules")]) + \
        [(f"handwritten-{i:02d}", q.encode()) for i, q in enumerate(EQL)]


HOSTILE_STRINGS = [
    b"iptables -F\nFeb 1 00:00:00 forged sshd[1]: Accepted password for root",
    b"a\r\nb\x00c\x1dd\x1b[2J\x1b]0;title\x07",
    b"\xff\xfe\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80 invalid utf-8",
    b"\xe2\x80\xae\xe2\x80\xa8\xe2\x81\xa6bidi\xc2\x85\xc2\x9b",
    b"pipe|and\\backslash=equals]bracket\"quote",
    b"] [forged@1 a=\"b\"] x=\"",
    b"CEF:0|evil|evil|1|1|x|10|src=1.2.3.4",
    b"\\" * 300 + b"=" * 300 + b"|" * 300,
    b"A" * 30000,
    b"\xf0\x9f\x98\x80" * 5000,
    b"",
    b"2026-01-02T03:04:05.123456Z",
    b"9999999999-99-99T99:99:99Z",
    b"-0001-01-01T00:00:00+99:99",
]


def format_seeds():
    out = []
    for i, s in enumerate(HOSTILE_STRINGS):
        parts = [s] * (i % 6 + 1)
        if i % 3 == 0:
            parts = [s] * 17  # every slot and the syslog header fields
        if len(s) > 1000:
            parts = [s] * 3
        text = b"\x1e".join(parts)
        options = [0x00, 0x80, 0xf8, 0x59, 0xd3, 0x2c][i % 6]
        limit = [0, 600, 4096, 100, 65535, 512][i % 6]
        out.append((f"hostile-{i:02d}", text + trailer(
            [(options, 1), (limit, 2), (1790000000 + i, 4), ((-1) ** i * (i * 37), 4), (i, 1)])))
    return out


def write(folder, seeds, clean):
    if clean and os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder, exist_ok=True)
    for name, data in seeds:
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    print(f"{folder}: {len(seeds)} seeds", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(HERE, "corpus"))
    parser.add_argument("--eql-only", action="store_true")
    parser.add_argument("--rules", nargs="*", default=[])
    args = parser.parse_args()
    if args.eql_only:
        write(os.path.join(args.out, "eql"), rule_queries(args.rules), clean=False)
        return
    write(os.path.join(args.out, "reader"), reader_seeds(), clean=True)
    write(os.path.join(args.out, "eval"), eval_seeds(), clean=True)
    write(os.path.join(args.out, "eql"), eql_seeds(), clean=True)
    write(os.path.join(args.out, "format"), format_seeds(), clean=True)


if __name__ == "__main__":
    main()
