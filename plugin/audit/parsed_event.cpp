#include "audit/parsed_event.hpp"

namespace audit {

void ParsedEvent::reset() {
    // A huge argv's buffers are given back rather than kept for the rest of the run.
    constexpr std::size_t kKeptBytes = std::size_t{64} * 1024;
    if (text_.capacity() > kKeptBytes) std::string().swap(text_);
    if (fields_.capacity() * sizeof(Span) > kKeptBytes) std::vector<Span>().swap(fields_);
    text_.clear();
    records_.clear();
    fields_.clear();
    has_enriched_ = false;
    needs_title = false;
    needs_all_paths = false;
    reads_socket = false;
}

void ParsedEvent::add_record(RecordKind kind) {
    records_.push_back({kind, static_cast<uint32_t>(fields_.size()), 0});
}

void ParsedEvent::add_fields(std::string_view body) {
    // One copy of the body; fields are offsets into it.
    const std::size_t base = text_.size();
    text_.append(body);
    const char* origin = body.data();
    auto offset = [&](std::string_view part) {
        return static_cast<uint32_t>(base + static_cast<std::size_t>(part.data() - origin));
    };
    split_fields(body, [&](std::string_view name, std::string_view value) {
        fields_.push_back({offset(name), static_cast<uint32_t>(name.size()), offset(value),
                           static_cast<uint32_t>(value.size())});
        ++records_.back().field_count;
    });
}

void ParsedEvent::add_field(std::string_view name, std::string_view value) {
    const auto name_at = static_cast<uint32_t>(text_.size());
    text_.append(name);
    const auto value_at = static_cast<uint32_t>(text_.size());
    text_.append(value);
    fields_.push_back({name_at, static_cast<uint32_t>(name.size()), value_at,
                       static_cast<uint32_t>(value.size())});
    ++records_.back().field_count;
}

}  // namespace audit
