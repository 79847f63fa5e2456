// What the line filter hands to libauparse (each kept record's header, nothing else) and what it
// keeps aside for the event builder (the fields it reads). The reader tests prove the events
// built from them; test_parsed_event proves the split equals libauparse's.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "audit/line_filter.hpp"

namespace test_line_filter {

namespace {

struct Filtered {
    std::vector<std::string> forwarded;
    audit::LineFilter filter;

    explicit Filtered(const std::string& text)
        : filter(
              {}, [this](std::string_view record) { forwarded.emplace_back(record); }, nullptr) {
        filter.feed(text);
        filter.finish();
    }

    // The fields of the event's records, as "KIND name=value" lines.
    std::vector<std::string> fields(const audit::EventId& id, std::string_view node = "") {
        std::vector<std::string> out;
        const audit::ParsedEvent* event = filter.take_event(node, id).records;
        if (event == nullptr) return out;
        static constexpr const char* kKinds[] = {"SYSCALL", "EXECVE", "CWD", "PATH", "PROCTITLE"};
        for (const auto& record : event->records()) {
            for (uint32_t i = 0; i < record.field_count; ++i) {
                const audit::RecordField field = event->field(record.first_field + i);
                out.push_back(std::string(kKinds[static_cast<int>(record.kind)]) + " " +
                              std::string(field.name) + "=" + std::string(field.value));
            }
        }
        return out;
    }
};

constexpr audit::EventId kExecId{1700000000, 123, 100};
const std::string kStamp = "msg=audit(1700000000.123:100): ";

const char* const kExecSyscall =
    "type=SYSCALL msg=audit(1700000000.123:100): arch=c000003e syscall=59 success=yes exit=0 "
    "a0=1 a1=2 a2=3 a3=4 items=2 ppid=10 pid=20 auid=1000 uid=1000 gid=1000 euid=0 suid=0 "
    "fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"ls\" exe=\"/usr/bin/ls\" key=\"exec\"";

}  // namespace

TEST_CASE("line filter: auparse gets the headers that frame an event; the fields are kept aside") {
    Filtered run(std::string(kExecSyscall) + "\x1d" +
                 "ARCH=x86_64 SYSCALL=execve AUID=\"alice\"\n" + "type=EXECVE " + kStamp +
                 "argc=1 a0=\"ls\"\n" + "type=CWD " + kStamp + "cwd=\"/root\"\n" + "type=PATH " +
                 kStamp +
                 "item=0 name=\"/bin/ls\" inode=1 dev=fe:00 mode=0100755 ouid=0 ogid=0 "
                 "nametype=NORMAL\x1dOUID=\"root\"\n" +
                 "type=PATH " + kStamp + "item=1 name=\"/lib64/ld-linux-x86-64.so.2\" inode=2\n" +
                 "type=PROCTITLE " + kStamp + "proctitle=6C73\n");
    // The record that opens the event and its terminal record: what auparse needs to complete it.
    const std::string head = "msg=audit(1700000000.123:100):\n";
    CHECK(run.forwarded ==
          std::vector<std::string>{"type=SYSCALL " + head, "type=PROCTITLE " + head});
    CHECK(run.filter.pending_events() == 1);
    const audit::ParsedEvent* event = run.filter.take_event("", kExecId).records;
    REQUIRE(event != nullptr);
    REQUIRE(event->enriched_or_null() != nullptr);
    CHECK(event->enriched_or_null()->find(audit::EnrichedKey::Auid) == "alice");
    CHECK(run.filter.pending_events() == 0);
    CHECK(run.filter.take_event("", kExecId).records == nullptr);  // handed over once

    Filtered again(std::string(kExecSyscall) + "\n" + "type=EXECVE " + kStamp +
                   "argc=1 a0=\"ls\"\n" + "type=PATH " + kStamp +
                   "item=0 name=\"/bin/ls\" inode=1\n" + "type=PROCTITLE " + kStamp +
                   "proctitle=6C73\n");
    const auto fields = again.fields(kExecId);
    REQUIRE(fields.size() == 28);  // 25 SYSCALL fields, argc, a0, name
    CHECK(fields.front() == "SYSCALL arch=c000003e");
    CHECK(fields[24] == "SYSCALL key=\"exec\"");
    // PATH: only the name; PROCTITLE: not kept, EXECVE gave the args.
    CHECK(std::vector<std::string>(fields.end() - 3, fields.end()) ==
          std::vector<std::string>{"EXECVE argc=1", "EXECVE a0=\"ls\"", "PATH name=\"/bin/ls\""});
}

TEST_CASE("line filter: an exec without EXECVE keeps its PROCTITLE") {
    Filtered run(std::string(kExecSyscall) + "\n" + "type=PROCTITLE " + kStamp +
                 "proctitle=6C73\n");
    const auto fields = run.fields(kExecId);
    REQUIRE_FALSE(fields.empty());
    CHECK(fields.back() == "PROCTITLE proctitle=6C73");
}

TEST_CASE("line filter: a PATH item 0 without a name is kept without fields") {
    Filtered run("node=web-1 type=PATH msg=audit(1700000000.123:101): item=0 inode=4\n");
    CHECK(run.forwarded ==
          std::vector<std::string>{"node=web-1 type=PATH msg=audit(1700000000.123:101):\n"});
    const audit::ParsedEvent* event =
        run.filter.take_event("web-1", {1700000000, 123, 101}).records;
    REQUIRE(event != nullptr);
    REQUIRE(event->records().size() == 1);
    CHECK(event->records()[0].field_count == 0);
}

TEST_CASE("line filter: records of events no event needs are not forwarded") {
    // stat(2): neither a process, a file-changing nor a socket syscall.
    const std::string stat =
        "type=SYSCALL msg=audit(1700000000.200:300): arch=c000003e syscall=4 success=yes "
        "exit=3 a0=ffffff9c a1=1 a2=0 a3=0 items=1 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 "
        "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"cat\" exe=\"/bin/cat\"\n"
        "type=CWD msg=audit(1700000000.200:300): cwd=\"/\"\n"
        "type=PATH msg=audit(1700000000.200:300): item=0 name=\"/etc/shadow\" inode=5\n"
        "type=USER_LOGIN msg=audit(1700000000.201:301): pid=1 uid=0 msg='op=login'\n";
    Filtered run(stat);
    CHECK(run.forwarded.empty());
    CHECK(run.filter.pending_events() == 0);
    CHECK(run.filter.stats().records_skipped == 4);
}

TEST_CASE("line filter: a record before its SYSCALL opens the event for auparse") {
    // Out of order (hand-made logs): the CWD opens the event, the SYSCALL joins it.
    Filtered run("type=CWD " + kStamp + "cwd=\"/root\"\n" + kExecSyscall + "\n");
    CHECK(run.forwarded == std::vector<std::string>{"type=CWD msg=audit(1700000000.123:100):\n"});
    const auto fields = run.fields(kExecId);
    REQUIRE_FALSE(fields.empty());
    CHECK(fields.front() == "CWD cwd=\"/root\"");
}

TEST_CASE("line filter: a record with an empty node name is malformed, as libauparse drops it") {
    Filtered run("node= " + std::string(kExecSyscall) + "\n");
    CHECK(run.forwarded.empty());
    CHECK(run.filter.stats().malformed[static_cast<std::size_t>(audit::MalformedKind::NoHeader)] ==
          1);
}

TEST_CASE("line filter: headers reach auparse in the form it reads; stamps it cannot are refused") {
    const std::string fields = " arch=c000003e syscall=59 success=yes\n";
    Filtered run("type=SYSCALL msg=audit(0.000:1):" + fields +           // second 0: "no time"
                 "type=SYSCALL msg=audit(0000000000.000:2):" + fields +  // the same
                 "node=" + std::string(300, 'n') + " type=SYSCALL msg=audit(1700000000.000:3):" +
                 fields +                                     // past 340 bytes with a node
                 "type=SYSCALL msg=audit(1.5:4):" + fields +  // 1970: seconds padded
                 "type=SYSCALL msg=audit(1700000000.7000:7):" + fields +  // ms past 999
                 "type=SYSCALL msg=audit(123456.789:5):" + fields +       // readable as written
                 "type=SYSCALL msg=audit(1700000000." + std::string(50, '0') +
                 "1:6):" + fields);  // its ')' past the 80 bytes libauparse reads
    CHECK(run.filter.stats().malformed[static_cast<std::size_t>(audit::MalformedKind::BadStamp)] ==
          5);
    CHECK(run.forwarded == std::vector<std::string>{"type=SYSCALL msg=audit(0000000001.005:4):\n",
                                                    "type=SYSCALL msg=audit(123456.789:5):\n"});
}

TEST_CASE("line filter: events auparse never hands back are given up past a bound, counted") {
    // No auparse here: nothing takes the events, as if auparse had dropped every one.
    std::string text;
    constexpr int kEvents = 20000;
    for (int serial = 1; serial <= kEvents; ++serial) {
        text += "type=SYSCALL msg=audit(1700000000.000:" + std::to_string(serial) +
                "): arch=c000003e syscall=59 success=yes\n";
    }
    Filtered run(text);
    CHECK(run.forwarded.size() == kEvents);
    CHECK(run.filter.pending_events() <= 16384);
    CHECK(run.filter.stats().events_abandoned > 0);
    CHECK(run.filter.pending_events() + run.filter.stats().events_abandoned == kEvents);
    // The newest are still there; the oldest went first.
    CHECK(run.filter.take_event("", {1700000000, 0, kEvents}).records != nullptr);
    CHECK(run.filter.take_event("", {1700000000, 0, 1}).records == nullptr);
}

TEST_CASE("line filter: arch, syscall and success are found in any order, not only the kernel's") {
    // The kernel's order (read without searching) and a hand-edited one (searched for).
    Filtered in_order(
        "type=SYSCALL msg=audit(1700000000.000:1): arch=c000003e syscall=59 success=no exit=-2\n"
        "type=SYSCALL msg=audit(1700000000.000:2): arch=c000003e syscall=4 success=yes\n");
    Filtered reordered(
        "type=SYSCALL msg=audit(1700000000.000:1): exit=-2 success=no syscall=59 arch=c000003e\n"
        "type=SYSCALL msg=audit(1700000000.000:2): syscall=4 arch=c000003e success=yes\n"
        "type=SYSCALL msg=audit(1700000000.000:3): success=yes syscall=59 arch=c000003e\n");
    CHECK(in_order.forwarded.empty());  // a failed exec and a stat: nothing to forward
    CHECK(in_order.filter.stats().failed_execs == 1);
    CHECK(reordered.filter.stats().failed_execs == 1);
    CHECK(reordered.forwarded ==
          std::vector<std::string>{"type=SYSCALL msg=audit(1700000000.000:3):\n"});
}

TEST_CASE("line filter: a control byte anywhere in a line makes it binary; UTF-8 does not") {
    // Every position, so that both the 16-byte blocks of the scan and its overlapping last block
    // are covered (a field added so that the line does not end on a block boundary).
    const std::string line = std::string(kExecSyscall) + " x=1";
    REQUIRE(line.size() > std::size_t{32});  // two blocks and a tail
    REQUIRE(line.size() % 16 != 0);
    // Lines counted as binary when BYTE replaces the line's byte at AT.
    const auto binary_with = [&line](std::size_t at, char byte) {
        std::string changed = line;
        changed[at] = byte;
        Filtered run(changed + "\n");
        return run.filter.stats().malformed[static_cast<std::size_t>(audit::MalformedKind::Binary)];
    };
    for (std::size_t at = 0; at < line.size(); ++at) {
        INFO("position " << at);
        for (const char control : {'\x01', '\x1f', '\x7f', '\0'})
            CHECK(binary_with(at, control) == 1);
        // Tab and the ENRICHED separator 0x1d are the two control bytes records hold.
        for (const char allowed : {'\t', '\x1d'}) CHECK(binary_with(at, allowed) == 0);
    }
    std::string utf8 = line;
    utf8.replace(utf8.find("comm=\"ls\""), 9, "comm=\"\xc3\xa9\xe2\x82\xac\"");
    Filtered run(utf8 + "\n");
    CHECK(run.filter.stats().malformed_total() == 0);
    CHECK(run.forwarded.size() == 1);
}

TEST_CASE("line filter: exactly the control bytes but tab and 0x1d, and DEL, are foreign") {
    const auto kind_count = [](const Filtered& run, audit::MalformedKind kind) {
        return run.filter.stats().malformed[static_cast<std::size_t>(kind)];
    };
    // Every byte value but the newline, inside a record and at its end (the block scan's tail).
    const std::string line = std::string(kExecSyscall);
    for (int value = 0; value < 256; ++value) {
        if (value == '\n') continue;
        const char byte = static_cast<char>(value);
        const bool foreign = (value < 0x20 && value != '\t' && value != 0x1d) || value == 0x7f;
        INFO("byte " << value);
        std::string inside = line;
        inside[inside.size() / 2] = byte;
        CHECK(kind_count(Filtered(inside + "\n"), audit::MalformedKind::Binary) ==
              (foreign ? 1 : 0));
        // A trailing '\r' is a CRLF line end, cut before the scan.
        if (value == '\r') continue;
        CHECK(kind_count(Filtered(line + byte + "\n"), audit::MalformedKind::Binary) ==
              (foreign ? 1 : 0));
    }
    // Lines shorter than a block, one block, and a block and a byte: a control byte anywhere
    // makes them binary, and without one they are merely no records.
    for (std::size_t size = 1; size <= 33; ++size) {
        INFO("size " << size);
        CHECK(kind_count(Filtered(std::string(size, 'x') + "\n"), audit::MalformedKind::NoHeader) ==
              1);
        for (std::size_t at = 0; at < size; ++at) {
            std::string text(size, 'x');
            text[at] = '\x01';
            CHECK(kind_count(Filtered(text + "\n"), audit::MalformedKind::Binary) == 1);
        }
    }
}

TEST_CASE("line filter: the ENRICHED tail is found wherever the separator falls") {
    for (std::size_t pad = 0; pad < 40; ++pad) {
        Filtered run(std::string(kExecSyscall) + std::string(pad, ' ') +
                     "\x1d"
                     "AUID=\"alice\"\n");
        const audit::ParsedEvent* event = run.filter.take_event("", kExecId).records;
        REQUIRE(event != nullptr);
        REQUIRE(event->enriched_or_null() != nullptr);
        CHECK(event->enriched_or_null()->find(audit::EnrichedKey::Auid) == "alice");
        CHECK(event->field(event->records()[0].field_count - 1).value == "\"exec\"");
    }
}

}  // namespace test_line_filter
