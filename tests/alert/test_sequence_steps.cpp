// Sequence alerts in the line formats: the steps of sequence.events, compactly.
#include <catch2/catch.hpp>
#include <memory>

#include "alert/document.hpp"
#include "alert/fields.hpp"
#include "alert/format.hpp"
#include "support.hpp"

namespace test_sequence_steps {

namespace {

using alert_support::sample_alert;

std::shared_ptr<const ecs::Event> step_event(ecs::Action action, int64_t pid, const char* name) {
    auto e = std::make_shared<ecs::Event>();
    e->action = action;
    e->process.pid = pid;
    e->process.name = name;
    return e;
}

alert::Alert sequence_alert() {
    alert::Alert a = sample_alert();
    auto match = std::make_shared<alert::SequenceMatch>();
    match->key = "host.id=\"h1\"";
    match->steps.push_back({1, step_event(ecs::Action::Exec, 4241, "bash")});
    auto connect =
        std::make_shared<ecs::Event>(*step_event(ecs::Action::ConnectionAttempted, 4242, "curl"));
    connect->category = {"network"};
    connect->network.destination.ip = "203.0.113.9";
    match->steps.push_back({2, connect});
    auto create = std::make_shared<ecs::Event>(*step_event(ecs::Action::Creation, 4242, "curl"));
    create->category = {"file"};
    create->file.path = "/tmp/x";
    match->steps.push_back({3, create});
    a.sequence = std::move(match);
    return a;
}

const char* kSteps =
    "1:exec bash[4241] > 2:connection_attempted curl[4242] dst=203.0.113.9 > "
    "3:creation curl[4242] file=/tmp/x";

}  // namespace

TEST_CASE("sequence steps: read from the typed steps", "[alert][sequence]") {
    CHECK(alert::extract_fields(sequence_alert()).sequence_steps == kSteps);
    CHECK(alert::extract_fields(sample_alert()).sequence_steps.empty());
}

TEST_CASE("sequence steps: text shows steps=, CEF flexString1", "[alert][sequence]") {
    CHECK_THAT(alert::format_text(sequence_alert()).line,
               Catch::EndsWith(std::string(" technique=\"T1562\" steps=\"") + kSteps + "\""));
    CHECK_THAT(alert::format_text(sample_alert()).line, !Catch::Contains("steps="));
    const auto cef = alert::format_cef(sequence_alert()).line;
    // CEF escapes the = of dst= and file= in an extension value.
    CHECK_THAT(cef, Catch::Contains("cs6=111 flexString1Label=sequence_steps flexString1=1:exec "
                                    "bash[4241] > 2:connection_attempted curl[4242] "
                                    "dst\\=203.0.113.9 > 3:creation curl[4242] file\\=/tmp/x "
                                    "cn1Label=risk_score"));
}

TEST_CASE("sequence steps: JSON lists them under sequence.events", "[alert][sequence]") {
    const nlohmann::json doc = alert::document(sequence_alert());
    CHECK(doc["audisp_eql"]["sequence"]["key"] == "host.id=\"h1\"");
    CHECK(doc["audisp_eql"]["sequence"]["length"] == 3);
    REQUIRE(doc["audisp_eql"]["sequence"]["events"].size() == 3);
    CHECK(doc["audisp_eql"]["sequence"]["events"][1]["stage"] == 2);
    CHECK(doc["audisp_eql"]["sequence"]["events"][1]["destination"]["ip"] == "203.0.113.9");
    CHECK(doc["audisp_eql"]["sequence"]["events"][2]["file"]["path"] == "/tmp/x");
    CHECK(doc["process"]["pid"] == 4242);  // the alert's own event is at the top level
}

}  // namespace test_sequence_steps
