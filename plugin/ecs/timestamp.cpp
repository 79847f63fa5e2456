#include "ecs/timestamp.hpp"

#include <array>
#include <chrono>

namespace ecs {

namespace {

// `value` as exactly `width` zero-padded decimal digits.
void put_digits(std::string& out, uint64_t value, int width) {
    std::array<char, 20> digits{};
    for (int i = width - 1; i >= 0; --i) {
        digits[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    out.append(digits.data(), static_cast<std::size_t>(width));
}

}  // namespace

std::string format_timestamp(int64_t microseconds_since_epoch) {
    // Calendar arithmetic and plain digits, not gmtime_r + strftime + snprintf: NDJSON writes
    // up to three dates per event, and the C library's path cost 2,700 instructions each.
    using namespace std::chrono;
    const sys_time<microseconds> at{microseconds{microseconds_since_epoch}};
    const sys_days day = floor<days>(at);
    const year_month_day date{day};
    const hh_mm_ss<microseconds> time{at - day};
    const int year = static_cast<int>(date.year());
    std::string out;
    out.reserve(32);
    if (year >= 0 && year <= 9999) {
        put_digits(out, static_cast<uint64_t>(year), 4);
    } else {
        out += std::to_string(year);
    }
    out += '-';
    put_digits(out, static_cast<unsigned>(date.month()), 2);
    out += '-';
    put_digits(out, static_cast<unsigned>(date.day()), 2);
    out += 'T';
    put_digits(out, static_cast<uint64_t>(time.hours().count()), 2);
    out += ':';
    put_digits(out, static_cast<uint64_t>(time.minutes().count()), 2);
    out += ':';
    put_digits(out, static_cast<uint64_t>(time.seconds().count()), 2);
    out += '.';
    put_digits(out, static_cast<uint64_t>(time.subseconds().count()), 6);
    out += 'Z';
    return out;
}

}  // namespace ecs
