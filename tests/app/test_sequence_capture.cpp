// An upstream sequence rule on audit text captured from the real kernel
// (tests/data/sequence-ps-strings.log, tests/capture/capture_sequences.sh): one scenario
// fires, the near misses (out of order, different join key, one stage missing, beyond
// maxspan) do not, and chunked (plugin-like) input gives the same alerts as one replay.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "app/pipeline.hpp"
#include "engine/alert_document.hpp"
#include "engine/rule_loader.hpp"
#include "offline_test_util.hpp"

namespace test_sequence_capture {

namespace {

namespace fs = std::filesystem;

using offline_test::slurp;

// "Potential Linux Credential Dumping via Proc Filesystem", unchanged: it joins on host.id,
// which the event builder fills on every event (here, a log without node= and no --host-name:
// "unknown").
const fs::path kRuleFile = fs::path(AUDISP_SHARED_DIR) / "rules-upstream" / "linux-sequence" /
                           "credential_access_proc_credential_dumping.toml";

std::string upstream_rule_text() { return slurp(kRuleFile); }

engine::LoadResult upstream_rule() {
    engine::LoadResult loaded;
    engine::load_rule_text(upstream_rule_text(), kRuleFile.string(), loaded);
    REQUIRE(loaded.issues.empty());
    REQUIRE(loaded.sequences.size() == 1);
    return loaded;
}

struct Fired {
    std::vector<nlohmann::json> documents;
    std::string stats;  // the pipeline's stats line
};

// chunk == 0: the whole log in one feed (a replay); else pieces of that many bytes.
Fired run(std::size_t chunk) {
    engine::LoadResult loaded = upstream_rule();
    Fired fired;
    app::Config config;
    app::Pipeline pipeline(
        config, engine::RuleSet(std::move(loaded.rules), std::move(loaded.sequences)),
        [](const ecs::Event&, const engine::LoadedRule&) { FAIL("no single-event rule"); });
    pipeline.set_sequence_handler([&](const engine::SequenceAlert& alert) {
        fired.documents.push_back(engine::sequence_alert_document(alert));
    });
    const std::string log = slurp(fs::path(AUDISP_TEST_DATA_DIR) / "sequence-ps-strings.log");
    if (chunk == 0) {
        pipeline.feed(log);
    } else {
        for (std::size_t at = 0; at < log.size(); at += chunk) {
            pipeline.feed(std::string_view(log).substr(at, chunk));
        }
    }
    pipeline.finish();
    fired.stats = pipeline.stats_line() + " ";
    return fired;
}

}  // namespace

TEST_CASE("captured: ps then strings under one shell fires once; the near misses do not",
          "[app][sequence][capture]") {
    const Fired fired = run(0);
    REQUIRE(fired.documents.size() == 1);
    const nlohmann::json& doc = fired.documents[0];
    CHECK(doc["rule"]["name"] == "Potential Linux Credential Dumping via Proc Filesystem");
    // Top level: the last event, strings.
    CHECK(doc["process"]["name"] == "strings");
    CHECK(doc["process"]["parent"]["name"] == "shell-fire");
    CHECK(doc["event"]["sequence"] == 5014);
    const nlohmann::json& seq = doc["audisp_eql"]["sequence"];
    CHECK(seq["key"] == "host.id=\"unknown\", process.parent.name=\"shell-fire\"");
    REQUIRE(seq["events"].size() == 2);
    CHECK(seq["events"][0]["stage"] == 1);
    CHECK(seq["events"][0]["event"]["sequence"] == 5011);
    CHECK(seq["events"][0]["process"]["name"] == "ps");
    CHECK(seq["events"][0]["process"]["command_line"] == "ps -eo pid command");
    CHECK(seq["events"][0]["@timestamp"] == "2026-12-02T02:44:26.882000Z");
    CHECK(seq["events"][1]["stage"] == 2);
    CHECK(seq["events"][1]["event"]["sequence"] == 5014);
    CHECK(seq["events"][1]["process"]["command_line"] == "strings /tmp/dump");
    // Out of order (shell-order), different key (shell-a / shell-b), stage missing
    // (shell-miss) and strings 61 s after ps (shell-late, maxspan 1m): five ps events started
    // a sequence, one completed.
    CHECK_THAT(fired.stats, Catch::Contains(" sequence_rules=1 ") &&
                                Catch::Contains(" sequence_started=5 ") &&
                                Catch::Contains(" sequence_completed=1 "));
}

TEST_CASE("captured: plugin-sized chunks give the same alerts as one replay",
          "[app][sequence][capture]") {
    const Fired whole = run(0);
    for (const std::size_t chunk : {std::size_t{97}, std::size_t{4096}}) {
        const Fired pieces = run(chunk);
        REQUIRE(pieces.documents.size() == whole.documents.size());
        CHECK(pieces.documents[0]["audisp_eql"]["sequence"] ==
              whole.documents[0]["audisp_eql"]["sequence"]);
    }
}

TEST_CASE("captured: the binary shows the steps and explains each stage",
          "[app][sequence][capture]") {
    offline_test::TempDir rules;
    offline_test::write_file(rules / "rule.toml", upstream_rule_text());
    const auto run = offline_test::run_binary(
        {"--input", (fs::path(AUDISP_TEST_DATA_DIR) / "sequence-ps-strings.log").string(),
         "--rules", rules.path().string(), "--alerts-format", "text", "--explain", "--no-summary",
         "--no-tree"});
    CHECK(run.status == 0);
    CHECK_THAT(run.out, Catch::Contains(" steps=\"1:exec ps[10016] > 2:exec strings[10017]\"\n"));
    CHECK_THAT(run.out,
               Catch::Contains("    explain: join key: host.id=\"unknown\", "
                               "process.parent.name=\"shell-fire\"\n"
                               "    explain: stage 1/2 <- 2026-12-02T02:44:26.882000Z serial "
                               "5011 pid 10016 ps\n"));
    CHECK_THAT(run.out, Catch::Contains("    explain: stage 2/2 <- 2026-12-02T02:44:26.894000Z "
                                        "serial 5014 pid 10017 strings\n"));
    CHECK_THAT(run.out, Catch::Contains("    explain:   process.args : \"/tmp/*\"  "
                                        "[process.args=[\"strings\", \"/tmp/dump\"]]  => true\n"));
}

}  // namespace test_sequence_capture
