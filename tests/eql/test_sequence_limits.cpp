// Bounded sequence state: the eviction policy of SEMANTICS.md §13.11, with its counters.
#include <catch2/catch.hpp>

#include "sequence_harness.hpp"

namespace test_sequence_limits {

using eql_test::run_sequence;
using eql_test::Step;

namespace {

const std::string kABC =
    R"(sequence by process.entity_id [process where process.name == "a"] [process where process.name == "b"] [process where process.name == "c"])";

}  // namespace

TEST_CASE("a flood of first-stage matches cannot evict an advanced sequence",
          "[eql][sequence][limits]") {
    std::vector<Step> steps{{0, "a", "victim"}, {1, "b", "victim"}};
    for (int i = 0; i < 1000; ++i) steps.push_back({2 + i, "a", "flood" + std::to_string(i)});
    steps.push_back({5000, "c", "victim"});
    const auto run = run_sequence(kABC, steps, eql::SequenceLimits{8, 1 << 20});
    REQUIRE(run.alerts.size() == 1);
    CHECK(run.alerts[0].key == "process.entity_id=\"victim\"");
    CHECK(run.stats.evicted_first_stage == 1000 - 7);
    CHECK(run.stats.evicted_advanced == 0);
    CHECK(run.stats.keys == 8);
}

TEST_CASE("without a limit hit nothing is evicted; a first-stage victim is evicted by a flood",
          "[eql][sequence][limits]") {
    // The honest first-stage sequence is the least recently used: it goes first, counted.
    std::vector<Step> steps{{0, "a", "victim"}};
    for (int i = 0; i < 8; ++i) steps.push_back({1 + i, "a", "flood" + std::to_string(i)});
    steps.push_back({100, "b", "victim"});
    steps.push_back({101, "c", "victim"});
    const auto evicted = run_sequence(kABC, steps, eql::SequenceLimits{8, 1 << 20});
    CHECK(evicted.alerts.empty());
    CHECK(evicted.stats.evicted_first_stage == 1);
    const auto roomy = run_sequence(kABC, steps, eql::SequenceLimits{16, 1 << 20});
    CHECK(roomy.alerts.size() == 1);
    CHECK(roomy.stats.evicted_first_stage == 0);
}

TEST_CASE("when only advanced sequences are left, the least recently used goes",
          "[eql][sequence][limits]") {
    // The state of one key that has advanced (two events held): the unit of the byte bound.
    const auto one = run_sequence(kABC, {{0, "a", "k0"}, {1, "b", "k0"}});
    const std::size_t advanced_bytes = one.stats.bytes;
    const eql::SequenceLimits limits{100, 2 * advanced_bytes - 1};
    // k1 advancing makes two advanced keys, one byte too many: k0, the older, goes.
    const auto run = run_sequence(kABC,
                                  {{0, "a", "k0"},
                                   {1, "b", "k0"},
                                   {2, "a", "k1"},
                                   {3, "b", "k1"},
                                   {4, "c", "k0"},
                                   {5, "c", "k1"}},
                                  limits);
    REQUIRE(run.alerts.size() == 1);
    CHECK(run.alerts[0].key == "process.entity_id=\"k1\"");
    CHECK(run.stats.evicted_advanced == 1);
    CHECK(run.stats.evicted_first_stage == 0);
    // With every other key advanced, a newcomer's first stage is what goes.
    const auto newcomer = run_sequence(
        kABC, {{0, "a", "k0"}, {1, "b", "k0"}, {2, "a", "k1"}, {3, "b", "k1"}, {4, "a", "k2"}},
        eql::SequenceLimits{2, 1 << 20});
    CHECK(newcomer.stats.evicted_first_stage == 1);
    CHECK(newcomer.stats.evicted_advanced == 0);
}

TEST_CASE("one key flooding the first stage keeps one pending sequence",
          "[eql][sequence][limits]") {
    std::vector<Step> steps;
    steps.reserve(500);
    for (int i = 0; i < 500; ++i) steps.push_back({i, "a", "same"});
    const auto many = run_sequence(kABC, steps);
    const auto one = run_sequence(kABC, {steps.back()});
    CHECK(many.stats.keys == 1);
    CHECK(many.stats.replaced == 499);
    CHECK(many.stats.bytes == one.stats.bytes);
}

TEST_CASE("the byte bound evicts too, and expired state is swept in event time",
          "[eql][sequence][limits]") {
    std::vector<Step> steps;
    steps.reserve(50);
    for (int i = 0; i < 50; ++i) steps.push_back({i, "a", "k" + std::to_string(i)});
    constexpr std::size_t kBytes = 8 << 10;
    const auto small = run_sequence(kABC, steps, eql::SequenceLimits{1000, kBytes});
    CHECK(small.stats.bytes <= kBytes);
    CHECK(small.stats.evicted_first_stage > 0);
    CHECK(small.stats.keys + small.stats.evicted_first_stage == 50);

    const std::string timed =
        R"(sequence by process.entity_id with maxspan=1s [process where process.name == "a"] [process where process.name == "b"])";
    std::vector<Step> old{{0, "a", "k1"}, {10, "a", "k2"}, {5000, "x"}, {7000, "x"}};
    const auto swept = run_sequence(timed, old);
    CHECK(swept.stats.keys == 0);
    CHECK(swept.stats.bytes == 0);
    CHECK(swept.stats.expired == 2);
}

TEST_CASE("hostile input: many key values and deep nesting stay bounded",
          "[eql][sequence][limits]") {
    // 1000 arguments as a multi-valued key: at most 64 key values, the rest counted.
    std::vector<std::string> args;
    args.reserve(1000);
    for (int i = 0; i < 1000; ++i) args.push_back("a" + std::to_string(i));
    const std::string by_args =
        R"(sequence [process where process.name == "x"] by process.args [process where true] by process.name)";
    const auto run = run_sequence(by_args, {{0, "x", "e1", "p1", args}, {10, "a5", "e2"}});
    CHECK(run.stats.keys_truncated == 1);
    CHECK(run.stats.keys == 64);
    CHECK(run.alerts.size() == 1);  // a5 is among the first 64 values
    // The parser's depth guard holds inside a stage; a stage that never closes is an error.
    CHECK_THROWS_WITH(
        eql::CompiledSequence::compile("sequence [any where " + std::string(100000, '(') + "true"),
        Catch::Contains("nests too deeply"));
    CHECK_THROWS_AS(
        eql::CompiledSequence::compile(std::string("sequence ") + std::string(5000, '[')),
        eql::Error);
}

}  // namespace test_sequence_limits
