// UTF-8 is decoded by hand (no locale, no iconv) so that the result never depends on the
// environment the plugin runs in.
#include "alert/text.hpp"

#include <algorithm>
#include <cstdio>

namespace alert::text {

int32_t decode_utf8(std::string_view text, std::size_t& pos) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(pos);
    if (lead < 0x80) {
        ++pos;
        return lead;
    }
    std::size_t length = 0;
    int32_t code = 0;
    int32_t minimum = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        code = lead & 0x1F;
        minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        code = lead & 0x0F;
        minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        code = lead & 0x07;
        minimum = 0x10000;
    } else {
        ++pos;
        return -1;
    }
    if (pos + length > text.size()) {
        ++pos;
        return -1;
    }
    for (std::size_t i = 1; i < length; ++i) {
        const unsigned char next = byte(pos + i);
        if ((next & 0xC0) != 0x80) {
            ++pos;
            return -1;
        }
        code = (code << 6) | (next & 0x3F);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
        ++pos;
        return -1;
    }
    pos += length;
    return code;
}

bool is_valid_utf8(std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
        if (decode_utf8(text, pos) < 0) return false;
    }
    return true;
}

std::string to_valid_utf8(std::string_view text) {
    if (is_valid_utf8(text)) return std::string(text);
    std::string out;
    out.reserve(text.size() + 16);
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t start = pos;
        if (decode_utf8(text, pos) < 0) {
            out += kReplacement;
        } else {
            out.append(text.substr(start, pos - start));
        }
    }
    return out;
}

bool is_unsafe(int32_t code_point) {
    return code_point < 0x20 || code_point == 0x7F || (code_point >= 0x80 && code_point <= 0x9F) ||
           code_point == 0x2028 || code_point == 0x2029 ||
           (code_point >= 0x202A && code_point <= 0x202E) ||
           (code_point >= 0x2066 && code_point <= 0x2069);
}

std::string neutralise(std::string_view text, bool keep_line_breaks) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t start = pos;
        const int32_t code = decode_utf8(text, pos);
        const bool line_break = code == '\n' || code == '\r';
        if (code < 0 || (is_unsafe(code) && !(keep_line_breaks && line_break))) {
            out += kReplacement;
        } else {
            out.append(text.substr(start, pos - start));
        }
    }
    return out;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    std::size_t end = max_bytes;
    // Step back over continuation bytes, then check that the sequence starting there fits.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

bool cut_with_marker(std::string& text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return false;
    const std::size_t keep = max_bytes > kCutMarker.size() ? max_bytes - kCutMarker.size() : 0;
    std::string cut(utf8_prefix(text, keep));
    if (cut.size() + kCutMarker.size() <= max_bytes) cut += kCutMarker;
    text = std::move(cut);
    return true;
}

std::string escape_visible(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    char buffer[16];
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t start = pos;
        const int32_t code = decode_utf8(text, pos);
        if (code < 0) {
            std::snprintf(buffer, sizeof buffer, "\\x%02x",
                          static_cast<unsigned>(static_cast<unsigned char>(text[start])));
            out += buffer;
        } else if (code == '\\') {
            out += "\\\\";
        } else if (code == '"') {
            out += "\\\"";
        } else if (code == '\t') {
            out += "\\t";
        } else if (code == '\n') {
            out += "\\n";
        } else if (code == '\r') {
            out += "\\r";
        } else if (code < 0x20 || code == 0x7F) {
            std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned>(code));
            out += buffer;
        } else if (is_unsafe(code)) {
            std::snprintf(buffer, sizeof buffer, "\\u{%04x}", static_cast<unsigned>(code));
            out += buffer;
        } else {
            out.append(text.substr(start, pos - start));
        }
    }
    return out;
}

bool fit_values(const std::vector<std::string*>& values, std::size_t floor, std::size_t ceiling,
                const std::function<bool()>& fits) {
    ceiling = std::max(ceiling, floor);
    std::vector<std::string> originals;
    originals.reserve(values.size());
    for (const std::string* value : values) originals.push_back(*value);
    // Rebuilds each value from its original, copying at most `level` bytes.
    const auto cut_all = [&](std::size_t level) {
        for (std::size_t i = 0; i < values.size(); ++i) {
            const std::string& original = originals[i];
            if (original.size() <= level) {
                *values[i] = original;
                continue;
            }
            const std::size_t keep = level > kCutMarker.size() ? level - kCutMarker.size() : 0;
            std::string cut(utf8_prefix(original, keep));
            if (cut.size() + kCutMarker.size() <= level) cut += kCutMarker;
            *values[i] = std::move(cut);
        }
    };
    cut_all(ceiling);
    if (fits()) return true;
    cut_all(floor);
    if (!fits()) return false;
    std::size_t low = floor;     // fits
    std::size_t high = ceiling;  // does not fit
    while (high - low > 1) {
        const std::size_t mid = low + (high - low) / 2;
        cut_all(mid);
        if (fits()) {
            low = mid;
        } else {
            high = mid;
        }
    }
    cut_all(low);
    return true;
}

}  // namespace alert::text
