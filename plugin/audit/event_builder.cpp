#include "audit/event_builder.hpp"

#include <libaudit.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/decode.hpp"
#include "audit/file_events.hpp"
#include "audit/syscalls.hpp"

namespace audit {
namespace {

// Indices beyond this are not arguments a kernel can produce (it caps argv at 2 MiB of
// strings), so they are dropped instead of sizing a vector from hostile input.
constexpr long long kMaxArgIndex = 1 << 20;

// The fields of a SYSCALL record, as written (undecoded).
struct SyscallFields {
    std::string_view arch, syscall, success, exit;
    std::array<std::string_view, 4> a;
    std::string_view ppid, pid, auid, uid, gid, euid, suid, egid, sgid, tty, ses, comm, exe;
};

struct Collected {
    Collected(std::vector<ArgSlot>& slots, std::vector<PathItem>& path_items)
        : args(slots), paths(path_items) {}
    bool has_syscall = false;
    SyscallFields sys;
    bool has_execve = false;
    std::optional<long long> argc;
    std::vector<ArgSlot>& args;  // the builder's slots; the first arg_count are this event's
    std::size_t arg_count = 0;
    uint64_t dropped_args = 0;
    // Raw values, decoded only when used; views into the ParsedEvent being built.
    std::optional<std::string_view> cwd;
    std::optional<std::string_view> path0;  // PATH item 0 name
    std::vector<PathItem>& paths;           // every PATH item kept (file syscalls: all)
    std::optional<std::string_view> saddr;  // SOCKADDR
    std::optional<std::string_view> openat2_flags;
    std::optional<std::string_view> proctitle;
    std::optional<std::string> key;  // decoded
};

// Classifies an EXECVE field name: "aN", "aN_len", "aN[i]". N is read here, digit by digit,
// and capped: every field of every EXECVE record passes through.
enum class ArgField { Whole, Length, Chunk, None };
ArgField parse_arg_name(std::string_view name, long long& index) {
    if (name.size() < 2 || name[0] != 'a') return ArgField::None;
    std::size_t end = 1;
    long long value = 0;
    while (end < name.size() && name[end] >= '0' && name[end] <= '9') {
        if (value < kMaxArgIndex) value = value * 10 + (name[end] - '0');
        ++end;
    }
    if (end == 1) return ArgField::None;
    index = value;
    const std::string_view rest = name.substr(end);
    if (rest.empty()) return ArgField::Whole;
    if (rest == "_len") return ArgField::Length;
    if (rest.front() == '[' && rest.back() == ']') return ArgField::Chunk;
    return ArgField::None;
}

// A chunk keeps its own encoding: hex when the arg is too long for one record (or needs hex
// anyway), "quoted" when a short arg merely straddles the end of a record.
void append_chunk(ArgSlot& slot, std::string_view value) {
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        slot.chunks.append(value.substr(1, value.size() - 2));
    } else if (!append_hex(value, slot.chunks)) {
        slot.chunk_invalid = true;
        slot.chunks.append(value);
    }
}

void collect_execve(const ParsedEvent& event, const ParsedEvent::Record& record, Collected& c) {
    c.has_execve = true;
    for (uint32_t i = 0; i < record.field_count; ++i) {
        const auto [name, value] = event.field(record.first_field + i);
        if (name == "argc") {
            c.argc = parse_integer(value);
            continue;
        }
        long long index = 0;
        const ArgField kind = parse_arg_name(name, index);
        if (kind == ArgField::None || kind == ArgField::Length) continue;
        if (index < 0 || index >= kMaxArgIndex) {
            ++c.dropped_args;
            continue;
        }
        const auto slot_index = static_cast<std::size_t>(index);
        if (slot_index >= c.args.size()) c.args.resize(slot_index + 1);
        c.arg_count = std::max(c.arg_count, slot_index + 1);
        ArgSlot& slot = c.args[slot_index];
        slot.present = true;
        if (kind == ArgField::Chunk) {
            slot.chunked = true;
            append_chunk(slot, value);  // chunks arrive in order
        } else {
            slot.whole = value;
        }
    }
}

// Where a SYSCALL field goes, or null for fields no event uses. Grouped by length so a field
// costs a couple of comparisons, not a walk down every name: this runs for every field of
// every process event.
std::string_view* slot_of(SyscallFields& s, std::string_view name) {
    switch (name.size()) {
        case 2:
            if (name[0] == 'a' && name[1] >= '0' && name[1] <= '3')
                return &s.a[static_cast<std::size_t>(name[1] - '0')];
            return nullptr;
        case 3:
            if (name == "pid") return &s.pid;
            if (name == "uid") return &s.uid;
            if (name == "gid") return &s.gid;
            if (name == "tty") return &s.tty;
            if (name == "ses") return &s.ses;
            if (name == "exe") return &s.exe;
            return nullptr;
        case 4:
            if (name == "arch") return &s.arch;
            if (name == "exit") return &s.exit;
            if (name == "ppid") return &s.ppid;
            if (name == "auid") return &s.auid;
            if (name == "euid") return &s.euid;
            if (name == "suid") return &s.suid;
            if (name == "egid") return &s.egid;
            if (name == "sgid") return &s.sgid;
            if (name == "comm") return &s.comm;
            return nullptr;
        case 7:
            if (name == "syscall") return &s.syscall;
            if (name == "success") return &s.success;
            return nullptr;
        default:
            return nullptr;
    }
}

void collect_syscall(const ParsedEvent& event, const ParsedEvent::Record& record, Collected& c) {
    c.has_syscall = true;
    for (uint32_t i = 0; i < record.field_count; ++i) {
        const auto [name, value] = event.field(record.first_field + i);
        if (name == "key") {
            // libauparse turns a hex key holding several keys into one field per key; like any
            // repeated field, the last one is kept.
            if (auto key = decode_key(value)) c.key = std::move(*key);
        } else if (std::string_view* slot = slot_of(c.sys, name)) {
            *slot = value;
        }
    }
}

// The value of the first NAME field of a record, or nullopt.
std::optional<std::string_view> field_value(const ParsedEvent& event,
                                            const ParsedEvent::Record& record,
                                            std::string_view name) {
    for (uint32_t i = 0; i < record.field_count; ++i) {
        const RecordField field = event.field(record.first_field + i);
        if (field.name == name) return field.value;
    }
    return std::nullopt;
}

void collect(const ParsedEvent& event, Collected& c) {
    for (const ParsedEvent::Record& record : event.records()) {
        switch (record.kind) {
            case RecordKind::Syscall:
                collect_syscall(event, record, c);
                break;
            case RecordKind::Execve:
                collect_execve(event, record, c);
                break;
            case RecordKind::Cwd:
                c.cwd = field_value(event, record, "cwd");
                break;
            case RecordKind::Path: {
                // For process events the line filter keeps PATH item 0 only; the first one
                // with a name counts.
                const auto name = field_value(event, record, "name");
                if (!c.path0) c.path0 = name;
                c.paths.push_back(
                    {name.value_or(""), field_value(event, record, "nametype").value_or("")});
                break;
            }
            case RecordKind::Sockaddr:
                c.saddr = field_value(event, record, "saddr");
                break;
            case RecordKind::Openat2:
                c.openat2_flags = field_value(event, record, "oflag");
                break;
            case RecordKind::Proctitle:
                c.proctitle = field_value(event, record, "proctitle");
                break;
        }
    }
}

std::optional<std::string> text_of(std::string_view raw) {
    if (raw.empty()) return std::nullopt;
    return decode_value(raw);
}

std::optional<int64_t> number_of(std::string_view raw) {
    if (raw.empty()) return std::nullopt;
    const auto n = parse_integer(raw);
    if (!n) return std::nullopt;
    return static_cast<int64_t>(*n);
}

// Ids as ECS keywords: the decimal text, except the kernel's "unset" (-1 as unsigned).
std::optional<std::string> id_of(std::string_view raw) {
    if (raw.empty() || raw == "4294967295" || raw == "-1") return std::nullopt;
    if (!parse_integer(raw)) return std::nullopt;
    return std::string(raw);
}

std::string syscall_name(const SyscallFields& s, const EnrichedSyscall* enriched) {
    if (enriched != nullptr) {
        if (const auto name = enriched->find(EnrichedKey::Syscall)) return std::string(*name);
    }
    const auto number = parse_integer(s.syscall);
    const auto arch = parse_integer(s.arch, 16);
    if (number && arch) {
        const int machine = audit_elf_to_machine(static_cast<unsigned int>(*arch));
        if (machine >= 0) {
            if (const char* name = audit_syscall_to_name(static_cast<int>(*number), machine)) {
                return name;
            }
        }
    }
    return std::string(s.syscall);
}

std::optional<std::string> arch_name(const SyscallFields& s, const EnrichedSyscall* enriched) {
    if (enriched != nullptr) {
        if (const auto name = enriched->find(EnrichedKey::Arch)) return std::string(*name);
    }
    const auto arch = parse_integer(s.arch, 16);
    if (arch) {
        const int machine = audit_elf_to_machine(static_cast<unsigned int>(*arch));
        if (machine >= 0) {
            if (const char* name = audit_machine_to_name(machine)) return std::string(name);
        }
    }
    if (s.arch.empty()) return std::nullopt;
    return std::string(s.arch);
}

// Fills an Identity from a uid/gid field: the id always, the name from ENRICHED or, in live
// mode, from the host's user database; never guessed.
ecs::Identity identity(std::string_view raw, EnrichedKey enriched_key,
                       const EnrichedSyscall* enriched, NameResolver* names, bool is_group) {
    ecs::Identity who;
    who.id = id_of(raw);
    if (!who.id) return who;
    if (enriched != nullptr) {
        if (const auto name = enriched->find(enriched_key)) {
            if (!name->empty() && *name != "unset") who.name = std::string(*name);
            return who;
        }
    }
    if (names != nullptr) {
        const auto id = static_cast<uint32_t>(*parse_integer(*who.id));
        who.name = is_group ? names->group_name(id) : names->user_name(id);
    }
    return who;
}

struct IdField {
    std::string_view raw;
    EnrichedKey enriched_key;
};

// Effective, real and saved ids (into out[0..2]). The real and saved ones are nearly always the
// effective one: copied when id and ENRICHED name agree, not resolved again.
void identities(IdField effective, IdField real, IdField saved, const EnrichedSyscall* enriched,
                NameResolver* names, bool is_group, std::array<ecs::Identity*, 3> out) {
    *out[0] = identity(effective.raw, effective.enriched_key, enriched, names, is_group);
    auto resolve = [&](IdField id, ecs::Identity& to) {
        const bool same = id.raw == effective.raw &&
                          (enriched == nullptr || enriched->find(id.enriched_key) ==
                                                      enriched->find(effective.enriched_key));
        if (same) {
            to = *out[0];
        } else {
            to = identity(id.raw, id.enriched_key, enriched, names, is_group);
        }
    };
    resolve(real, *out[1]);
    resolve(saved, *out[2]);
}

// comm holds at most 15 bytes (TASK_COMM_LEN - 1): a comm this long may have been cut.
constexpr std::size_t kCommMax = 15;

// clone(2)'s first argument holds its flags (x86_64, aarch64 and the other architectures
// libaudit names alike); CLONE_THREAD makes a thread.
bool is_thread_clone(std::string_view a0) {
    constexpr unsigned long long kCloneThread = 0x00010000;
    const auto flags = parse_integer(a0, 16);
    return flags && (static_cast<unsigned long long>(*flags) & kCloneThread) != 0;
}

std::vector<std::string> args_from(const Collected& c, BuilderStats& stats) {
    std::vector<std::string> args;
    args.reserve(c.arg_count);
    for (std::size_t i = 0; i < c.arg_count; ++i) {
        const ArgSlot& slot = c.args[i];
        if (!slot.present) continue;
        if (slot.chunked) {
            if (slot.chunk_invalid) ++stats.invalid_fields;
            args.push_back(slot.chunks);
            continue;
        }
        const std::string_view raw = slot.whole;
        if (raw.size() >= 2 && raw.front() == '"') {
            args.emplace_back(raw.substr(1, raw.size() - 2));
        } else if (auto bytes = decode_hex(raw)) {
            args.push_back(std::move(*bytes));
        } else {
            ++stats.invalid_fields;
            args.emplace_back(raw);
        }
    }
    return args;
}

// PROCTITLE is argv joined by NUL, cut at 128 bytes; trailing empty args are dropped.
std::vector<std::string> args_from_proctitle(const std::string& title) {
    std::vector<std::string> args;
    std::size_t start = 0;
    while (start <= title.size()) {
        const auto nul = title.find('\0', start);
        const auto end = nul == std::string::npos ? title.size() : nul;
        args.push_back(title.substr(start, end - start));
        if (nul == std::string::npos) break;
        start = nul + 1;
    }
    while (!args.empty() && args.back().empty()) args.pop_back();
    return args;
}

// Time, host, outcome, auditd.* and the acting process's ids and program: what every event has.
void fill_common(ecs::Event& e, const au_event_t* stamp, const Collected& c,
                 const std::string& syscall, bool success, const EnrichedSyscall* enriched,
                 const BuilderOptions& options) {
    const SyscallFields& s = c.sys;
    if (stamp != nullptr) {
        // Clamped to 1970..9999: a forged log's seconds would overflow the microseconds.
        const int64_t seconds = std::clamp<int64_t>(stamp->sec, 0, INT64_C(253402300799));
        e.timestamp_us = seconds * 1'000'000 + static_cast<int64_t>(stamp->milli) * 1'000;
        e.sequence = stamp->serial;
        if (stamp->host != nullptr) {
            e.host_name = stamp->host;
            e.node = stamp->host;
        }
    }
    if (!e.host_name) e.host_name = options.host_name;
    if (options.host_id) {
        e.host_id = options.host_id;
    } else {
        e.host_id = e.host_name.value_or("unknown");
    }
    e.host_os_kernel = options.host_kernel;
    e.outcome = success ? "success" : "failure";

    ecs::AuditData& a = e.auditd;
    a.syscall = syscall;
    a.arch = arch_name(s, enriched);
    const std::array<std::optional<std::string>*, 4> raw_args = {&a.a0, &a.a1, &a.a2, &a.a3};
    for (std::size_t i = 0; i < 4; ++i) {
        if (!s.a[i].empty()) *raw_args[i] = std::string(s.a[i]);
    }
    a.exit = number_of(s.exit);
    a.tty = text_of(s.tty);
    if (a.tty == "(none)") a.tty.reset();
    a.key = c.key;
    a.session = id_of(s.ses);
    a.auid = id_of(s.auid);
    if (a.auid && enriched != nullptr) {
        if (const auto name = enriched->find(EnrichedKey::Auid)) {
            if (*name != "unset") a.auid_name = std::string(*name);
        }
    }
    a.comm = text_of(s.comm);

    ecs::ProcessImage& p = e.process;
    NameResolver* names = options.names;
    identities({s.euid, EnrichedKey::Euid}, {s.uid, EnrichedKey::Uid}, {s.suid, EnrichedKey::Suid},
               enriched, names, false, {&p.user, &p.real_user, &p.saved_user});
    identities({s.egid, EnrichedKey::Egid}, {s.gid, EnrichedKey::Gid}, {s.sgid, EnrichedKey::Sgid},
               enriched, names, true, {&p.group, &p.real_group, &p.saved_group});
    e.user = p.user;
    e.user_real = p.real_user;
    e.group = p.group;
    e.group_real = p.real_group;
    p.interactive = a.tty.has_value();
    p.executable = text_of(s.exe);
    p.pid = number_of(s.pid);
    e.parent.pid = number_of(s.ppid);
}

// An exec: the program it started (name, executable, args, working directory).
void fill_exec(ecs::Event& e, const Collected& c, bool success, BuilderStats& stats) {
    ecs::ProcessImage& p = e.process;
    ecs::AuditData& a = e.auditd;
    if (success) ++stats.execs;
    e.action = ecs::Action::Exec;
    e.type = {"start"};
    if (c.cwd) p.working_directory = decode_value(*c.cwd);
    // name=(null) (execveat on a descriptor) decodes to nothing: an empty name.
    const std::optional<std::string> path0 =
        c.path0 ? std::optional<std::string>(decode_value(*c.path0).value_or("")) : std::nullopt;
    p.start_us = e.timestamp_us;
    if (c.has_execve) {
        p.args = args_from(c, stats);
        a.args_source = "execve";
        if (c.argc) a.argc = static_cast<int64_t>(*c.argc);
        if (!c.argc || static_cast<std::size_t>(*c.argc) != p.args->size() || c.dropped_args > 0) {
            ++stats.argc_mismatch;
        }
    } else if (const auto title = c.proctitle ? decode_value(*c.proctitle) : std::nullopt) {
        ++stats.without_execve;
        p.args = args_from_proctitle(*title);
        a.args_source = "proctitle";
    }
    if (p.args) p.command_line = ecs::join_command_line(*p.args);
    // process.name: the uncut basename of the file named in the call (the link's or the
    // script's name, as comm has it but without comm's 15-byte cut).
    if (path0 && !path0->empty()) {
        p.name = std::string(base_name(*path0));
        if (!p.executable) {
            std::filesystem::path file(*path0);
            if (file.is_relative() && p.working_directory) {
                file = std::filesystem::path(*p.working_directory) / file;
            }
            p.executable = file.lexically_normal().string();
        }
    }
    if (!path0 && a.comm && !a.comm->empty()) {
        // No PATH record (ausearch -m SYSCALL,EXECVE, or rules that exclude PATH): comm
        // is Defend's name (iptables, not xtables-nft-multi) unless the kernel may have
        // cut it (15 bytes) and the executable's basename is the uncut form of it.
        const std::string_view exe_base =
            p.executable ? base_name(*p.executable) : std::string_view();
        const bool cut = a.comm->size() >= kCommMax && exe_base.starts_with(*a.comm);
        p.name = cut ? std::string(exe_base) : *a.comm;
    }
    if ((!p.name || p.name->empty()) && p.executable) {
        p.name = std::string(base_name(*p.executable));
    }
    if (!p.name && a.comm) p.name = a.comm;
    if (!success) {
        // A failed exec started nothing: comm and exe are the caller's.
        p.executable.reset();
    }
}

// A fork (clone, clone3, fork, vfork): the child, with its parent's name until it execs. False
// when it made no new process: a failed call, or a thread (pthread_create's clone).
bool fill_fork(ecs::Event& e, const SyscallFields& s, std::string_view syscall, bool success,
               BuilderStats& stats) {
    const auto child = number_of(s.exit);
    if (!success || !child || *child <= 0) return false;
    if (syscall == "clone" && is_thread_clone(s.a[0])) {
        // The new task shares the process; audit logs the thread group id as pid=, so the
        // thread never acts in the log as a process.
        ++stats.threads;
        return false;
    }
    ++stats.forks;
    e.action = ecs::Action::Fork;
    e.type = {"start"};
    e.parent.pid = e.process.pid;
    e.process.pid = child;
    e.process.name = e.auditd.comm;
    e.process.start_us = e.timestamp_us;
    return true;
}

// exit_group, kill and prctl: the acting process as it is; the call's details are in auditd.*.
void fill_process_change(ecs::Event& e, SyscallKind kind, const SyscallFields& s,
                         BuilderStats& stats) {
    e.process.name = e.auditd.comm;
    switch (kind) {
        case SyscallKind::Exit:
            ++stats.exits;
            e.action = ecs::Action::End;
            e.type = {"end"};
            if (const auto code = parse_integer(s.a[0], 16)) {
                e.process.exit_code = static_cast<int64_t>(static_cast<int32_t>(*code));
            }
            break;
        case SyscallKind::Kill:
            ++stats.kills;
            e.action = ecs::Action::KilledPid;
            e.type = {"info"};
            break;
        default:  // SyscallKind::Prctl
            ++stats.prctls;
            e.action = ecs::Action::Prctl;
            e.type = {"change"};
            break;
    }
}

}  // namespace

EventBuilder::EventBuilder(BuilderOptions options) : options_(std::move(options)) {}

std::optional<ecs::Event> EventBuilder::build(const au_event_t* stamp, const ParsedEvent* records) {
    ++stats_.events;
    // Built in place and returned by name (every return returns it), so the event is not moved.
    std::optional<ecs::Event> built;
    if (records == nullptr) return built;  // none of its records is one the builder reads
    const EnrichedSyscall* enriched = records->enriched_or_null();
    // Slots a huge argv grew are given back rather than kept for the rest of the run.
    constexpr std::size_t kKeptSlots = 4096;
    if (arg_slots_.size() > kKeptSlots) {
        arg_slots_.resize(kKeptSlots);
        arg_slots_.shrink_to_fit();
    }
    path_items_.clear();
    Collected c(arg_slots_, path_items_);
    collect(*records, c);
    // Cleared for the next event; capacity stays.
    struct ClearSlots {
        Collected& c;
        ~ClearSlots() {
            for (std::size_t i = 0; i < c.arg_count; ++i) {
                ArgSlot& slot = c.args[i];
                slot.present = false;
                slot.chunked = false;
                slot.chunk_invalid = false;
                slot.whole = {};
                slot.chunks.clear();
            }
        }
    } clear_slots{c};
    if (!c.has_syscall) return built;
    const SyscallFields& s = c.sys;
    const std::string syscall = syscall_name(s, enriched);
    const SyscallKind kind = syscall_kind(syscall);
    if (kind == SyscallKind::Other) return built;

    // Hand-edited logs quote some numbers and words (success="yes"); decode before comparing.
    const bool success = decode_value(s.success) != "no";
    if (kind == SyscallKind::Exec && !success) {
        ++stats_.failed_execs;
        if (!options_.include_failed) return built;
    }
    // A failed file syscall changed nothing (a failed connect is judged by its exit code).
    if (kind == SyscallKind::File && !success && !options_.include_failed) return built;

    ecs::Event& e = built.emplace();
    fill_common(e, stamp, c, syscall, success, enriched, options_);
    switch (kind) {
        case SyscallKind::Exec:
            fill_exec(e, c, success, stats_);
            break;
        case SyscallKind::Fork:
            if (!fill_fork(e, s, syscall, success, stats_)) built.reset();
            break;
        case SyscallKind::Exit:
        case SyscallKind::Kill:
        case SyscallKind::Prctl:
            fill_process_change(e, kind, s, stats_);
            break;
        case SyscallKind::File: {
            const FileSyscall call{syscall, success, s.a, c.cwd, c.paths, c.openat2_flags};
            if (!build_file_event(call, e)) {
                built.reset();
                break;
            }
            ++stats_.file_events;
            e.process.name = e.auditd.comm;
            break;
        }
        case SyscallKind::Network: {
            const NetworkSyscall call{syscall,
                                      success,
                                      e.auditd.exit,
                                      s.a[0],
                                      s.a[1],
                                      c.saddr,
                                      e.host_name ? std::string_view(*e.host_name) : "",
                                      e.process.pid,
                                      e.parent.pid};
            if (!network_.build(call, e)) {
                built.reset();
                break;
            }
            ++stats_.network_events;
            e.process.name = e.auditd.comm;
            break;
        }
        case SyscallKind::Other:
            built.reset();
            break;
    }
    return built;
}

}  // namespace audit
