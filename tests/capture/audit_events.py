#!/usr/bin/env python3
"""Select whole audit events from an audit.log (or plugin stream) and summarise them.

Records never get edited: an event (all records sharing one
msg=audit(SECONDS.MILLIS:SERIAL) stamp) is either kept whole, with its lines
byte-for-byte and in their original order, or dropped whole.

  audit_events.py select --ses N [--ses M] [--keep-type DAEMON_START] IN OUT
      keep events in which any record carries the token ses=N
  audit_events.py window --begin TEXT --end TEXT IN OUT
      keep every event with a record between the first line containing
      TEXT(begin) and the next line containing TEXT(end), markers included
  audit_events.py steps FILE...
      markdown table: capture-step label -> serials of the execs after it
      (a trailing ! marks a failed exec)
  audit_events.py summary FILE...
      markdown table of the SYSCALL events (serial, syscall, pid, ppid,
      comm, decoded argv) with the capture-step label in force
"""
import re
import sys

STAMP = re.compile(rb"msg=audit\((\d+\.\d+:\d+)\)")
SYSCALLS = {b"1": "write", b"44": "sendto", b"257": "openat", b"59": "execve", b"322": "execveat", b"56": "clone", b"57": "fork",
            b"58": "vfork", b"435": "clone3", b"231": "exit_group", b"62": "kill",
            b"200": "tkill", b"234": "tgkill", b"157": "prctl"}


def read_events(path):
    """Return (order, events): order = list of stamps, events = stamp -> list of lines."""
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    order, events, stray = [], {}, 0
    for idx, line in enumerate(lines):
        m = STAMP.search(line)
        if not m:
            stray += 1
            continue
        key = m.group(1)
        if key not in events:
            events[key] = []
            order.append(key)
        events[key].append((idx, line))
    if stray:
        print(f"{path}: warning: {stray} line(s) without msg=audit(...) skipped", file=sys.stderr)
    return lines, order, events


def write_keys(lines, events, keys, out):
    idx = sorted(i for k in keys for i, _ in events[k])
    with open(out, "wb") as f:
        for i in idx:
            f.write(lines[i] + b"\n")
    return len(idx)


def body(line):
    """Record text before the ENRICHED 0x1d separator."""
    return line.split(b"\x1d", 1)[0]


def fields(line):
    out = {}
    for tok in body(line).split(b" "):
        if b"=" in tok:
            k, v = tok.split(b"=", 1)
            out.setdefault(k, v)
    return out


def cmd_select(args):
    ses, keep_types, rest = [], [], []
    it = iter(args)
    for a in it:
        if a == "--ses":
            ses.append(next(it).encode())
        elif a == "--keep-type":
            keep_types.append(next(it).encode())
        else:
            rest.append(a)
    src, out = rest
    lines, order, events = read_events(src)
    pats = [re.compile(rb"(^| )ses=" + re.escape(s) + rb"( |$|\x1d)") for s in ses]
    keep = []
    for k in order:
        recs = [l for _, l in events[k]]
        if any(p.search(body(l)) for p in pats for l in recs) or \
           any(l.startswith(b"type=" + t + b" ") for t in keep_types for l in recs):
            keep.append(k)
    n = write_keys(lines, events, keep, out)
    print(f"{out}: {len(keep)} events, {n} records", file=sys.stderr)


def cmd_window(args):
    begin = args[args.index("--begin") + 1].encode()
    end = args[args.index("--end") + 1].encode()
    src, out = [a for i, a in enumerate(args) if a not in ("--begin", "--end") and
                (i == 0 or args[i - 1] not in ("--begin", "--end"))]
    lines, order, events = read_events(src)
    b = next(i for i, l in enumerate(lines) if begin in l)
    e = next(i for i, l in enumerate(lines) if i > b and end in l)
    keys = []
    for i in range(b, e + 1):
        m = STAMP.search(lines[i])
        if m and m.group(1) not in keys:
            keys.append(m.group(1))
    n = write_keys(lines, events, keys, out)
    print(f"{out}: {len(keys)} events, {n} records", file=sys.stderr)


def decode_value(v):
    if v.startswith(b'"') and v.endswith(b'"') and len(v) >= 2:
        return v[1:-1]
    if v == b"(null)":
        return b""
    try:
        return bytes.fromhex(v.decode())
    except ValueError:
        return v


def decode_argv(execve_lines):
    """argv from the EXECVE records of one event (handles aN_len / aN[i] chunks)."""
    argc, plain, chunks = None, {}, {}
    for line in execve_lines:
        text = body(line).split(b"): ", 1)[1] if b"): " in line else b""
        for tok in text.split(b" "):
            if b"=" not in tok:
                continue
            k, v = tok.split(b"=", 1)
            if k == b"argc":
                argc = int(v)
                continue
            m = re.fullmatch(rb"a(\d+)\[(\d+)\]", k)
            if m:
                chunks.setdefault(int(m.group(1)), {})[int(m.group(2))] = bytes.fromhex(v.decode())
                continue
            m = re.fullmatch(rb"a(\d+)", k)
            if m:
                plain[int(m.group(1))] = decode_value(v)
    argv = []
    for i in range(argc or 0):
        if i in chunks:
            argv.append(b"".join(chunks[i][j] for j in sorted(chunks[i])))
        else:
            argv.append(plain.get(i, b"<missing>"))
    return argv


def show_argv(argv, limit=110):
    parts = []
    for a in argv:
        s = a.decode("utf-8", "backslashreplace")
        if len(s) > 40:
            s = s[:20] + f"...<{len(a)} bytes>"
        parts.append(repr(s) if (not s or any(c in s for c in " \t\n\"'|")) else s)
    text = " ".join(parts)
    if len(argv) > 12:
        text = " ".join(parts[:6]) + f" ... <{len(argv)} args> ... " + " ".join(parts[-2:])
    text = text.replace("|", "\\|")
    return text if len(text) <= limit else text[:limit] + "..."


def cmd_summary(paths):
    for path in paths:
        _, order, events = read_events(path)
        print(f"\n### {path.rsplit('/', 1)[-1]}\n")
        print("| serial | syscall | ok | pid | ppid | comm | details | step |")
        print("|---|---|---|---|---|---|---|---|")
        step = ""
        for k in order:
            recs = [l for _, l in events[k]]
            sc = next((l for l in recs if l.startswith(b"type=SYSCALL ")), None)
            if sc is None:
                continue
            f = fields(sc)
            name = SYSCALLS.get(f.get(b"syscall", b"?"), f.get(b"syscall", b"?").decode())
            ok = f.get(b"success", b"-").decode()
            detail = ""
            if name in ("execve", "execveat"):
                ex = [l for l in recs if l.startswith(b"type=EXECVE ")]
                if ex:
                    argv = decode_argv(ex)
                    detail = f"argv: {show_argv(argv)}"
                    if argv and argv[0].endswith(b"capture-step") and len(argv) > 1:
                        step = argv[1].decode()
                    n_ex = len(ex)
                    if n_ex > 1:
                        detail += f" ({n_ex} EXECVE records)"
                else:
                    names = [fields(l).get(b"name", b"?").decode() for l in recs if l.startswith(b"type=PATH ")]
                    detail = f"exit={f.get(b'exit', b'?').decode()} tried: {' '.join(names)}"
            elif name in ("clone", "clone3", "fork", "vfork"):
                detail = f"child pid {f.get(b'exit', b'?').decode()}"
            elif name == "kill":
                detail = f"target {int(f.get(b'a0', b'0'), 16)} sig {int(f.get(b'a1', b'0'), 16)}"
            elif name == "prctl":
                detail = f"option {int(f.get(b'a0', b'0'), 16)}"
            serial = k.decode().split(":")[1]
            print(f"| {serial} | {name} | {ok} | {f.get(b'pid', b'').decode()} | {f.get(b'ppid', b'').decode()} "
                  f"| {f.get(b'comm', b'').decode()} | {detail} | {step} |")


def cmd_steps(paths):
    """Per capture-step label: serials of the exec events (execve/execveat, any
    outcome) that follow it, other than capture-step itself."""
    print("| file | step | exec serials (pid) |")
    print("|---|---|---|")
    for path in paths:
        _, order, events = read_events(path)
        step, found = None, {}
        for k in order:
            recs = [l for _, l in events[k]]
            sc = next((l for l in recs if l.startswith(b"type=SYSCALL ")), None)
            if sc is None:
                continue
            f = fields(sc)
            if f.get(b"syscall") not in (b"59", b"322"):
                continue
            ex = [l for l in recs if l.startswith(b"type=EXECVE ")]
            argv = decode_argv(ex) if ex else []
            if argv and argv[0].endswith(b"capture-step") and len(argv) > 1:
                step = argv[1].decode()
                found.setdefault(step, [])
                continue
            if step is not None:
                mark = "" if f.get(b"success") == b"yes" else "!"
                found[step].append(f"{k.decode().split(':')[1]}{mark}({f.get(b'pid', b'').decode()})")
        name = path.rsplit("/", 1)[-1]
        for st, ser in found.items():
            print(f"| {name} | {st} | {' '.join(ser)} |")


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "select":
        cmd_select(args)
    elif cmd == "window":
        cmd_window(args)
    elif cmd == "summary":
        cmd_summary(args)
    elif cmd == "steps":
        cmd_steps(args)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
