// Streams an ECS event as one JSON line without building a document tree: the same bytes as
// dump_line(to_json(event)) (same nesting, keys in the same sorted order, same escaping), at a
// fraction of the cost. --events-output writes every event, so this is its hot path.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ecs/event.hpp"
#include "ecs/fields.hpp"

namespace ecs {

class EventJsonWriter {
  public:
    EventJsonWriter();

    // Appends the event's JSON object (no newline) to `out`.
    void write(const Event& event, std::string& out) const;

  private:
    // The field table as a tree of JSON objects, children sorted by key as nlohmann's
    // std::map-backed objects are.
    struct Node {
        std::string key;
        std::optional<FieldId> field;  // a leaf; objects have children instead
        std::vector<Node> children;
    };

    bool write_members(const Node& object, const Event& event, std::string& out) const;
    Node root_;
};

// Appends `text` as a JSON string: plain printable ASCII is copied as it is; anything else goes
// through nlohmann's serializer (escapes, U+FFFD for invalid UTF-8), so both paths agree.
void append_json_string(std::string& out, std::string_view text);

}  // namespace ecs
