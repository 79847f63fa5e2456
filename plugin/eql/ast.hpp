// The syntax tree of one EQL event query, as the parser builds it and the compiler reads it.
// Nodes own their children through std::unique_ptr inside a std::variant; every node records
// where it starts (line:column) and the byte range of its source text (for errors and --explain).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "eql/error.hpp"

namespace eql::ast {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// null, true/false, a whole number, a decimal number or a string.
struct Literal {
    std::variant<std::monostate, bool, int64_t, double, std::string> value;
};

// A dotted field name; `optional` is the leading ? (missing from the schema means null).
struct Field {
    std::string name;
    bool optional = false;
};

enum class UnaryOp : uint8_t { Not, Negate, Plus };
struct Unary {
    UnaryOp op;
    ExprPtr operand;
};

// `and` / `or` chains are kept flat (n-ary) so long rules do not make deep trees.
enum class LogicalOp : uint8_t { And, Or };
struct Logical {
    LogicalOp op;
    std::vector<ExprPtr> operands;
};

enum class CompareOp : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };
struct Comparison {
    CompareOp op;
    ExprPtr lhs;
    ExprPtr rhs;
};

enum class ArithOp : uint8_t { Add, Sub, Mul, Div, Mod };
struct Arithmetic {
    ArithOp op;
    ExprPtr lhs;
    ExprPtr rhs;
};

// value [not] in[~] (item, ...)
struct InList {
    ExprPtr value;
    std::vector<ExprPtr> items;
    bool negated = false;
    bool insensitive = false;
};

// value : / like / like~ / regex / regex~ followed by one constant or a parenthesised list.
enum class MatchOp : uint8_t { Colon, Like, LikeInsensitive, Regex, RegexInsensitive };
struct Match {
    MatchOp op;
    ExprPtr value;
    std::vector<ExprPtr> patterns;  // Literal nodes
};

// name(args) or name~(args)
struct Call {
    std::string name;
    bool insensitive = false;
    std::vector<ExprPtr> args;
};

struct Expr {
    std::variant<Literal, Field, Unary, Logical, Comparison, Arithmetic, InList, Match, Call> node;
    Position pos;        // where the node's text starts
    uint32_t begin = 0;  // byte range of the node's text in the query
    uint32_t end = 0;
    uint32_t depth = 1;  // height of the subtree, bounded by the parser

    template <typename T>
    static ExprPtr create(T node, Position pos, uint32_t begin, uint32_t end) {
        auto e = std::make_unique<Expr>();
        e->node = std::move(node);
        e->pos = pos;
        e->begin = begin;
        e->end = end;
        e->depth = 1 + e->child_depth();
        return e;
    }

    template <typename T>
    const T* as() const noexcept {
        return std::get_if<T>(&node);
    }

  private:
    // Not noexcept: std::visit may throw bad_variant_access (create() may throw anyway).
    uint32_t child_depth() const;
};

// The whole statement: `<category> where <condition>`.
struct Query {
    std::string category;  // "process", or "any" for `any where`
    Position category_pos;
    ExprPtr condition;
};

// One bracketed query of a sequence or sample: `[category where condition] by k1, k2 with runs=N`,
// or a missing event `![...]` (no matching event may fall between its neighbours).
struct Stage {
    Query query;
    std::vector<ExprPtr> keys;  // the stage's own `by` expressions, matched by position
    int64_t runs = 1;
    bool missing = false;
    Position pos;  // the opening bracket
};

// `sequence [by ...] [with maxspan=N] stage stage... [until stage]` or `sample [by ...] stage...`.
struct Sequence {
    bool sample = false;
    std::vector<ExprPtr> keys;  // `sequence by` / `sample by`: shared by every stage, first
    std::optional<int64_t> maxspan_ms;
    std::vector<Stage> stages;
    std::optional<Stage> until;
    Position pos;
};

// What a rule's query is: one event query, or a sequence or sample of them.
using Statement = std::variant<Query, Sequence>;

// Deep structural equality (positions ignored): the parser tests compare trees with it.
bool equal(const Expr& a, const Expr& b);
// A compact S-expression, e.g. (and (== process.name "ls") (not (in process.args "-a"))).
std::string dump(const Expr& e);

}  // namespace eql::ast
