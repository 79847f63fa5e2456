// The /dev/log protocol is one datagram per message in the traditional format
// `<PRI>Mmm dd HH:MM:SS TAG[PID]: MSG`. A daemon restart invalidates the connection, so a
// failed send reconnects once and retries; a full receive queue is waited on for at most
// send_timeout and then drops the alert, so a daemon that stopped reading never blocks for
// long (and the sink runs behind a QueuedSink in the plugin, so not even that blocks detection).
// syslog(3) is not used: its send() blocks for as long as the daemon does not read.
#include "alert/local_socket_sink.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "alert/syslog_format.hpp"

namespace alert {

LocalSocketSink::LocalSocketSink(std::string path, const SinkOptions& options,
                                 std::string description)
    : path_(std::move(path)),
      description_(description.empty() ? "unix:" + path_ : std::move(description)),
      send_timeout_(options.local_send_timeout),
      ident_(options.ident),
      facility_(options.facility),
      format_(options.format),
      max_bytes_(options.max_message_bytes ? options.max_message_bytes : kDefaultSyslogBytes),
      pid_(static_cast<long>(::getpid())) {
    sockaddr_un probe{};
    if (path_.size() >= sizeof probe.sun_path) {
        throw std::invalid_argument("unix socket path too long: " + path_);
    }
    // Connect now, as syslog(3) with LOG_NDELAY would, before privileges are dropped; a daemon
    // that is not up yet is connected to on the first alert.
    connect_socket();
}

bool LocalSocketSink::connect_socket() {
    socket_ = net::connect_unix_datagram(path_);
    return socket_.valid();
}

bool LocalSocketSink::send_once(const std::string& message, int& error) {
    if (!socket_.valid() && !connect_socket()) {
        error = errno;
        return false;
    }
    bool waited = false;
    for (;;) {
        if (::send(socket_.get(), message.data(), message.size(), MSG_DONTWAIT | MSG_NOSIGNAL) >=
            0) {
            return true;
        }
        if (errno == EINTR) continue;
        error = errno;
        if ((error == EAGAIN || error == EWOULDBLOCK) && !waited && send_timeout_.count() > 0) {
            // The daemon's receive queue is full: give it a moment to catch up, once.
            waited = true;
            pollfd writable{socket_.get(), POLLOUT, 0};
            if (::poll(&writable, 1, static_cast<int>(send_timeout_.count())) > 0) continue;
        }
        return false;
    }
}

void LocalSocketSink::emit(const Alert& alert) noexcept {
    ++stats_.emitted;
    try {
        const int priority = facility_ * 8 + syslog_severity(alert.severity);
        std::string head = format_local_syslog(priority, alert.timestamp_us, ident_, pid_, "");
        const std::size_t budget = max_bytes_ > head.size() ? max_bytes_ - head.size() : 1;
        Formatted formatted = format_alert(alert, format_, budget);
        if (formatted.truncated) ++stats_.truncated;
        const std::string message =
            format_local_syslog(priority, alert.timestamp_us, ident_, pid_, formatted.line);
        int error = 0;
        bool ok = send_once(message, error);
        if (!ok && error != EAGAIN && error != EWOULDBLOCK) {
            // The daemon may have restarted (ECONNREFUSED, ENOTCONN): reconnect once.
            socket_.reset();
            ok = send_once(message, error);
            if (ok) ++stats_.reconnects;
        }
        if (ok) {
            ++stats_.sent;
            return;
        }
        if (error != EAGAIN && error != EWOULDBLOCK) socket_.reset();
        ++stats_.errors;
        ++stats_.dropped;
        if (log_limiter_.allow()) {
            spdlog::warn("alert sink {}: alert dropped: {}", description_, net::error_text(error));
        }
    } catch (const std::exception& error) {
        ++stats_.errors;
        ++stats_.dropped;
        if (log_limiter_.allow()) spdlog::warn("alert sink {}: {}", description_, error.what());
    }
}

}  // namespace alert
