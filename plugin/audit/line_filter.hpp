// Splits raw input into audit records, drops what is not a well-formed record (counted by kind),
// and keeps libauparse from tokenising what no process event can use: record types the event
// builder never reads, whole events of syscalls that start, change or end no process (decided
// from their SYSCALL record), and PROCTITLE records whose args EXECVE already gave (an EOE with
// the same stamp takes their place, so auparse still completes the event there); of PATH records
// only item 0's name reaches auparse. It also takes the ENRICHED interpretations off SYSCALL
// records before auparse sees them, and keeps them aside for the event builder: auparse would
// otherwise fall back to the analysing host's user database when a log is RAW.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace audit {

enum class MalformedKind : uint8_t {
    OverLong,  // longer than the line limit
    Binary,    // NUL or other control bytes the kernel never writes
    NoHeader,  // no "type=... msg=audit(SEC.MS:SERIAL):" header
    Count_
};
constexpr std::size_t kMalformedKinds = static_cast<std::size_t>(MalformedKind::Count_);
std::string_view malformed_kind_name(MalformedKind kind) noexcept;

// Identifies one audit event: its node (empty without node=) and "SEC.MS:SERIAL".
struct EventId {
    uint64_t seconds = 0;
    uint32_t millis = 0;
    uint64_t serial = 0;
    bool operator==(const EventId&) const = default;
};

// The interpretations the event builder reads from an ENRICHED SYSCALL record.
enum class EnrichedKey : uint8_t { Arch, Syscall, Auid, Uid, Gid, Euid, Suid, Egid, Sgid, Count_ };

// The upper-case interpretations after 0x1d on a SYSCALL record ("AUID=\"alice\" UID=..."),
// split once: the known keys land in fixed slots (offsets into the kept copy of the tail).
class EnrichedSyscall {
  public:
    // Replaces the content; the buffer is reused, so a steady stream allocates nothing.
    void assign(std::string_view tail);
    // The value of KEY (quotes removed; the first if repeated), or nullopt.
    std::optional<std::string_view> find(EnrichedKey key) const;

  private:
    struct Span {
        uint32_t offset = 0;
        uint32_t size = 0;
        bool present = false;
    };
    std::string tail_;
    std::array<Span, static_cast<std::size_t>(EnrichedKey::Count_)> known_{};
};

struct LineFilterStats {
    uint64_t lines = 0;
    uint64_t bytes = 0;
    std::array<uint64_t, kMalformedKinds> malformed{};
    uint64_t records_skipped = 0;  // well-formed records no process event needs
    uint64_t failed_execs = 0;     // execs with success=no (skipped unless kept)
    uint64_t serial_gaps = 0;      // times a node's audit serial jumped forward
    uint64_t malformed_total() const;
};

struct LineFilterOptions {
    std::size_t max_line_bytes = std::size_t{128} * 1024;
    bool keep_failed_execs = false;  // failed execs matter only with --include-failed
};

class LineFilter {
  public:
    // Called with each accepted record, newline-terminated, ENRICHED tail removed.
    using RecordSink = std::function<void(std::string_view record)>;
    // Called the first time each kind of malformed line is seen (for a warning), with a sample.
    using MalformedReporter = std::function<void(MalformedKind, std::string_view sample)>;

    LineFilter(LineFilterOptions options, RecordSink sink, MalformedReporter reporter);

    void feed(std::string_view chunk);
    // Ends the input: a last line without a newline is still a record.
    void finish();

    // The enriched tail of the SYSCALL record of an event, if it had one; valid until the next
    // record is fed.
    const EnrichedSyscall* enriched(std::string_view node, const EventId& id);

    const LineFilterStats& stats() const noexcept { return stats_; }

  private:
    // Recent events, by id: those whose records are being dropped, and the enriched tails of
    // kept ones. Records of one event are contiguous or nearly so, so a small ring suffices;
    // a record that outlives its slot reaches auparse as an event without SYSCALL, which the
    // builder ignores, so the ring's size bounds memory, never correctness.
    struct Recent {
        std::string node;
        EventId id;
        bool dropped = false;
        bool has_tail = false;
        bool needs_title = false;  // an exec without EXECVE so far: PROCTITLE has its args
        EnrichedSyscall tail;
    };
    static constexpr std::size_t kRecentSlots = 64;

    // newline_follows: line.data()[line.size()] is the input's '\n', so it can be fed as is.
    void handle_line(std::string_view line, bool newline_follows);
    void report(MalformedKind kind, std::string_view line);
    enum class SyscallUse { Drop, Keep, Exec };
    SyscallUse syscall_use(std::string_view body);
    // Hands a record to auparse, without its ENRICHED tail (which starts at `separator`).
    void forward(std::string_view line, std::size_t separator, bool newline_follows);
    // Hands PATH item 0 to auparse with its name field only: `head` is the record up to its
    // fields, `body` the fields (without the ENRICHED tail).
    void forward_path_name(std::string_view head, std::string_view body);
    Recent* find_recent(std::string_view node, const EventId& id);
    Recent& claim_recent(std::string_view node, const EventId& id);
    void note_serial(std::string_view node, uint64_t serial);

    LineFilterOptions options_;
    RecordSink sink_;
    MalformedReporter reporter_;
    std::string partial_;
    bool discarding_ = false;  // inside an over-long line, until its newline
    std::string scratch_;
    LineFilterStats stats_;
    std::array<bool, kMalformedKinds> reported_{};
    std::array<Recent, kRecentSlots> recent_{};
    std::size_t next_slot_ = 0;
    // (arch << 32 ^ number) -> libaudit's name: looked up once per syscall number.
    std::unordered_map<uint64_t, std::optional<std::string_view>> syscall_names_;
    std::unordered_map<std::string, uint64_t> last_serial_by_node_;
};

// The syscalls that start, change or end a process: the only SYSCALL events the event
// builder turns into ECS events.
bool is_process_syscall(std::string_view name) noexcept;

}  // namespace audit
