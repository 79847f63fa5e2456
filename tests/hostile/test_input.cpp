// Hostile and broken audit input through the real line filter, libauparse and event builder:
// nothing crashes or hangs (every case finishes, most with a time bound), every skip is
// counted in ReaderStats, and the valid events around a bad one come out intact.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "ecs/json.hpp"
#include "ecs/timestamp.hpp"
#include "process/process_table.hpp"
#include "support.hpp"

namespace test_input {

using hostile_support::Exec;
using hostile_support::exec_records;
using hostile_support::read;
using Kind = audit::MalformedKind;

namespace {

uint64_t malformed(const audit::ReaderStats& stats, Kind kind) {
    return stats.lines.malformed[static_cast<std::size_t>(kind)];
}

// Events 101 (iptables -F) and 103 (ls -l) around whatever a test puts between them.
std::string before() {
    Exec e;
    e.stamp = hostile_support::stamp(101);
    e.pid = "101";
    return exec_records(e);
}
std::string after() {
    Exec e;
    e.stamp = hostile_support::stamp(103);
    e.pid = "103";
    e.path = "/usr/bin/ls";
    e.exe = "/usr/bin/ls";
    e.args = {"ls", "-l"};
    return exec_records(e);
}

// Both neighbours came out whole.
void check_neighbours(const std::vector<ecs::Event>& events) {
    const ecs::Event* first = hostile_support::by_serial(events, 101);
    REQUIRE(first != nullptr);
    CHECK(first->process.pid == 101);
    CHECK(first->process.name == "iptables");
    CHECK(first->process.args == std::vector<std::string>{"iptables", "-F"});
    const ecs::Event* last = hostile_support::by_serial(events, 103);
    REQUIRE(last != nullptr);
    CHECK(last->process.pid == 103);
    CHECK(last->process.name == "ls");
    CHECK(last->process.args == std::vector<std::string>{"ls", "-l"});
}

// Event 102 (iptables -F) with its EXECVE record's fields replaced by `execve_fields`.
std::string event_102_with_execve(const std::string& execve_fields) {
    const std::string stamp = hostile_support::stamp(102);
    std::string event = exec_records(Exec{.stamp = stamp, .pid = "102"});
    const auto execve = event.find("type=EXECVE");
    const auto end = event.find('\n', execve);
    event.replace(execve, end - execve, "type=EXECVE msg=audit(" + stamp + "): " + execve_fields);
    return event;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("a record cut short mid-line costs only its own event") {
    const std::string cut = exec_records(Exec{.stamp = hostile_support::stamp(102), .pid = "102"});
    // SYSCALL cut in the middle of a field, then the rest of the event's records lost.
    const auto result = read(before() + cut.substr(0, 90) + "\n" + after());
    check_neighbours(result.events);
    // What survived of 102 (syscall=59 success=yes) is an exec that knows nothing more: no
    // pid, no args, nothing borrowed from the neighbours.
    if (const ecs::Event* cut_event = hostile_support::by_serial(result.events, 102)) {
        CHECK_FALSE(cut_event->process.pid.has_value());
        CHECK_FALSE(cut_event->process.args.has_value());
    }
    CHECK(result.stats.lines.malformed_total() == 0);  // a short record is still a record
}

TEST_CASE("input that ends inside a record completes what it can") {
    const std::string last = exec_records(Exec{.stamp = hostile_support::stamp(102), .pid = "102"});
    for (const std::size_t keep :
         {std::size_t{10}, std::size_t{60}, last.size() / 2, last.size() - 1}) {
        const auto result = read(before() + after() + last.substr(0, keep));
        check_neighbours(result.events);
    }
}

TEST_CASE("interleaved records of two events are reassembled per event") {
    const std::string a = before();
    const std::string b = after();
    std::string mixed;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() || j < b.size()) {
        const auto next_a = a.find('\n', i);
        if (next_a != std::string::npos) {
            mixed += a.substr(i, next_a + 1 - i);
            i = next_a + 1;
        } else {
            i = a.size();
        }
        const auto next_b = b.find('\n', j);
        if (next_b != std::string::npos) {
            mixed += b.substr(j, next_b + 1 - j);
            j = next_b + 1;
        } else {
            j = b.size();
        }
    }
    const auto result = read(mixed);
    check_neighbours(result.events);
    CHECK(result.events.size() == 2);
}

TEST_CASE("one event split across two reads at every offset gives the same events") {
    const std::string middle = exec_records(Exec{.stamp = hostile_support::stamp(102),
                                                 .pid = "102",
                                                 .args = {"iptables", "-X", "a b", "c\"d"}});
    const std::string text = before() + middle + after();
    const auto expected = hostile_support::as_json(read(text).events);
    REQUIRE(expected.size() == 3);
    std::size_t mismatches = 0;
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
        if (hostile_support::as_json(read(text, {cut}).events) != expected) ++mismatches;
    }
    CHECK(mismatches == 0);
    // And one byte per read, and three reads at arbitrary places.
    CHECK(hostile_support::as_json(hostile_support::read_chunked(text, 1).events) == expected);
    for (std::size_t cut = 1; cut + 700 < text.size(); cut += 97) {
        CHECK(hostile_support::as_json(read(text, {cut, cut + 7, cut + 700}).events) == expected);
    }
}

TEST_CASE(
    "out-of-order serials: every event comes out, and an older exec never overwrites a "
    "newer one in the process table") {
    Exec newer{.stamp = hostile_support::stamp(205),
               .pid = "50",
               .path = "/usr/bin/new",
               .exe = "/usr/bin/new",
               .args = {"new"}};
    Exec older{.stamp = hostile_support::stamp(201),
               .pid = "50",
               .path = "/usr/bin/old",
               .exe = "/usr/bin/old",
               .args = {"old"}};
    Exec child{.stamp = hostile_support::stamp(206), .pid = "51", .ppid = "50"};
    const auto result = read(exec_records(newer) + exec_records(older) + exec_records(child));
    REQUIRE(result.events.size() == 3);
    process::ProcessTable table(process::TableOptions{});
    std::vector<ecs::Event> events = result.events;
    for (auto& e : events) table.apply(e);
    const ecs::Event* c = hostile_support::by_serial(events, 206);
    REQUIRE(c != nullptr);
    CHECK(c->parent.name == "new");
    CHECK(table.stats().stale_updates == 1);
}

TEST_CASE("duplicated records and a replayed event do not crash or corrupt the neighbours") {
    const std::string event =
        exec_records(Exec{.stamp = hostile_support::stamp(102), .pid = "102"});
    std::string doubled;  // every record of event 102 twice in a row
    for (std::size_t at = 0; at < event.size();) {
        const auto nl = event.find('\n', at);
        const std::string line = event.substr(at, nl + 1 - at);
        doubled += line + line;
        at = nl + 1;
    }
    const auto result = read(before() + doubled + after() + event + event);
    check_neighbours(result.events);
    const ecs::Event* dup = hostile_support::by_serial(result.events, 102);
    REQUIRE(dup != nullptr);
    CHECK(dup->process.pid == 102);
    CHECK(dup->process.name == "iptables");
}

TEST_CASE("CRLF line ends read exactly as LF, a lone CR inside a line is skipped and counted") {
    const std::string text = before() + after();
    std::string crlf;
    for (const char c : text) {
        if (c == '\n') crlf += '\r';
        crlf += c;
    }
    CHECK(hostile_support::as_json(read(crlf).events) ==
          hostile_support::as_json(read(text).events));
    const auto result =
        read(before() + "type=SYSCALL msg=audit(1700000000.102:102): arch=c000003e\rsyscall=59\n" +
             after());
    check_neighbours(result.events);
    CHECK(malformed(result.stats, Kind::Binary) == 1);
}

TEST_CASE("NUL and other binary bytes: the line is skipped and counted, the rest survives") {
    std::string nul_line = "type=SYSCALL msg=audit(1700000000.102:102): pid=1";
    nul_line += std::string("\0\0\0", 3) + " syscall=59\n";
    auto result = read(before() + nul_line + "\x1b[2J\x01\x02\xff\n" + after());
    check_neighbours(result.events);
    CHECK(malformed(result.stats, Kind::Binary) == 2);

    // A NUL inside an EXECVE record drops that record only: args fall back to PROCTITLE.
    std::string event = exec_records(Exec{.stamp = hostile_support::stamp(102), .pid = "102"});
    const auto argc = event.find("argc=");
    event.insert(argc, std::string(1, '\0'));
    result = read(before() + event + after());
    check_neighbours(result.events);
    const ecs::Event* e = hostile_support::by_serial(result.events, 102);
    REQUIRE(e != nullptr);
    CHECK(e->auditd.args_source == "proctitle");
    CHECK(e->process.args == std::vector<std::string>{"iptables", "-F"});
    CHECK(result.stats.builder.without_execve == 1);

    // 64 KiB of random bytes (newlines included) between two valid events.
    std::mt19937 random(1234);
    std::string noise(std::size_t{64} * 1024, '\0');
    for (char& c : noise) c = static_cast<char>(random() & 0xff);
    result = read(before() + "\n" + noise + "\n" + after());
    check_neighbours(result.events);
    CHECK(result.stats.lines.malformed_total() > 0);
}

TEST_CASE("lines of 1 MiB and more are skipped and counted with bounded memory") {
    audit::ReaderOptions options;  // default limit: 128 KiB
    const std::string mib(1 << 20, 'A');
    const std::string line =
        "type=EXECVE msg=audit(1700000000.102:102): argc=1 a0=\"" + mib + "\"\n";
    auto result = read(before() + line + after(), {}, options);
    check_neighbours(result.events);
    CHECK(malformed(result.stats, Kind::OverLong) == 1);

    // The same line in 4 KiB reads, and again without its newline at the very end.
    result = hostile_support::read_chunked(
        before() + line + after() + line.substr(0, line.size() - 1), 4096, options);
    check_neighbours(result.events);
    CHECK(malformed(result.stats, Kind::OverLong) == 2);

    // Exactly at the limit is a record; one byte more is not.
    options.max_line_bytes = 4096;
    const std::string head = "type=UNKNOWN[1999] msg=audit(1700000000.102:102): x=";
    const std::string at_limit = head + std::string(4096 - head.size(), 'x') + "\n";
    const std::string over = head + std::string(4097 - head.size(), 'x') + "\n";
    result = read(at_limit + over, {}, options);
    CHECK(malformed(result.stats, Kind::OverLong) == 1);
    CHECK(result.stats.lines.lines == 2);

    // 256 MiB of one line in 64 KiB reads: memory stays flat, the events after it survive.
    std::vector<ecs::Event> events;
    audit::AuditReader counting(audit::ReaderOptions{},
                                [&](ecs::Event&& e) { events.push_back(std::move(e)); });
    const std::string piece(std::size_t{64} * 1024, 'B');
    counting.feed(before());
    counting.feed("type=EXECVE msg=audit(1700000000.102:102): a0=\"");
    const std::size_t rss_before = hostile_support::resident_bytes();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 4096; ++i) counting.feed(piece);
    const std::size_t rss_after = hostile_support::resident_bytes();
    counting.feed("\"\n" + after());
    counting.finish();
    check_neighbours(events);
    CHECK(counting.stats().lines.malformed[static_cast<std::size_t>(Kind::OverLong)] == 1);
    if (!hostile_support::kAddressSanitizer)
        CHECK(rss_after < rss_before + (std::size_t{16} << 20));
    CHECK(seconds_since(start) < 30.0);
}

TEST_CASE("EXECVE with argc=100000 across kernel-sized records is joined in bounded time") {
    Exec big{.stamp = hostile_support::stamp(102), .pid = "102"};
    big.args.clear();
    for (int i = 0; i < 100000; ++i) big.args.push_back("a" + std::to_string(i));
    const std::string text = before() + exec_records(big) + after();
    const auto start = std::chrono::steady_clock::now();
    const auto result = read(text);
    const double took = seconds_since(start);
    check_neighbours(result.events);
    const ecs::Event* e = hostile_support::by_serial(result.events, 102);
    REQUIRE(e != nullptr);
    REQUIRE(e->process.args.has_value());
    CHECK(e->process.args->size() == 100000);
    CHECK(e->process.args->back() == "a99999");
    CHECK(e->auditd.argc == 100000);
    CHECK(result.stats.builder.argc_mismatch == 0);
    CHECK(took < 30.0);
    std::printf("EXECVE argc=100000 (%zu bytes of records) read in %.3f s\n", text.size(), took);
}

TEST_CASE("an argc that disagrees, sparse and absurd arg indexes are counted, not trusted") {
    const std::string event = event_102_with_execve(
        "argc=100000 a0=\"iptables\" a1=\"-F\" a1048575=\"x\" a99999999999999999999=\"y\" "
        "a-1=\"z\"");
    const auto start = std::chrono::steady_clock::now();
    const auto result = read(before() + event + after());
    check_neighbours(result.events);
    const ecs::Event* e = hostile_support::by_serial(result.events, 102);
    REQUIRE(e != nullptr);
    CHECK(e->auditd.argc == 100000);
    CHECK(result.stats.builder.argc_mismatch == 1);
    CHECK(e->process.args->front() == "iptables");
    CHECK(e->process.args->size() <= 3);
    CHECK(seconds_since(start) < 10.0);
}

TEST_CASE("invalid hex values are kept as written and counted") {
    const std::string event =
        event_102_with_execve("argc=4 a0=\"iptables\" a1=ZZ a2=ABC a3_len=4 a3[0]=4G4");
    const auto result = read(before() + event + after());
    check_neighbours(result.events);
    const ecs::Event* e = hostile_support::by_serial(result.events, 102);
    REQUIRE(e != nullptr);
    REQUIRE(e->process.args.has_value());
    CHECK(e->process.args->size() == 4);
    CHECK((*e->process.args)[1] == "ZZ");
    CHECK((*e->process.args)[2] == "ABC");
    CHECK(result.stats.builder.invalid_fields >= 3);
}

TEST_CASE("a PROCTITLE-only event and events whose SYSCALL never arrives emit nothing") {
    const std::string stamp = hostile_support::stamp(102);
    const std::string proctitle_only =
        "type=PROCTITLE msg=audit(" + stamp + "): proctitle=69707461626C6573002D46\n";
    auto result = read(before() + proctitle_only + after());
    check_neighbours(result.events);
    CHECK(result.events.size() == 2);

    // Every record of event 102 but its SYSCALL.
    const std::string event = exec_records(Exec{.stamp = stamp, .pid = "102"});
    const std::string orphan = event.substr(event.find('\n') + 1);
    result = read(before() + orphan + after());
    check_neighbours(result.events);
    CHECK(result.events.size() == 2);

    // 20000 of them: bounded time, and the valid events still come out.
    std::string flood = before();
    for (uint64_t serial = 1000; serial < 21000; ++serial) {
        const std::string s = hostile_support::stamp(serial);
        flood.append("type=EXECVE msg=audit(").append(s).append("): argc=1 a0=\"x\"\n");
        flood.append("type=CWD msg=audit(").append(s).append("): cwd=\"/\"\n");
    }
    flood += after();
    const auto start = std::chrono::steady_clock::now();
    result = read(flood);
    check_neighbours(result.events);
    CHECK(result.events.size() == 2);
    CHECK(seconds_since(start) < 30.0);
}

TEST_CASE("64-bit and out-of-range pids and uids neither crash nor wrap") {
    Exec big{.stamp = hostile_support::stamp(102),
             .pid = "9223372036854775807",
             .ppid = "18446744073709551615",
             .uid = "4294967296"};
    Exec negative{.stamp = hostile_support::stamp(104),
                  .pid = "-5",
                  .ppid = "-9223372036854775808",
                  .uid = "-2"};
    const auto result = read(before() + exec_records(big) + after() + exec_records(negative));
    check_neighbours(result.events);
    const ecs::Event* e = hostile_support::by_serial(result.events, 102);
    REQUIRE(e != nullptr);
    CHECK(e->process.pid == INT64_C(9223372036854775807));
    CHECK_FALSE(e->parent.pid.has_value());  // does not fit: absent, not wrapped
    CHECK(e->user.id == "4294967296");
    process::ProcessTable table(process::TableOptions{});
    std::vector<ecs::Event> events = result.events;
    for (auto& event : events) {
        table.apply(event);
        const std::string line = ecs::dump_line(ecs::to_json(event));
        CHECK(nlohmann::json::accept(line));
    }
}

TEST_CASE("unknown record types are passed over, the events around them survive") {
    const std::string stamp = hostile_support::stamp(102);
    const auto result = read(before() + "type=FOO_BAR msg=audit(" + stamp + "): x=1\n" +
                             "type=UNKNOWN[9999] msg=audit(" + stamp + "): y=2\n" +
                             "type=99999999999999999999 msg=audit(" + stamp + "): z=3\n" +
                             "type= msg=audit(" + stamp + "): z=3\n" + after());
    check_neighbours(result.events);
    CHECK(result.events.size() == 2);
}

TEST_CASE("timestamps from 1970 and 2100 are read and written exactly") {
    const auto result = read(exec_records(Exec{.stamp = "1.000:1", .pid = "1"}) +
                             exec_records(Exec{.stamp = "4102444800.999:2", .pid = "2"}));
    REQUIRE(result.events.size() == 2);
    CHECK(result.events[0].timestamp_us == 1000000);
    CHECK(result.events[1].timestamp_us == INT64_C(4102444800999000));
    CHECK(ecs::format_timestamp(result.events[0].timestamp_us) == "1970-01-01T00:00:01.000000Z");
    CHECK(ecs::format_timestamp(result.events[1].timestamp_us) == "2100-01-01T00:00:00.999000Z");
}

TEST_CASE("an event at second 0 of the epoch is refused, counted, and alone") {
    // libauparse 3.0.9 takes audit(0.xxx:N) for "no timestamp", so the line filter counts such
    // records as malformed (BadStamp) rather than forward them. Documented in SECURITY.md; no
    // kernel writes such a time.
    const auto result =
        read(before() + exec_records(Exec{.stamp = "0.000:102", .pid = "102"}) + after());
    check_neighbours(result.events);
    CHECK(hostile_support::by_serial(result.events, 102) == nullptr);
}

TEST_CASE("forged timestamps past year 9999 or past 64 bits are clamped, never overflow") {
    // Regression (fuzz_reader, UBSan): seconds * 1'000'000 overflowed int64_t.
    const auto result =
        read(exec_records(Exec{.stamp = "99999999999999.999:1", .pid = "1"}) +
             exec_records(Exec{.stamp = "9223372036854775808.000:2", .pid = "2"}) +
             exec_records(Exec{.stamp = "99999999999999999999999.5:3", .pid = "3"}));
    // The first is a valid (if absurd) time; what libauparse makes of the others varies, but
    // whatever comes out is clamped.
    REQUIRE(hostile_support::by_serial(result.events, 1) != nullptr);
    CHECK(hostile_support::by_serial(result.events, 1)->timestamp_us ==
          INT64_C(253402300799999000));
    for (const auto& e : result.events) {
        CHECK(e.timestamp_us >= 0);
        CHECK(e.timestamp_us <= INT64_C(253402300799999999));
        CHECK(ecs::format_timestamp(e.timestamp_us).size() == 27);  // a 4-digit year
    }
}

}  // namespace test_input
