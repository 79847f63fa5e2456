// The sequence settings (--sequence-reorder-ms, --max-sequence-keys, --max-sequence-bytes,
// --max-sequence-total-bytes): read from the command line and the config file, refused when
// negative or absurd, and what they change in a run: the reorder window decides whether an
// out-of-order pair fires, a tiny key bound evicts (counted), and a SIGHUP reload applies new
// values.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/pipeline.hpp"
#include "offline_test_util.hpp"

namespace test_sequence_settings {

using namespace offline_test;

namespace {

app::ParsedCommandLine parse(const std::vector<std::string>& args) {
    std::vector<const char*> argv{"audisp-eql"};
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    return app::parse_command_line(static_cast<int>(argv.size()), argv.data());
}

// A sequence of two execs, `first` then `second`, of one host (or one pid).
std::string sequence_rule(const std::string& by) {
    return "[rule]\nauthor = [\"test\"]\ndescription = \"d\"\nname = \"First then second\"\n"
           "risk_score = 21\nrule_id = \"seq-settings\"\nseverity = \"low\"\ntype = \"eql\"\n"
           "language = \"eql\"\nquery = '''\nsequence by " +
           by +
           " with maxspan=5s\n"
           "  [process where event.type == \"start\" and process.name == \"first\"]\n"
           "  [process where event.type == \"start\" and process.name == \"second\"]\n'''\n";
}

// An audit time `ms` milliseconds after a fixed second, with its serial.
std::string stamp(int64_t ms, int serial) {
    return std::to_string(1'790'000'000 + ms / 1000) + "." +
           std::to_string(1000 + ms % 1000).substr(1) + ":" + std::to_string(serial);
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

// A text-alert run of the rules in dir/seq.toml over dir/audit.log, with `extra` options.
BinaryRun run_sequence_rule(const TempDir& dir, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--input",      (dir / "audit.log").string(),
                                     "--rules",      (dir / "seq.toml").string(),
                                     "--no-summary", "--alerts-format",
                                     "text"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_binary(args);
}

// `second` is written first although it ran 400 ms later (as a vfork's record comes after its
// child's exec).
const std::string kOutOfOrder = raw_exec_event(stamp(500, 11), 201, 1, "/usr/bin/second") +
                                raw_exec_event(stamp(100, 12), 200, 1, "/usr/bin/first");

}  // namespace

TEST_CASE("sequence settings: command line, config file and their defaults") {
    const app::ParsedCommandLine defaults = parse({"--input", "x.log"});
    REQUIRE_FALSE(defaults.exit_code);
    const engine::SequenceOptions d = defaults.config.sequence_options();
    CHECK(d.reorder_window_us == 1'000'000);
    CHECK(d.limits.max_keys == 8192);
    CHECK(d.limits.max_bytes == std::size_t{8} << 20);
    CHECK(d.max_total_bytes == std::size_t{64} << 20);

    const app::ParsedCommandLine given =
        parse({"--input", "x.log", "--sequence-reorder-ms", "250", "--max-sequence-keys", "16",
               "--max-sequence-bytes", "100000", "--max-sequence-total-bytes", "200000"});
    REQUIRE_FALSE(given.exit_code);
    const engine::SequenceOptions g = given.config.sequence_options();
    CHECK(g.reorder_window_us == 250'000);
    CHECK(g.limits.max_keys == 16);
    CHECK(g.limits.max_bytes == 100000);
    CHECK(g.max_total_bytes == 200000);

    TempDir dir;
    write_file(dir / "settings.conf", "sequence-reorder-ms = 0\nmax-sequence-keys = 3\n");
    const std::string settings = (dir / "settings.conf").string();
    const app::ParsedCommandLine file = parse({"--input", "x.log", "--config", settings});
    REQUIRE_FALSE(file.exit_code);
    CHECK(file.config.sequence_options().reorder_window_us == 0);
    CHECK(file.config.sequence_options().limits.max_keys == 3);
    // The command line wins over the file.
    const app::ParsedCommandLine both =
        parse({"--input", "x.log", "--config", settings, "--max-sequence-keys", "5"});
    REQUIRE_FALSE(both.exit_code);
    CHECK(both.config.sequence_options().limits.max_keys == 5);
}

TEST_CASE("sequence settings: negative and absurd values are exit 2 with a reason") {
    const std::string log = data("firewall-disable.log").string();
    check_negative_refused(log, {"--sequence-reorder-ms", "--max-sequence-keys",
                                 "--max-sequence-bytes", "--max-sequence-total-bytes"});
    const std::vector<std::pair<std::vector<std::string>, std::string>> absurd = {
        {{"--sequence-reorder-ms", "60001"}, "--sequence-reorder-ms must be 0..60000"},
        {{"--max-sequence-keys", "0"}, "--max-sequence-keys must be 1..10000000"},
        {{"--max-sequence-keys", "10000001"}, "--max-sequence-keys must be 1..10000000"},
        {{"--max-sequence-bytes", "1000"}, "--max-sequence-bytes must be 65536..68719476736"},
        {{"--max-sequence-bytes", "99999999999999"},
         "--max-sequence-bytes must be 65536..68719476736"},
        {{"--max-sequence-bytes", "1000000", "--max-sequence-total-bytes", "999999"},
         "--max-sequence-total-bytes must be at least --max-sequence-bytes"},
    };
    for (const auto& [args, message] : absurd) {
        INFO(args[0] << " " << args[1]);
        std::vector<std::string> command = {"--input", log};
        command.insert(command.end(), args.begin(), args.end());
        const BinaryRun run = run_binary(command);
        CHECK(run.status == 2);
        CHECK_THAT(run.err, Catch::Contains(message));
    }
    const BinaryRun file = run_with_settings({"--input", log}, "sequence-reorder-ms = -5\n");
    CHECK(file.status == 2);
    CHECK_THAT(file.err, Catch::Contains("--sequence-reorder-ms takes a whole number >= 0"));
}

TEST_CASE("sequence settings: the reorder window decides whether an out-of-order pair fires") {
    TempDir dir;
    write_file(dir / "seq.toml", sequence_rule("host.id"));
    write_file(dir / "audit.log", kOutOfOrder);
    // Default 1 s: `first` is put back before `second`.
    const BinaryRun ordered = run_sequence_rule(dir);
    CHECK(ordered.status == 0);
    CHECK(count(ordered.out, "First then second") == 1);
    CHECK_THAT(ordered.err, Catch::Contains("sequence_late_events=0"));
    // 0: arrival order. `second` is matched before `first` exists; `first` comes late (counted).
    const BinaryRun unordered = run_sequence_rule(dir, {"--sequence-reorder-ms", "0"});
    CHECK(unordered.status == 0);
    CHECK(count(unordered.out, "First then second") == 0);
    CHECK_THAT(unordered.err, Catch::Contains("sequence_late_events=1"));

    // An event 500 ms newer than `second` arrives before `first`: a 300 ms window has let
    // `second` go by then, a 600 ms one has not.
    write_file(dir / "audit.log", raw_exec_event(stamp(500, 11), 201, 1, "/usr/bin/second") +
                                      raw_exec_event(stamp(1000, 12), 202, 1, "/usr/bin/ls") +
                                      raw_exec_event(stamp(100, 13), 200, 1, "/usr/bin/first"));
    CHECK(count(run_sequence_rule(dir, {"--sequence-reorder-ms", "600"}).out,
                "First then second") == 1);
    const BinaryRun missed = run_sequence_rule(dir, {"--sequence-reorder-ms", "300"});
    CHECK(count(missed.out, "First then second") == 0);
    CHECK_THAT(missed.err, Catch::Contains("sequence_late_events=1"));
}

TEST_CASE("sequence settings: a tiny --max-sequence-keys evicts, and counts it") {
    TempDir dir;
    write_file(dir / "seq.toml", sequence_rule("process.pid"));
    // Two processes start the sequence, then both complete it.
    write_file(dir / "audit.log", raw_exec_event(stamp(0, 10), 300, 1, "/usr/bin/first") +
                                      raw_exec_event(stamp(100, 11), 301, 1, "/usr/bin/first") +
                                      raw_exec_event(stamp(200, 12), 300, 1, "/usr/bin/second") +
                                      raw_exec_event(stamp(300, 13), 301, 1, "/usr/bin/second"));
    const BinaryRun roomy = run_sequence_rule(dir);
    CHECK(count(roomy.out, "First then second") == 2);
    CHECK_THAT(roomy.err, Catch::Contains("sequence_evicted_first_stage=0"));

    const BinaryRun evicted = run_sequence_rule(dir, {"--max-sequence-keys", "1"});
    CHECK(evicted.status == 0);
    // pid 300's pending sequence made room for pid 301's: only 301 completes.
    CHECK(count(evicted.out, "First then second") == 1);
    CHECK_THAT(evicted.out, Catch::Contains("pid=\"301\""));
    CHECK_THAT(evicted.err, Catch::Contains("sequence_evicted_first_stage=1"));
}

TEST_CASE("reload: the sequence settings come from the re-read config") {
    PluginRun run({{"seq.toml", sequence_rule("host.id")}}, "host-id = h1\n",
                  "sequence-reorder-ms = 1000\n");
    REQUIRE(run.sequence_count == 1);
    app::Pipeline& pipeline = *run.pipeline;
    int fired = 0;
    pipeline.set_sequence_handler([&](const engine::SequenceAlert&) { ++fired; });

    pipeline.feed(kOutOfOrder);
    pipeline.age_events();  // idle: the window is released
    CHECK(fired == 1);

    run.write_settings("sequence-reorder-ms = 0\n");
    run.reload();
    REQUIRE(run.config.sequence_reorder_ms == 0);
    // The same out-of-order pair, a second later: arrival order now, so no alert.
    pipeline.feed(raw_exec_event(stamp(1500, 21), 211, 1, "/usr/bin/second") +
                  raw_exec_event(stamp(1100, 22), 210, 1, "/usr/bin/first"));
    pipeline.age_events();
    CHECK(fired == 1);

    run.write_settings("sequence-reorder-ms = 1000\n");
    run.reload();
    pipeline.feed(raw_exec_event(stamp(2500, 31), 221, 1, "/usr/bin/second") +
                  raw_exec_event(stamp(2100, 32), 220, 1, "/usr/bin/first"));
    pipeline.age_events();
    CHECK(fired == 2);
    run.finish();
}

}  // namespace test_sequence_settings
