// fuzz_reader: raw audit text -> AuditReader (line filter, libauparse, event builder) ->
// ProcessTable, fed in two reads split at a point the fuzzer chooses, so records cut at any
// offset are exercised. Checks: every event serialises to one line of valid JSON, the table
// never grows past its cap, the streaming NDJSON writer writes the same bytes as the JSON
// document path, and the reader's counters stay consistent.
//
// Input: audit text, then 4 control bytes at the end: split point (2 bytes), line limit and
// options (1 byte each).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "audit/reader.hpp"
#include "ecs/json.hpp"
#include "ecs/json_writer.hpp"
#include "fuzz_input.hpp"
#include "process/process_table.hpp"

namespace {

constexpr std::size_t kTableCap = 16;

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
    fuzz::check(table.stats().size <= kTableCap, "process table stays within its cap");
    if (event.process.pid) {
        const auto chain = table.ancestors(event.host_name.value_or(""), *event.process.pid);
        fuzz::check(chain.size() <= 64, "ancestor walk is bounded");
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

    process::ProcessTable table(process::TableOptions{kTableCap});
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

    const audit::ReaderStats stats = reader.stats();
    fuzz::check(stats.lines.bytes == text.size(), "every byte is counted");
    fuzz::check(stats.lines.malformed_total() <= stats.lines.lines, "malformed <= lines");
    fuzz::check(emitted <= stats.builder.events, "at most one process event per audit event");
    return 0;
}
