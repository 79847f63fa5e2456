// Alerts to the local syslog daemon through syslog(3). This is the only file pair that touches
// <syslog.h>; openlog() state is process-global, see the notes in syslog_sink.cpp.
#pragma once

#include <string>

#include "alert/sink.hpp"

namespace alert {

class SyslogSink final : public AlertSink {
  public:
    explicit SyslogSink(const SinkOptions& options);
    ~SyslogSink() override;

    void emit(const Alert& alert) noexcept override;
    SinkStats stats() const override { return stats_; }
    std::string describe() const override { return "syslog"; }

  private:
    // openlog() keeps this pointer rather than a copy, so it lives as long as the sink.
    std::string ident_;
    int facility_;
    Format format_;
    std::size_t max_bytes_;
    SinkStats stats_;
};

}  // namespace alert
