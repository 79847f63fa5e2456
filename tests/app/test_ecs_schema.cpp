// Every field audisp-eql writes, on every test stream and the third-party corpus, events and
// alerts alike, checked against ECS's flat field list (tests/data/ecs/) for name and type. A
// field ECS does not define must be in one of the project's documented custom namespaces, and
// the full list of custom fields seen is pinned here, so a new one is a deliberate change.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "alert/alert.hpp"
#include "alert/document.hpp"
#include "alert/format.hpp"
#include "app/pipeline.hpp"
#include "ecs/event_id.hpp"
#include "ecs/fields.hpp"
#include "ecs/json_writer.hpp"
#include "ecs/timestamp.hpp"
#include "engine/alert_document.hpp"
#include "engine/rule_loader.hpp"
#include "offline_test_util.hpp"

namespace test_ecs_schema {

namespace {

namespace fs = std::filesystem;
using offline_test::data;
using offline_test::slurp;

// The ECS release the list comes from (tests/data/ecs/README.md).
constexpr const char* kListVersion = "8.12.0-dev";

// name -> ECS type ("keyword", "long", "date", ...), from the excerpt of ECS's fields.csv.
std::map<std::string, std::string> ecs_fields() {
    std::ifstream in(fs::path(AUDISP_TEST_DATA_DIR) / "ecs" / "fields-excerpt.csv");
    REQUIRE(in);
    std::map<std::string, std::string> fields;
    std::string line;
    std::getline(in, line);
    REQUIRE(line == "Field,Type,Normalization");
    while (std::getline(in, line)) {
        const auto comma = line.find(',');
        REQUIRE(comma != std::string::npos);
        const auto second = line.find(',', comma + 1);
        fields[line.substr(0, comma)] = line.substr(comma + 1, second - comma - 1);
    }
    return fields;
}

// Whether a JSON leaf may be indexed as the ECS type (Elasticsearch takes any field as an
// array of values of its type).
bool fits(const nlohmann::json& value, const std::string& type) {
    if (value.is_array()) {
        for (const auto& item : value) {
            if (!fits(item, type)) return false;
        }
        return true;
    }
    if (type == "keyword" || type == "wildcard" || type == "match_only_text" || type == "ip" ||
        type == "constant_keyword") {
        return value.is_string();
    }
    if (type == "long") return value.is_number_integer();
    if (type == "float") return value.is_number();
    if (type == "boolean") return value.is_boolean();
    if (type == "date") {
        // RFC 3339 in UTC with microseconds, as ecs::format_timestamp writes it.
        if (!value.is_string()) return false;
        const auto& text = value.get_ref<const std::string&>();
        return text.size() == 27 && text[4] == '-' && text[10] == 'T' && text[19] == '.' &&
               text.back() == 'Z';
    }
    return false;
}

// The documented namespaces of fields ECS does not define (README "Fields produced").
bool custom_name(const std::string& name) {
    return name.starts_with("audisp_eql.") || name.starts_with("auditd.") ||
           name.find(".Ext.") != std::string::npos;
}

struct Seen {
    std::map<std::string, std::string> ecs;  // field -> one value, for the failure message
    std::set<std::string> custom;
    std::size_t documents = 0;
};

void walk(const nlohmann::json& node, const std::string& prefix, Seen& seen,
          const std::map<std::string, std::string>& schema) {
    if (node.is_object()) {
        for (const auto& [key, child] : node.items()) {
            std::string path = prefix;
            if (!path.empty()) path += '.';
            path += key;
            walk(child, path, seen, schema);
        }
        return;
    }
    if (custom_name(prefix)) {
        // Custom objects inside arrays (audisp_eql.sequence.events) are listed by their keys.
        if (node.is_array()) {
            for (const auto& item : node) {
                if (item.is_object()) walk(item, prefix, seen, schema);
            }
        }
        seen.custom.insert(prefix);
        return;
    }
    INFO("field " << prefix << " = " << node.dump());
    const auto found = schema.find(prefix);
    CHECK(found != schema.end());
    if (found != schema.end()) CHECK(fits(node, found->second));
    seen.ecs.emplace(prefix, node.dump());
}

void check_document(const nlohmann::json& doc, Seen& seen,
                    const std::map<std::string, std::string>& schema) {
    ++seen.documents;
    REQUIRE(doc.is_object());
    CHECK(doc.contains("ecs"));  // ECS requires ecs.version in every document
    if (doc.contains("ecs")) CHECK(doc["ecs"].value("version", "") == ecs::kEcsVersion);
    walk(doc, "", seen, schema);
}

std::vector<fs::path> streams() {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(AUDISP_TEST_DATA_DIR)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".log" || ext == ".txt")) {
            files.push_back(entry.path());
        }
    }
    const fs::path corpus = fs::path(AUDISP_SHARED_DIR) / "corpus" / "public";
    INFO(corpus.string() << " must exist (third-party logs live in ../shared)");
    REQUIRE(fs::is_directory(corpus));
    for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".log" || ext == ".txt") &&
            entry.path().filename() != "README.txt") {
            files.push_back(entry.path());
        }
    }
    return files;
}

}  // namespace

TEST_CASE("every field written, on every stream, is an ECS field of its type or ours") {
    const auto schema = ecs_fields();
    REQUIRE(schema.size() > 200);
    INFO("ECS field list " << kListVersion);

    const std::string upstream = std::string(AUDISP_SHARED_DIR) + "/rules-upstream";
    const std::vector<std::string> rule_paths{
        offline_test::rules_dir(),   upstream,
        upstream + "/linux",         upstream + "/linux-file",
        upstream + "/linux-network", upstream + "/linux-sequence"};
    const engine::LoadResult loaded = engine::load_rules(rule_paths);
    REQUIRE(loaded.rules.size() > 50);
    REQUIRE(!loaded.sequences.empty());

    Seen seen;
    std::size_t alerts = 0;
    std::size_t sequences = 0;
    const ecs::EventJsonWriter writer;
    ecs::EventIdMaker ids;
    const auto files = streams();
    REQUIRE(files.size() >= 30);
    for (const fs::path& file : files) {
        INFO(file.string());
        app::Config config;
        config.pinned_created_us = 1'764'666'000'000'000;
        if (file.filename() == "exec-edge.log") config.host_name = "named-host";
        engine::LoadResult rules = engine::load_rules(rule_paths);
        app::Pipeline pipeline(
            config, engine::RuleSet(std::move(rules.rules), std::move(rules.sequences)),
            [&](const ecs::Event& event, const engine::LoadedRule& rule) {
                ++alerts;
                alert::Alert alert =
                    alert::Alert::make(std::make_shared<const ecs::Event>(event),
                                       std::make_shared<const engine::RuleInfo>(rule.info));
                alert.explain = std::vector<std::string>{"why"};
                check_document(alert::document(alert), seen, schema);
                // Cut (arguments first; the skeleton at the minimum): the
                // truncation's own fields are checked too.
                for (const std::size_t limit : {std::size_t{1024}, alert::kMinFormatBytes}) {
                    const alert::Formatted cut = alert::format_json(alert, limit);
                    check_document(nlohmann::json::parse(cut.line), seen, schema);
                }
            });
        pipeline.set_sequence_handler([&](const engine::SequenceAlert& alert) {
            ++sequences;
            check_document(engine::sequence_alert_document(alert), seen, schema);
        });
        pipeline.set_event_observer([&](const ecs::Event& observed) {
            ecs::Event event = observed;
            event.id = ids.make(event);
            std::string line;
            writer.write(event, line);
            check_document(nlohmann::json::parse(line), seen, schema);
        });
        pipeline.feed(slurp(file));
        pipeline.finish();
    }
    CHECK(seen.documents > 5'000);
    CHECK(alerts > 100);
    CHECK(sequences > 0);
    // A throttle summary:
    alert::Alert summary = alert::Alert::make(nullptr, nullptr);
    summary.suppression = std::make_shared<const alert::Suppression>(alert::Suppression{
        5, 10, 0, 60'000'000, {{"1000", "alice", 5}}, {{"/usr/bin/curl", "", 5}}, 0, 0, "m"});
    check_document(alert::document(summary), seen, schema);

    // Fields ECS 8.11.0 does not have: its generated field list gained them in 8.16.0
    // (tests/data/ecs/README.md). Writing them is why ecs.version says 8.16.0, not 8.11.0.
    const std::set<std::string> kNewerThan8_11{
        "process.group.id",
        "process.group.name",
        "process.parent.group.id",
        "process.parent.group.name",
    };
    std::set<std::string> newer;
    for (const auto& [name, value] : seen.ecs) {
        if (kNewerThan8_11.count(name) != 0U) newer.insert(name);
    }
    CHECK(ecs::kEcsVersion == "8.16.0");
    // process.parent.group.name too, where a parent's group name is known (no stream here).
    CHECK(newer == std::set<std::string>{"process.group.id", "process.group.name",
                                         "process.parent.group.id"});

    // The custom fields, all of them: a new one must be documented and added here.
    std::ostringstream listed;
    for (const std::string& name : seen.custom) listed << name << "\n";
    INFO("custom fields seen:\n" << listed.str());
    // Documented but not produced by these streams: audisp_eql.sequence.events.{file.path,
    // destination.ip} (no file or network sequence here) and audisp_eql.truncated.* (test_formats).
    const std::set<std::string> expected{
        "audisp_eql.alert_truncated",
        "audisp_eql.explain",
        "audisp_eql.rule.risk_score",
        "audisp_eql.rule.severity",
        "audisp_eql.sequence.events",
        "audisp_eql.sequence.events.@timestamp",
        "audisp_eql.sequence.events.event.action",
        "audisp_eql.sequence.events.event.category",
        "audisp_eql.sequence.events.event.sequence",
        "audisp_eql.sequence.events.process.command_line",
        "audisp_eql.sequence.events.process.entity_id",
        "audisp_eql.sequence.events.process.name",
        "audisp_eql.sequence.events.process.pid",
        "audisp_eql.sequence.events.stage",
        "audisp_eql.sequence.key",
        "audisp_eql.sequence.length",
        "audisp_eql.throttle.executables",
        "audisp_eql.throttle.executables.count",
        "audisp_eql.throttle.executables.executable",
        "audisp_eql.throttle.limit",
        "audisp_eql.throttle.suppressed",
        "audisp_eql.throttle.users",
        "audisp_eql.throttle.users.count",
        "audisp_eql.throttle.users.id",
        "audisp_eql.throttle.users.name",
        "audisp_eql.throttle.window_end",
        "audisp_eql.throttle.window_start",
        "auditd.args_source",
        "auditd.data.a0",
        "auditd.data.a1",
        "auditd.data.a2",
        "auditd.data.a3",
        "auditd.data.arch",
        "auditd.data.argc",
        "auditd.data.auid",
        "auditd.data.auid_name",
        "auditd.data.comm",
        "auditd.data.exit",
        "auditd.data.key",
        "auditd.data.syscall",
        "auditd.data.tty",
        "auditd.parent_args_truncated",
        "auditd.parent_context",
        "auditd.process_args_truncated",
        "auditd.session",
        "file.Ext.original.extension",
        "file.Ext.original.name",
        "file.Ext.original.path",
        "group.Ext.real.id",
        "group.Ext.real.name",
        "user.Ext.real.id",
        "user.Ext.real.name",
    };
    CHECK(seen.custom == expected);
    // What ECS names we write, for the README's table (printed with -s).
    std::ostringstream names;
    for (const auto& [name, value] : seen.ecs) names << name << "\n";
    INFO("ECS fields seen:\n" << names.str());
    CHECK(seen.ecs.size() > 60);
}

}  // namespace test_ecs_schema
