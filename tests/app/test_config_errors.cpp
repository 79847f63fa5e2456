// Configuration errors are errors: a mistyped rules path, no loadable rule, a signed number, a
// terminal where auditd's stream was expected. Each must stop the run with a message, never
// turn into a run that reports "clean".
#include <catch2/catch.hpp>
#include <string>

#include "app/config.hpp"
#include "offline_test_util.hpp"

namespace test_config_errors {

using namespace offline_test;

namespace {

const std::string kLog = data("firewall-disable.log").string();

}  // namespace

TEST_CASE("a --rules path that does not exist is exit 2, even with --fail-on-alert") {
    const BinaryRun run = run_binary(
        {"--input", kLog, "--rules", "/nonexistent/rulez", "--fail-on-alert", "--no-summary"});
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK_THAT(run.err, Catch::Contains("--rules /nonexistent/rulez: no such file or folder"));

    const BinaryRun check = run_binary({"--check-rules", "--rules", "/nonexistent/rulez"});
    CHECK(check.status == 2);
    CHECK_THAT(check.err, Catch::Contains("/nonexistent/rulez: no such file or folder"));
}

TEST_CASE("a rules folder with no loadable rule is exit 2, offline and in plugin mode") {
    TempDir dir;
    write_file(dir / "README.txt", "no rules here\n");
    const BinaryRun offline =
        run_binary({"--input", kLog, "--rules", dir.path().string(), "--no-summary"});
    CHECK(offline.status == 2);
    CHECK_THAT(offline.err, Catch::Contains("no rule could be loaded from " + dir.path().string() +
                                            "; refusing to run without rules"));

    // Plugin mode (stdin from /dev/null, not a terminal) refuses to start.
    const BinaryRun plugin = run_binary({"--rules", dir.path().string()});
    CHECK(plugin.status == 2);
    CHECK_THAT(plugin.err, Catch::Contains("refusing to run without rules"));
}

TEST_CASE("signed and absurd numbers are refused, not wrapped into 'unbounded'") {
    check_negative_refused(kLog, {"--max-line-bytes", "--max-process-bytes", "--throttle-alerts",
                                  "--sink-queue", "--max-processes"});
    const BinaryRun huge = run_binary({"--input", kLog, "--max-line-bytes", "99999999999999"});
    CHECK(huge.status == 2);
    CHECK_THAT(huge.err, Catch::Contains("--max-line-bytes must be 1024..1073741824"));

    const BinaryRun file = run_with_settings({"--input", kLog}, "max-process-bytes = -1\n");
    CHECK(file.status == 2);
    CHECK_THAT(file.err, Catch::Contains("--max-process-bytes takes a whole number >= 0"));
}

TEST_CASE("the read pacing settings: 1..1000 reads of burst, 0..100000 us of interval") {
    const BinaryRun burst = run_binary({"--input", kLog, "--read-burst", "0"});
    CHECK(burst.status == 2);
    CHECK(burst.err ==
          "audisp-eql: error: --read-burst must be 1..1000, not 0\n(see audisp-eql --help)\n");
    const BinaryRun big_burst = run_with_settings({"--input", kLog}, "read-burst = 1001\n");
    CHECK(big_burst.status == 2);
    CHECK_THAT(big_burst.err, Catch::Contains("--read-burst must be 1..1000, not 1001"));
    const BinaryRun interval = run_binary({"--input", kLog, "--read-interval-us", "100001"});
    CHECK(interval.status == 2);
    CHECK_THAT(interval.err,
               Catch::Contains("--read-interval-us must be 0..100000 (0.1 s), not 100001"));
    check_negative_refused(kLog, {"--read-burst", "--read-interval-us"});
    // The bounds themselves are taken.
    for (const auto& [burst_value, interval_value] :
         {std::pair{"1", "0"}, std::pair{"1000", "100000"}}) {
        const BinaryRun ok = run_binary({"--input", kLog, "--no-summary", "--read-burst",
                                         burst_value, "--read-interval-us", interval_value});
        CHECK(ok.status == 0);
        CHECK_THAT(ok.err, Catch::Contains(" alerts=8 "));
    }
}

TEST_CASE("plugin mode on a terminal says what it expects instead of waiting silently") {
    const BinaryRun run = run_on_terminal({});
    CHECK(run.status == 2);
    CHECK_THAT(run.out, Catch::Contains("stdin is a terminal"));
    CHECK_THAT(run.out, Catch::Contains("use --input FILE"));
}

TEST_CASE("plugin mode on a file warns that parents come from this machine's /proc") {
    const BinaryRun run = run_binary({"--alerts-output", "-", "--log-level", "warn"}, kLog);
    CHECK(run.status == 0);
    CHECK_THAT(run.err, Catch::Contains("stdin is a file"));
    CHECK_THAT(run.err, Catch::Contains("this machine's /proc"));
    CHECK_THAT(run.out, Catch::Contains("Attempt to Disable IPTables or Firewall"));
}

}  // namespace test_config_errors
