#include "audit/decode.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace audit {
namespace {

// The value of each hex digit, 0xFF for any other byte: a table, because huge args (up to 128
// KiB of hex per record) are decoded byte pair by byte pair.
constexpr std::array<uint8_t, 256> kHexValue = [] {
    std::array<uint8_t, 256> table{};
    table.fill(0xFF);
    for (int c = '0'; c <= '9'; ++c)
        table[static_cast<std::size_t>(c)] = static_cast<uint8_t>(c - '0');
    for (int c = 'A'; c <= 'F'; ++c)
        table[static_cast<std::size_t>(c)] = static_cast<uint8_t>(c - 'A' + 10);
    for (int c = 'a'; c <= 'f'; ++c)
        table[static_cast<std::size_t>(c)] = static_cast<uint8_t>(c - 'a' + 10);
    return table;
}();

uint8_t hex_value(char c) { return kHexValue[static_cast<uint8_t>(c)]; }

bool is_hex_digit(char c) { return hex_value(c) != 0xFF; }

}  // namespace

bool append_hex(std::string_view hex, std::string& out) {
    if (hex.size() % 2 != 0) return false;
    const std::size_t start = out.size();
    out.resize(start + hex.size() / 2);
    char* to = out.data() + start;
    uint8_t invalid = 0;  // any 0xFF digit sets the high bits: checked once, after the loop
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const uint8_t high = hex_value(hex[i]);
        const uint8_t low = hex_value(hex[i + 1]);
        invalid |= static_cast<uint8_t>(high | low);
        *to++ = static_cast<char>((high << 4) | (low & 0x0F));
    }
    if ((invalid & 0xF0) != 0) {
        out.resize(start);
        return false;
    }
    return true;
}

std::optional<std::string> decode_hex(std::string_view hex) {
    std::string out;
    if (!append_hex(hex, out)) return std::nullopt;
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
    const auto digits = std::find_if_not(raw.begin(), raw.end(), is_hex_digit);
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
