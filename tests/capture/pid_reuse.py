#!/usr/bin/env python3
"""Provoke pid reuse cheaply: exec STUB in a child, reap it, then create a new
child with the SAME pid via clone3(set_tid) (needs root) and exec STUB again.

usage: pid_reuse.py STUB
Prints "first-pid second-pid". The audit log then shows clone (exit=P),
execve + exit_group of pid P, then clone3 (syscall 435, exit=P) and a new
execve of pid P with different args.
"""
import ctypes
import os
import struct
import sys

stub = sys.argv[1]
pid = os.fork()
if pid == 0:
    os.execv(stub, ["argv-stub", "pid-reuse-first-life"])
os.waitpid(pid, 0)

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
tid = (ctypes.c_int * 1)(pid)
# struct clone_args { flags, pidfd, child_tid, parent_tid, exit_signal, stack,
#                     stack_size, tls, set_tid, set_tid_size, cgroup }  (u64 each)
SIGCHLD = 17
raw = struct.pack("11Q", 0, 0, 0, 0, SIGCHLD, 0, 0, 0, ctypes.addressof(tid), 1, 0)
buf = ctypes.create_string_buffer(raw, len(raw))
r = libc.syscall(ctypes.c_long(435), buf, ctypes.c_size_t(len(raw)))
if r == 0:
    try:
        os.execv(stub, ["argv-stub", "pid-reuse-second-life"])
    finally:
        os._exit(127)
if r < 0:
    print(f"clone3(set_tid={pid}) failed: {os.strerror(ctypes.get_errno())}", file=sys.stderr)
    sys.exit(1)
os.waitpid(r, 0)
print(pid, r)
