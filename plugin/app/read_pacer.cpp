#include "app/read_pacer.hpp"

#include <algorithm>

namespace app {

ReadPacer::ReadPacer(Settings settings) { set_settings(settings); }

void ReadPacer::set_settings(Settings settings) noexcept {
    settings_ = settings;
    // Config validation already rejects 0 (--read-burst 1..1000); this floor is for callers that
    // build Settings themselves (tests, embedders), where 0 would make wait_before_read()
    // compute burst - 1 as 2^32 - 1 intervals.
    settings_.burst = std::max<uint32_t>(settings_.burst, 1);
    schedule_ = Clock::time_point{};
}

ReadPacer::Clock::duration ReadPacer::wait_before_read(Clock::time_point now) noexcept {
    if (backlog_) return Clock::duration::zero();
    const Clock::time_point allowed_at = schedule_ - (settings_.burst - 1) * settings_.interval;
    if (now >= allowed_at) return Clock::duration::zero();
    ++waits_;
    return allowed_at - now;
}

void ReadPacer::on_read(Clock::time_point now, bool filled_buffer) noexcept {
    ++reads_;
    backlog_ = filled_buffer;
    // A backlog's reads are not delayed, but still counted; the cap keeps the bucket from going
    // further than empty, so that the read after a backlog waits at most one interval.
    schedule_ = std::min(std::max(schedule_, now) + settings_.interval,
                         now + settings_.burst * settings_.interval);
}

std::string ReadPacer::stats_text() const {
    return "reads=" + std::to_string(reads_) + " read_waits=" + std::to_string(waits_) +
           " read_burst=" + std::to_string(settings_.burst) +
           " read_interval_us=" + std::to_string(settings_.interval.count());
}

}  // namespace app
