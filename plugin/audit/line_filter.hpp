// Splits raw input into audit records, drops what is not a well-formed record (counted by kind),
// and takes the ENRICHED interpretations off SYSCALL records before auparse sees them.
// The enriched names are kept aside, keyed by node and event id, for the event builder: auparse
// would otherwise fall back to the analysing host's user database when a log is RAW.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace audit {

enum class MalformedKind : uint8_t {
    OverLong,  // longer than the line limit
    Binary,    // NUL or other control bytes the kernel never writes
    NoHeader,  // no "type=... msg=audit(SEC.MS:SERIAL):" header
    Count_
};
constexpr std::size_t kMalformedKinds = static_cast<std::size_t>(MalformedKind::Count_);
std::string_view malformed_kind_name(MalformedKind kind) noexcept;

// The upper-case interpretations after 0x1d on a SYSCALL record.
struct EnrichedSyscall {
    std::unordered_map<std::string, std::string> names;  // e.g. "UID" -> "root"
    const std::string* find(std::string_view key) const;
};

struct LineFilterStats {
    uint64_t lines = 0;
    uint64_t bytes = 0;
    std::array<uint64_t, kMalformedKinds> malformed{};
    uint64_t malformed_total() const;
};

class LineFilter {
  public:
    // Called with each accepted record, newline-terminated, ENRICHED tail removed.
    using RecordSink = std::function<void(std::string_view record)>;
    // Called the first time each kind of malformed line is seen (for a warning), with a sample.
    using MalformedReporter = std::function<void(MalformedKind, std::string_view sample)>;

    LineFilter(std::size_t max_line_bytes, RecordSink sink, MalformedReporter reporter);

    void feed(std::string_view chunk);
    // Ends the input: a last line without a newline is still a record.
    void finish();

    // Takes the enriched names of the SYSCALL record of event `event_key` (see event_key()).
    std::optional<EnrichedSyscall> take_enriched(const std::string& event_key);
    static std::string event_key(std::string_view node, std::string_view event_id);

    const LineFilterStats& stats() const noexcept { return stats_; }

  private:
    void handle_line(std::string_view line);
    void report(MalformedKind kind, std::string_view line);
    void remember_enriched(std::string key, std::string_view tail);

    std::size_t max_line_bytes_;
    RecordSink sink_;
    MalformedReporter reporter_;
    std::string partial_;
    bool discarding_ = false;  // inside an over-long line, until its newline
    std::string scratch_;
    LineFilterStats stats_;
    std::array<bool, kMalformedKinds> reported_{};
    std::unordered_map<std::string, EnrichedSyscall> enriched_;
    std::deque<std::string> enriched_order_;  // oldest first, to bound enriched_
};

}  // namespace audit
