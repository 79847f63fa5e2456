#include "audit/reader.hpp"

#include <cstdio>
#include <utility>

namespace audit {

AuditReader::AuditReader(ReaderOptions options, EventSink sink, MalformedReporter reporter)
    : sink_(std::move(sink)),
      builder_(std::move(options.builder)),
      feed_([this](auparse_state_t* state) { on_event(state); }),
      filter_(
          options.max_line_bytes, [this](std::string_view record) { feed_.feed(record); },
          std::move(reporter)) {}

void AuditReader::feed(std::string_view chunk) { filter_.feed(chunk); }

void AuditReader::age_events() { feed_.age_events(); }

void AuditReader::finish() {
    filter_.finish();
    feed_.finish();
}

void AuditReader::on_event(auparse_state_t* state) {
    const au_event_t* stamp = auparse_get_timestamp(state);
    std::optional<EnrichedSyscall> enriched;
    if (stamp != nullptr) {
        char event_id[64];
        std::snprintf(event_id, sizeof event_id, "%lu.%03u:%lu",
                      static_cast<unsigned long>(stamp->sec), stamp->milli, stamp->serial);
        const std::string_view node = stamp->host != nullptr ? stamp->host : "";
        enriched = filter_.take_enriched(LineFilter::event_key(node, event_id));
        unsigned long& last = last_serial_by_node_[std::string(node)];
        if (last != 0 && stamp->serial > last + 1) ++serial_gaps_;
        if (stamp->serial > last) last = stamp->serial;
    }
    if (auto event = builder_.build(state, enriched ? &*enriched : nullptr)) {
        sink_(std::move(*event));
    }
}

ReaderStats AuditReader::stats() const {
    return ReaderStats{filter_.stats(), builder_.stats(), serial_gaps_};
}

}  // namespace audit
