#include "audit/auparse_feed.hpp"

#include <stdexcept>
#include <utility>

namespace audit {

AuparseFeed::AuparseFeed(EventHandler handler) : handler_(std::move(handler)) { renew(); }

void AuparseFeed::renew() {
    std::unique_ptr<auparse_state_t, Destroy> fresh(auparse_init(AUSOURCE_FEED, nullptr));
    if (!fresh) throw std::runtime_error("auparse_init failed");
    auparse_add_callback(fresh.get(), &AuparseFeed::trampoline, this, nullptr);
    state_ = std::move(fresh);
}

void AuparseFeed::trampoline(auparse_state_t* state, auparse_cb_event_t type, void* self) {
    if (type != AUPARSE_CB_EVENT_READY) return;
    static_cast<AuparseFeed*>(self)->handler_(state);
}

void AuparseFeed::feed(std::string_view records) {
    auparse_feed(state_.get(), records.data(), records.size());
}

void AuparseFeed::age_events() { auparse_feed_age_events(state_.get()); }

void AuparseFeed::finish() { auparse_flush_feed(state_.get()); }

bool AuparseFeed::has_pending() const { return auparse_feed_has_data(state_.get()) != 0; }

}  // namespace audit
