// Volume control per rule: at most `limit` alerts of one rule per window; the rest are counted,
// and one summary alert per rule and window says how many were suppressed. Time is the alerts'
// own @timestamp (or what the caller passes to expire()), never the wall clock, so offline
// replays and tests behave exactly like live mode.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alert/alert.hpp"
#include "alert/sink.hpp"

namespace alert {

struct ThrottleOptions {
    std::size_t limit = 100;                 // alerts per rule per window; 0 disables throttling
    int64_t window_us = 5 * 60 * 1'000'000;  // window length in microseconds (5 minutes)
};

struct ThrottleStats {
    uint64_t passed = 0;           // alerts let through
    uint64_t suppressed = 0;       // alerts held back
    uint64_t summaries = 0;        // summary alerts produced
    std::size_t open_windows = 0;  // rules with a window open now
};

class Throttle {
  public:
    explicit Throttle(ThrottleOptions options = {});

    // Decides one alert: true to deliver it. When the alert's timestamp is past the end of its
    // rule's window, that window closes first, and if it suppressed anything its summary is
    // appended to `summaries` (deliver it before the alert).
    bool admit(const Alert& alert, std::vector<Alert>& summaries);

    // Closes every window that ended at or before now_us (event time), appending summaries.
    // Call it now and then (e.g. on each event) so that a rule that went quiet still gets its
    // summary.
    void expire(int64_t now_us, std::vector<Alert>& summaries);

    // Closes all windows, e.g. at shutdown or end of an offline run.
    void finish(std::vector<Alert>& summaries);

    ThrottleStats stats() const;
    // Suppressed alerts per rule key (rule id, or rule name when the id is empty), all time.
    const std::map<std::string, uint64_t>& suppressed_by_rule() const { return by_rule_; }

    // The summary alert of a window: rule fields copied, "message" = "N alerts of rule X
    // suppressed", event.action "alerts-suppressed" and audisp_eql.throttle.* details.
    static Alert make_summary(const Alert& last, uint64_t suppressed, int64_t window_start_us,
                              int64_t window_us, std::size_t limit);

  private:
    struct Window {
        int64_t start_us = 0;
        uint64_t count = 0;  // alerts seen in this window (passed + suppressed)
        uint64_t suppressed = 0;
        Alert last_suppressed;  // template of the summary
    };

    void close(Window& window, std::vector<Alert>& summaries);

    ThrottleOptions options_;
    std::map<std::string, Window> windows_;
    std::map<std::string, uint64_t> by_rule_;
    ThrottleStats stats_;
};

// A sink decorator: throttles, forwards what passes and the summaries to the wrapped sink.
class ThrottlingSink final : public AlertSink {
  public:
    ThrottlingSink(std::unique_ptr<AlertSink> inner, ThrottleOptions options = {});

    void emit(const Alert& alert) noexcept override;
    void flush() override { inner_->flush(); }
    void reopen() override { inner_->reopen(); }
    SinkStats stats() const override { return inner_->stats(); }
    std::string describe() const override { return inner_->describe(); }

    // Forwards summaries of windows ended by now_us (event time).
    void expire(int64_t now_us) noexcept;
    // Forwards the summaries of all open windows (shutdown).
    void finish() noexcept;

    const Throttle& throttle() const { return throttle_; }
    AlertSink& inner() { return *inner_; }

  private:
    std::unique_ptr<AlertSink> inner_;
    Throttle throttle_;
};

}  // namespace alert
