// Randomised invariants: whatever bytes a command line holds, every format gives one line of
// valid UTF-8 within the limit that parses back. A fixed seed keeps failures reproducible.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "alert/format.hpp"
#include "alert/syslog_format.hpp"
#include "alert/text.hpp"
#include "support.hpp"

namespace test_random {

namespace {

// Random strings biased towards the bytes that matter: delimiters, controls, UTF-8 pieces.
std::string random_value(std::mt19937& rng) {
    // 15 bytes, two of them NUL.
    static const std::string special = std::string("\n\r\0\x1b\x1d\t\x7f\\\"]|=[ \0", 15) +
                                       "\xc2\x85\xe2\x80\xae\xc3\xa9\xff\xfe\xc0\xed\xa0\x80";
    std::uniform_int_distribution<int> length_pick(0, 9);
    const int shape = length_pick(rng);
    std::size_t length =
        shape < 7 ? static_cast<std::size_t>(rng() % 64) : static_cast<std::size_t>(rng() % 20'000);
    std::string out;
    out.reserve(length);
    for (std::size_t i = 0; i < length; ++i) {
        const unsigned pick = rng() % 4;
        if (pick == 0) {
            out += special[rng() % special.size()];
        } else if (pick == 1) {
            out += static_cast<char>(rng() % 256);
        } else {
            out += static_cast<char>('a' + rng() % 26);
        }
    }
    return out;
}

}  // namespace

TEST_CASE("random command lines keep every format on one parseable line", "[alert][random]") {
    std::mt19937 rng(20260921);
    alert::Rfc5424Options header;
    header.hostname = "h1";
    for (int round = 0; round < 300; ++round) {
        const std::string value = random_value(rng);
        const alert::Alert a = alert_support::hostile_alert(value, round);
        const std::size_t limit =
            round % 3 == 0 ? 0 : 2048 + static_cast<std::size_t>(rng() % 8000);
        INFO("round " << round << " limit " << limit);

        const std::string json = alert::format_json(a, limit).line;
        const std::string cef = alert::format_cef(a, limit).line;
        const std::string text = alert::format_text(a, limit).line;
        for (const std::string* line : {&json, &cef, &text}) {
            REQUIRE(alert_support::one_line(*line));
            REQUIRE(alert::text::is_valid_utf8(*line));
            if (limit > 0) REQUIRE(line->size() <= limit);
        }
        REQUIRE_NOTHROW(nlohmann::json::parse(json));
        const auto parsed_cef = alert_support::parse_cef(cef);
        REQUIRE(parsed_cef);
        if (limit == 0 && !value.empty()) {  // empty: cs1 falls back to the args
            CHECK(parsed_cef->value("cs1") == alert_support::expected_cef_value(value));
            CHECK(nlohmann::json::parse(json)["process"]["command_line"] ==
                  alert_support::expected_json_value(value));
        }

        const auto format = static_cast<alert::Format>(round % 3);
        const std::string message =
            alert::format_rfc5424(a, format, header, limit == 0 ? 8000 : limit).line;
        std::string why;
        const auto parsed = alert_support::parse_rfc5424(message, &why);
        INFO(why);
        REQUIRE(parsed);
        REQUIRE(alert_support::one_line(message));
        CHECK(parsed->sd.at(0).params.at("pid") == std::to_string(round));
    }
}

}  // namespace test_random
