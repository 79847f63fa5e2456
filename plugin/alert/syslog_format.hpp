// Syslog framing of a formatted alert: RFC 5424 messages (for UDP and TCP collectors), RFC 6587
// octet counting (for TCP) and the traditional local format that syslog(3) writes to /dev/log.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "alert/alert.hpp"
#include "alert/format.hpp"

namespace alert {

struct Rfc5424Options {
    int facility = 10;                             // authpriv
    std::string hostname;                          // HOSTNAME; "" -> NILVALUE "-"
    std::string app_name = std::string(kProduct);  // APP-NAME
    std::string procid;                            // PROCID; "" -> "-"
    // SD-ID of our parameters: name@private-enterprise-number. 32473 is the PEN that RFC 5612
    // reserves for documentation; set your own if you have one.
    std::string sd_id = "alert@32473";
    bool utf8_bom = false;  // RFC 5424 §6.4 wants a BOM before UTF-8 MSG; most SIEMs do not
};

// PRI value: facility * 8 + syslog_severity(alert.severity).
int syslog_priority(const Alert& alert, int facility);

// A header field (HOSTNAME, APP-NAME, PROCID, MSGID): only PRINTUSASCII (33..126), other bytes
// become '_', cut to max_length; an empty value becomes the NILVALUE "-".
std::string header_token(std::string_view raw, std::size_t max_length);

// MSGID of a rule: the rule id as a header token of at most 32 characters. A UUID (36 chars)
// loses its dashes, which keeps all 32 hex digits.
std::string msgid_for(std::string_view rule_id);

// A PARAM-VALUE (RFC 5424 §6.3.3): unsafe code points and invalid UTF-8 become U+FFFD, the value
// is cut to max_bytes (before escaping), then `"`, `\` and `]` are escaped with a backslash.
std::string sd_param_value(std::string_view raw, std::size_t max_bytes = 128);

// `[SD-ID rule_name="..." rule_id="..." severity="..." risk_score="..." pid="..." user="..."
// uid="..."]`, absent values left out.
std::string structured_data(const Alert& alert, std::string_view sd_id);

// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG`, where TIMESTAMP is the
// alert's @timestamp (NILVALUE when unknown) and MSG the alert in `format`. If max_bytes > 0
// the MSG is shortened so that the whole message fits (see format_alert()).
Formatted format_rfc5424(const Alert& alert, Format format, const Rfc5424Options& options,
                         std::size_t max_bytes = 0);

// RFC 6587 §3.4.1 octet counting: "LENGTH SP MESSAGE".
std::string octet_count_frame(std::string_view message);
// RFC 6587 §3.4.2 non-transparent framing: "MESSAGE LF" (exact: a message never holds an LF).
std::string newline_frame(std::string_view message);

// What syslog(3) sends to /dev/log: `<PRI>Mmm dd HH:MM:SS TAG[PID]: MSG`, with the timestamp
// in local time (of the alert, or now when the alert has none).
std::string format_local_syslog(int priority, int64_t timestamp_us, std::string_view tag, long pid,
                                std::string_view msg);

}  // namespace alert
