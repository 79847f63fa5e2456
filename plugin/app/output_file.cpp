#include "app/output_file.hpp"

#include <cerrno>
#include <system_error>

namespace app {

OutputFile::OutputFile(const std::string& path)
    : path_(path), file_(path == "-" ? stdout : std::fopen(path.c_str(), "w"), Close{path != "-"}) {
    if (!file_) throw std::system_error(errno, std::generic_category(), "cannot open " + path);
}

void OutputFile::write_line(std::string_view line) {
    if (std::fwrite(line.data(), 1, line.size(), file_.get()) != line.size() ||
        std::fputc('\n', file_.get()) == EOF) {
        throw std::system_error(errno, std::generic_category(), "cannot write " + path_);
    }
}

void OutputFile::flush() { std::fflush(file_.get()); }

}  // namespace app
