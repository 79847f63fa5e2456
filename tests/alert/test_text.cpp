// UTF-8 repair, neutralisation and cutting.
#include <catch2/catch.hpp>

#include "alert/text.hpp"

namespace test_text {

namespace text = alert::text;

TEST_CASE("valid UTF-8 is accepted, ill-formed sequences are not", "[alert][text]") {
    CHECK(text::is_valid_utf8(""));
    CHECK(text::is_valid_utf8("plain"));
    CHECK(text::is_valid_utf8("h\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x94\xa5"));
    CHECK_FALSE(text::is_valid_utf8("\xff"));
    CHECK_FALSE(text::is_valid_utf8("\xc0\xaf"));          // overlong '/'
    CHECK_FALSE(text::is_valid_utf8("\xed\xa0\x80"));      // surrogate
    CHECK_FALSE(text::is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
    CHECK_FALSE(text::is_valid_utf8("\xe2\x82"));          // truncated
}

TEST_CASE("invalid bytes are replaced one U+FFFD each, deterministically", "[alert][text]") {
    const std::string fffd(text::kReplacement);
    CHECK(text::to_valid_utf8("a\xff"
                              "b") == "a" + fffd + "b");
    CHECK(text::to_valid_utf8("\xe2\x82"
                              "x") == fffd + fffd + "x");
    CHECK(text::to_valid_utf8("\xc0\xaf") == fffd + fffd);
    CHECK(text::to_valid_utf8("ok \xc3\xa9") == "ok \xc3\xa9");
    CHECK(text::to_valid_utf8("\xff\xfe") == text::to_valid_utf8("\xff\xfe"));
}

TEST_CASE("neutralise replaces controls, C1, separators and bidi overrides", "[alert][text]") {
    const std::string fffd(text::kReplacement);
    CHECK(text::neutralise(std::string("a\0b", 3)) == "a" + fffd + "b");
    CHECK(text::neutralise("a\nb\r") == "a" + fffd + "b" + fffd);
    CHECK(text::neutralise("a\nb", true) == "a\nb");
    CHECK(text::neutralise("\x1b[31m") == fffd + "[31m");
    CHECK(text::neutralise("\x7f\xc2\x85\xe2\x80\xa8\xe2\x80\xae\xe2\x81\xa6") ==
          fffd + fffd + fffd + fffd + fffd);
    CHECK(text::neutralise("caf\xc3\xa9 \xe2\x82\xac") == "caf\xc3\xa9 \xe2\x82\xac");
}

TEST_CASE("escape_visible shows what a terminal would obey", "[alert][text]") {
    CHECK(text::escape_visible("a\nb\tc\rd") == "a\\nb\\tc\\rd");
    CHECK(text::escape_visible("\x1b[31m") == "\\x1b[31m");
    CHECK(text::escape_visible(std::string("\0", 1)) == "\\x00");
    CHECK(text::escape_visible("\"q\" \\") == "\\\"q\\\" \\\\");
    CHECK(text::escape_visible("\xff") == "\\xff");
    CHECK(text::escape_visible("\xe2\x80\xae") == "\\u{202e}");
    CHECK(text::escape_visible("\xc2\x9b") == "\\u{009b}");
    CHECK(text::escape_visible("caf\xc3\xa9") == "caf\xc3\xa9");
}

TEST_CASE("cutting keeps code points whole and adds the marker", "[alert][text]") {
    CHECK(text::utf8_prefix("h\xc3\xa9llo", 2) == "h");
    CHECK(text::utf8_prefix("h\xc3\xa9llo", 3) == "h\xc3\xa9");
    std::string value = "abcdefghij";
    CHECK_FALSE(text::cut_with_marker(value, 10));
    CHECK(text::cut_with_marker(value, 8));
    CHECK(value == "abcde\xe2\x80\xa6");
    std::string wide = "\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5";
    CHECK(text::cut_with_marker(wide, 7));
    CHECK(wide == "\xe6\x97\xa5\xe2\x80\xa6");
    CHECK(text::is_valid_utf8(wide));
}

TEST_CASE("fit_values cuts the longest values to a common level", "[alert][text]") {
    std::string a(1000, 'a'), b(100, 'b'), c(10, 'c');
    const std::vector<std::string*> values{&a, &b, &c};
    const auto total = [&] { return a.size() + b.size() + c.size(); };
    CHECK(text::fit_values(values, 16, 2000, [&] { return total() <= 600; }));
    CHECK(total() <= 600);
    CHECK(total() >= 590);  // the highest level that fits, not the floor
    CHECK(b.size() == 100);
    CHECK(c.size() == 10);
    CHECK(a.substr(a.size() - 3) == std::string(text::kCutMarker));

    CHECK(text::fit_values(values, 16, 2000, [&] { return total() <= 60; }));
    CHECK(a.size() <= 25);
    CHECK(b.size() <= 25);
    CHECK(c.size() == 10);

    std::string d(40, 'd');
    CHECK_FALSE(text::fit_values({&d}, 16, 100, [&] { return d.size() < 10; }));
    CHECK(d.size() <= 16);
}

}  // namespace test_text
