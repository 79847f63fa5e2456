#include "ecs/json_writer.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ecs/decimal.hpp"
#include "ecs/json.hpp"
#include "ecs/timestamp.hpp"

namespace ecs {
namespace {

bool needs_escaping(std::string_view text) {
    // Branch-free with byte-wide flags so it vectorises 16 or 32 bytes at a time: most values
    // are plain ASCII and take the copy path.
    uint8_t special = 0;
    for (const char c : text) {
        const auto byte = static_cast<uint8_t>(c);
        special |=
            static_cast<uint8_t>((byte < 0x20) | (byte >= 0x7f) | (byte == '"') | (byte == '\\'));
    }
    return special != 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    if (!needs_escaping(text)) {
        out += '"';
        out += text;
        out += '"';
        return;
    }
    out += nlohmann::json(std::string(text))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

EventJsonWriter::Node& EventJsonWriter::add_path(std::string_view dotted) {
    Node* node = &root_;
    std::string_view rest = dotted;
    for (;;) {
        const auto dot = rest.find('.');
        const std::string_view key = rest.substr(0, dot);
        auto it = std::find_if(node->children.begin(), node->children.end(),
                               [key](const Node& child) { return child.key == key; });
        if (it == node->children.end()) {
            node->children.push_back(Node{std::string(key), std::nullopt, std::nullopt, {}});
            it = node->children.end() - 1;
        }
        node = &*it;
        if (dot == std::string_view::npos) return *node;
        rest.remove_prefix(dot + 1);
    }
}

EventJsonWriter::EventJsonWriter() : EventJsonWriter(std::span<const std::string_view>{}) {}

EventJsonWriter::EventJsonWriter(std::span<const std::string_view> extra_members) {
    for (const FieldInfo& info : all_fields()) add_path(info.name).field = info.id;
    for (std::size_t i = 0; i < extra_members.size(); ++i) {
        Node& node = add_path(extra_members[i]);
        if (!node.children.empty()) {
            throw std::logic_error("EventJsonWriter: extra member " +
                                   std::string(extra_members[i]) +
                                   " is an object that event fields are written into");
        }
        node.extra = i;
    }
    // Sorted after the tree is complete: sorting moves nodes, which the loops above point into.
    std::vector<Node*> pending{&root_};
    while (!pending.empty()) {
        Node* node = pending.back();
        pending.pop_back();
        std::sort(node->children.begin(), node->children.end(),
                  [](const Node& a, const Node& b) { return a.key < b.key; });
        for (Node& child : node->children) pending.push_back(&child);
    }
}

void EventJsonWriter::write(const Event& event, std::string& out,
                            std::span<const std::string> extras) const {
    out += '{';
    write_members(root_, event, out, extras);
    out += '}';
}

bool EventJsonWriter::write_members(const Node& object, const Event& event, std::string& out,
                                    std::span<const std::string> extras) const {
    bool wrote_any = false;
    for (const Node& child : object.children) {
        const std::size_t mark = out.size();
        out += wrote_any ? ",\"" : "\"";
        out += child.key;  // ECS names: plain ASCII, nothing to escape
        out += "\":";
        bool wrote = true;
        if (child.extra && *child.extra < extras.size() && !extras[*child.extra].empty()) {
            out += extras[*child.extra];
        } else if (!child.field && !child.children.empty()) {
            out += '{';
            wrote = write_members(child, event, out, extras);
            out += '}';
        } else if (!child.field) {
            wrote = false;  // an extra member not given this time
        } else {
            const FieldValue value = get_field(event, *child.field);
            switch (value.kind) {
                case FieldValue::Kind::Missing:
                    wrote = false;
                    break;
                case FieldValue::Kind::String:
                    append_json_string(out, value.text);
                    break;
                case FieldValue::Kind::Integer:
                    if (field_info(*child.field).type == FieldType::Date) {
                        append_json_string(out, format_timestamp(value.integer));
                    } else {
                        out += DecimalText(value.integer).view();
                    }
                    break;
                case FieldValue::Kind::Boolean:
                    out += value.boolean ? "true" : "false";
                    break;
                case FieldValue::Kind::StringList:
                    out += '[';
                    for (std::size_t i = 0; i < value.list.size(); ++i) {
                        if (i > 0) out += ',';
                        append_json_string(out, value.list[i]);
                    }
                    out += ']';
                    break;
            }
        }
        if (wrote) {
            wrote_any = true;
        } else {
            out.resize(mark);
        }
    }
    return wrote_any;
}

}  // namespace ecs
