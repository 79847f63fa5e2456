// JSON output walks the field table, so NDJSON carries exactly the fields rules can test.
#include "ecs/json.hpp"

#include <cstdint>
#include <string_view>

#include "ecs/fields.hpp"
#include "ecs/timestamp.hpp"

namespace ecs {

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
