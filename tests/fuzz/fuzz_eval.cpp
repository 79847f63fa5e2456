// fuzz_eval: the detection path with a fixed rule set. Audit text -> AuditReader ->
// ProcessTable -> RuleSet (the shipped rules/*.toml, plus the upstream Linux rules when
// ../shared/rules-upstream/linux is there) -> alert document -> JSON alert. Checks: the rule
// index agrees with a brute-force run of every rule, and every alert is one line of valid JSON.
//
// Input: audit text, as is.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "alert/alert.hpp"
#include "alert/format.hpp"
#include "audit/reader.hpp"
#include "engine/rule_loader.hpp"
#include "engine/rule_set.hpp"
#include "fuzz_input.hpp"
#include "process/process_table.hpp"

namespace {

const engine::RuleSet& rules() {
    static const engine::RuleSet set = [] {
        std::vector<std::string> paths{AUDISP_SOURCE_DIR "/rules"};
        const std::string upstream = AUDISP_SHARED_DIR "/rules-upstream/linux";
        if (std::filesystem::is_directory(upstream)) paths.push_back(upstream);
        engine::LoadResult loaded = engine::load_rules(paths);
        if (loaded.rules.empty()) {
            std::fprintf(stderr, "fuzz_eval: no rules loaded from %s\n", paths[0].c_str());
            std::abort();
        }
        return engine::RuleSet(std::move(loaded.rules));
    }();
    return set;
}

void evaluate(const ecs::Event& event) {
    const engine::RuleSet& set = rules();
    std::vector<const engine::LoadedRule*> indexed;
    set.match(event, [&](const engine::LoadedRule& rule) { indexed.push_back(&rule); });
    std::vector<const engine::LoadedRule*> all;
    for (const engine::LoadedRule& rule : set.rules()) {
        const bool matched = rule.query.matches(event);
        fuzz::check(matched == rule.query.matches_by_value(event),
                    "the boolean fast path and plain evaluation agree", rule.info.name);
        if (matched) all.push_back(&rule);
    }
    fuzz::check(indexed == all, "the name index selects exactly the rules that match",
                event.process.name.value_or("(no name)"));
    for (const engine::LoadedRule* rule : indexed) {
        const alert::Alert alert =
            alert::Alert::make(std::make_shared<const ecs::Event>(event),
                               std::make_shared<const engine::RuleInfo>(rule->info));
        const alert::Formatted json = alert::format_json(alert, 4096);
        fuzz::check(json.line.size() <= 4096, "alert JSON within its limit");
        const auto parsed = nlohmann::json::parse(json.line, nullptr, false);
        fuzz::check(!parsed.is_discarded(), "alert JSON parses back", json.line);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    process::ProcessTable table(process::TableOptions{64});
    audit::ReaderOptions options;
    options.builder.include_failed = true;
    audit::AuditReader reader(options, [&](ecs::Event&& event) {
        table.apply(event);
        evaluate(event);
    });
    reader.feed(text);
    reader.finish();
    return 0;
}
