// The offline progress bar: one line on stderr, redrawn at most five times a second, with
// bytes read of the total, events per second, alerts so far and the time left. Shown only when
// stderr is a terminal (or --progress); a pipe or a log file never sees it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace app {

struct ProgressSnapshot {
    uint64_t bytes_done = 0;
    uint64_t bytes_total = 0;  // 0: unknown (stdin, a pipe)
    uint64_t events = 0;
    uint64_t alerts = 0;
    double elapsed_seconds = 0;
    std::string current;  // the input being read
};

// The bar for a terminal `width` columns wide (no line ending, no escape sequences).
std::string render_progress(const ProgressSnapshot& snapshot, std::size_t width);

// "12.3 MB", "512 B", "1.2 GB".
std::string human_bytes(uint64_t bytes);

class ProgressBar {
  public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    // fd: where to draw (stderr). Disabled bars do nothing at all.
    ProgressBar(bool enabled, int fd, uint64_t bytes_total, Clock clock = {});
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    bool enabled() const noexcept { return enabled_; }
    void set_current(std::string name) { current_ = std::move(name); }
    // Redraws when 200 ms have passed since the last drawing.
    void update(uint64_t bytes_done, uint64_t events, uint64_t alerts);
    // Erases the bar, leaving the line clean for what follows.
    void finish();
    // Erases the bar before other output on the same terminal (a text alert); the next
    // update() draws it again, still at most five times a second.
    void clear() { finish(); }

  private:
    void draw(const std::string& text);

    bool enabled_;
    int fd_;
    uint64_t total_;
    Clock clock_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_{};
    bool ever_drawn_ = false;
    bool drawn_ = false;  // on screen now
    std::string current_;
};

// True when fd is a terminal.
bool is_terminal(int fd) noexcept;

}  // namespace app
