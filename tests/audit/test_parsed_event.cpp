// split_fields must split a record exactly as libauparse does, since the event builder reads the
// line filter's split instead of libauparse's: checked against libauparse itself, on every
// record of the captured logs (and the third-party ones when ../shared is present) and on
// hand-written edge cases.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../fuzz/auparse_oracle.hpp"
#include "audit/decode.hpp"
#include "audit/parsed_event.hpp"
#include "audit/reader.hpp"

namespace test_parsed_event {

namespace {

namespace fs = std::filesystem;

bool is_read_type(std::string_view line) {
    for (const char* type :
         {"type=SYSCALL ", "type=EXECVE ", "type=CWD ", "type=PATH ", "type=PROCTITLE "}) {
        if (line.find(type) != std::string_view::npos) return true;
    }
    return false;
}

// The record's body as the line filter splits it: after "): ", leading spaces and the ENRICHED
// tail cut.
std::string_view body_of(std::string_view line) {
    const auto stamp_end = line.find("): ");
    if (stamp_end == std::string_view::npos) return {};
    std::string_view body = line.substr(stamp_end + 3);
    while (!body.empty() && body.front() == ' ') body.remove_prefix(1);
    return body.substr(0, body.find('\x1d'));
}

struct Compared {
    oracle::Fields ours;
    oracle::Fields theirs;
    std::optional<std::string> our_key;
    std::optional<std::string> their_key;
};

// Both splits of LINE, keys set apart: libauparse re-encodes each key of a hex key list as a
// field of its own; the builder reads the split's raw key through decode_key.
Compared compare(std::string_view line) {
    Compared result;
    audit::split_fields(body_of(line), [&](std::string_view name, std::string_view value) {
        if (name == "key") {
            if (auto key = audit::decode_key(value)) result.our_key = *key;
        } else {
            result.ours.emplace_back(name, value);
        }
    });
    const std::string cut(line.substr(0, line.find('\x1d')));
    const auto theirs = oracle::auparse_fields(cut);
    REQUIRE(theirs.has_value());
    for (const auto& [name, value] : *theirs) {
        if (name == "key") {
            result.their_key = audit::decode_value(value);
        } else {
            result.theirs.emplace_back(name, value);
        }
    }
    return result;
}

void check_same_split(std::string_view line) {
    INFO(line);
    const Compared split = compare(line);
    CHECK(split.ours == split.theirs);
    CHECK(split.our_key == split.their_key);
}

std::vector<fs::path> logs_in(const fs::path& dir) {
    std::vector<fs::path> logs;
    if (!fs::is_directory(dir)) return logs;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".log" || ext == ".txt")) {
            logs.push_back(entry.path());
        }
    }
    return logs;
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::size_t check_logs(const fs::path& dir) {
    std::size_t records = 0;
    for (const auto& log : logs_in(dir)) {
        std::istringstream lines(slurp(log));
        std::string line;
        while (std::getline(lines, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            // Records in audit.log's form only: the syslog and kmsg captures hold the same kind
            // of records behind a prefix libauparse cannot read (test_forwarded_logs.cpp).
            if (!line.starts_with("type=") && !line.starts_with("node=")) continue;
            if (!is_read_type(line) || body_of(line).empty()) continue;
            check_same_split(line);
            ++records;
        }
    }
    return records;
}

}  // namespace

TEST_CASE("split_fields agrees with libauparse on every record of the captured logs") {
    CHECK(check_logs(AUDISP_TEST_DATA_DIR) > 200);
}

TEST_CASE("split_fields agrees with libauparse on the third-party logs") {
    const fs::path corpus = fs::path(AUDISP_SHARED_DIR) / "corpus" / "public";
    // ../shared is part of the build environment (always there in CI): missing is a failure.
    INFO(corpus.string() << " must exist (third-party logs live in ../shared)");
    REQUIRE(fs::is_directory(corpus));
    CHECK(check_logs(corpus) > 50);
}

TEST_CASE("split_fields agrees with libauparse on hand-written edge cases") {
    const std::string stamp = "type=SYSCALL msg=audit(1700000000.123:100): ";
    for (const char* body : {
             "arch=c000003e  syscall=59   success=yes",  // runs of spaces
             "arch=c000003e junk syscall=59",            // a token without '='
             "(pid=12 ppid=1",                           // a name's leading '('
             "a=b: c=d, e=f' g=h) i=j:,')",              // trailing punctuation, in order
             "tty=(none) name=(null) x=(other) y=()",    // (none)/(null) keep their ')'
             "a= b==c c=d=e =f",                         // empty values, '=' inside values
             "msg='op=login acct=root' res=1",           // a user record's msg='...'
             "msg=audit(1.2:3): arch=c000003e msg=x",    // a stamp-like token inside the body
             "key=(null)",
             "key=\"exec\"",
             "key=6578656301667731",        // two keys, 0x01-separated: the last one counts
             "key=65786563013634626974\"",  // hex followed by junk: its hex digits count
             "key= a=: b=) c=' d=,:",       // an empty value is no field; emptied by a cut, it is
             "key=\"first\" key=\"second\"",
             "key=\"kept\" key=0101",    // a hex key with no key in it leaves the key as it was
             "key=6B31006B32",           // a NUL ends the keys (libauparse splits a C string)
             "key=\"kept\" key=006B32",  // ... even before the first one
             "a0=\"ls\" a1=2D6C61 a2[0]=41 a2_len=2",
         }) {
        check_same_split(stamp + body);
    }
}

TEST_CASE("decode_key: quoted, null, hex lists and malformed hex, as libauparse reads them") {
    // The outer optional: whether the value adds a key field; the inner one: the key.
    using Key = std::optional<std::optional<std::string>>;
    CHECK(audit::decode_key("\"exec\"") == Key(std::optional<std::string>("exec")));
    CHECK(audit::decode_key("(null)") == Key(std::optional<std::string>()));
    CHECK(audit::decode_key("6578656301667731") == Key(std::optional<std::string>("fw1")));
    CHECK(audit::decode_key("657865630101") == Key(std::optional<std::string>("exec")));
    CHECK(audit::decode_key("0101") == Key());  // no key in it: adds no field
    CHECK(audit::decode_key("6578656\"") == Key(std::optional<std::string>("exe")));
    CHECK(audit::decode_key("x") == Key(std::optional<std::string>("x")));
    CHECK(audit::decode_key("6B31006B32") == Key(std::optional<std::string>("k1")));
    CHECK(audit::decode_key("006B32") == Key());
}

TEST_CASE("ParsedEvent keeps records and their fields; reset empties it") {
    audit::ParsedEvent event;
    event.add_record(audit::RecordKind::Syscall);
    event.add_fields("arch=c000003e syscall=59 comm=\"ls\"");
    event.add_record(audit::RecordKind::Path);
    event.add_field("name", "\"/bin/ls\"");
    REQUIRE(event.records().size() == 2);
    CHECK(event.records()[0].field_count == 3);
    CHECK(event.field(2).name == "comm");
    CHECK(event.field(2).value == "\"ls\"");
    CHECK(event.records()[1].kind == audit::RecordKind::Path);
    CHECK(event.field(event.records()[1].first_field).value == "\"/bin/ls\"");
    CHECK(event.enriched_or_null() == nullptr);
    event.reset();
    CHECK(event.records().empty());
}

TEST_CASE("every event forwarded to libauparse is handed back by the end of each captured log") {
    for (const auto& log : logs_in(AUDISP_TEST_DATA_DIR)) {
        INFO(log.string());
        uint64_t events = 0;
        audit::AuditReader reader({}, [&](ecs::Event&&) { ++events; });
        reader.feed(slurp(log));
        reader.finish();
        CHECK(reader.pending_events() == 0);
        CHECK(events > 0);
    }
}

}  // namespace test_parsed_event
