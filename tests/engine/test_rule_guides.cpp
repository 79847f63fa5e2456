// engine::without_rule_guides: the [rule] note and setup bodies are emptied before TOML parsing,
// and nothing else of a rule file changes.
#include <toml++/toml.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/rule_guides.hpp"
#include "util/file_text.hpp"

namespace test_rule_guides {

namespace {

namespace fs = std::filesystem;

// The document without [rule].note and [rule].setup.
toml::table without_guides(toml::table document) {
    if (auto* rule = document.get_as<toml::table>("rule")) {
        rule->erase("note");
        rule->erase("setup");
    }
    return document;
}

}  // namespace

TEST_CASE("rule guides: note and setup bodies are emptied, lines kept") {
    const std::string text =
        "[metadata]\nnote = \"\"\"kept\"\"\"\n\n[rule]\nname = \"R\"\n"
        "note = \"\"\"## Triage\nLook at \\\"\"\" this.\n\"\"\"\n"
        "query = '''\nprocess where true\n'''\n"
        "setup = '''\nInstall \"\"\" it\n'''  # a comment\n"
        "[[rule.threat]]\nnote = \"\"\"kept too\"\"\"\n";
    const std::string expected =
        "[metadata]\nnote = \"\"\"kept\"\"\"\n\n[rule]\nname = \"R\"\n"
        "note = \"\"\"\n\n\"\"\"\n"
        "query = '''\nprocess where true\n'''\n"
        "setup = '''\n\n'''  # a comment\n"
        "[[rule.threat]]\nnote = \"\"\"kept too\"\"\"\n";
    const auto lean = engine::without_rule_guides(text);
    REQUIRE(lean.has_value());
    CHECK(*lean == expected);
    // Quotes right before the closing delimiter belong to the body.
    CHECK(engine::without_rule_guides("[rule]\nnote = \"\"\"a\"\"\"\"\"\n") ==
          "[rule]\nnote = \"\"\"\"\"\"\n");
    CHECK(engine::without_rule_guides("[rule]\nname = \"x\"\n") == "[rule]\nname = \"x\"\n");
    // Multi-line strings as array elements are followed, and kept.
    const std::string listed = "[rule]\nfalse_positives = [\n  \"\"\"\n  a\n  \"\"\", # x\n]\n";
    CHECK(engine::without_rule_guides(listed) == listed);
}

TEST_CASE("rule guides: shapes the scanner does not follow leave the text to the parser") {
    CHECK_FALSE(engine::without_rule_guides("[rule]\ntags = ['''a''']\n").has_value());
    CHECK_FALSE(engine::without_rule_guides("[rule]\nnote = \"\"\"a\"\"\" x\n").has_value());
    CHECK_FALSE(engine::without_rule_guides("[rule]\nnote = \"\"\"never closed\n").has_value());
    CHECK_FALSE(engine::without_rule_guides("[rule]\nname = \"it's '''\"\n").has_value());
    CHECK_FALSE(engine::without_rule_guides("rule.note = \"\"\"x\"\"\"\n").has_value());
}

TEST_CASE("rule guides: every upstream and seed rule file parses to the same rule") {
    // ../shared is part of the build environment (always there in CI): missing is a failure.
    const fs::path shared = fs::path(AUDISP_SHARED_DIR) / "rules-upstream";
    REQUIRE(fs::is_directory(shared));
    std::vector<fs::path> files;
    for (const fs::path& dir : {shared / "linux", shared / "linux-sequence", shared / "linux-file",
                                shared / "linux-network", fs::path(AUDISP_SOURCE_DIR) / "rules"}) {
        for (const auto& entry : fs::directory_iterator(dir)) {
            if (entry.path().extension() == ".toml") files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    std::size_t followed = 0;
    std::size_t shortened = 0;
    for (const fs::path& file : files) {
        INFO(file.string());
        const auto text = util::read_file_text(file);
        REQUIRE(text.has_value());
        const auto lean = engine::without_rule_guides(*text);
        if (!lean) {
            WARN("not followed " << file.string());
            continue;
        }
        ++followed;
        shortened += lean->size() < text->size() ? 1 : 0;
        CHECK(std::count(lean->begin(), lean->end(), '\n') ==
              std::count(text->begin(), text->end(), '\n'));
        CHECK(without_guides(toml::parse(*lean)) == without_guides(toml::parse(*text)));
    }
    CHECK(files.size() == 249);
    CHECK(followed == files.size());
    CHECK(shortened == 247);
}

}  // namespace test_rule_guides
