// Every query of the Elastic Linux rules in /work/shared/rules-upstream/linux must compile.
// The TOML is read with a tiny hand parser (the `query = '''...'''` block only); failures are
// listed with the rule file and the compiler's line:column message.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "eql/query.hpp"
#include "events.hpp"

namespace test_upstream_rules {

namespace {

namespace fs = std::filesystem;

// The text between `query = '''` and the next `'''`, or "" when the file has none.
std::string extract_query(const std::string& toml) {
    const std::string open = "query = '''";
    const std::size_t start = toml.find(open);
    if (start == std::string::npos) return {};
    const std::size_t body = start + open.size();
    const std::size_t end = toml.find("'''", body);
    if (end == std::string::npos) return {};
    return toml.substr(body, end - body);
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("upstream rules: extract_query reads the literal block", "[eql][upstream]") {
    CHECK(extract_query("a = 1\nquery = '''\nprocess where true\n'''\n") ==
          "\nprocess where true\n");
    CHECK(extract_query("no query here").empty());
}

TEST_CASE("upstream rules: every Elastic Linux rule query compiles", "[eql][upstream]") {
    const fs::path dir = fs::path(AUDISP_SHARED_DIR) / "rules-upstream" / "linux";
    // ../shared is part of the build environment (always there in CI): missing is a failure.
    INFO(dir.string() << " must exist (the team's shared folder beside the repository)");
    REQUIRE(fs::is_directory(dir));
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == ".toml") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    REQUIRE(!files.empty());

    std::size_t compiled = 0;
    std::vector<std::string> failures;
    for (const fs::path& file : files) {
        const std::string query = extract_query(read_file(file));
        if (query.empty()) {
            failures.push_back(file.filename().string() + ": no query = '''...''' block");
            continue;
        }
        try {
            const auto q = eql::CompiledQuery::compile(query);
            CHECK(q.category() == "process");
            // Evaluating and explaining on sparse and full events must not crash or match
            // an event that lacks everything the rule looks at.
            CHECK_FALSE(q.matches(eql_test::event(eql_test::Ev::Missing)));
            CHECK(q.explain(eql_test::event(eql_test::Ev::Full)).size() >= 2);
            ++compiled;
        } catch (const eql::Error& e) {
            failures.push_back(file.filename().string() + ": " + e.what());
        }
    }
    for (const std::string& f : failures) UNSCOPED_INFO(f);
    INFO("compiled " << compiled << " of " << files.size() << " rule queries");
    CHECK(failures.empty());
    CHECK(compiled == files.size());
}

}  // namespace test_upstream_rules
