// Conformance table: (condition, event, expected) for every operator and function against
// string, array, number, boolean, missing and null fields, with case variants and escapes.
// Each group quotes the Elasticsearch EQL documentation statement it checks (syntax reference
// "eql-syntax" and function reference "eql-function-ref"), or names the Elasticsearch
// behaviour (Lucene query vs script) when the docs are silent.
#include <catch2/catch.hpp>

#include "events.hpp"

namespace test_conformance {

namespace {

using eql_test::Ev;

struct Case {
    const char* condition;
    Ev ev;
    bool expected;
};

void run(std::initializer_list<Case> cases) {
    for (const Case& c : cases) {
        INFO("any where " << c.condition << "   [event: " << eql_test::name(c.ev) << "]");
        bool got = false;
        bool by_value = false;
        try {
            const auto query = eql::CompiledQuery::compile(std::string("any where ") + c.condition);
            const ecs::Event event = eql_test::event(c.ev);
            got = query.matches(event);
            by_value = query.matches_by_value(event);
        } catch (const eql::Error& e) {
            FAIL_CHECK("does not compile: " << e.what());
            continue;
        }
        CHECK(got == c.expected);
        // The evaluator's boolean fast path and plain evaluation agree on every case.
        CHECK(by_value == got);
    }
}

constexpr Ev F = Ev::Full;
constexpr Ev M = Ev::Missing;
constexpr Ev E = Ev::EmptyArgs;
constexpr Ev C = Ev::Case;
constexpr Ev S = Ev::Special;

}  // namespace

// "== (equal, case-sensitive): Returns true if the values to the left and right of the operator
// are equal. Wildcards are not supported." An array satisfies it when any element does.
TEST_CASE("conformance: == is exact, case-sensitive, no wildcards", "[eql][conformance]") {
    run({
        {R"(process.name == "iptables")", F, true},
        {R"(process.name == "IPTABLES")", F, false},
        {R"(process.name == "iptables")", C, false},
        {R"(process.name == "IPTables")", C, true},
        {R"(process.name == "iptables")", M, false},
        {R"(process.name == "ipt*")", F, false},
        {R"(process.name == "iptable?")", F, false},
        {R"(process.name == "iptable")", F, false},
        {R"(process.name == "iptables ")", F, false},
        {R"(process.args == "-F")", F, true},
        {R"(process.args == "iptables")", F, true},
        {R"(process.args == "-f")", F, false},
        {R"(process.args == "-F")", M, false},
        {R"(process.args == "-F")", E, false},
        {R"(process.args == "a*b")", S, true},
        {R"(process.args == "a?b")", S, false},
        {R"(process.args == "x?y")", S, true},
        {R"(process.args == "xzy")", S, false},
        {R"(process.pid == 1234)", F, true},
        {R"(process.pid == 1235)", F, false},
        {R"(process.pid == 1234)", M, false},
        {R"(process.pid == 1234.0)", F, true},
        {R"(process.args_count == 2)", F, true},
        {R"(process.args_count == 0)", E, true},
        {R"(process.args_count == 0)", M, false},
        {R"(process.interactive == true)", F, true},
        {R"(process.interactive == false)", F, false},
        {R"(process.interactive == true)", M, false},
        {R"(user.id == "0")", F, true},
        {R"(user.id == "00")", F, false},
        {R"("iptables" == process.name)", F, true},
        {R"(1234 == process.pid)", F, true},
        {R"(event.type == "start")", F, true},
        {R"(event.category == "process")", F, true},
        {R"(event.category == "file")", F, false},
        {R"(process.command_line == "iptables -F")", F, true},
        {R"(process.command_line == "iptables  -F")", F, false},
        {R"(process.command_line == "")", E, true},
        {R"(host.os.type == "linux")", M, true},
    });
}

// "!= (not equal, case-sensitive)". EQL compiles it as not (a == b), which Elasticsearch runs
// as a bool must_not: no element of an array may equal, and a missing field matches.
TEST_CASE("conformance: != and missing fields", "[eql][conformance]") {
    run({
        {R"(process.name != "iptables")", F, false},
        {R"(process.name != "bash")", F, true},
        {R"(process.name != "IPTABLES")", F, true},
        {R"(process.name != "iptables")", M, true},
        {R"(process.args != "-F")", F, false},
        {R"(process.args != "-X")", F, true},
        {R"(process.args != "-f")", F, true},
        {R"(process.args != "-F")", M, true},
        {R"(process.args != "-F")", E, true},
        {R"(process.pid != 1234)", F, false},
        {R"(process.pid != 1)", F, true},
        {R"(process.pid != 1)", M, true},
        {R"(process.interactive != true)", F, false},
        {R"(process.interactive != false)", F, true},
        {R"(process.interactive != true)", M, true},
        {R"("bash" != process.name)", F, true},
        {R"(process.args_count != 2)", F, false},
        {R"(process.args_count != 2)", E, true},
    });
}

// "To match events containing any value for a field, compare the field to null using the !=
// operator: ?my_field != null. To match events that do not contain a field value, compare the
// field to null using the == operator." "If an optional field doesn't exist, the query
// replaces it with null": network where null != null matches no events.
TEST_CASE("conformance: null checks and optional fields", "[eql][conformance]") {
    run({
        {R"(process.name != null)", F, true},
        {R"(process.name != null)", M, false},
        {R"(process.name == null)", F, false},
        {R"(process.name == null)", M, true},
        {R"(process.args != null)", F, true},
        {R"(process.args != null)", E, false},
        {R"(process.args != null)", M, false},
        {R"(process.args == null)", E, true},
        {R"(process.pid != null)", F, true},
        {R"(process.pid != null)", M, false},
        {R"(process.interactive == null)", M, true},
        {R"(process.interactive == null)", F, false},
        {R"(?process.name != null)", F, true},
        {R"(?process.name != null)", M, false},
        {R"(?process.parent.executable != null)", F, true},
        {R"(?no.such.field == null)", F, true},
        {R"(?no.such.field != null)", F, false},
        {R"(?no.such.field == "x")", F, false},
        {R"(not ?no.such.field == "x")", F, false},
        {R"(?no.such.field != "x")", F, false},
        {R"(null == process.name)", M, true},
        {R"(null != process.name)", F, true},
        {R"(not process.name == null)", F, true},
        {R"(not process.name == null)", M, false},
        {R"(length(process.name) == null)", M, true},
        {R"(length(process.name) != null)", F, true},
        {R"(concat(process.name, "x") != null)", F, true},
        {R"(concat(process.name, "x") != null)", M, false},
        {R"(process.name == "iptables" or ?no.such.field == "x")", F, true},
        {R"(process.pid < null)", F, false},
        {R"(process.name in (null))", F, false},
        {R"(process.name in ("iptables", null))", F, true},
    });
}

// "not: Returns true if the condition to the right is false." A condition on a field against
// constants is a Lucene query, so `not` is must_not and matches events lacking the field; a
// function compared to a value is a script, where a missing field is null and not null is null.
TEST_CASE("conformance: not", "[eql][conformance]") {
    run({
        {R"(not process.name == "iptables")", F, false},
        {R"(not process.name == "iptables")", M, true},
        {R"(not process.name == "bash")", F, true},
        {R"(not process.args == "-F")", F, false},
        {R"(not process.args == "-F")", M, true},
        {R"(not process.args == "-F")", E, true},
        {R"(not (process.name == "iptables" and process.args == "-F"))", F, false},
        {R"(not (process.name == "iptables" and process.args == "-F"))", M, true},
        {R"(not (process.name == "x" or process.args == "-X"))", F, true},
        {R"(not not process.name == "iptables")", F, true},
        {R"(not not process.name == "iptables")", M, false},
        {R"(not process.name : "ipt*")", F, false},
        {R"(not process.name : "ipt*")", M, true},
        {R"(not process.name like "ipt*")", M, true},
        {R"(not process.args regex "-F")", M, true},
        {R"(not process.args regex "-F")", F, false},
        {R"(not startsWith(process.name, "ipt"))", F, false},
        {R"(not startsWith(process.name, "ipt"))", M, true},
        {R"(not length(process.name) > 3)", F, false},
        {R"(not length(process.name) > 30)", F, true},
        {R"(not length(process.name) > 3)", M, false},
        {R"(not length(process.name) < 3)", M, false},
        {R"(not process.pid > 5)", M, true},
        {R"(not process.pid > 5)", F, false},
        {R"(not (process.pid + 1) > 5)", M, false},
        {R"(not process.interactive)", F, false},
        {R"(not process.interactive)", M, true},
        {R"(not (length(process.name) > 3 and process.pid > 0))", M, true},
    });
}

// "in (case-sensitive): Returns true if the value is contained in the provided list."
// "not in: Returns true if the value is not contained in the provided list." "For
// case-insensitive matching, use in~."
TEST_CASE("conformance: in, not in, in~", "[eql][conformance]") {
    run({
        {R"(process.name in ("bash", "iptables"))", F, true},
        {R"(process.name in ("IPTABLES"))", F, false},
        {R"(process.name in ("bash", "iptables"))", M, false},
        {R"(process.name in ("ipt*"))", F, false},
        {R"(process.args in ("-X", "-F"))", F, true},
        {R"(process.args in ("-x"))", F, false},
        {R"(process.args in ("-F"))", E, false},
        {R"(process.name not in ("bash"))", F, true},
        {R"(process.name not in ("iptables", "x"))", F, false},
        {R"(process.name not in ("bash"))", M, true},
        {R"(process.args not in ("-F"))", F, false},
        {R"(process.args not in ("-X"))", F, true},
        {R"(process.args not in ("-F"))", M, true},
        {R"(process.args not in ("-F"))", E, true},
        {R"(process.pid in (1, 1234))", F, true},
        {R"(process.pid in (1, 2))", F, false},
        {R"(process.args_count in (2, 3))", F, true},
        {R"(process.name in~ ("IPTABLES"))", F, true},
        {R"(process.name in~ ("ipt"))", F, false},
        {R"(process.name in~ ("iptables"))", C, true},
        {R"(process.name not in~ ("IPTABLES"))", F, false},
        {R"(process.name not in~ ("bash"))", F, true},
        {R"(process.name in~ ("iptables"))", M, false},
        {R"(process.name not in~ ("iptables"))", M, true},
        {R"(process.args in~ ("-f"))", F, true},
        {R"(process.args in~ ("--flush"))", C, true},
        {R"(user.id in ("0", "1000"))", F, true},
        {R"(event.action in ("exec", "exec_event", "start"))", F, true},
        {R"(process.name in (concat("ipt", "ables")))", F, true},
        {R"(length(process.name) in (8, 9))", F, true},
        {R"(length(process.name) in (8, 9))", M, false},
        {R"(not length(process.name) in (1))", M, false},
    });
}

// "like (case-sensitive): Returns true if the string to the left of the keyword matches a
// wildcard pattern to the right." "The * wildcard matches zero or more characters", "The ?
// wildcard matches exactly one character"; there is no escape character.
TEST_CASE("conformance: like", "[eql][conformance]") {
    run({
        {R"(process.name like "ipt*")", F, true},
        {R"(process.name like "IPT*")", F, false},
        {R"(process.name like "*tables")", F, true},
        {R"(process.name like "i*s")", F, true},
        {R"(process.name like "i*x*s")", F, false},
        {R"(process.name like "iptables")", F, true},
        {R"(process.name like "iptable")", F, false},
        {R"(process.name like "iptables?")", F, false},
        {R"(process.name like "iptable?")", F, true},
        {R"(process.name like "?ptables")", F, true},
        {R"(process.name like "????????")", F, true},
        {R"(process.name like "?????????")", F, false},
        {R"(process.name like "*")", F, true},
        {R"(process.name like "**")", F, true},
        {R"(process.name like "")", F, false},
        {R"(process.name like "*")", M, false},
        {R"(process.name like ("bash", "ipt*"))", F, true},
        {R"(process.name like ("bash", "zsh"))", F, false},
        {R"(process.args like "-?")", F, true},
        {R"(process.args like "--*")", F, false},
        {R"(process.args like "--*")", C, true},
        {R"(process.args like "*")", E, false},
        {R"(process.command_line like "*-F")", F, true},
        {R"(process.command_line like "*-f")", F, false},
        {R"(process.command_line like "ipt*-F")", F, true},
        {R"(process.command_line like "*tables*")", F, true},
        {R"(process.name like "caf?")", S, true},
        {R"(process.name like "caf??")", S, false},
        {R"(process.name like "caf*")", S, true},
        {R"(process.name like "?af\u{e9}")", S, true},
        {R"(process.args like "back\\slash")", S, true},
        {R"(process.args like "back\\*")", S, true},
        {R"(process.args like "a\\*b")", S, false},
        {R"(process.args like "a*b")", S, true},
        {R"(process.args like "new?line")", S, true},
        {R"(process.args like "new*")", S, true},
        {R"(process.args like "*\"d")", S, true},
        {R"(process.parent.args like "*iptables*")", F, true},
        {R"(process.parent.args like "*iptables*")", M, false},
    });
}

// ": (equal, case-insensitive): ... Supports wildcards and list lookups." "The : operator is
// equivalent to like~." Case folding covers ASCII letters (EQL-SEMANTICS.md).
TEST_CASE("conformance: like~ and :", "[eql][conformance]") {
    run({
        {R"(process.name : "IPTABLES")", F, true},
        {R"(process.name : "iptables")", C, true},
        {R"(process.name : "ipt*")", F, true},
        {R"(process.name : "IPT*")", F, true},
        {R"(process.name : "*TABLES")", F, true},
        {R"(process.name : "ip?tables")", F, false},
        {R"(process.name : "IP?ABLES")", F, true},
        {R"(process.name : "ipt")", F, false},
        {R"(process.name : "*")", M, false},
        {R"(process.name : ("bash", "IPT*"))", F, true},
        {R"(process.name : ("bash", "zsh"))", F, false},
        {R"(process.name like~ "IPTABLES")", F, true},
        {R"(process.name like~ ("x", "IPT*"))", F, true},
        {R"(process.name like~ "ipt*")", C, true},
        {R"(process.name like "ipt*")", C, false},
        {R"(process.args : "-f")", F, true},
        {R"(process.args : "--FLUSH")", F, false},
        {R"(process.args : "--FLUSH")", C, true},
        {R"(process.args : "--flush")", C, true},
        {R"(process.args : ("-x", "-f"))", F, true},
        {R"(process.name : "CAF\u{e9}")", S, true},
        {R"(process.name : "CAF\u{c9}")", S, false},
        {R"(user.name : "ROOT")", F, true},
        {R"(process.parent.name : "BASH")", F, true},
        {R"(process.parent.name : "BASH")", M, false},
    });
}

// "regex (case-sensitive): Returns true if the string to the left of the keyword matches a
// regular expression to the right" (Lucene regular expression syntax: always anchored to the
// whole value; . matches any character; ^ and $ are ordinary characters; "..." quotes;
// @ is any string; # the empty language).
TEST_CASE("conformance: regex and regex~", "[eql][conformance]") {
    run({
        {R"(process.name regex "ipt.*")", F, true},
        {R"(process.name regex "ipt")", F, false},
        {R"(process.name regex ".*tab.*")", F, true},
        {R"(process.name regex "IPT.*")", F, false},
        {R"(process.name regex~ "IPT.*")", F, true},
        {R"(process.name regex~ "iptables")", C, true},
        {R"(process.args regex "-[A-Z]")", F, true},
        {R"(process.args regex "-[a-z]")", F, false},
        {R"(process.args regex~ "-[a-z]")", F, true},
        {R"(process.name regex "ip(t|x)ables")", F, true},
        {R"(process.name regex "ipt?ables")", F, true},
        {R"(process.name regex "ip+tables")", F, true},
        {R"(process.name regex "i.{7}")", F, true},
        {R"(process.name regex "i.{6}")", F, false},
        {R"(process.name regex "i.{2,9}")", F, true},
        {R"(process.name regex "[a-z]+")", F, true},
        {R"(process.name regex "[^a-z]+")", F, false},
        {R"(process.command_line regex "iptables -F")", F, true},
        {R"(process.command_line regex "-F")", F, false},
        {R"(process.command_line regex "iptables\\s-F")", F, true},
        {R"(process.command_line regex """iptables\s-F""")", F, true},
        {R"(user.id regex "\\d")", F, true},
        {R"(user.id regex "\\D")", F, false},
        {R"(process.name regex "^ipt.*")", F, false},
        {R"(process.name regex "ipt.*$")", F, false},
        {R"(process.name regex "\"ipt\".*")", F, true},
        {R"(process.name regex "@")", F, true},
        {R"(process.name regex "ipt@")", F, true},
        {R"(process.name regex "#")", F, false},
        {R"(process.name regex "ipt\\.*")", F, false},
        {R"(process.name regex "()iptables")", F, true},
        {R"(process.args regex "new.line")", S, true},
        {R"(process.args regex "a\\*b")", S, true},
        {R"(process.name regex ("bash", "ipt.*"))", F, true},
        {R"(process.name regex ".*")", M, false},
        {R"(process.args regex ".*")", E, false},
        {R"(process.name regex "caf.")", S, true},
    });
}

// "<, <=, >, >= ... When comparing strings, the operator uses a case-sensitive lexicographic
// order." Numbers compare numerically; a constant on the left is moved to the right.
TEST_CASE("conformance: ordering comparisons", "[eql][conformance]") {
    run({
        {R"(process.pid > 1000)", F, true},
        {R"(process.pid < 1000)", F, false},
        {R"(process.pid >= 1234)", F, true},
        {R"(process.pid <= 1233)", F, false},
        {R"(process.pid > 1233.5)", F, true},
        {R"(process.pid > 1000)", M, false},
        {R"(process.args_count >= 2)", F, true},
        {R"(process.args_count > 2)", F, false},
        {R"(process.args_count >= 2)", M, false},
        {R"(process.args_count >= 0)", E, true},
        {R"(process.name > "bash")", F, true},
        {R"(process.name < "bash")", F, false},
        {R"(process.name >= "iptables")", F, true},
        {R"(process.name < "j")", F, true},
        {R"(process.name > "Z")", F, true},
        {R"(process.name > "Z")", C, false},
        {R"(process.args > "z")", F, false},
        {R"(process.args < "-G")", F, true},
        {R"(5 < process.pid)", F, true},
        {R"(5 > process.pid)", F, false},
        {R"(process.interactive > false)", F, true},
        {R"(@timestamp > 0)", F, true},
    });
}

// Math operators "+ - * / %": "If both the dividend and divisor are integers, the divide (/)
// operation rounds down"; null in, null out.
TEST_CASE("conformance: arithmetic", "[eql][conformance]") {
    run({
        {R"(process.pid + 1 == 1235)", F, true},
        {R"(process.pid - 1234 == 0)", F, true},
        {R"(process.pid * 2 == 2468)", F, true},
        {R"(process.pid / 1000 == 1)", F, true},
        {R"(process.pid / 1000.0 == 1.234)", F, true},
        {R"(process.pid % 1000 == 234)", F, true},
        {R"(-process.pid == -1234)", F, true},
        {R"(+process.pid == 1234)", F, true},
        {R"(process.args_count * 2 > 3)", F, true},
        {R"(process.pid + 1 > 0)", M, false},
        {R"(not (process.pid + 1 > 0))", M, false},
        {R"(4 / process.args_count == 2)", F, true},
        {R"(process.pid / 0 == 1)", F, false},
        {R"(1 + 2 * 3 == 7)", M, true},
        {R"((1 + 2) * 3 == 9)", M, true},
        {R"(7 % 3 == 1)", M, true},
        {R"(-7 / 2 == -3)", M, true},
        {R"(10 / 4.0 == 2.5)", M, true},
        {R"(10 / 4 == 2)", M, true},
        {R"(2 - 3 - 4 == -5)", M, true},
    });
}

// Function reference: startsWith / endsWith / stringContains ("Matching is case-sensitive by
// default", "~ makes a function case-insensitive", null handling returns null).
TEST_CASE("conformance: startsWith, endsWith, stringContains", "[eql][conformance]") {
    run({
        {R"(startsWith(process.name, "ipt"))", F, true},
        {R"(startsWith(process.name, "IPT"))", F, false},
        {R"(startsWith~(process.name, "IPT"))", F, true},
        {R"(startsWith(process.name, "ipt"))", M, false},
        {R"(startsWith(process.args, "-"))", F, true},
        {R"(startsWith(process.name, "ipt*"))", F, false},
        {R"(endsWith(process.name, "bles"))", F, true},
        {R"(endsWith(process.name, "BLES"))", F, false},
        {R"(endsWith~(process.name, "BLES"))", F, true},
        {R"(endsWith(process.executable, "multi"))", F, true},
        {R"(stringContains(process.command_line, "-F"))", F, true},
        {R"(stringContains(process.command_line, "-f"))", F, false},
        {R"(stringContains~(process.command_line, "-f"))", F, true},
        {R"(stringContains(process.name, ""))", F, false},
        {R"(stringContains(process.command_line, "?"))", F, false},
        {R"(startsWith("regsvr32.exe", "regsvr32"))", M, true},
        {R"(startsWith("regsvr32.exe", "Regsvr32"))", M, false},
        {R"(startsWith~("regsvr32.exe", "Regsvr32"))", M, true},
        {R"(startsWith("", ""))", M, true},
        {R"(endsWith("regsvr32.exe", ".exe"))", M, true},
        {R"(endsWith("", ""))", M, true},
        {R"(endsWith~("regsvr32.exe", ".EXE"))", M, true},
        {R"(stringContains("", ""))", M, false},
        {R"(startsWith("regsvr32.exe", null) == null)", M, true},
        {R"(startsWith(process.command_line, process.name))", F, true},
        {R"(startsWith(process.executable, process.name))", F, false},
        {R"(startsWith(process.command_line, process.name))", M, false},
        {R"(not startsWith(process.command_line, process.name))", M, false},
    });
}

// Function reference: length ("Returns the character length ... Empty strings return 0"),
// concat ("If any of the arguments are null, the function returns null"), string.
TEST_CASE("conformance: length, concat, string", "[eql][conformance]") {
    run({
        {R"(length(process.name) == 8)", F, true},
        {R"(length("") == 0)", M, true},
        {R"(length("explorer.exe") == 12)", M, true},
        {R"(length(process.name) > 50)", F, false},
        {R"(length(process.command_line) == 11)", F, true},
        {R"(length(process.name) == 4)", S, true},
        {R"(length(process.args) == 2)", F, true},
        {R"(length(null) == null)", M, true},
        {R"(concat("process is ", "regsvr32.exe") == "process is regsvr32.exe")", M, true},
        {R"(concat(process.name, " ", 42) == "iptables 42")", F, true},
        {R"(concat(process.name, " ", 42.5) == "iptables 42.5")", F, true},
        {R"(concat(process.name, " ", true) == "iptables true")", F, true},
        {R"(concat(process.name) == "iptables")", F, true},
        {R"(concat(process.name, null) == null)", F, true},
        {R"(concat(process.name, " ", process.args_count) == "iptables 2")", F, true},
        {R"(string(42) == "42")", M, true},
        {R"(string(42.5) == "42.5")", M, true},
        {R"(string(2.0) == "2.0")", M, true},
        {R"(string("regsvr32.exe") == "regsvr32.exe")", M, true},
        {R"(string(true) == "true")", M, true},
        {R"(string(process.pid) == "1234")", F, true},
        {R"(string(null) == null)", M, true},
    });
}

// Function reference: between ("Greedy matching defaults to false"), indexOf ("returns the
// first position ... null when missing; negative offsets are treated as 0"), substring
// ("Negative offsets are supported").
TEST_CASE("conformance: between, indexOf, substring", "[eql][conformance]") {
    run({
        {R"(between("C:\\Windows\\System32\\cmd.exe", "System32\\", ".exe") == "cmd")", M, true},
        {R"(between("C:\\Windows\\System32\\cmd.exe", "system32\\", ".exe") == "")", M, true},
        {R"(between~("C:\\Windows\\System32\\cmd.exe", "system32\\", ".exe") == "cmd")", M, true},
        {R"(between("C:\\Windows\\System32\\cmd.exe", "\\", "\\", false) == "Windows")", M, true},
        {R"(between("C:\\Windows\\System32\\cmd.exe", "\\", "\\", true) == "Windows\\System32")", M,
         true},
        {R"(between("", "System32\\", ".exe") == "")", M, true},
        {R"(between("", "", "") == "")", M, true},
        {R"(between(null, "a", "b") == null)", M, true},
        {R"(between(process.command_line, "iptables ", "F") == "-")", F, true},
        {R"(indexOf("subdomain.example.com", "d") == 3)", M, true},
        {R"(indexOf("subdomain.example.com", "D") == null)", M, true},
        {R"(indexOf("subdomain.example.com", ".") == 9)", M, true},
        {R"(indexOf("subdomain.example.com", ".", 9) == 9)", M, true},
        {R"(indexOf("subdomain.example.com", ".", 10) == 17)", M, true},
        {R"(indexOf("subdomain.example.com", ".", -6) == 9)", M, true},
        {R"(indexOf~("subdomain.example.com", "D") == 3)", M, true},
        {R"(indexOf("", "") == 0)", M, true},
        {R"(indexOf("subdomain.example.com", "", 9) == 9)", M, true},
        {R"(indexOf("subdomain.example.com", "", -6) == 0)", M, true},
        {R"(indexOf("subdomain.example.com", "z") == null)", M, true},
        {R"(indexOf("subdomain.example.com", ".", 30) == null)", M, true},
        {R"(indexOf(process.command_line, "-") == 9)", F, true},
        {R"(substring("start regsvr32.exe", 6) == "regsvr32.exe")", M, true},
        {R"(substring("start regsvr32.exe", 0, 5) == "start")", M, true},
        {R"(substring("start regsvr32.exe", 6, 14) == "regsvr32")", M, true},
        {R"(substring("start regsvr32.exe", -4) == ".exe")", M, true},
        {R"(substring("start regsvr32.exe", -4, -1) == ".ex")", M, true},
        {R"(substring("abc", 5) == "")", M, true},
        {R"(substring(process.name, 0, 3) == "ipt")", F, true},
        {R"(substring(process.name, 0, 3) == "ipt")", M, false},
    });
}

// Function reference: number ("Strings that begin with 0x are auto-detected as hexadecimal",
// "- and + are supported", "Surrounding whitespace is ignored") and the math functions.
TEST_CASE("conformance: number and math functions", "[eql][conformance]") {
    run({
        {R"(number("1337") == 1337)", M, true},
        {R"(number("42.5") == 42.5)", M, true},
        {R"(number("deadbeef", 16) == 3735928559)", M, true},
        {R"(number("0xdeadbeef") == 3735928559)", M, true},
        {R"(number("0xdeadbeef", 16) == 3735928559)", M, true},
        {R"(number("+1337") == 1337)", M, true},
        {R"(number("-1337") == -1337)", M, true},
        {R"(number("  1337  ") == 1337)", M, true},
        {R"(number("0xdeadbeef", null) == 3735928559)", M, true},
        {R"(number("1337", null) == 1337)", M, true},
        {R"(number(user.id) == 0)", F, true},
        {R"(number("abc") == null)", M, true},
        {R"(number(null) == null)", M, true},
        {R"(add(4, 5) == 9)", M, true},
        {R"(add(4, 0.5) == 4.5)", M, true},
        {R"(add(0.5, 0.25) == 0.75)", M, true},
        {R"(add(4, -2) == 2)", M, true},
        {R"(add(process.args_count, 5) == 7)", F, true},
        {R"(add(null, 4) == null)", M, true},
        {R"(subtract(10, 2) == 8)", M, true},
        {R"(subtract(10.5, 0.5) == 10)", M, true},
        {R"(subtract(process.args_count, 0.5) == 1.5)", F, true},
        {R"(multiply(2, 2) == 4)", M, true},
        {R"(multiply(0.5, 2) == 1)", M, true},
        {R"(multiply(process.args_count, 2) == 4)", F, true},
        {R"(divide(4, 2) == 2)", M, true},
        {R"(divide(4, 3) == 1)", M, true},
        {R"(divide(4, 3.0) > 1.33)", M, true},
        {R"(divide(0.5, 4) == 0.125)", M, true},
        {R"(divide(-4, -2) == 2)", M, true},
        {R"(divide(4, 0) == null)", M, true},
        {R"(modulo(10, 6) == 4)", M, true},
        {R"(modulo(10, 0.5) == 0)", M, true},
        {R"(modulo(10, -6) == 4)", M, true},
        {R"(modulo(-10, -6) == -4)", M, true},
        {R"(modulo(process.pid, 1000) == 234)", F, true},
    });
}

// Function reference: cidrMatch ("Returns true if an IP address is contained in one or more
// provided CIDR blocks"; null handling) and wildcard (like, with ~ for case-insensitive).
TEST_CASE("conformance: cidrMatch and wildcard", "[eql][conformance]") {
    run({
        {R"(cidrMatch("192.168.152.12", "192.168.0.0/16"))", M, true},
        {R"(cidrMatch("192.168.152.12", "192.168.0.0/16", "10.0.0.0/8"))", M, true},
        {R"(cidrMatch("192.168.152.12", "10.0.0.0/8"))", M, false},
        {R"(cidrMatch("192.168.152.12", "10.0.0.0/8", "10.128.0.0/9"))", M, false},
        {R"(cidrMatch(null, "10.0.0.0/8") == null)", M, true},
        {R"(cidrMatch("2001:db8::1", "2001:db8::/32"))", M, true},
        {R"(cidrMatch("2001:db9::1", "2001:db8::/32"))", M, false},
        {R"(cidrMatch(host.name, "10.0.0.0/8"))", F, true},
        {R"(cidrMatch(host.name, "10.0.0.0/8"))", M, false},
        {R"(wildcard(process.name, "ipt*"))", F, true},
        {R"(wildcard(process.name, "IPT*"))", F, false},
        {R"(wildcard~(process.name, "IPT*"))", F, true},
        {R"(wildcard(process.name, "x*", "*bles"))", F, true},
        {R"(wildcard(process.args, "-?"))", F, true},
        {R"(not wildcard(process.name, "x*"))", M, true},
        {R"(STARTSWITH(process.name, "ipt"))", F, true},
    });
}

// "Escape characters in a string": \n \r \t \\ \" and "\u{XXXXXXXX}: 2-8 hex digits";
// "Raw strings treat special characters, such as backslashes, as literal characters".
TEST_CASE("conformance: strings, escapes and raw strings", "[eql][conformance]") {
    run({
        {R"(process.command_line == "echo \"q\"\t\\x41\nend")", S, true},
        {R"(process.command_line == "echo \"q\" \\x41\nend")", S, false},
        {R"(process.command_line like """echo "q"*\x41*""")", S, true},
        {R"(process.command_line : "*\\X41*")", S, true},
        {R"(process.command_line like "*\u{09}*")", S, true},
        {R"(process.command_line like "*\u{0a}end")", S, true},
        {R"(process.name == "caf\u{e9}")", S, true},
        {R"(process.name == "caf\u{0000e9}")", S, true},
        {R"(process.name == "caf\u{E9}")", S, true},
        {R"(process.name == "cafe")", S, false},
        {R"(process.args == "back\\slash")", S, true},
        {R"(process.args == """back\slash""")", S, true},
        {R"(process.args == "back\slash")", S, true},
        {R"(process.args == "quote\"d")", S, true},
        {R"(process.args == """quote"d""")", S, true},
        {R"(process.args == "new\nline")", S, true},
        {R"(process.args == "it\'s")", S, true},
        {R"(process.args == """say "hi"""")", S, true},
        {R"(process.args == "\f")", S, true},
        {R"(process.args == "")", S, false},
    });
}

// "Use enclosing backticks (`) to escape field names"; "any where" matches every category,
// "process where" only process events; // and /* */ comments; `where true`.
TEST_CASE("conformance: field quoting, categories, comments", "[eql][conformance]") {
    run({
        {R"(`process.name` == "iptables")", F, true},
        {R"(`process`.`name` == "iptables")", F, true},
        {R"(`@timestamp` > 0)", F, true},
        {R"(process.name == "iptables" // trailing comment)", F, true},
        {R"(/* c */ process.name /* x */ == "iptables")", F, true},
        {R"(/* outer /* nested */ still comment */ process.name == "iptables")", F, true},
        {"process.name\n==\n\"iptables\"", F, true},
        {"process.name\t==\t\"iptables\"", F, true},
        {R"(true)", M, true},
        {R"(false)", F, false},
        {R"(true)", Ev::File, true},
    });
    CHECK(eql::CompiledQuery::compile("process where true").matches(eql_test::event(Ev::Full)));
    CHECK_FALSE(
        eql::CompiledQuery::compile("process where true").matches(eql_test::event(Ev::File)));
    CHECK(eql::CompiledQuery::compile("any where true").matches(eql_test::event(Ev::File)));
}

// Boolean fields used as conditions, and precedence: "not" binds tighter than "and", which
// binds tighter than "or" (Elasticsearch's EqlBase grammar).
TEST_CASE("conformance: boolean fields and precedence", "[eql][conformance]") {
    run({
        {R"(process.interactive)", F, true},
        {R"(process.interactive)", M, false},
        {R"(process.interactive and process.name == "iptables")", F, true},
        {R"(process.name == "x" or process.interactive)", F, true},
        {R"(process.name == "x" or process.name == "iptables" and process.pid == 1234)", F, true},
        {R"((process.name == "x" or process.name == "iptables") and process.pid == 1)", F, false},
        {R"(process.name == "iptables" or process.name == "x" and process.pid == 1)", F, true},
        {R"(not process.name == "x" and process.pid == 1234)", F, true},
        {R"(not (process.name == "x" and process.pid == 1234))", F, true},
        {R"(process.name == "iptables" and (process.args == "-X" or process.args == "-F"))", F,
         true},
        {R"(process.name == "iptables" and not process.args in ("-X", "-F"))", F, false},
    });
}

}  // namespace test_conformance
