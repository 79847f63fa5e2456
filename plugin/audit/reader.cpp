#include "audit/reader.hpp"

#include <utility>

namespace audit {

AuditReader::AuditReader(const ReaderOptions& options, EventSink sink, MalformedReporter reporter)
    : sink_(std::move(sink)),
      builder_(options.builder),
      feed_([this](auparse_state_t* state) { on_event(state); }),
      filter_(
          LineFilterOptions{options.max_line_bytes, options.builder.include_failed},
          [this](std::string_view record) { feed_.feed(record); }, std::move(reporter),
          [this](const std::string& node, const EventId& id, const ParsedEvent& records) {
              on_event_end(node, id, records);
          }) {
    filter_.set_renew_sink([this] { feed_.renew(); });
}

void AuditReader::feed(std::string_view chunk) { filter_.feed(chunk); }

void AuditReader::reconfigure(const ReaderOptions& options) {
    filter_.set_options(LineFilterOptions{options.max_line_bytes, options.builder.include_failed});
    builder_.set_options(options.builder);
}

void AuditReader::age_events() { feed_.age_events(); }

void AuditReader::finish() {
    filter_.finish();
    feed_.finish();
}

void AuditReader::on_event(auparse_state_t* state) {
    const au_event_t* stamp = auparse_get_timestamp(state);
    TakenEvent taken;
    if (stamp != nullptr) {
        const std::string_view node = stamp->host != nullptr ? stamp->host : "";
        taken = filter_.take_event(
            node, EventId{static_cast<uint64_t>(stamp->sec), stamp->milli, stamp->serial});
    }
    if (taken.delivered_at_end) return;
    build(stamp, taken.records);
}

void AuditReader::on_event_end(const std::string& node, const EventId& id,
                               const ParsedEvent& records) {
    // The stamp libauparse would give: the filter only keeps stamps it reads back the same.
    au_event_t stamp{};
    stamp.sec = static_cast<time_t>(id.seconds);
    stamp.milli = id.millis;
    stamp.serial = static_cast<unsigned long>(id.serial);
    stamp.host = node.empty() ? nullptr : node.c_str();
    build(&stamp, &records);
}

void AuditReader::build(const au_event_t* stamp, const ParsedEvent* records) {
    if (auto event = builder_.build(stamp, records)) {
        sink_(std::move(*event));
    }
}

ReaderStats AuditReader::stats() const {
    ReaderStats stats{filter_.stats(), builder_.stats()};
    stats.builder.failed_execs += stats.lines.failed_execs;
    return stats;
}

}  // namespace audit
