// Alerts to a local syslog daemon's datagram socket at a configurable path ("unix:/dev/log",
// "unix:/run/systemd/journal/syslog"), speaking the same protocol as syslog(3) without it.
#pragma once

#include <string>

#include "alert/log_limiter.hpp"
#include "alert/net.hpp"
#include "alert/sink.hpp"

namespace alert {

class LocalSocketSink final : public AlertSink {
  public:
    // Connecting is lazy (the daemon may start after us); nothing here throws for a missing
    // socket.
    LocalSocketSink(std::string path, const SinkOptions& options);

    void emit(const Alert& alert) noexcept override;
    SinkStats stats() const override { return stats_; }
    std::string describe() const override { return "unix:" + path_; }

  private:
    bool connect_socket();
    bool send_once(const std::string& message, int& error);

    std::string path_;
    std::string ident_;
    int facility_;
    Format format_;
    std::size_t max_bytes_;
    long pid_;
    net::Fd socket_;
    SinkStats stats_;
    LogLimiter log_limiter_;
};

}  // namespace alert
