// Reading a whole file into memory: the one plain read that config, rule and /proc files share.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace util {

// The file's bytes unchanged; nullopt when it cannot be opened.
std::optional<std::string> read_file_text(const std::filesystem::path& path);

}  // namespace util
