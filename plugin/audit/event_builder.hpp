// Turns one complete audit event (SYSCALL with its EXECVE, CWD, PATH and PROCTITLE records)
// into an ECS event: a process start for execve/execveat, and fork, end, kill and prctl events
// for the process table and the Auditbeat-schema rules. Parent fields are left to the process
// table; this stage sees only the records of one event.
#pragma once

#include <auparse.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/file_events.hpp"
#include "audit/network_events.hpp"
#include "audit/parsed_event.hpp"
#include "ecs/event.hpp"

namespace audit {

// Looks up user and group names on the live host (plugin mode with RAW records only).
class NameResolver {
  public:
    virtual ~NameResolver() = default;
    virtual std::optional<std::string> user_name(uint32_t uid) = 0;
    virtual std::optional<std::string> group_name(uint32_t gid) = 0;
};

struct BuilderOptions {
    bool include_failed = false;  // emit failed execs and file syscalls (event.outcome=failure)
    std::optional<std::string> host_name;  // used when the record has no node= name
    // host.id: plugin mode /etc/machine-id, offline --host-id; else the node= name, else
    // host_name, else "unknown" (sequence rules join on it, so it is never left empty).
    std::optional<std::string> host_id;
    std::optional<std::string> host_kernel;  // host.os.kernel, when known
    NameResolver* names = nullptr;           // not owned; null: names only from ENRICHED
};

struct BuilderStats {
    uint64_t events = 0;        // complete audit events seen
    uint64_t execs = 0;         // successful execs turned into process starts
    uint64_t failed_execs = 0;  // execs with success=no
    uint64_t forks = 0;
    uint64_t threads = 0;  // clone with CLONE_THREAD: a thread, not a process
    uint64_t exits = 0;
    uint64_t kills = 0;
    uint64_t prctls = 0;
    uint64_t file_events = 0;     // file syscalls turned into file events
    uint64_t network_events = 0;  // socket syscalls turned into network events
    uint64_t without_execve = 0;  // execs whose args came from PROCTITLE
    uint64_t argc_mismatch = 0;   // argc disagreed with the args that arrived
    uint64_t invalid_fields = 0;  // values that could not be decoded, kept as they were
};

// One argument slot of EXECVE: a whole value (aN, as written) or chunks (aN[i]).
struct ArgSlot {
    bool present = false;
    bool chunked = false;
    bool chunk_invalid = false;  // a chunk was neither quoted nor hex: kept as written
    std::string_view whole;      // into the ParsedEvent being built
    std::string chunks;          // the chunks, each decoded by its own form, concatenated
};

class EventBuilder {
  public:
    explicit EventBuilder(BuilderOptions options);
    // A reload's settings, from the next event on.
    void set_options(BuilderOptions options) { options_ = std::move(options); }

    // The event auparse completed (its stamp) from its records' fields, as the line filter split
    // them (null: none of its records is one the builder reads); nullopt when it is not a process
    // event to emit.
    std::optional<ecs::Event> build(const au_event_t* stamp, const ParsedEvent* records);

    const BuilderStats& stats() const noexcept { return stats_; }
    const NetworkStats& network_stats() const noexcept { return network_.stats(); }

  private:
    BuilderOptions options_;
    BuilderStats stats_;
    // Kept between events, cleared for each, so a steady stream allocates no slots.
    std::vector<ArgSlot> arg_slots_;
    std::vector<PathItem> path_items_;
    NetworkEvents network_;  // what each socket is, across events
};

}  // namespace audit
