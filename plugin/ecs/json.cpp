// JSON output walks the field table, so NDJSON carries exactly the fields rules can test.
#include "ecs/json.hpp"

#include <ctime>
#include <string_view>

#include "ecs/fields.hpp"

namespace ecs {

std::string format_timestamp(int64_t microseconds_since_epoch) {
    int64_t seconds = microseconds_since_epoch / 1'000'000;
    int64_t micros = microseconds_since_epoch % 1'000'000;
    if (micros < 0) {
        micros += 1'000'000;
        seconds -= 1;
    }
    const auto as_time_t = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&as_time_t, &utc);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
    char out[96];
    std::snprintf(out, sizeof out, "%s.%06lldZ", buffer, static_cast<long long>(micros));
    return out;
}

namespace {

// Walks "a.b.c" to the object that should hold "c", creating objects on the way.
nlohmann::json& parent_object(nlohmann::json& root, std::string_view dotted,
                              std::string_view& leaf) {
    nlohmann::json* node = &root;
    std::size_t start = 0;
    for (std::size_t dot = dotted.find('.'); dot != std::string_view::npos;
         dot = dotted.find('.', start)) {
        node = &(*node)[std::string(dotted.substr(start, dot - start))];
        start = dot + 1;
    }
    leaf = dotted.substr(start);
    return *node;
}

}  // namespace

nlohmann::json to_json(const Event& event) {
    nlohmann::json root = nlohmann::json::object();
    for (const FieldInfo& field : all_fields()) {
        const FieldValue value = get_field(event, field.id);
        if (value.missing()) continue;
        std::string_view leaf;
        nlohmann::json& holder = parent_object(root, field.name, leaf);
        nlohmann::json& slot = holder[std::string(leaf)];
        switch (value.kind) {
            case FieldValue::Kind::String:
                slot = std::string(value.text);
                break;
            case FieldValue::Kind::Integer:
                if (field.type == FieldType::Date) {
                    slot = format_timestamp(value.integer);
                } else {
                    slot = value.integer;
                }
                break;
            case FieldValue::Kind::Boolean:
                slot = value.boolean;
                break;
            case FieldValue::Kind::StringList:
                slot = nlohmann::json::array();
                for (const std::string& item : value.list) slot.push_back(item);
                break;
            case FieldValue::Kind::Missing:
                break;
        }
    }
    return root;
}

std::string dump_line(const nlohmann::json& document) {
    return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ecs
