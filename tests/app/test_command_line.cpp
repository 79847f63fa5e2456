// The command line as users meet it: -V, the node filter's name and its old alias, the syslog
// settings' checks, and one style for every fatal error.
#include "offline_test_util.hpp"

namespace test_command_line {

using offline_test::data;
using offline_test::run_binary;

namespace {

std::size_t line_count(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("the version: -V and --version print it") {
    for (const char* option : {"-V", "--version"}) {
        const auto run = run_binary({option});
        CHECK(run.status == 0);
        CHECK(run.out.starts_with("audisp-eql "));
        CHECK(line_count(run.out) == 1);
    }
}

TEST_CASE("the node filter: --only-host keeps one host, and --host is its old name") {
    const std::string log = data("syslog-traditional.log").string();
    // event.created pinned: the two runs' alerts are compared byte for byte.
    const auto only = run_binary({"--input", log, "--alerts-format", "json", "--only-host", "WEB1",
                                  "--pin-created", "1764666000"});
    const auto old = run_binary({"--input", log, "--alerts-format", "json", "--host", "web1",
                                 "--pin-created", "1764666000"});
    const auto other =
        run_binary({"--input", log, "--alerts-format", "json", "--only-host", "db1"});
    REQUIRE(only.status == 0);
    REQUIRE(old.status == 0);
    REQUIRE(other.status == 0);
    CHECK(line_count(only.out) == 8);
    CHECK(old.out == only.out);
    CHECK(other.out.empty());
    offline_test::TempDir dir;
    offline_test::write_file(dir / "old.conf", "host = db1\n");
    const auto from_file = run_binary(
        {"--config", (dir / "old.conf").string(), "--input", log, "--alerts-format", "json"});
    CHECK(from_file.status == 0);
    CHECK(from_file.out.empty());
    // The alias is accepted, not advertised.
    const auto help = run_binary({"--help"});
    CHECK_THAT(help.out, Catch::Contains("--only-host"));
    CHECK_THAT(help.out, !Catch::Contains("  --host "));
}

TEST_CASE("every fatal error is one 'audisp-eql: error: ' line naming the option or file") {
    const auto level = run_binary({"--input", "-", "--log-level", "loud"});
    CHECK(level.status == 2);
    CHECK(level.err ==
          "audisp-eql: error: --log-level must be trace, debug, info, warn, error, critical or "
          "off, not 'loud'\n(see audisp-eql --help)\n");
    const auto framing = run_binary({"--input", "-", "--syslog-tcp-framing", "lf"});
    CHECK(framing.status == 2);
    CHECK(framing.err.starts_with(
        "audisp-eql: error: --syslog-tcp-framing must be octet-counting or newline, not 'lf'"));
    const auto sd_id = run_binary({"--input", "-", "--syslog-sd-id", "alert"});
    CHECK(sd_id.status == 2);
    CHECK(sd_id.err.starts_with("audisp-eql: error: --syslog-sd-id: SD-ID 'alert' needs one '@'"));
    const auto udp = run_binary({"--input", "-", "--syslog-udp-max-bytes", "1000"});
    CHECK(udp.status == 2);
    CHECK(udp.err.starts_with("audisp-eql: error: --syslog-udp-max-bytes must be 2048..65507"));
    // Errors found while running (a missing input) look the same, without the usage hint.
    const auto missing = run_binary({"--input", "/nonexistent/audit.log"});
    CHECK(missing.status == 2);
    CHECK(missing.err.starts_with("audisp-eql: error: "));
    CHECK_THAT(missing.err, Catch::Contains("/nonexistent/audit.log"));
    CHECK(line_count(missing.err) == 1);
}

}  // namespace test_command_line
