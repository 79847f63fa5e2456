// Fixed windows per rule and real uid, anchored at the first alert of that pair after the previous
// window ended: simple to explain ("100 per user per 5 minutes from the first one"), one summary
// per window.
#include "alert/throttle.hpp"

#include <initializer_list>
#include <memory>
#include <string_view>
#include <utility>

#include "ecs/fields.hpp"

namespace alert {

namespace {

std::string rule_key_of(const Alert& alert) {
    return alert.rule_id.empty() ? alert.rule_name : alert.rule_id;
}

// Separates the rule and the uid in a window key; neither contains it.
constexpr char kKeySeparator = '\x1f';
constexpr std::string_view kRootUid = "0";
constexpr std::string_view kSharedUsers = "*";

// A field of the alert's event as text, "" when absent.
std::string alert_field_text(const Alert& alert, ecs::FieldId id) {
    if (!alert.event) return {};
    const ecs::FieldValue value = ecs::get_field(*alert.event, id);
    if (value.kind == ecs::FieldValue::Kind::String) return std::string(value.text);
    if (value.kind == ecs::FieldValue::Kind::Integer) return std::to_string(value.integer);
    return {};
}

std::string first_text(const Alert& alert, std::initializer_list<ecs::FieldId> fields) {
    for (const ecs::FieldId id : fields) {
        std::string value = alert_field_text(alert, id);
        if (!value.empty()) return value;
    }
    return {};
}

std::string user_name_of(const Alert& alert) {
    using ecs::FieldId;
    return first_text(alert,
                      {FieldId::UserExtRealName, FieldId::ProcessRealUserName, FieldId::UserName});
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
    using ecs::FieldId;
    return first_text(alert, {FieldId::UserExtRealId, FieldId::ProcessRealUserId, FieldId::UserId});
}

void SuppressedDetail::add(const Alert& alert) {
    count_into(users, other_users, throttle_user_id(alert), user_name_of(alert));
    count_into(executables, other_executables,
               alert_field_text(alert, ecs::FieldId::ProcessExecutable), "");
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
    auto summary = std::make_shared<Suppression>();
    summary->suppressed = suppressed;
    summary->limit = limit;
    summary->window_start_us = window_start_us;
    summary->window_end_us = window_start_us + window_us;
    summary->users = detail.users;
    summary->executables = detail.executables;
    summary->other_users = detail.other_users;
    summary->other_executables = detail.other_executables;
    summary->message = std::move(message);

    // The rule, its routing fields and the host are the last suppressed alert's.
    Alert out;
    out.event = last.event;
    out.rule = last.rule;
    out.suppression = std::move(summary);
    out.rule_id = last.rule_id;
    out.rule_name = last.rule_name;
    out.severity = last.severity;
    out.risk_score = last.risk_score;
    out.timestamp_us = last.timestamp_us;
    return out;
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
