// Lines are written from a buffer of complete lines. A short write (the disk filled up in the
// middle) is cut back to the last complete line with ftruncate(), so that a reader never sees
// half a line, and the rest stays buffered for the next attempt.
#include "app/output_file.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

namespace app {

OutputFile::OutputFile(std::string path, Mode mode)
    : path_(std::move(path)), mode_(mode), last_write_(std::chrono::steady_clock::now()) {
    if (path_ != "-") file_ = open_file();
}

alert::net::Fd OutputFile::open_file() const {
    const int flags =
        O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | (mode_.append ? O_APPEND : O_TRUNC);
    alert::net::Fd fd(::open(path_.c_str(), flags, 0640));
    if (!fd.valid()) {
        throw std::system_error(errno, std::generic_category(), "cannot open " + path_);
    }
    return fd;
}

void OutputFile::write_line(std::string_view line) {
    ++stats_.lines;
    if (buffer_.size() + line.size() + 1 > kMaxBufferBytes) {
        // Writes have been failing for a while: keep what is buffered, give this line up.
        ++stats_.dropped;
        return;
    }
    buffer_.append(line);
    buffer_ += '\n';
    ++buffered_lines_;
    if (buffer_.size() >= kFlushBytes) write_buffer();
    flush_if_due();
}

void OutputFile::flush_if_due() {
    if (!buffer_.empty() && std::chrono::steady_clock::now() - last_write_ >= kFlushInterval) {
        write_buffer();
    }
}

void OutputFile::flush() {
    if (!buffer_.empty()) write_buffer();
}

void OutputFile::write_buffer() {
    last_write_ = std::chrono::steady_clock::now();
    const int fd = file_.valid() ? file_.get() : STDOUT_FILENO;
    struct stat before {};
    const bool regular = ::fstat(fd, &before) == 0 && S_ISREG(before.st_mode);
    std::size_t done = 0;
    int error = 0;
    while (done < buffer_.size()) {
        const ssize_t n = ::write(fd, buffer_.data() + done, buffer_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            error = n < 0 ? errno : ENOSPC;
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    if (error == 0) {
        stats_.written += buffered_lines_;
        buffered_lines_ = 0;
        buffer_.clear();
        return;
    }
    ++stats_.write_errors;
    // Keep only complete lines in the file: cut back what was written past the last newline.
    const std::size_t complete = done == 0 ? 0
                                 : buffer_.rfind('\n', done - 1) == std::string::npos
                                     ? 0
                                     : buffer_.rfind('\n', done - 1) + 1;
    if (complete < done && regular) {
        struct stat after {};
        if (::fstat(fd, &after) == 0) {
            const off_t end = after.st_size - static_cast<off_t>(done - complete);
            if (::ftruncate(fd, std::max(end, off_t{0})) != 0) {
                spdlog::warn("events output {}: could not remove a partial line", path_);
            }
        }
    }
    const auto written_lines = static_cast<uint64_t>(
        std::count(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(complete), '\n'));
    stats_.written += written_lines;
    buffered_lines_ -= written_lines;
    buffer_.erase(0, complete);
    const std::string why = std::system_category().message(error);
    if (!mode_.keep_going) {
        throw std::system_error(error, std::generic_category(), "cannot write " + path_);
    }
    if (log_limiter_.allow()) {
        spdlog::error(
            "events output {}: write failed ({}); {} lines kept to retry, {} dropped so far", path_,
            why, buffered_lines_, stats_.dropped);
    }
}

void OutputFile::reopen() {
    if (path_ == "-") return;
    try {
        flush();
    } catch (const std::system_error&) {
        // Offline there is no reopen; in plugin mode flush() does not throw.
    }
    try {
        file_ = open_file();
        ++stats_.reopens;
    } catch (const std::system_error& error) {
        spdlog::error("events output {}: reopen failed, keeping the old file: {}", path_,
                      error.what());
    }
}

}  // namespace app
