// Diagnostics to the local syslog daemon in plugin mode (stderr is /dev/null under auditd),
// written without ever blocking: syslog(3) blocks for as long as the daemon does not read, which
// would stop detection on the first warning about the very stall that caused it. A message the
// daemon cannot take at once is dropped and counted.
#pragma once

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>

#include <cstdint>
#include <string>

#include "alert/net.hpp"

namespace app {

class SyslogDiagnostics final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
  public:
    // Facility daemon, the given ident, pid in the tag; `socket_path` is normally /dev/log.
    explicit SyslogDiagnostics(std::string ident, std::string socket_path = "/dev/log");

    uint64_t dropped() const { return dropped_; }

  protected:
    void sink_it_(const spdlog::details::log_msg& message) override;
    void flush_() override {}

  private:
    bool connect_socket();

    std::string ident_;
    std::string socket_path_;
    long pid_;
    alert::net::Fd socket_;
    uint64_t dropped_ = 0;
};

}  // namespace app
