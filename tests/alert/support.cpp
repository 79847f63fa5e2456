// The parsers here are written from the specifications, independently of the formatters, so
// a formatter bug cannot hide behind a shared helper.
#include "support.hpp"

#include <cctype>
#include <memory>

#include "alert/text.hpp"

namespace alert_support {

alert::Alert sample_alert(int64_t timestamp_us, int64_t pid) {
    ecs::Event e;
    e.timestamp_us = timestamp_us;
    e.process.pid = pid;
    e.process.name = "iptables";
    e.process.executable = "/usr/sbin/xtables-nft-multi";
    e.process.args = std::vector<std::string>{"iptables", "-F"};
    e.process.command_line = "iptables -F";
    e.process.working_directory = "/root";
    e.parent.pid = 1000;
    e.parent.name = "bash";
    e.parent.executable = "/usr/bin/bash";
    e.parent.command_line = "-bash";
    e.user = {"0", "root"};
    e.host_name = "h1";
    engine::RuleInfo rule;
    rule.name = "Attempt to Disable IPTables or Firewall";
    rule.rule_id = kRuleId;
    rule.version = "111";
    rule.severity = "medium";
    rule.risk_score = 47;
    rule.description = "Adversaries may attempt to disable the iptables or firewall service.";
    engine::Threat threat;
    threat.framework = "MITRE ATT&CK";
    threat.tactic = {"TA0005", "Defense Evasion", ""};
    threat.techniques.push_back({{"T1562", "Impair Defenses", ""}, {}});
    rule.threats.push_back(threat);
    return alert::Alert::make(std::make_shared<const ecs::Event>(std::move(e)),
                              std::make_shared<const engine::RuleInfo>(std::move(rule)));
}

void edit_event(alert::Alert& alert, const std::function<void(ecs::Event&)>& change) {
    auto event = std::make_shared<ecs::Event>(*alert.event);
    change(*event);
    alert.event = std::move(event);
}

void edit_rule(alert::Alert& alert, const std::function<void(engine::RuleInfo&)>& change) {
    engine::RuleInfo rule = *alert.rule;
    change(rule);
    const std::optional<std::vector<std::string>> explain = alert.explain;
    alert = alert::Alert::make(alert.event, std::make_shared<const engine::RuleInfo>(rule));
    alert.explain = explain;
}

alert::Alert hostile_alert(const std::string& value, int64_t pid) {
    alert::Alert alert = sample_alert(1'790'000'000'123'456, pid);
    edit_event(alert, [&](ecs::Event& e) {
        e.process.command_line = value;
        e.process.args = std::vector<std::string>{"sh", value};
        e.process.executable = value;
        e.parent.command_line = value;
        e.user.name = value;
    });
    edit_rule(alert, [&](engine::RuleInfo& rule) { rule.name = value; });
    return alert;
}

const std::vector<Hostile>& hostile_values() {
    static const std::vector<Hostile> values = [] {
        std::vector<Hostile> out{
            {"newline", "rm -rf /tmp/x\nJan  1 00:00:00 h1 sshd[1]: Accepted password for root"},
            {"crlf", "echo a\r\nb\r\n"},
            {"nul", std::string("a\0b\0", 4)},
            {"group separator 0x1d",
             "a\x1d"
             "b\x1e\x1f"},
            {"ansi escapes", "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b[2J"},
            {"invalid utf-8", "\xff\xfe \xc3\x28 \xe2\x82 \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf"},
            {"bracket and quote", "a]b\"c\" ]] \"\""},
            {"backslashes", "C:\\temp\\ \\\\ \\\" \\] \\n end\\"},
            {"pipe and equals", "a|b=c d=e cs1=forged | CEF:0|x|y|1|2|3|10|"},
            {"bidi override",
             "ls \xe2\x80\xae"
             "fdp.exe \xe2\x81\xa6x\xe2\x81\xa9"},
            {"line separators",
             "a\xe2\x80\xa8"
             "b\xe2\x80\xa9"
             "c\xc2\x85"
             "d"},
            {"del and c1",
             "a\x7f"
             "b\xc2\x9b"
             "31m"},
            {"forged syslog frame",
             "\n<13>1 2026-01-01T00:00:00Z evil app - - - forged\n12 <13>1 x"},
            {"utf-8 text",
             "echo 'h\xc3\xa9llo w\xc3\xb6rld \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\xa5'"},
            {"tab", "a\tb"},
        };
        constexpr std::size_t kBigBytes = std::size_t{100} * 1024;
        std::string big;
        while (big.size() < kBigBytes) big += "AAAAAAAAAAAAAAA\xc3\xa9";
        out.push_back({"100 KB argument", big});
        std::string hostile_big;
        // 14 bytes, two of them NUL.
        const std::string chunk = std::string("x\n\"]\\|=\x1b[0m\0\xff\0", 14);
        while (hostile_big.size() < kBigBytes) hostile_big += chunk;
        out.push_back({"100 KB hostile argument", hostile_big});
        return out;
    }();
    return values;
}

bool one_line(const std::string& text) {
    return text.find_first_of(std::string("\n\r\0", 3)) == std::string::npos;
}

std::string Cef::value(const std::string& key) const {
    for (const auto& [k, v] : extensions) {
        if (k == key) return v;
    }
    return {};
}

std::optional<Cef> parse_cef(const std::string& line) {
    Cef cef;
    std::size_t pos = 0;
    std::string field;
    // Header: seven fields, each ended by an unescaped '|'; escapes are \\ and \|.
    while (cef.header.size() < 7) {
        if (pos >= line.size()) return std::nullopt;
        const char c = line[pos++];
        if (c == '\\') {
            if (pos >= line.size() || (line[pos] != '\\' && line[pos] != '|')) return std::nullopt;
            field += line[pos++];
        } else if (c == '|') {
            cef.header.push_back(field);
            field.clear();
        } else {
            field += c;
        }
    }
    const std::string ext = line.substr(pos);
    // Keys: [A-Za-z0-9_]+ after the start or a space and before an unescaped '='.
    std::vector<std::pair<std::size_t, std::size_t>> keys;  // (key start, '=' position)
    bool escaped = false;
    for (std::size_t i = 0; i < ext.size(); ++i) {
        if (escaped) {
            escaped = false;
            continue;
        }
        if (ext[i] == '\\') {
            escaped = true;
            continue;
        }
        if (ext[i] != '=') continue;
        std::size_t start = i;
        while (start > 0 && (std::isalnum(static_cast<unsigned char>(ext[start - 1])) ||
                             ext[start - 1] == '_')) {
            --start;
        }
        if (start == i || (start > 0 && ext[start - 1] != ' ')) return std::nullopt;
        keys.emplace_back(start, i);
    }
    for (std::size_t k = 0; k < keys.size(); ++k) {
        const auto [start, eq] = keys[k];
        const std::size_t end = k + 1 < keys.size() ? keys[k + 1].first - 1 : ext.size();
        const std::string raw = ext.substr(eq + 1, end - eq - 1);
        std::string value;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] != '\\') {
                value += raw[i];
                continue;
            }
            if (++i >= raw.size()) return std::nullopt;
            switch (raw[i]) {
                case '\\':
                    value += '\\';
                    break;
                case '=':
                    value += '=';
                    break;
                case 'n':
                    value += '\n';
                    break;
                case 'r':
                    value += '\r';
                    break;
                default:
                    return std::nullopt;
            }
        }
        cef.extensions.emplace_back(ext.substr(start, eq - start), value);
    }
    return cef;
}

namespace {

bool printusascii(const std::string& token, std::size_t max_length) {
    if (token.empty() || token.size() > max_length) return false;
    for (const char c : token) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 33 || byte > 126) return false;
    }
    return true;
}

std::optional<Rfc5424> fail(std::string* why, const std::string& reason) {
    if (why != nullptr) *why = reason;
    return std::nullopt;
}

}  // namespace

std::optional<Rfc5424> parse_rfc5424(const std::string& m, std::string* why) {
    Rfc5424 out;
    if (m.empty() || m[0] != '<') return fail(why, "no '<'");
    const std::size_t close = m.find('>');
    if (close == std::string::npos || close < 2 || close > 4) return fail(why, "bad PRI");
    for (std::size_t i = 1; i < close; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(m[i]))) return fail(why, "PRI not digits");
    }
    out.pri = std::stoi(m.substr(1, close - 1));
    if (out.pri > 191) return fail(why, "PRI > 191");
    std::size_t pos = close + 1;
    if (m.compare(pos, 2, "1 ") != 0) return fail(why, "VERSION is not 1");
    pos += 2;
    std::string* fields[] = {&out.timestamp, &out.hostname, &out.app_name, &out.procid, &out.msgid};
    const std::size_t limits[] = {64, 255, 48, 128, 32};
    for (int i = 0; i < 5; ++i) {
        const std::size_t space = m.find(' ', pos);
        if (space == std::string::npos) return fail(why, "header too short");
        *fields[i] = m.substr(pos, space - pos);
        if (!printusascii(*fields[i], limits[i])) return fail(why, "bad header token");
        pos = space + 1;
    }
    if (pos < m.size() && m[pos] == '-') {
        ++pos;
    } else {
        while (pos < m.size() && m[pos] == '[') {
            ++pos;
            SdElement element;
            while (pos < m.size() && m[pos] != ' ' && m[pos] != ']') element.id += m[pos++];
            if (!printusascii(element.id, 32) ||
                element.id.find_first_of("=\"") != std::string::npos) {
                return fail(why, "bad SD-ID");
            }
            while (pos < m.size() && m[pos] == ' ') {
                ++pos;
                const std::size_t eq = m.find('=', pos);
                if (eq == std::string::npos) return fail(why, "no '=' in SD-PARAM");
                const std::string name = m.substr(pos, eq - pos);
                if (!printusascii(name, 32) || name.find_first_of(" ]\"") != std::string::npos) {
                    return fail(why, "bad PARAM-NAME");
                }
                pos = eq + 1;
                if (pos >= m.size() || m[pos] != '"') return fail(why, "no opening quote");
                ++pos;
                std::string value;
                for (;;) {
                    if (pos >= m.size()) return fail(why, "unterminated PARAM-VALUE");
                    const char c = m[pos++];
                    if (c == '"') break;
                    if (c == ']') return fail(why, "unescaped ']' in PARAM-VALUE");
                    if (c == '\\' && pos < m.size() &&
                        (m[pos] == '"' || m[pos] == '\\' || m[pos] == ']')) {
                        value += m[pos++];
                    } else {
                        value += c;
                    }
                }
                if (!alert::text::is_valid_utf8(value)) return fail(why, "PARAM-VALUE not UTF-8");
                element.params[name] = value;
            }
            if (pos >= m.size() || m[pos] != ']') return fail(why, "no ']'");
            ++pos;
            out.sd.push_back(element);
        }
        if (out.sd.empty()) return fail(why, "no STRUCTURED-DATA");
    }
    if (pos < m.size()) {
        if (m[pos] != ' ') return fail(why, "no SP before MSG");
        out.msg = m.substr(pos + 1);
    }
    return out;
}

std::optional<LocalSyslog> parse_local_syslog(const std::string& m) {
    LocalSyslog out;
    if (m.empty() || m[0] != '<') return std::nullopt;
    const std::size_t close = m.find('>');
    if (close == std::string::npos || close < 2 || close > 4) return std::nullopt;
    out.pri = std::stoi(m.substr(1, close - 1));
    if (m.size() < close + 17) return std::nullopt;
    out.timestamp = m.substr(close + 1, 15);  // "Mmm dd HH:MM:SS"
    if (out.timestamp[3] != ' ' || out.timestamp[6] != ' ' || out.timestamp[9] != ':') {
        return std::nullopt;
    }
    std::size_t pos = close + 16;
    if (m[pos] != ' ') return std::nullopt;
    ++pos;
    const std::size_t open = m.find('[', pos);
    const std::size_t end = m.find("]: ", pos);
    if (open == std::string::npos || end == std::string::npos || open > end) return std::nullopt;
    out.tag = m.substr(pos, open - pos);
    out.pid = m.substr(open + 1, end - open - 1);
    out.msg = m.substr(end + 3);
    return out;
}

std::string expected_json_value(const std::string& raw) { return alert::text::to_valid_utf8(raw); }

std::string expected_cef_value(const std::string& raw) {
    return alert::text::neutralise(raw, /*keep_line_breaks=*/true);
}

}  // namespace alert_support
