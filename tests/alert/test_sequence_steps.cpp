// Sequence alerts in the line formats: the steps of sequence.events, compactly.
#include <catch2/catch.hpp>

#include "alert/fields.hpp"
#include "alert/format.hpp"
#include "support.hpp"

namespace {

using alert_test::sample_alert;

alert::Alert sequence_alert() {
    alert::Alert a = sample_alert();
    nlohmann::json doc = a.document;
    doc["sequence"] = {{"key", "host.id=\"h1\""},
                       {"length", 2},
                       {"events",
                        {{{"stage", 1},
                          {"event", {{"action", "exec"}}},
                          {"process", {{"pid", 4241}, {"name", "bash"}}}},
                         {{"stage", 2},
                          {"event", {{"action", "connection_attempted"}}},
                          {"process", {{"pid", 4242}, {"name", "curl"}}},
                          {"destination", {{"ip", "203.0.113.9"}}}},
                         {{"stage", 3},
                          {"event", {{"action", "creation"}}},
                          {"process", {{"pid", 4242}, {"name", "curl"}}},
                          {"file", {{"path", "/tmp/x"}}}}}}};
    return alert::Alert::from_document(std::move(doc));
}

const char* kSteps =
    "1:exec bash[4241] > 2:connection_attempted curl[4242] dst=203.0.113.9 > "
    "3:creation curl[4242] file=/tmp/x";

}  // namespace

TEST_CASE("sequence steps: read from sequence.events", "[alert][sequence]") {
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
