// Dates as ECS writes them: RFC 3339 UTC with microseconds, from microseconds since the epoch.
#include <catch2/catch.hpp>

#include "ecs/timestamp.hpp"

namespace test_timestamp {

TEST_CASE("timestamps format as UTC with six fractional digits, before 1970 too") {
    CHECK(ecs::format_timestamp(0) == "1970-01-01T00:00:00.000000Z");
    CHECK(ecs::format_timestamp(1'700'000'000'123'456) == "2023-11-14T22:13:20.123456Z");
    CHECK(ecs::format_timestamp(951'782'400'000'001) == "2000-02-29T00:00:00.000001Z");
    CHECK(ecs::format_timestamp(-1) == "1969-12-31T23:59:59.999999Z");
    CHECK(ecs::format_timestamp(253'402'300'799'999'999) == "9999-12-31T23:59:59.999999Z");
}

}  // namespace test_timestamp
