// Fixed windows per rule and real uid, anchored at the first alert of that pair after the previous
// window ended: simple to explain ("100 per user per 5 minutes from the first one"), one summary
// per window.
#include "alert/throttle.hpp"

#include <initializer_list>
#include <string_view>
#include <utility>

namespace alert {

namespace {

std::string rule_key_of(const Alert& alert) {
    return alert.rule_id.empty() ? alert.rule_name : alert.rule_id;
}

// Separates the rule and the uid in a window key; neither contains it.
constexpr char kKeySeparator = '\x1f';
constexpr std::string_view kRootUid = "0";
constexpr std::string_view kSharedUsers = "*";

std::string first_text(const Alert& alert, std::initializer_list<std::string_view> paths) {
    for (std::string_view path : paths) {
        std::string value = text_at(alert.document, path);
        if (!value.empty()) return value;
    }
    return {};
}

std::string user_name_of(const Alert& alert) {
    return first_text(alert, {"user.Ext.real.name", "process.real_user.name", "user.name"});
}

void count_into(std::vector<SuppressedDetail::Count>& counts, uint64_t& others, std::string name,
                std::string label) {
    for (auto& entry : counts) {
        if (entry.name == name) {
            ++entry.count;
            if (entry.label.empty()) entry.label = std::move(label);
            return;
        }
    }
    if (counts.size() >= SuppressedDetail::kMaxNamed) {
        ++others;
        return;
    }
    counts.push_back({std::move(name), std::move(label), 1});
}

std::string user_text(const SuppressedDetail::Count& user) {
    if (user.name.empty()) return "an unknown user";
    return "user " + (user.label.empty() ? "" : user.label + " ") + "(uid " + user.name + ")";
}

}  // namespace

std::string throttle_user_id(const Alert& alert) {
    return first_text(alert, {"user.Ext.real.id", "process.real_user.id", "user.id"});
}

void SuppressedDetail::add(const Alert& alert) {
    count_into(users, other_users, throttle_user_id(alert), user_name_of(alert));
    count_into(executables, other_executables, text_at(alert.document, "process.executable"), "");
}

std::string Throttle::key_of(const Alert& alert) const {
    std::string rule = rule_key_of(alert);
    std::string uid = throttle_user_id(alert);
    std::string key = rule + kKeySeparator + uid;
    if (uid != kRootUid && windows_.size() >= options_.max_windows && !windows_.contains(key)) {
        key = rule + kKeySeparator + std::string(kSharedUsers);
    }
    return key;
}

Throttle::Throttle(ThrottleOptions options) : options_(options) {
    if (options_.window_us <= 0) options_.window_us = 1;
}

Alert Throttle::make_summary(const Alert& last, uint64_t suppressed, int64_t window_start_us,
                             int64_t window_us, std::size_t limit, const SuppressedDetail& detail) {
    const std::string rule = last.rule_name.empty() ? last.rule_id : last.rule_name;
    nlohmann::json doc = nlohmann::json::object();
    if (const nlohmann::json* stamp = find_path(last.document, "@timestamp")) {
        doc["@timestamp"] = *stamp;
    }
    std::string message = std::to_string(suppressed) + " alerts of rule " + rule;
    if (!detail.users.empty()) {
        message += " by ";
        for (std::size_t i = 0; i < detail.users.size(); ++i) {
            message += (i == 0 ? "" : ", ") + user_text(detail.users[i]);
            if (detail.users.size() > 1) message += " " + std::to_string(detail.users[i].count);
        }
        if (detail.other_users > 0) {
            message += " and " + std::to_string(detail.other_users) + " by other users";
        }
    }
    message += " suppressed";
    if (!detail.executables.empty()) {
        message += "; executables: ";
        for (std::size_t i = 0; i < detail.executables.size(); ++i) {
            const auto& exe = detail.executables[i];
            message += (i == 0 ? "" : ", ") + (exe.name.empty() ? "(unknown)" : exe.name) + " (" +
                       std::to_string(exe.count) + ")";
        }
        if (detail.other_executables > 0) {
            message += ", others (" + std::to_string(detail.other_executables) + ")";
        }
    }
    doc["message"] = std::move(message);
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
    // One user per window (the key), unless users past max_windows shared it.
    if (detail.users.size() == 1 && detail.other_users == 0 && !detail.users[0].name.empty()) {
        doc["user"]["id"] = detail.users[0].name;
        if (!detail.users[0].label.empty()) doc["user"]["name"] = detail.users[0].label;
    }
    auto counts = [](const std::vector<SuppressedDetail::Count>& entries, const char* name_key,
                     bool with_label) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& entry : entries) {
            nlohmann::json item = {{name_key, entry.name}, {"count", entry.count}};
            if (with_label && !entry.label.empty()) item["name"] = entry.label;
            out.push_back(std::move(item));
        }
        return out;
    };
    doc["audisp_eql"]["throttle"] = {
        {"suppressed", suppressed},
        {"limit", limit},
        {"window_start", window_start_us},
        {"window_end", window_start_us + window_us},
        {"users", counts(detail.users, "id", true)},
        {"executables", counts(detail.executables, "executable", false)},
    };
    if (detail.other_users > 0) doc["audisp_eql"]["throttle"]["other_users"] = detail.other_users;
    if (detail.other_executables > 0) {
        doc["audisp_eql"]["throttle"]["other_executables"] = detail.other_executables;
    }
    Alert summary = Alert::from_document(std::move(doc));
    summary.timestamp_us = last.timestamp_us;
    return summary;
}

void Throttle::close(Window& window, std::vector<Alert>& summaries) {
    if (window.suppressed > 0) {
        summaries.push_back(make_summary(window.last_suppressed, window.suppressed, window.start_us,
                                         options_.window_us, options_.limit, window.detail));
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
    window.detail.add(alert);
    ++stats_.suppressed;
    ++by_rule_[rule_key_of(alert)];
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
