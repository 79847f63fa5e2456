// Audit records as they reach people through other logs: forwarded by syslog (audisp-syslog or
// rsyslog's imfile: `Feb  6 17:42:49 web1 audispd: type=SYSCALL msg=audit(...): ...`, RFC 3339
// timestamps, RFC 5424 messages) and written by the kernel itself when no auditd runs
// (`audit: type=1300 audit(1700000000.123:456): ...` in dmesg, kern.log or `journalctl -k`).
// The line filter tries this only on a line without an audit.log header, so audit.log and the
// plugin stream never pay for it.
#pragma once

#include <string>
#include <string_view>

namespace audit {

// Rewrites `line` into `out` in audit.log form, `[node=N ]type=NAME msg=audit(STAMP): BODY`:
// the transport's prefix is dropped; a numeric kernel record type becomes libaudit's name
// (audit_msg_type_to_name; `UNKNOWN[N]` when libaudit has none, as ausearch writes it); a record
// without `node=` gets the syslog HOSTNAME as its node (so it becomes host.name). Returns false
// when no audit record follows a prefix this recognises.
bool normalise_forwarded(std::string_view line, std::string& out);

}  // namespace audit
