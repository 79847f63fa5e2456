// CompiledQuery: owns the compiled Program and answers matches / required_values / explain.
#include "eql/query.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "eql/compiler.hpp"
#include "eql/evaluator.hpp"

namespace eql {
namespace {

using ValueSet = std::optional<std::set<std::string>>;

bool is_list_field(ecs::FieldId id) {
    return ecs::field_info(id).type == ecs::FieldType::StringList;
}

std::string folded(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

// The values `field` must take for `n` to be true; nullopt when `n` does not pin it down.
// With `fold`, the values are ASCII-lowered and case-insensitive tests (in~, like~ and `:`
// without wildcards) pin the field too: the field, lowered, must be one of them.
ValueSet required(const Node& n, ecs::FieldId field, bool fold) {
    auto on_field = [&](const Node& x) {
        return x.query && !x.children.empty() && x.children[0].kind == NodeKind::Field &&
               x.children[0].field == field;
    };
    auto value = [fold](std::string_view text) { return fold ? folded(text) : std::string(text); };
    switch (n.kind) {
        case NodeKind::Const:
            if (n.constant.is_bool() && !n.constant.as_bool()) return std::set<std::string>{};
            return std::nullopt;
        case NodeKind::Compare:
            if (on_field(n) && n.compare == ast::CompareOp::Eq &&
                n.children[1].constant.is_string()) {
                return std::set<std::string>{value(n.children[1].constant.as_string())};
            }
            return std::nullopt;
        case NodeKind::In: {
            if (!on_field(n) || (n.insensitive && !fold)) return std::nullopt;
            std::set<std::string> values;
            for (const Value& v : n.items) {
                if (v.is_string()) {
                    values.emplace(value(v.as_string()));
                } else if (!v.is_null()) {
                    return std::nullopt;
                }
            }
            return values;
        }
        case NodeKind::Like: {
            if (!on_field(n) || (n.insensitive && !fold)) return std::nullopt;
            std::set<std::string> values;
            for (const WildcardPattern& p : n.wildcards) {
                if (!p.is_literal()) return std::nullopt;
                values.insert(value(p.source()));
            }
            return values;
        }
        case NodeKind::And: {
            ValueSet best;
            for (const Node& c : n.children) {
                ValueSet s = required(c, field, fold);
                if (!s) continue;
                if (!best) {
                    best = std::move(s);
                } else if (is_list_field(field)) {
                    // "some element is in A" and "some element is in B" do not intersect.
                    if (s->size() < best->size()) best = std::move(s);
                } else {
                    std::set<std::string> both;
                    std::set_intersection(best->begin(), best->end(), s->begin(), s->end(),
                                          std::inserter(both, both.begin()));
                    best = std::move(both);
                }
            }
            return best;
        }
        case NodeKind::Or: {
            std::set<std::string> all;
            for (const Node& c : n.children) {
                ValueSet s = required(c, field, fold);
                if (!s) return std::nullopt;
                all.insert(s->begin(), s->end());
            }
            return all;
        }
        default:
            return std::nullopt;
    }
}

bool is_leaf(const Node& n) {
    switch (n.kind) {
        case NodeKind::And:
        case NodeKind::Or:
            return false;
        case NodeKind::Not:
            return n.explain_as_leaf;
        default:
            return true;
    }
}

void collect_fields(const Node& n, std::vector<ecs::FieldId>& out) {
    if (n.kind == NodeKind::Field && std::find(out.begin(), out.end(), n.field) == out.end()) {
        out.push_back(n.field);
    }
    for (const Node& c : n.children) collect_fields(c, out);
}

std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    static constexpr std::string_view kHex = "0123456789abcdef";
                    out += "\\u00";
                    out.push_back(kHex[(c >> 4) & 0xF]);
                    out.push_back(kHex[c & 0xF]);
                } else {
                    out.push_back(c);
                }
        }
    }
    return out + "\"";
}

std::string show(const ecs::FieldValue& v) {
    switch (v.kind) {
        case ecs::FieldValue::Kind::Missing:
            return "<missing>";
        case ecs::FieldValue::Kind::String:
            return quoted(v.text);
        case ecs::FieldValue::Kind::Integer:
            return std::to_string(v.integer);
        case ecs::FieldValue::Kind::Boolean:
            return v.boolean ? "true" : "false";
        case ecs::FieldValue::Kind::StringList: {
            std::string s = "[";
            for (std::size_t i = 0; i < v.list.size(); ++i) {
                if (i) s += ", ";
                s += quoted(v.list[i]);
            }
            return s + "]";
        }
    }
    return "?";
}

std::string show(const Value& v) {
    if (v.is_null()) return "null";
    if (v.is_bool()) return v.as_bool() ? "true" : "false";
    return v.is_string() ? quoted(v.as_string()) : to_text(v);
}

void explain_node(const Program& p, const Node& n, const ecs::Event& event,
                  std::vector<std::string>& out) {
    if (!is_leaf(n)) {
        for (const Node& c : n.children) explain_node(p, c, event, out);
        return;
    }
    std::string line(std::string_view(p.text).substr(n.begin, n.end - n.begin));
    std::vector<ecs::FieldId> fields;
    collect_fields(n, fields);
    if (!fields.empty()) {
        line += "  [";
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i) line += ", ";
            line += std::string(ecs::field_info(fields[i]).name) + "=" +
                    show(ecs::get_field(event, fields[i]));
        }
        line += "]";
    }
    line += "  => " + show(evaluate(n, event));
    out.push_back(std::move(line));
}

}  // namespace

CompiledQuery::CompiledQuery(std::unique_ptr<Program> program) : program_(std::move(program)) {}
CompiledQuery::CompiledQuery(CompiledQuery&&) noexcept = default;
CompiledQuery& CompiledQuery::operator=(CompiledQuery&&) noexcept = default;
CompiledQuery::~CompiledQuery() = default;

CompiledQuery CompiledQuery::compile(std::string_view query_text) {
    return CompiledQuery(compile_program(query_text));
}

bool CompiledQuery::matches(const ecs::Event& event) const noexcept {
    return program_ && eql::matches(*program_, event);
}

std::string_view CompiledQuery::category() const noexcept {
    return program_ ? std::string_view(program_->category) : std::string_view();
}

std::optional<std::vector<std::string>> CompiledQuery::required_values(ecs::FieldId field) const {
    if (!program_) return std::nullopt;
    ValueSet s = required(program_->root, field, false);
    if (!s) return std::nullopt;
    return std::vector<std::string>(s->begin(), s->end());
}

std::optional<std::vector<std::string>> CompiledQuery::required_folded_values(
    ecs::FieldId field) const {
    if (!program_) return std::nullopt;
    ValueSet s = required(program_->root, field, true);
    if (!s) return std::nullopt;
    return std::vector<std::string>(s->begin(), s->end());
}

std::vector<std::string> CompiledQuery::explain(const ecs::Event& event) const {
    std::vector<std::string> out;
    if (!program_) return out;
    if (program_->category != "any") {
        const bool ok = std::find(event.category.begin(), event.category.end(),
                                  program_->category) != event.category.end();
        std::string line = program_->category + " where ...  [event.category=" +
                           show(ecs::get_field(event, ecs::FieldId::EventCategory)) + "]  => " +
                           (ok ? "true" : "false");
        out.push_back(std::move(line));
    }
    explain_node(*program_, program_->root, event, out);
    return out;
}

std::vector<ecs::FieldId> CompiledQuery::fields() const {
    std::vector<ecs::FieldId> out;
    if (program_) collect_fields(program_->root, out);
    std::sort(out.begin(), out.end());
    return out;
}

std::string_view CompiledQuery::text() const noexcept {
    return program_ ? std::string_view(program_->text) : std::string_view();
}

}  // namespace eql
