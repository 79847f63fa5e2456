// The alert latency histogram: bounded memory, percentiles within a quarter octave.
#include <catch2/catch.hpp>
#include <chrono>

#include "app/latency.hpp"

namespace test_latency {

using std::chrono::microseconds;

TEST_CASE("alert latency: no summary before the first alert") {
    const app::LatencyHistogram histogram;
    CHECK_FALSE(histogram.summary().has_value());
    CHECK(histogram.stats_text().empty());
}

TEST_CASE("alert latency: percentiles are bucket bounds at most 19% above the true value") {
    app::LatencyHistogram histogram;
    // 98 alerts at 100 us, one at 5 ms, one at 40 ms.
    for (int i = 0; i < 98; ++i) histogram.record(microseconds(100));
    histogram.record(microseconds(5000));
    histogram.record(microseconds(40000));
    const auto s = histogram.summary();
    REQUIRE(s.has_value());
    CHECK(s->count == 100);
    CHECK(s->p50 >= microseconds(100));
    CHECK(s->p50 <= microseconds(119));
    CHECK(s->p99 >= microseconds(5000));
    CHECK(s->p99 <= microseconds(5946));
    CHECK(s->max == microseconds(40000));
    CHECK(histogram.stats_text().find("alert_latency_n=100") != std::string::npos);
}

TEST_CASE("alert latency: extremes land in the end buckets without overflow") {
    app::LatencyHistogram histogram;
    histogram.record(std::chrono::nanoseconds(10));        // below 1 us
    histogram.record(std::chrono::hours(24 * 365 * 100));  // a century
    const auto s = histogram.summary();
    REQUIRE(s.has_value());
    CHECK(s->p50 == microseconds(1));
    CHECK(s->max == std::chrono::hours(24 * 365 * 100));
    CHECK(s->p99 == s->max);
}

}  // namespace test_latency
