#include "audit/forwarded.hpp"

#include <libaudit.h>

#include <array>
#include <charconv>

namespace audit {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) {
    if (text.empty()) return false;
    for (const char c : text) {
        if (!is_digit(c)) return false;
    }
    return true;
}

// The token up to the next space; `rest` then starts after the spaces that follow it.
std::string_view next_token(std::string_view& rest) {
    const std::size_t space = rest.find(' ');
    const std::string_view token = rest.substr(0, space);
    rest.remove_prefix(space == std::string_view::npos ? rest.size() : space);
    while (rest.starts_with(' ')) rest.remove_prefix(1);
    return token;
}

// "Feb  6 17:42:49" (RFC 3164, also journalctl's short format "Feb 06 17:42:49").
bool is_bsd_stamp(std::string_view s) {
    static constexpr std::array<std::string_view, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (s.size() < 16 || s[3] != ' ' || s[15] != ' ') return false;
    bool month = false;
    for (std::string_view name : kMonths) month = month || s.starts_with(name);
    return month && (s[4] == ' ' || is_digit(s[4])) && is_digit(s[5]) && s[6] == ' ' &&
           is_digit(s[7]) && is_digit(s[8]) && s[9] == ':' && is_digit(s[10]) && is_digit(s[11]) &&
           s[12] == ':' && is_digit(s[13]) && is_digit(s[14]);
}

// "2026-02-06T17:42:49.123456+00:00" (rsyslog's RFC 3339 file format, Debian's default).
bool is_rfc3339_stamp(std::string_view s) {
    return s.size() >= 19 && is_digit(s[0]) && is_digit(s[3]) && s[4] == '-' && s[7] == '-' &&
           s[10] == 'T' && s[13] == ':';
}

// After "<PRI>1 ": TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [BOM]MSG.
bool strip_rfc5424(std::string_view& s, std::string_view& host) {
    next_token(s);  // TIMESTAMP
    host = next_token(s);
    next_token(s);  // APP-NAME
    next_token(s);  // PROCID
    next_token(s);  // MSGID
    if (s.starts_with('-')) {
        s.remove_prefix(1);
    } else {
        // SD-ELEMENTs: "[...]" one after another; in PARAM-VALUEs '\' escapes ']'.
        while (s.starts_with('[')) {
            std::size_t i = 1;
            while (i < s.size() && s[i] != ']') i += s[i] == '\\' ? 2 : 1;
            if (i >= s.size()) return false;
            s.remove_prefix(i + 1);
        }
    }
    if (!s.starts_with(' ')) return false;
    s.remove_prefix(1);
    if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
    if (host == "-") host = {};
    return true;
}

// A syslog line (a file written by a syslog daemon, or a message on the wire): leaves the MSG
// in `s` and the HOSTNAME in `host`; false when `s` does not start like one.
bool strip_syslog(std::string_view& s, std::string_view& host) {
    if (s.starts_with('<')) {
        const std::size_t close = s.find('>');
        if (close == std::string_view::npos || close > 4 || !all_digits(s.substr(1, close - 1))) {
            return false;
        }
        s.remove_prefix(close + 1);
        if (s.starts_with("1 ")) {
            s.remove_prefix(2);
            return strip_rfc5424(s, host);
        }
    }
    if (is_bsd_stamp(s)) {
        s.remove_prefix(16);
        while (s.starts_with(' ')) s.remove_prefix(1);
    } else if (is_rfc3339_stamp(s)) {
        next_token(s);
    } else {
        return false;
    }
    host = next_token(s);
    const std::string_view tag = next_token(s);  // "audispd:", "audisp-syslog[812]:", "kernel:"
    return !host.empty() && tag.size() > 1 && tag.back() == ':';
}

// "[ 1234.567890] ": the kernel's time since boot, as dmesg and kern.log show it.
void strip_kernel_time(std::string_view& s) {
    if (!s.starts_with('[')) return;
    const std::size_t close = s.find("] ");
    if (close == std::string_view::npos || close > 24) return;
    for (const char c : s.substr(1, close - 1)) {
        if (!is_digit(c) && c != '.' && c != ' ') return;
    }
    s.remove_prefix(close + 2);
}

}  // namespace

bool normalise_forwarded(std::string_view line, std::string& out) {
    std::string_view s = line;
    std::string_view host;
    const bool syslog = strip_syslog(s, host);
    if (!syslog) s = line;
    strip_kernel_time(s);
    const bool kernel_prefix = s.starts_with("audit: ");
    if (kernel_prefix) s.remove_prefix(7);

    std::string_view node_part;  // "node=N " as written
    std::string_view rest = s;
    if (rest.starts_with("node=")) {
        const std::size_t space = rest.find(' ');
        if (space == std::string_view::npos) return false;
        node_part = rest.substr(0, space + 1);
        rest.remove_prefix(space + 1);
    }
    if (!rest.starts_with("type=")) return false;
    const std::size_t space = rest.find(' ');
    if (space == std::string_view::npos) return false;
    const std::string_view type = rest.substr(5, space - 5);
    const std::string_view after_type = rest.substr(space + 1);
    const bool numeric = all_digits(type);
    // Nothing stripped and nothing to rewrite: an audit.log line the header parser refused.
    if (!syslog && !kernel_prefix && !numeric && s.data() == line.data()) return false;

    out.clear();
    if (node_part.empty() && !host.empty()) out.append("node=").append(host).push_back(' ');
    out.append(node_part);
    out.append("type=");
    if (numeric) {
        int number = 0;
        std::from_chars(type.data(), type.data() + type.size(), number);
        const char* name = audit_msg_type_to_name(number);
        if (name != nullptr) {
            out.append(name);
        } else {
            out.append("UNKNOWN[").append(type).push_back(']');
        }
    } else {
        out.append(type);
    }
    out.push_back(' ');
    // The kernel's own lines write "audit(...)", audit.log "msg=audit(...)".
    if (after_type.starts_with("audit(")) out.append("msg=");
    out.append(after_type);
    return true;
}

}  // namespace audit
