#include "app/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>

namespace app {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(200);

std::string human_rate(double per_second) {
    char text[32];
    if (per_second >= 1e6) {
        std::snprintf(text, sizeof text, "%.1fM", per_second / 1e6);
    } else if (per_second >= 1e4) {
        std::snprintf(text, sizeof text, "%.0fk", per_second / 1e3);
    } else {
        std::snprintf(text, sizeof text, "%.0f", per_second);
    }
    return text;
}

std::string clock_text(double seconds) {
    const long long s = std::llround(seconds);
    char text[32];
    if (s >= 3600) {
        std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
    } else {
        std::snprintf(text, sizeof text, "%lld:%02lld", s / 60, s % 60);
    }
    return text;
}

std::size_t terminal_width(int fd) {
    winsize size{};
    if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    return 80;
}

}  // namespace

std::string human_bytes(uint64_t bytes) {
    static const char* const kUnits[] = {"B", "KB", "MB", "GB", "TB"};
    auto value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(kUnits)) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    if (unit == 0) {
        std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
    } else {
        std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
    }
    return text;
}

std::string render_progress(const ProgressSnapshot& s, std::size_t width) {
    const double rate =
        s.elapsed_seconds > 0 ? static_cast<double>(s.events) / s.elapsed_seconds : 0.0;
    std::string tail;
    if (s.bytes_total > 0) {
        const uint64_t done = s.bytes_done < s.bytes_total ? s.bytes_done : s.bytes_total;
        const double fraction = static_cast<double>(done) / static_cast<double>(s.bytes_total);
        char percent[16];
        std::snprintf(percent, sizeof percent, "%3d%%", static_cast<int>(fraction * 100));
        tail = std::string(percent) + "  " + human_bytes(done) + " / " + human_bytes(s.bytes_total);
    } else {
        tail = human_bytes(s.bytes_done);
    }
    tail += "  " + human_rate(rate) + " ev/s  " + std::to_string(s.alerts) +
            (s.alerts == 1 ? " alert" : " alerts");
    if (s.bytes_total > 0 && s.bytes_done > 0 && s.elapsed_seconds > 0.5) {
        const double left =
            s.elapsed_seconds *
            static_cast<double>(s.bytes_total - std::min(s.bytes_done, s.bytes_total)) /
            static_cast<double>(s.bytes_done);
        tail += "  ETA " + clock_text(left);
    }

    std::string line;
    if (s.bytes_total > 0) {
        // The bar takes what the text leaves, between 10 and 40 columns.
        const std::size_t room = width > tail.size() + 4 ? width - tail.size() - 4 : 0;
        std::size_t bar = room > 40 ? 40 : room;
        if (bar >= 10) {
            const double fraction = static_cast<double>(std::min(s.bytes_done, s.bytes_total)) /
                                    static_cast<double>(s.bytes_total);
            const auto filled = static_cast<std::size_t>(fraction * static_cast<double>(bar));
            line = "[" + std::string(filled, '#') + std::string(bar - filled, '.') + "] ";
        }
    }
    line += tail;
    if (!s.current.empty() && line.size() + s.current.size() + 2 < width) {
        line += "  " + s.current;
    }
    if (width > 1 && line.size() > width - 1) line.resize(width - 1);
    return line;
}

bool is_terminal(int fd) noexcept { return ::isatty(fd) == 1; }

ProgressBar::ProgressBar(bool enabled, int fd, uint64_t bytes_total, Clock clock)
    : enabled_(enabled), fd_(fd), total_(bytes_total), clock_(std::move(clock)) {
    if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
    start_ = clock_();
}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(uint64_t bytes_done, uint64_t events, uint64_t alerts) {
    if (!enabled_) return;
    const auto now = clock_();
    if (ever_drawn_ && now - last_draw_ < kRedrawEvery) return;
    last_draw_ = now;
    ever_drawn_ = true;
    ProgressSnapshot snapshot{
        bytes_done, total_, events, alerts, std::chrono::duration<double>(now - start_).count(),
        current_};
    draw("\r" + render_progress(snapshot, terminal_width(fd_)) + "\x1b[K");
    drawn_ = true;
}

void ProgressBar::finish() {
    if (!enabled_ || !drawn_) return;
    draw("\r\x1b[K");
    drawn_ = false;
}

void ProgressBar::draw(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            enabled_ = false;  // a broken terminal is not worth failing the analysis for
            return;
        }
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace app
