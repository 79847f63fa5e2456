// The public face of the EQL module: compile a rule's query once, then test events against it.
// compile() parses, binds field names to ecs::FieldId and precompiles wildcards and regexes;
// matches() is then a walk over plain data: no name lookups, no exceptions, and no allocation
// unless the query calls a function that builds a string (concat, substring, string, ...).
// Semantics follow Elasticsearch EQL; plugin/eql/SEMANTICS.md describes them with examples.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "ecs/event.hpp"
#include "ecs/fields.hpp"
#include "eql/error.hpp"

namespace eql {

struct Program;  // the compiled tree (compiler.hpp)

// How an index key is compared with a field's value.
enum class KeyMatch : uint8_t { Exact, Prefix, Suffix };

// The longest key index_keys() gives: longer literals are not worth a lookup. The rule index
// relies on it (it folds looked-up values into a buffer of this size).
inline constexpr std::size_t kMaxIndexKeyBytes = 255;

// A test a rule index can look up: the field's value (for an array, any element; ASCII-lowered
// when `folded`) equals, starts with or ends with `key`, at most kMaxIndexKeyBytes long.
struct IndexKey {
    ecs::FieldId field = ecs::FieldId::Count_;
    bool folded = false;
    KeyMatch match = KeyMatch::Exact;
    std::string key;
    bool operator==(const IndexKey&) const = default;
    bool operator<(const IndexKey& other) const {
        return std::tie(field, folded, match, key) <
               std::tie(other.field, other.folded, other.match, other.key);
    }
    // Whether one value of the field passes the test (for checks; the rule index hashes).
    bool holds(std::string_view value) const noexcept;
};

class CompiledQuery {
  public:
    // Throws eql::Error (with line and column) for syntax errors, unknown fields, type errors
    // and constructs we do not support (sequence, sample, pipes, other event categories).
    static CompiledQuery compile(std::string_view query_text);

    CompiledQuery(CompiledQuery&&) noexcept;
    CompiledQuery& operator=(CompiledQuery&&) noexcept;
    ~CompiledQuery();
    CompiledQuery(const CompiledQuery&) = delete;
    CompiledQuery& operator=(const CompiledQuery&) = delete;

    // True when the event satisfies the query (for `process where`, event.category must
    // also contain "process"; likewise "file" and "network").
    bool matches(const ecs::Event& event) const noexcept;
    // matches() without the evaluator's boolean fast path (eql/evaluator.hpp): for the tests
    // and the fuzzer that check the two paths agree.
    bool matches_by_value(const ecs::Event& event) const noexcept;

    // "process", "file", "network" or "any".
    std::string_view category() const noexcept;

    // For rule indexing: tests of which at least one must hold for the query to match, each
    // cheap to look up in a table (see IndexKey). std::nullopt when no such set was found (the
    // rule must run on every event); an empty vector means the query never matches.
    std::optional<std::vector<IndexKey>> index_keys() const;
    // A second such set, from another condition the query's top-level `and` also requires
    // (index_keys() takes the best one): an index that wants a test of each set to hold passes
    // fewer events. Only sets that filter well (not event.type, event.action, users...) are
    // given; std::nullopt when there is none.
    std::optional<std::vector<IndexKey>> second_index_keys() const;
    // The same, restricted to tests of one field (e.g. the file.path tests of which one must
    // hold: where --print-audit-rules puts its watches).
    std::optional<std::vector<IndexKey>> required_keys_on(ecs::FieldId field) const;

    // For --explain: one line per leaf condition, in query order, e.g.
    //   process.name == "ufw"  [process.name="ufw"]  => true
    std::vector<std::string> explain(const ecs::Event& event) const;

    // The fields the query reads, each once, in FieldId order.
    std::vector<ecs::FieldId> fields() const;

    // The query text as compiled.
    std::string_view text() const noexcept;

  private:
    friend class CompiledSequence;
    explicit CompiledQuery(std::unique_ptr<Program> program);
    std::unique_ptr<Program> program_;
};

}  // namespace eql
