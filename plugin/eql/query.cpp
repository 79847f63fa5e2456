// CompiledQuery: owns the compiled Program and answers matches / index_keys / explain.
#include "eql/query.hpp"

#include <algorithm>
#include <utility>

#include "eql/compiler.hpp"
#include "eql/evaluator.hpp"
#include "eql/wildcard.hpp"

namespace eql {
namespace {

using Keys = std::optional<std::vector<IndexKey>>;

std::string folded(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

constexpr int kUseless = 4;

// How little a key narrows the events: fields that take a handful of values on every event
// (event.action and .type, users and groups) filter little, nor does a one- or two-byte prefix;
// an array field gives an event many chances to hit a key. Other event.* and host.* fields
// (host.os.type == "linux") filter nothing: a rule with only those runs on every event. Nor do
// network.type/transport/direction; file paths and names filter as well as process names.
// Each field named, not a range of the enum, so that a new field changes no other's rank; a
// field not listed filters as well as a process name.
int field_weakness(ecs::FieldId field) {
    using F = ecs::FieldId;
    switch (field) {
        case F::Timestamp:
        case F::EventKind:
        case F::EventCategory:
        case F::EventOutcome:
        case F::EventModule:
        case F::EventSequence:
        case F::HostName:
        case F::HostId:
        case F::HostHostname:
        case F::HostOsType:
        case F::HostOsKernel:
            return kUseless;
        case F::EventAction:
        case F::EventType:
        case F::ProcessUserId:
        case F::ProcessUserName:
        case F::ProcessGroupId:
        case F::ProcessGroupName:
        case F::ProcessRealUserId:
        case F::ProcessRealUserName:
        case F::ProcessRealGroupId:
        case F::ProcessRealGroupName:
        case F::ProcessSavedUserId:
        case F::ProcessSavedUserName:
        case F::ProcessSavedGroupId:
        case F::ProcessSavedGroupName:
        case F::ParentUserId:
        case F::ParentUserName:
        case F::ParentGroupId:
        case F::ParentGroupName:
        case F::UserId:
        case F::UserName:
        case F::UserEffectiveId:
        case F::UserEffectiveName:
        case F::UserExtRealId:
        case F::UserExtRealName:
        case F::GroupId:
        case F::GroupName:
        case F::GroupExtRealId:
        case F::GroupExtRealName:
        case F::AuditdDataSyscall:
        case F::AuditdDataArch:
        case F::AuditdArgsSource:
        case F::NetworkTransport:
        case F::NetworkType:
        case F::NetworkDirection:
            return 3;
        // An extension ("sh", "so", "conf") is shared by many files: weaker than a path or name.
        case F::FileExtension:
        case F::FileExtOriginalExtension:
            return 2;
        default:
            return 0;
    }
}

int weakness(const IndexKey& k) {
    if (const int weak = field_weakness(k.field); weak > 0) return weak;
    if (k.match != KeyMatch::Exact && k.key.size() < 3) return 2;
    if (ecs::field_info(k.field).type == ecs::FieldType::StringList) return 1;
    return 0;
}

// Smaller is a better filter: its weakest key first, then its number of keys.
std::pair<int, std::size_t> cost(const std::vector<IndexKey>& keys) {
    int worst = 0;
    for (const IndexKey& k : keys) worst = std::max(worst, weakness(k));
    return {worst, keys.size()};
}

// One key for each wildcard pattern: exact when it has no wildcard, else its literal prefix,
// else its literal suffix; nullopt when some pattern has neither (e.g. "*curl*").
Keys like_keys(const Node& n, ecs::FieldId field) {
    std::vector<IndexKey> keys;
    for (const WildcardPattern& p : n.wildcards) {
        IndexKey k{field, n.insensitive, KeyMatch::Exact, {}};
        if (p.is_literal()) {
            k.key = n.insensitive ? folded(p.source()) : p.source();
        } else if (!p.literal_prefix().empty()) {
            k.match = KeyMatch::Prefix;
            k.key = p.literal_prefix();
        } else if (!p.literal_suffix().empty()) {
            k.match = KeyMatch::Suffix;
            k.key = p.literal_suffix();
        } else {
            return std::nullopt;
        }
        keys.push_back(std::move(k));
    }
    return keys;
}

// Tests of which one must hold for `n` to be true (see CompiledQuery::index_keys); with ONLY,
// tests on that field alone.
Keys required_keys(const Node& n, std::optional<ecs::FieldId> only = std::nullopt) {
    const bool on_field = n.query && !n.children.empty() && n.children[0].kind == NodeKind::Field &&
                          (!only || n.children[0].field == *only);
    const ecs::FieldId field = on_field ? n.children[0].field : ecs::FieldId::Count_;
    Keys keys;
    switch (n.kind) {
        case NodeKind::Const:
            if (n.constant.is_bool() && !n.constant.as_bool()) return std::vector<IndexKey>{};
            return std::nullopt;
        case NodeKind::Compare:
            if (!on_field || n.compare != ast::CompareOp::Eq ||
                !n.children[1].constant.is_string()) {
                return std::nullopt;
            }
            keys = std::vector<IndexKey>{{field, n.insensitive, KeyMatch::Exact,
                                          n.insensitive
                                              ? folded(n.children[1].constant.as_string())
                                              : std::string(n.children[1].constant.as_string())}};
            break;
        case NodeKind::In:
            if (!on_field) return std::nullopt;
            keys.emplace();
            for (const Value& v : n.items) {
                if (v.is_null()) continue;  // a null item matches no present value
                if (!v.is_string()) return std::nullopt;
                const std::string_view text = v.as_string();
                keys->push_back({field, n.insensitive, KeyMatch::Exact,
                                 n.insensitive ? folded(text) : std::string(text)});
            }
            break;
        case NodeKind::Like:
            if (!on_field) return std::nullopt;
            keys = like_keys(n, field);
            break;
        case NodeKind::And:
            // Every child must hold: any one child's keys will do; take the best filter.
            for (const Node& c : n.children) {
                Keys child = required_keys(c, only);
                if (child && (!keys || cost(*child) < cost(*keys))) keys = std::move(child);
            }
            break;
        case NodeKind::Or:
            // Some child holds: it needs one of its own keys, so all of them together.
            keys.emplace();
            for (const Node& c : n.children) {
                Keys child = required_keys(c, only);
                if (!child) return std::nullopt;
                keys->insert(keys->end(), child->begin(), child->end());
            }
            break;
        default:
            return std::nullopt;
    }
    if (!keys) return std::nullopt;
    for (const IndexKey& k : *keys) {
        if (k.key.size() > kMaxIndexKeyBytes) return std::nullopt;
    }
    std::sort(keys->begin(), keys->end());
    keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
    return keys;
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

bool CompiledQuery::matches_by_value(const ecs::Event& event) const noexcept {
    return program_ && eql::matches_by_value(*program_, event);
}

std::string_view CompiledQuery::category() const noexcept {
    return program_ ? std::string_view(program_->category) : std::string_view();
}

bool IndexKey::holds(std::string_view value) const noexcept {
    if (value.size() < key.size()) return false;
    if (match == KeyMatch::Exact && value.size() != key.size()) return false;
    const std::string_view slice = match == KeyMatch::Suffix
                                       ? value.substr(value.size() - key.size())
                                       : value.substr(0, key.size());
    return std::equal(slice.begin(), slice.end(), key.begin(),
                      [this](char a, char b) { return (folded ? ascii_lower(a) : a) == b; });
}

std::optional<std::vector<IndexKey>> CompiledQuery::index_keys() const {
    if (!program_) return std::nullopt;
    Keys keys = required_keys(program_->root);
    if (keys && cost(*keys).first == kUseless) return std::nullopt;
    return keys;
}

std::optional<std::vector<IndexKey>> CompiledQuery::second_index_keys() const {
    const Keys first = index_keys();
    if (!first || first->empty() || program_->root.kind != NodeKind::And) return std::nullopt;
    constexpr int kWeakestSecond = 1;  // a second lookup is not worth it for a weaker set
    Keys best;
    for (const Node& c : program_->root.children) {
        Keys child = required_keys(c);
        if (!child || child->empty() || *child == *first) continue;
        if (cost(*child).first > kWeakestSecond) continue;
        if (!best || cost(*child) < cost(*best)) best = std::move(child);
    }
    return best;
}

std::optional<std::vector<IndexKey>> CompiledQuery::required_keys_on(ecs::FieldId field) const {
    if (!program_) return std::nullopt;
    return required_keys(program_->root, field);
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
