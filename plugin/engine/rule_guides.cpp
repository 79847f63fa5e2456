// A line scanner that knows just enough TOML to find where multi-line strings open and close:
// table headers, `key = """` / `key = '''` lines and array elements, backslash escapes in basic
// strings.
#include "engine/rule_guides.hpp"

#include <algorithm>

namespace engine {
namespace {

constexpr auto npos = std::string_view::npos;
constexpr std::string_view kBlanks = " \t\r\n";

std::string_view trim_left(std::string_view s) {
    const std::size_t at = s.find_first_not_of(kBlanks);
    return at == npos ? std::string_view() : s.substr(at);
}

bool is_bare_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

bool is_delimiter(std::string_view text) {
    return text.substr(0, 3) == R"(""")" || text.substr(0, 3) == "'''";
}

// Only blanks or a comment (a line's rest after a header or a closing delimiter); after a
// closing delimiter also the comma of an array element.
bool nothing_else(std::string_view rest, bool comma_allowed) {
    rest = trim_left(rest);
    if (comma_allowed && !rest.empty() && rest.front() == ',') rest = trim_left(rest.substr(1));
    return rest.empty() || rest.front() == '#';
}

// A line opening a multi-line string: its key (empty for an array element) and the offset of
// its delimiter in the line.
struct Opening {
    std::string_view key;
    std::size_t delimiter = npos;
};

std::optional<Opening> opening(std::string_view line) {
    const std::size_t key_start = line.find_first_not_of(" \t");
    if (key_start == npos) return std::nullopt;
    if (is_delimiter(line.substr(key_start))) return Opening{{}, key_start};
    std::size_t at = key_start;
    while (at < line.size() && is_bare_key_char(line[at])) ++at;
    Opening open{line.substr(key_start, at - key_start), npos};
    if (open.key.empty()) return std::nullopt;
    at = line.find_first_not_of(" \t", at);
    if (at == npos || line[at] != '=') return std::nullopt;
    at = line.find_first_not_of(" \t", at + 1);
    if (at == npos || !is_delimiter(line.substr(at))) return std::nullopt;
    open.delimiter = at;
    return open;
}

// The offset just past the delimiter that closes the string whose body starts at `from`, or
// npos. Up to two more quotes right before it belong to the body (TOML allows them). The
// bodies are most of a file: memchr jumps to the next quote or escape.
std::size_t closing_end(std::string_view text, std::size_t from, char quote) {
    std::size_t escape = quote == '"' ? text.find('\\', from) : npos;
    std::size_t at = from;
    for (;;) {
        const std::size_t found = text.find(quote, at);
        if (found == npos) return npos;
        if (escape < found) {
            at = escape + 2;  // an escape: the next character is not a delimiter
            escape = text.find('\\', at);
            continue;
        }
        if (found + 3 <= text.size() && text[found + 1] == quote && text[found + 2] == quote) {
            std::size_t end = found + 3;
            for (int extra = 0; extra < 2 && end < text.size() && text[end] == quote; ++extra) {
                ++end;
            }
            return end;
        }
        at = found + 1;
    }
}

}  // namespace

std::optional<std::string> without_rule_guides(std::string_view toml_text) {
    std::string out;
    out.reserve(toml_text.size());
    bool in_rule_table = false;
    std::size_t pos = 0;
    while (pos < toml_text.size()) {
        const std::size_t newline = toml_text.find('\n', pos);
        const std::size_t line_end = newline == npos ? toml_text.size() : newline + 1;
        const std::string_view line = toml_text.substr(pos, line_end - pos);
        const std::string_view content = trim_left(line);
        if (!content.empty() && content.front() == '[') {
            in_rule_table =
                content.substr(0, 6) == "[rule]" && nothing_else(content.substr(6), false);
            out += line;
            pos = line_end;
            continue;
        }
        if (line.find(R"(""")") == npos && line.find("'''") == npos) {
            out += line;
            pos = line_end;
            continue;
        }
        const std::optional<Opening> open = opening(line);
        if (!open) return std::nullopt;
        const std::size_t body = pos + open->delimiter + 3;
        const std::size_t end = closing_end(toml_text, body, line[open->delimiter]);
        if (end == npos) return std::nullopt;
        const std::size_t rest_end = std::min(toml_text.find('\n', end), toml_text.size());
        if (!nothing_else(toml_text.substr(end, rest_end - end), open->key.empty())) {
            return std::nullopt;
        }
        const std::size_t next = rest_end == toml_text.size() ? rest_end : rest_end + 1;
        if (in_rule_table && (open->key == "note" || open->key == "setup")) {
            const std::size_t closer = end - 3;
            out += toml_text.substr(pos, body - pos);
            out.append(static_cast<std::size_t>(
                           std::count(toml_text.begin() + body, toml_text.begin() + closer, '\n')),
                       '\n');
            out += toml_text.substr(closer, next - closer);
        } else {
            out += toml_text.substr(pos, next - pos);
        }
        pos = next;
    }
    return out;
}

}  // namespace engine
