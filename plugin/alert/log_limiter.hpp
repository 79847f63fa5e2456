// Rate limit for a sink's own diagnostics: a collector that is down must not flood the log
// with one warning per alert. Internal to alert/.
#pragma once

#include <chrono>
#include <cstdint>

namespace alert {

class LogLimiter {
  public:
    explicit LogLimiter(std::chrono::seconds interval = std::chrono::seconds(10))
        : interval_(interval) {}

    // True at most once per interval; `suppressed()` tells how many calls said false since.
    bool allow() {
        const auto now = std::chrono::steady_clock::now();
        if (logged_once_ && now - last_ < interval_) {
            ++suppressed_;
            return false;
        }
        logged_once_ = true;
        last_ = now;
        last_suppressed_ = suppressed_;
        suppressed_ = 0;
        return true;
    }
    uint64_t suppressed_before() const { return last_suppressed_; }

  private:
    std::chrono::steady_clock::duration interval_;
    std::chrono::steady_clock::time_point last_{};
    bool logged_once_ = false;
    uint64_t suppressed_ = 0;
    uint64_t last_suppressed_ = 0;
};

}  // namespace alert
