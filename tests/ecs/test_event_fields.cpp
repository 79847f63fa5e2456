// The fields every event carries besides what the audit records say: event.id, event.created,
// event.dataset, and user.effective.* only when it says something user.* does not.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "ecs/event_id.hpp"
#include "ecs/fields.hpp"
#include "event_json.hpp"

namespace test_event_fields {

namespace {

using ecs_test::streamed_document;

ecs::Event exec_event() {
    ecs::Event e = ecs_test::exec_event(1'700'000'000'123'000, 456, "web1", 4242);
    e.node = "web1";
    return e;
}

}  // namespace

TEST_CASE("event.id: a version 5 UUID of node, serial, time, action and pid, stable on replay") {
    ecs::EventIdMaker ids;
    const ecs::Event exec = exec_event();
    const std::string id = ids.make(exec);
    CHECK(id == ids.make(exec_event()));  // replayed: the same id
    REQUIRE(id.size() == 36);
    CHECK(id[14] == '5');  // RFC 4122 version 5 (name-based, SHA-1)
    // Computed independently: Python uuid.uuid5(uuid5(NAMESPACE_DNS, "audisp-eql.event"), NAME).
    CHECK(id == "025bf972-9a0e-5121-834b-95e2c62269aa");

    // One record that makes two events (a fork seen with its exec) makes two ids.
    ecs::Event fork = exec;
    fork.action = ecs::Action::Fork;
    CHECK(ids.make(fork) != id);
    // Another node, serial, time or pid: another id (serials restart at boot; pids are reused).
    ecs::Event other = exec;
    other.node = "web2";
    CHECK(ids.make(other) != id);
    other = exec;
    other.sequence = 457;
    CHECK(ids.make(other) != id);
    other = exec;
    other.timestamp_us += 1000;
    CHECK(ids.make(other) != id);
    other = exec;
    other.process.pid = 4243;
    CHECK(ids.make(other) != id);
    // The maker's context and name buffer are reused: after other ids, the same id again, and a
    // fresh maker agrees.
    CHECK(ids.make(exec) == id);
    CHECK(ecs::EventIdMaker().make(exec) == id);
}

TEST_CASE("event.id and event.created are written when set, absent when not") {
    ecs::Event e = exec_event();
    nlohmann::json doc = streamed_document(e);
    CHECK_FALSE(doc["event"].contains("id"));
    CHECK_FALSE(doc["event"].contains("created"));

    e.id = ecs::EventIdMaker().make(e);
    e.created_us = 1'764'666'000'654'321;
    doc = streamed_document(e);
    CHECK(doc["event"]["id"] == e.id);
    CHECK(doc["event"]["created"] == "2025-12-02T09:00:00.654321Z");
    CHECK(doc["@timestamp"] == "2023-11-14T22:13:20.123000Z");  // the audit time stays
}

TEST_CASE("event.module is auditd and event.dataset names the category, as Defend's datasets") {
    ecs::Event e = exec_event();
    nlohmann::json doc = streamed_document(e);
    CHECK(doc["event"]["module"] == "auditd");
    CHECK(doc["event"]["dataset"] == "auditd.process");
    e.category = {"file"};
    CHECK(streamed_document(e)["event"]["dataset"] == "auditd.file");
    e.category = {"network"};
    CHECK(streamed_document(e)["event"]["dataset"] == "auditd.network");
}

TEST_CASE("user.effective.* only when the effective user is not the real one, as Auditbeat") {
    ecs::Event e = exec_event();
    e.user = {"0", "root"};
    e.user_real = {"0", "root"};
    nlohmann::json doc = streamed_document(e);
    CHECK(doc["user"]["id"] == "0");
    CHECK_FALSE(doc["user"].contains("effective"));
    CHECK(ecs::get_field(e, ecs::FieldId::UserEffectiveId).missing());

    e.user_real = {"1000", "alice"};  // a setuid-root program run by alice
    doc = streamed_document(e);
    CHECK(doc["user"]["effective"]["id"] == "0");
    CHECK(doc["user"]["effective"]["name"] == "root");
    CHECK(doc["user"]["Ext"]["real"]["id"] == "1000");

    e.user_real = {};  // the real user unknown: nothing to compare with, so nothing said
    CHECK_FALSE(streamed_document(e)["user"].contains("effective"));
}

}  // namespace test_event_fields
