// Format names and the dispatcher; each format lives in its own file.
#include "alert/format.hpp"

#include <stdexcept>

namespace alert {

Format parse_format(std::string_view name) {
    if (name == "json") return Format::Json;
    if (name == "cef") return Format::Cef;
    if (name == "text") return Format::Text;
    throw std::invalid_argument("unknown alert format '" + std::string(name) +
                                "' (expected json, cef or text)");
}

std::string_view format_name(Format format) {
    switch (format) {
        case Format::Json:
            return "json";
        case Format::Cef:
            return "cef";
        case Format::Text:
            return "text";
    }
    return "json";
}

Formatted format_alert(const Alert& alert, Format format, std::size_t max_bytes) {
    switch (format) {
        case Format::Json:
            return format_json(alert, max_bytes);
        case Format::Cef:
            return format_cef(alert, max_bytes);
        case Format::Text:
            return format_text(alert, max_bytes);
    }
    return format_json(alert, max_bytes);
}

}  // namespace alert
