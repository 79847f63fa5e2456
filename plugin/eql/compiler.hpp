// The compile pass: AST -> an immutable tree of checks over ecs::FieldId.
// It resolves field names once (unknown field => eql::Error at the field; an unknown `?field`
// becomes null), checks types as Elasticsearch's verifier does, folds constant sub-expressions,
// precompiles wildcard patterns and RE2 regexes, and marks which predicates Elasticsearch would
// run as Lucene queries ("query leaves": a field against constants) and which as scripts.
// That mark decides null handling; see plugin/eql/SEMANTICS.md ("Missing fields").
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ecs/fields.hpp"
#include "eql/ast.hpp"
#include "eql/functions.hpp"
#include "eql/value.hpp"
#include "eql/wildcard.hpp"

namespace eql {

enum class NodeKind : uint8_t {
    Const,      // constant
    Field,      // field value (script view: an array reads as its first sorted value)
    Not,        // not x: null stays null (script), true/false flip
    And,        // all children true (a null child counts as false, as in a bool query)
    Or,         // any child true
    Compare,    // children[0] <op> children[1]
    IsNull,     // x == null (missing field, empty array)
    IsNotNull,  // x != null
    In,         // children[0] in items (case-insensitive for in~)
    Like,       // children[0] matches any of `wildcards`
    Regex,      // children[0] matches any of `regexes`
    CidrMatch,  // children[0] within any of `cidrs`
    Call,       // function over children
    Arith,      // children[0] <arith> children[1]
    Negate,     // -children[0]
};

// A compiled regex and bytes every text it matches contains (eql::TranslatedRegex): a text
// lacking one is turned away without running RE2.
struct ScreenedRegex {
    std::unique_ptr<RE2> re;
    std::string required_bytes;
};

// Laid out for holds() (evaluator.cpp), which walks every candidate rule's tree per event: the
// first cache line holds all a visit reads to decide an and/or/not node or to reject a query
// leaf (kind, flags, the tested field, children, the equality constant, the length bits); the
// second the byte sets; what is read rarely (on a leaf's slow path, by --explain, by the
// compiler) follows. alignas keeps each node's first line one line (tests/eql/test_compiler.cpp
// pins it).
struct alignas(64) Node {
    // Move-only: a query leaf's `wanted` views a child's constant, which a move of the tree
    // keeps in place (the children's buffer moves whole) but a copy would leave behind.
    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    Node(Node&&) noexcept = default;
    Node& operator=(Node&&) noexcept = default;
    ~Node() = default;

    NodeKind kind = NodeKind::Const;
    Type type = Type::Null;
    // A field tested against constants: evaluated like the Lucene query Elasticsearch would
    // build (any array element may satisfy it; a missing field makes it false, never null).
    bool query = false;
    bool insensitive = false;
    // In whose items are all strings (or null): the strings sorted (ASCII-lowered for in~), so
    // a string value is looked up by binary search instead of compared with every item.
    bool string_items = false;
    // `a != b` and `a not in (...)` compile to Not(...); --explain shows them as one condition.
    bool explain_as_leaf = false;
    ast::CompareOp compare = ast::CompareOp::Eq;
    ast::ArithOp arith = ast::ArithOp::Add;
    Function function = Function::Add;
    ecs::FieldId field = ecs::FieldId::Count_;  // Field: the field read
    // Query leaves: children[0].field, and for `field == "text"` children[1]'s text, copied
    // here so that a test does not read its children's lines (set by the compiler's last pass).
    ecs::FieldId subject = ecs::FieldId::Count_;
    bool equals_text = false;  // a query leaf `field == "text"`: `wanted` is the text
    // In with string items: a bit per item length (bit 63: 63 bytes or more).
    uint64_t item_lengths = 0;
    std::vector<Node> children;
    std::string_view wanted;  // views children[1].constant, which owns the bytes
    // Like: the bytes a matching text can start and end with (both cases of a letter when
    // insensitive; every byte when some pattern starts or ends with a wildcard). Most texts a
    // pattern list cannot match fail on these two bits without running a pattern. In with
    // string items: the items' first bytes (both cases for in~); last_bytes unused.
    ByteSet first_bytes;
    ByteSet last_bytes;
    // Cold: read only once a leaf's screens pass, by --explain, or by the compiler.
    std::vector<std::string> sorted_items;
    std::vector<WildcardPattern> wildcards;
    Value constant;            // Const: owns its string
    std::vector<Value> items;  // In: the constants (owning)
    std::vector<ScreenedRegex> regexes;
    std::vector<std::string> patterns;  // Regex: the source patterns, for explain
    std::vector<Cidr> cidrs;
    Position pos;
    uint32_t begin = 0;  // source text range
    uint32_t end = 0;
};

struct Program {
    std::string text;
    std::string category;  // "process", "file", "network" or "any"
    Node root;
};

// Throws eql::Error.
std::unique_ptr<Program> compile_program(std::string_view text);

// One parsed event query whose node positions point into `text` (a sequence stage: `text` is
// the whole sequence, so --explain quotes the stage's own conditions). Any category name is
// accepted: it is tested against event.category.
std::unique_ptr<Program> compile_event_query(std::string_view text, const ast::Query& query);

}  // namespace eql
