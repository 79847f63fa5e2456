// The EQL function library (Elasticsearch's EQL function reference) and the value operations
// shared by the evaluator: comparisons, arithmetic and case-folding string tests.
// Every function returns null when a required argument is null; runtime failures that make
// Elasticsearch fail the whole search (division by zero, overflow, unparsable numbers) make
// the value null here instead, because matching one event must never throw.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eql/ast.hpp"
#include "eql/value.hpp"

namespace eql {

enum class Function : uint8_t {
    Add,
    Between,
    CidrMatch,
    Concat,
    Divide,
    EndsWith,
    IndexOf,
    Length,
    Modulo,
    Multiply,
    Number,
    StartsWith,
    String,
    StringContains,
    Substring,
    Subtract,
    Wildcard,
};

// The static type of an expression, as the compiler checks it (Elasticsearch data types).
enum class Type : uint8_t { Null, Boolean, Integer, Double, Keyword, Date };
std::string_view type_name(Type t) noexcept;

struct FunctionInfo {
    std::string_view name;  // canonical spelling, e.g. "startsWith"
    Function id;
    uint8_t min_args;
    uint8_t max_args;           // 255: variadic
    bool has_insensitive_form;  // name~() exists
};

// Case-insensitive lookup (Elasticsearch resolves function names ignoring case).
const FunctionInfo* find_function(std::string_view name) noexcept;

// Evaluates a function whose arguments are all values (CidrMatch and Wildcard are evaluated by
// the evaluator with their precompiled constants and are not handled here).
Value call_function(Function f, bool insensitive, std::span<const Value> args);

// Comparison of two non-null values of compatible types; null when they cannot be compared.
Value compare_values(ast::CompareOp op, const Value& a, const Value& b) noexcept;
// Java-style arithmetic: int op int stays integer (truncating division), overflow and
// division by zero give null.
Value arithmetic(ast::ArithOp op, const Value& a, const Value& b) noexcept;
Value negate(const Value& a) noexcept;

// ASCII case folding (see SEMANTICS.md: non-ASCII letters compare as they are).
bool equals_folded(std::string_view a, std::string_view b) noexcept;
bool starts_with(std::string_view s, std::string_view prefix, bool insensitive) noexcept;
bool ends_with(std::string_view s, std::string_view suffix, bool insensitive) noexcept;
// stringContains: an empty substring is never contained (function reference).
bool contains(std::string_view s, std::string_view sub, bool insensitive) noexcept;

// How string() and concat() print numbers: like Java's Double.toString / Long.toString.
std::string to_text(const Value& v);

// An IPv4 or IPv6 network for cidrMatch.
struct Cidr {
    uint8_t bytes[16] = {};
    bool v6 = false;
    int prefix = 0;
};
std::optional<Cidr> parse_cidr(std::string_view text) noexcept;
bool cidr_contains(const Cidr& net, std::string_view address) noexcept;

}  // namespace eql
