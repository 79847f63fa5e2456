#include "app/latency.hpp"

#include <cmath>

namespace app {
namespace {

std::chrono::microseconds bucket_bound(std::size_t bucket) {
    return std::chrono::microseconds(
        static_cast<int64_t>(std::ceil(std::exp2(static_cast<double>(bucket) / 4.0))));
}

}  // namespace

void LatencyHistogram::record(std::chrono::nanoseconds latency) noexcept {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(latency);
    const double value = std::max<double>(1.0, static_cast<double>(micros.count()));
    const auto bucket = std::min<std::size_t>(
        kBuckets - 1, static_cast<std::size_t>(std::ceil(4.0 * std::log2(value))));
    ++counts_[bucket];
    ++total_;
    if (micros > max_) max_ = micros;
}

std::optional<LatencyHistogram::Summary> LatencyHistogram::summary() const noexcept {
    if (total_ == 0) return std::nullopt;
    Summary out;
    out.count = total_;
    out.max = max_;
    auto quantile = [this](double q) {
        // The smallest bucket bound at or above which a fraction q of the samples lie.
        const auto wanted = static_cast<uint64_t>(std::ceil(q * static_cast<double>(total_)));
        uint64_t seen = 0;
        for (std::size_t i = 0; i < kBuckets; ++i) {
            seen += counts_[i];
            if (seen >= wanted) return i + 1 == kBuckets ? max_ : std::min(bucket_bound(i), max_);
        }
        return max_;
    };
    out.p50 = quantile(0.50);
    out.p99 = quantile(0.99);
    return out;
}

std::string LatencyHistogram::stats_text() const {
    const auto s = summary();
    if (!s) return "";
    return "alert_latency_us_p50=" + std::to_string(s->p50.count()) +
           " alert_latency_us_p99=" + std::to_string(s->p99.count()) +
           " alert_latency_us_max=" + std::to_string(s->max.count()) +
           " alert_latency_n=" + std::to_string(s->count);
}

}  // namespace app
