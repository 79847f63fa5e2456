// fuzz_format: attacker strings in an alert (command line, args, user, executable, parent,
// working directory, host, real user name, and for good measure the rule name, risk score,
// @timestamp and the syslog header settings) -> format_json / format_cef / format_text and RFC 5424
// framing. Checks, by independent parsers written here: no LF, CR or NUL anywhere; valid UTF-8; the
// JSON parses back and is byte for byte what the alert's JSON document gives; the CEF header has
// exactly 7 unescaped pipes and only the escapes CEF defines; the RFC 5424 header and
// STRUCTURED-DATA follow the grammar; size limits are honoured.
//
// Input: strings separated by 0x1E (the ASCII record separator), then 12 control bytes at the
// end: options (1), size limit (2), timestamp (4), risk score (4, signed), pid (1).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "../common/sample_event.hpp"
#include "alert/alert.hpp"
#include "alert/document.hpp"
#include "alert/format.hpp"
#include "alert/syslog_format.hpp"
#include "ecs/event.hpp"
#include "engine/rule.hpp"
#include "fuzz_input.hpp"

namespace {

using fuzz::check;

// Where the parts go, in input order (the typed event's and rule's fields).
using Setter = void (*)(ecs::Event&, engine::RuleInfo&, std::string);
const Setter kSlots[] = {
    [](ecs::Event& e, engine::RuleInfo&, std::string v) { e.process.command_line = std::move(v); },
    [](ecs::Event& e, engine::RuleInfo&, std::string v) { (*e.process.args)[1] = std::move(v); },
    [](ecs::Event& e, engine::RuleInfo&, std::string v) { e.user.name = std::move(v); },
    [](ecs::Event& e, engine::RuleInfo&, std::string v) { e.process.executable = std::move(v); },
    [](ecs::Event& e, engine::RuleInfo&, std::string v) { e.parent.command_line = std::move(v); },
    [](ecs::Event& e, engine::RuleInfo&, std::string v) {
        e.process.working_directory = std::move(v);
    },
    [](ecs::Event& e, engine::RuleInfo&, std::string v) { e.process.name = std::move(v); },
    [](ecs::Event& e, engine::RuleInfo&, std::string v) { e.host_name = std::move(v); },
    [](ecs::Event& e, engine::RuleInfo&, std::string v) { e.parent.executable = std::move(v); },
    [](ecs::Event& e, engine::RuleInfo&, std::string v) { (*e.process.args)[0] = std::move(v); },
    // The rule name comes from a root-owned rule file, not from the attacker: fuzzed at a
    // realistic length, so that the size limit stays a fair check.
    [](ecs::Event&, engine::RuleInfo& r, std::string v) {
        v.resize(std::min<std::size_t>(v.size(), 48));
        r.name = std::move(v);
    },
    // Once @timestamp as text; the alert's time is typed now (the 0x40 option sets it).
    [](ecs::Event& e, engine::RuleInfo&, std::string v) { e.user_real.name = std::move(v); },
};
constexpr std::size_t kSlotCount = sizeof kSlots / sizeof kSlots[0];
// Parts after the slots set the syslog header fields (hostname, app-name, procid, sd-id, tag).
constexpr std::size_t kHeaderParts = 5;

engine::RuleInfo base_rule() {
    engine::RuleInfo rule;
    rule.name = "Attempt to Disable IPTables or Firewall";
    rule.rule_id = "83e9c2b3-24ef-4c1d-a8cd-5ebafb5dfa2f";
    rule.severity = "low";
    rule.risk_score = 21;
    rule.version = "104";
    rule.authors = {"Elastic"};
    engine::Threat threat;
    threat.framework = "MITRE ATT&CK";
    threat.tactic = {"TA0005", "Defense Evasion", "https://attack.mitre.org/tactics/TA0005/"};
    threat.techniques.push_back({{"T1562", "Impair Defenses", ""}, {}});
    rule.threats.push_back(threat);
    return rule;
}

// Strict UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        uint32_t cp = 0;
        if (b < 0x80) {
            ++i;
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            len = 2;
            cp = b & 0x1Fu;
        } else if (b >= 0xE0 && b <= 0xEF) {
            len = 3;
            cp = b & 0x0Fu;
        } else if (b >= 0xF0 && b <= 0xF4) {
            len = 4;
            cp = b & 0x07u;
        } else {
            return false;
        }
        if (i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (c & 0x3Fu);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += len;
    }
    return true;
}

void check_line(const std::string& line, const char* what) {
    check(line.find_first_of(std::string_view("\n\r\0", 3)) == std::string::npos, what, line);
    check(valid_utf8(line), "output is valid UTF-8", line);
}

void check_json(const std::string& line) {
    const auto parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    check(!parsed.is_discarded() && parsed.is_object(), "JSON alert parses back", line);
}

bool key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

void check_cef(const std::string& line) {
    // Header: seven fields ended by unescaped pipes; only \\ and \| are escapes there.
    std::vector<std::string> fields(1);
    std::size_t i = 0;
    for (; i < line.size() && fields.size() < 8; ++i) {
        const char c = line[i];
        if (c == '\\') {
            check(i + 1 < line.size() && (line[i + 1] == '\\' || line[i + 1] == '|'),
                  "CEF header escape is \\\\ or \\|", line);
            fields.back() += line[++i];
        } else if (c == '|') {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    check(fields.size() == 8, "CEF header has exactly 7 unescaped pipes", line);
    check(fields[0] == "CEF:0", "CEF version field", line);
    check(fields[1] == alert::kVendor && fields[2] == alert::kProduct &&
              fields[3] == alert::kProductVersion,
          "CEF vendor, product and version intact", line);
    const std::string& severity = fields[6];
    check(!severity.empty() && severity.size() <= 2 &&
              severity.find_first_not_of("0123456789") == std::string::npos &&
              std::stoi(severity) <= 10,
          "CEF severity is 0..10", line);
    // Extension: key=value pairs; in values only \\ \= \n \r are escapes and every unescaped
    // '=' ends a key that starts the extension or follows a space.
    const std::string_view ext = std::string_view(line).substr(i);
    for (std::size_t k = 0; k < ext.size(); ++k) {
        if (ext[k] == '\\') {
            check(k + 1 < ext.size() &&
                      std::string_view("\\=nr").find(ext[k + 1]) != std::string_view::npos,
                  "CEF extension escape is one of \\\\ \\= \\n \\r", line);
            ++k;
        } else if (ext[k] == '=') {
            std::size_t start = k;
            while (start > 0 && key_char(ext[start - 1])) --start;
            check(start < k && (start == 0 || ext[start - 1] == ' '),
                  "every unescaped '=' in a CEF extension ends a key", line);
        }
    }
    check(ext.empty() || ext.front() != ' ', "CEF extension starts with a key", line);
}

bool printusascii(std::string_view token, std::size_t max) {
    if (token.empty() || token.size() > max) return false;
    for (const char c : token) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 33 || b > 126) return false;
    }
    return true;
}

bool digits(std::string_view s, std::size_t n) {
    return s.size() == n && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// FULL-DATE "T" PARTIAL-TIME [.1*6DIGIT] TIME-OFFSET, or NILVALUE.
bool rfc5424_timestamp(std::string_view t) {
    if (t == "-") return true;
    if (t.size() < 20) return false;
    if (!digits(t.substr(0, 4), 4) || t[4] != '-' || !digits(t.substr(5, 2), 2) || t[7] != '-' ||
        !digits(t.substr(8, 2), 2) || t[10] != 'T' || !digits(t.substr(11, 2), 2) || t[13] != ':' ||
        !digits(t.substr(14, 2), 2) || t[16] != ':' || !digits(t.substr(17, 2), 2)) {
        return false;
    }
    std::string_view rest = t.substr(19);
    if (!rest.empty() && rest.front() == '.') {
        std::size_t n = 1;
        while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
        if (n < 2 || n > 7) return false;
        rest.remove_prefix(n);
    }
    return rest == "Z" ||
           (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') &&
            digits(rest.substr(1, 2), 2) && rest[3] == ':' && digits(rest.substr(4, 2), 2));
}

bool sd_name_char(char c) {
    const auto b = static_cast<unsigned char>(c);
    return b >= 33 && b <= 126 && c != '=' && c != ']' && c != '"';
}

// Returns the MSG; aborts when the message breaks RFC 5424's grammar.
std::string_view check_rfc5424(const std::string& message) {
    std::string_view m = message;
    auto token = [&](const char* what) {
        const auto space = m.find(' ');
        check(space != std::string_view::npos, what, message);
        const std::string_view t = m.substr(0, space);
        m.remove_prefix(space + 1);
        return t;
    };
    check(!m.empty() && m.front() == '<', "RFC 5424 starts with <PRI>", message);
    const auto close = m.find('>');
    check(close != std::string_view::npos && close >= 2 && close <= 4, "PRI", message);
    const std::string_view pri = m.substr(1, close - 1);
    check(pri.find_first_not_of("0123456789") == std::string_view::npos &&
              (pri.size() == 1 || pri.front() != '0') && std::stoi(std::string(pri)) <= 191,
          "PRI is 0..191 without leading zeros", message);
    m.remove_prefix(close + 1);
    check(token("VERSION") == "1", "VERSION is 1", message);
    check(rfc5424_timestamp(token("TIMESTAMP")), "TIMESTAMP", message);
    check(printusascii(token("HOSTNAME"), 255), "HOSTNAME", message);
    check(printusascii(token("APP-NAME"), 48), "APP-NAME", message);
    check(printusascii(token("PROCID"), 128), "PROCID", message);
    check(printusascii(token("MSGID"), 32), "MSGID", message);
    // STRUCTURED-DATA: NILVALUE or 1*SD-ELEMENT.
    if (!m.empty() && m.front() == '-') {
        m.remove_prefix(1);
    } else {
        check(!m.empty() && m.front() == '[', "STRUCTURED-DATA", message);
        while (!m.empty() && m.front() == '[') {
            m.remove_prefix(1);
            std::size_t n = 0;
            while (n < m.size() && sd_name_char(m[n])) ++n;
            check(n >= 1 && n <= 32, "SD-ID is 1..32 SD-NAME characters", message);
            m.remove_prefix(n);
            while (!m.empty() && m.front() == ' ') {
                m.remove_prefix(1);
                n = 0;
                while (n < m.size() && sd_name_char(m[n])) ++n;
                check(n >= 1 && n <= 32, "PARAM-NAME is 1..32 SD-NAME characters", message);
                m.remove_prefix(n);
                check(m.substr(0, 2) == "=\"", "PARAM-NAME=\"", message);
                m.remove_prefix(2);
                std::string value;
                for (;;) {
                    check(!m.empty(), "PARAM-VALUE is closed", message);
                    const char c = m.front();
                    m.remove_prefix(1);
                    if (c == '"') break;
                    check(c != ']', "']' in PARAM-VALUE is escaped", message);
                    if (c == '\\') {
                        check(!m.empty() &&
                                  (m.front() == '"' || m.front() == '\\' || m.front() == ']'),
                              "PARAM-VALUE escapes only \\\" \\\\ \\]", message);
                        value += m.front();
                        m.remove_prefix(1);
                    } else {
                        value += c;
                    }
                }
                check(valid_utf8(value), "PARAM-VALUE is UTF-8", message);
            }
            check(!m.empty() && m.front() == ']', "SD-ELEMENT ends with ]", message);
            m.remove_prefix(1);
        }
    }
    if (m.empty()) return m;
    check(m.front() == ' ', "SP before MSG", message);
    m.remove_prefix(1);
    return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    static const ecs::Event kEvent = test_common::iptables_exec();
    static const engine::RuleInfo kRule = base_rule();
    fuzz::Input input(data, size);
    const auto options = input.take_back<uint8_t>();
    const auto limit = input.take_back<uint16_t>();
    const auto seconds = input.take_back<uint32_t>();
    const auto risk = static_cast<int32_t>(input.take_back<uint32_t>());
    const auto pid = input.take_back<uint8_t>();
    const auto parts = input.split('\x1e', kSlotCount + kHeaderParts);

    ecs::Event event = kEvent;
    engine::RuleInfo rule = kRule;
    for (std::size_t i = 0; i < parts.size() && i < kSlotCount; ++i) {
        kSlots[i](event, rule, std::string(parts[i]));
    }
    if ((options & 0x10) != 0) rule.risk_score = risk;
    if ((options & 0x20) != 0) event.process.pid = risk;
    if ((options & 0x40) != 0) event.timestamp_us = int64_t{seconds} * 1'000'000 + pid;
    const alert::Alert alert =
        alert::Alert::make(std::make_shared<const ecs::Event>(std::move(event)),
                           std::make_shared<const engine::RuleInfo>(std::move(rule)));

    // 0: no limit; otherwise anything from below the floor (raised to it) to 64 KiB.
    const std::size_t max_bytes = (options & 0x80) != 0 ? limit : 0;
    const std::size_t bound =
        max_bytes > alert::kMinFormatBytes ? max_bytes : alert::kMinFormatBytes;

    alert::Rfc5424Options syslog;
    std::string tag = "audisp-eql";
    const auto header = [&](std::size_t k) -> const std::string_view* {
        return kSlotCount + k < parts.size() ? &parts[kSlotCount + k] : nullptr;
    };
    if (const auto* p = header(0)) syslog.hostname = std::string(*p);
    if (const auto* p = header(1)) syslog.app_name = std::string(*p);
    if (const auto* p = header(2)) syslog.procid = std::string(*p);
    if (const auto* p = header(3)) syslog.sd_id = std::string(*p);
    if (const auto* p = header(4)) tag = std::string(*p);
    syslog.facility = options & 0x0f;  // 0..15 of the 24 facilities
    syslog.utf8_bom = (options & 0x08) != 0;

    for (const alert::Format format :
         {alert::Format::Json, alert::Format::Cef, alert::Format::Text}) {
        const alert::Formatted out = alert::format_alert(alert, format, max_bytes);
        check_line(out.line, "formatted alert is one line");
        if (max_bytes > 0) check(out.line.size() <= bound, "size limit honoured", out.line);
        if (format == alert::Format::Json) {
            check_json(out.line);
            // The alert's JSON document, which writes what streaming cannot, agrees byte for byte.
            check(out.line ==
                      alert::format_json_document(alert::document(alert), alert, max_bytes).line,
                  "streamed JSON is the document's", out.line);
        }
        if (format == alert::Format::Cef) check_cef(out.line);

        const alert::Formatted framed = alert::format_rfc5424(alert, format, syslog, max_bytes);
        check_line(framed.line, "RFC 5424 message is one line");
        std::string_view msg = check_rfc5424(framed.line);
        if (syslog.utf8_bom) {
            check(msg.substr(0, 3) == "\xEF\xBB\xBF", "BOM starts MSG", framed.line);
            msg.remove_prefix(3);
        }
        if (max_bytes > 0) {
            check(framed.line.size() <= max_bytes || msg.size() <= bound,
                  "RFC 5424 size limit honoured", framed.line);
        }
        if (format == alert::Format::Json) check_json(std::string(msg));
        if (format == alert::Format::Cef) check_cef(std::string(msg));

        const std::string frame = alert::octet_count_frame(framed.line);
        check(frame == std::to_string(framed.line.size()) + " " + framed.line, "octet count frame");

        const std::string local =
            alert::format_local_syslog(alert::syslog_priority(alert, syslog.facility),
                                       alert.timestamp_us, tag, 4242, out.line);
        check(local.find_first_of(std::string_view("\n\r\0", 3)) == std::string::npos,
              "local syslog line is one line", local);
        check(local.find("]: ") != std::string::npos, "local syslog TAG[PID]: ", local);
    }
    return 0;
}
