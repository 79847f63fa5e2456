// Compile-time checks: unknown fields (with the field's line and column), optional fields,
// type errors as Elasticsearch's verifier reports them, unsupported constructs, functions,
// regex translation errors; plus index_keys(), explain() and the node layout holds() relies on.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "eql/compiler.hpp"
#include "eql/query.hpp"
#include "events.hpp"

namespace test_compiler {

namespace {

void test_reject(const std::string& query, uint32_t line, uint32_t column,
                 const std::string& fragment) {
    INFO(query);
    try {
        eql::CompiledQuery::compile(query);
        FAIL("compiled");
    } catch (const eql::Error& e) {
        INFO(e.what());
        CHECK(e.position().line == line);
        CHECK(e.position().column == column);
        CHECK(std::string(e.what()).find(fragment) != std::string::npos);
    }
}

// index_keys() as text, sorted: "process.name==ls", "process.name~^=python" (a folded prefix),
// "process.parent.name$=.sh" (a suffix); nullopt as is.
std::optional<std::vector<std::string>> as_text(
    const std::optional<std::vector<eql::IndexKey>>& found) {
    if (!found) return std::nullopt;
    std::vector<std::string> out;
    for (const eql::IndexKey& k : *found) {
        static constexpr const char* kOps[] = {"==", "^=", "$="};
        out.push_back(std::string(ecs::field_info(k.field).name) + (k.folded ? "~" : "") +
                      kOps[static_cast<int>(k.match)] + k.key);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<std::vector<std::string>> keys(const std::string& query) {
    return as_text(eql::CompiledQuery::compile(query).index_keys());
}

std::optional<std::vector<std::string>> second_keys(const std::string& query) {
    return as_text(eql::CompiledQuery::compile(query).second_index_keys());
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("compiler: unknown fields are errors at the field", "[eql][compiler]") {
    test_reject("process where process.nmae == \"x\"", 1, 15, "unknown field [process.nmae]");
    test_reject("process where\n  process.name == \"x\" and\n  proces.args == \"y\"", 3, 3,
                "unknown field [proces.args]");
    test_reject("process where startsWith(dll.path, \"x\")", 1, 26, "unknown field [dll.path]");
    test_reject("process where Process.Name == \"x\"", 1, 15, "unknown field [Process.Name]");
    // Keywords are lower-case only: AND is a (unknown) field name.
    test_reject("process where x == 1 AND y == 2", 1, 22, "expected end of query");
    test_reject("process where AND", 1, 15, "unknown field [AND]");
    // An optional field that does not exist is null instead.
    CHECK_NOTHROW(eql::CompiledQuery::compile("process where ?dll.path == null"));
}

TEST_CASE("compiler: type errors", "[eql][compiler]") {
    test_reject("process where process.pid == \"1234\"", 1, 15,
                "cannot compare [long] to [keyword]");
    test_reject("process where process.name == 1", 1, 15, "cannot compare [keyword] to [long]");
    test_reject("process where process.interactive == \"true\"", 1, 15, "cannot compare");
    test_reject("process where process.name in (\"a\", 1)", 1, 37, "cannot compare");
    test_reject("process where process.pid : \"1\"", 1, 15, "must be [keyword]");
    test_reject("process where process.pid like \"1*\"", 1, 15, "must be [keyword]");
    test_reject("process where process.pid regex \"1.*\"", 1, 15, "must be [keyword]");
    test_reject("process where process.name like 1", 1, 33, "patterns must be strings");
    test_reject("process where process.name == process.executable", 1, 15,
                "comparing a field to another field");
    test_reject("process where process.parent.pid < process.pid + 0", 1, 15,
                "comparing a field to another field");
    test_reject("process where process.name in (process.executable)", 1, 32, "must hold constants");
    test_reject("process where process.name", 1, 15, "a condition must be boolean");
    test_reject("process where 1", 1, 15, "a condition must be boolean");
    test_reject("process where not process.pid", 1, 19, "a condition must be boolean");
    test_reject("process where process.name + 1 == 2", 1, 15, "an arithmetic operand");
    test_reject("process where -process.name == 2", 1, 16, "unary minus");
    test_reject("process where process.pid in~ (1)", 1, 15, "in~");
    test_reject("process where length(process.pid) == 1", 1, 22, "argument 1 of length");
}

TEST_CASE("compiler: categories and functions", "[eql][compiler]") {
    test_reject("registry where registry.path == \"x\"", 1, 1,
                "unsupported: event category [registry]");
    test_reject("library where true", 1, 1, "unsupported: event category");
    // file and network queries load, and run only on events of their category.
    ecs::Event file_event;
    file_event.category = {"file"};
    file_event.type = {"creation"};
    file_event.action = ecs::Action::Creation;
    file_event.process.name = "sh";
    file_event.file.path = "/etc/cron.d/job";
    file_event.file.name = "job";
    const auto file_rule = eql::CompiledQuery::compile(
        "file where file.path like \"/etc/cron.d/*\" and "
        "file.extension == null");
    CHECK(file_rule.category() == "file");
    CHECK(file_rule.matches(file_event));
    // A process rule never runs on a file event, even when its condition holds.
    CHECK_FALSE(
        eql::CompiledQuery::compile("process where process.name == \"sh\"").matches(file_event));
    CHECK(eql::CompiledQuery::compile("any where process.name == \"sh\"").matches(file_event));
    ecs::Event connect;
    connect.category = {"network"};
    connect.network.destination.ip = "::ffff:10.1.2.3";
    connect.network.destination.port = 10250;
    const auto network_rule = eql::CompiledQuery::compile(
        "network where destination.port == 10250 and cidrmatch(destination.ip, \"10.0.0.0/8\")");
    CHECK(network_rule.category() == "network");
    CHECK(network_rule.matches(connect));  // an IPv4-mapped address is in the IPv4 range
    CHECK_FALSE(network_rule.matches(file_event));
    test_reject("process where nosuch(process.name)", 1, 15, "unknown function [nosuch]");
    test_reject("process where length~(process.name) == 1", 1, 15, "no case-insensitive form");
    test_reject("process where startsWith(process.name)", 1, 15, "takes 2 arguments, got 1");
    test_reject("process where concat() == \"\"", 1, 15, "takes 1 or more arguments, got 0");
    test_reject("process where substring(process.name, 1, 2, 3) == \"\"", 1, 15,
                "takes 2 to 3 arguments");
    test_reject("process where cidrMatch(host.name, \"10.0.0.0/33\")", 1, 36, "invalid CIDR");
    test_reject("process where cidrMatch(host.name, host.hostname)", 1, 36, "must be a constant");
    test_reject("process where wildcard(process.name, process.executable)", 1, 38,
                "must be a constant");
}

TEST_CASE("compiler: regex patterns are checked at compile time", "[eql][compiler]") {
    test_reject("process where process.name regex \"(\"", 1, 34, "invalid regex");
    test_reject("process where process.name regex \"a&b\"", 1, 34, "intersection");
    test_reject("process where process.name regex \"~a\"", 1, 34, "complement");
    test_reject("process where process.name regex \"<1-5>\"", 1, 34, "intervals");
    test_reject("process where process.name regex \"a{2,1}\"", 1, 34, "m < n");
    test_reject("process where process.name regex \"[b-a]\"", 1, 34, "invalid character range");
    test_reject("process where process.name regex \"a{5000}\"", 1, 34, "above 1000");
    test_reject("process where process.name regex (\"ok\", \"[\")", 1, 41, "invalid regex");
    CHECK_NOTHROW(eql::CompiledQuery::compile("process where process.name regex \"\""));
    CHECK_NOTHROW(eql::CompiledQuery::compile("process where process.name regex \"a**\""));
    CHECK_NOTHROW(eql::CompiledQuery::compile("process where process.name regex \"*a|)\""));
}

TEST_CASE("compiler: second_index_keys, another set the top-level and requires",
          "[eql][compiler]") {
    const std::string chisel =
        R"(process where event.type == "start" and process.parent.name in ("bash", "sh") and process.args == "client")";
    CHECK(keys(chisel) == V{"process.parent.name==bash", "process.parent.name==sh"});
    CHECK(second_keys(chisel) == V{"process.args==client"});
    // The next best of several (a list field is a weaker filter than prefixes of a path).
    CHECK(
        second_keys(
            R"(process where process.name == "a" and process.args == "x" and process.executable : ("/tmp/*", "/dev/shm/*"))") ==
        V{"process.executable~^=/dev/shm/", "process.executable~^=/tmp/"});
    // Only a set that filters well: event.type, event.action or a user do not.
    CHECK_FALSE(second_keys(R"(process where process.name == "a" and event.type == "start")"));
    CHECK_FALSE(second_keys(R"(process where process.name == "a" and user.name == "root")"));
    // Not required by the whole query: no second set.
    CHECK_FALSE(second_keys(R"(process where process.name == "a" or process.args == "x")"));
    CHECK_FALSE(second_keys(R"(process where process.name == "a")"));
    CHECK_FALSE(second_keys(R"(process where process.name == "a" and not process.args == "x")"));
}

TEST_CASE("compiler: index_keys for rule indexing", "[eql][compiler]") {
    CHECK(keys(R"(process where process.name == "ls")") == V{"process.name==ls"});
    CHECK(keys(R"(process where process.name in ("b", "a"))") ==
          V{"process.name==a", "process.name==b"});
    CHECK(keys(R"(process where process.name like "ls")") == V{"process.name==ls"});
    CHECK(keys(R"(process where process.name in~ ("LS"))") == V{"process.name~==ls"});
    CHECK(keys(R"(process where process.name : "LS")") == V{"process.name~==ls"});
    // Wildcards: the literal prefix, else the literal suffix; nothing for "*x*" or "*".
    CHECK(keys(R"(process where process.name like ("python*", "*.sh", "a?c*"))") ==
          V{"process.name$=.sh", "process.name^=a", "process.name^=python"});
    CHECK(keys(R"(process where process.name : ("Kworker*", "*?.SH"))") ==
          V{"process.name~$=.sh", "process.name~^=kworker"});
    CHECK(keys(R"(process where startsWith(process.executable, "/tmp/?"))") ==
          V{"process.executable^=/tmp/?"});  // a literal `?`: startsWith has no wildcards
    CHECK(keys(R"(process where endsWith~(process.executable, "/SH"))") ==
          V{"process.executable~$=/sh"});
    CHECK_FALSE(keys(R"(process where process.command_line like "*curl*")"));
    CHECK_FALSE(keys(R"(process where process.name like ("a*", "*"))"));
    CHECK_FALSE(keys(R"(process where process.name != "ls")"));
    CHECK_FALSE(keys(R"(process where not process.name == "ls")"));
    CHECK_FALSE(keys(R"(process where process.pid == 1)"));
    CHECK_FALSE(keys(R"(process where process.name regex "ls.*")"));
    CHECK(keys(R"(process where process.name == "a" and process.pid == 1)") ==
          V{"process.name==a"});
    // `and`: the best filter among the children; `or`: every branch's keys together.
    CHECK(keys(R"(process where event.action == "exec" and process.name like "py*")") ==
          V{"process.name^=py"});
    CHECK(keys(R"(process where user.id == "0" and process.executable like ("/a/*", "/b/*"))") ==
          V{"process.executable^=/a/", "process.executable^=/b/"});
    CHECK(keys(R"(process where process.args == "-F" and process.args in ("a", "b"))") ==
          V{"process.args==-F"});
    CHECK(keys(R"(process where process.name == "a" or process.parent.name like "b*")") ==
          V{"process.name==a", "process.parent.name^=b"});
    CHECK_FALSE(keys(R"(process where process.name == "a" or process.pid == 1)"));
    CHECK(keys(R"(process where false)") == V{});
    CHECK(keys(R"(process where process.name == "a" or false)") == V{"process.name==a"});
    // Keys longer than 255 bytes are not indexed.
    CHECK_FALSE(keys("process where process.name == \"" + std::string(256, 'x') + "\""));

    // The first seed rule: every branch pins process.name.
    const auto seed = keys(R"(process where host.os.type == "linux" and event.type == "start" and
  event.action in ("exec", "exec_event", "start") and
  ((process.name == "ufw" and process.args == "disable") or
   (process.name == "iptables" and process.args == "-F" and process.args_count == 2) or
   (process.name in ("iptables", "ip6tables") and process.parent.args == "force-stop") or
   (process.name == "service" and process.args == "stop")))");
    CHECK(seed == V{"process.name==ip6tables", "process.name==iptables", "process.name==service",
                    "process.name==ufw"});
}

TEST_CASE("compiler: an index key holds for the values it names", "[eql][compiler]") {
    using eql::KeyMatch;
    const eql::IndexKey exact{ecs::FieldId::ProcessName, false, KeyMatch::Exact, "ls"};
    CHECK(exact.holds("ls"));
    CHECK_FALSE(exact.holds("LS"));
    CHECK_FALSE(exact.holds("lsof"));
    const eql::IndexKey prefix{ecs::FieldId::ProcessName, true, KeyMatch::Prefix, "py"};
    CHECK(prefix.holds("Python3"));
    CHECK(prefix.holds("py"));
    CHECK_FALSE(prefix.holds("p"));
    CHECK_FALSE(prefix.holds("xpy"));
    const eql::IndexKey suffix{ecs::FieldId::ProcessName, false, KeyMatch::Suffix, ".sh"};
    CHECK(suffix.holds("run.sh"));
    CHECK_FALSE(suffix.holds("run.SH"));
    CHECK_FALSE(suffix.holds("sh"));
}

TEST_CASE("compiler: explain shows each leaf, its fields and its result", "[eql][compiler]") {
    const auto q = eql::CompiledQuery::compile(
        R"(process where process.name == "iptables" and process.args != "-F" and
           not ?process.parent.name : "ba*" and length(process.name) > 3)");
    const auto lines = q.explain(eql_test::event(eql_test::Ev::Full));
    REQUIRE(lines.size() == 5);
    CHECK(lines[0] == R"(process where ...  [event.category=["process"]]  => true)");
    CHECK(lines[1] == R"(process.name == "iptables"  [process.name="iptables"]  => true)");
    CHECK(lines[2] == R"(process.args != "-F"  [process.args=["iptables", "-F"]]  => false)");
    CHECK(lines[3] == R"(?process.parent.name : "ba*"  [process.parent.name="bash"]  => true)");
    CHECK(lines[4] == R"(length(process.name) > 3  [process.name="iptables"]  => true)");
    const auto missing = q.explain(eql_test::event(eql_test::Ev::Missing));
    REQUIRE(missing.size() == 5);
    CHECK(missing[1] == R"(process.name == "iptables"  [process.name=<missing>]  => false)");
    CHECK(missing[4] == R"(length(process.name) > 3  [process.name=<missing>]  => null)");
}

TEST_CASE("compiler: fields(), text() and moves", "[eql][compiler]") {
    auto q = eql::CompiledQuery::compile(
        R"(process where process.name == "a" and process.args : "b" and process.name != "c")");
    CHECK(q.fields() ==
          std::vector<ecs::FieldId>{ecs::FieldId::ProcessName, ecs::FieldId::ProcessArgs});
    CHECK(q.text().substr(0, 13) == "process where");
    eql::CompiledQuery moved = std::move(q);
    CHECK(moved.category() == "process");
    ecs::Event e = eql_test::full_event();
    e.process.name = "a";
    e.process.args = std::vector<std::string>{"B"};
    CHECK(moved.matches(e));
}

TEST_CASE("compiler: file and network rules index on paths and names, not on the weak fields",
          "[eql][compiler]") {
    // A path prefix beats event.action (a handful of values on every event).
    CHECK(keys("file where event.action == \"creation\" and file.path like \"/etc/cron.d/*\"") ==
          V{"file.path^=/etc/cron.d/"});
    // A name beats an extension ("sh" and "conf" are shared by many files).
    CHECK(keys("file where file.extension == \"so\" and file.name : \"libx*\"") ==
          V{"file.name~^=libx"});
    // network.direction alone filters nothing worth a lookup; a process name does.
    CHECK(keys("network where network.direction == \"egress\" and process.name == \"curl\"") ==
          V{"process.name==curl"});
    // file.path restricted keys (for --print-audit-rules), even when another key indexes better.
    const auto paths = eql::CompiledQuery::compile(
                           "file where process.name == \"sh\" and file.path in (\"/a\", \"/b\")")
                           .required_keys_on(ecs::FieldId::FilePath);
    REQUIRE(paths.has_value());
    CHECK(paths->size() == 2);
    CHECK_FALSE(eql::CompiledQuery::compile("file where file.name == \"x\"")
                    .required_keys_on(ecs::FieldId::FilePath)
                    .has_value());
}

TEST_CASE("compiler: Auditbeat action names match the Defend-named events", "[eql][compiler]") {
    ecs::Event connect;
    connect.category = {"network"};
    connect.action = ecs::Action::ConnectionAttempted;
    ecs::Event exec;
    exec.action = ecs::Action::Exec;
    using eql::CompiledQuery;
    CHECK(
        CompiledQuery::compile("network where event.action == \"connected-to\"").matches(connect));
    CHECK(CompiledQuery::compile("any where event.action in (\"executed\", \"x\")").matches(exec));
    CHECK_FALSE(CompiledQuery::compile("any where event.action != \"executed\"").matches(exec));
    CHECK_FALSE(CompiledQuery::compile("any where not event.action in (\"connected-to\")")
                    .matches(connect));
    // The Defend names and unrelated names are unchanged.
    CHECK(CompiledQuery::compile("any where event.action == \"exec\"").matches(exec));
    CHECK_FALSE(CompiledQuery::compile("any where event.action == \"executed\"").matches(connect));
    // The index knows both names.
    CHECK(keys("any where event.action == \"connected-to\"") ==
          V{"event.action==connected-to", "event.action==connection_attempted"});
}

TEST_CASE("compiler: a node's first cache line holds what holds() reads", "[eql][compiler]") {
    static_assert(alignof(eql::Node) == 64);
    const eql::Node n;
    const auto* base = reinterpret_cast<const char*>(&n);
    const auto end_of = [base](const auto& member) {
        return static_cast<std::size_t>(reinterpret_cast<const char*>(&member) - base) +
               sizeof(member);
    };
    for (const std::size_t end :
         {end_of(n.kind), end_of(n.query), end_of(n.insensitive), end_of(n.string_items),
          end_of(n.compare), end_of(n.subject), end_of(n.equals_text), end_of(n.item_lengths),
          end_of(n.children), end_of(n.wanted)}) {
        CHECK(end <= 64);
    }
    // The byte sets fill the second line.
    CHECK(static_cast<std::size_t>(reinterpret_cast<const char*>(&n.first_bytes) - base) == 64);
    CHECK(end_of(n.last_bytes) == 128);
}
}  // namespace test_compiler
