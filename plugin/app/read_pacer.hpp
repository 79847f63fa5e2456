// When plugin mode reads auditd's pipe: at once while input is sparse, so that no alert waits for
// a timer, but on average at most one read per interval while records arrive densely, so that a
// wakeup per record (dearer than the record's work) does not eat a core at high exec rates.
// The loop asks before it polls: a wait then is the read's only wakeup.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace app {

class ReadPacer {
  public:
    using Clock = std::chrono::steady_clock;

    struct Settings {
        // Average spacing of reads while input is dense; also the longest any read waits. 2 ms:
        // at most 500 wakeups a second (one switch costs 40-60 us of CPU on the measured VM).
        std::chrono::microseconds interval{2000};
        // Reads allowed back to back before pacing starts: the records of one exec (its fork,
        // exec and exit bursts, each maybe split over two reads) are read as they come. 1 and 2
        // read and wake less but cost no measurably less CPU, and hold records longer (README
        // "Read pacing", session 11).
        uint32_t burst = 4;
    };

    ReadPacer() : ReadPacer(Settings{}) {}
    explicit ReadPacer(Settings settings);

    // New settings (a reload), from the next read on. The counts stay; the bucket starts full,
    // so that no wait planned under the old interval outlasts one new interval.
    void set_settings(Settings settings) noexcept;
    const Settings& settings() const noexcept { return settings_; }

    // How long to wait, from `now`, before polling for and reading input; zero: at once.
    // Never more than one interval. Called once per poll (it counts the waits).
    Clock::duration wait_before_read(Clock::time_point now) noexcept;
    // A read began at `now`. `filled_buffer`: it took a whole buffer, so more is waiting (a
    // backlog): the next read does not wait.
    void on_read(Clock::time_point now, bool filled_buffer) noexcept;

    uint64_t reads() const noexcept { return reads_; }
    uint64_t waits() const noexcept { return waits_; }
    // "reads=N read_waits=N read_burst=N read_interval_us=N" for the stats line: the counts
    // with the settings they were made under.
    std::string stats_text() const;

  private:
    // A token bucket kept as one time (the generic cell rate algorithm): each read moves
    // `schedule_` one interval on from max(schedule_, now); a read at `now` is free while
    // schedule_ is at most burst - 1 intervals ahead of now.
    Settings settings_;
    Clock::time_point schedule_{};
    bool backlog_ = false;
    uint64_t reads_ = 0;
    uint64_t waits_ = 0;
};

}  // namespace app
