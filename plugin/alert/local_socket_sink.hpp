// Alerts to a local syslog daemon's datagram socket at a configurable path ("unix:/dev/log",
// "unix:/run/systemd/journal/syslog"), speaking the same protocol as syslog(3) without it.
#pragma once

#include <chrono>
#include <string>

#include "alert/log_limiter.hpp"
#include "alert/net.hpp"
#include "alert/sink.hpp"

namespace alert {

class LocalSocketSink final : public AlertSink {
  public:
    // Connects now if it can, else on the first alert (the daemon may start after us); nothing
    // here throws for a missing socket. `description` names the sink in logs and stats
    // ("syslog" for the default sink; "unix:PATH" when empty).
    LocalSocketSink(std::string path, const SinkOptions& options, std::string description = "");

    void emit(const Alert& alert) noexcept override;
    SinkStats stats() const override { return stats_; }
    std::string describe() const override { return description_; }

  private:
    bool connect_socket();
    bool send_once(const std::string& message, int& error);

    std::string path_;
    std::string description_;
    std::chrono::milliseconds send_timeout_;
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
