// fuzz_reader: raw audit text -> AuditReader (line filter, libauparse, event builder) ->
// ProcessTable, fed in two reads split at a point the fuzzer chooses, so records cut at any
// offset are exercised. Checks: every event serialises to one line of valid JSON, the table
// never grows past its cap, the streaming NDJSON writer writes the same bytes as the JSON
// document path, the reader's counters stay consistent, every event forwarded to libauparse is
// handed back, and the line filter splits each record's fields exactly as libauparse does.
//
// Input: audit text, then 4 control bytes at the end: split point (2 bytes), line limit and
// options (1 byte each).
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "audit/decode.hpp"
#include "audit/parsed_event.hpp"
#include "audit/reader.hpp"
#include "auparse_oracle.hpp"
#include "ecs/json.hpp"
#include "ecs/json_writer.hpp"
#include "fuzz_input.hpp"
#include "process/process_table.hpp"

namespace {

constexpr std::size_t kTableCap = 16;
constexpr std::size_t kUnconfirmedCap = 8;

void check_event(const ecs::Event& event, const process::ProcessTable& table) {
    const std::string line = ecs::dump_line(ecs::to_json(event));
    static const ecs::EventJsonWriter writer;
    std::string streamed;
    writer.write(event, streamed);
    fuzz::check(streamed == line, "streamed event JSON equals the document's", line);
    fuzz::check(line.find_first_of(std::string_view("\n\r\0", 3)) == std::string::npos,
                "event JSON is one line", line);
    const auto parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    fuzz::check(!parsed.is_discarded(), "event JSON parses back", line);
    const process::TableStats stats = table.stats();
    fuzz::check(stats.size - stats.unconfirmed <= kTableCap && stats.unconfirmed <= kUnconfirmedCap,
                "process table stays within its caps");
    fuzz::check(stats.bytes == table.recount_bytes(), "process table counts its bytes right");
    if (event.process.pid) {
        const auto chain = table.ancestors(event.host_name.value_or(""), *event.process.pid);
        fuzz::check(chain.size() <= 64, "ancestor walk is bounded");
    }
}

// A line the line filter would split: "[node=N ]type=T msg=audit(...): body", printable.
bool splittable(std::string_view line, std::string_view& body) {
    const std::string_view whole = line;
    for (const char c : line) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\t') || byte == 0x7f) return false;
    }
    if (line.starts_with("node=")) {
        const auto space = line.find(' ');
        if (space == std::string_view::npos || space == 5) return false;
        line.remove_prefix(space + 1);
    }
    const auto space = line.find(' ');
    if (!line.starts_with("type=") || space == std::string_view::npos || space == 5) return false;
    line.remove_prefix(space + 1);
    const auto close = line.find("): ");
    if (!line.starts_with("msg=audit(") || close == std::string_view::npos) return false;
    // libauparse misreads short or second-0 stamps as written (the line filter rewrites or
    // refuses them), so the oracle is asked only about stamps it reads right.
    const std::string_view stamp = line.substr(10, close - 10);
    const auto dot = stamp.find('.');
    const auto colon = stamp.find(':');
    const auto at_close = static_cast<std::size_t>(line.data() - whole.data()) + close;
    if (stamp.find_first_not_of("0123456789.:") != std::string_view::npos ||
        dot == std::string_view::npos || colon == std::string_view::npos || colon < 10 ||
        colon < dot || stamp.substr(0, dot).find_first_not_of('0') == std::string_view::npos ||
        at_close >= (whole.starts_with("node=") ? 340U : 80U)) {
        return false;
    }
    uint64_t millis = 0;
    const std::string_view ms = stamp.substr(dot + 1, colon - dot - 1);
    const auto parsed = std::from_chars(ms.data(), ms.data() + ms.size(), millis);
    if (parsed.ec != std::errc{} || millis > 999) return false;
    body = line.substr(close + 3);
    while (!body.empty() && body.front() == ' ') body.remove_prefix(1);
    return !body.empty();
}

// split_fields against libauparse's own split of the same record (keys compared as the builder
// reads them: libauparse re-encodes each key of a hex key list as a field of its own).
void check_split(std::string_view line) {
    std::string_view body;
    if (!splittable(line, body)) return;
    const auto theirs = oracle::auparse_fields(line);
    if (!theirs) return;
    oracle::Fields ours;
    std::optional<std::string> our_key;
    bool malformed_key = false;
    audit::split_fields(body, [&](std::string_view name, std::string_view value) {
        if (name != "key") {
            ours.emplace_back(name, value);
            return;
        }
        // libauparse decodes a malformed hex key (odd digits, junk after them) in its own way.
        // Its odd last digit is decoded from the string's terminating NUL: not compared.
        const auto digits =
            std::min(value.find_first_not_of("0123456789abcdefABCDEF"), value.size());
        if (value.front() != '"' && value.front() != '(' && (digits % 2 != 0 || digits < 2)) {
            malformed_key = true;
        }
        if (auto key = audit::decode_key(value)) our_key = *key;
    });
    oracle::Fields fields;
    std::optional<std::string> their_key;
    for (const auto& [name, value] : *theirs) {
        if (name == "key") {
            their_key = audit::decode_value(value);
        } else {
            fields.emplace_back(name, value);
        }
    }
    fuzz::check(ours == fields, "split_fields splits as libauparse does", std::string(line));
    if (!malformed_key) {
        fuzz::check(our_key == their_key, "keys read as libauparse reads them", std::string(line));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    fuzz::Input input(data, size);
    const auto split_at = input.take_back<uint16_t>();
    const auto limit = input.take_back<uint8_t>();
    const auto options = input.take_back<uint8_t>();
    const std::string_view text = input.rest();

    audit::ReaderOptions reader_options;
    // Small limits make the over-long path reachable with small inputs.
    if ((options & 1) != 0) reader_options.max_line_bytes = 64 + std::size_t{limit} * 16;
    reader_options.builder.include_failed = (options & 2) != 0;
    if ((options & 4) != 0) reader_options.builder.host_name = "fuzz-host";

    process::TableOptions table_options{kTableCap};
    table_options.max_unconfirmed = kUnconfirmedCap;
    process::ProcessTable table(table_options);
    uint64_t emitted = 0;
    audit::AuditReader reader(reader_options, [&](ecs::Event&& event) {
        table.apply(event);
        check_event(event, table);
        ++emitted;
    });

    const std::size_t split = text.empty() ? 0 : split_at % (text.size() + 1);
    if ((options & 8) != 0) {
        // Byte by byte up to the split: every partial-line path of the line filter.
        for (std::size_t i = 0; i < split; ++i) reader.feed(text.substr(i, 1));
    } else {
        reader.feed(text.substr(0, split));
    }
    reader.age_events();
    reader.feed(text.substr(split));
    reader.finish();

    fuzz::check(reader.pending_events() == 0, "every forwarded event is handed back");
    for (std::size_t at = 0; at < text.size();) {
        const auto end = std::min(text.find('\n', at), text.size());
        check_split(text.substr(at, end - at));
        at = end + 1;
    }

    const audit::ReaderStats stats = reader.stats();
    fuzz::check(stats.lines.bytes == text.size(), "every byte is counted");
    fuzz::check(stats.lines.malformed_total() <= stats.lines.lines, "malformed <= lines");
    fuzz::check(emitted <= stats.builder.events, "at most one process event per audit event");
    return 0;
}
