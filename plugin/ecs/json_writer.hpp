// Streams an ECS event as one JSON line without building a document tree: the same bytes as
// dump_line(to_json(event)) (same nesting, keys in the same sorted order, same escaping), at a
// fraction of the cost. --events-output writes every event, so this is its hot path.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ecs/event.hpp"
#include "ecs/fields.hpp"

namespace ecs {

class EventJsonWriter {
  public:
    EventJsonWriter();
    // Also writes members that are not event fields (an alert's rule, message, ...), named by
    // dotted path and sorted in with the fields. A member may replace a field of the same name
    // (event.kind); it may not be an object the fields write into (throws std::logic_error), as
    // the two would be written as two members of one name.
    explicit EventJsonWriter(std::span<const std::string_view> extra_members);

    // Appends the event's JSON object (no newline) to `out`. `extras[i]` is the JSON of the
    // i-th extra member as the document path would dump it, or empty for none.
    void write(const Event& event, std::string& out,
               std::span<const std::string> extras = {}) const;

  private:
    // The field table as a tree of JSON objects, children sorted by key as nlohmann's
    // std::map-backed objects are.
    struct Node {
        std::string key;
        std::optional<FieldId> field;      // a leaf; objects have children instead
        std::optional<std::size_t> extra;  // an extra member's index; wins over `field`
        std::vector<Node> children;
    };

    Node& add_path(std::string_view dotted);

    bool write_members(const Node& object, const Event& event, std::string& out,
                       std::span<const std::string> extras) const;
    Node root_;
};

// Appends `text` as a JSON string: plain printable ASCII is copied as it is; anything else goes
// through nlohmann's serializer (escapes, U+FFFD for invalid UTF-8), so both paths agree.
void append_json_string(std::string& out, std::string_view text);

}  // namespace ecs
