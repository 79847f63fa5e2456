#!/usr/bin/env python3
"""Deterministic generator of exec-heavy Linux audit streams for the audisp-eql benchmark.

The layout imitates what kernel 6.18 + auditd 3.0.9 write on this machine (see tests/data/*.log
and tests/data/CAPTURES.md): per successful exec SYSCALL, BPRM_FCAPS (root), EXECVE (hex and
split aN[i] args, continuation records), CWD, PATH x1-3, PROCTITLE (cached per task, cut at 128
bytes); failed PATH-search execs (success=no, no EXECVE); clone/exit_group records; pid reuse;
PAM and openat noise; ~1% of events whose last record comes after the next event; ENRICHED
(0x1d + interpreted names) or RAW; optional EOE records (plugin stream); with --file-net R, about
R file (creation, write, rename, unlink) and network (connect) events per exec.

Ground truth (--truth) is computed from the generated exec events themselves with a direct Python
transcription of the two seed rules, so it is what the rules say, not what we meant.

Usage: gen_stream.py --events N [--seed S] [--rate R] [--format enriched|raw] [--plugin]
                     [-o FILE] [--truth FILE]
"""
import argparse
import json
import random
import sys

FW_RULE = "Attempt to Disable IPTables or Firewall"
FWD_RULE = "IPv4/IPv6 Forwarding Activity"

SHELLS = ("bash", "dash", "sh", "tcsh", "csh", "zsh", "ksh", "fish")
FW_SERVICES = ("firewalld", "ip6tables", "iptables", "firewalld.service", "ip6tables.service",
               "iptables.service")
FWD_PATTERNS = ("net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward",
                "net.ipv6.conf.all.forwarding", "/proc/sys/net/ipv6/conf/all/forwarding")
FWD_PARENT_EXCL = ("privsep-helper", "platform-python", "init.ipv6-global", "wsl-bootstrap")

USERS = {0: "root", 1000: "alice", 1001: "bob", 65534: "nobody"}
ENR_IDS = ("AUID", "UID", "GID", "EUID", "SUID", "FSUID", "EGID", "SGID", "FSGID")
LDSO = "/lib64/ld-linux-x86-64.so.2"

# program -> (path searched name, real exe after symlinks, interpreter or None)
PROGRAMS = {
    "ls": ("/usr/bin/ls", None), "cat": ("/usr/bin/cat", None), "grep": ("/usr/bin/grep", None),
    "sed": ("/usr/bin/sed", None), "awk": ("/usr/bin/mawk", None), "ps": ("/usr/bin/ps", None),
    "date": ("/usr/bin/date", None), "id": ("/usr/bin/id", None), "uname": ("/usr/bin/uname", None),
    "head": ("/usr/bin/head", None), "tail": ("/usr/bin/tail", None), "wc": ("/usr/bin/wc", None),
    "sort": ("/usr/bin/sort", None), "find": ("/usr/bin/find", None), "git": ("/usr/bin/git", None),
    "make": ("/usr/bin/make", None), "gcc": ("/usr/bin/gcc-12", None), "tar": ("/usr/bin/tar", None),
    "curl": ("/usr/bin/curl", None), "ip": ("/usr/sbin/ip", None), "ss": ("/usr/bin/ss", None),
    "sleep": ("/usr/bin/sleep", None), "env": ("/usr/bin/env", None), "logger": ("/usr/bin/logger", None),
    "bash": ("/usr/bin/bash", None), "sh": ("/usr/bin/dash", None),
    "iptables": ("/usr/sbin/xtables-nft-multi", None), "ip6tables": ("/usr/sbin/xtables-nft-multi", None),
    "ufw": ("/usr/bin/python3.11", "/usr/bin/python3"), "systemctl": ("/usr/bin/systemctl", None),
    "service": ("/usr/bin/dash", "/bin/sh"), "chkconfig": ("/usr/sbin/chkconfig", None),
    "sysctl": ("/usr/sbin/sysctl", None), "python3": ("/usr/bin/python3.11", None),
    "backup.sh": ("/usr/bin/bash", "/bin/bash"), "true": ("/usr/bin/true", None),
}
DIRS = {"ls": "/usr/bin", "cat": "/usr/bin", "grep": "/usr/bin", "sed": "/usr/bin", "awk": "/usr/bin",
        "ps": "/usr/bin", "date": "/usr/bin", "id": "/usr/bin", "uname": "/usr/bin", "head": "/usr/bin",
        "tail": "/usr/bin", "wc": "/usr/bin", "sort": "/usr/bin", "find": "/usr/bin", "git": "/usr/bin",
        "make": "/usr/bin", "gcc": "/usr/bin", "tar": "/usr/bin", "curl": "/usr/bin", "ip": "/usr/sbin",
        "ss": "/usr/bin", "sleep": "/usr/bin", "env": "/usr/bin", "logger": "/usr/bin", "bash": "/usr/bin",
        "sh": "/usr/bin", "iptables": "/usr/sbin", "ip6tables": "/usr/sbin", "ufw": "/usr/sbin",
        "systemctl": "/usr/bin", "service": "/usr/sbin", "chkconfig": "/usr/sbin", "sysctl": "/usr/sbin",
        "python3": "/usr/bin", "backup.sh": "/opt/tools", "true": "/usr/bin"}
SEARCH_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")

BENIGN = [
    ["ls", "-la"], ["ls", "--color=auto", "/var/log"], ["cat", "/etc/os-release"],
    ["grep", "-r", "TODO", "src"], ["grep", "-c", "error", "/var/log/syslog"],
    ["sed", "-n", "1,20p", "notes.txt"], ["awk", "{print $1}", "access.log"], ["ps", "aux"],
    ["date", "+%s"], ["id", "-u"], ["uname", "-r"], ["head", "-n", "5", "data.csv"],
    ["tail", "-f", "/var/log/messages"], ["wc", "-l", "main.c"], ["sort", "-u", "names.txt"],
    ["find", ".", "-name", "*.o", "-delete"], ["git", "status", "--short"], ["git", "log", "-1"],
    ["make", "-j2"], ["gcc", "-O2", "-c", "util.c", "-o", "util.o"], ["tar", "czf", "b.tgz", "docs"],
    ["curl", "-s", "https://example.com/api?q=1&r=2"], ["ip", "addr", "show"], ["ss", "-tlnp"],
    ["sleep", "1"], ["logger", "-t", "job", "done ok"], ["python3", "-c", "print(\"hi\")"],
    ["cat", "file with spaces.txt"], ["grep", "", "empty-pattern"], ["ls", "caf\u00e9"],
    ["sed", "s/\t/ /g", "tabs.txt"], ["backup.sh", "--full", "/home"],
]
# (argv, rule) the generator means as alerting; the truth still comes from rule evaluation
ATTACKS = [
    ["iptables", "-F"], ["iptables", "--flush"], ["iptables", "-X"], ["iptables", "--delete-chain"],
    ["ufw", "disable"], ["systemctl", "stop", "firewalld"], ["systemctl", "disable", "iptables.service"],
    ["systemctl", "kill", "ip6tables"], ["service", "iptables", "stop"], ["chkconfig", "iptables", "off"],
    ["sysctl", "-w", "net.ipv4.ip_forward=1"], ["sysctl", "--write", "net.ipv6.conf.all.forwarding=1"],
    ["sysctl", "net.ipv4.ip_forward=1"],
    ["bash", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"],
    ["sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/all/forwarding"],
    "FORCE-STOP", "EXEC-A",
]
NEAR = [
    ["iptables", "-F", "INPUT"], ["iptables", "-L"], ["iptables", "-L", "-n"], ["ip6tables", "-F"],
    ["ufw", "enable"], ["ufw", "status"], ["systemctl", "status", "firewalld"],
    ["systemctl", "stop", "ufw"], ["systemctl", "restart", "iptables"], ["service", "nginx", "stop"],
    ["chkconfig", "iptables", "on"], ["sysctl", "net.ipv4.ip_forward"], ["sysctl", "-a"],
    ["sysctl", "-w", "vm.swappiness=10"], ["cat", "/proc/sys/net/ipv4/ip_forward"],
    ["bash", "-c", "cat /proc/sys/net/ipv4/ip_forward"], ["grep", "-w", "net.ipv4.ip_forward", "/etc/sysctl.conf"],
    "START-PARENT", "INIT-IPV6",
]


def enc_value(s):
    """audit encoding of an untrusted string: quoted, or upper-case hex."""
    b = s.encode()
    if b and all(0x21 <= c <= 0x7e and c != 0x22 for c in b):
        return '"' + s + '"'
    if not b:
        return '""'
    return b.hex().upper()


def proctitle_hex(argv):
    b = b"\0".join(a.encode() for a in argv)[:128]
    b = b.rstrip(b"\0 \t\n")
    return b.hex().upper()


class Proc:
    __slots__ = ("name", "pid", "ppid", "argv", "comm", "exe", "uid", "auid", "ses", "tty", "title", "cwd", "kids")

    def __init__(self, pid, ppid, argv, comm, exe, uid, auid, ses, tty, title, cwd):
        self.pid, self.ppid, self.argv, self.comm, self.exe = pid, ppid, argv, comm, exe
        self.uid, self.auid, self.ses, self.tty, self.title, self.cwd = uid, auid, ses, tty, title, cwd
        self.kids = 0
        self.name = comm


def rule_fw(name, args, pargs):
    if name == "ufw" and "disable" in args:
        return True
    if name == "iptables" and any(a in ("-F", "--flush", "-X", "--delete-chain") for a in args) and len(args) == 2:
        return True
    if name in ("iptables", "ip6tables") and "force-stop" in (pargs or []):
        return True
    svc = ((name == "service" and "stop" in args) or (name == "chkconfig" and "off" in args) or
           (name == "systemctl" and any(a in ("disable", "stop", "kill") for a in args)))
    return svc and any(a in FW_SERVICES for a in args)


def rule_fwd(name, args, pname, pexe):
    if pexe is None:
        return False
    cl = " ".join(args)
    if not any(p in cl for p in FWD_PATTERNS):
        return False
    ok = ((name == "sysctl" and any(("-w" in a) or ("--write" in a) or ("=" in a) for a in args)) or
          (name in SHELLS and "-c" in args and "echo " in cl))
    if not ok:
        return False
    pl = (pname or "").lower()
    return not any(pl == x or (x == "platform-python" and pl.startswith(x)) for x in FWD_PARENT_EXCL)


class Gen:
    def __init__(self, a):
        self.a = a
        self.r = random.Random(a.seed)
        self.enriched = a.format == "enriched"
        self.t_ms = 1795400000000
        self.serial = 1000
        self.pid_next = 3000
        self.procs = {}
        self.out = []
        self.pending = []          # (countdown, lines) records held back to interleave
        self.truth = {FW_RULE: [], FWD_RULE: []}
        self.n_exec = 0
        self.n_noise = 0
        self.n_file = 0
        self.n_net = 0
        self.sessions = []
        self.ses_next = 100
        self.inode = 260000

    # ---------- low level ----------
    def new_event(self):
        self.serial += self.r.randint(1, 3)           # gaps: events of unaudited syscalls elsewhere
        self.t_ms += max(0, int(self.r.expovariate(self.a.rate) * 1000))
        return "%d.%03d:%d" % (self.t_ms // 1000, self.t_ms % 1000, self.serial)

    def enr_ids(self, p):
        return " ".join('%s="%s"' % (k, USERS.get(p.auid, "unset") if k == "AUID" else USERS[p.uid])
                        for k in ENR_IDS)

    def emit(self, stamp, recs):
        lines = ["type=%s msg=audit(%s): %s" % (t, stamp, body) for t, body in recs]
        if self.a.plugin:
            lines.append("type=EOE msg=audit(%s): " % stamp)
        # flush held-back tails first: they come after exactly one later event
        held = self.pending
        self.pending = []
        if len(lines) > 2 and self.r.random() < 0.01:
            k = 2 if self.a.plugin else 1
            self.out.extend(lines[:-k])
            self.pending.append(lines[-k:])
        else:
            self.out.extend(lines)
        for h in held:
            self.out.extend(h)
        if len(self.out) > 4096:
            self.flush()

    def flush(self):
        self.fh.write("\n".join(self.out))
        self.fh.write("\n")
        self.out = []

    def syscall(self, p, nr, name, tail, items, key, comm=None, exe=None, args=None):
        if args is None:
            args = (self.r.getrandbits(47), self.r.getrandbits(47), self.r.getrandbits(47),
                    self.r.getrandbits(40))
            if nr == 56:
                # clone's flags as glibc's fork() passes them (no CLONE_THREAD)
                args = (0x1200011,) + args[1:]
        body = ("arch=c000003e syscall=%d %sa0=%x a1=%x a2=%x a3=%x items=%d ppid=%d pid=%d auid=%d uid=%d "
                "gid=%d euid=%d suid=%d fsuid=%d egid=%d sgid=%d fsgid=%d tty=%s ses=%d comm=%s exe=%s key=%s"
                % (nr, tail, args[0], args[1], args[2], args[3], items, p.ppid, p.pid, p.auid, p.uid, p.uid, p.uid, p.uid, p.uid,
                   p.uid, p.uid, p.uid, p.tty, p.ses, enc_value(comm or p.comm), enc_value(exe or p.exe),
                   ('"%s"' % key) if key else "(null)"))
        if self.enriched:
            body += "\x1dARCH=x86_64 SYSCALL=%s %s" % (name, self.enr_ids(p))
        return ("SYSCALL", body)

    def path(self, item, name, nametype="NORMAL", exists=True):
        if not exists:
            return ("PATH", 'item=%d name=%s nametype=UNKNOWN cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0'
                    % (item, enc_value(name)))
        self.inode += 1
        body = ("item=%d name=%s inode=%d dev=fe:00 mode=%s ouid=0 ogid=0 rdev=00:00 nametype=%s cap_fp=0 "
                "cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0" % (item, enc_value(name), 240000 + self.inode % 90000,
                                                              "040755" if nametype == "PARENT" else "0100755",
                                                              nametype))
        if self.enriched:
            body += '\x1dOUID="root" OGID="root"'
        return ("PATH", body)

    def execve_records(self, argv):
        recs = []
        cur = "argc=%d" % len(argv)
        for i, a in enumerate(argv):
            e = enc_value(a)
            if len(e) > 7000:                       # long arg: aN_len + hex chunks
                hx = a.encode().hex().upper()
                piece = " a%d_len=%d" % (i, len(hx))
                if len(cur) + len(piece) > 7400:
                    recs.append(cur)
                    cur = ""
                cur += piece
                for j in range(0, len(hx), 7400):
                    ch = " a%d[%d]=%s" % (i, j // 7400, hx[j:j + 7400])
                    if len(cur) + len(ch) > 7500:
                        recs.append(cur)
                        cur = ""
                    cur += ch
                continue
            piece = " a%d=%s" % (i, e)
            if len(cur) + len(piece) > 7500:
                recs.append(cur)
                cur = ""
            cur += piece
        recs.append(cur)
        return [("EXECVE", r if k == 0 else r) for k, r in enumerate(recs)]

    def alloc_pid(self):
        while True:
            self.pid_next += 1
            if self.pid_next > self.a.pid_max:
                self.pid_next = 300
            if self.pid_next not in self.procs:
                return self.pid_next

    # ---------- events ----------
    def clone(self, parent):
        child = Proc(self.alloc_pid(), parent.pid, parent.argv, parent.comm, parent.exe, parent.uid,
                     parent.auid, parent.ses, parent.tty, None, parent.cwd)
        child.name = parent.name
        self.procs[child.pid] = child
        parent.kids += 1
        st = self.new_event()
        self.emit(st, [self.syscall(parent, 56, "clone", "success=yes exit=%d " % child.pid, 0, "audisp-eql-fork"),
                       ("PROCTITLE", "proctitle=" + self.title(parent))])
        return child

    def title(self, p):
        if p.title is None:                          # kernel caches the first one it logs
            p.title = proctitle_hex(p.argv)
        return p.title

    def exit(self, p):
        if not self.a.no_exits:
            st = self.new_event()
            self.emit(st, [self.syscall(p, 231, "exit_group", "", 0, "audisp-eql-exit"),
                           ("PROCTITLE", "proctitle=" + self.title(p))])
        del self.procs[p.pid]
        par = self.procs.get(p.ppid)
        if par:
            par.kids -= 1

    def failed_search(self, p, prog):
        """execvp PATH search: a few ENOENT tries before the directory that holds prog."""
        real = DIRS[prog]
        for d in SEARCH_PATH:
            if d == real or (d in ("/sbin", "/bin")):
                break
            st = self.new_event()
            self.emit(st, [self.syscall(p, 59, "execve", "success=no exit=-2 ", 1, "audisp-eql-exec"),
                           ("CWD", "cwd=" + enc_value(p.cwd)),
                           self.path(0, d + "/" + prog, exists=False),
                           ("PROCTITLE", "proctitle=" + self.title(p))])

    def execve(self, p, argv, prog=None, path0=None):
        """p execs argv (in place: same pid). Returns the ground-truth check."""
        prog = prog or argv[0]
        exe, interp = PROGRAMS[prog]
        path0 = path0 or (DIRS[prog] + "/" + prog)
        if interp:                                    # '#!' script: kernel rewrites argv
            argv = [interp] + [path0] + argv[1:]
        name = path0.rsplit("/", 1)[-1]
        comm = name[:15]
        st = self.new_event()
        serial = self.serial
        parent = self.procs.get(p.ppid)
        recs = [self.syscall(p, 59, "execve", "success=yes exit=0 ", 2 if not interp else 3,
                             "audisp-eql-exec", comm=comm, exe=exe)]
        if p.uid == 0:
            recs.append(("BPRM_FCAPS", "fver=0 fp=0 fi=0 fe=0 old_pp=000001fffeffffff old_pi=0 "
                         "old_pe=000001fffeffffff old_pa=0 pp=000001fffeffffff pi=0 pe=000001fffeffffff pa=0 "
                         "frootid=0"))
        recs += self.execve_records(argv)
        recs.append(("CWD", "cwd=" + enc_value(p.cwd)))
        recs.append(self.path(0, path0))
        if interp:
            recs.append(self.path(1, interp))
            recs.append(self.path(2, LDSO))
        else:
            recs.append(self.path(1, LDSO))
        p.argv, p.comm, p.exe, p.name = argv, comm, exe, name
        recs.append(("PROCTITLE", "proctitle=" + self.title(p)))
        self.emit(st, recs)
        self.n_exec += 1
        pargs = parent.argv if parent else None
        pname = parent.name if parent else None         # uncut name of the parent's program
        pexe = parent.exe if parent else None
        if rule_fw(name, argv, pargs):
            self.truth[FW_RULE].append(serial)
        if rule_fwd(name, argv, pname, pexe):
            self.truth[FWD_RULE].append(serial)

    def noise(self):
        k = self.r.random()
        if k < 0.5:
            st = self.new_event()
            acct = self.r.choice(["root", "alice", "bob"])
            exe = self.r.choice(["/usr/sbin/cron", "/usr/sbin/sshd", "/usr/sbin/runuser", "/usr/bin/sudo"])
            for typ, op, grant in (("USER_ACCT", "PAM:accounting", "pam_permit"),
                                   ("CRED_ACQ", "PAM:setcred", "pam_env,pam_unix"),
                                   ("USER_START", "PAM:session_open", "pam_keyinit,pam_limits,pam_unix"),
                                   ("USER_END", "PAM:session_close", "pam_keyinit,pam_limits,pam_unix"),
                                   ("CRED_DISP", "PAM:setcred", "pam_env,pam_unix")):
                if self.r.random() < 0.5 and typ != "USER_ACCT":
                    continue
                body = ("pid=%d uid=0 auid=4294967295 ses=4294967295 msg='op=%s grantors=%s acct=\"%s\" "
                        "exe=\"%s\" hostname=? addr=? terminal=%s res=success'"
                        % (self.r.randint(400, 30000), op, grant, acct, exe,
                           "cron" if "cron" in exe else "ssh"))
                if self.enriched:
                    body += '\x1dUID="root" AUID="unset"'
                self.emit(st, [(typ, body)])
                self.n_noise += 1
                st = self.new_event()
        else:
            live = [p for p in self.sessions if p.pid in self.procs]
            p = self.r.choice(live)
            st = self.new_event()
            f = self.r.choice(["/etc/passwd", "/etc/shadow", "/etc/sudoers", "/var/log/auth.log"])
            self.emit(st, [self.syscall(p, 257, "openat", "success=yes exit=3 ", 1, "audisp-eql-watch"),
                           ("CWD", "cwd=" + enc_value(p.cwd)),
                           self.path(0, f),
                           ("PROCTITLE", "proctitle=" + self.title(p))])
            self.n_noise += 1

    def file_net(self, p):
        """One file or network event of process P, as the file/net audit rules record them
        (tests/data/file-events.log, network-events.log): a creation, write, rename or unlink
        in its cwd, or a TCP connect (refused or in progress) to a 10.x address."""
        st = self.new_event()
        k = self.r.random()
        name = "f%d.%s" % (self.r.randint(0, 9999), self.r.choice(["txt", "log", "conf", "sh", "tmp"]))
        cwd = ("CWD", "cwd=" + enc_value(p.cwd))
        title = ("PROCTITLE", "proctitle=" + self.title(p))
        if k < 0.85:
            self.n_file += 1
        else:
            self.n_net += 1
        if k < 0.35:      # openat(AT_FDCWD, name, O_CREAT|O_WRONLY|O_TRUNC)
            recs = [self.syscall(p, 257, "openat", "success=yes exit=3 ", 2, "audisp-eql-file",
                                 args=(0xffffff9c, self.r.getrandbits(47), 0x241, 0x1a4)),
                    cwd, self.path(0, p.cwd, "PARENT"), self.path(1, name, "CREATE"), title]
        elif k < 0.6:     # openat(AT_FDCWD, name, O_WRONLY|O_TRUNC) of an existing file
            recs = [self.syscall(p, 257, "openat", "success=yes exit=3 ", 1, "audisp-eql-file",
                                 args=(0xffffff9c, self.r.getrandbits(47), 0x201, 0)),
                    cwd, self.path(0, name), title]
        elif k < 0.72:    # rename(tmp, name)
            recs = [self.syscall(p, 82, "rename", "success=yes exit=0 ", 4, "audisp-eql-file"),
                    cwd, self.path(0, p.cwd, "PARENT"), self.path(1, p.cwd, "PARENT"),
                    self.path(2, name + ".new", "DELETE"), self.path(3, name, "CREATE"), title]
        elif k < 0.85:    # unlink(name)
            recs = [self.syscall(p, 87, "unlink", "success=yes exit=0 ", 2, "audisp-eql-file"),
                    cwd, self.path(0, p.cwd, "PARENT"), self.path(1, name, "DELETE"), title]
        else:             # connect(fd, 10.a.b.c:443): refused or in progress
            addr = "0200%04X0A%02X%02X%02X0000000000000000" % (
                443, self.r.randint(0, 255), self.r.randint(0, 255), self.r.randint(1, 254))
            result = self.r.choice(["success=no exit=-111 ", "success=no exit=-115 "])
            recs = [self.syscall(p, 42, "connect", result, 0, "audisp-eql-net",
                                 args=(3, self.r.getrandbits(47), 0x10, 0)),
                    ("SOCKADDR", "saddr=" + addr), title]
        self.emit(st, recs)

    def new_session(self):
        """login: runner writes loginuid, then execs a shell in place."""
        uid = self.r.choice([0, 0, 0, 1000, 1001])
        ses = self.ses_next
        self.ses_next += 1
        pid = self.alloc_pid()
        p = Proc(pid, 1, ["/usr/sbin/sshd", "-D"], "sshd", "/usr/sbin/sshd", uid, uid, ses,
                 "pts%d" % (ses % 8), None, "/root" if uid == 0 else "/home/" + USERS[uid])
        self.procs[pid] = p
        st = self.new_event()
        body = ("pid=%d uid=0 old-auid=4294967295 auid=%d tty=(none) old-ses=4294967295 ses=%d res=1"
                % (pid, uid, ses))
        if self.enriched:
            body += '\x1dUID="root" OLD-AUID="unset" AUID="%s"' % USERS[uid]
        self.emit(st, [("LOGIN", body)])
        self.execve(p, ["-bash"], prog="bash", path0="/bin/bash")
        self.sessions.append(p)
        return p

    def command(self, sh, argv, wrap=False):
        """sh forks a child that (after a PATH search sometimes) execs argv then exits."""
        parent = sh
        sub = None
        if self.r.random() < 0.05:                    # ( cmd ) subshell: forked, never exec'd
            sub = self.clone(sh)
            parent = sub
        c = self.clone(parent)
        if self.r.random() < self.a.failed_ratio and argv[0] in DIRS:
            self.failed_search(c, argv[0])
        if wrap and argv[0] != "bash":                # bash -c "true; CMD": exec CMD in place
            self.execve(c, ["bash", "-c", "true; " + " ".join(argv)])
            t = self.clone(c)
            self.execve(t, ["true"])
            self.exit(t)
            self.execve(c, argv)                      # stale proctitle, parent = sh
        else:
            self.execve(c, argv)
        self.exit(c)
        if sub:
            self.exit(sub)

    def script(self, sh, arg, kids):
        """sh /etc/init.d/fw-helper ARG forking each child (dash forks)."""
        c = self.clone(sh)
        self.execve(c, ["sh", "/etc/init.d/fw-helper", arg], prog="sh", path0="/bin/sh")
        for k in kids:
            g = self.clone(c)
            self.execve(g, k)
            self.exit(g)
        self.exit(c)

    def run(self):
        a = self.a
        self.fh = open(a.output, "w") if a.output != "-" else sys.stdout
        for _ in range(6):
            self.new_session()
        while self.n_exec < a.events:
            x = self.r.random()
            if x < 0.43:                                 # noise: ~30% of all events
                self.noise()
                continue
            live = [p for p in self.sessions if p.pid in self.procs]
            sh = self.r.choice(live)
            y = self.r.random()
            if y < 0.002:                             # a session ends, another starts
                self.exit(sh)
                self.sessions = [p for p in self.sessions if p.pid in self.procs]
                self.new_session()
            elif y < 0.012:
                self.attack(sh, self.r.choice(ATTACKS))
            elif y < 0.022:
                self.attack(sh, self.r.choice(NEAR))
            else:
                before = self.n_exec
                self.command(sh, self.benign(), wrap=self.r.random() < 0.03)
                # --file-net R: about R file/network events per exec, by the session's shell
                for _ in range(self.n_exec - before if a.file_net > 0 else 0):
                    if self.r.random() < a.file_net:
                        self.file_net(sh)
        for h in self.pending:
            self.out.extend(h)
        self.flush()
        if self.fh is not sys.stdout:
            self.fh.close()

    def benign(self):
        argv = list(self.r.choice(BENIGN))
        z = self.r.random()
        if z < self.a.long_ratio:
            argv.append("X" * self.r.choice([4000, 10000, 18000]))
        elif z < 0.03:
            argv += ["f%d.txt" % i for i in range(self.r.randint(20, 1500))]
        return argv

    def attack(self, sh, cmd):
        if cmd == "FORCE-STOP":
            self.script(sh, "force-stop", [["iptables", "-L"], ["ip6tables", "-L"]])
        elif cmd == "START-PARENT":
            self.script(sh, "start", [["iptables", "-L"]])
        elif cmd == "EXEC-A":                         # ( exec -a fakename iptables -F )
            c = self.clone(sh)
            self.execve(c, ["fakename", "-F"], prog="iptables")
            self.exit(c)
        elif cmd == "INIT-IPV6":                      # excluded parent name
            c = self.clone(sh)
            self.execve(c, ["/bin/bash", "/etc/sysconfig/network-scripts/init.ipv6-global", "start"],
                        prog="bash", path0="/etc/sysconfig/network-scripts/init.ipv6-global")
            g = self.clone(c)
            self.execve(g, ["sysctl", "-w", "net.ipv6.conf.all.forwarding=1"])
            self.exit(g)
            self.exit(c)
        else:
            self.command(sh, list(cmd), wrap=self.r.random() < 0.1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=10000, help="successful exec events (approximate floor)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=500.0, help="mean events/s of log time")
    ap.add_argument("--format", choices=("enriched", "raw"), default="enriched")
    ap.add_argument("--plugin", action="store_true", help="add EOE records (auditd plugin stream)")
    ap.add_argument("--failed-ratio", type=float, default=0.08)
    ap.add_argument("--long-ratio", type=float, default=0.005)
    ap.add_argument("--pid-max", type=int, default=32768)
    ap.add_argument("--no-exits", action="store_true",
                    help="leave out exit_group records (a host whose audit rules skip exits)")
    ap.add_argument("--file-net", type=float, default=0.0,
                    help="file and network events per exec (0: none, the exec-only streams)")
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("--truth", help="write ground truth JSON here")
    a = ap.parse_args()
    g = Gen(a)
    g.run()
    if a.truth:
        with open(a.truth, "w") as f:
            json.dump({"exec_events": g.n_exec, "noise_events": g.n_noise, "last_serial": g.serial,
                       "file_events": g.n_file, "network_events": g.n_net,
                       "alerts": {k: v for k, v in g.truth.items()},
                       "alert_count": sum(len(v) for v in g.truth.values())}, f, indent=1)


if __name__ == "__main__":
    main()
