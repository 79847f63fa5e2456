// Tree-walking evaluator. No name lookups (fields are FieldIds), no exceptions out of matches().
#include "eql/evaluator.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "eql/functions.hpp"

namespace eql {
namespace {

// Calls `test(element)` on the field's value(s) as a Lucene query sees them: one value for a
// scalar, each element for an array; false for a missing field.
template <typename Test>
bool any_value(const ecs::FieldValue& fv, Test&& test) {
    switch (fv.kind) {
        case ecs::FieldValue::Kind::Missing:
            return false;
        case ecs::FieldValue::Kind::String:
            return test(Value::view(fv.text));
        case ecs::FieldValue::Kind::Integer:
            return test(Value::integer(fv.integer));
        case ecs::FieldValue::Kind::Boolean:
            return test(Value::boolean(fv.boolean));
        case ecs::FieldValue::Kind::StringList:
            for (const std::string& s : fv.list) {
                if (test(Value::view(s))) return true;
            }
            return false;
    }
    return false;
}

bool in_items(const Node& n, const Value& v) {
    if (n.string_items && v.is_string()) {
        const std::string_view s = v.as_string();
        if ((n.item_lengths & (uint64_t{1} << std::min<std::size_t>(s.size(), 63))) == 0) {
            return false;
        }
        if (!s.empty() && !n.first_bytes.has(s.front())) return false;
        if (!n.insensitive) {
            return std::binary_search(n.sorted_items.begin(), n.sorted_items.end(), s,
                                      std::less<>());
        }
        std::array<char, 256> folded{};
        if (s.size() <= folded.size()) {
            std::transform(s.begin(), s.end(), folded.begin(), ascii_lower);
            return std::binary_search(n.sorted_items.begin(), n.sorted_items.end(),
                                      std::string_view(folded.data(), s.size()), std::less<>());
        }
    }
    for (const Value& item : n.items) {
        if (item.is_null()) continue;
        if (n.insensitive) {
            if (v.is_string() && item.is_string() &&
                equals_folded(v.as_string(), item.as_string())) {
                return true;
            }
        } else if (compare_values(ast::CompareOp::Eq, v, item).is_true()) {
            return true;
        }
    }
    return false;
}

// Longer texts are matched unfolded (each pattern folds as it compares).
constexpr std::size_t kMaxFoldedBytes = 4096;

bool like(const Node& n, const Value& v) {
    if (!v.is_string()) return false;
    const std::string_view s = v.as_string();
    if (!s.empty() && (!n.first_bytes.has(s.front()) || !n.last_bytes.has(s.back()))) {
        return false;
    }
    if (n.insensitive && n.wildcards.size() > 1 && s.size() <= kMaxFoldedBytes) {
        // Folded once here rather than byte by byte in every pattern (like~ and `:` lists are
        // long; each pattern may compare most of a command line). One pattern alone mostly
        // looks at a few bytes its memchr finds: folding the whole text would cost more.
        std::array<char, kMaxFoldedBytes>
            folded;  // NOLINT(cppcoreguidelines-pro-type-member-init): written first
        std::transform(s.begin(), s.end(), folded.begin(), ascii_lower);
        const std::string_view f(folded.data(), s.size());
        return std::any_of(n.wildcards.begin(), n.wildcards.end(),
                           [s, f](const WildcardPattern& p) {
                               return p.case_insensitive() ? p.matches_folded(f) : p.matches(s);
                           });
    }
    return std::any_of(n.wildcards.begin(), n.wildcards.end(),
                       [s](const WildcardPattern& p) { return p.matches(s); });
}

bool contains_all(std::string_view text, std::string_view bytes) noexcept {
    return std::all_of(bytes.begin(), bytes.end(), [text](char c) {
        return std::memchr(text.data(), c, text.size()) != nullptr;
    });
}

bool regex(const Node& n, const Value& v) {
    if (!v.is_string()) return false;
    const std::string_view s = v.as_string();
    const re2::StringPiece piece(s.data(), s.size());
    // Most texts lack a byte the pattern requires (a command line without ':'): no RE2 run.
    return std::any_of(n.regexes.begin(), n.regexes.end(), [s, &piece](const ScreenedRegex& r) {
        return contains_all(s, r.required_bytes) && RE2::FullMatch(piece, *r.re);
    });
}

bool cidr(const Node& n, const Value& v) {
    if (!v.is_string()) return false;
    const std::string_view s = v.as_string();
    return std::any_of(n.cidrs.begin(), n.cidrs.end(),
                       [s](const Cidr& c) { return cidr_contains(c, s); });
}

bool field_is_null(const ecs::FieldValue& fv) noexcept {
    return fv.missing() || (fv.kind == ecs::FieldValue::Kind::StringList && fv.list.empty());
}

// A predicate over one value, in query form (field, any element) or script form (null in,
// null out).
template <typename Test>
Value predicate(const Node& n, const ecs::Event& event, Test&& test) {
    if (n.query) return Value::boolean(any_value(ecs::get_field(event, n.subject), test));
    const Value v = evaluate(n.children.front(), event);
    if (v.is_null()) return Value::null();
    return Value::boolean(test(v));
}

Value call(const Node& n, const ecs::Event& event) {
    std::array<Value, 8> small;
    std::vector<Value> large;
    std::span<Value> args;
    if (n.children.size() <= small.size()) {
        args = std::span<Value>(small.data(), n.children.size());
    } else {
        large.resize(n.children.size());
        args = std::span<Value>(large);
    }
    for (std::size_t i = 0; i < n.children.size(); ++i) args[i] = evaluate(n.children[i], event);
    return call_function(n.function, n.insensitive, args);
}

// Whether `n` always evaluates to true or false, never null: query leaves and the boolean
// connectives (which count a null child as false).
bool never_null(const Node& n) noexcept {
    switch (n.kind) {
        case NodeKind::And:
        case NodeKind::Or:
        case NodeKind::IsNull:
        case NodeKind::IsNotNull:
            return true;
        case NodeKind::Compare:
        case NodeKind::In:
        case NodeKind::Like:
        case NodeKind::Regex:
        case NodeKind::CidrMatch:
            return n.query;
        case NodeKind::Not:
            return never_null(n.children.front());
        default:
            return false;
    }
}

// evaluate(n, event).is_true() without building a Value for each node of a condition's
// and/or/not structure and query leaves: the path almost every rule evaluation takes.
bool holds(const Node& n, const ecs::Event& event) {
    switch (n.kind) {
        case NodeKind::And:
            for (const Node& c : n.children) {
                if (!holds(c, event)) return false;
            }
            return true;
        case NodeKind::Or:
            for (const Node& c : n.children) {
                if (holds(c, event)) return true;
            }
            return false;
        case NodeKind::Not:
            // not(null) is null, which does not hold either: only a never-null child flips.
            if (never_null(n.children.front())) return !holds(n.children.front(), event);
            break;
        case NodeKind::Compare:
            if (n.equals_text) {
                const std::string_view wanted = n.wanted;
                return any_value(ecs::get_field(event, n.subject), [wanted](const Value& v) {
                    return v.is_string() && v.as_string() == wanted;
                });
            }
            if (n.query) {
                const Value& rhs = n.children[1].constant;
                return any_value(ecs::get_field(event, n.subject), [&](const Value& v) {
                    return compare_values(n.compare, v, rhs).is_true();
                });
            }
            break;
        case NodeKind::In:
            if (n.query) {
                return any_value(ecs::get_field(event, n.subject),
                                 [&](const Value& v) { return in_items(n, v); });
            }
            break;
        case NodeKind::Like:
            if (n.query) {
                return any_value(ecs::get_field(event, n.subject),
                                 [&](const Value& v) { return like(n, v); });
            }
            break;
        default:
            break;
    }
    return evaluate(n, event).is_true();
}

}  // namespace

Value script_value(const ecs::FieldValue& fv) noexcept {
    switch (fv.kind) {
        case ecs::FieldValue::Kind::Missing:
            return Value::null();
        case ecs::FieldValue::Kind::String:
            return Value::view(fv.text);
        case ecs::FieldValue::Kind::Integer:
            return Value::integer(fv.integer);
        case ecs::FieldValue::Kind::Boolean:
            return Value::boolean(fv.boolean);
        case ecs::FieldValue::Kind::StringList: {
            if (fv.list.empty()) return Value::null();
            return Value::view(*std::min_element(fv.list.begin(), fv.list.end()));
        }
    }
    return Value::null();
}

Value evaluate(const Node& n, const ecs::Event& event) {
    switch (n.kind) {
        case NodeKind::Const:
            return n.constant.borrow();
        case NodeKind::Field:
            return script_value(ecs::get_field(event, n.field));
        case NodeKind::Not: {
            const Value v = evaluate(n.children.front(), event);
            if (!v.is_bool()) return Value::null();
            return Value::boolean(!v.as_bool());
        }
        case NodeKind::And:
            for (const Node& c : n.children) {
                if (!evaluate(c, event).is_true()) return Value::boolean(false);
            }
            return Value::boolean(true);
        case NodeKind::Or:
            for (const Node& c : n.children) {
                if (evaluate(c, event).is_true()) return Value::boolean(true);
            }
            return Value::boolean(false);
        case NodeKind::Compare: {
            const Node& rhs = n.children[1];
            if (n.query) {
                return predicate(n, event, [&](const Value& v) {
                    return compare_values(n.compare, v, rhs.constant).is_true();
                });
            }
            const Value a = evaluate(n.children[0], event);
            const Value b = evaluate(rhs, event);
            if (a.is_null() || b.is_null()) return Value::null();
            return compare_values(n.compare, a, b);
        }
        case NodeKind::IsNull:
        case NodeKind::IsNotNull: {
            const bool is_null = n.query ? field_is_null(ecs::get_field(event, n.subject))
                                         : evaluate(n.children[0], event).is_null();
            return Value::boolean(n.kind == NodeKind::IsNull ? is_null : !is_null);
        }
        case NodeKind::In: {
            if (n.query) return predicate(n, event, [&](const Value& v) { return in_items(n, v); });
            const Value v = evaluate(n.children[0], event);
            if (v.is_null()) return Value::null();
            if (in_items(n, v)) return Value::boolean(true);
            const bool has_null = std::any_of(n.items.begin(), n.items.end(),
                                              [](const Value& i) { return i.is_null(); });
            return has_null ? Value::null() : Value::boolean(false);
        }
        case NodeKind::Like:
            return predicate(n, event, [&](const Value& v) { return like(n, v); });
        case NodeKind::Regex:
            return predicate(n, event, [&](const Value& v) { return regex(n, v); });
        case NodeKind::CidrMatch:
            return predicate(n, event, [&](const Value& v) { return cidr(n, v); });
        case NodeKind::Call:
            return call(n, event);
        case NodeKind::Arith: {
            const Value a = evaluate(n.children[0], event);
            const Value b = evaluate(n.children[1], event);
            return arithmetic(n.arith, a, b);
        }
        case NodeKind::Negate:
            return negate(evaluate(n.children[0], event));
    }
    return Value::null();
}

namespace {

bool in_category(const Program& program, const ecs::Event& event) {
    return program.category == "any" || std::find(event.category.begin(), event.category.end(),
                                                  program.category) != event.category.end();
}

}  // namespace

bool matches(const Program& program, const ecs::Event& event) noexcept {
    try {
        return in_category(program, event) && holds(program.root, event);
    } catch (...) {
        // Only allocation can fail here (string-building functions); an event that cannot be
        // evaluated does not match.
        return false;
    }
}

bool matches_by_value(const Program& program, const ecs::Event& event) noexcept {
    try {
        return in_category(program, event) && evaluate(program.root, event).is_true();
    } catch (...) {
        return false;
    }
}

}  // namespace eql
