// The plugin loop's read pacing: sparse input is read at once (no alert waits for a timer),
// dense input at most once per interval on average, and no read ever waits past one interval.
#include <catch2/catch.hpp>
#include <chrono>

#include "app/read_pacer.hpp"

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
    CHECK(pacer.stats_text() == "reads=50 read_waits=0");
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
