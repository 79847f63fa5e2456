// RFC 5424 messages over TCP with RFC 6587 framing: octet counting ("LEN SP MSG", default) or
// a trailing LF (SinkOptions::tcp_framing). A sender
// thread owns the connection; emit() only formats and queues, so a slow or dead collector never
// blocks the plugin (and so never backs up auditd). While the collector is away, up to
// queue_capacity messages wait and are delivered in order after a reconnect; beyond that new
// alerts are dropped and counted.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "alert/log_limiter.hpp"
#include "alert/net.hpp"
#include "alert/sink.hpp"
#include "alert/syslog_format.hpp"

namespace alert {

class TcpSink final : public AlertSink {
  public:
    // Starts the sender thread, which connects (and resolves the host) on its own; the collector
    // need not be up yet.
    TcpSink(std::string host, std::string port, const SinkOptions& options);
    // Drains for up to flush_timeout, then stops; whatever is still queued counts as dropped.
    ~TcpSink() override;

    // Formats the alert and queues it; drops it (counted) when the queue is full. Never blocks
    // on the network.
    void emit(const Alert& alert) noexcept override;
    // flush_for(flush_timeout).
    void flush() override;
    // Waits until every queued message was written to the socket, at most `timeout`. Returns
    // true when the queue drained.
    bool flush_for(std::chrono::milliseconds timeout);
    SinkStats stats() const override;
    std::string describe() const override;
    bool connected() const { return connected_.load(); }

  private:
    void run();
    bool ensure_connected();
    bool peer_closed();
    bool send_all(const std::string& frame);

    const std::string host_;
    const std::string port_;
    const Format format_;
    const std::size_t max_bytes_;
    const TcpFraming framing_;
    const std::size_t capacity_;
    const std::chrono::milliseconds reconnect_min_;
    const std::chrono::milliseconds reconnect_max_;
    const std::chrono::milliseconds connect_timeout_;
    const std::chrono::milliseconds flush_timeout_;
    Rfc5424Options header_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;     // work queued, or stopping
    std::condition_variable drained_;  // queue empty and nothing in flight
    std::deque<std::string> queue_;    // framed messages
    bool in_flight_ = false;           // the sender holds a message it has not yet sent
    SinkStats stats_;                  // guarded by mutex_ (queued is computed)
    LogLimiter emit_log_limiter_;      // guarded by mutex_

    std::atomic<bool> stop_{false};
    std::atomic<bool> connected_{false};

    // Sender thread only.
    net::Fd socket_;
    bool ever_connected_ = false;
    std::chrono::milliseconds backoff_;
    LogLimiter log_limiter_;

    std::thread sender_;  // last: started once every other member exists
};

}  // namespace alert
