// Alert formatters: pure functions from an Alert to one line of text (no trailing newline).
// Every formatter guarantees a single line with no LF, CR or NUL and valid UTF-8, whatever the
// attacker put in a command line, and honours a size limit by shortening the longest values.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "alert/alert.hpp"

namespace alert {

enum class Format { Json, Cef, Text };

// "json", "cef" or "text"; throws std::invalid_argument otherwise.
Format parse_format(std::string_view name);
std::string_view format_name(Format format);

struct Formatted {
    std::string line;
    bool truncated = false;  // the limit forced values to be shortened
};

// Limits below this are raised to it, so that the truncated skeleton of an alert always fits.
inline constexpr std::size_t kMinFormatBytes = 512;

// One-line JSON (ecs::dump_line). If max_bytes > 0 and the line is longer, the longest strings
// are shortened (ending in U+2026) and "audisp_eql.alert_truncated": true is set; the result is
// still valid JSON of at most max_bytes bytes.
Formatted format_json(const Alert& alert, std::size_t max_bytes = 0);

// Which of the two writers made a JSON alert line. Alerts are streamed (the event by
// ecs::EventJsonWriter, the rule's members sorted in); the alert's JSON document (document.hpp,
// through format_json_document) writes only what streaming cannot write byte for byte, and where
// both can, both write the same bytes.
enum class JsonWriter {
    Streamed,
    // A throttle summary (its own shape, not an event with a rule's members), or a hand-made
    // alert without an event or a rule.
    NotAnEventAlert,
    // U+FFFD in the streamed line: invalid UTF-8. The document path replaces every invalid byte,
    // as CEF and syslog do (text::to_valid_utf8); nlohmann's serializer, which the streamed
    // path's strings go through, replaces a whole broken sequence with one U+FFFD. A genuine
    // U+FFFD cannot be told apart from a replacement and takes this path too.
    Repaired,
    // Longer than max_bytes: cutting re-dumps the document tree at many cut levels.
    Cut,
};
struct RoutedJson {
    Formatted formatted;
    JsonWriter writer = JsonWriter::Streamed;
};
// format_json, saying which writer made the line (tests).
RoutedJson format_json_routed(const Alert& alert, std::size_t max_bytes = 0);

// The same for a JSON document of `alert` (its rendering, or a test's hand-made variant); the
// routing fields of the skeleton that truncation may fall back to come from `alert`.
Formatted format_json_document(const nlohmann::json& document, const Alert& alert,
                               std::size_t max_bytes = 0);

// ArcSight CEF:0 (header escapes `\` and `|`; extension values escape `\`, `=`, LF as `\n` and
// CR as `\r`; other unsafe code points become U+FFFD). See plugin/alert/ALERTS.md for the keys.
Formatted format_cef(const Alert& alert, std::size_t max_bytes = 0);

// One human-readable line for terminals; every value is quoted with text::escape_visible().
Formatted format_text(const Alert& alert, std::size_t max_bytes = 0);

Formatted format_alert(const Alert& alert, Format format, std::size_t max_bytes = 0);

}  // namespace alert
