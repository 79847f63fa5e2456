// Splits raw input into audit records, drops what is not a well-formed record (counted by kind),
// and splits the fields of the records the event builder reads, in the one pass it makes over
// each record, into a ParsedEvent per event (keyed by node and stamp). libauparse gets the header
// ("[node=N ]type=T msg=audit(...):") of the record that opens each event and of its terminal
// records (PROCTITLE, EOE): enough for it to decide when each event is complete (interleaving,
// terminal records, EOE, timeouts) and hand it over, without tokenising any field; the builder
// then takes the event's fields here (take_event).
// An event is handed over here at once when its terminal record arrives, PROCTITLE or EOE, where
// libauparse deems it complete too (EventEndSink): libauparse 3.0 hands complete events over
// oldest first, so it would hold this one until every older event still open completes, tens of
// milliseconds on a busy host. So audit.log and auditd's plugin stream (EOE after each event)
// are handed over in the same order. libauparse completes the rest (no terminal record: by its
// timeout, or at the end of input).
// Dropped before auparse: record types the builder never reads, whole events of syscalls that
// start, change or end no process and are no file or socket syscall (decided from their SYSCALL
// record), PATH records other than item 0 except for file syscalls (whose items, with their
// nametype, say which file was made, deleted or renamed). Kept aside: the ENRICHED interpretations
// of SYSCALL records (auparse would otherwise fall back to the analysing host's user database when
// a log is RAW).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "audit/parsed_event.hpp"

namespace audit {

enum class MalformedKind : uint8_t {
    OverLong,  // longer than the line limit
    Binary,    // NUL or other control bytes the kernel never writes
    NoHeader,  // no "type=... msg=audit(SEC.MS:SERIAL):" header
    BadStamp,  // a stamp libauparse cannot take (second 0, ms > 999, too long; write_header)
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

struct LineFilterStats {
    uint64_t lines = 0;
    uint64_t bytes = 0;
    std::array<uint64_t, kMalformedKinds> malformed{};
    uint64_t records_skipped = 0;   // well-formed records no process event needs
    uint64_t failed_execs = 0;      // execs with success=no (skipped unless kept)
    uint64_t serial_gaps = 0;       // times a node's audit serial jumped forward
    uint64_t events_abandoned = 0;  // forwarded events auparse never handed back (see kMaxPending)
    uint64_t auparse_renewals = 0;  // libauparse states replaced by fresh ones (see kRenewAt)
    uint64_t forwarded = 0;         // records read from syslog or kernel log lines (forwarded.hpp)
    uint64_t malformed_total() const;
    // Lines that held an audit record (skipped or not).
    uint64_t records() const {
        return lines - malformed[static_cast<std::size_t>(MalformedKind::Binary)] -
               malformed[static_cast<std::size_t>(MalformedKind::NoHeader)];
    }
};

struct LineFilterOptions {
    std::size_t max_line_bytes = std::size_t{128} * 1024;
    // Failed execs and file/socket syscalls matter only with --include-failed.
    bool keep_failed = false;
};

// What take_event finds of an event libauparse hands over.
struct TakenEvent {
    const ParsedEvent* records = nullptr;  // null when none of its records had any
    bool delivered_at_end = false;         // already handed over at its last record (EventEndSink)
};

class LineFilter {
  public:
    // Called with each header for libauparse, newline-terminated.
    using RecordSink = std::function<void(std::string_view record)>;
    // Called the first time each kind of malformed line is seen (for a warning), with a sample.
    using MalformedReporter = std::function<void(MalformedKind, std::string_view sample)>;
    // Called with an event's fields when its PROCTITLE or EOE record arrives (before libauparse
    // gets that record's header).
    using EventEndSink =
        std::function<void(const std::string& node, const EventId& id, const ParsedEvent& event)>;

    LineFilter(LineFilterOptions options, RecordSink sink, MalformedReporter reporter,
               EventEndSink end_sink = {});
    // A reload's settings, from the next line on.
    void set_options(LineFilterOptions options) { options_ = options; }
    // Called to replace libauparse's state by a fresh, empty one; the filter then forwards again
    // the headers of the events it still needs libauparse to complete (see kRenewAt).
    using RenewSink = std::function<void()>;
    void set_renew_sink(RenewSink renew) { renew_sink_ = std::move(renew); }

    void feed(std::string_view chunk);
    // Ends the input: a last line without a newline is still a record.
    void finish();

    // Hands over the fields of the event auparse completed (and forgets them here). Valid until
    // the next call.
    TakenEvent take_event(std::string_view node, const EventId& id);
    // Events whose records were forwarded and that auparse has not handed over yet.
    std::size_t pending_events() const noexcept { return pending_.size(); }
    // Of those, the ones not handed over at their last record (libauparse must still complete
    // them).
    std::size_t undelivered_events() const noexcept { return undelivered_; }

    const LineFilterStats& stats() const noexcept { return stats_; }

    // A record's "[node=N ]type=T msg=audit(SEC.MS:SERIAL): " and what follows it.
    struct RecordHeader {
        std::string_view node;
        std::string_view type;
        EventId id;
        std::string_view as_written;  // up to and including "):"
        std::size_t stamp_colon = 0;  // where the serial's ':' is in "SEC.MS:SERIAL"
        std::string_view body;        // after "): "
    };

  private:
    // Identifies an event; `node` views storage that outlives the key.
    struct EventKey {
        std::string_view node;
        EventId id;
        bool operator==(const EventKey&) const = default;
    };
    struct EventKeyHash {
        std::size_t operator()(const EventKey& key) const noexcept;
    };
    // A pending event: its node name is owned here, so that the map key can view it.
    struct Pending {
        std::string node;
        uint64_t opened = 0;     // its place in the order events were opened
        bool delivered = false;  // handed over at its last record; kept till auparse does too
        ParsedEvent event;
    };
    // auparse holds few events at a time (it completes them on their last record or after a
    // couple of seconds); one it never hands back (a header it cannot read that no check here
    // foresaw) must not hold memory forever: past this many pending events, the older half is
    // given up, and counted.
    static constexpr std::size_t kMaxPending = 16384;
    // libauparse 3.0 keeps its events in an array that it scans from the start up to the highest
    // slot ever used, several times per record, and hands events over oldest first: one event
    // whose last record comes late (the kernel does that under load) makes it hold every later
    // event, and its scans stay that long for the rest of the input (11 us a record, 5x the
    // normal cost, after one such burst at 2,000 exec/s). So once it has held this many events,
    // and at most an eighth of them still need it (the rest were handed over at their last record,
    // or its backlog has drained), its state is replaced by a fresh one, given again the headers of
    // the events still open in the order they were opened: what it decides stays the same.
    static constexpr std::size_t kRenewAt = 256;
    // Events whose records are being dropped. Records of one event are contiguous or nearly so,
    // so a small ring suffices; a record that outlives its slot reaches auparse as an event
    // without SYSCALL, which the builder ignores, so the ring's size bounds memory, never
    // correctness.
    struct Dropped {
        std::string node;
        EventId id;
    };
    static constexpr std::size_t kDroppedSlots = 64;

    void handle_line(std::string_view line);
    void end_event(const RecordHeader& header);
    void hand_over(Pending& pending, const EventId& id);
    void report(MalformedKind kind, std::string_view line);
    // A line without an audit.log header: perhaps a record forwarded through syslog or a kernel
    // log line (forwarded.hpp), rewritten into forwarded_, which the header then views. Out of
    // line and cold, so that audit.log lines, which never come here, pay nothing for it.
    [[gnu::cold, gnu::noinline]] std::optional<RecordHeader> parse_forwarded(std::string_view line);
    enum class SyscallUse { Drop, Keep, Exec, File, Network };
    SyscallUse syscall_use(std::string_view body);
    // Writes the header auparse gets ("[node=N ]type=T msg=audit(SEC.MS:SERIAL):\n") into
    // scratch_; false when libauparse could not read it back as this stamp.
    bool write_header(const RecordHeader& header);
    bool is_dropped(std::string_view node, const EventId& id) const;
    void mark_dropped(std::string_view node, const EventId& id);
    Pending* find_pending(std::string_view node, const EventId& id);
    Pending& open_pending(std::string_view node, const EventId& id);
    void abandon_oldest_pending();
    void maybe_renew_auparse();
    void renew_auparse();
    void note_serial(std::string_view node, uint64_t serial);

    LineFilterOptions options_;
    RecordSink sink_;
    MalformedReporter reporter_;
    EventEndSink end_sink_;
    RenewSink renew_sink_;
    std::string partial_;
    bool discarding_ = false;  // inside an over-long line, until its newline
    std::string scratch_;
    std::string forwarded_;  // the current line rewritten in audit.log form (forwarded.hpp)
    LineFilterStats stats_;
    std::array<bool, kMalformedKinds> reported_{};
    std::array<Dropped, kDroppedSlots> dropped_{};
    std::size_t next_dropped_ = 0;
    // Forwarded events auparse has not completed yet; bounded by the events auparse holds.
    std::unordered_map<EventKey, std::unique_ptr<Pending>, EventKeyHash> pending_;
    std::unique_ptr<Pending> taken_;                // the event last handed over
    std::vector<std::unique_ptr<Pending>> spares_;  // reused, so a steady stream allocates little
    uint64_t opened_ = 0;                           // events opened so far
    std::size_t undelivered_ = 0;                   // pending and not handed over yet
    std::size_t peak_pending_ = 0;                  // most pending at once since the last renewal
    // (arch << 32 ^ number) -> libaudit's name: looked up once per syscall number.
    std::unordered_map<uint64_t, std::optional<std::string_view>> syscall_names_;
    std::unordered_map<std::string, uint64_t> last_serial_by_node_;
};

}  // namespace audit
