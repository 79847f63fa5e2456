// Upstream rule files are mostly prose for people: [rule] `note` (the investigation guide) and
// `setup` are two thirds of their bytes, and the TOML parser spends about 200 instructions on
// each byte of a multi-line string. Nothing in audisp-eql reads either key, so their bodies are
// emptied before the file is parsed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace engine {

// `toml_text` with the bodies of the multi-line strings [rule].note and [rule].setup emptied
// (their line breaks kept, so that line numbers in messages stay right), or std::nullopt when the
// text has a shape this line scanner does not follow (a multi-line string that does not open a
// `key = ` line, text after its closing delimiter, no closing delimiter): the caller then parses
// the text as it is. A guide's own mistakes (a bad escape, invalid UTF-8) no longer fail a file.
std::optional<std::string> without_rule_guides(std::string_view toml_text);

}  // namespace engine
