// A connected UDP socket: the kernel reports ICMP port-unreachable as ECONNREFUSED on the next
// send, which is then retried once so that one lost collector restart costs no alert.
#include "alert/udp_sink.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace alert {

UdpSink::UdpSink(std::string host, std::string port, const SinkOptions& options)
    : host_(std::move(host)),
      port_(std::move(port)),
      format_(options.format),
      max_bytes_(options.max_message_bytes
                     ? std::min(options.max_message_bytes, options.udp_max_bytes)
                     : options.udp_max_bytes) {
    header_ = rfc5424_header(options);
    int last_error = 0;
    for (const net::Address& address : net::resolve(host_, port_, SOCK_DGRAM)) {
        net::Fd fd(::socket(address.family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        if (fd.valid() && ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address.storage),
                                    address.length) == 0) {
            socket_ = std::move(fd);
            break;
        }
        last_error = errno;
    }
    if (!socket_.valid()) {
        throw std::runtime_error("cannot create UDP socket for " + describe() + ": " +
                                 net::error_text(last_error));
    }
}

std::string UdpSink::describe() const {
    const bool v6 = host_.find(':') != std::string::npos;
    return "udp://" + (v6 ? "[" + host_ + "]" : host_) + ":" + port_;
}

void UdpSink::emit(const Alert& alert) noexcept {
    ++stats_.emitted;
    try {
        const Formatted message = format_rfc5424(alert, format_, header_, max_bytes_);
        if (message.truncated) ++stats_.truncated;
        int error = 0;
        for (int attempt = 0; attempt < 2; ++attempt) {
            if (::send(socket_.get(), message.line.data(), message.line.size(),
                       MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) {
                ++stats_.sent;
                return;
            }
            error = errno;
            if (error != ECONNREFUSED && error != EINTR) break;
        }
        ++stats_.errors;
        ++stats_.dropped;
        if (log_limiter_.allow()) {
            spdlog::warn("alert sink {}: alert dropped: {}", describe(), net::error_text(error));
        }
    } catch (const std::exception& error) {
        ++stats_.errors;
        ++stats_.dropped;
        if (log_limiter_.allow()) spdlog::warn("alert sink {}: {}", describe(), error.what());
    }
}

}  // namespace alert
