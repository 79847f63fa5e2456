// The plugin loop's read pacing: sparse input is read at once (no alert waits for a timer),
// dense input at most once per interval on average, and no read ever waits past one interval.
#include <catch2/catch.hpp>
#include <chrono>

#include "app/read_pacer.hpp"

namespace test_read_pacer {

using std::chrono::microseconds;
using Clock = app::ReadPacer::Clock;

namespace {

const app::ReadPacer::Settings kOneMs{microseconds(1000), 4};
const Clock::time_point kStart = Clock::time_point{} + std::chrono::hours(1);

Clock::time_point at(int64_t us) { return kStart + microseconds(us); }

// What the loop does when input is there at `ready`: ask, wait what it says, read.
Clock::time_point read_when_ready(app::ReadPacer& pacer, Clock::time_point ready) {
    const Clock::time_point read_at = ready + pacer.wait_before_read(ready);
    pacer.on_read(read_at, false);
    return read_at;
}

}  // namespace

TEST_CASE("read pacer: sparse input is read the moment it is ready") {
    app::ReadPacer pacer(kOneMs);
    for (int64_t i = 0; i < 50; ++i) {
        const Clock::time_point ready = at(i * 2000);  // a read every 2 ms
        CHECK(read_when_ready(pacer, ready) == ready);
    }
    CHECK(pacer.reads() == 50);
    CHECK(pacer.waits() == 0);
    CHECK(pacer.stats_text() == "reads=50 read_waits=0 read_burst=4 read_interval_us=1000");
}

TEST_CASE("read pacer: a burst of four reads is free, the fifth waits one interval") {
    app::ReadPacer pacer(kOneMs);
    for (int i = 0; i < 4; ++i) CHECK(read_when_ready(pacer, at(0)) == at(0));
    CHECK(pacer.wait_before_read(at(0)) == microseconds(1000));
    pacer.on_read(at(1000), false);
    // Asked 300 us later: the next slot is 1 ms after the last one.
    CHECK(pacer.wait_before_read(at(1300)) == microseconds(700));
    CHECK(pacer.waits() == 2);
}

TEST_CASE("read pacer: records every 100 us are read once per millisecond") {
    app::ReadPacer pacer(kOneMs);
    // The loop asks right after each read; a record arrives every 100 us, so after a read
    // without a wait the next one comes at the next multiple of 100 us.
    Clock::time_point last_read = read_when_ready(pacer, at(0));
    while (last_read < at(99'000)) {
        const auto wait = pacer.wait_before_read(last_read);
        Clock::time_point read_at = last_read + wait;
        if (wait == Clock::duration::zero()) read_at = last_read + microseconds(100);
        pacer.on_read(read_at, false);
        last_read = read_at;
    }
    // Four free reads at 0, 100, 200 and 300 us; then one per slot: 1, 2, ..., 99 ms.
    CHECK(pacer.reads() == 4 + 99);
    CHECK(pacer.waits() == 99);
    CHECK(last_read == at(99'000));
}

TEST_CASE("read pacer: a pause refills the burst") {
    app::ReadPacer pacer(kOneMs);
    Clock::time_point last_read = at(0);
    for (int i = 0; i < 6; ++i) last_read = read_when_ready(pacer, last_read);
    CHECK(last_read == at(2000));  // four at 0, then 1 and 2 ms
    CHECK(pacer.wait_before_read(at(2000)) == microseconds(1000));
    // 4 ms of quiet later, four reads are free again.
    for (int i = 0; i < 4; ++i) CHECK(read_when_ready(pacer, at(6000)) == at(6000));
    CHECK(pacer.wait_before_read(at(6000)) == microseconds(1000));
}

TEST_CASE(
    "read pacer: a backlog is read without waiting, and the read after it waits at most one "
    "interval") {
    app::ReadPacer pacer(kOneMs);
    for (int i = 0; i < 100; ++i) {
        CHECK(pacer.wait_before_read(at(i)) == Clock::duration::zero());
        pacer.on_read(at(i), /*filled_buffer=*/true);
    }
    pacer.on_read(at(100), false);  // the backlog's last, partial read
    CHECK(pacer.wait_before_read(at(100)) == microseconds(1000));
    CHECK(pacer.waits() == 1);
}

TEST_CASE("read pacer: by default 2 ms between reads once four came back to back") {
    app::ReadPacer pacer;
    for (int i = 0; i < 4; ++i) CHECK(read_when_ready(pacer, at(0)) == at(0));
    CHECK(pacer.wait_before_read(at(0)) == microseconds(2000));
}

TEST_CASE("read pacer: settings are honoured; a burst of 0 means 1") {
    app::ReadPacer pacer(app::ReadPacer::Settings{microseconds(3000), 0});
    CHECK(read_when_ready(pacer, at(0)) == at(0));
    CHECK(pacer.wait_before_read(at(500)) == microseconds(2500));
}

TEST_CASE("read pacer: a burst of 1 paces from the second read, a burst of 2 from the third") {
    app::ReadPacer one(app::ReadPacer::Settings{microseconds(1000), 1});
    CHECK(read_when_ready(one, at(0)) == at(0));
    CHECK(read_when_ready(one, at(0)) == at(1000));
    CHECK(read_when_ready(one, at(1500)) == at(2000));
    CHECK(one.waits() == 2);

    app::ReadPacer two(app::ReadPacer::Settings{microseconds(1000), 2});
    CHECK(read_when_ready(two, at(0)) == at(0));
    CHECK(read_when_ready(two, at(0)) == at(0));
    CHECK(read_when_ready(two, at(0)) == at(1000));
    CHECK(read_when_ready(two, at(1500)) == at(2000));
    // One interval after the paced read at 2 ms one read is free again; two after the paced
    // read at 4 ms (or longer), both.
    CHECK(read_when_ready(two, at(3000)) == at(3000));
    CHECK(read_when_ready(two, at(3000)) == at(4000));
    CHECK(read_when_ready(two, at(7000)) == at(7000));
    CHECK(read_when_ready(two, at(7000)) == at(7000));
    CHECK(read_when_ready(two, at(7000)) == at(8000));
    CHECK(two.reads() == 9);
    CHECK(two.waits() == 4);
    CHECK(two.stats_text() == "reads=9 read_waits=4 read_burst=2 read_interval_us=1000");
}

TEST_CASE("read pacer: an interval of 0 never waits") {
    app::ReadPacer pacer(app::ReadPacer::Settings{microseconds(0), 1});
    for (int i = 0; i < 100; ++i) CHECK(read_when_ready(pacer, at(0)) == at(0));
    CHECK(pacer.reads() == 100);
    CHECK(pacer.waits() == 0);
}

TEST_CASE("read pacer: new settings (a reload) keep the counts and start with a full bucket") {
    app::ReadPacer pacer(kOneMs);
    for (int i = 0; i < 4; ++i) CHECK(read_when_ready(pacer, at(0)) == at(0));
    CHECK(pacer.wait_before_read(at(0)) == microseconds(1000));
    pacer.set_settings(app::ReadPacer::Settings{microseconds(500), 0});
    CHECK(pacer.settings().burst == 1);
    CHECK(pacer.settings().interval == microseconds(500));
    // The old schedule (4 ms ahead) is dropped: no wait longer than the new interval.
    CHECK(read_when_ready(pacer, at(0)) == at(0));
    CHECK(read_when_ready(pacer, at(0)) == at(500));
    CHECK(pacer.stats_text() == "reads=6 read_waits=2 read_burst=1 read_interval_us=500");
}

}  // namespace test_read_pacer
