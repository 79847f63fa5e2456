// The writer thread owns the inner sink after construction; the caller's thread only touches the
// queue. Counters of the inner sink are copied out under the lock after each write, so stats()
// never waits for a write that is stuck.
#include "alert/queued_sink.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace alert {

QueuedSink::QueuedSink(std::unique_ptr<AlertSink> inner, QueueLimits limits)
    : limits_(limits), description_(inner->describe()), inner_(std::move(inner)) {
    writer_ = std::thread([this] { run(); });
}

QueuedSink::~QueuedSink() {
    {
        std::unique_lock lock(mutex_);
        // A flush() that already waited its full time is not waited for twice.
        drained_.wait_for(lock,
                          flush_timed_out_ ? std::chrono::milliseconds(0) : limits_.flush_timeout,
                          [&] { return queue_.empty() && !in_flight_; });
        stop_ = true;
        queue_drops_ += queue_.size();
        if (!queue_.empty()) {
            spdlog::warn("alert sink {}: {} alerts still queued at shutdown were dropped",
                         description_, queue_.size());
        }
        queue_.clear();
    }
    wake_.notify_all();
    writer_.join();
}

void QueuedSink::emit(const Alert& alert) noexcept {
    try {
        const std::size_t bytes = approximate_bytes(alert);
        std::unique_lock lock(mutex_);
        ++emitted_;
        if (queue_.size() >= limits_.max_alerts || queued_bytes_ + bytes > limits_.max_bytes) {
            ++queue_drops_;
            if (log_limiter_.allow()) {
                spdlog::warn(
                    "alert sink {}: queue full ({} alerts), alert dropped ({} more since the "
                    "last warning); the destination is not taking alerts",
                    description_, queue_.size(), log_limiter_.suppressed_before());
            }
            return;
        }
        queue_.emplace_back(alert, bytes);
        queued_bytes_ += bytes;
        lock.unlock();
        wake_.notify_one();
    } catch (...) {
        std::lock_guard lock(mutex_);
        ++queue_drops_;
    }
}

void QueuedSink::flush() {
    std::unique_lock lock(mutex_);
    flush_inner_ = true;
    wake_.notify_one();
    flush_timed_out_ = !drained_.wait_for(lock, limits_.flush_timeout, [&] {
        return queue_.empty() && !in_flight_ && !flush_inner_;
    });
}

void QueuedSink::reopen() {
    {
        std::lock_guard lock(mutex_);
        reopen_ = true;
    }
    wake_.notify_one();
}

SinkStats QueuedSink::stats() const {
    std::lock_guard lock(mutex_);
    SinkStats out = inner_stats_;
    out.emitted = emitted_;
    out.dropped += queue_drops_;
    out.queued = queue_.size() + (in_flight_ ? 1 : 0);
    return out;
}

void QueuedSink::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return stop_ || reopen_ || flush_inner_ || !queue_.empty(); });
        if (stop_) return;
        if (reopen_) {
            reopen_ = false;
            lock.unlock();
            inner_->reopen();
            const SinkStats after = inner_->stats();
            lock.lock();
            inner_stats_ = after;
        }
        if (!queue_.empty()) {
            auto [alert, bytes] = std::move(queue_.front());
            queue_.pop_front();
            queued_bytes_ -= bytes;
            in_flight_ = true;
            lock.unlock();
            inner_->emit(alert);
            const SinkStats after = inner_->stats();
            lock.lock();
            inner_stats_ = after;
            in_flight_ = false;
        }
        if (flush_inner_ && queue_.empty()) {
            lock.unlock();
            inner_->flush();
            lock.lock();
            flush_inner_ = false;
        }
        if (queue_.empty() && !in_flight_) drained_.notify_all();
    }
}

}  // namespace alert
