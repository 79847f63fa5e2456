// A "multi-GB-style" run kept small for CI: a ~50 MB generated log (tests/bench/gen_stream.py)
// cut into rotated files, some gzip, read through a glob; the alerts must be exactly the
// generator's ground truth, which only holds if the files were read in the order written.
// The full-size run is a benchmark command in README.md ("Offline investigation").
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "offline_test_util.hpp"

namespace test_offline_bulk {

using namespace offline_test;

TEST_CASE("offline bulk: 50 MB in five rotated files (two gzip) gives the ground truth") {
    TempDir dir;
    const std::string gen = std::string(AUDISP_SOURCE_DIR) + "/tests/bench/gen_stream.py";
    const std::string command = "python3 " + shell_quote(gen) + " --events 14000 --seed 7 -o " +
                                shell_quote((dir / "whole.log").string()) + " --truth " +
                                shell_quote((dir / "truth.json").string());
    REQUIRE(std::system(command.c_str()) == 0);
    const std::string whole = slurp(dir / "whole.log");
    REQUIRE(whole.size() > (40u << 20));

    // audit.log.4.gz (oldest) ... audit.log (newest), cut at line ends.
    const char* const names[] = {"audit.log.4.gz", "audit.log.3.gz", "audit.log.2", "audit.log.1",
                                 "audit.log"};
    std::size_t begin = 0;
    for (std::size_t i = 0; i < 5; ++i) {
        std::size_t end = i == 4 ? whole.size() : whole.find('\n', whole.size() * (i + 1) / 5) + 1;
        const std::string part = whole.substr(begin, end - begin);
        const std::string name = names[i];
        if (name.ends_with(".gz")) {
            write_gzip(dir / name, part);
        } else {
            write_file(dir / name, part);
        }
        begin = end;
    }
    std::filesystem::remove(dir / "whole.log");

    const BinaryRun run =
        run_binary({"--input", (dir / "audit.log*").string(), "--alerts-format", "json",
                    "--throttle-alerts", "0", "--log-level", "warn", "--fail-on-alert"});
    CHECK(run.status == 1);  // alerts were raised
    CHECK(run.err.empty());

    std::map<std::string, std::set<uint64_t>> got;
    std::istringstream lines(run.out);
    std::string line;
    while (std::getline(lines, line)) {
        const auto doc = nlohmann::json::parse(line);
        got[doc["rule"]["name"].get<std::string>()].insert(
            doc["event"]["sequence"].get<uint64_t>());
    }
    const auto truth = nlohmann::json::parse(slurp(dir / "truth.json"))["alerts"];
    REQUIRE(truth.size() == 2);
    for (const auto& [rule, serials] : truth.items()) {
        INFO(rule);
        const auto expected = serials.get<std::set<uint64_t>>();
        CHECK(!expected.empty());
        CHECK(got[rule] == expected);
    }
}

}  // namespace test_offline_bulk
