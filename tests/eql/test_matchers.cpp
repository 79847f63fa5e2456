// The wildcard matcher and the Lucene-to-RE2 regex translation in isolation, including hostile
// inputs that would make a backtracking matcher take exponential or quadratic time.
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <string>
#include <string_view>

#include "ecs/event.hpp"
#include "eql/lucene_regex.hpp"
#include "eql/query.hpp"
#include "eql/wildcard.hpp"

namespace test_matchers {

namespace {

bool glob(const std::string& pattern, const std::string& text, bool ci = false) {
    return eql::WildcardPattern::compile(pattern, ci).matches(text);
}

bool lucene(const std::string& pattern, const std::string& text, bool ci = false) {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_case_sensitive(!ci);
    RE2 re(eql::translate_lucene_regex(pattern).re2, o);
    REQUIRE(re.ok());
    return RE2::FullMatch(text, re);
}

// The documented wildcard semantics by plain backtracking (exponential: short inputs only), to
// hold the linear matcher and its memchr anchors to: `*` is any run of characters, `?` one
// character (eql::utf8_char_length), other bytes compare themselves (ASCII-folded when `ci`).
bool reference_glob(std::string_view pattern, std::string_view text, bool ci) {
    if (pattern.empty()) return text.empty();
    if (pattern.front() == '*') {
        for (std::size_t at = 0;; at += eql::utf8_char_length(text, at)) {
            if (reference_glob(pattern.substr(1), text.substr(at), ci)) return true;
            if (at >= text.size()) return false;
        }
    }
    if (text.empty()) return false;
    if (pattern.front() == '?') {
        return reference_glob(pattern.substr(1), text.substr(eql::utf8_char_length(text, 0)), ci);
    }
    const char want = ci ? eql::ascii_lower(pattern.front()) : pattern.front();
    const char got = ci ? eql::ascii_lower(text.front()) : text.front();
    return want == got && reference_glob(pattern.substr(1), text.substr(1), ci);
}

std::string fold(std::string_view text) {
    std::string folded(text);
    std::transform(folded.begin(), folded.end(), folded.begin(), eql::ascii_lower);
    return folded;
}

// `count` random pieces of `alphabet`, joined.
std::string random_text(std::mt19937& random, const std::vector<std::string_view>& alphabet,
                        std::size_t max_pieces) {
    std::string out;
    const std::size_t pieces = random() % (max_pieces + 1);
    for (std::size_t i = 0; i < pieces; ++i) out += alphabet[random() % alphabet.size()];
    return out;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("wildcard: semantics", "[eql][wildcard]") {
    CHECK(glob("", ""));
    CHECK_FALSE(glob("", "a"));
    CHECK(glob("*", ""));
    CHECK(glob("*", "anything"));
    CHECK(glob("a*", "a"));
    CHECK(glob("*a", "a"));
    CHECK(glob("a*b*c", "abc"));
    CHECK(glob("a*b*c", "aXXbYYc"));
    CHECK_FALSE(glob("a*b*c", "aXXbYY"));
    CHECK_FALSE(glob("a*b*c", "acb"));
    CHECK(glob("*ab*ab*", "xabyab"));
    CHECK_FALSE(glob("*ab*ab*", "xaby"));
    CHECK(glob("a?c", "abc"));
    CHECK_FALSE(glob("a?c", "ac"));
    CHECK(glob("a?c",
               "a\xc3\xa9"
               "c"));  // ? is one code point
    CHECK_FALSE(glob("a??c",
                     "a\xc3\xa9"
                     "c"));
    CHECK(glob("*?", "x"));
    CHECK_FALSE(glob("*?", ""));
    CHECK(glob("*a?", "bab"));
    CHECK(glob("*a?", "aab"));
    CHECK_FALSE(glob("*a?", "ab\xc3\xa9x"));
    CHECK(glob("*x?", "ax\xc3\xa9"));
    CHECK(glob("a\\*", "a\\bc"));  // no escape character: \ is literal, * a wildcard
    CHECK_FALSE(glob("a\\*", "a*"));
    CHECK(glob("ABC", "abc", true));
    CHECK(glob("a*C", "Abc", true));
    CHECK_FALSE(glob("ABC", "abc", false));
    CHECK(glob("?", "\xff"));  // an invalid byte counts as one character
    // Case-insensitive middle parts: a match may start at either case of the first letter,
    // after false starts at both.
    CHECK(glob("*ab*", "xAxaxAB", true));
    CHECK(glob("*ab*", "aAaAb", true));
    CHECK(glob("*Ab*cD*", "xaB-Cd", true));
    CHECK_FALSE(glob("*ab*", "xAxaxA", true));
    CHECK_FALSE(glob("*ab*cd*", "abCx", true));
    CHECK(glob("*/bin/*", "/usr/BIN/x /usr/bin/y", true));
    // The literal prefix and suffix used by the rule index and the byte filters.
    CHECK(eql::WildcardPattern::compile("Py*?.SH", true).literal_prefix() == "py");
    CHECK(eql::WildcardPattern::compile("Py*?.SH", true).literal_suffix() == ".sh");
    CHECK(eql::WildcardPattern::compile("a?c", false).literal_prefix() == "a");
    CHECK(eql::WildcardPattern::compile("a?c", false).literal_suffix() == "c");
    CHECK(eql::WildcardPattern::compile("*", false).literal_prefix().empty());
    CHECK(eql::WildcardPattern::compile("abc", false).is_literal());
    CHECK_FALSE(eql::WildcardPattern::compile("a?c", false).is_literal());
    CHECK_FALSE(eql::WildcardPattern::compile("a*", false).is_literal());
    CHECK(eql::WildcardPattern::literal("a*b", false, true, false).matches("a*bcd"));
    CHECK_FALSE(eql::WildcardPattern::literal("a*b", false, true, false).matches("axbcd"));
    CHECK(eql::WildcardPattern::literal("?", true, true, false).matches("x?y"));
    CHECK_FALSE(eql::WildcardPattern::literal("?", true, true, false).matches("xy"));
}

TEST_CASE("wildcard: memchr anchors and folded texts", "[eql][wildcard]") {
    // A part is searched for by its rarest byte (here `k`, `z`, `>`), not its first.
    CHECK(glob("*/etc/kube*", "cat /etc/x /etc/kube/config"));
    CHECK_FALSE(glob("*/etc/kube*", "cat /etc/x /etc/kub /etc/Kube"));
    CHECK(glob("*/ETC/KUBE*", "cat /etc/x /Etc/kUbe", true));
    CHECK_FALSE(glob("*/etc/kube*", "cat /etc/kxbe", true));
    CHECK(glob("*zz*", "azbzzc"));
    CHECK(glob("*echo*>/etc/passwd*", "sh -c echo x >/etc/shadow; echo y>/etc/passwd"));
    CHECK_FALSE(glob("*echo*>/etc/passwd*", "sh -c echo x >/etc/shadow; echo y> /etc/passwd"));
    // The anchor is the rarest byte before the first `?`: `?` takes a whole character.
    CHECK(glob("*/k?z*", "/k\xc3\xa9z"));
    CHECK_FALSE(glob("*/k?z*", "/k\xc3\xa9\xc3\xa9z"));
    // Texts shorter than the pattern's bytes are refused; `?` needs one byte at least.
    CHECK_FALSE(glob("abc*def", "abcde"));
    CHECK(glob("abc*def", "abcdef"));
    CHECK_FALSE(glob("a?c", "ac"));
    // matches_folded takes a text the caller lowered; the pattern was lowered when compiled.
    const auto pattern = eql::WildcardPattern::compile("*Sysctl*-W*", true);
    CHECK(pattern.matches("/sbin/SYSCTL -w x"));
    CHECK(pattern.matches_folded("/sbin/sysctl -w x"));
    CHECK_FALSE(pattern.matches_folded("/sbin/sysctl -x w"));
}

TEST_CASE("wildcard: agrees with a backtracking reference on random inputs", "[eql][wildcard]") {
    // Valid UTF-8 patterns (a part never starts inside a character); texts also carry stray
    // lead and continuation bytes and a byte that is never UTF-8.
    const std::vector<std::string_view> pattern_pieces = {
        "a", "b", "A", "k", "/", ".", "*", "*", "?", "\xc3\xa9", "\xe2\x82\xac", "ab", "/k"};
    const std::vector<std::string_view> text_pieces = {
        "a",    "b",    "B",    "K", "k", "/", ".", "\xc3\xa9", "\xc3\x89", "\xe2\x82\xac",
        "\xc3", "\xa9", "\xff", "ab"};
    std::mt19937 random(20261202);
    int matched = 0;
    for (int round = 0; round < 20000; ++round) {
        const std::string p = random_text(random, pattern_pieces, 6);
        const std::string t = random_text(random, text_pieces, 10);
        for (const bool ci : {false, true}) {
            const bool expected = reference_glob(p, t, ci);
            const auto compiled = eql::WildcardPattern::compile(p, ci);
            INFO("pattern [" << p << "] text [" << t << "] ci " << ci);
            REQUIRE(compiled.matches(t) == expected);
            if (ci) REQUIRE(compiled.matches_folded(fold(t)) == expected);
            matched += expected ? 1 : 0;
        }
    }
    // Both outcomes are well exercised (the count is fixed by the seed).
    CHECK(matched == 2178);

    // literal(): every byte literal, `*` only where asked.
    for (int round = 0; round < 5000; ++round) {
        const std::string body = random_text(random, pattern_pieces, 3);
        const std::string t = random_text(random, text_pieces, 8);
        const bool leading = (random() & 1) != 0;
        const bool trailing = (random() & 1) != 0;
        for (const bool ci : {false, true}) {
            const std::string b = ci ? fold(body) : body;
            const std::string x = ci ? fold(t) : t;
            bool expected = false;
            if (leading && trailing) {
                expected = x.find(b) != std::string::npos;
            } else if (leading) {
                expected = x.size() >= b.size() && x.compare(x.size() - b.size(), b.size(), b) == 0;
            } else if (trailing) {
                expected = x.compare(0, b.size(), b) == 0;
            } else {
                expected = x == b;
            }
            INFO("literal [" << body << "] " << leading << trailing << " text [" << t << "]");
            REQUIRE(eql::WildcardPattern::literal(body, leading, trailing, ci).matches(t) ==
                    expected);
        }
    }
}

TEST_CASE("wildcard: hostile command lines stay linear", "[eql][wildcard][slow]") {
    // 4 MiB of 'a' against patterns that make backtracking matchers explode.
    const std::string hostile(4u << 20, 'a');
    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(glob("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", hostile));
    CHECK_FALSE(glob("*a?a?a?a?a?a?a?a?a?a?a?b*", hostile));
    CHECK_FALSE(glob("*aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab*", hostile));
    CHECK_FALSE(glob("*A*A*A*A*A*A*A*A*B", hostile, true));
    CHECK(glob("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*", hostile));
    CHECK(glob("*a?", hostile));
    const double took = seconds_since(start);
    INFO("took " << took << " s");
    CHECK(took < 10.0);

    // The same through a compiled query and the args array.
    ecs::Event e;
    e.process.args = std::vector<std::string>{hostile, hostile};
    const auto q = eql::CompiledQuery::compile(
        R"(process where process.args : "*a*a*a*a*a*a*a*a*a*a*a*a*b" or
                         process.args regex "(a|aa)*b" or process.args regex "(a*)*b")");
    const auto start2 = std::chrono::steady_clock::now();
    CHECK_FALSE(q.matches(e));
    CHECK(seconds_since(start2) < 10.0);
}

TEST_CASE("lucene regex: translation keeps Lucene's meaning", "[eql][regex]") {
    CHECK(lucene("abc", "abc"));
    CHECK_FALSE(lucene("abc", "abcd"));  // anchored
    CHECK_FALSE(lucene("b", "abc"));
    CHECK(lucene("a.c", "a\nc"));  // . matches newline
    CHECK(lucene("a.c",
                 "a\xc3\xa9"
                 "c"));           // . is one code point
    CHECK(lucene("^a$", "^a$"));  // ^ and $ are ordinary characters
    CHECK_FALSE(lucene("^a$", "a"));
    CHECK(lucene("a**", "aaa"));  // Lucene allows stacked repeats
    CHECK(lucene("a+?", ""));     // (a+)? not lazy
    CHECK(lucene("*a", "*a"));    // a leading * is a literal
    CHECK(lucene("|a", "|a"));    // so is a leading |
    CHECK(lucene("a||b", "|b"));
    CHECK(lucene("*a|)", ")"));
    CHECK(lucene("\"a.b\"", "a.b"));  // quoted literal
    CHECK_FALSE(lucene("\"a.b\"", "axb"));
    CHECK(lucene("a\\.b", "a.b"));
    CHECK_FALSE(lucene("a\\.b", "axb"));
    CHECK(lucene("\\n", "n"));  // \c is c, not a newline
    CHECK(lucene("\\d+", "123"));
    CHECK_FALSE(lucene("\\d+", "12a"));
    CHECK(lucene("\\w+\\s\\w+", "ab_9 cd"));
    CHECK(lucene("[\\d]x", "5x"));
    CHECK(lucene("[]a]+", "]a]"));  // a leading ] in a class is literal
    CHECK(lucene("[^a-z]+", "ABC"));
    CHECK(lucene("[a\\-z]+", "a-z"));
    CHECK_FALSE(lucene("[a\\-z]+", "b"));
    CHECK(lucene("[[]", "["));
    CHECK(lucene("a{2}", "aa"));
    CHECK_FALSE(lucene("a{2}", "aaa"));
    CHECK(lucene("a{2,}", "aaaa"));
    CHECK(lucene("a{1,2}b", "aab"));
    CHECK(lucene("()", ""));
    CHECK(lucene("a()b", "ab"));
    CHECK(lucene("@", "anything at all"));
    CHECK(lucene("a@z", "a-z-z"));
    CHECK_FALSE(lucene("#", ""));
    CHECK(lucene("(ab|cd)+", "abcdab"));
    CHECK(lucene("ABC", "abc", true));
    CHECK(lucene("[a-c]+", "ABC", true));
    CHECK(lucene("", ""));
    CHECK_FALSE(lucene("", "a"));
    CHECK(lucene("\xc3\xa9+", "\xc3\xa9\xc3\xa9"));
    CHECK_THROWS_AS(eql::translate_lucene_regex("(a"), eql::RegexSyntaxError);
    CHECK_THROWS_AS(eql::translate_lucene_regex("a)"), eql::RegexSyntaxError);
    CHECK_THROWS_AS(eql::translate_lucene_regex("[a"), eql::RegexSyntaxError);
    CHECK_THROWS_AS(eql::translate_lucene_regex("a{"), eql::RegexSyntaxError);
    CHECK_THROWS_AS(eql::translate_lucene_regex("a{x}"), eql::RegexSyntaxError);
    CHECK_THROWS_AS(eql::translate_lucene_regex("\"abc"), eql::RegexSyntaxError);
    CHECK_THROWS_AS(eql::translate_lucene_regex("a\\"), eql::RegexSyntaxError);
    CHECK_THROWS_AS(eql::translate_lucene_regex("\xff"), eql::RegexSyntaxError);
    CHECK_THROWS_AS(eql::translate_lucene_regex(std::string(1000, '(')), eql::RegexSyntaxError);
    try {
        eql::translate_lucene_regex("ab)c");
    } catch (const eql::RegexSyntaxError& e) {
        CHECK(e.offset() == 2);
    }
}

TEST_CASE("lucene regex: the bytes every match needs", "[eql][regex]") {
    auto needs = [](std::string_view pattern) {
        return eql::translate_lucene_regex(pattern).required_bytes;
    };
    // The upstream tunnelling rule's pattern: a command line without '.' and ':' never matches.
    CHECK(needs(R"(.*[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}:[0-9]{1,5}:[0-9]{1,3}.*)") ==
          ".:");
    CHECK(needs("abc") == "abc");
    CHECK(needs("cba") == "abc");  // ascending, each once
    CHECK(needs("a|b").empty());
    CHECK(needs("ab|ac") == "a");   // what every alternative needs
    CHECK(needs("(ab)?c") == "c");  // optional parts need nothing
    CHECK(needs("x*y") == "y");
    CHECK(needs("x{0,3}y") == "y");
    CHECK(needs("x{2}y") == "xy");
    CHECK(needs("x+y") == "xy");
    CHECK(needs("x+?y") == "y");  // (x+)? may be empty
    CHECK(needs("\"q.\"z") == ".qz");
    CHECK(needs("[ab]c") == "c");  // a class needs none of its members
    CHECK(needs("\\d\\.") == ".");
    CHECK(needs("a.c") == "ac");  // . is any character, not itself
    CHECK(needs("@x") == "x");
    CHECK(needs("#").empty());
    CHECK(needs("\xc3\xa9").empty());  // only ASCII bytes are tracked
    CHECK(needs("").empty());
    // At most kMaxRegexRequiredBytes, the smallest first.
    static_assert(eql::kMaxRegexRequiredBytes == 4);
    CHECK(needs("edcba") == "abcd");
    CHECK(needs("z\\.y:x-w") == "-.:w");
}

TEST_CASE("lucene regex: case-insensitive translations need no letters", "[eql][regex]") {
    auto needs = [](std::string_view pattern) {
        return eql::translate_lucene_regex(pattern, eql::RegexCase::Insensitive).required_bytes;
    };
    // RE2 matches a letter in either case, and 'k' also by the Kelvin sign: only non-letters
    // are required as written, and the cap counts what is left.
    CHECK(needs("k\\.x") == ".");
    CHECK(needs("abc").empty());
    CHECK(needs("a:b-c\\.d/e=") == "-./:");
    CHECK(eql::translate_lucene_regex("k\\.x", eql::RegexCase::Insensitive).re2 ==
          eql::translate_lucene_regex("k\\.x").re2);
}

TEST_CASE("lucene regex: a text RE2 matches has every needed byte", "[eql][regex]") {
    // Random patterns over a small alphabet and the grammar's operators, random texts: the
    // screen (required_bytes) may only reject texts RE2 rejects too.
    std::mt19937 rng(7);
    static constexpr std::array<std::string_view, 16> kPieces = {
        "a",  "b",  ".",  "\\.",    ":",      "(a|b)",  "(a|:)", "[ab]",
        "a?", "b*", ":+", "a{0,2}", "b{1,2}", "\"a:\"", "@",     "(:b)?"};
    int matched = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string pattern;
        const int length = 1 + static_cast<int>(rng() % 5);
        for (int k = 0; k < length; ++k) pattern += kPieces[rng() % kPieces.size()];
        const eql::TranslatedRegex translated = eql::translate_lucene_regex(pattern);
        RE2::Options o;
        o.set_log_errors(false);
        o.set_dot_nl(true);
        const RE2 re(translated.re2, o);
        REQUIRE(re.ok());
        for (int t = 0; t < 20; ++t) {
            std::string text;
            const int text_length = static_cast<int>(rng() % 7);
            for (int k = 0; k < text_length; ++k) text += "ab:."[rng() % 4];
            if (!RE2::FullMatch(text, re)) continue;
            ++matched;
            for (const char c : translated.required_bytes) {
                INFO(pattern << " on " << text);
                CHECK(text.find(c) != std::string::npos);
            }
        }
    }
    CHECK(matched > 1000);  // the property was exercised, not vacuously true
}

TEST_CASE("regex: the screen keeps EQL's answers", "[eql][regex]") {
    ecs::Event e;
    e.category = {"process"};
    auto holds = [&e](std::string_view condition, std::string command_line) {
        e.process.command_line = std::move(command_line);
        return eql::CompiledQuery::compile("process where " + std::string(condition)).matches(e);
    };
    const std::string tunnel =
        R"(process.command_line regex """.*[0-9]{1,3}\.[0-9]{1,3}:[0-9]{1,5}.*""")";
    CHECK(holds(tunnel, "ssh -L 10.0.0.1:8080 host"));
    CHECK_FALSE(holds(tunnel, "ssh -L 10.0.0.1 8080 host"));  // no ':', screened out
    CHECK_FALSE(holds(tunnel, "ssh -L 10:0 host"));           // no '.', screened out
    CHECK_FALSE(holds(tunnel, "ssh -L a.b:c host"));          // both there, RE2 says no
    // Any of several patterns: a pattern screened out does not hide the next one.
    CHECK(holds(R"(process.command_line regex ("x:.*", "y.*"))", "y z"));
    CHECK_FALSE(holds(R"(process.command_line regex ("x:.*", "y.*"))", "x z"));
    // Case-insensitive: letters are not screened, since RE2 matches them in either case and
    // 'k' by the Kelvin sign (U+212A) too; non-letters still are.
    CHECK(holds(R"(process.command_line regex~ """k\.x""")", "K.X"));
    CHECK(holds(R"(process.command_line regex~ """k\.x""")",
                "\xe2\x84\xaa"
                ".x"));
    CHECK_FALSE(holds(R"(process.command_line regex~ """k\.x""")", "kxx"));
}

}  // namespace test_matchers
