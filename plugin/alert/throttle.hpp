// Volume control per rule and user: at most `limit` alerts of one rule by one real uid per window;
// the rest are counted, and one summary alert per rule, user and window says how many were held
// back and which executables raised them. Keying by user means an unprivileged user who floods a
// rule only throttles themself: root's alerts of the same rule still pass. Time is the alerts'
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
    std::size_t limit = 100;  // alerts per rule and user per window; 0 disables throttling
    int64_t window_us = int64_t{5} * 60 * 1'000'000;  // window length in microseconds (5 minutes)
    // Windows open at once. Past it, further non-root users of a rule share one window (so a
    // user cannot grow memory without bound); root (uid 0) always keeps a window of its own.
    std::size_t max_windows = 4096;
};

// The real uid of an alert's process (user.Ext.real.id, else process.real_user.id, else
// user.id of its event), as text; "" when the alert names none. The throttle's second key.
std::string throttle_user_id(const Alert& alert);

struct ThrottleStats {
    uint64_t passed = 0;           // alerts let through
    uint64_t suppressed = 0;       // alerts held back
    uint64_t summaries = 0;        // summary alerts produced
    std::size_t open_windows = 0;  // (rule, user) windows open now
};

// What one window held back: per user and per executable, how many (at most kMaxNamed of
// each are named; the rest are counted in `others`).
struct SuppressedDetail {
    using Count = SuppressedCount;
    static constexpr std::size_t kMaxNamed = 16;
    std::vector<Count> users;
    std::vector<Count> executables;
    uint64_t other_users = 0;
    uint64_t other_executables = 0;

    void add(const Alert& alert);
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

    // The summary alert of a window: the last suppressed alert's rule and event (for the host
    // and time) and a Suppression whose message says "N alerts of rule X by user NAME (uid U)
    // suppressed; executables: PATH (N), ..." (see document.hpp for its JSON rendering).
    static Alert make_summary(const Alert& last, uint64_t suppressed, int64_t window_start_us,
                              int64_t window_us, std::size_t limit,
                              const SuppressedDetail& detail = {});

  private:
    struct Window {
        int64_t start_us = 0;
        uint64_t count = 0;  // alerts seen in this window (passed + suppressed)
        uint64_t suppressed = 0;
        Alert last_suppressed;  // template of the summary
        SuppressedDetail detail;
    };

    std::string key_of(const Alert& alert) const;

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
