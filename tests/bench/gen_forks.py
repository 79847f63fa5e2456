#!/usr/bin/env python3
"""A RAW audit stream in which one process forks N children that each exec a small program and
exit: the process table's cost per fork, for a forker with ARG_BYTES of args (split into
EXECVE records as the kernel writes them, one 4,000-byte arg per continuation record) or with
two short args.

gen_forks.py --forks N --arg-bytes B [-o FILE]
"""
import argparse
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--forks", type=int, default=20000)
    ap.add_argument("--arg-bytes", type=int, default=0, help="0: a forker with short args")
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    out = sys.stdout if a.output == "-" else open(a.output, "w")
    serial = 100
    t = 1700000000000  # milliseconds

    def stamp():
        return "msg=audit(%d.%03d:%d):" % (t // 1000, t % 1000, serial)

    def syscall(nr, pid, ppid, comm, exe, extra):
        return ("type=SYSCALL %s arch=c000003e syscall=%d success=yes %sa0=1200011 a1=0 a2=0 "
                "a3=0 items=%d ppid=%d pid=%d auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 "
                "sgid=0 fsgid=0 tty=(none) ses=1 comm=\"%s\" exe=\"%s\" key=(null)\n"
                % (stamp(), nr, extra, 2 if nr == 59 else 0, ppid, pid, comm, exe))

    # Every syscall event ends with PROCTITLE, as the kernel writes it (libauparse needs it to
    # complete the event at once).
    def proctitle(title):
        return "type=PROCTITLE %s proctitle=%s\n" % (stamp(), title.encode().hex().upper())

    def exec_event(pid, ppid, prog, args):
        lines = [syscall(59, pid, ppid, prog, "/usr/bin/" + prog, "exit=0 ")]
        lines.append("type=EXECVE %s argc=%d a0=\"%s\"\n" % (stamp(), len(args), args[0]))
        for i, arg in enumerate(args[1:], 1):
            lines.append("type=EXECVE %s  a%d=\"%s\"\n" % (stamp(), i, arg))
        lines.append("type=CWD %s cwd=\"/\"\n" % stamp())
        lines.append("type=PATH %s item=0 name=\"/usr/bin/%s\" inode=1 dev=fe:00 mode=0100755 "
                     "ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 "
                     "cap_fver=0\n" % (stamp(), prog))
        lines.append(proctitle(prog))
        return "".join(lines)

    if a.arg_bytes > 0:
        forker_args = ["forker"] + ["a" * 4000] * max(1, a.arg_bytes // 4000)
    else:
        forker_args = ["forker", "-x"]
    out.write(exec_event(1000, 1, "forker", forker_args))
    for i in range(a.forks):
        child = 2000 + i % 30000
        serial += 1
        t += 1
        out.write(syscall(56, 1000, 1, "forker", "/usr/bin/forker", "exit=%d " % child))
        out.write(proctitle("forker"))
        serial += 1
        out.write(exec_event(child, 1000, "true", ["true", str(i)]))
        serial += 1
        out.write(syscall(231, child, 1000, "true", "/usr/bin/true", ""))
        out.write(proctitle("true"))
    out.close()


if __name__ == "__main__":
    main()
