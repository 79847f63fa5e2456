// --since / --until / --host: which events an offline run evaluates. Times are written as
// ausearch(8) takes them (dates, times, and keywords such as today or week-ago, in local time)
// and resolved against an injectable clock, so tests do not depend on when they run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.hpp"
#include "ecs/event.hpp"

namespace app {

// The clock the keywords are resolved against, in seconds since the epoch.
struct TimeBase {
    int64_t now = 0;
    int64_t boot = 0;  // when the system last booted (for "boot")
};

// The real clock: time(2) and /proc/uptime (ausearch does the same).
TimeBase real_time_base();

enum class TimeBound { Since, Until };

// Seconds since the epoch of a --since / --until value; throws std::invalid_argument with the
// accepted forms. Accepted: now, recent (10 minutes ago), boot, today, yesterday, this-hour,
// this-week, week-ago, this-month, this-year; YYYY-MM-DD, MM/DD/YYYY or MM/DD/YY, each
// optionally followed by HH:MM[:SS] (also YYYY-MM-DDTHH:MM:SS); HH:MM[:SS] alone (today);
// @SECONDS (epoch). A date without a time is midnight for --since and the end of that day
// (23:59:59) for --until; "today" is midnight for --since and now for --until, as in ausearch.
int64_t parse_time_spec(std::string_view text, TimeBound bound, const TimeBase& base);

// Decides which events are evaluated and output. Events outside still update the process
// table (the pipeline applies them before asking), so parent context stays right.
class EventFilter {
  public:
    EventFilter() = default;
    // Throws std::invalid_argument for unparsable times or --since after --until.
    EventFilter(const Config& config, const TimeBase& base);

    bool active() const noexcept { return since_us_ || until_us_ || !hosts_.empty(); }
    bool admits(const ecs::Event& event) const noexcept;

    std::optional<int64_t> since_us() const noexcept { return since_us_; }
    // Exclusive: the first microsecond after the --until second.
    std::optional<int64_t> until_end_us() const noexcept { return until_us_; }

  private:
    std::optional<int64_t> since_us_;
    std::optional<int64_t> until_us_;
    std::vector<std::string> hosts_;
};

}  // namespace app
