#include "engine/rule_loader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "engine/rule_guides.hpp"
#include "util/file_text.hpp"

namespace engine {
namespace {

namespace fs = std::filesystem;

std::string position_text(const toml::source_region& where) {
    std::ostringstream out;
    out << "line " << where.begin.line << ", column " << where.begin.column;
    return out.str();
}

// A required string key of [rule]; throws a message naming the key.
std::string required_string(const toml::table& rule, std::string_view key) {
    const auto* node = rule.get(key);
    if (node == nullptr) throw std::invalid_argument("missing key rule." + std::string(key));
    if (const auto* text = node->as_string()) return text->get();
    throw std::invalid_argument("rule." + std::string(key) + " must be a string (" +
                                position_text(node->source()) + ")");
}

std::string optional_string(const toml::table& table, std::string_view key) {
    if (const auto* text = table.get_as<std::string>(key)) return text->get();
    return {};
}

std::vector<std::string> string_list(const toml::table& table, std::string_view key) {
    std::vector<std::string> items;
    if (const auto* array = table.get_as<toml::array>(key)) {
        for (const auto& node : *array) {
            if (const auto* text = node.as_string()) items.push_back(text->get());
        }
    }
    return items;
}

ThreatRef threat_ref(const toml::table* table) {
    ThreatRef ref;
    if (table != nullptr) {
        ref.id = optional_string(*table, "id");
        ref.name = optional_string(*table, "name");
        ref.reference = optional_string(*table, "reference");
    }
    return ref;
}

std::vector<Threat> threats_of(const toml::table& rule) {
    std::vector<Threat> threats;
    const auto* array = rule.get_as<toml::array>("threat");
    if (array == nullptr) return threats;
    for (const auto& node : *array) {
        const auto* entry = node.as_table();
        if (entry == nullptr) continue;
        Threat threat;
        threat.framework = optional_string(*entry, "framework");
        threat.tactic = threat_ref(entry->get_as<toml::table>("tactic"));
        if (const auto* techniques = entry->get_as<toml::array>("technique")) {
            for (const auto& technique_node : *techniques) {
                const auto* technique = technique_node.as_table();
                if (technique == nullptr) continue;
                ThreatTechnique item{threat_ref(technique), {}};
                if (const auto* subs = technique->get_as<toml::array>("subtechnique")) {
                    for (const auto& sub : *subs)
                        item.subtechniques.push_back(threat_ref(sub.as_table()));
                }
                threat.techniques.push_back(std::move(item));
            }
        }
        threats.push_back(std::move(threat));
    }
    return threats;
}

// Reads [rule]; never `note` or `setup`, which without_rule_guides() has emptied.
RuleInfo rule_info(const toml::table& document, const std::string& file) {
    const auto* rule = document.get_as<toml::table>("rule");
    if (rule == nullptr) throw std::invalid_argument("missing table [rule]");
    RuleInfo info;
    info.file = file;
    info.name = required_string(*rule, "name");
    info.rule_id = required_string(*rule, "rule_id");
    info.description = required_string(*rule, "description");
    info.severity = required_string(*rule, "severity");
    info.type = required_string(*rule, "type");
    info.language = optional_string(*rule, "language");
    info.query = optional_string(*rule, "query");
    const auto* risk = rule->get("risk_score");
    if (risk == nullptr) throw std::invalid_argument("missing key rule.risk_score");
    if (const auto* number = risk->as_integer()) {
        info.risk_score = number->get();
    } else if (const auto* real = risk->as_floating_point()) {
        info.risk_score = static_cast<int64_t>(real->get());
    } else {
        throw std::invalid_argument("rule.risk_score must be a number");
    }
    if (const auto* version = rule->get("version")) {
        if (const auto* number = version->as_integer()) {
            info.version = std::to_string(number->get());
        } else if (const auto* text = version->as_string()) {
            info.version = text->get();
        }
    }
    if (const auto* max_signals = rule->get_as<int64_t>("max_signals")) {
        info.max_signals = max_signals->get();
    }
    info.license = optional_string(*rule, "license");
    info.authors = string_list(*rule, "author");
    info.references = string_list(*rule, "references");
    info.tags = string_list(*rule, "tags");
    info.threats = threats_of(*rule);
    return info;
}

// Valid EQL this plugin does not run is skipped; anything else eql refuses (syntax, types, a
// field that exists neither in ECS nor in what audisp-eql produces: a typo) is a broken rule.
IssueKind classify(const eql::Error& error) {
    return error.kind() == eql::ErrorKind::Unsupported ? IssueKind::Skipped : IssueKind::Failed;
}

FileText read_plain(const fs::path& file) {
    std::optional<std::string> text = util::read_file_text(file);
    if (!text) return {{}, "cannot read"};
    return {std::move(*text), {}};
}

}  // namespace

bool LoadResult::any_failed() const {
    return std::any_of(issues.begin(), issues.end(),
                       [](const LoadIssue& issue) { return issue.kind == IssueKind::Failed; });
}

void load_rule_text(std::string_view text, const std::string& file, LoadResult& result) {
    toml::table document;
    try {
        // The guides are not read: parsing them would be most of the loading time.
        const std::optional<std::string> lean = without_rule_guides(text);
        document = toml::parse(lean ? std::string_view(*lean) : text, file);
    } catch (const toml::parse_error& error) {
        result.issues.push_back({IssueKind::Failed, file, "",
                                 "invalid TOML at " + position_text(error.source()) + ": " +
                                     std::string(error.description())});
        return;
    }
    RuleInfo info;
    try {
        info = rule_info(document, file);
    } catch (const std::invalid_argument& error) {
        result.issues.push_back({IssueKind::Failed, file, "", error.what()});
        return;
    }
    if (info.type != "eql" || (!info.language.empty() && info.language != "eql")) {
        result.issues.push_back({IssueKind::Skipped, file, info.name,
                                 "unsupported rule type '" + info.type + "' (only eql runs here)"});
        return;
    }
    if (info.query.empty()) {
        result.issues.push_back({IssueKind::Failed, file, info.name, "missing key rule.query"});
        return;
    }
    // The same rule twice (rules/ plus an upstream copy) would raise every alert twice.
    const auto loaded_from = [&]() -> const std::string* {
        for (const LoadedRule& loaded : result.rules) {
            if (loaded.info.rule_id == info.rule_id) return &loaded.info.file;
        }
        for (const LoadedSequence& loaded : result.sequences) {
            if (loaded.info.rule_id == info.rule_id) return &loaded.info.file;
        }
        return nullptr;
    }();
    if (loaded_from != nullptr) {
        result.issues.push_back(
            {IssueKind::Skipped, file, info.name,
             "duplicate rule_id " + info.rule_id + ", already loaded from " + *loaded_from});
        return;
    }
    try {
        if (eql::CompiledSequence::is_sequence_text(info.query)) {
            eql::CompiledSequence sequence = eql::CompiledSequence::compile(info.query);
            result.sequences.push_back({std::move(info), std::move(sequence)});
            return;
        }
        eql::CompiledQuery query = eql::CompiledQuery::compile(info.query);
        result.rules.push_back({std::move(info), std::move(query)});
    } catch (const eql::Error& error) {
        // eql positions count from the query's first line; the message says so.
        result.issues.push_back(
            {classify(error), file, info.name, std::string("query: ") + error.what()});
    }
}

LoadResult load_rules(const std::vector<std::string>& paths, const ReadRuleFile& read) {
    LoadResult result;
    for (const std::string& path : paths) {
        std::error_code error;
        std::vector<fs::path> files;
        if (fs::is_directory(path, error)) {
            for (const auto& entry : fs::directory_iterator(path, error)) {
                // The error_code form: a symlink loop is a rule file that cannot be read, not
                // an exception out of the loader.
                std::error_code kind_error;
                if (entry.path().extension() != ".toml") continue;
                if (entry.is_regular_file(kind_error)) {
                    files.push_back(entry.path());
                } else if (kind_error) {
                    result.issues.push_back({IssueKind::Failed, entry.path().string(), "",
                                             "cannot read: " + kind_error.message()});
                }
            }
            std::sort(files.begin(), files.end());
        } else if (fs::exists(path, error)) {
            files.emplace_back(path);
        } else {
            result.issues.push_back({IssueKind::Failed, path, "", "no such file or folder"});
            continue;
        }
        for (const fs::path& file : files) {
            const FileText text = read ? read(file.string()) : read_plain(file);
            if (!text.problem.empty()) {
                result.issues.push_back({IssueKind::Failed, file.string(), "", text.problem});
                continue;
            }
            load_rule_text(text.text, file.string(), result);
        }
    }
    return result;
}

}  // namespace engine
