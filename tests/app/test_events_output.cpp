// The events output operators ship from: appended to in plugin mode, complete lines only, written
// at least once a second, reopened on SIGHUP, and a full disk is counted and retried, not an exit.
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "app/output_file.hpp"
#include "app/pipeline.hpp"
#include "ecs/json.hpp"
#include "ecs/timestamp.hpp"
#include "offline_test_util.hpp"

namespace test_events_output {

using namespace offline_test;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

const app::OutputFile::Mode kPlugin{.append = true, .keep_going = true};

}  // namespace

TEST_CASE("plugin mode appends to the events output; a restart keeps what was written") {
    TempDir dir;
    const std::string events = (dir / "events.ndjson").string();
    write_file(events, "{\"before\":\"restart\"}\n");
    const BinaryRun run = run_binary({"--alerts-output", (dir / "alerts").string(),
                                      "--events-output", events, "--log-level", "error"},
                                     data("firewall-disable.log").string());
    REQUIRE(run.status == 0);
    const auto lines = lines_of(slurp(events));
    REQUIRE(lines.size() > 1);
    CHECK(lines[0] == "{\"before\":\"restart\"}");
    for (std::size_t i = 1; i < lines.size(); ++i) {
        CHECK(nlohmann::json::parse(lines[i])["event"]["kind"] == "event");
    }
}

TEST_CASE("plugin mode: a full disk under the events output is counted, not an exit") {
    const BinaryRun run =
        run_binary({"--alerts-output", "-", "--events-output", "/dev/full", "--log-level", "info"},
                   data("firewall-disable.log").string());
    CHECK(run.status == 0);
    CHECK_THAT(run.err, Catch::Contains("events output /dev/full: write failed"));
    CHECK_THAT(run.err, Catch::Matches("(.|\\n)*events_written=0 events_dropped=0 "
                                       "events_write_errors=[1-9](.|\\n)*"));
    // Detection went on: the alert is on stdout.
    CHECK_THAT(run.out, Catch::Contains("Attempt to Disable IPTables or Firewall"));
}

TEST_CASE("events are written within a second, not held in a buffer") {
    TempDir dir;
    const std::string path = (dir / "events.ndjson").string();
    app::OutputFile out(path, kPlugin);
    out.write_line("{\"n\":1}");
    CHECK(slurp(path).empty());  // buffered
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    out.flush_if_due();  // the plugin calls this when idle
    CHECK(slurp(path) == "{\"n\":1}\n");
    CHECK(out.stats().written == 1);
}

TEST_CASE("reopen() follows logrotate: new lines go to a new file at the path") {
    TempDir dir;
    const std::string path = (dir / "events.ndjson").string();
    app::OutputFile out(path, kPlugin);
    out.write_line("{\"n\":1}");
    out.flush();
    std::filesystem::rename(path, (dir / "events.ndjson.1"));
    out.write_line("{\"n\":2}");
    out.reopen();  // writes what it holds to the old file, then opens the path again
    out.write_line("{\"n\":3}");
    out.flush();
    CHECK(slurp(dir / "events.ndjson.1") == "{\"n\":1}\n{\"n\":2}\n");
    CHECK(slurp(path) == "{\"n\":3}\n");
    CHECK(out.stats().reopens == 1);
}

TEST_CASE("a disk that fills up mid-write never leaves half a line; the rest is retried") {
    TempDir dir;
    const std::string mount_point = (dir / "small").string();
    std::filesystem::create_directories(mount_point);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (::unshare(CLONE_NEWNS) != 0) ::_exit(77);
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) ::_exit(77);
        if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=64k") != 0) ::_exit(77);
        const std::string path = mount_point + "/events.ndjson";
        int bad = 0;
        {
            app::OutputFile out(path, kPlugin);
            for (int i = 0; i < 2000; ++i) {
                out.write_line("{\"n\":" + std::to_string(i) + ",\"pad\":\"" +
                               std::string(90, 'p') + "\"}");
            }
            out.flush();
            const app::OutputFileStats& stats = out.stats();
            if (stats.write_errors == 0) bad |= 1;
            const std::string text = slurp(path);
            if (text.empty() || text.back() != '\n') bad |= 2;
            const auto lines = lines_of(text);
            for (std::size_t i = 0; i < lines.size(); ++i) {
                const auto doc = nlohmann::json::parse(lines[i], nullptr, false);
                if (doc.is_discarded() || doc["n"] != static_cast<int>(i)) bad |= 4;
            }
            if (lines.size() != stats.written) bad |= 8;
            // Space freed: the lines held back are written on the next attempt, in order.
            std::filesystem::remove(path);
            out.reopen();  // closes the removed file: its space is free again
            out.flush();
            const auto after = lines_of(slurp(path));
            if (after.empty() || nlohmann::json::parse(after[0])["n"] != lines.size()) bad |= 16;
        }
        ::_exit(bad == 0 ? 0 : 10 + bad);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        WARN("no permission for a private mount namespace; full disk not tested");
        return;
    }
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("the events output on stdout together with alerts on stdout is refused") {
    const BinaryRun run =
        run_binary({"--input", data("firewall-disable.log").string(), "--events-output", "-"});
    CHECK(run.status == 2);
    CHECK_THAT(run.err, Catch::Contains("--events-output - and alerts on stdout"));
    TempDir dir;
    const BinaryRun split =
        run_binary({"--input", data("firewall-disable.log").string(), "--events-output", "-",
                    "--alerts-output", (dir / "alerts").string()});
    CHECK(split.status == 0);
    for (const auto& line : lines_of(split.out)) {
        CHECK(nlohmann::json::parse(line)["event"]["kind"] == "event");
    }
}

TEST_CASE("the offline summary shows each output's delivery counters") {
    TempDir dir;
    const std::string alerts = (dir / "alerts.txt").string();
    const std::string events = (dir / "events.ndjson").string();
    const BinaryRun run = run_binary({"--input", data("firewall-disable.log").string(), "--summary",
                                      "--no-tree", "--alerts-format", "text", "--alerts-output",
                                      alerts, "--events-output", events});
    REQUIRE(run.status == 0);
    CHECK_THAT(run.out, Catch::Contains("  output          alerts " + alerts +
                                        ": sent 8, dropped 0, queued 0, errors 0, reconnects 0, "
                                        "truncated 0\n"));
    CHECK_THAT(run.out, Catch::Contains("  output          events " + events +
                                        ": written 97, dropped 0, write errors 0\n"));
}

TEST_CASE("replayed with --pin-created, the events output is byte for byte the same") {
    TempDir dir;
    const auto run_once = [&](const std::string& name, std::vector<std::string> extra) {
        const std::string events = (dir / name).string();
        std::vector<std::string> args{"--input",
                                      data("firewall-disable.log").string(),
                                      "--no-summary",
                                      "--alerts-output",
                                      (dir / "alerts.json").string(),
                                      "--events-output",
                                      events};
        args.insert(args.end(), extra.begin(), extra.end());
        const BinaryRun run = run_binary(args);
        REQUIRE(run.status == 0);
        return slurp(events);
    };
    const std::string first = run_once("one.ndjson", {"--pin-created", "1764666000"});
    const std::string second = run_once("two.ndjson", {"--pin-created", "1764666000"});
    CHECK(first == second);

    const std::vector<std::string> lines = lines_of(first);
    REQUIRE(lines.size() == 97);
    std::set<std::string> ids;
    for (const std::string& line : lines) {
        const auto doc = nlohmann::json::parse(line);
        CHECK(doc["event"]["created"] == "2025-12-02T09:00:00.000000Z");
        ids.insert(doc["event"]["id"].get<std::string>());
    }
    CHECK(ids.size() == lines.size());  // unique per event

    // The clock: a replay keeps every event.id, only event.created moves on.
    const auto before = std::chrono::system_clock::now();
    const std::vector<std::string> live = lines_of(run_once("three.ndjson", {}));
    REQUIRE(live.size() == lines.size());
    const auto first_doc = nlohmann::json::parse(lines.front());
    const auto live_doc = nlohmann::json::parse(live.front());
    CHECK(live_doc["event"]["id"] == first_doc["event"]["id"]);
    CHECK(live_doc["@timestamp"] == first_doc["@timestamp"]);
    const std::string created = live_doc["event"]["created"].get<std::string>();
    const int64_t before_us =
        std::chrono::duration_cast<std::chrono::microseconds>(before.time_since_epoch()).count();
    CHECK(created >= ecs::format_timestamp(before_us));  // same format: text order is time order
}

TEST_CASE("a --pin-created time that is not seconds since the epoch is refused") {
    const BinaryRun run =
        run_binary({"--input", data("firewall-disable.log").string(), "--pin-created", "0"});
    CHECK(run.status == 2);
    CHECK_THAT(run.err, Catch::Contains("--pin-created: expected seconds since the epoch"));
}

TEST_CASE("event.created comes from the pipeline's clock, read once per read of input") {
    int64_t reads = 0;
    app::Pipeline pipeline(app::Config{}, engine::RuleSet{},
                           [](const ecs::Event&, const engine::LoadedRule&) {});
    pipeline.set_clock([&] { return ++reads * 1'000'000; });  // 1 s, 2 s, ... after the epoch
    std::map<int64_t, int> created;
    pipeline.set_event_observer([&](const ecs::Event& e) { ++created[e.created_us]; });
    const std::string log = slurp(data("firewall-disable.log"));
    const std::size_t half = log.find('\n', log.size() / 2) + 1;
    pipeline.feed(std::string_view(log).substr(0, half));
    pipeline.feed(std::string_view(log).substr(half));
    pipeline.finish();
    CHECK(reads == 3);  // two feeds and the end, not one read per event
    REQUIRE(created.size() >= 2);
    CHECK(created.count(1'000'000) == 1);
    CHECK(created.count(2'000'000) == 1);
    int total = 0;
    for (const auto& [at, count] : created) {
        CHECK((at == 1'000'000 || at == 2'000'000 || at == 3'000'000));
        total += count;
    }
    CHECK(total == 97);
}

}  // namespace test_events_output
