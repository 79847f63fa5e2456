// Alert ids (the same alert replayed gets the same id) and messages.
#include <catch2/catch.hpp>
#include <memory>
#include <regex>

#include "alert/document.hpp"
#include "alert/text.hpp"
#include "ecs/fields.hpp"
#include "ecs/json.hpp"
#include "support.hpp"

namespace test_alert_identity {

using alert_support::edit_event;
using alert_support::edit_rule;
using alert_support::sample_alert;

TEST_CASE("alert id: a name-based UUID, the same for the same alert", "[alert][identity]") {
    const alert::Alert a = sample_alert();
    const std::string id = alert::alert_id(a);
    CHECK(std::regex_match(id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                          "[0-9a-f]{12}")));
    CHECK(alert::alert_id(sample_alert()) == id);  // replayed: same id
    // Computed independently: Python uuid.uuid5(uuid5(NAMESPACE_DNS, "audisp-eql.alert"), NAME)
    // with NAME the rule id, then "\n", node "", serial 0, time and action, 0x1f between them.
    CHECK(id == "c12ce14f-ff5b-5091-b881-2b3431a115a4");
    CHECK(alert::document(a)["event"]["id"] == id);

    alert::Alert other_rule = a;
    edit_rule(other_rule, [](engine::RuleInfo& rule) { rule.rule_id = "another"; });
    CHECK(alert::alert_id(other_rule) != id);
    alert::Alert other_serial = a;
    edit_event(other_serial, [](ecs::Event& e) { e.sequence = 8; });
    CHECK(alert::alert_id(other_serial) != id);
    alert::Alert other_node = a;
    edit_event(other_node, [](ecs::Event& e) { e.node = "web-2"; });
    CHECK(alert::alert_id(other_node) != id);
    alert::Alert other_time = a;
    edit_event(other_time, [](ecs::Event& e) { ++e.timestamp_us; });
    CHECK(alert::alert_id(other_time) != id);
    // Fields that do not identify the audit event do not change the id.
    alert::Alert other_args = a;
    edit_event(other_args, [](ecs::Event& e) { e.process.command_line = "iptables -X"; });
    CHECK(alert::alert_id(other_args) == id);
}

TEST_CASE("alert id: a sequence's id covers every step", "[alert][identity]") {
    const auto step = [](uint64_t serial) {
        auto e = std::make_shared<ecs::Event>();
        e->sequence = serial;
        return std::shared_ptr<const ecs::Event>(std::move(e));
    };
    alert::Alert a = sample_alert();
    auto match = std::make_shared<alert::SequenceMatch>();
    match->steps = {{1, step(10)}, {2, step(11)}};
    a.sequence = match;
    alert::Alert b = sample_alert();
    auto other = std::make_shared<alert::SequenceMatch>();
    other->steps = {{1, step(9)}, {2, step(11)}};  // same last event, another first one
    b.sequence = other;
    CHECK(alert::alert_id(a) != alert::alert_id(b));
    CHECK(alert::alert_id(a) != alert::alert_id(sample_alert()));
}

TEST_CASE("alert message: rule name and the command line, short", "[alert][identity]") {
    alert::Alert a = sample_alert();
    CHECK(alert::alert_message(a) == "Attempt to Disable IPTables or Firewall: iptables -F");
    CHECK(alert::document(a)["message"] == "Attempt to Disable IPTables or Firewall: iptables -F");
    edit_event(a, [](ecs::Event& e) { e.process.command_line = std::string(5000, 'x'); });
    const std::string message = alert::alert_message(a);
    CHECK(message.size() <= alert::kMessageBytes);
    CHECK(message.starts_with("Attempt to Disable IPTables or Firewall: xxx"));
    CHECK(message.ends_with(alert::text::kCutMarker));
    edit_event(a, [](ecs::Event& e) {
        e.process.command_line.reset();
        e.process.args.reset();
    });
    CHECK(alert::alert_message(a) == "Attempt to Disable IPTables or Firewall: iptables");
}

TEST_CASE("every event names its ECS release and agent", "[ecs][identity]") {
    const nlohmann::json doc = ecs::to_json(ecs::Event{});
    CHECK(doc["ecs"]["version"] == "8.16.0");
    CHECK(doc["agent"]["type"] == "audisp-eql");
    CHECK(doc["agent"]["version"] == std::string(ecs::kAgentVersion));
}

}  // namespace test_alert_identity
