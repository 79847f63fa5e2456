// syslog(3) always writes to /dev/log and keeps one ident pointer for the whole process. Two
// sinks can be alive at once (a reload builds the new sink before the old one goes), so the
// sink that last called openlog() is remembered, each emit() re-opens with its own ident when
// another sink took over, and only the owner of the current ident calls closelog().
#include "alert/syslog_sink.hpp"

#include <syslog.h>

#include <mutex>

#include "alert/syslog_format.hpp"

namespace alert {

namespace {

std::mutex& openlog_mutex() {
    static std::mutex mutex;
    return mutex;
}

const SyslogSink*& openlog_owner() {
    static const SyslogSink* owner = nullptr;
    return owner;
}

// Room for what syslog(3) puts in front of the message: <PRI>, timestamp, ident[pid]: .
constexpr std::size_t kLocalHeaderBytes = 128;

}  // namespace

SyslogSink::SyslogSink(const SinkOptions& options)
    : ident_(options.ident),
      facility_(options.facility),
      format_(options.format),
      max_bytes_(options.max_message_bytes ? options.max_message_bytes : kDefaultSyslogBytes) {
    std::lock_guard lock(openlog_mutex());
    // LOG_NDELAY connects now, before the plugin drops privileges or chroots.
    ::openlog(ident_.c_str(), LOG_PID | LOG_NDELAY, facility_ << 3);
    openlog_owner() = this;
}

SyslogSink::~SyslogSink() {
    std::lock_guard lock(openlog_mutex());
    if (openlog_owner() == this) {
        ::closelog();
        openlog_owner() = nullptr;
    }
}

void SyslogSink::emit(const Alert& alert) noexcept {
    ++stats_.emitted;
    try {
        const Formatted formatted = format_alert(alert, format_, max_bytes_ - kLocalHeaderBytes);
        if (formatted.truncated) ++stats_.truncated;
        const int priority = (facility_ << 3) | syslog_severity(alert.severity);
        std::lock_guard lock(openlog_mutex());
        if (openlog_owner() != this) {
            ::openlog(ident_.c_str(), LOG_PID, facility_ << 3);
            openlog_owner() = this;
        }
        // Never pass the alert as the format string: it is attacker-controlled.
        ::syslog(priority, "%s", formatted.line.c_str());
        ++stats_.sent;  // syslog(3) reports no errors
    } catch (const std::exception&) {
        ++stats_.errors;
        ++stats_.dropped;
    }
}

}  // namespace alert
