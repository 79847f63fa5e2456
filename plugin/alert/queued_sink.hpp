// A sink decorator that gives any sink a bounded queue and a writer thread of its own, so that a
// destination that stops reading (a wedged journald behind /dev/log, a stalled disk) never stops
// detection: emit() only queues, and what does not fit is dropped and counted for this sink.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "alert/log_limiter.hpp"
#include "alert/sink.hpp"

namespace alert {

struct QueueLimits {
    std::size_t max_alerts = 10000;
    std::size_t max_bytes = std::size_t{64} << 20;  // of alert text held, roughly
    std::chrono::milliseconds flush_timeout{5000};  // flush() and destruction drain this long
};

class QueuedSink final : public AlertSink {
  public:
    QueuedSink(std::unique_ptr<AlertSink> inner, QueueLimits limits);
    // Drains for up to flush_timeout; whatever is still queued then counts as dropped.
    ~QueuedSink() override;

    // Queues a copy of the alert; drops it (counted, logged rate-limited) when the queue is full.
    void emit(const Alert& alert) noexcept override;
    // Waits until the queue drained (at most flush_timeout), then flushes the inner sink.
    void flush() override;
    // The writer re-opens the inner sink before its next write.
    void reopen() override;
    // The inner sink's counters as of its last write, with this queue's drops and length.
    SinkStats stats() const override;
    std::string describe() const override { return description_; }

  private:
    void run();

    const QueueLimits limits_;
    const std::string description_;
    std::unique_ptr<AlertSink> inner_;  // used by the writer thread only, after construction

    mutable std::mutex mutex_;
    std::condition_variable wake_;                     // work queued, reopen asked for, or stopping
    std::condition_variable drained_;                  // queue empty and nothing in flight
    std::deque<std::pair<Alert, std::size_t>> queue_;  // alert and its approximate size
    std::size_t queued_bytes_ = 0;
    bool in_flight_ = false;
    bool reopen_ = false;
    bool flush_inner_ = false;
    bool stop_ = false;
    bool flush_timed_out_ = false;
    uint64_t emitted_ = 0;
    uint64_t queue_drops_ = 0;  // full queue, or still queued at shutdown
    SinkStats inner_stats_;     // snapshot taken by the writer after each write
    LogLimiter log_limiter_;    // guarded by mutex_

    std::thread writer_;  // last: started once every other member exists
};

}  // namespace alert
