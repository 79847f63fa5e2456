// Parser tests: accepted and rejected queries, tree shapes, error positions (line AND column)
// and the recursion-depth limit.
#include <catch2/catch.hpp>
#include <string>

#include "eql/lexer.hpp"
#include "eql/parser.hpp"

namespace test_parser {

namespace {

std::string tree(const std::string& condition) {
    return eql::ast::dump(*eql::parse_expression(condition));
}

// Accepts `query`, and also the same query with every space turned into a newline or a tab,
// which must give the same tree (whitespace is insignificant).
void test_accept(const std::string& condition) {
    INFO(condition);
    const auto base = eql::parse_expression(condition);
    for (char sep : {'\n', '\t'}) {
        std::string mutated = condition;
        bool in_string = false;
        for (char& c : mutated) {
            if (c == '"') in_string = !in_string;
            if (c == ' ' && !in_string) c = sep;
        }
        INFO("mutated: " << mutated);
        const auto again = eql::parse_expression(mutated);
        CHECK(eql::ast::equal(*base, *again));
    }
}

// `query` must fail at line:column, with `fragment` in the message.
void test_reject(const std::string& query, uint32_t line, uint32_t column,
                 const std::string& fragment) {
    INFO(query);
    try {
        eql::parse(query);
        FAIL("accepted");
    } catch (const eql::Error& e) {
        INFO(e.what());
        CHECK(e.position().line == line);
        CHECK(e.position().column == column);
        CHECK(std::string(e.what()).find(fragment) != std::string::npos);
        CHECK(std::string(e.what()).rfind(
                  "line " + std::to_string(line) + ", column " + std::to_string(column) + ": ",
                  0) == 0);
    }
}

}  // namespace

TEST_CASE("parser: tree shapes and precedence", "[eql][parser]") {
    CHECK(tree(R"(process.name == "ls")") == R"((== process.name "ls"))");
    CHECK(tree("a == 1 or b == 2 and c == 3") == "(or (== a 1) (and (== b 2) (== c 3)))");
    CHECK(tree("not a == 1 and b == 2") == "(and (not (== a 1)) (== b 2))");
    CHECK(tree("not not a") == "(not (not a))");
    CHECK(tree("a and b and c") == "(and a b c)");
    CHECK(tree("(a or b) and c") == "(and (or a b) c)");
    CHECK(tree("1 + 2 * 3 == 7") == "(== (+ 1 (* 2 3)) 7)");
    CHECK(tree("1 - 2 - 3 == 0") == "(== (- (- 1 2) 3) 0)");
    CHECK(tree("-a * b == 1") == "(== (* (neg a) b) 1)");
    CHECK(tree(R"(x in ("a", "b"))") == R"((in x "a" "b"))");
    CHECK(tree(R"(x not in~ ("a"))") == R"((not in~ x "a"))");
    CHECK(tree(R"(x : "a*")") == R"((: x "a*"))");
    CHECK(tree(R"(x like~ ("a", "b"))") == R"((like~ x "a" "b"))");
    CHECK(tree(R"(x regex """\d+""")") == R"((regex x "\\d+"))");
    CHECK(tree("startsWith~(x, \"a\")") == R"((call startsWith~ x "a"))");
    CHECK(tree("f()") == "(call f)");
    CHECK(tree("?x.y != null") == "(!= ?x.y null)");
    CHECK(tree("`my field`.sub == 1") == "(== my field.sub 1)");
    CHECK(tree("`a``b` == 1") == "(== a`b 1)");
    CHECK(tree("event.sequence > 1") == "(> event.sequence 1)");
    CHECK(tree("x == 1.5") == "(== x 1.5d)");
    CHECK(tree("x == .5") == "(== x 0.5d)");
    CHECK(tree("x == 1e3") == "(== x 1000d)");
    CHECK(tree("x == 99999999999999999999") == "(== x 1e+20d)");
    CHECK(tree("x == true and y == false and z == null") ==
          "(and (== x true) (== y false) (== z null))");
}

TEST_CASE("parser: string literals and escapes", "[eql][parser]") {
    CHECK(tree(R"(x == "a\tb")") == "(== x \"a\tb\")");
    CHECK(tree(R"(x == "a\"b")") == R"((== x "a\"b"))");
    CHECK(tree(R"(x == "a\\b")") == R"((== x "a\\b"))");
    CHECK(tree(R"(x == "\w")") == R"((== x "\\w"))");
    CHECK(tree(R"(x == "\u{41}\u{00000042}")") == R"((== x "AB"))");
    CHECK(tree(R"(x == "\u{e9}")") == "(== x \"\xc3\xa9\")");
    CHECK(tree(R"(x == "\u{1F600}")") == "(== x \"\xf0\x9f\x98\x80\")");
    CHECK(tree(R"(x == """a\b"c""")") == R"((== x "a\\b\"c"))");
    CHECK(tree(R"(x == """a""""")") == R"((== x "a\"\""))");
    CHECK(tree(R"(x == """""")") == R"((== x ""))");
}

TEST_CASE("parser: whitespace and comments do not change the tree", "[eql][parser]") {
    test_accept(R"(process.name == "ls" and process.args in ("-a", "-l"))");
    test_accept(R"(not process.name : ("a*", "b") or length(process.name) > 3)");
    test_accept(R"(process.args like~ "x y" and 1 + 2 * 3 == 7)");
    CHECK(eql::ast::equal(*eql::parse_expression("a /* c */ == // d\n 1"),
                          *eql::parse_expression("a == 1")));
}

TEST_CASE("parser: queries and categories", "[eql][parser]") {
    auto q = eql::parse(R"(process where process.name == "ls")");
    CHECK(q.category == "process");
    CHECK(eql::parse("any where true").category == "any");
    CHECK(eql::parse(R"("process" where true)").category == "process");
}

TEST_CASE("parser: errors carry line and column", "[eql][parser]") {
    test_reject("process where", 1, 14, "expected a value");
    test_reject("process where process.name ==", 1, 30, "expected a value");
    test_reject("process where process.name = \"x\"", 1, 28, "'=' is not supported");
    test_reject("process where\n  process.name == 'x'", 2, 19, "single quotes");
    test_reject("process where x == ?\"raw\"", 1, 20, "triple double quotes");
    test_reject("process where x == \"unterminated", 1, 20, "unterminated string");
    test_reject("process where x == \"a\nb\"", 1, 20, "unterminated string");
    test_reject("process where x == \"\"\"raw", 1, 20, "unterminated raw string");
    test_reject("process where x == \"\\u{1}\"", 1, 21, "unicode escape");
    test_reject("process where x == \"\\u{110000}\"", 1, 21, "beyond U+10FFFF");
    test_reject("process where x == \"\\u{d800}\"", 1, 21, "surrogate");
    test_reject("process where x == \"\\u41\"", 1, 21, "unicode escape");
    test_reject("process where x == 1 == 2", 1, 22, "cannot be chained");
    test_reject("process where (x == 1", 1, 22, "expected ')'");
    test_reject("process where x in (1, 2", 1, 25, "expected ',' or ')'");
    test_reject("process where x in ()", 1, 21, "expected a value");
    test_reject("process where x like y", 1, 22, "expected a constant");
    test_reject("process where x : (\"a\", y)", 1, 25, "expected a constant");
    test_reject("process where x == 1 and", 1, 25, "expected a value");
    test_reject("process where x == 1 y", 1, 22, "expected end of query");
    test_reject("process where x == 1\n  | head 5", 2, 3, "unsupported: pipes");
    test_reject("sequence [process where true] [process where true]", 1, 1,
                "unsupported: sequence");
    test_reject("sample by host.id [process where true]", 1, 1, "unsupported: sample");
    test_reject("join [process where true]", 1, 1, "unsupported: join");
    test_reject("process where x[0] == 1", 1, 16, "unsupported: array indexes");
    test_reject("process where child of [process where true]", 1, 15,
                "unsupported: process relationships");
    test_reject("where true", 1, 1, "expected an event category");
    test_reject("process true", 1, 9, "expected 'where'");
    test_reject("process where x == 1 /* open", 1, 22, "unterminated /* comment");
    test_reject("process where x == #", 1, 20, "unexpected character '#'");
    test_reject("process where x.", 1, 17, "expected a field name");
    test_reject("process where `` == 1", 1, 15, "empty quoted field name");
    test_reject("process where x == 1e999", 1, 20, "out of range");
    test_reject("Process Where true", 1, 9, "expected 'where'");
    // Columns count characters, not bytes: "é" is one column.
    test_reject("process where x == \"\xc3\xa9\" y", 1, 24, "expected end of query");
}

TEST_CASE("parser: depth limit turns hostile nesting into an error", "[eql][parser]") {
    const std::string parens(100000, '(');
    CHECK_THROWS_AS(eql::parse("process where " + parens), eql::Error);
    try {
        eql::parse("process where " + parens + "true");
    } catch (const eql::Error& e) {
        CHECK(std::string(e.what()).find("nests too deeply") != std::string::npos);
        CHECK(e.position().line == 1);
    }
    std::string nots;
    for (int i = 0; i < 100000; ++i) nots += "not ";
    CHECK_THROWS_AS(eql::parse("process where " + nots + "true"), eql::Error);
    std::string minus(100000, '-');
    CHECK_THROWS_AS(eql::parse("process where " + minus + "1 == 1"), eql::Error);
    std::string sum = "1";
    for (int i = 0; i < 100000; ++i) sum += "+1";
    CHECK_THROWS_AS(eql::parse("process where " + sum + " == 1"), eql::Error);
    // Reasonable nesting is fine, and long flat and/or chains are not nesting.
    CHECK_NOTHROW(
        eql::parse("process where " + std::string(50, '(') + "true" + std::string(50, ')')));
    std::string chain = "x == 0";
    for (int i = 1; i < 20000; ++i) chain += " or x == " + std::to_string(i);
    CHECK_NOTHROW(eql::parse("process where " + chain));
}

TEST_CASE("parser: lexer keeps positions across lines", "[eql][parser]") {
    const auto tokens = eql::tokenize("process where\n  x ==\n\t\"a\"");
    REQUIRE(tokens.size() == 6);
    CHECK(tokens[2].text == "x");
    CHECK(tokens[2].pos == eql::Position{2, 3});
    CHECK(tokens[3].pos == eql::Position{2, 5});
    CHECK(tokens[4].kind == eql::TokenKind::String);
    CHECK(tokens[4].pos == eql::Position{3, 2});
    CHECK(tokens[5].kind == eql::TokenKind::End);
    const auto kw = eql::tokenize("in~ like~ regex~ startsWith~ in like");
    CHECK(kw[0].kind == eql::TokenKind::InInsensitive);
    CHECK(kw[1].kind == eql::TokenKind::LikeInsensitive);
    CHECK(kw[2].kind == eql::TokenKind::RegexInsensitive);
    CHECK(kw[3].kind == eql::TokenKind::TildeIdentifier);
    CHECK(kw[3].text == "startsWith");
    CHECK(kw[4].kind == eql::TokenKind::In);
    CHECK(kw[5].kind == eql::TokenKind::Like);
}

}  // namespace test_parser
