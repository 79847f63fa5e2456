// The ECS event (process, file and network): plain data, named and valued as Elastic Defend's
// events are.
// This module is a leaf: no auparse, no spdlog. Everything downstream (rules, alerts, JSON)
// reads events through ecs::get_field() (fields.hpp), so a field exists in exactly one place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecs {

// What an event reports (event.action, as Elastic Defend names it): one value per kind of event
// the builder makes. Code dispatches on it; the name is only written and matched by rules.
enum class Action : uint8_t {
    Exec,
    Fork,
    End,
    KilledPid,
    Prctl,
    Creation,
    Modification,
    Deletion,
    Rename,
    AttributesModified,
    ConnectionAttempted,
    Bind,
    ConnectionAccepted,
};

// event.action's value: "exec", "fork", "end", "killed-pid", "prctl", "creation", ...
std::string_view action_name(Action action) noexcept;

struct Event;

// What makes an audit event unique, as text: its node= name, audit serial, audit time and
// event.action (a node's serials and times never repeat together; one record that makes two
// events, such as a fork seen with its exec, makes them with different actions). Appended to
// `name` on a new line; alert ids are made from it too.
void append_identity(std::string& name, const Event& event);

// A user or group as ECS names it: id is a keyword (the numeric id as text), name when known.
struct Identity {
    std::optional<std::string> id;
    std::optional<std::string> name;
};

// process.command_line as Elastic Defend writes it: the args joined by single spaces.
std::string join_command_line(const std::vector<std::string>& args);

// What a process is: used for the process itself and for its parent.
struct ProcessImage {
    std::optional<int64_t> pid;
    // Unique per process instance (process/entity_id.hpp); the join key of sequence rules.
    std::optional<std::string> entity_id;
    std::optional<std::string> name;        // uncut basename of the file named in execve
    std::optional<std::string> executable;  // what the kernel runs (exe=)
    std::optional<std::vector<std::string>> args;
    // Set when args were cut (the process table keeps at most a few KiB of a process's args
    // for its children): args_count() then still says how many the exec had.
    bool args_truncated = false;
    int64_t args_total = 0;
    std::optional<std::string> command_line;  // args joined by single spaces
    std::optional<std::string> working_directory;
    std::optional<bool> interactive;  // has a controlling terminal
    std::optional<std::string> title;
    Identity user;         // effective user (ECS process.user)
    Identity group;        // effective group (ECS process.group)
    Identity real_user;    // uid
    Identity real_group;   // gid
    Identity saved_user;   // suid
    Identity saved_group;  // sgid
    std::optional<int64_t> exit_code;
    std::optional<int64_t> start_us;  // process start, microseconds since the epoch

    std::optional<int64_t> args_count() const {
        if (!args) return std::nullopt;
        if (args_truncated) return args_total;
        return static_cast<int64_t>(args->size());
    }
};

// The audit-specific rest, under auditd.* (Auditbeat's names where it has them).
struct AuditData {
    std::optional<std::string> syscall;         // name, e.g. "execve", "kill", "prctl"
    std::optional<std::string> arch;            // e.g. "x86_64"
    std::optional<std::string> a0, a1, a2, a3;  // raw hex syscall arguments
    std::optional<int64_t> exit;
    std::optional<std::string> tty;
    std::optional<std::string> key;
    std::optional<std::string> session;
    std::optional<std::string> auid;
    std::optional<std::string> auid_name;
    std::optional<int64_t> argc;                // argc as the EXECVE record declared it
    std::optional<std::string> args_source;     // "execve", or "proctitle" when EXECVE was missing
    std::optional<std::string> parent_context;  // "table" / "syscall" / "proc" / "missing"
    std::optional<std::string> comm;
};

// A file event's file (Elastic Defend's file.* and file.Ext.original.* for renames). Paths are
// as the audit records give them, joined to the CWD and folded (audit/file_events.cpp).
struct FileData {
    std::optional<std::string> path;
    std::optional<std::string> name;
    std::optional<std::string> extension;  // absent when the name has no dot
    std::optional<std::string> directory;
    std::optional<std::string> original_path;  // a rename's old name
    std::optional<std::string> original_name;
    std::optional<std::string> original_extension;
};

// One end of a connection (ECS source.* / destination.*).
struct Endpoint {
    std::optional<std::string> ip;
    std::optional<int64_t> port;
    std::optional<std::string> address;  // ip, or a unix socket's path
};

// A network event's connection (audit/network_events.cpp).
struct NetworkData {
    std::optional<std::string> transport;  // "tcp"
    std::optional<std::string> type;       // "ipv4" / "ipv6"
    std::optional<std::string> direction;  // "egress" / "ingress"
    Endpoint source;
    Endpoint destination;
};

struct Event {
    int64_t timestamp_us = 0;  // @timestamp: the audit timestamp, microseconds since the epoch, UTC
    uint64_t sequence = 0;     // event.sequence: the audit serial
    // event.created: when audisp-eql made the event (the pipeline's clock), 0 = not stamped.
    int64_t created_us = 0;
    // event.id (ecs::EventIdMaker, event_id.hpp): set where events are written, empty = absent.
    std::string id;
    std::string kind = "event";
    std::vector<std::string> category{"process"};
    std::vector<std::string> type{"start"};
    Action action = Action::Exec;
    std::optional<std::string> outcome;  // "success" / "failure"
    std::string module = "auditd";

    std::optional<std::string> host_name;
    std::optional<std::string> host_id;  // host.id: sequence rules join on it
    // The records' node= name, empty without one. Entity ids derive from it (not from host.name,
    // which plugin mode fills from this host), so plugin mode and a replay of the log agree.
    std::string node;
    std::optional<std::string> host_os_kernel;

    ProcessImage process;
    ProcessImage parent;

    Identity user;        // user.id/name: the effective user, as Defend has it
    Identity user_real;   // user.Ext.real
    Identity group;       // group.id/name: the effective group
    Identity group_real;  // group.Ext.real

    AuditData auditd;

    // Only on events of category "file" / "network"; empty otherwise.
    FileData file;
    NetworkData network;
};

}  // namespace ecs
