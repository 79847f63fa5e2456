// Alerts as lines on stdout or in a file (NDJSON by default), for offline analysis and for
// agents that tail a file. Files are re-opened on reopen() so that logrotate can move them.
#pragma once

#include <string>

#include "alert/log_limiter.hpp"
#include "alert/net.hpp"
#include "alert/sink.hpp"

namespace alert {

class StreamSink final : public AlertSink {
  public:
    // "-" is stdout; anything else a file opened for appending (created 0640), emptied first
    // when options.truncate_file. Throws std::system_error if the file cannot be opened.
    StreamSink(std::string path, const SinkOptions& options);

    void emit(const Alert& alert) noexcept override;
    void reopen() override;
    SinkStats stats() const override { return stats_; }
    std::string describe() const override { return path_; }

  private:
    net::Fd open_file(bool truncate) const;

    std::string path_;
    Format format_;
    std::size_t max_bytes_;
    net::Fd file_;  // invalid for stdout
    SinkStats stats_;
    LogLimiter log_limiter_;
};

}  // namespace alert
