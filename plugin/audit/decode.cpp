#include "audit/decode.hpp"

#include <algorithm>

namespace audit {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

}  // namespace

std::optional<std::string> decode_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    std::string out;
    out.resize(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int high = hex_digit(hex[2 * i]);
        const int low = hex_digit(hex[2 * i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        out[i] = static_cast<char>((high << 4) | low);
    }
    return out;
}

std::optional<std::string> decode_value(std::string_view raw) {
    if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
        return std::string(raw.substr(1, raw.size() - 2));
    }
    if (raw == "(null)" || raw == "(none)") return std::nullopt;
    if (!raw.empty()) {
        if (auto bytes = decode_hex(raw)) return bytes;
    }
    return std::string(raw);
}

std::optional<long long> parse_integer(std::string_view text, int base) {
    long long value = 0;
    if (!parse_number(text, value, base)) return std::nullopt;
    return value;
}

std::optional<std::optional<std::string>> decode_key(std::string_view raw) {
    if (raw.empty()) return std::optional<std::string>();
    if (raw.front() == '(' || raw.front() == '"') return decode_value(raw);
    const auto digits =
        std::find_if_not(raw.begin(), raw.end(), [](char c) { return hex_digit(c) >= 0; });
    const auto hex_size = static_cast<std::size_t>(digits - raw.begin()) & ~std::size_t{1};
    if (hex_size < 2) return std::optional<std::string>(std::string(raw));  // kept as written
    const std::string keys = decode_hex(raw.substr(0, hex_size)).value_or("");
    // libauparse splits the keys as a C string: a NUL byte ends them.
    const std::string_view all = std::string_view(keys).substr(0, keys.find('\0'));
    std::size_t end = all.size();
    while (end > 0) {
        const auto separator = all.rfind('\x01', end - 1);
        const std::size_t start = separator == std::string_view::npos ? 0 : separator + 1;
        if (start < end) {
            return std::optional<std::string>(std::string(all.substr(start, end - start)));
        }
        if (separator == std::string_view::npos) break;
        end = separator;
    }
    return std::nullopt;
}

std::string_view base_name(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace audit
