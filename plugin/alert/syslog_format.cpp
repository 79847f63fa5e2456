// RFC 5424 is strict about its header (printable ASCII, fixed maximum lengths) and lets
// STRUCTURED-DATA carry UTF-8 with three escaped characters; everything attacker-controlled
// goes either into the escaped SD values or into the MSG, which the formatters keep on one line.
#include "alert/syslog_format.hpp"

#include <ctime>
#include <vector>

#include "alert/fields.hpp"
#include "alert/text.hpp"
#include "ecs/timestamp.hpp"

namespace alert {

int syslog_priority(const Alert& alert, int facility) {
    return facility * 8 + syslog_severity(alert.severity);
}

std::string header_token(std::string_view raw, std::size_t max_length) {
    std::string out;
    for (const char c : raw.substr(0, max_length)) {
        const auto byte = static_cast<unsigned char>(c);
        out += (byte >= 33 && byte <= 126) ? c : '_';
    }
    return out.empty() ? "-" : out;
}

std::string msgid_for(std::string_view rule_id) {
    std::string id(rule_id);
    if (id.size() > 32) {
        std::string without_dashes;
        for (const char c : id) {
            if (c != '-') without_dashes += c;
        }
        if (without_dashes.size() <= 32) id = without_dashes;
    }
    return header_token(id, 32);
}

std::string sd_param_value(std::string_view raw, std::size_t max_bytes) {
    std::string clean = text::neutralise(raw);
    text::cut_with_marker(clean, max_bytes);
    std::string out;
    out.reserve(clean.size() + 4);
    for (const char c : clean) {
        if (c == '"' || c == '\\' || c == ']') out += '\\';
        out += c;
    }
    return out;
}

std::string structured_data(const Alert& alert, std::string_view sd_id) {
    // SD-NAME: printable ASCII without '=', SP, ']' and '"', at most 32 characters.
    std::string id;
    for (const char c : sd_id.substr(0, 32)) {
        const auto byte = static_cast<unsigned char>(c);
        const bool ok = byte >= 33 && byte <= 126 && c != '=' && c != ']' && c != '"';
        id += ok ? c : '_';
    }
    if (id.empty()) id = "alert";
    const AlertFields fields = extract_fields(alert);
    std::string out = "[" + id;
    auto param = [&](const char* name, const std::string& value) {
        if (value.empty()) return;
        out += ' ';
        out += name;
        out += "=\"";
        out += sd_param_value(value);
        out += '"';
    };
    param("rule_name", alert.rule_name);
    param("rule_id", alert.rule_id);
    param("severity", alert.severity);
    if (alert.risk_score >= 0) param("risk_score", std::to_string(alert.risk_score));
    param("pid", fields.pid);
    param("user", fields.user_name);
    param("uid", fields.user_id);
    out += ']';
    return out;
}

Formatted format_rfc5424(const Alert& alert, Format format, const Rfc5424Options& options,
                         std::size_t max_bytes) {
    std::string head = "<" + std::to_string(syslog_priority(alert, options.facility)) + ">1 ";
    head += alert.timestamp_us > 0 ? ecs::format_timestamp(alert.timestamp_us) : "-";
    head += ' ';
    head += header_token(options.hostname, 255);
    head += ' ';
    head += header_token(options.app_name, 48);
    head += ' ';
    head += header_token(options.procid, 128);
    head += ' ';
    head += msgid_for(alert.rule_id);
    head += ' ';
    head += structured_data(alert, options.sd_id);
    head += ' ';
    if (options.utf8_bom) head += "\xEF\xBB\xBF";

    std::size_t budget = 0;
    if (max_bytes > 0) budget = max_bytes > head.size() ? max_bytes - head.size() : 1;
    Formatted result = format_alert(alert, format, budget);
    // The formatters never produce these; a last guard so that a message can never split.
    for (char& c : result.line) {
        if (c == '\n' || c == '\r' || c == '\0') c = ' ';
    }
    result.line.insert(0, head);
    return result;
}

std::string octet_count_frame(std::string_view message) {
    std::string frame = std::to_string(message.size());
    frame += ' ';
    frame.append(message);
    return frame;
}

std::string newline_frame(std::string_view message) {
    std::string frame(message);
    frame += '\n';
    return frame;
}

std::string format_local_syslog(int priority, int64_t timestamp_us, std::string_view tag, long pid,
                                std::string_view msg) {
    std::time_t seconds =
        timestamp_us > 0 ? static_cast<std::time_t>(timestamp_us / 1'000'000) : std::time(nullptr);
    std::tm local{};
    localtime_r(&seconds, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &local);
    std::string out = "<" + std::to_string(priority) + ">" + stamp + " ";
    out += header_token(tag, 48);
    out += "[" + std::to_string(pid) + "]: ";
    out.append(msg);
    for (std::size_t i = out.size() - msg.size(); i < out.size(); ++i) {
        if (out[i] == '\n' || out[i] == '\r' || out[i] == '\0') out[i] = ' ';
    }
    return out;
}

}  // namespace alert
