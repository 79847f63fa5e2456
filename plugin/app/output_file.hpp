// A move-only line writer over a file or stdout, buffered, for NDJSON output.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace app {

class OutputFile {
  public:
    // "-" is stdout; anything else is created or truncated. Throws std::system_error.
    explicit OutputFile(const std::string& path);
    void write_line(std::string_view line);
    void flush();

  private:
    struct Close {
        bool owned = true;
        void operator()(std::FILE* file) const noexcept {
            if (owned) std::fclose(file);
        }
    };
    std::string path_;
    std::unique_ptr<std::FILE, Close> file_;
};

}  // namespace app
