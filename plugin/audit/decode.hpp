// Decoding of audit field values: kernel-quoted text, bare upper-case hex, and "(null)".
// Done here rather than with auparse_interpret_field(), which also escapes control bytes and
// looks ids up in the analysing host's user database (wrong for a log from another host).
#pragma once

#include <charconv>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace audit {

// Hex text ("2F746D70") to bytes; nullopt unless every character is a hex digit and the
// length is even.
std::optional<std::string> decode_hex(std::string_view hex);
// The same, appended to OUT (no string of its own); false, and OUT as it was, on bad hex.
bool append_hex(std::string_view hex, std::string& out);

// A string value the kernel may hex-encode (comm, exe, cwd, name, key, aN, proctitle): "quoted" ->
// the text inside, (null) / (none) -> nullopt, hex -> the bytes, anything else as it is.
std::optional<std::string> decode_value(std::string_view raw);

// What a SYSCALL record's key becomes after a "key" field, as libauparse reads it: "quoted",
// (null) and (none) as decode_value; a hex value holds one or more keys (0x01-separated), which
// libauparse splits into one "key" field each, so the last one counts, as for any repeated field.
// Like libauparse it decodes the leading hex digits, ignores what follows them, and reads the
// keys only up to a NUL byte among them. nullopt when the value adds no field (hex with no key
// in it): the key stays what it was.
std::optional<std::optional<std::string>> decode_key(std::string_view raw);

// Parses the whole of TEXT as a decimal (or, with base 16, hex) number into OUT; false on
// anything else or on overflow. Numbers of every record and event come through here, so short
// unsigned decimals take a plain digit loop (no overflow possible below digits10 digits) and
// everything else std::from_chars.
template <typename Number>
bool parse_number(std::string_view text, Number& out, int base = 10) {
    if (text.empty()) return false;
    if (base == 10 && text.size() < std::numeric_limits<Number>::digits10 && text.front() != '-') {
        Number value = 0;
        for (const char c : text) {
            const auto digit = static_cast<unsigned>(c - '0');
            if (digit > 9) return false;
            value = static_cast<Number>(value * 10 + static_cast<Number>(digit));
        }
        out = value;
        return true;
    }
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out, base);
    return ec == std::errc{} && ptr == end;
}

// parse_number into a long long, as an optional.
std::optional<long long> parse_integer(std::string_view text, int base = 10);

// The last path component ("/usr/sbin/iptables" -> "iptables"); the whole text if no '/'.
std::string_view base_name(std::string_view path);

}  // namespace audit
