// Delivery rules of the TCP sink:
// - order: one queue, one connection, and a message leaves the queue only for the sender;
// - no duplicates: a message is sent again only if writing it failed, and then from its start;
// - no silent loss on a collector restart: before each message the sender checks whether the
//   collector closed the connection (a syslog collector never sends, so readable means EOF)
//   and reconnects first. TCP syslog has no acknowledgements, so a message written in the
//   instant the collector dies can still be lost; RFC 6587 cannot do better.
#include "alert/tcp_sink.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace alert {

TcpSink::TcpSink(std::string host, std::string port, const SinkOptions& options)
    : host_(std::move(host)),
      port_(std::move(port)),
      format_(options.format),
      max_bytes_(options.max_message_bytes ? options.max_message_bytes : kDefaultSyslogBytes),
      framing_(options.tcp_framing),
      capacity_(options.queue_capacity),
      reconnect_min_(options.reconnect_min),
      reconnect_max_(options.reconnect_max),
      connect_timeout_(options.connect_timeout),
      flush_timeout_(options.flush_timeout),
      backoff_(options.reconnect_min) {
    header_ = rfc5424_header(options);
    sender_ = std::thread([this] { run(); });
}

TcpSink::~TcpSink() {
    flush_for(flush_timeout_);
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    sender_.join();
    const SinkStats final_stats = stats();
    if (final_stats.dropped > 0) {
        spdlog::warn("alert sink {}: closed; {} alerts were dropped in total", describe(),
                     final_stats.dropped);
    }
}

std::string TcpSink::describe() const {
    const bool v6 = host_.find(':') != std::string::npos;
    return "tcp://" + (v6 ? "[" + host_ + "]" : host_) + ":" + port_;
}

void TcpSink::emit(const Alert& alert) noexcept {
    try {
        const Formatted message = format_rfc5424(alert, format_, header_, max_bytes_);
        std::string frame = framing_ == TcpFraming::Newline ? newline_frame(message.line)
                                                            : octet_count_frame(message.line);
        std::lock_guard lock(mutex_);
        ++stats_.emitted;
        if (message.truncated) ++stats_.truncated;
        if (stop_ || queue_.size() + (in_flight_ ? 1 : 0) >= capacity_) {
            ++stats_.dropped;
            if (emit_log_limiter_.allow()) {
                spdlog::warn("alert sink {}: queue full ({} messages), dropping alerts", describe(),
                             capacity_);
            }
            return;
        }
        queue_.push_back(std::move(frame));
    } catch (const std::exception& error) {
        std::lock_guard lock(mutex_);
        ++stats_.errors;
        ++stats_.dropped;
        if (emit_log_limiter_.allow()) spdlog::warn("alert sink {}: {}", describe(), error.what());
        return;
    }
    wake_.notify_one();
}

void TcpSink::flush() { flush_for(flush_timeout_); }

bool TcpSink::flush_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return drained_.wait_for(lock, timeout, [&] { return queue_.empty() && !in_flight_; });
}

SinkStats TcpSink::stats() const {
    std::lock_guard lock(mutex_);
    SinkStats out = stats_;
    out.queued = queue_.size() + (in_flight_ ? 1 : 0);
    return out;
}

void TcpSink::run() {
    std::string current;
    bool have = false;
    while (true) {
        {
            std::unique_lock lock(mutex_);
            if (!have) {
                wake_.wait(lock, [&] { return stop_.load() || !queue_.empty(); });
                if (stop_) break;
                current = std::move(queue_.front());
                queue_.pop_front();
                in_flight_ = true;
                have = true;
            }
            if (stop_) break;
        }
        if (!ensure_connected()) continue;
        if (send_all(current)) {
            have = false;
            std::lock_guard lock(mutex_);
            ++stats_.sent;
            in_flight_ = false;
            if (queue_.empty()) drained_.notify_all();
        } else {
            socket_.reset();
            connected_ = false;
            std::lock_guard lock(mutex_);
            ++stats_.errors;
        }
    }
    socket_.reset();
    connected_ = false;
    std::lock_guard lock(mutex_);
    stats_.dropped += queue_.size() + (have ? 1 : 0);
    queue_.clear();
    in_flight_ = false;
    drained_.notify_all();
}

bool TcpSink::peer_closed() {
    char discard[512];
    for (int round = 0; round < 16; ++round) {
        const ssize_t n = ::recv(socket_.get(), discard, sizeof discard, MSG_DONTWAIT);
        if (n > 0) continue;  // a collector has nothing to say; ignore it
        if (n == 0) return true;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
        if (errno == EINTR) continue;
        return true;
    }
    return false;
}

bool TcpSink::ensure_connected() {
    if (socket_.valid()) {
        if (!peer_closed()) return true;
        socket_.reset();
        connected_ = false;
        if (log_limiter_.allow()) {
            spdlog::warn("alert sink {}: collector closed the connection, reconnecting",
                         describe());
        }
    }
    int error = 0;
    std::string reason;
    try {
        const auto addresses = net::resolve(host_, port_, SOCK_STREAM);
        socket_ = net::connect_stream(addresses, connect_timeout_, stop_, error);
        if (!socket_.valid()) reason = net::error_text(error);
    } catch (const std::exception& resolve_error) {
        reason = resolve_error.what();
    }
    if (socket_.valid()) {
        connected_ = true;
        backoff_ = reconnect_min_;
        std::lock_guard lock(mutex_);
        if (ever_connected_) ++stats_.reconnects;
        ever_connected_ = true;
        return true;
    }
    {
        std::unique_lock lock(mutex_);
        ++stats_.errors;
        if (log_limiter_.allow()) {
            spdlog::warn("alert sink {}: cannot connect ({}), retrying in {} ms", describe(),
                         reason, backoff_.count());
        }
        wake_.wait_for(lock, backoff_, [&] { return stop_.load(); });
    }
    backoff_ = std::min(backoff_ * 2, reconnect_max_);
    return false;
}

bool TcpSink::send_all(const std::string& frame) {
    std::size_t done = 0;
    while (done < frame.size()) {
        const ssize_t n =
            ::send(socket_.get(), frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            // The collector is slow: wait for room, but give up promptly when stopping.
            pollfd p{socket_.get(), POLLOUT, 0};
            while (!stop_ && ::poll(&p, 1, 100) == 0) {
            }
            if (stop_) return false;
            continue;
        }
        if (log_limiter_.allow()) {
            spdlog::warn("alert sink {}: send failed: {}", describe(), net::error_text(errno));
        }
        return false;
    }
    return true;
}

}  // namespace alert
