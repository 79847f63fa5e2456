// The audit input stage on hand-written records: each case is a trap from AUDIT-FORMAT.md or
// a malformed input, fed through the real line filter, libauparse and the event builder.
#include <auparse.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "audit/decode.hpp"
#include "audit/reader.hpp"
#include "ecs/fields.hpp"

namespace test_reader {

namespace {

std::vector<ecs::Event> read_all(const std::string& text, const audit::ReaderOptions& options = {},
                                 audit::ReaderStats* stats = nullptr,
                                 std::size_t chunk = std::string::npos) {
    std::vector<ecs::Event> events;
    audit::AuditReader reader(options, [&](ecs::Event&& e) { events.push_back(std::move(e)); });
    if (chunk == std::string::npos) {
        reader.feed(text);
    } else {
        for (std::size_t at = 0; at < text.size(); at += chunk) {
            reader.feed(std::string_view(text).substr(at, chunk));
        }
    }
    reader.finish();
    if (stats != nullptr) *stats = reader.stats();
    return events;
}

const char* const kSyscallPrefix =
    "type=SYSCALL msg=audit(1700000000.123:100): arch=c000003e syscall=59 success=yes exit=0 "
    "a0=1 a1=2 a2=3 a3=4 items=2 ppid=10 pid=20 auid=1000 uid=1000 gid=1000 euid=0 suid=0 "
    "fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"iptables\" "
    "exe=\"/usr/sbin/xtables-nft-multi\" key=\"exec\"";

std::string exec_event(const std::string& execve_records,
                       const std::string& path0 = "/usr/sbin/iptables") {
    return std::string(kSyscallPrefix) + "\n" + execve_records +
           "type=CWD msg=audit(1700000000.123:100): cwd=\"/root\"\n"
           "type=PATH msg=audit(1700000000.123:100): item=0 name=\"" +
           path0 +
           "\" inode=1 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n"
           "type=PROCTITLE msg=audit(1700000000.123:100): proctitle=\"stale\"\n";
}

}  // namespace

TEST_CASE("parse_integer: the digit-loop path agrees with from_chars at its edges") {
    CHECK(audit::parse_integer("0") == 0);
    CHECK(audit::parse_integer("007") == 7);
    CHECK(audit::parse_integer("-5") == -5);
    CHECK(audit::parse_integer("4294967295") == INT64_C(4294967295));
    CHECK(audit::parse_integer("999999999999999999") == INT64_C(999999999999999999));  // 18
    CHECK(audit::parse_integer("9223372036854775807") == INT64_C(9223372036854775807));
    CHECK_FALSE(audit::parse_integer("9223372036854775808").has_value());  // overflow
    CHECK_FALSE(audit::parse_integer("").has_value());
    CHECK_FALSE(audit::parse_integer("-").has_value());
    CHECK_FALSE(audit::parse_integer("+5").has_value());
    CHECK_FALSE(audit::parse_integer("1a").has_value());
    CHECK_FALSE(audit::parse_integer(" 1").has_value());
    CHECK(audit::parse_integer("c000003e", 16) == INT64_C(0xc000003e));
}

TEST_CASE("decode: quoted, hex, null and plain values") {
    CHECK(audit::decode_value("\"/usr/bin/ls\"") == "/usr/bin/ls");
    CHECK(audit::decode_value("2F746D702F6120622063") == "/tmp/a b c");
    CHECK_FALSE(audit::decode_value("(null)").has_value());
    CHECK(audit::decode_value("pts0") == "pts0");
    CHECK_FALSE(audit::decode_hex("ABC").has_value());
    CHECK_FALSE(audit::decode_hex("ZZ").has_value());
    CHECK(audit::decode_hex("") == "");
    CHECK(audit::decode_hex("00fF7f80") == std::string("\x00\xff\x7f\x80", 4));
    for (const char* bad : {"0G", "G0", "2F74 6D", "2F746D7g", "/0", ":0", "@0", "`0"}) {
        CHECK_FALSE(audit::decode_hex(bad).has_value());
    }
    std::string chunks = "ab";
    CHECK(audit::append_hex("2F74", chunks));
    CHECK(chunks == "ab/t");
    CHECK_FALSE(audit::append_hex("2F7x", chunks));  // a bad digit leaves what was there
    CHECK(chunks == "ab/t");
    CHECK_FALSE(audit::append_hex("2F7", chunks));
    CHECK(chunks == "ab/t");
    CHECK(audit::base_name("/usr/sbin/iptables") == "iptables");
    CHECK(audit::base_name("ufw") == "ufw");
}

TEST_CASE("an exec becomes one process start with EXECVE args, not the stale PROCTITLE") {
    const auto events =
        read_all(exec_event("type=EXECVE msg=audit(1700000000.123:100): argc=2 a0=\"iptables\" "
                            "a1=\"-F\"\n"));
    REQUIRE(events.size() == 1);
    const ecs::Event& e = events[0];
    CHECK(e.timestamp_us == 1700000000123000);
    CHECK(e.sequence == 100);
    CHECK(e.action == ecs::Action::Exec);
    CHECK(e.type == std::vector<std::string>{"start"});
    CHECK(e.outcome == "success");
    CHECK(e.process.pid == 20);
    CHECK(e.parent.pid == 10);
    // The symlink's name, not the binary it resolves to.
    CHECK(e.process.name == "iptables");
    CHECK(e.process.executable == "/usr/sbin/xtables-nft-multi");
    CHECK(e.process.args == std::vector<std::string>{"iptables", "-F"});
    CHECK(e.process.args_count() == 2);
    CHECK(e.process.command_line == "iptables -F");
    CHECK(e.process.working_directory == "/root");
    CHECK(e.process.interactive == true);
    CHECK(e.user.id == "0");               // effective
    CHECK(e.user_real.id == "1000");       // real
    CHECK_FALSE(e.user.name.has_value());  // RAW: names are never guessed
    CHECK(e.auditd.syscall == "execve");   // from libaudit's table, not a hard-coded number
    CHECK(e.auditd.arch == "x86_64");
    CHECK(e.auditd.session == "3");
    CHECK(e.auditd.auid == "1000");
    CHECK(e.auditd.tty == "pts0");
    CHECK(e.auditd.key == "exec");
    CHECK(e.auditd.args_source == "execve");
    CHECK(e.auditd.argc == 2);
}

TEST_CASE("hex-encoded args (spaces, quotes, newlines, UTF-8) decode exactly") {
    // "a b", "say \"hi\"", "x\ny", "ü"
    const auto events =
        read_all(exec_event("type=EXECVE msg=audit(1700000000.123:100): argc=5 a0=\"iptables\" "
                            "a1=612062 a2=73617920226869220A a3=780A79 a4=C3BC\n"));
    REQUIRE(events.size() == 1);
    const auto& args = *events[0].process.args;
    REQUIRE(args.size() == 5);
    CHECK(args[1] == "a b");
    CHECK(args[2] == "say \"hi\"\n");
    CHECK(args[3] == "x\ny");
    CHECK(args[4] == "\xC3\xBC");
    CHECK(events[0].process.command_line == "iptables a b say \"hi\"\n x\ny \xC3\xBC");
}

TEST_CASE("an empty arg is kept") {
    const auto events = read_all(exec_event(
        "type=EXECVE msg=audit(1700000000.123:100): argc=3 a0=\"iptables\" a1=\"\" a2=\"-L\"\n"));
    REQUIRE(events.size() == 1);
    CHECK(events[0].process.args == std::vector<std::string>{"iptables", "", "-L"});
    CHECK(events[0].process.command_line == "iptables  -L");
}

TEST_CASE("a long arg split as aN[i] chunks over several EXECVE records is joined exactly") {
    // a1 = "ABCDEFGH" sent as hex in three chunks, the later ones in continuation records
    // whose body starts with two spaces; a2 follows in the last record.
    const auto events = read_all(
        exec_event("type=EXECVE msg=audit(1700000000.123:100): argc=3 a0=\"iptables\" a1_len=16 "
                   "a1[0]=41424344\n"
                   "type=EXECVE msg=audit(1700000000.123:100):  a1[1]=4546\n"
                   "type=EXECVE msg=audit(1700000000.123:100):  a1[2]=4748 a2=\"-F\"\n"));
    REQUIRE(events.size() == 1);
    CHECK(events[0].process.args == std::vector<std::string>{"iptables", "ABCDEFGH", "-F"});
    CHECK(events[0].auditd.argc == 3);
}

TEST_CASE("an argc that disagrees with the args that arrived is recorded, not crashed on") {
    audit::ReaderStats stats;
    const auto events = read_all(
        exec_event("type=EXECVE msg=audit(1700000000.123:100): argc=100000 a0=\"iptables\" "
                   "a1=\"-F\"\n"),
        {}, &stats);
    REQUIRE(events.size() == 1);
    CHECK(events[0].process.args_count() == 2);
    CHECK(events[0].auditd.argc == 100000);
    CHECK(stats.builder.argc_mismatch == 1);
}

TEST_CASE("without EXECVE, args come from PROCTITLE and are marked as such") {
    const std::string text = std::string(kSyscallPrefix) +
                             "\n"
                             "type=PROCTITLE msg=audit(1700000000.123:100): "
                             "proctitle=69707461626C6573002D46\n";
    const auto events = read_all(text);
    REQUIRE(events.size() == 1);
    CHECK(events[0].process.args == std::vector<std::string>{"iptables", "-F"});
    CHECK(events[0].auditd.args_source == "proctitle");
    CHECK_FALSE(events[0].auditd.argc.has_value());
    // No PATH record: the name is comm (uncut), as Defend names it, not the symlink target's.
    CHECK(events[0].process.name == "iptables");
}

TEST_CASE("interleaved execs: only the one without EXECVE takes its args from PROCTITLE") {
    // Event 100 has EXECVE, event 101 does not; their records interleave. The line filter keeps
    // event 101's title and not event 100's (unread).
    std::string second(kSyscallPrefix);
    second.replace(second.find(":100)"), 5, ":101)");
    second.replace(second.find("pid=20"), 6, "pid=21");
    const std::string text =
        std::string(kSyscallPrefix) + "\n" + second + "\n" +
        "type=EXECVE msg=audit(1700000000.123:100): argc=2 a0=\"iptables\" a1=\"-L\"\n"
        "type=PROCTITLE msg=audit(1700000000.123:101): proctitle=69707461626C6573002D46\n"
        "type=PROCTITLE msg=audit(1700000000.123:100): proctitle=\"stale\"\n";
    audit::ReaderStats stats;
    const auto events = read_all(text, {}, &stats);
    REQUIRE(events.size() == 2);
    const ecs::Event& with_execve = events[0].sequence == 100 ? events[0] : events[1];
    const ecs::Event& without = events[0].sequence == 100 ? events[1] : events[0];
    CHECK(with_execve.process.args == std::vector<std::string>{"iptables", "-L"});
    CHECK(with_execve.auditd.args_source == "execve");
    CHECK(without.process.args == std::vector<std::string>{"iptables", "-F"});
    CHECK(without.auditd.args_source == "proctitle");
    CHECK(stats.lines.records_skipped == 0);  // every record's header reached auparse
}

TEST_CASE("process.name is the uncut PATH basename, longer than comm's 15 bytes") {
    const auto events =
        read_all(exec_event("type=EXECVE msg=audit(1700000000.123:100): argc=2 a0=\"/bin/bash\" "
                            "a1=\"/etc/init.d/init.ipv6-global\"\n",
                            "/etc/init.d/init.ipv6-global"));
    REQUIRE(events.size() == 1);
    CHECK(events[0].process.name == "init.ipv6-global");
    CHECK(events[0].auditd.comm == "iptables");
}

TEST_CASE("execveat on a descriptor (empty PATH name) falls back to the executable") {
    const auto events =
        read_all(exec_event("type=EXECVE msg=audit(1700000000.123:100): argc=1 a0=\"x\"\n", ""));
    REQUIRE(events.size() == 1);
    CHECK(events[0].process.name == "xtables-nft-multi");
}

TEST_CASE("failed execs are not process starts unless asked for") {
    const std::string failed =
        "type=SYSCALL msg=audit(1700000000.123:100): arch=c000003e syscall=59 success=no "
        "exit=-2 a0=1 a1=2 a2=3 a3=4 items=1 ppid=10 pid=20 auid=0 uid=0 gid=0 euid=0 suid=0 "
        "fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3 comm=\"env\" exe=\"/usr/bin/env\" "
        "key=(null)\n"
        "type=CWD msg=audit(1700000000.123:100): cwd=\"/tmp\"\n"
        "type=PATH msg=audit(1700000000.123:100): item=0 name=\"/usr/local/bin/nothere\" "
        "nametype=UNKNOWN\n";
    audit::ReaderStats stats;
    CHECK(read_all(failed, {}, &stats).empty());
    CHECK(stats.builder.failed_execs == 1);

    audit::ReaderOptions options;
    options.builder.include_failed = true;
    const auto events = read_all(failed, options);
    REQUIRE(events.size() == 1);
    CHECK(events[0].outcome == "failure");
    CHECK(events[0].process.name == "nothere");
    CHECK_FALSE(events[0].process.executable.has_value());  // env's, not the tried file's
    CHECK(events[0].process.interactive == false);
}

TEST_CASE("ENRICHED names come from the record, RAW ones are absent") {
    const std::string enriched =
        "node=web1 type=SYSCALL msg=audit(1700000000.123:100): arch=c000003e syscall=59 "
        "success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=10 pid=20 auid=1000 uid=1000 "
        "gid=1000 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"ufw\" "
        "exe=\"/usr/bin/python3.11\" key=(null)\x1d"
        "ARCH=x86_64 SYSCALL=execve AUID=\"alice\" UID=\"alice\" GID=\"staff\" EUID=\"root\" "
        "SUID=\"root\" FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\"\n"
        "node=web1 type=EXECVE msg=audit(1700000000.123:100): argc=2 a0=\"/usr/bin/python3\" "
        "a1=\"/usr/sbin/ufw\"\n"
        "node=web1 type=PATH msg=audit(1700000000.123:100): item=0 name=\"/usr/sbin/ufw\" "
        "nametype=NORMAL cap_frootid=0\x1dOUID=\"root\" OGID=\"root\"\n";
    const auto events = read_all(enriched);
    REQUIRE(events.size() == 1);
    const ecs::Event& e = events[0];
    CHECK(e.host_name == "web1");
    CHECK(e.process.name == "ufw");  // the script's name; exe is the interpreter
    CHECK(e.process.executable == "/usr/bin/python3.11");
    CHECK(e.user.id == "0");
    CHECK(e.user.name == "root");
    CHECK(e.user_real.name == "alice");
    CHECK(e.group_real.name == "staff");
    CHECK(e.auditd.auid_name == "alice");
    CHECK(e.auditd.syscall == "execve");
}

TEST_CASE("relative PATH names resolve against CWD when exe is missing") {
    const std::string text =
        "type=SYSCALL msg=audit(1700000000.123:100): arch=c000003e syscall=59 success=yes "
        "exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=10 pid=20 auid=0 uid=0 gid=0 euid=0 suid=0 "
        "fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3 comm=\"stub\" key=(null)\n"
        "type=EXECVE msg=audit(1700000000.123:100): argc=1 a0=\"./stub\"\n"
        "type=CWD msg=audit(1700000000.123:100): cwd=\"/tmp/work\"\n"
        "type=PATH msg=audit(1700000000.123:100): item=0 name=\"./stub\" nametype=NORMAL\n";
    const auto events = read_all(text);
    REQUIRE(events.size() == 1);
    CHECK(events[0].process.name == "stub");
    CHECK(events[0].process.executable == "/tmp/work/stub");
}

TEST_CASE("malformed lines are counted by kind and cost no valid event around them") {
    const std::string good_a =
        exec_event("type=EXECVE msg=audit(1700000000.123:100): argc=2 a0=\"iptables\" a1=\"-F\"\n");
    std::string good_b = good_a;
    for (std::size_t at = good_b.find(":100)"); at != std::string::npos;
         at = good_b.find(":100)", at + 1)) {
        good_b.replace(at, 5, ":101)");
    }
    const std::string text = "garbage line without header\n" + good_a +
                             std::string("type=SYSCALL msg=audit(1.1:5): bin\0ary\n", 39) +
                             std::string(200000, 'x') + "\n" +
                             "type=SYSCALL msg=audit(notanumber): x=1\r\n" + good_b;
    audit::ReaderStats stats;
    const auto events = read_all(text, {}, &stats);
    REQUIRE(events.size() == 2);
    CHECK(events[0].sequence == 100);
    CHECK(events[1].sequence == 101);
    using K = audit::MalformedKind;
    CHECK(stats.lines.malformed[static_cast<std::size_t>(K::NoHeader)] == 2);
    CHECK(stats.lines.malformed[static_cast<std::size_t>(K::Binary)] == 1);
    CHECK(stats.lines.malformed[static_cast<std::size_t>(K::OverLong)] == 1);
}

TEST_CASE("records split across reads at any byte give the same events; CRLF is accepted") {
    std::string text =
        exec_event("type=EXECVE msg=audit(1700000000.123:100): argc=2 a0=\"iptables\" a1=\"-F\"\n");
    const auto whole = read_all(text);
    for (std::size_t chunk : {1U, 7U, 64U}) {
        const auto pieces = read_all(text, {}, nullptr, chunk);
        REQUIRE(pieces.size() == 1);
        CHECK(pieces[0].process.args == whole[0].process.args);
    }
    std::string crlf;
    for (char c : text) {
        if (c == '\n') crlf += '\r';
        crlf += c;
    }
    const auto from_crlf = read_all(crlf);
    REQUIRE(from_crlf.size() == 1);
    CHECK(from_crlf[0].process.command_line == "iptables -F");
}

TEST_CASE("fork, exit_group and kill become lifecycle events") {
    const std::string text =
        "type=SYSCALL msg=audit(1700000000.100:200): arch=c000003e syscall=56 success=yes "
        "exit=31 a0=1200011 a1=0 a2=0 a3=0 items=0 ppid=1 pid=30 auid=0 uid=0 gid=0 euid=0 "
        "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3 comm=\"bash\" "
        "exe=\"/usr/bin/bash\" key=\"fork\"\n"
        "type=SYSCALL msg=audit(1700000000.200:201): arch=c000003e syscall=62 success=yes "
        "exit=0 a0=1f a1=21 a2=0 a3=0 items=0 ppid=1 pid=30 auid=0 uid=0 gid=0 euid=0 "
        "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3 comm=\"bash\" "
        "exe=\"/usr/bin/bash\" key=\"kill\"\n"
        "type=SYSCALL msg=audit(1700000000.300:202): arch=c000003e syscall=231 a0=2 a1=0 a2=0 "
        "a3=0 items=0 ppid=30 pid=31 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 "
        "fsgid=0 tty=(none) ses=3 comm=\"bash\" exe=\"/usr/bin/bash\" key=\"exit\"\n";
    const auto events = read_all(text);
    REQUIRE(events.size() == 3);
    CHECK(events[0].action == ecs::Action::Fork);
    CHECK(events[0].process.pid == 31);
    CHECK(events[0].parent.pid == 30);
    CHECK(events[1].action == ecs::Action::KilledPid);
    CHECK(events[1].auditd.syscall == "kill");
    CHECK(events[1].auditd.a1 == "21");
    CHECK(events[2].action == ecs::Action::End);
    CHECK(events[2].type == std::vector<std::string>{"end"});
    CHECK(events[2].process.exit_code == 2);
}

TEST_CASE("stream mode: an event without EOE is handed over once it ages past the timeout") {
    // auparse's EOE timeout is process-wide; the plugin sets it once at start (2 s default).
    auparse_set_eoe_timeout(1);
    std::vector<ecs::Event> events;
    audit::AuditReader reader({}, [&](ecs::Event&& e) { events.push_back(std::move(e)); });
    // auparse ages by the event's own time against the clock: a live event is stamped now.
    std::string text =
        exec_event("type=EXECVE msg=audit(1700000000.123:100): argc=2 a0=\"iptables\" a1=\"-F\"\n");
    // Without its PROCTITLE (the kernel's last record) nothing says the event is complete.
    text.erase(text.find("type=PROCTITLE"));
    const std::string now = std::to_string(std::time(nullptr));
    for (auto at = text.find("1700000000"); at != std::string::npos;
         at = text.find("1700000000", at)) {
        text.replace(at, 10, now);
    }
    reader.feed(text);
    reader.age_events();
    CHECK(events.empty());  // the event may still get records
    std::this_thread::sleep_for(std::chrono::milliseconds(2200));
    reader.age_events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].process.command_line == "iptables -F");
    auparse_set_eoe_timeout(2);
}

TEST_CASE("the plugin stream's EOE record completes an event at once") {
    std::vector<ecs::Event> events;
    audit::AuditReader reader({}, [&](ecs::Event&& e) { events.push_back(std::move(e)); });
    reader.feed(
        exec_event(
            "type=EXECVE msg=audit(1700000000.123:100): argc=2 a0=\"iptables\" a1=\"-F\"\n") +
        "type=EOE msg=audit(1700000000.123:100): \n");
    CHECK(events.size() == 1);
}

TEST_CASE("an event is handed over at its last record while an older event is still open") {
    // libauparse 3.0 hands complete events over oldest first: alone it would hold the exec until
    // the fork opened before it completes (measured live: tens of ms of alert latency). The
    // line filter hands it over at its PROCTITLE, where libauparse deems it complete too.
    const std::string fork_syscall =
        "type=SYSCALL msg=audit(1700000000.100:99): arch=c000003e syscall=56 success=yes "
        "exit=31 a0=1200011 a1=0 a2=0 a3=0 items=0 ppid=1 pid=30 auid=0 uid=0 gid=0 euid=0 "
        "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3 comm=\"bash\" "
        "exe=\"/usr/bin/bash\" key=\"fork\"\n";
    const std::string fork_end =
        "type=PROCTITLE msg=audit(1700000000.100:99): proctitle=\"bash\"\n"
        "type=EOE msg=audit(1700000000.100:99): \n";
    const std::string exec =
        exec_event("type=EXECVE msg=audit(1700000000.123:100): argc=2 a0=\"iptables\" a1=\"-F\"\n");
    const std::string exec_end = "type=EOE msg=audit(1700000000.123:100): \n";

    std::vector<ecs::Event> events;
    audit::AuditReader reader({}, [&](ecs::Event&& e) { events.push_back(std::move(e)); });
    reader.feed(fork_syscall);
    reader.feed(exec);
    REQUIRE(events.size() == 1);  // at its PROCTITLE, though libauparse holds it behind the fork
    reader.feed(exec_end);
    REQUIRE(events.size() == 1);  // not again at its EOE
    CHECK(events[0].sequence == 100);
    CHECK(events[0].process.command_line == "iptables -F");
    CHECK(reader.pending_events() == 2);  // libauparse has not handed either back yet

    reader.feed(fork_end);  // libauparse now hands over both: the exec only once
    REQUIRE(events.size() == 2);
    CHECK(events[1].sequence == 99);
    CHECK(events[1].action == ecs::Action::Fork);
    reader.finish();
    CHECK(events.size() == 2);
    CHECK(reader.pending_events() == 0);
    CHECK(reader.stats().builder.events == 2);
}

namespace {

// An exec event of serial `serial` (pid = serial), its records as the kernel writes them; with
// `eoe`, the plugin stream's EOE after them.
std::string numbered_exec(uint64_t serial, const std::string& arg, bool eoe, bool title = true,
                          uint64_t seconds = 1700000001) {
    const std::string stamp =
        "msg=audit(" + std::to_string(seconds) + ".500:" + std::to_string(serial) + "): ";
    std::string text = "type=SYSCALL " + stamp +
                       "arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 "
                       "ppid=1 pid=" +
                       std::to_string(serial) +
                       " auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
                       "tty=(none) ses=3 comm=\"true\" exe=\"/usr/bin/true\" key=\"exec\"\n" +
                       "type=EXECVE " + stamp + "argc=2 a0=\"true\" a1=\"" + arg + "\"\n" +
                       "type=CWD " + stamp + "cwd=\"/srv/" + arg + "\"\n" + "type=PATH " + stamp +
                       "item=0 name=\"/usr/bin/true\" inode=1 dev=fe:00 mode=0100755 ouid=0 ogid=0 "
                       "rdev=00:00 nametype=NORMAL\n";
    if (title) text += "type=PROCTITLE " + stamp + "proctitle=\"true\"\n";
    if (eoe) text += "type=EOE " + stamp + "\n";
    return text;
}

const std::string kOpenFork =
    "type=SYSCALL msg=audit(1700000001.400:99): arch=c000003e syscall=56 success=yes exit=31 "
    "a0=1200011 a1=0 a2=0 a3=0 items=0 ppid=1 pid=30 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 "
    "egid=0 sgid=0 fsgid=0 tty=(none) ses=3 comm=\"bash\" exe=\"/usr/bin/bash\" key=\"fork\"\n";

// A reader fed the fork above, left open, then the execs of serials [first, end) (arg "a<serial>").
struct ReaderBehindFork {
    std::vector<ecs::Event> events;
    audit::AuditReader reader{{}, [this](ecs::Event&& e) { events.push_back(std::move(e)); }};

    ReaderBehindFork(uint64_t first, uint64_t end, bool eoe, bool title) {
        reader.feed(kOpenFork);
        for (uint64_t serial = first; serial < end; ++serial) {
            reader.feed(numbered_exec(serial, "a" + std::to_string(serial), eoe, title));
        }
    }
};

}  // namespace

TEST_CASE("behind a late event, libauparse's state is renewed; events straddling it stay whole") {
    // libauparse holds every event behind the open fork (oldest first) and scans all it ever
    // held per record. Each exec is handed over at its last record, so once libauparse holds
    // 256 events of which only the fork and the exec being read still need it, its state is
    // replaced, and those two are given to the fresh one.
    ReaderBehindFork fed(1000, 1254, true, true);
    auto& [events, reader] = fed;
    CHECK(events.size() == 254);
    CHECK(reader.pending_events() == 255);
    CHECK(reader.stats().lines.auparse_renewals == 0);

    // The 256th event opens: renewal. Its other records arrive after it, in the fresh state.
    const std::string straddling = numbered_exec(1254, "straddles", true);
    const auto first_end = straddling.find('\n') + 1;
    reader.feed(straddling.substr(0, first_end));
    CHECK(reader.stats().lines.auparse_renewals == 1);
    CHECK(reader.pending_events() == 2);  // the fork and this exec; the delivered ones dropped
    CHECK(reader.undelivered_events() == 2);
    reader.feed(straddling.substr(first_end));
    REQUIRE(events.size() == 255);
    CHECK(events.back().sequence == 1254);
    CHECK(events.back().process.command_line == "true straddles");
    CHECK(events.back().process.working_directory == "/srv/straddles");

    // The fork never gets its last records: only libauparse completes it, at the end of input,
    // so the fresh state must have been given it.
    reader.finish();
    REQUIRE(events.size() == 256);  // none twice, none lost
    CHECK(events.back().sequence == 99);
    CHECK(events.back().action == ecs::Action::Fork);
    CHECK(events.back().process.pid == 31);
    CHECK(reader.pending_events() == 0);
    CHECK(reader.undelivered_events() == 0);
    CHECK(reader.stats().lines.events_abandoned == 0);
}

TEST_CASE("events without a last record: once libauparse's timeout drains its backlog, renewal") {
    // An exec without PROCTITLE (a kernel that logs none, a log cut short) is complete only when
    // libauparse's timeout says so: 300 of them are held, none handed over, and no renewal while
    // they still need libauparse. A record 4 s later completes them all (oldest first), and the
    // next header forwarded finds the backlog drained: the state is renewed then.
    ReaderBehindFork fed(1000, 1300, false, false);
    auto& [events, reader] = fed;
    CHECK(events.empty());
    CHECK(reader.undelivered_events() == 301);
    CHECK(reader.stats().lines.auparse_renewals == 0);
    const std::string later = numbered_exec(1300, "after", false, true, 1700000005);
    const auto first_end = later.find('\n') + 1;
    reader.feed(later.substr(0, first_end));
    CHECK(reader.stats().lines.auparse_renewals == 1);
    REQUIRE(events.size() == 301);
    CHECK(events.front().sequence == 99);
    for (std::size_t i = 1; i < events.size(); ++i) {
        CHECK(events[i].sequence == 999 + i);
        CHECK(events[i].process.command_line == "true a" + std::to_string(999 + i));
    }
    reader.feed(later.substr(first_end));
    REQUIRE(events.size() == 302);  // at its PROCTITLE
    CHECK(events.back().process.working_directory == "/srv/after");
    reader.finish();
    CHECK(events.size() == 302);
    CHECK(reader.pending_events() == 0);
    CHECK(reader.stats().lines.events_abandoned == 0);
}

TEST_CASE("records after an event's EOE do not reopen it while libauparse still holds it") {
    std::vector<ecs::Event> events;
    audit::AuditReader reader({}, [&](ecs::Event&& e) { events.push_back(std::move(e)); });
    // An older event left open keeps the exec in libauparse after its EOE.
    reader.feed(
        "type=SYSCALL msg=audit(1700000000.100:99): arch=c000003e syscall=56 success=yes exit=31 "
        "a0=1200011 a1=0 a2=0 a3=0 items=0 ppid=1 pid=30 auid=0 uid=0 gid=0 euid=0 suid=0 "
        "fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3 comm=\"bash\" exe=\"/usr/bin/bash\"\n" +
        exec_event(
            "type=EXECVE msg=audit(1700000000.123:100): argc=2 a0=\"iptables\" a1=\"-F\"\n") +
        "type=EOE msg=audit(1700000000.123:100): \n"
        "type=CWD msg=audit(1700000000.123:100): cwd=\"/tmp\"\n");
    REQUIRE(events.size() == 1);
    CHECK(events[0].process.working_directory == "/root");
    CHECK(reader.stats().lines.records_skipped == 1);
    reader.finish();
    CHECK(events.size() == 2);  // the fork; the exec not again
}

TEST_CASE("an empty first arg still counts in the command line") {
    const auto events = read_all(
        exec_event("type=EXECVE msg=audit(1700000000.123:100): argc=2 a0=\"\" a1=\"-F\"\n"));
    REQUIRE(events.size() == 1);
    CHECK(events[0].process.command_line == " -F");
}

TEST_CASE("a chunk of a short arg that straddles a record keeps its quotes' meaning") {
    // Seen in a 2,500-argument systemctl: a318 was chunked because it reached the end of a
    // record, and its chunk stayed quoted (L counts characters); a long arg's chunks are hex.
    const auto events = read_all(exec_event(
        "type=EXECVE msg=audit(1700000000.123:100): argc=3 a0=\"systemctl\" a1_len=16 "
        "a1[0]=\"unit-317.service\"\n"
        "type=EXECVE msg=audit(1700000000.123:100):  a2_len=12 a2[0]=\"unit-\" a2[1]=333138\n"));
    REQUIRE(events.size() == 1);
    CHECK(events[0].process.args ==
          std::vector<std::string>{"systemctl", "unit-317.service", "unit-318"});
    CHECK(events[0].process.command_line == "systemctl unit-317.service unit-318");
}

namespace {
// An exec as `ausearch -m SYSCALL,EXECVE` leaves it: no PATH record.
std::string exec_without_path(const std::string& comm, const std::string& exe) {
    return "type=SYSCALL msg=audit(1700000000.123:100): arch=c000003e syscall=59 success=yes "
           "exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=10 pid=20 auid=1000 uid=1000 gid=1000 "
           "euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"" +
           comm + "\" exe=\"" + exe +
           "\" key=\"exec\"\n"
           "type=EXECVE msg=audit(1700000000.123:100): argc=2 a0=\"x\" a1=\"-F\"\n";
}
}  // namespace

TEST_CASE("without a PATH record, process.name is comm unless comm was cut") {
    SECTION("an uncut comm is Defend's name, not the symlink target's basename") {
        const auto events = read_all(exec_without_path("iptables", "/usr/sbin/xtables-nft-multi"));
        REQUIRE(events.size() == 1);
        CHECK(events[0].process.name == "iptables");
        CHECK(events[0].process.executable == "/usr/sbin/xtables-nft-multi");
    }
    SECTION("a 15-byte comm the executable's basename continues is the basename") {
        const auto events =
            read_all(exec_without_path("xtables-nft-mul", "/usr/sbin/xtables-nft-multi"));
        REQUIRE(events.size() == 1);
        CHECK(events[0].process.name == "xtables-nft-multi");
    }
    SECTION("a 15-byte comm of a script (exe is the interpreter) stays comm") {
        const auto events = read_all(exec_without_path("init.ipv6-globa", "/usr/bin/bash"));
        REQUIRE(events.size() == 1);
        CHECK(events[0].process.name == "init.ipv6-globa");
    }
}

TEST_CASE("clone with CLONE_THREAD is a thread, not a fork") {
    audit::ReaderStats stats;
    const auto events = read_all(
        "type=SYSCALL msg=audit(1700000000.100:200): arch=c000003e syscall=56 success=yes "
        "exit=32 a0=3d0f00 a1=7f0000 a2=7f0001 a3=7f0002 items=0 ppid=1 pid=30 auid=0 uid=0 "
        "gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3 comm=\"java\" "
        "exe=\"/usr/bin/java\" key=\"fork\"\n",
        {}, &stats);
    CHECK(events.empty());
    CHECK(stats.builder.threads == 1);
    CHECK(stats.builder.forks == 0);
}

TEST_CASE("node= names the host, the entity-id node and host.id; --host-id overrides host.id") {
    const std::string text =
        "node=web1 type=SYSCALL msg=audit(1700000000.100:200): arch=c000003e syscall=56 "
        "success=yes exit=31 a0=1200011 a1=0 a2=0 a3=0 items=0 ppid=1 pid=30 auid=0 uid=0 "
        "gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3 comm=\"bash\" "
        "exe=\"/usr/bin/bash\" key=\"fork\"\n";
    auto events = read_all(text);
    REQUIRE(events.size() == 1);
    CHECK(events[0].host_name == "web1");
    CHECK(events[0].node == "web1");
    CHECK(events[0].host_id == "web1");
    audit::ReaderOptions options;
    options.builder.host_id = "5f1a";
    options.builder.host_name = "ignored";
    events = read_all(text, options);
    REQUIRE(events.size() == 1);
    CHECK(events[0].host_id == "5f1a");
    CHECK(events[0].host_name == "web1");
    // Without node=: the configured name, and no node for entity ids.
    events = read_all(text.substr(std::string("node=web1 ").size()), options);
    REQUIRE(events.size() == 1);
    CHECK(events[0].host_name == "ignored");
    CHECK(events[0].node.empty());
    // Neither node= nor --host-name: host.name absent (never guessed); host.id is never
    // absent, as sequence rules join on it.
    events = read_all(text.substr(std::string("node=web1 ").size()));
    REQUIRE(events.size() == 1);
    CHECK_FALSE(events[0].host_name.has_value());
    CHECK(ecs::get_field(events[0], ecs::FieldId::HostName).missing());
    CHECK(events[0].host_id == "unknown");
}

TEST_CASE("an ENRICHED tail whose 0x1d was escaped (#035) or dropped on the way is still read") {
    const std::string head =
        "type=SYSCALL msg=audit(1700000000.123:100): arch=c000003e syscall=59 success=yes "
        "exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=10 pid=20 auid=1000 uid=1000 gid=1000 euid=0 "
        "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"aARCH=x\" "
        "exe=\"/usr/sbin/xtables-nft-multi\" key=\"priv_esc\"";
    const std::string tail =
        "ARCH=x86_64 SYSCALL=execve AUID=\"alice\" UID=\"alice\" GID=\"staff\" EUID=\"root\" "
        "SUID=\"root\" FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\"\n"
        "type=EXECVE msg=audit(1700000000.123:100): argc=2 a0=\"iptables\" a1=\"-F\"\n"
        "type=PATH msg=audit(1700000000.123:100): item=0 name=\"/usr/sbin/iptables\" "
        "nametype=NORMAL\n";
    for (const std::string separator : {"#035", ""}) {
        INFO("separator: '" << separator << "'");
        const auto events = read_all(std::string(head).append(separator).append(tail));
        REQUIRE(events.size() == 1);
        const ecs::Event& e = events[0];
        CHECK(e.auditd.key == "priv_esc");
        CHECK(e.auditd.comm == "aARCH=x");  // a value a process controls never cuts the record
        CHECK(e.user.name == "root");
        CHECK(e.user_real.name == "alice");
        CHECK(e.auditd.auid_name == "alice");
        CHECK(e.process.name == "iptables");
    }
}

}  // namespace test_reader
