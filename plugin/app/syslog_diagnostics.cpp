#include "app/syslog_diagnostics.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "alert/syslog_format.hpp"

namespace app {
namespace {

constexpr int kFacilityDaemon = 3;

// RFC 5424 severity of a spdlog level.
int severity_of(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::critical:
            return 2;
        case spdlog::level::err:
            return 3;
        case spdlog::level::warn:
            return 4;
        case spdlog::level::info:
            return 6;
        default:
            return 7;
    }
}

}  // namespace

SyslogDiagnostics::SyslogDiagnostics(std::string ident, std::string socket_path)
    : ident_(std::move(ident)), socket_path_(std::move(socket_path)), pid_(::getpid()) {
    connect_socket();  // now, before privileges are dropped
}

bool SyslogDiagnostics::connect_socket() {
    socket_ = alert::net::connect_unix_datagram(socket_path_);
    return socket_.valid();
}

void SyslogDiagnostics::sink_it_(const spdlog::details::log_msg& message) {
    const int64_t now_us =
        std::chrono::duration_cast<std::chrono::microseconds>(message.time.time_since_epoch())
            .count();
    const std::string line = alert::format_local_syslog(
        kFacilityDaemon * 8 + severity_of(message.level), now_us, ident_, pid_,
        std::string_view(message.payload.data(), message.payload.size()));
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!socket_.valid() && !connect_socket()) break;
        if (::send(socket_.get(), line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) {
            return;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;  // the daemon is not reading
        socket_.reset();                                     // restarted daemon: reconnect once
    }
    ++dropped_;
}

}  // namespace app
