// The audit input stage: raw bytes (an audit.log file or auditd's plugin stream) in, ECS events
// out. Owns the line filter, the auparse feed and the event builder, and wires them.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "audit/auparse_feed.hpp"
#include "audit/event_builder.hpp"
#include "audit/line_filter.hpp"
#include "ecs/event.hpp"

namespace audit {

struct ReaderOptions {
    // Kernel records stay under 9 KB; anything this long is not an audit record.
    std::size_t max_line_bytes = std::size_t{128} * 1024;
    BuilderOptions builder;
};

struct ReaderStats {
    LineFilterStats lines;
    BuilderStats builder;  // failed_execs counts those skipped before auparse too
};

class AuditReader {
  public:
    using EventSink = std::function<void(ecs::Event&&)>;
    using MalformedReporter = LineFilter::MalformedReporter;

    AuditReader(const ReaderOptions& options, EventSink sink, MalformedReporter reporter = {});
    AuditReader(const AuditReader&) = delete;
    AuditReader& operator=(const AuditReader&) = delete;

    void feed(std::string_view chunk);
    // Stream mode: hands over events auparse has held past its EOE timeout.
    void age_events();
    // End of input: every event still open is completed and handed over.
    void finish();

    // A reload's settings (line length, failed syscalls, host name and id), from the next line.
    void reconfigure(const ReaderOptions& options);

    ReaderStats stats() const;
    // Events forwarded to auparse and not handed back yet (none once finish() has run).
    std::size_t pending_events() const noexcept { return filter_.pending_events(); }
    // Of those, the ones not handed over at their last record (PROCTITLE, EOE) yet.
    std::size_t undelivered_events() const noexcept { return filter_.undelivered_events(); }

  private:
    // An event libauparse hands over.
    void on_event(auparse_state_t* state);
    // An event whose PROCTITLE or EOE record arrived, handed over by the line filter before
    // libauparse does.
    void on_event_end(const std::string& node, const EventId& id, const ParsedEvent& records);
    void build(const au_event_t* stamp, const ParsedEvent* records);

    EventSink sink_;
    EventBuilder builder_;
    AuparseFeed feed_;
    LineFilter filter_;
};

}  // namespace audit
