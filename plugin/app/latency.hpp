// How long an alert took inside audisp-eql: from poll() reporting readable the input that held
// the event's last record (auditd handing it over) to the alert handed to the sinks. A fixed
// histogram, so memory stays constant however long the plugin runs.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace app {

class LatencyHistogram {
  public:
    void record(std::chrono::nanoseconds latency) noexcept;

    struct Summary {
        uint64_t count = 0;
        // Upper bounds of the buckets that hold the 50th and 99th percentiles (buckets are
        // quarter octaves, so at most 19% above the true value), and the exact maximum.
        std::chrono::microseconds p50{};
        std::chrono::microseconds p99{};
        std::chrono::microseconds max{};
    };
    std::optional<Summary> summary() const noexcept;
    // "alert_latency_us_p50=... p99=... max=... n=..." or "" before the first alert.
    std::string stats_text() const;

  private:
    // Bucket i holds latencies up to 2^(i/4) microseconds; the last one everything longer.
    static constexpr std::size_t kBuckets = std::size_t{4} * 32;
    std::array<uint64_t, kBuckets> counts_{};
    uint64_t total_ = 0;
    std::chrono::microseconds max_{};
};

}  // namespace app
