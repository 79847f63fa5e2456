// The plugin loop's read pacing: sparse input is read at once (no alert waits for a timer),
// dense input at most once per interval on average, and no read ever waits past one interval.
#include <catch2/catch.hpp>
#include <chrono>

#include "app/read_pacer.hpp"

using std::chrono::microseconds;
using Clock = app::ReadPacer::Clock;

namespace {

const Clock::time_point kStart = Clock::time_point{} + std::chrono::hours(1);

Clock::time_point at(int64_t us) { return kStart + microseconds(us); }

// What the loop does: ask, wait what it says, read (the buffer never filled).
Clock::time_point read_when_ready(app::ReadPacer& pacer, Clock::time_point ready) {
    const Clock::time_point read_at = ready + pacer.wait_before_read(ready);
    pacer.on_read(read_at, false);
    return read_at;
}

}  // namespace

TEST_CASE("read pacer: sparse input is read the moment it is ready") {
    app::ReadPacer pacer;  // 1 ms interval, burst 4
    for (int64_t i = 0; i < 50; ++i) {
        const Clock::time_point ready = at(i * 2000);  // a read every 2 ms
        CHECK(read_when_ready(pacer, ready) == ready);
    }
    CHECK(pacer.reads() == 50);
    CHECK(pacer.paced_reads() == 0);
    CHECK(pacer.stats_text() == "reads=50 reads_paced=0");
}

TEST_CASE("read pacer: a burst of four reads is free, the fifth waits one interval") {
    app::ReadPacer pacer;
    for (int i = 0; i < 4; ++i) CHECK(read_when_ready(pacer, at(0)) == at(0));
    CHECK(pacer.wait_before_read(at(0)) == microseconds(1000));
    pacer.on_read(at(1000), false);
    // Ready 300 us later: the next slot is 1 ms after the last one.
    CHECK(pacer.wait_before_read(at(1300)) == microseconds(700));
    CHECK(pacer.paced_reads() == 2);
}

TEST_CASE("read pacer: records every 100 us are read once per millisecond") {
    app::ReadPacer pacer;
    Clock::time_point last_read = at(-1);
    for (int64_t t = 0; t < 100'000; t += 100) {  // 100 ms of input arriving every 100 us
        if (at(t) <= last_read) continue;         // came while the loop waited: in that read
        last_read = read_when_ready(pacer, at(t));
    }
    // Four free reads at 0, 100, 200 and 300 us; then each record after a read waits for the
    // next slot: reads at 1, 2, ..., 100 ms.
    CHECK(pacer.reads() == 104);
    CHECK(pacer.paced_reads() == 100);
    CHECK(last_read == at(100'000));
}

TEST_CASE("read pacer: a pause refills the burst") {
    app::ReadPacer pacer;
    Clock::time_point last_read = at(0);
    for (int i = 0; i < 6; ++i) last_read = read_when_ready(pacer, last_read);
    CHECK(last_read == at(2000));  // four at 0, then 1 and 2 ms
    CHECK(pacer.wait_before_read(at(2000)) == microseconds(1000));
    // 4 ms of quiet later, four reads are free again.
    for (int i = 0; i < 4; ++i) CHECK(read_when_ready(pacer, at(6000)) == at(6000));
    CHECK(pacer.wait_before_read(at(6000)) == microseconds(1000));
}

TEST_CASE(
    "read pacer: a backlog is read without waiting, and the read after it waits at most "
    "one interval") {
    app::ReadPacer pacer;
    for (int i = 0; i < 100; ++i) {
        CHECK(pacer.wait_before_read(at(i)) == Clock::duration::zero());
        pacer.on_read(at(i), /*filled_buffer=*/true);
    }
    pacer.on_read(at(100), false);  // the backlog's last, partial read
    CHECK(pacer.wait_before_read(at(100)) == microseconds(1000));
    CHECK(pacer.paced_reads() == 1);
}

TEST_CASE("read pacer: settings are honoured; a burst of 0 means 1") {
    app::ReadPacer pacer(app::ReadPacer::Settings{microseconds(2000), 0});
    CHECK(read_when_ready(pacer, at(0)) == at(0));
    CHECK(pacer.wait_before_read(at(500)) == microseconds(1500));
}
