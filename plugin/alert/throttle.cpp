// Fixed windows per rule, anchored at the first alert of the rule after the previous window
// ended: simple to explain ("100 per 5 minutes from the first one"), one summary per window.
#include "alert/throttle.hpp"

#include <utility>

namespace alert {

namespace {

std::string key_of(const Alert& alert) {
    return alert.rule_id.empty() ? alert.rule_name : alert.rule_id;
}

}  // namespace

Throttle::Throttle(ThrottleOptions options) : options_(options) {
    if (options_.window_us <= 0) options_.window_us = 1;
}

Alert Throttle::make_summary(const Alert& last, uint64_t suppressed, int64_t window_start_us,
                             int64_t window_us, std::size_t limit) {
    const std::string rule = last.rule_name.empty() ? last.rule_id : last.rule_name;
    nlohmann::json doc = nlohmann::json::object();
    if (const nlohmann::json* stamp = find_path(last.document, "@timestamp")) {
        doc["@timestamp"] = *stamp;
    }
    doc["message"] = std::to_string(suppressed) + " alerts of rule " + rule + " suppressed";
    doc["event"] = {{"kind", "alert"}, {"action", "alerts-suppressed"}};
    if (last.risk_score >= 0) doc["event"]["risk_score"] = last.risk_score;
    nlohmann::json rule_doc = nlohmann::json::object();
    if (const nlohmann::json* original = find_path(last.document, "rule");
        original != nullptr && original->is_object()) {
        for (const char* key : {"id", "name", "version", "severity", "risk_score", "uuid"}) {
            if (auto it = original->find(key); it != original->end()) rule_doc[key] = *it;
        }
    }
    rule_doc["id"] = last.rule_id;
    rule_doc["name"] = last.rule_name;
    rule_doc["severity"] = last.severity;
    if (last.risk_score >= 0) rule_doc["risk_score"] = last.risk_score;
    doc["rule"] = std::move(rule_doc);
    if (const nlohmann::json* host = find_path(last.document, "host"); host != nullptr) {
        doc["host"] = *host;
    }
    doc["audisp_eql"]["throttle"] = {
        {"suppressed", suppressed},
        {"limit", limit},
        {"window_start", window_start_us},
        {"window_end", window_start_us + window_us},
    };
    Alert summary = Alert::from_document(std::move(doc));
    summary.timestamp_us = last.timestamp_us;
    return summary;
}

void Throttle::close(Window& window, std::vector<Alert>& summaries) {
    if (window.suppressed > 0) {
        summaries.push_back(make_summary(window.last_suppressed, window.suppressed, window.start_us,
                                         options_.window_us, options_.limit));
        ++stats_.summaries;
    }
}

bool Throttle::admit(const Alert& alert, std::vector<Alert>& summaries) {
    if (options_.limit == 0) {
        ++stats_.passed;
        return true;
    }
    const std::string key = key_of(alert);
    auto it = windows_.find(key);
    if (it != windows_.end() && alert.timestamp_us >= it->second.start_us + options_.window_us) {
        close(it->second, summaries);
        windows_.erase(it);
        it = windows_.end();
    }
    if (it == windows_.end()) {
        it = windows_.emplace(key, Window{}).first;
        it->second.start_us = alert.timestamp_us;
    }
    Window& window = it->second;
    // An alert older than its window start (out of order) still counts in the open window.
    ++window.count;
    if (window.count <= options_.limit) {
        ++stats_.passed;
        return true;
    }
    ++window.suppressed;
    window.last_suppressed = alert;
    ++stats_.suppressed;
    ++by_rule_[key];
    return false;
}

void Throttle::expire(int64_t now_us, std::vector<Alert>& summaries) {
    for (auto it = windows_.begin(); it != windows_.end();) {
        if (now_us >= it->second.start_us + options_.window_us) {
            close(it->second, summaries);
            it = windows_.erase(it);
        } else {
            ++it;
        }
    }
}

void Throttle::finish(std::vector<Alert>& summaries) {
    for (auto& [key, window] : windows_) close(window, summaries);
    windows_.clear();
}

ThrottleStats Throttle::stats() const {
    ThrottleStats out = stats_;
    out.open_windows = windows_.size();
    return out;
}

ThrottlingSink::ThrottlingSink(std::unique_ptr<AlertSink> inner, ThrottleOptions options)
    : inner_(std::move(inner)), throttle_(options) {}

void ThrottlingSink::emit(const Alert& alert) noexcept {
    try {
        std::vector<Alert> summaries;
        const bool pass = throttle_.admit(alert, summaries);
        for (const Alert& summary : summaries) inner_->emit(summary);
        if (pass) inner_->emit(alert);
    } catch (...) {
        // Allocation failure while throttling: deliver rather than lose the alert.
        inner_->emit(alert);
    }
}

void ThrottlingSink::expire(int64_t now_us) noexcept {
    try {
        std::vector<Alert> summaries;
        throttle_.expire(now_us, summaries);
        for (const Alert& summary : summaries) inner_->emit(summary);
    } catch (...) {
    }
}

void ThrottlingSink::finish() noexcept {
    try {
        std::vector<Alert> summaries;
        throttle_.finish(summaries);
        for (const Alert& summary : summaries) inner_->emit(summary);
    } catch (...) {
    }
}

}  // namespace alert
