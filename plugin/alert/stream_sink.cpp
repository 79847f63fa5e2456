// One write(2) per alert with O_APPEND: a line is never interleaved with another writer's and
// nothing sits in a user-space buffer when the plugin is killed.
#include "alert/stream_sink.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace alert {

StreamSink::StreamSink(std::string path, const SinkOptions& options)
    : path_(std::move(path)),
      format_(options.format),
      max_bytes_(options.max_message_bytes ? options.max_message_bytes : kDefaultStreamBytes) {
    if (path_ != "-") file_ = open_file(options.truncate_file);
}

net::Fd StreamSink::open_file(bool truncate) const {
    net::Fd fd(::open(
        path_.c_str(),
        O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | (truncate ? O_TRUNC : 0), 0640));
    if (!fd.valid()) {
        throw std::system_error(errno, std::generic_category(), "cannot open alert file " + path_);
    }
    return fd;
}

void StreamSink::emit(const Alert& alert) noexcept {
    ++stats_.emitted;
    try {
        Formatted formatted = format_alert(alert, format_, max_bytes_);
        if (formatted.truncated) ++stats_.truncated;
        formatted.line += '\n';
        const int fd = file_.valid() ? file_.get() : STDOUT_FILENO;
        std::size_t done = 0;
        while (done < formatted.line.size()) {
            const ssize_t written =
                ::write(fd, formatted.line.data() + done, formatted.line.size() - done);
            if (written < 0 && errno == EINTR) continue;
            if (written <= 0) {
                const int error = errno;
                ++stats_.errors;
                ++stats_.dropped;
                if (log_limiter_.allow()) {
                    spdlog::warn("alert sink {}: write failed: {}", path_, net::error_text(error));
                }
                return;
            }
            done += static_cast<std::size_t>(written);
        }
        ++stats_.sent;
    } catch (const std::exception& error) {
        ++stats_.errors;
        ++stats_.dropped;
        if (log_limiter_.allow()) spdlog::warn("alert sink {}: {}", path_, error.what());
    }
}

void StreamSink::reopen() {
    if (path_ == "-") return;
    try {
        file_ = open_file(/*truncate=*/false);
        ++stats_.reconnects;
    } catch (const std::system_error& error) {
        // Keep writing to the old descriptor rather than losing alerts.
        ++stats_.errors;
        spdlog::error("alert sink {}: reopen failed, keeping the old file: {}", path_,
                      error.what());
    }
}

}  // namespace alert
