// The streaming NDJSON writer must write exactly what the nlohmann document path writes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ecs/json.hpp"
#include "ecs/json_writer.hpp"
#include "event_json.hpp"

namespace test_json_writer {

namespace {

using ecs_test::streamed;

ecs::Event hostile_exec() {
    ecs::Event e = ecs_test::exec_event(1'763'823'377'123'456, 42, "web-01", 4242);
    e.outcome = "success";
    e.process.name = "ipt\"ables";
    e.process.executable = "/usr/sbin/xtables-nft-multi";
    e.process.args =
        std::vector<std::string>{"iptables",     "-F",          "a\\b",
                                 "line\nbreak",  "tab\there",   std::string("nul\0x", 5),
                                 "\x01\x1f\x7f", "caf\xc3\xa9", "bad\xff",
                                 "cut\xc3",      "\xe2\x82",    "\xf0\x9f\x98\x80"};
    e.process.command_line = ecs::join_command_line(*e.process.args);
    e.process.working_directory = "/root";
    e.process.interactive = true;
    e.process.user.id = "0";
    e.process.user.name = "root";
    e.user = e.process.user;
    e.parent.pid = 1;
    e.parent.name = "bash";
    e.parent.args = std::vector<std::string>{};
    e.auditd.syscall = "execve";
    e.auditd.argc = 12;
    e.auditd.parent_context = "table";
    return e;
}

}  // namespace

TEST_CASE("the streamed event line is byte for byte the document's line") {
    const ecs::Event full = hostile_exec();
    CHECK(streamed(full) == ecs::dump_line(ecs::to_json(full)));

    const ecs::Event empty;  // defaults only: kind, category, type, action, module
    CHECK(streamed(empty) == ecs::dump_line(ecs::to_json(empty)));

    ecs::Event fork;
    fork.action = ecs::Action::Fork;
    fork.process.pid = 7;
    fork.parent.pid = 6;
    fork.process.exit_code = -1;
    CHECK(streamed(fork) == ecs::dump_line(ecs::to_json(fork)));
}

TEST_CASE("the streamed line is one line of valid JSON with the values intact") {
    const std::string line = streamed(hostile_exec());
    CHECK(line.find('\n') == std::string::npos);
    const auto doc = nlohmann::json::parse(line);
    CHECK(doc["process"]["name"] == "ipt\"ables");
    CHECK(doc["process"]["args"][3] == "line\nbreak");
    CHECK(doc["process"]["args"][7] == "caf\xc3\xa9");
    CHECK(doc["process"]["args"][8] == "bad\xef\xbf\xbd");  // invalid byte -> U+FFFD
    CHECK(doc["process"]["parent"]["args"] == nlohmann::json::array());
    CHECK(doc["event"]["sequence"] == 42);
    CHECK(doc["@timestamp"] == "2025-11-22T14:56:17.123456Z");
}

TEST_CASE("plain ASCII is copied, everything else escaped as nlohmann does") {
    std::string out;
    ecs::append_json_string(out, "plain text /usr/bin");
    CHECK(out == "\"plain text /usr/bin\"");
    for (const std::string text : {"q\"", "b\\", "c\x01", "d\x7f", "e\xc3\xa9", "f\xff"}) {
        out.clear();
        ecs::append_json_string(out, text);
        CHECK(out ==
              nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
}

TEST_CASE("file and network events: their fields nested as ECS names them, absent ones absent") {
    ecs::Event rename;
    rename.category = {"file"};
    rename.type = {"change"};
    rename.action = ecs::Action::Rename;
    rename.file.path = "/etc/cron.d/job";
    rename.file.name = "job";
    rename.file.directory = "/etc/cron.d";
    rename.file.original_path = "/tmp/job.sh";
    rename.file.original_name = "job.sh";
    rename.file.original_extension = "sh";
    const nlohmann::json doc = ecs_test::streamed_document(rename);
    CHECK(doc["event"]["category"] == nlohmann::json::array({"file"}));
    CHECK(doc["file"]["path"] == "/etc/cron.d/job");
    CHECK(doc["file"]["Ext"]["original"]["path"] == "/tmp/job.sh");
    CHECK(doc["file"]["Ext"]["original"]["extension"] == "sh");
    CHECK_FALSE(doc["file"].contains("extension"));  // no dot in "job": absent, not ""
    CHECK_FALSE(doc.contains("destination"));

    ecs::Event connect;
    connect.category = {"network"};
    connect.action = ecs::Action::ConnectionAttempted;
    connect.network.destination.ip = "::ffff:10.0.0.1";
    connect.network.destination.address = "::ffff:10.0.0.1";
    connect.network.destination.port = 10250;
    connect.network.direction = "egress";
    connect.network.transport = "tcp";
    connect.network.type = "ipv6";
    const nlohmann::json net = ecs_test::streamed_document(connect);
    CHECK(net["destination"]["port"] == 10250);
    CHECK(net["destination"]["ip"] == "::ffff:10.0.0.1");
    CHECK(net["network"]["direction"] == "egress");
    CHECK_FALSE(net.contains("source"));
    CHECK_FALSE(net.contains("file"));
}

}  // namespace test_json_writer
