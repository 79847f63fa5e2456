// Sequence and sample conformance: each point of plugin/eql/SEMANTICS.md §13 (the behaviour of
// Elasticsearch's EQL sequences, /work/shared/EQL-SEQUENCES.md) in both directions, with the
// timing edges: exactly maxspan, one millisecond over, until before and after, runs.
#include <catch2/catch.hpp>

#include "sequence_harness.hpp"

namespace test_sequence_conformance {

using eql_test::run_sequence;
using eql_test::Step;
using Names = std::vector<std::string>;

namespace {

const std::string kAB =
    R"(sequence by process.entity_id [process where process.name == "a"] [process where process.name == "b"])";
const std::string kAB1s =
    R"(sequence by process.entity_id with maxspan=1s [process where process.name == "a"] [process where process.name == "b"])";
const std::string kABC1s =
    R"(sequence by process.entity_id with maxspan=1s [process where process.name == "a"] [process where process.name == "b"] [process where process.name == "c"])";

}  // namespace

// 1. "Events are ordered by @timestamp, ties by a tiebreaker; a later stage needs a strictly
// later event."
TEST_CASE("sequence order: stages must come in event order", "[eql][sequence]") {
    CHECK(run_sequence(kAB, {{0, "a"}, {10, "b"}}).names() == Names{"a b"});
    CHECK(run_sequence(kAB, {{0, "b"}, {10, "a"}}).names().empty());
    // Same timestamp: the serial (event.sequence) orders them.
    CHECK(run_sequence(kAB, {{5, "a"}, {5, "b"}}).names() == Names{"a b"});
    // One event never fills two stages.
    const std::string any2 =
        R"(sequence by process.entity_id [process where process.name == "x"] [process where process.name == "x"])";
    CHECK(run_sequence(any2, {{0, "x"}}).names().empty());
    CHECK(run_sequence(any2, {{0, "x"}, {1, "x"}}).names() == Names{"x x"});
}

// 2. "maxspan is measured from the first event of the sequence to the event being matched.
// Exactly maxspan is allowed; one millisecond more is not."
TEST_CASE("sequence maxspan: exactly maxspan fires, one millisecond over does not",
          "[eql][sequence]") {
    CHECK(run_sequence(kAB1s, {{0, "a"}, {1000, "b"}}).names() == Names{"a b"});
    const auto over = run_sequence(kAB1s, {{0, "a"}, {1001, "b"}});
    CHECK(over.names().empty());
    CHECK(over.stats.expired == 1);
    // Each gap is short, first to last is too long.
    CHECK(run_sequence(kABC1s, {{0, "a"}, {600, "b"}, {1200, "c"}}).names().empty());
    CHECK(run_sequence(kABC1s, {{0, "a"}, {600, "b"}, {1000, "c"}}).names() == Names{"a b c"});
    // Units: 1m is 60000 ms.
    const std::string minute =
        R"(sequence by process.entity_id with maxspan=1m [process where process.name == "a"] [process where process.name == "b"])";
    CHECK(run_sequence(minute, {{0, "a"}, {60'000, "b"}}).names() == Names{"a b"});
    CHECK(run_sequence(minute, {{0, "a"}, {60'001, "b"}}).names().empty());
    // No maxspan: any distance.
    CHECK(run_sequence(kAB, {{0, "a"}, {86'400'000, "b"}}).names() == Names{"a b"});
}

// 3. "One pending sequence per stage per key; a newer one replaces the older; extra stage
// events do not produce extra alerts; a completed sequence is reported once."
TEST_CASE("sequence state: the newest pending sequence advances, completion is reported once",
          "[eql][sequence]") {
    // a1 is replaced by a2: the alert holds a2.
    auto run = run_sequence(
        kAB, {{0, "a", "e1", "p1", {"first"}}, {5, "a", "e1", "p1", {"second"}}, {10, "b"}});
    REQUIRE(run.alerts.size() == 1);
    CHECK(run.alerts[0].events[0]->event.process.args->at(0) == "second");
    CHECK(run.stats.replaced == 1);
    // The replacement restarts the maxspan clock: a2 at 900 and b at 1500 are within 1s.
    CHECK(run_sequence(kAB1s, {{0, "a"}, {900, "a"}, {1500, "b"}}).names() == Names{"a b"});
    // Extra b events after the completion: still one alert.
    CHECK(run_sequence(kAB, {{0, "a"}, {10, "b"}, {20, "b"}}).names() == Names{"a b"});
    // A new a after the completion starts again.
    CHECK(run_sequence(kAB, {{0, "a"}, {10, "b"}, {20, "a"}, {30, "b"}}).names() ==
          Names{"a b", "a b"});
    // The middle stage: b twice keeps one pending sequence at stage 2.
    CHECK(run_sequence(kABC1s, {{0, "a"}, {10, "b"}, {20, "b"}, {30, "c"}}).names() ==
          Names{"a b c"});
}

// 4. "Join keys are the sequence by fields plus each stage's own by fields, matched by
// position; a null or missing key takes no part unless written ?field; a multi-valued key
// joins on each of its values."
TEST_CASE("sequence join keys", "[eql][sequence]") {
    CHECK(run_sequence(kAB, {{0, "a", "e1"}, {10, "b", "e2"}}).names().empty());
    CHECK(run_sequence(kAB, {{0, "a", "e1"}, {5, "a", "e2"}, {10, "b", "e1"}}).names() ==
          Names{"a b"});
    // Different fields per stage: the parent's entity_id of b is a's entity_id.
    const std::string parent_child =
        R"(sequence [process where process.name == "a"] by process.entity_id [process where process.name == "b"] by process.parent.entity_id)";
    CHECK(run_sequence(parent_child, {{0, "a", "e1", "p0"}, {10, "b", "e2", "e1"}}).names() ==
          Names{"a b"});
    CHECK(
        run_sequence(parent_child, {{0, "a", "e1", "p0"}, {10, "b", "e2", "e9"}}).names().empty());
    // Missing key: no part.
    CHECK(run_sequence(kAB, {{0, "a", ""}, {10, "b", ""}}).names().empty());
    // ?field: null joins with null.
    const std::string optional =
        R"(sequence by ?process.entity_id [process where process.name == "a"] [process where process.name == "b"])";
    CHECK(run_sequence(optional, {{0, "a", ""}, {10, "b", ""}}).names() == Names{"a b"});
    CHECK(run_sequence(optional, {{0, "a", ""}, {10, "b", "e1"}}).names().empty());
    // A key the schema does not have, written ?: always null, so everything joins.
    const std::string unknown =
        R"(sequence by ?no.such.field [process where process.name == "a"] [process where process.name == "b"])";
    CHECK(run_sequence(unknown, {{0, "a", "e1"}, {10, "b", "e2"}}).names() == Names{"a b"});
    // Multi-valued: by process.args meets a later by process.name.
    const std::string multi =
        R"(sequence [process where process.name == "gcc"] by process.args [process where true] by process.name)";
    CHECK(run_sequence(multi,
                       {{0, "gcc", "e1", "p1", {"gcc", "-o", "evil", "x.c"}}, {10, "evil", "e2"}})
              .names() == Names{"gcc evil"});
    CHECK(run_sequence(multi,
                       {{0, "gcc", "e1", "p1", {"gcc", "-o", "good", "x.c"}}, {10, "evil", "e2"}})
              .names()
              .empty());
    // The alert names the key.
    auto run = run_sequence(kAB, {{0, "a", "e7"}, {10, "b", "e7"}});
    REQUIRE(run.alerts.size() == 1);
    CHECK(run.alerts[0].key == "process.entity_id=\"e7\"");
}

// 5. "with runs=N repeats the stage N times. With N+k matching events there are k+1 alerts."
TEST_CASE("sequence runs: N+k events give k+1 alerts", "[eql][sequence]") {
    const std::string runs3 =
        R"(sequence by process.parent.entity_id with maxspan=1s [process where process.name == "id"] with runs=3)";
    std::vector<Step> steps;
    steps.reserve(5);
    for (int i = 0; i < 5; ++i)
        steps.push_back({int64_t{i} * 10, "id", "e" + std::to_string(i), "p1"});
    CHECK(run_sequence(runs3, {steps.begin(), steps.begin() + 2}).names().empty());
    CHECK(run_sequence(runs3, {steps.begin(), steps.begin() + 3}).names() == Names{"id id id"});
    CHECK(run_sequence(runs3, steps).alerts.size() == 3);
    // Runs are stages: maxspan still applies from the first of them.
    CHECK(run_sequence(runs3, {{0, "id", "e1"}, {500, "id", "e2"}, {1001, "id", "e3"}})
              .names()
              .empty());
    // A different parent does not count towards the run.
    CHECK(run_sequence(runs3, {{0, "id", "e1", "p1"}, {1, "id", "e2", "p2"}, {2, "id", "e3", "p1"}})
              .names()
              .empty());
}

// 6. "until [query] drops the pending sequences of its key when it matches."
TEST_CASE("sequence until: before, between and after", "[eql][sequence]") {
    const std::string q =
        R"(sequence by process.entity_id [process where process.name == "a"] [process where process.name == "b"] until [process where process.name == "stop"])";
    CHECK(run_sequence(q, {{0, "stop"}, {10, "a"}, {20, "b"}}).names() == Names{"a b"});
    const auto between = run_sequence(q, {{0, "a"}, {10, "stop"}, {20, "b"}});
    CHECK(between.names().empty());
    CHECK(between.stats.until_dropped == 1);
    CHECK(run_sequence(q, {{0, "a"}, {10, "b"}, {20, "stop"}}).names() == Names{"a b"});
    // Another key's until changes nothing.
    CHECK(run_sequence(q, {{0, "a", "e1"}, {10, "stop", "e2"}, {20, "b", "e1"}}).names() ==
          Names{"a b"});
    // A new sequence after the until fires.
    CHECK(run_sequence(q, {{0, "a"}, {10, "stop"}, {20, "a"}, {30, "b"}}).names() == Names{"a b"});
}

// 6b. "An event that matches both the until query and a stage is a stage first; then until
// drops the key's pending sequences whose last event is at or before it" (Elasticsearch's
// Ordinal.between is inclusive), so it completes a sequence, but one it starts or advances
// never moves on.
TEST_CASE("sequence until: one event that is both the until and a stage", "[eql][sequence]") {
    const std::string q =
        R"(sequence by process.entity_id [process where process.name == "a"] [process where process.name == "b"] [process where process.name == "c"] until [process where process.args == "stop"])";
    const std::string two =
        R"(sequence by process.entity_id [process where process.name == "a"] [process where process.name == "b"] until [process where process.args == "stop"])";
    const std::vector<std::string> stop = {"stop"};
    // It completes: the last stage takes the pending sequence, then until finds nothing.
    const auto completes = run_sequence(two, {{0, "a"}, {10, "b", "e1", "p1", stop}});
    CHECK(completes.names() == Names{"a b"});
    CHECK(completes.stats.until_dropped == 0);
    CHECK(run_sequence(q, {{0, "a"}, {10, "b"}, {20, "c", "e1", "p1", stop}}).names() ==
          Names{"a b c"});
    // It starts a sequence that cannot move on.
    const auto started = run_sequence(two, {{0, "a", "e1", "p1", stop}, {10, "b"}});
    CHECK(started.names().empty());
    CHECK(started.stats.started == 1);
    CHECK(started.stats.until_dropped == 1);
    // It advances a sequence that cannot move on.
    const auto advanced = run_sequence(q, {{0, "a"}, {10, "b", "e1", "p1", stop}, {20, "c"}});
    CHECK(advanced.names().empty());
    CHECK(advanced.stats.until_dropped == 1);
    // It replaces the pending first stage, and the replacement is dropped: the older one is
    // gone too, as in Elasticsearch (the newest pending sequence is the one taken).
    CHECK(run_sequence(two, {{0, "a"}, {5, "a", "e1", "p1", stop}, {10, "b"}}).names().empty());
    // A sequence started after it is not touched.
    CHECK(run_sequence(two, {{0, "a", "e1", "p1", stop}, {5, "a"}, {10, "b"}}).names() ==
          Names{"a b"});
    // Another key's until-and-stage event changes nothing for this key.
    CHECK(
        run_sequence(two, {{0, "a", "e1"}, {5, "a", "e2", "p1", stop}, {10, "b", "e1"}}).names() ==
        Names{"a b"});
}

// 7. "Each stage's condition has today's single-event semantics, and the stage's event
// category must match the event's."
TEST_CASE("sequence stage categories", "[eql][sequence]") {
    const std::string q =
        R"(sequence by process.entity_id [process where process.name == "a"] [file where process.name == "b"])";
    CHECK(run_sequence(q, {{0, "a"}, {10, "b", "e1", "p1", {}, "process"}}).names().empty());
    CHECK(run_sequence(q, {{0, "a"}, {10, "b", "e1", "p1", {}, "file"}}).names() == Names{"a b"});
    const std::string any =
        R"(sequence by process.entity_id [any where process.name == "a"] [any where process.name == "b"])";
    CHECK(run_sequence(any, {{0, "a", "e1", "p1", {}, "network"}, {10, "b"}}).names() ==
          Names{"a b"});
}

// Missing events (![...]): no such event of the key may fall between the neighbours; first or
// last, within maxspan of the sequence (SEMANTICS.md §13.8).
TEST_CASE("sequence missing events", "[eql][sequence]") {
    const std::string middle =
        R"(sequence by process.entity_id [process where process.name == "a"] ![process where process.name == "m"] [process where process.name == "b"])";
    CHECK(run_sequence(middle, {{0, "a"}, {10, "b"}}).names() == Names{"a b"});
    CHECK(run_sequence(middle, {{0, "a"}, {5, "m"}, {10, "b"}}).names().empty());
    CHECK(run_sequence(middle, {{0, "m"}, {5, "a"}, {10, "b"}}).names() == Names{"a b"});
    CHECK(run_sequence(middle, {{0, "a"}, {5, "m", "e2"}, {10, "b"}}).names() == Names{"a b"});

    const std::string leading =
        R"(sequence by process.entity_id with maxspan=1s ![process where process.name == "m"] [process where process.name == "a"] [process where process.name == "b"])";
    CHECK(run_sequence(leading, {{0, "m"}, {500, "a"}, {900, "b"}}).names().empty());
    // m at 0 is more than maxspan before b at 1300: outside the window [300, 1200).
    CHECK(run_sequence(leading, {{0, "m"}, {1200, "a"}, {1300, "b"}}).names() == Names{"a b"});
    CHECK(run_sequence(leading, {{500, "a"}, {600, "m"}, {900, "b"}}).names() == Names{"a b"});

    const std::string trailing =
        R"(sequence by process.entity_id with maxspan=1s [process where process.name == "a"] [process where process.name == "b"] ![process where process.name == "m"])";
    CHECK(run_sequence(trailing, {{0, "a"}, {100, "b"}, {500, "m"}}).names().empty());
    CHECK(run_sequence(trailing, {{0, "a"}, {100, "b"}, {1000, "m"}}).names().empty());
    CHECK(run_sequence(trailing, {{0, "a"}, {100, "b"}, {1001, "m"}}).names() == Names{"a b"});
    // Missing events at both ends: only a trailing event within maxspan of the leading one
    // drops a sequence. Elasticsearch's QA case leadingAndTrailingExcluded1 (and ...2):
    // missing events at 12:00:00.000 and 12:20:00.001, normal ones at 12:10:00.001,
    // 12:21:00.001, 12:29:00.001 and 12:31:00.001.
    auto both_ends = [](const std::string& span) {
        return R"(sequence by process.entity_id with maxspan=)" + span +
               R"( ![process where process.name == "m"] [process where process.name == "n"] ![process where process.name == "m"])";
    };
    constexpr int64_t kMinute = 60'000;
    const std::vector<Step> test3 = {{0, "m"},
                                     {10 * kMinute + 1, "n"},
                                     {20 * kMinute + 1, "m"},
                                     {21 * kMinute + 1, "n"},
                                     {29 * kMinute + 1, "n"},
                                     {31 * kMinute + 1, "n"}};
    auto offsets_ms = [](const eql_test::Run& run) {
        std::vector<int64_t> out;
        for (const auto& alert : run.alerts) {
            REQUIRE(alert.events.size() == 1);
            out.push_back(alert.events[0]->event.timestamp_us / 1000 - 1'700'000'000'000);
        }
        return out;
    };
    using Ms = std::vector<int64_t>;
    // 19m: 12:20 - 12:00 is more than 19m, so 12:10 stays; the others have no trailing event.
    const auto span19 = run_sequence(both_ends("19m"), test3);
    CHECK(offsets_ms(span19) ==
          Ms{10 * kMinute + 1, 21 * kMinute + 1, 29 * kMinute + 1, 31 * kMinute + 1});
    CHECK(span19.stats.missing_dropped == 0);
    // 21m: 12:20:00.001 is within 21m of 12:00, so 12:10 is dropped.
    const auto span21 = run_sequence(both_ends("21m"), test3);
    CHECK(offsets_ms(span21) == Ms{21 * kMinute + 1, 29 * kMinute + 1, 31 * kMinute + 1});
    CHECK(span21.stats.missing_dropped == 1);
    // A trailing event alone, or a leading one alone, drops nothing.
    CHECK(run_sequence(both_ends("1s"), {{0, "n"}, {100, "m"}}).names() == Names{"n"});
    CHECK(run_sequence(both_ends("1s"), {{0, "m"}, {100, "n"}}).names() == Names{"n"});
    // Exactly maxspan from leading to trailing drops; one millisecond more does not.
    CHECK(run_sequence(both_ends("1s"), {{0, "m"}, {100, "n"}, {1000, "m"}}).names().empty());
    CHECK(run_sequence(both_ends("1s"), {{0, "m"}, {100, "n"}, {1001, "m"}}).names() == Names{"n"});
    // Another key's missing event changes nothing.
    CHECK(run_sequence(both_ends("1s"), {{0, "m"}, {100, "n"}, {500, "m", "e2"}}).names() ==
          Names{"n"});

    // Released when event time passes the window, not only at the end.
    const eql::CompiledSequence seq = eql::CompiledSequence::compile(trailing);
    eql::SequenceMatcher matcher(seq, {});
    std::vector<eql::CompletedSequence> out;
    uint64_t serial = 0;
    for (const Step& s : std::vector<Step>{{0, "a"}, {100, "b"}, {1500, "x"}}) {
        const ecs::Event e = eql_test::step_event(s, ++serial);
        matcher.advance(e.timestamp_us, out);
        const uint64_t mask = eql_test::matched_queries(seq, e);
        if (mask) matcher.on_event(eql::store_event(e), mask, out);
    }
    CHECK(out.size() == 1);
}

// Missing events with runs=N: accepted, the same as one (Elasticsearch's
// withByKey_runsOnMissing).
TEST_CASE("sequence missing events with runs", "[eql][sequence]") {
    const std::string q =
        R"(sequence by process.entity_id with maxspan=1s [process where process.name == "a"] ![process where process.name == "m"] with runs=2 [process where process.name == "b"])";
    CHECK(eql::CompiledSequence::compile(q).stages().size() == 4);
    const auto fires = run_sequence(q, {{0, "a"}, {10, "b"}});
    CHECK(fires.names() == Names{"a b"});
    REQUIRE(fires.alerts.size() == 1);
    CHECK(fires.alerts[0].stages == std::vector<std::size_t>{0, 3});
    // One missing event is enough to drop it, as with runs=1.
    const auto dropped = run_sequence(q, {{0, "a"}, {5, "m"}, {10, "b"}});
    CHECK(dropped.names().empty());
    CHECK(dropped.stats.missing_dropped == 1);
    CHECK(run_sequence(q, {{0, "m"}, {5, "a"}, {10, "b"}}).names() == Names{"a b"});
}

// Samples: "Unordered; distinct events, one per filter, with the same key values; one alert
// per key when it first completes; no maxspan."
TEST_CASE("sample: unordered, distinct events, once per key", "[eql][sequence][sample]") {
    const std::string q =
        R"(sample by process.entity_id [process where process.name == "a"] [process where process.name like "*"])";
    CHECK(run_sequence(q, {{0, "b"}, {10, "a"}}).names() == Names{"a b"});
    CHECK(run_sequence(q, {{0, "a"}}).names().empty());  // distinct: one event is not two
    CHECK(run_sequence(q, {{0, "a"}, {86'400'000, "z"}}).names() == Names{"a z"});
    CHECK(run_sequence(q, {{0, "a", "e1"}, {10, "z", "e2"}}).names().empty());
    // Once per key.
    CHECK(run_sequence(q, {{0, "a"}, {10, "b"}, {20, "a"}, {30, "b"}}).names() == Names{"a b"});
    CHECK(run_sequence(q, {{0, "a", "e1"}, {10, "b", "e1"}, {20, "a", "e2"}, {30, "b", "e2"}})
              .alerts.size() == 2);
    // An event matching both filters is moved to the slot only it can fill.
    CHECK(run_sequence(q, {{0, "a"}, {10, "a"}}).names() == Names{"a a"});
}

TEST_CASE("sequence syntax: accepted forms and clear errors", "[eql][sequence][parser]") {
    using eql::CompiledSequence;
    CHECK(CompiledSequence::compile(
              R"(sequence by process.entity_id with maxspan=30s [any where true] [any where true])")
              .maxspan_us() == 30'000'000);
    CHECK(CompiledSequence::compile(
              R"(sequence with maxspan=250ms [any where true] [any where true])")
              .maxspan_us() == 250'000);
    // A blank between the number and its unit is allowed, as in Elasticsearch's grammar.
    CHECK(
        CompiledSequence::compile(R"(sequence with maxspan=5 m [any where true] [any where true])")
            .maxspan_us() == 300'000'000);
    CHECK(CompiledSequence::compile(R"(sequence with maxspan=2h [any where true] [any where true])")
              .maxspan_us() == 7'200'000'000);
    CHECK(CompiledSequence::compile(R"(sequence [any where true] with runs=4)").stages().size() ==
          4);
    CHECK(CompiledSequence::compile(R"(sample by host.id [any where true] [any where true])")
              .is_sample());
    auto rejects = [](const std::string& q, const std::string& message) {
        INFO(q);
        try {
            (void)CompiledSequence::compile(q);
            FAIL_CHECK("accepted");
        } catch (const eql::Error& e) {
            CHECK_THAT(e.what(), Catch::Contains(message));
        }
    };
    rejects("sequence [any where true]", "requires a minimum of 2 queries, found [1]");
    rejects("sequence with maxspan=5x [any where true] [any where true]",
            "unrecognized time unit [x] in [5x], please specify one of [ms, s, m, h, d]");
    // maxspan as Elasticsearch's parser checks it (LogicalPlanBuilder.visitSequenceParams).
    rejects("sequence with maxspan=30 [any where true] [any where true]",
            "no time unit specified, did you mean [s] as in [30s]?");
    rejects("sequence by host.id with maxspan=250 [any where true] [any where true]",
            "no time unit specified, did you mean [s] as in [250s]?");
    rejects("sequence with maxspan=0s [any where true] [any where true]",
            "a positive maxspan value is required; found [0]");
    rejects("sequence with maxspan=-5s [any where true] [any where true]",
            "a positive maxspan value is required; found [-5]");
    rejects("sequence with maxspan=1.5s [any where true] [any where true]",
            "decimal time interval [1.5] not supported; please use a positive integer");
    rejects("sequence with maxspan=30s by process.entity_id [any where true] [any where true]",
            "please specify sequence [by] before [with] not after");
    rejects("sequence [any where true] with runs=0", "runs must be between 1 and 100");
    rejects("sequence [any where true] with runs=101", "runs must be between 1 and 100");
    rejects("sequence [any where true] with tries=2 [any where true]", "only 'runs'");
    rejects("sequence by host.id [any where true] by process.name [any where true]",
            "inconsistent number of join keys specified; expected [2] but found [1]");
    rejects("sequence [any where true] [any where true] ![any where true]", "needs 'with maxspan'");
    rejects("sample [any where true] ![any where true]", "missing events");
    rejects("sequence [any where true] [any where true] | head 1", "pipes");
    rejects(R"(sequence [file where dll.path == "/x"] [network where dns.question.name != null])",
            "unknown field(s) this host does not provide: dll.path, dns.question.name");
    rejects(R"(sequence [process where true] [registry where true])", "event category [registry]");
    rejects("process where true", "not a sequence");
    // The single-event API still says sequences are not single queries.
    CHECK_THROWS_WITH(eql::CompiledQuery::compile("sequence [any where true] [any where true]"),
                      Catch::Contains("unsupported: sequence"));
    CHECK(CompiledSequence::is_sequence_text("  // c\n sequence [any where true]"));
    CHECK_FALSE(CompiledSequence::is_sequence_text("process where true"));
    // Only the first token is read: a sequence with a lexing error further on is still a
    // sequence (compile() then reports the error), a query with one is not.
    CHECK(CompiledSequence::is_sequence_text("/* a */ sample by x [any where $]"));
    CHECK_FALSE(CompiledSequence::is_sequence_text("process where $"));
    CHECK_FALSE(CompiledSequence::is_sequence_text(" // only a comment"));
    CHECK_FALSE(CompiledSequence::is_sequence_text("$ sequence"));  // the first token fails
    CHECK_THROWS_AS(CompiledSequence::compile("sequence [any where $]"), eql::Error);
}

}  // namespace test_sequence_conformance
