// Plugin-mode hardening: give up the capabilities audisp-eql does not need once it runs, and
// refuse configuration or rule files that someone other than root could have changed.
#pragma once

#include <string>
#include <vector>

namespace app {

// What drop_privileges() kept, for the start-up log line.
struct PrivilegeReport {
    bool had_capabilities = false;  // false: nothing to drop (an ordinary user)
    bool bounding_set_cleared = false;
    std::string kept;  // e.g. "sys_ptrace"
};

// Drops every capability except CAP_SYS_PTRACE, from the effective, permitted and inheritable
// sets (and from the bounding set when CAP_SETPCAP allows it), and sets no_new_privs. Call it
// once, after start-up: after the /proc seed and after the sinks are open.
//
// Why CAP_SYS_PTRACE stays: after start-up the plugin still reads /proc/<pid>/exe and
// /proc/<pid>/cwd of processes it did not see start (a parent the table never saw). The kernel
// guards those links with a ptrace "read" access check: a process of another user, a
// non-dumpable (setuid) process, or one whose permitted capabilities are not a subset of ours
// (any root daemon, once we have dropped ours) needs CAP_SYS_PTRACE. It grants no ptrace
// attach here: audisp-eql never calls ptrace(2) and, with no_new_privs, cannot gain it back.
//
// Why CAP_DAC_READ_SEARCH and CAP_DAC_OVERRIDE go: the uid stays 0, so the root-owned files
// it rereads on SIGHUP (config, rules, an alert file) are readable as their owner, and /proc
// is governed by the ptrace check above, not by file modes.
//
// Throws std::runtime_error when libcap-ng fails to apply the change (the caller exits rather
// than run with more privilege than it claims).
PrivilegeReport drop_privileges();

// Returns a description of why `path` is unsafe to load as root, or "" when it is safe: it
// must exist, be owned by root, and be writable by nobody but root (group write is allowed only
// for group root), and no POSIX ACL may grant write to anyone else. The same holds for every
// folder above it, which could otherwise be used to swap the file (sshd's StrictModes).
// Symbolic links are followed (their targets are what gets read).
std::string insecure_file_reason(const std::string& path);

// A file's text, read only if insecure_file_reason would accept it, and read through the very
// descriptor the checks were made on (each folder on the way too), so that nobody can swap the
// file between the check and the read.
struct TrustedText {
    std::string text;
    std::string problem;  // why it was not read; empty on success
};
TrustedText read_trusted_file(const std::string& path);

// Checks the config file and every rule path: each named file, each named folder and the
// *.toml files in it. Returns one message per unsafe path; empty when all are safe.
std::vector<std::string> insecure_inputs(const std::vector<std::string>& files_and_folders);

}  // namespace app
