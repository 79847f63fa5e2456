// Compiles a sequence or sample: checks what Elasticsearch's verifier checks (at least two
// stages, the same number of join keys everywhere, maxspan where missing events need a window)
// and compiles each stage's query against the whole text, so --explain quotes the stage.
#include "eql/sequence.hpp"

#include <algorithm>
#include <utility>

#include "eql/compiler.hpp"
#include "eql/lexer.hpp"
#include "eql/parser.hpp"

namespace eql {
namespace {

// Every non-optional field name the schema lacks, in order of appearance, each once.
void collect_unknown(const ast::Expr& e, std::vector<std::string>& out) {
    if (const auto* field = e.as<ast::Field>()) {
        if (!field->optional && !ecs::field_by_name(field->name) &&
            std::find(out.begin(), out.end(), field->name) == out.end()) {
            out.push_back(field->name);
        }
        return;
    }
    std::visit(
        [&](const auto& node) {
            using T = std::decay_t<decltype(node)>;
            if constexpr (std::is_same_v<T, ast::Unary>) {
                collect_unknown(*node.operand, out);
            } else if constexpr (std::is_same_v<T, ast::Logical>) {
                for (const auto& c : node.operands) collect_unknown(*c, out);
            } else if constexpr (std::is_same_v<T, ast::Comparison> ||
                                 std::is_same_v<T, ast::Arithmetic>) {
                collect_unknown(*node.lhs, out);
                collect_unknown(*node.rhs, out);
            } else if constexpr (std::is_same_v<T, ast::InList>) {
                collect_unknown(*node.value, out);
                for (const auto& c : node.items) collect_unknown(*c, out);
            } else if constexpr (std::is_same_v<T, ast::Match>) {
                collect_unknown(*node.value, out);
            } else if constexpr (std::is_same_v<T, ast::Call>) {
                for (const auto& c : node.args) collect_unknown(*c, out);
            }
        },
        e.node);
}

void collect_unknown(const ast::Stage& stage, std::vector<std::string>& out) {
    for (const auto& key : stage.keys) collect_unknown(*key, out);
    collect_unknown(*stage.query.condition, out);
}

JoinKey join_key(const ast::Expr& e) {
    const auto* field = e.as<ast::Field>();
    JoinKey key;
    key.name = field->name;
    key.optional = field->optional;
    if (const auto id = ecs::field_by_name(field->name)) key.field = *id;
    return key;
}

}  // namespace

bool CompiledSequence::is_sequence_text(std::string_view text) {
    try {
        // The first token only: lexing the whole query here, then again to compile it, was
        // 6% of loading all upstream rules (callgrind).
        const TokenKind kind = first_token(text).kind;
        return kind == TokenKind::Sequence || kind == TokenKind::Sample;
    } catch (const Error&) {
        return false;  // compile() reports the error
    }
}

CompiledSequence CompiledSequence::compile(std::string_view text) {
    ast::Statement statement = parse_statement(text);
    auto* parsed = std::get_if<ast::Sequence>(&statement);
    if (parsed == nullptr) throw Error("not a sequence or sample query", Position{1, 1});
    ast::Sequence& seq = *parsed;

    std::vector<std::string> unknown;
    for (const auto& key : seq.keys) collect_unknown(*key, unknown);
    for (const ast::Stage& stage : seq.stages) collect_unknown(stage, unknown);
    if (seq.until) collect_unknown(*seq.until, unknown);
    if (!unknown.empty()) {
        std::string names;
        for (const std::string& name : unknown) names += (names.empty() ? "" : ", ") + name;
        // As in a single query, a field audisp-eql does not know makes the rule broken.
        throw Error("unknown field(s) this host does not provide: " + names, seq.pos);
    }
    if (seq.stages.size() > kMaxWrittenStages) {
        throw Error("unsupported: more than " + std::to_string(kMaxWrittenStages) + " queries",
                    seq.stages[kMaxWrittenStages].pos, ErrorKind::Unsupported);
    }

    CompiledSequence out;
    out.text_ = std::string(text);
    out.sample_ = seq.sample;
    if (seq.maxspan_ms) out.maxspan_us_ = *seq.maxspan_ms * 1000;

    const std::size_t key_count = seq.stages.front().keys.size();
    auto add_stage = [&](const ast::Stage& stage, std::size_t written) {
        if (stage.keys.size() != key_count) {
            throw Error("inconsistent number of join keys specified; expected [" +
                            std::to_string(key_count + seq.keys.size()) + "] but found [" +
                            std::to_string(stage.keys.size() + seq.keys.size()) + "]",
                        stage.pos);
        }
        out.queries_.push_back(CompiledQuery(compile_event_query(out.text_, stage.query)));
        SequenceStage compiled;
        compiled.query = out.queries_.size() - 1;
        compiled.missing = stage.missing;
        compiled.written = written;
        for (const auto& key : seq.keys) compiled.keys.push_back(join_key(*key));
        for (const auto& key : stage.keys) compiled.keys.push_back(join_key(*key));
        return compiled;
    };
    std::size_t positive = 0;
    for (std::size_t i = 0; i < seq.stages.size(); ++i) {
        const ast::Stage& stage = seq.stages[i];
        if (seq.sample && stage.missing) {
            throw Error("unsupported: missing events ('![') in a sample", stage.pos,
                        ErrorKind::Unsupported);
        }
        const SequenceStage compiled = add_stage(stage, i);
        for (int64_t run = 0; run < stage.runs; ++run) out.stages_.push_back(compiled);
        if (!stage.missing) positive += static_cast<std::size_t>(stage.runs);
    }
    if (seq.until) out.until_ = add_stage(*seq.until, seq.stages.size());

    const char* what = seq.sample ? "a sample" : "a sequence";
    if (out.stages_.size() < 2) {
        throw Error(std::string(what) + " requires a minimum of 2 queries, found [" +
                        std::to_string(out.stages_.size()) + "]",
                    seq.pos);
    }
    if (positive == 0) throw Error("a sequence needs at least one query that is not '!['", seq.pos);
    const bool edge_missing = out.stages_.front().missing || out.stages_.back().missing;
    if (edge_missing && !out.maxspan_us_) {
        throw Error("a missing event ('![') first or last in a sequence needs 'with maxspan'",
                    seq.pos);
    }
    return out;
}

std::vector<ecs::FieldId> CompiledSequence::fields() const {
    std::vector<ecs::FieldId> out;
    auto add = [&out](ecs::FieldId id) {
        if (id != ecs::FieldId::Count_ && std::find(out.begin(), out.end(), id) == out.end()) {
            out.push_back(id);
        }
    };
    for (const CompiledQuery& q : queries_) {
        for (const ecs::FieldId id : q.fields()) add(id);
    }
    for (const SequenceStage& stage : stages_) {
        for (const JoinKey& key : stage.keys) add(key.field);
    }
    if (until_) {
        for (const JoinKey& key : until_->keys) add(key.field);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace eql
