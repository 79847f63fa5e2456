// The fields libauparse itself splits one audit record into, as the oracle that the line
// filter's split_fields must agree with (tests and fuzz_reader).
#pragma once

#include <auparse.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace oracle {

using Fields = std::vector<std::pair<std::string, std::string>>;

// The fields of RECORD (one line, no newline) after its "node" and "type" fields, as
// libauparse's field walk returns them; nullopt when libauparse makes no event of it.
inline std::optional<Fields> auparse_fields(std::string_view record) {
    const std::string text = std::string(record) + "\n";
    struct Destroy {
        void operator()(auparse_state_t* state) const noexcept { auparse_destroy(state); }
    };
    const std::unique_ptr<auparse_state_t, Destroy> state(
        auparse_init(AUSOURCE_BUFFER, text.c_str()));
    if (!state || auparse_next_event(state.get()) <= 0) return std::nullopt;
    if (auparse_first_record(state.get()) <= 0) return std::nullopt;
    Fields fields;
    if (auparse_first_field(state.get()) <= 0) return fields;
    do {
        const char* name = auparse_get_field_name(state.get());
        const char* value = auparse_get_field_str(state.get());
        fields.emplace_back(name != nullptr ? name : "", value != nullptr ? value : "");
    } while (auparse_next_field(state.get()) > 0);
    std::size_t skip = 0;
    if (skip < fields.size() && fields[skip].first == "node") ++skip;
    if (skip < fields.size() && fields[skip].first == "type") ++skip;
    fields.erase(fields.begin(), fields.begin() + static_cast<std::ptrdiff_t>(skip));
    return fields;
}

}  // namespace oracle
