// Offline inputs: glob patterns, rotated logs read oldest first, gzip files read directly,
// clear errors for inputs that cannot be read.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "app/input_files.hpp"
#include "offline_test_util.hpp"

namespace test_offline_inputs {

using namespace offline_test;

namespace {

std::vector<std::string> names(const std::vector<app::InputFile>& files) {
    std::vector<std::string> out;
    out.reserve(files.size());
    for (const auto& file : files) out.push_back(fs::path(file.path).filename().string());
    return out;
}

std::string read_all(const app::InputFile& file) {
    app::InputReader reader(file);
    std::string text;
    for (auto chunk = reader.next(); !chunk.empty(); chunk = reader.next()) text.append(chunk);
    return text;
}

// Splits text into `parts` pieces at line ends.
std::vector<std::string> split_lines(const std::string& text, std::size_t parts) {
    std::vector<std::string> out;
    std::size_t begin = 0;
    for (std::size_t i = 1; i <= parts; ++i) {
        std::size_t end = text.size() * i / parts;
        if (i < parts) end = text.find('\n', end) + 1;
        out.push_back(text.substr(begin, end - begin));
        begin = end;
    }
    return out;
}

std::set<uint64_t> alert_serials(const std::string& ndjson) {
    std::set<uint64_t> serials;
    std::istringstream in(ndjson);
    std::string line;
    while (std::getline(in, line)) {
        const auto doc = nlohmann::json::parse(line);
        serials.insert(doc.at("event").at("sequence").get<uint64_t>());
    }
    return serials;
}

}  // namespace

TEST_CASE("offline inputs: rotation keys") {
    using app::rotation_key;
    CHECK(rotation_key("/var/log/audit/audit.log").family == "/var/log/audit/audit.log");
    CHECK(rotation_key("/var/log/audit/audit.log").kind == 2);
    const auto n = rotation_key("/var/log/audit/audit.log.12");
    CHECK(n.family == "/var/log/audit/audit.log");
    CHECK(n.kind == 0);
    CHECK(n.number == 12);
    const auto gz = rotation_key("audit.log.3.gz");
    CHECK(gz.family == "audit.log");
    CHECK(gz.number == 3);
    CHECK(rotation_key("audit.log.gz").family == "audit.log");
    const auto dated = rotation_key("/var/log/audit.log-20260101.gz");
    CHECK(dated.family == "/var/log/audit.log");
    CHECK(dated.kind == 1);
    // A dot in a folder name is not a rotation suffix.
    CHECK(rotation_key("/tmp/x.1/audit").family == "/tmp/x.1/audit");
    CHECK(app::rotation_before(rotation_key("a.log.10"), rotation_key("a.log.2")));
    CHECK(app::rotation_before(rotation_key("a.log.1"), rotation_key("a.log")));
    CHECK_FALSE(app::rotation_before(rotation_key("a.log"), rotation_key("a.log.1")));
}

TEST_CASE("offline inputs: globs and shell lists come out oldest first") {
    TempDir dir;
    for (const char* name : {"audit.log", "audit.log.1", "audit.log.2", "audit.log.10"}) {
        write_file(dir / name, std::string(name) + "\n");
    }
    write_gzip(dir / "audit.log.3.gz", "audit.log.3\n");
    write_file(dir / "other.log", "other\n");
    const std::vector<std::string> expected{"audit.log.10", "audit.log.3.gz", "audit.log.2",
                                            "audit.log.1", "audit.log"};

    SECTION("a quoted glob") {
        const auto files = app::expand_inputs({(dir / "audit.log*").string()});
        CHECK(names(files) == expected);
        CHECK(files.front().sized);
        CHECK(files.front().size == std::string("audit.log.10\n").size());
    }
    SECTION("a list in the shell's alphabetical order, around another file") {
        std::vector<std::string> given{(dir / "other.log").string()};
        for (const char* name :
             {"audit.log", "audit.log.1", "audit.log.10", "audit.log.2", "audit.log.3.gz"}) {
            given.push_back((dir / name).string());
        }
        auto want = expected;
        want.insert(want.begin(), "other.log");
        CHECK(names(app::expand_inputs(given)) == want);
    }
    SECTION("different files keep the order given; duplicates are read once") {
        const auto files =
            app::expand_inputs({(dir / "other.log").string(), (dir / "audit.log").string(),
                                (dir / "other.log").string()});
        CHECK(names(files) == std::vector<std::string>{"other.log", "audit.log"});
    }
    SECTION("gzip is read through, plain text as is") {
        const auto files = app::expand_inputs({(dir / "audit.log.3.gz").string()});
        CHECK(read_all(files.front()) == "audit.log.3\n");
        CHECK(read_all(app::expand_inputs({(dir / "audit.log.1").string()}).front()) ==
              "audit.log.1\n");
    }
}

TEST_CASE("offline inputs: gzip members, large files and the compressed byte count") {
    TempDir dir;
    const std::string log = slurp(data("firewall-disable.log"));
    write_gzip(dir / "one.gz", log);
    app::InputFile one{(dir / "one.gz").string()};
    app::InputReader reader(one);
    std::string text;
    for (auto chunk = reader.next(); !chunk.empty(); chunk = reader.next()) text.append(chunk);
    CHECK(text == log);
    CHECK(reader.compressed());
    CHECK(reader.raw_bytes() == fs::file_size(dir / "one.gz"));

    // Two gzip members one after the other (cat a.gz b.gz) are one stream, as for gzip -d.
    const std::string service = slurp(data("firewall-service.log"));
    write_gzip(dir / "two.gz", service);
    write_file(dir / "both.gz", slurp(dir / "one.gz") + slurp(dir / "two.gz"));
    CHECK(read_all(app::InputFile{(dir / "both.gz").string()}) == log + service);

    // Bigger than every buffer (several MB after decompression).
    std::string big;
    while (big.size() < 12u << 20) big += log;
    write_gzip(dir / "big.gz", big);
    CHECK(read_all(app::InputFile{(dir / "big.gz").string()}) == big);

    // Cut short: an error naming the file, not a silent end.
    const std::string whole = slurp(dir / "big.gz");
    write_file(dir / "cut.gz", whole.substr(0, whole.size() / 2));
    CHECK_THROWS_WITH(read_all(app::InputFile{(dir / "cut.gz").string()}),
                      Catch::Contains("cut.gz") && Catch::Contains("truncated"));
}

TEST_CASE("offline inputs: unreadable inputs are errors that name them") {
    TempDir dir;
    CHECK_THROWS_AS(app::expand_inputs({(dir / "missing.log").string()}), app::InputError);
    CHECK_THROWS_WITH(app::expand_inputs({(dir / "missing.log").string()}),
                      Catch::Contains("missing.log") && Catch::Contains("No such file"));
    CHECK_THROWS_WITH(app::expand_inputs({(dir / "audit.log*").string()}),
                      Catch::Contains("no input file matches"));
    CHECK_THROWS_WITH(app::expand_inputs({dir.path().string()}), Catch::Contains("directory"));

    // The binary: exit status 2 and a message on stderr, before any rule is loaded.
    const BinaryRun run = run_binary({"--input", (dir / "missing.log").string()});
    CHECK(run.status == 2);
    CHECK_THAT(run.err, Catch::Contains("missing.log"));
    CHECK(run.out.empty());
}

TEST_CASE("offline inputs: a capture split into rotated files, some gzip, gives the same alerts") {
    TempDir dir;
    const std::string log = slurp(data("firewall-disable.log"));
    const auto parts = split_lines(log, 4);
    write_gzip(dir / "audit.log.3.gz", parts[0]);
    write_file(dir / "audit.log.2", parts[1]);
    write_gzip(dir / "audit.log.1.gz", parts[2]);
    write_file(dir / "audit.log", parts[3]);

    const BinaryRun whole =
        run_binary({"--input", data("firewall-disable.log").string(), "--alerts-format", "json",
                    "--pin-created", "1764666000"});  // compared byte for byte below
    REQUIRE(whole.status == 0);
    const std::set<uint64_t> expected{1879, 1901, 1913, 1922, 1931, 1945, 1948, 1967};
    CHECK(alert_serials(whole.out) == expected);

    const BinaryRun rotated =
        run_binary({"--input", (dir / "audit.log*").string(), "--alerts-format", "json",
                    "--pin-created", "1764666000"});
    CHECK(rotated.status == 0);
    CHECK(alert_serials(rotated.out) == expected);
    CHECK(rotated.out == whole.out);

    // stdin may be gzip too.
    write_gzip(dir / "stdin.gz", log);
    const BinaryRun piped =
        run_binary({"--input", "-", "--alerts-format", "json", "--pin-created", "1764666000"},
                   (dir / "stdin.gz").string());
    CHECK(piped.status == 0);
    CHECK(piped.out == whole.out);
}

}  // namespace test_offline_inputs
