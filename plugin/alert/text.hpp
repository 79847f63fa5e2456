// Byte-level hygiene for attacker-controlled strings (command lines, paths): UTF-8 repair,
// control-character neutralisation and boundary-safe cutting, shared by every formatter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace alert::text {

// U+FFFD REPLACEMENT CHARACTER, the stand-in for bytes and code points we refuse to emit.
inline constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Marker appended to a string that was cut to fit a size limit (U+2026 HORIZONTAL ELLIPSIS).
inline constexpr std::string_view kCutMarker = "\xE2\x80\xA6";

// Decodes one UTF-8 code point at text[pos] and advances pos. Returns -1 and advances by one
// byte when the bytes there are not a well-formed sequence (overlong forms, surrogates,
// values above U+10FFFF and truncated sequences are all ill-formed).
int32_t decode_utf8(std::string_view text, std::size_t& pos);

bool is_valid_utf8(std::string_view text);

// Every byte that is not part of a well-formed sequence becomes one U+FFFD. Deterministic:
// the same input always gives the same output, and valid input is returned unchanged.
std::string to_valid_utf8(std::string_view text);

// True for code points that can break a line or a terminal, or disguise text: C0 controls
// (including TAB, LF, CR, NUL), DEL, C1 controls, U+2028/U+2029 line and paragraph separators
// and the bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069).
bool is_unsafe(int32_t code_point);

// to_valid_utf8() followed by replacing every unsafe code point with U+FFFD; when
// keep_line_breaks is set, LF and CR are kept (for callers that escape them themselves).
std::string neutralise(std::string_view text, bool keep_line_breaks = false);

// The longest prefix of at most max_bytes that does not end inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

// Cuts `text` so that it is at most max_bytes long including kCutMarker, on a code point
// boundary. Returns false (and leaves text alone) when it already fits.
bool cut_with_marker(std::string& text, std::size_t max_bytes);

// For terminals: `\` -> `\\`, `"` -> `\"`, TAB/LF/CR -> `\t` `\n` `\r`, other C0 and DEL ->
// `\xNN`, other unsafe code points -> `\u{XXXX}`, bytes of invalid UTF-8 -> `\xNN`.
// The result is printable, valid UTF-8 and holds no escape sequence a terminal would obey.
std::string escape_visible(std::string_view text);

// Makes a line fit by cutting the longest values first: every value longer than a common
// level is cut to that level (ending in kCutMarker), and the highest level in [floor, ceiling]
// for which `fits()` (which re-renders from the values) holds is chosen by binary search.
// Returns false when even `floor` does not fit; the values are then left cut to `floor`.
// Cost: about log2(ceiling) renders of a line whose values are at most `ceiling` bytes.
bool fit_values(const std::vector<std::string*>& values, std::size_t floor, std::size_t ceiling,
                const std::function<bool()>& fits);

}  // namespace alert::text
