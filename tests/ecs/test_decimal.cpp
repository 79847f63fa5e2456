// DecimalText: the decimal text of every integer width the project writes, limits included.
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

#include "ecs/decimal.hpp"

namespace test_decimal {

TEST_CASE("DecimalText: std::to_string's digits for the limits and zero") {
    CHECK(ecs::DecimalText(0).view() == "0");
    CHECK(ecs::DecimalText(uint64_t{0}).view() == "0");
    CHECK(ecs::DecimalText(int64_t{-1}).view() == "-1");
    CHECK(ecs::DecimalText(std::numeric_limits<int64_t>::min()).view() == "-9223372036854775808");
    CHECK(ecs::DecimalText(std::numeric_limits<int64_t>::max()).view() == "9223372036854775807");
    CHECK(ecs::DecimalText(std::numeric_limits<uint64_t>::max()).view() == "18446744073709551615");
    CHECK(ecs::DecimalText(std::numeric_limits<int32_t>::min()).view() == "-2147483648");
    CHECK(ecs::DecimalText(std::size_t{1764666000}).view() == "1764666000");
}

TEST_CASE("DecimalText: appended to a string, as the event and sequence keys use it") {
    std::string text = "pid=";
    text += ecs::DecimalText(int64_t{4242}).view();
    text += ' ';
    text += ecs::DecimalText(1'764'666'000'123'456LL).view();
    CHECK(text == "pid=4242 1764666000123456");
}

}  // namespace test_decimal
