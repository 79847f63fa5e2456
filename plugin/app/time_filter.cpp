#include "app/time_filter.hpp"

#include <strings.h>

#include <cctype>
#include <charconv>
#include <ctime>
#include <fstream>
#include <stdexcept>

namespace app {
namespace {

constexpr int64_t kRecentSeconds = int64_t{10} * 60;

std::tm local_tm(int64_t seconds) {
    const auto t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm;
}

// Local midnight of the day `seconds` falls in, `days_back` days earlier.
int64_t midnight(int64_t seconds, int days_back = 0) {
    std::tm tm = local_tm(seconds);
    tm.tm_mday -= days_back;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return static_cast<int64_t>(std::mktime(&tm));
}

[[noreturn]] void bad(std::string_view text, const std::string& why) {
    throw std::invalid_argument(
        "cannot read the time '" + std::string(text) + "': " + why +
        " (use YYYY-MM-DD [HH:MM:SS], MM/DD/YYYY [HH:MM:SS], HH:MM:SS, @EPOCH or now, recent, "
        "boot, today, yesterday, this-hour, this-week, week-ago, this-month, this-year)");
}

// Reads digits at text[pos..]: exactly `min`..`max` of them.
std::optional<int> number(std::string_view text, std::size_t& pos, std::size_t min,
                          std::size_t max) {
    std::size_t end = pos;
    while (end < text.size() && end - pos < max &&
           std::isdigit(static_cast<unsigned char>(text[end]))) {
        ++end;
    }
    if (end - pos < min) return std::nullopt;
    int value = 0;
    std::from_chars(text.data() + pos, text.data() + end, value);
    pos = end;
    return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
}

struct Date {
    int year, month, day;
};
struct Clock {
    int hour, minute, second;
};

std::optional<Date> parse_date(std::string_view text, std::size_t& pos) {
    std::size_t p = pos;
    // YYYY-MM-DD
    if (auto y = number(text, p, 4, 4); y && expect(text, p, '-')) {
        auto m = number(text, p, 1, 2);
        if (m && expect(text, p, '-')) {
            if (auto d = number(text, p, 1, 2)) {
                pos = p;
                return Date{*y, *m, *d};
            }
        }
        return std::nullopt;
    }
    p = pos;
    // MM/DD/YYYY or MM/DD/YY (the en_US and C locales' %x)
    if (auto m = number(text, p, 1, 2); m && expect(text, p, '/')) {
        auto d = number(text, p, 1, 2);
        if (d && expect(text, p, '/')) {
            const std::size_t year_at = p;
            if (auto y = number(text, p, 2, 4); y && (p - year_at == 2 || p - year_at == 4)) {
                int year = *y;
                if (p - year_at == 2) year += year < 69 ? 2000 : 1900;  // as strptime's %y
                pos = p;
                return Date{year, *m, *d};
            }
        }
    }
    return std::nullopt;
}

std::optional<Clock> parse_clock(std::string_view text, std::size_t& pos) {
    std::size_t p = pos;
    auto h = number(text, p, 1, 2);
    if (!h || !expect(text, p, ':')) return std::nullopt;
    auto m = number(text, p, 2, 2);
    if (!m) return std::nullopt;
    int s = 0;
    if (expect(text, p, ':')) {
        auto sec = number(text, p, 2, 2);
        if (!sec) return std::nullopt;
        s = *sec;
    }
    pos = p;
    return Clock{*h, *m, s};
}

int64_t to_epoch(std::string_view text, const Date& date, const Clock& clock) {
    if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31)
        bad(text, "no such date");
    if (clock.hour > 23 || clock.minute > 59 || clock.second > 60) bad(text, "no such time");
    std::tm tm{};
    tm.tm_year = date.year - 1900;
    tm.tm_mon = date.month - 1;
    tm.tm_mday = date.day;
    tm.tm_hour = clock.hour;
    tm.tm_min = clock.minute;
    tm.tm_sec = clock.second;
    tm.tm_isdst = -1;
    const std::time_t t = std::mktime(&tm);
    // mktime normalises 02/30 to 03/02: a date that moved did not exist.
    if (t == static_cast<std::time_t>(-1) || tm.tm_mday != date.day ||
        tm.tm_mon != date.month - 1) {
        bad(text, "no such date");
    }
    return static_cast<int64_t>(t);
}

std::optional<int64_t> keyword(std::string_view word, TimeBound bound, const TimeBase& base) {
    if (word == "now") return base.now;
    if (word == "recent") return base.now - kRecentSeconds;
    if (word == "boot") return base.boot;
    if (word == "today") return bound == TimeBound::Since ? midnight(base.now) : base.now;
    if (word == "yesterday") return midnight(base.now, 1);
    if (word == "week-ago") return midnight(base.now, 7);
    if (word == "this-hour") {
        std::tm tm = local_tm(base.now);
        tm.tm_min = tm.tm_sec = 0;
        tm.tm_isdst = -1;
        return static_cast<int64_t>(std::mktime(&tm));
    }
    if (word == "this-week") return midnight(base.now, local_tm(base.now).tm_wday);  // Sunday
    if (word == "this-month") return midnight(base.now, local_tm(base.now).tm_mday - 1);
    if (word == "this-year") return midnight(base.now, local_tm(base.now).tm_yday);
    return std::nullopt;
}

}  // namespace

TimeBase real_time_base() {
    TimeBase base;
    base.now = static_cast<int64_t>(std::time(nullptr));
    base.boot = base.now;
    std::ifstream uptime("/proc/uptime");
    double seconds = 0;
    if (uptime >> seconds) base.boot = base.now - static_cast<int64_t>(seconds);
    return base;
}

int64_t parse_time_spec(std::string_view text, TimeBound bound, const TimeBase& base) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    if (text.empty()) bad(text, "empty");
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto k = keyword(lower, bound, base)) return *k;

    if (text.front() == '@') {
        int64_t seconds = 0;
        const auto [end, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), seconds);
        if (ec != std::errc() || end != text.data() + text.size() || text.size() == 1) {
            bad(text, "not a number of seconds");
        }
        return seconds;
    }

    std::size_t pos = 0;
    const std::optional<Date> date = parse_date(text, pos);
    std::optional<Clock> clock;
    if (date) {
        if (pos < text.size()) {
            if (text[pos] != ' ' && text[pos] != 'T') bad(text, "unexpected text after the date");
            while (pos < text.size() && (text[pos] == ' ' || text[pos] == 'T')) ++pos;
            clock = parse_clock(text, pos);
            if (!clock) bad(text, "expected HH:MM[:SS] after the date");
        }
    } else {
        clock = parse_clock(text, pos);
        if (!clock) bad(text, "not a date, a time or a keyword");
    }
    if (pos != text.size()) bad(text, "unexpected text at the end");

    Date day{};
    if (date) {
        day = *date;
    } else {  // a time alone is today
        const std::tm now = local_tm(base.now);
        day = Date{now.tm_year + 1900, now.tm_mon + 1, now.tm_mday};
    }
    if (!clock) {
        clock = bound == TimeBound::Since ? Clock{0, 0, 0} : Clock{23, 59, 59};
    }
    return to_epoch(text, day, *clock);
}

EventFilter::EventFilter(const Config& config, const TimeBase& base) : hosts_(config.hosts) {
    if (config.since) {
        since_us_ = parse_time_spec(*config.since, TimeBound::Since, base) * 1'000'000;
    }
    if (config.until) {
        until_us_ = (parse_time_spec(*config.until, TimeBound::Until, base) + 1) * 1'000'000;
    }
    if (since_us_ && until_us_ && *since_us_ >= *until_us_) {
        throw std::invalid_argument("--since " + *config.since + " is after --until " +
                                    *config.until);
    }
}

bool EventFilter::admits(const ecs::Event& event) const noexcept {
    if (since_us_ && event.timestamp_us < *since_us_) return false;
    if (until_us_ && event.timestamp_us >= *until_us_) return false;
    if (!hosts_.empty()) {
        if (!event.host_name) return false;
        bool any = false;
        for (const std::string& host : hosts_) {
            any = any || strcasecmp(host.c_str(), event.host_name->c_str()) == 0;
        }
        if (!any) return false;
    }
    return true;
}

}  // namespace app
