// A move-free RAII owner of an auparse feed (AUSOURCE_FEED): records in, complete events out.
#pragma once

#include <auparse.h>

#include <functional>
#include <memory>
#include <string_view>

namespace audit {

class AuparseFeed {
  public:
    // Called once per complete event, with the state positioned on it.
    using EventHandler = std::function<void(auparse_state_t*)>;

    explicit AuparseFeed(EventHandler handler);  // throws std::runtime_error
    AuparseFeed(const AuparseFeed&) = delete;
    AuparseFeed& operator=(const AuparseFeed&) = delete;
    ~AuparseFeed() = default;

    void feed(std::string_view records);
    // Hands over events whose last record is older than the EOE timeout (stream mode).
    void age_events();
    // Hands over every event still open: the end of input.
    void finish();
    bool has_pending() const;
    // Replaces the state by a fresh, empty one (what the old one held is dropped, unannounced).
    // Strongly exception-safe: if a fresh state cannot be made, the old one stays.
    void renew();

  private:
    struct Destroy {
        void operator()(auparse_state_t* state) const noexcept { auparse_destroy(state); }
    };
    static void trampoline(auparse_state_t* state, auparse_cb_event_t type, void* self);

    EventHandler handler_;
    std::unique_ptr<auparse_state_t, Destroy> state_;
};

}  // namespace audit
