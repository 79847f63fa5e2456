#!/usr/bin/env python3
"""Checks audisp-eql's events and alerts for the scenarios of process_order_e2e.sh.

check_process_order.py WORK EVENTS.ndjson ALERTS.ndjson CAPTURE.log

Exact parent fields for every stub exec of the scenarios, the alerts they must raise, and that
the capture really holds the orderings under test (a fork record logged after its child's exec;
an exit_group logged before a child's exec that names the exiting process as ppid).
Prints each failure; exit 1 if any.
"""
import json
import re
import sys

FIREWALL = "Attempt to Disable IPTables or Firewall"

work, events_path, alerts_path, capture_path = sys.argv[1:5]
bin_dir = work + "/bin"
failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message, file=sys.stderr)


def get(doc, dotted):
    node = doc
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def load(path):
    docs = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            try:
                docs.append(json.loads(line))
            except ValueError:
                fail(f"{path}:{number} is not JSON")
    return docs


events = load(events_path)
alerts = load(alerts_path)
execs = [e for e in events if get(e, "event.action") == "exec"
         and (get(e, "process.executable") or "").startswith(bin_dir)]
by_entity = {get(e, "process.entity_id"): e for e in events if get(e, "event.action") == "exec"}


def expect(event, field, want, what):
    got = get(event, field)
    if got != want:
        fail(f"{what}: {field} is {got!r}, expected {want!r}")


def stub_execs(name, last_parent_arg=None):
    out = []
    for e in execs:
        if get(e, "process.name") != name:
            continue
        parent_args = get(e, "process.parent.args") or []
        if last_parent_arg is None or (parent_args and parent_args[-1] == last_parent_arg):
            out.append(e)
    return out


# 1. dash: 20 runs of `sh -c 'fw-init force-stop; true'`, and fw-init started by vfork/spawn.
fw_args = ["/bin/sh", bin_dir + "/fw-init", "force-stop"]
for tag, runs in ((None, 20), ("via-vfork", 1), ("via-spawn", 1)):
    want_args = fw_args + ([tag] if tag else [])
    for name in ("iptables", "ip6tables"):
        found = stub_execs(name, tag or "force-stop")
        label = f"{name} under fw-init {tag or '(dash)'}"
        if len(found) != runs:
            fail(f"{label}: {len(found)} execs, expected {runs}")
        for e in found:
            expect(e, "process.parent.args", want_args, label)
            expect(e, "process.parent.name", "fw-init", label)
            expect(e, "process.parent.executable", "/usr/bin/dash", label)
            expect(e, "auditd.parent_context", "table", label)
            parent = by_entity.get(get(e, "process.parent.entity_id"))
            if parent is None or get(parent, "process.args") != want_args:
                fail(f"{label}: process.parent.entity_id does not name the fw-init exec")
    if tag:
        for e in execs:
            if get(e, "process.args") == want_args:
                expect(e, "process.parent.name", "order_lab", f"fw-init {tag}")
                expect(e, "process.parent.args",
                       ["order_lab", tag.split("-")[1], bin_dir + "/fw-init",
                        "force-stop", tag], f"fw-init {tag}")

force_stop_alerts = [a for a in alerts if get(a, "rule.name") == FIREWALL
                     and "force-stop" in (get(a, "process.parent.args") or [])
                     and (get(a, "process.executable") or "").startswith(bin_dir)]
if len(force_stop_alerts) != 44:
    fail(f"{len(force_stop_alerts)} force-stop alerts, expected 44 (40 from dash, 4 vfork/spawn)")

# 2. exit-race: the parent's exit_group is logged before the child's exec. A child that execs
#    after the kernel re-parented it names its new parent (init) instead: those are not the case
#    under test, and the capture check below requires that the race was caught at least once.
raced = 0
for i in range(1, 9):
    arg = f"exit-race-child-{i}"
    parent_args = ["order_lab", "exit-race", bin_dir + "/leaf", arg]
    lab = [e for e in events if get(e, "event.action") == "exec"
           and get(e, "process.args") == parent_args]
    found = [e for e in execs if get(e, "process.args") == [bin_dir + "/leaf", arg]]
    if len(found) != 1 or len(lab) != 1:
        fail(f"{arg}: {len(found)} child and {len(lab)} order_lab execs, expected 1 each")
        continue
    e = found[0]
    if get(e, "process.parent.pid") != get(lab[0], "process.pid"):
        continue  # re-parented before its exec
    raced += 1
    expect(e, "process.parent.args", parent_args, arg)
    expect(e, "process.parent.name", "order_lab", arg)
    expect(e, "process.parent.entity_id", get(lab[0], "process.entity_id"), arg)
    expect(e, "auditd.parent_context", "table", arg)
print(f"exit-race: {raced} of 8 children exec'd before being re-parented", file=sys.stderr)

# 3. threads: the flood of clone3 children pushes out no process (also at --max-processes 64).
for arg, parent_args in (
        ("threads-child", ["order_lab", "threads", "2000", bin_dir + "/leaf", "threads-child"]),
        ("after-threads", ["bash", work + "/scenario.sh"])):
    found = [e for e in execs
             if get(e, "process.name") == "leaf" and (get(e, "process.args") or [None])[-1] == arg]
    if len(found) != 1:
        fail(f"{arg}: {len(found)} execs, expected 1")
        continue
    expect(found[0], "process.parent.args", parent_args, arg)
    expect(found[0], "auditd.parent_context", "table", arg)

# 4. a forker with ~1.8 MB of args: its children get it capped and marked.
big = [e for e in execs if get(e, "process.args") == [bin_dir + "/leaf", "big-child"]]
if len(big) != 20:
    fail(f"big-child: {len(big)} execs, expected 20")
for e in big:
    args = get(e, "process.parent.args") or []
    if args[:6] != ["order_lab", "forks", "20", bin_dir + "/leaf", "big-child", "--"]:
        fail(f"big-child: parent args start {args[:6]!r}")
    expect(e, "process.parent.args_count", 24, "big-child")
    expect(e, "auditd.parent_args_truncated", True, "big-child")
    if len(get(e, "process.parent.command_line") or "") != 4096:
        fail("big-child: parent command line is not cut at 4096 bytes")

# 5. The capture holds the orderings under test.
stamp = re.compile(r"msg=audit\((\d+)\.(\d+):(\d+)\)")
records = []
with open(capture_path, encoding="utf-8", errors="replace") as f:
    for line in f:
        m = stamp.search(line)
        if m and "type=SYSCALL" in line:
            fields = dict(re.findall(r" (\w+)=(\S+)", line.split("\x1d")[0]))
            records.append((int(m.group(3)), fields))
exec_serial = {}  # pid -> serials of its execs
for serial, fields in records:
    if fields.get("syscall") in ("59", "322") and fields.get("success") == "yes":
        exec_serial.setdefault(fields.get("pid"), []).append(serial)
late_forks = sum(1 for serial, fields in records
                 if fields.get("syscall") in ("56", "58", "435") and fields.get("success") == "yes"
                 and any(s < serial for s in exec_serial.get(fields.get("exit"), [])))
exits = {fields.get("pid"): serial for serial, fields in records if fields.get("syscall") == "231"}
exit_before_exec = sum(1 for serial, fields in records
                       if fields.get("syscall") == "59" and fields.get("ppid") in exits
                       and exits[fields.get("ppid")] < serial)
print(f"capture: {late_forks} fork records after their child's exec, "
      f"{exit_before_exec} execs after their parent's exit_group", file=sys.stderr)
# The 20 dash runs (pinned at SCHED_FIFO, process_order_e2e.sh) log about 65 late fork records:
# 64-65 in each of 5 runs, idle and at load 6-7. 40 leaves room for a page fault in an exec
# letting a parent run first, and still proves that most of the vfork cases were captured.
if late_forks < 40:
    fail(f"only {late_forks} fork records logged after their child's exec (dash should give 40+)")
if exit_before_exec < 1:
    fail("no exec logged after its parent's exit_group: the exit-race ordering was not captured")

sys.exit(1 if failures else 0)
