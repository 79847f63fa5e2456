// Reads rule files (toml++) into RuleInfo and compiles their EQL. Every problem is collected
// with its file, so a user fixes a rules folder in one pass; a broken rule never stops the
// others from loading.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/rule.hpp"
#include "eql/query.hpp"
#include "eql/sequence.hpp"

namespace engine {

struct LoadedRule {
    RuleInfo info;
    eql::CompiledQuery query;
};

// A `sequence` or `sample` rule.
struct LoadedSequence {
    RuleInfo info;
    eql::CompiledSequence sequence;
};

enum class IssueKind {
    Failed,   // the file or query is broken: unreadable, bad TOML, missing keys, syntax error,
              // an unknown field (eql::ErrorKind::Invalid)
    Skipped,  // well-formed but not runnable here: another rule type, an event category or
              // construct eql does not run (eql::ErrorKind::Unsupported), a duplicate
};

struct LoadIssue {
    IssueKind kind = IssueKind::Failed;
    std::string file;
    std::string rule_name;  // empty when the file could not be read as a rule
    std::string message;    // with line and column where there is one
};

struct LoadResult {
    std::vector<LoadedRule> rules;
    std::vector<LoadedSequence> sequences;
    std::vector<LoadIssue> issues;
    bool any_failed() const;
};

// Reads one rule file's text, or says why it could not (plugin mode as root reads only files
// that pass the ownership checks, through the checked descriptor: see app/privileges).
struct FileText {
    std::string text;
    std::string problem;  // empty when text was read
};
using ReadRuleFile = std::function<FileText(const std::string& path)>;

// Each path is a rule file or a folder whose *.toml files are read, in name order; each file
// through `read` (a plain read when empty).
LoadResult load_rules(const std::vector<std::string>& paths, const ReadRuleFile& read = {});

// One file's text (exposed for tests); `file` names it in messages.
void load_rule_text(std::string_view text, const std::string& file, LoadResult& result);

}  // namespace engine
