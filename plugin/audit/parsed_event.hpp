// The fields of the records of one in-flight audit event, split by the line filter in the pass it
// already makes over each record. libauparse still decides when an event is complete and hands it
// over (it gets the headers that open and end it), but never tokenises its fields: tokenising
// them into malloc'd name/value pairs was most of its cost, and the event builder reads them from
// here instead.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/enriched.hpp"

namespace audit {

// The record types the event builder reads.
enum class RecordKind : uint8_t { Syscall, Execve, Cwd, Path, Proctitle };

struct RecordField {
    std::string_view name;
    std::string_view value;
};

// Splits a record body (what follows "msg=audit(...): ") into fields exactly as libauparse
// does (parse_up_record): tokens split at spaces, tokens without '=' or with nothing after it
// skipped, a "msg=audit..." token skipped and a "msg='" prefix cut, a leading '(' cut from the
// name, and from the value one trailing ':', then ',', then '\'', then ')' (unless the value is
// "(none)" or "(null)").
// libauparse also splits a hex "key" holding several keys into one field per key: that is left to
// the reader of "key" (see last_audit_key in the event builder).
template <typename Visit>
void split_fields(std::string_view body, Visit&& visit);

class ParsedEvent {
  public:
    struct Record {
        RecordKind kind;
        uint32_t first_field;
        uint32_t field_count;
    };

    // Empties the event for reuse (buffers keep their capacity).
    void reset();

    // Starts a record; the fields added next belong to it.
    void add_record(RecordKind kind);
    // Adds the fields of BODY (split by split_fields) to the last record.
    void add_fields(std::string_view body);
    void add_field(std::string_view name, std::string_view value);

    std::span<const Record> records() const noexcept { return records_; }
    RecordField field(std::size_t index) const noexcept;

    // The SYSCALL record's ENRICHED interpretations, if it had any.
    EnrichedSyscall& enriched() noexcept { return enriched_; }
    const EnrichedSyscall* enriched_or_null() const noexcept {
        return has_enriched_ ? &enriched_ : nullptr;
    }
    void set_has_enriched(bool has) noexcept { has_enriched_ = has; }

    // An exec whose EXECVE has not come (yet): its PROCTITLE carries the args.
    bool needs_title = false;

  private:
    struct Span {
        uint32_t name_at;
        uint32_t name_size;
        uint32_t value_at;
        uint32_t value_size;
    };
    std::string text_;  // the bytes of every field, copied once
    std::vector<Record> records_;
    std::vector<Span> fields_;
    EnrichedSyscall enriched_;
    bool has_enriched_ = false;
};

template <typename Visit>
void split_fields(std::string_view body, Visit&& visit) {
    const std::size_t size = body.size();
    std::size_t at = 0;
    while (at < size) {
        if (body[at] == ' ') {
            ++at;
            continue;
        }
        // The name is short: scanned byte by byte to its '='; the value, which may be a long
        // hex argument, is searched to its end with memchr.
        const std::size_t start = at;
        while (at < size && body[at] != '=' && body[at] != ' ') ++at;
        if (at == size || body[at] == ' ') continue;  // no '=': not a field
        std::size_t equals = at - start;
        const void* space = std::memchr(body.data() + at, ' ', size - at);
        at = space == nullptr
                 ? size
                 : static_cast<std::size_t>(static_cast<const char*>(space) - body.data());
        std::string_view token = body.substr(start, at - start);
        if (equals == 3 && token.starts_with("msg") && token.size() > 4) {
            if (token[4] == 'a') continue;
            if (token[4] == '\'') {
                token.remove_prefix(5);
                equals = token.find('=');
                if (equals == std::string_view::npos) continue;
            }
        }
        std::string_view name = token.substr(0, equals);
        std::string_view value = token.substr(equals + 1);
        if (value.empty()) continue;  // libauparse keeps no field with nothing after its '='
        if (!name.empty() && name.front() == '(') name.remove_prefix(1);
        for (const char trailing : {':', ',', '\''}) {
            if (!value.empty() && value.back() == trailing) value.remove_suffix(1);
        }
        if (!value.empty() && value.back() == ')' && value != "(none)" && value != "(null)") {
            value.remove_suffix(1);
        }
        visit(name, value);
    }
}

}  // namespace audit
