// RFC 5424 messages in UDP datagrams (RFC 5426), one alert per datagram, bounded in size.
// Fire and forget: UDP has no delivery guarantee, so use tcp:// when alerts must arrive.
#pragma once

#include <string>

#include "alert/log_limiter.hpp"
#include "alert/net.hpp"
#include "alert/sink.hpp"
#include "alert/syslog_format.hpp"

namespace alert {

class UdpSink final : public AlertSink {
  public:
    // Resolves the host now (throws std::runtime_error if it cannot).
    UdpSink(std::string host, std::string port, const SinkOptions& options);

    void emit(const Alert& alert) noexcept override;
    SinkStats stats() const override { return stats_; }
    std::string describe() const override;

  private:
    std::string host_;
    std::string port_;
    Format format_;
    std::size_t max_bytes_;
    Rfc5424Options header_;
    net::Fd socket_;
    SinkStats stats_;
    LogLimiter log_limiter_;
};

}  // namespace alert
