// Every query of the Elastic Linux rules in /work/shared/rules-upstream/linux must compile.
// The TOML is read with a tiny hand parser (the `query = '''...'''` block only); failures are
// listed with the rule file and the compiler's line:column message. Every upstream event query's
// leaves are checked for the operands the compiler copies into them for the evaluator.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "eql/compiler.hpp"
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

// The queries of every event-query rule under rules-upstream (sequence and sample rules are
// compiled stage by stage elsewhere), with their file names.
std::vector<std::pair<std::string, std::string>> event_queries() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& entry :
         fs::recursive_directory_iterator(fs::path(AUDISP_SHARED_DIR) / "rules-upstream")) {
        if (entry.path().extension() != ".toml") continue;
        std::string query = extract_query(read_file(entry.path()));
        const std::size_t start = query.find_first_not_of(" \n");
        if (start == std::string::npos) continue;  // no query: nothing to check
        if (query.compare(start, 8, "sequence") == 0 || query.compare(start, 6, "sample") == 0) {
            continue;
        }
        out.emplace_back(entry.path().filename().string(), std::move(query));
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Checks what the compiler copied into each query leaf for holds() against the children it
// was copied from; counts the leaves checked in `leaves`.
void check_hoisted(const eql::Node& n, std::size_t& leaves) {
    for (const eql::Node& c : n.children) check_hoisted(c, leaves);
    const bool on_field =
        n.query && !n.children.empty() && n.children[0].kind == eql::NodeKind::Field;
    if (!on_field) {
        CHECK(n.subject == ecs::FieldId::Count_);
        CHECK_FALSE(n.equals_text);
        return;
    }
    ++leaves;
    CHECK(n.subject == n.children[0].field);
    const bool eq_text = n.kind == eql::NodeKind::Compare && n.compare == eql::ast::CompareOp::Eq &&
                         n.children[1].constant.is_string();
    CHECK(n.equals_text == eq_text);
    if (eq_text) {
        // The view is of the child's own bytes, not a copy that could go stale.
        CHECK(n.wanted.data() == n.children[1].constant.as_string().data());
        CHECK(n.wanted.size() == n.children[1].constant.as_string().size());
    }
    if (n.kind == eql::NodeKind::In && n.string_items) {
        // The merged first-byte screen admits every item's first byte, in both cases for in~.
        for (const std::string& item : n.sorted_items) {
            if (item.empty()) continue;
            CHECK(n.first_bytes.has(item.front()));
            if (n.insensitive && item.front() >= 'a' && item.front() <= 'z') {
                CHECK(n.first_bytes.has(static_cast<char>(item.front() - 'a' + 'A')));
            }
        }
    }
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

TEST_CASE("upstream rules: query leaves carry their field and text for holds()",
          "[eql][upstream]") {
    const auto queries = event_queries();
    REQUIRE(queries.size() >= 144);
    std::size_t leaves = 0;
    for (const auto& [file, query] : queries) {
        INFO(file);
        check_hoisted(eql::compile_program(query)->root, leaves);
    }
    // Every rule tests at least one field against constants.
    CHECK(leaves >= queries.size());
}
}  // namespace test_upstream_rules
