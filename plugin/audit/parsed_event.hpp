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
enum class RecordKind : uint8_t { Syscall, Execve, Cwd, Path, Proctitle, Sockaddr, Openat2 };

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
// the reader of "key" (decode_key in audit/decode.hpp).
template <typename Visit>
void split_fields(std::string_view body, Visit&& visit);

class ParsedEvent {
  public:
    struct Record {
        RecordKind kind;
        uint32_t first_field;
        uint32_t field_count;
    };

    // Empties the event for reuse (buffers keep their capacity, up to 64 KiB).
    void reset();

    // Starts a record; the fields added next belong to it.
    void add_record(RecordKind kind);
    // Adds the fields of BODY (split by split_fields) to the last record.
    void add_fields(std::string_view body);
    void add_field(std::string_view name, std::string_view value);

    std::span<const Record> records() const noexcept { return records_; }
    // A record's fields are field(first_field) .. field(first_field + field_count - 1).
    RecordField field(std::size_t index) const noexcept {
        const Span& span = fields_[index];
        const std::string_view text = text_;
        return {text.substr(span.name_at, span.name_size),
                text.substr(span.value_at, span.value_size)};
    }

    // The SYSCALL record's ENRICHED interpretations (the text after 0x1d), if it had any.
    void set_enriched(std::string_view tail) {
        enriched_.assign(tail);
        has_enriched_ = true;
    }
    const EnrichedSyscall* enriched_or_null() const noexcept {
        return has_enriched_ ? &enriched_ : nullptr;
    }

    // An exec whose EXECVE has not come (yet): its PROCTITLE carries the args.
    bool needs_title = false;
    // A file syscall: every PATH item (name and nametype) is read, not only item 0's name.
    bool needs_all_paths = false;
    // A socket syscall: its SOCKADDR is read.
    bool reads_socket = false;

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
    // Pointers rather than substr: this runs for every field of every record kept.
    const char* at = body.data();
    const char* const end = at + body.size();
    while (at < end) {
        if (*at == ' ') {
            ++at;
            continue;
        }
        // The name is short: scanned byte by byte to its '='; the value, which may be a long
        // hex argument, is searched to its end with memchr.
        const char* name = at;
        while (at < end && *at != '=' && *at != ' ') ++at;
        if (at == end || *at == ' ') continue;  // no '=': not a field
        const char* name_end = at;
        const char* value = at + 1;
        const void* space = std::memchr(value, ' ', static_cast<std::size_t>(end - value));
        at = space == nullptr ? end : static_cast<const char*>(space);
        const char* value_end = at;
        if (name_end - name == 3 && std::memcmp(name, "msg", 3) == 0 && value < value_end) {
            if (*value == 'a') continue;  // msg=audit(...): the stamp
            if (*value == '\'') {         // msg='op=... : the first field inside the quote
                name = value + 1;
                const void* equals =
                    std::memchr(name, '=', static_cast<std::size_t>(value_end - name));
                if (equals == nullptr) continue;
                name_end = static_cast<const char*>(equals);
                value = name_end + 1;
            }
        }
        if (value == value_end) continue;  // libauparse keeps no field with nothing after '='
        if (name < name_end && *name == '(') ++name;
        for (const char trailing : {':', ',', '\''}) {
            if (value < value_end && value_end[-1] == trailing) --value_end;
        }
        std::string_view text(value, static_cast<std::size_t>(value_end - value));
        if (!text.empty() && text.back() == ')' && text != "(none)" && text != "(null)") {
            text.remove_suffix(1);
        }
        visit(std::string_view(name, static_cast<std::size_t>(name_end - name)), text);
    }
}

}  // namespace audit
