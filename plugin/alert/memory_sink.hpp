// A sink that keeps what it receives, for tests: the alerts themselves and their formatted
// lines, plus how often flush() and reopen() were called.
#pragma once

#include <string>
#include <vector>

#include "alert/format.hpp"
#include "alert/sink.hpp"

namespace alert {

class MemorySink final : public AlertSink {
  public:
    explicit MemorySink(Format format = Format::Json, std::size_t max_bytes = 0)
        : format_(format), max_bytes_(max_bytes) {}

    void emit(const Alert& alert) noexcept override {
        ++stats_.emitted;
        try {
            Formatted formatted = format_alert(alert, format_, max_bytes_);
            if (formatted.truncated) ++stats_.truncated;
            alerts_.push_back(alert);
            lines_.push_back(std::move(formatted.line));
            ++stats_.sent;
        } catch (...) {
            ++stats_.dropped;
        }
    }
    void flush() override { ++flushes_; }
    void reopen() override { ++reopens_; }
    SinkStats stats() const override { return stats_; }
    std::string describe() const override { return "memory"; }

    const std::vector<Alert>& alerts() const { return alerts_; }
    const std::vector<std::string>& lines() const { return lines_; }
    int flushes() const { return flushes_; }
    int reopens() const { return reopens_; }

  private:
    Format format_;
    std::size_t max_bytes_;
    std::vector<Alert> alerts_;
    std::vector<std::string> lines_;
    int flushes_ = 0;
    int reopens_ = 0;
    SinkStats stats_;
};

}  // namespace alert
