#include "app/alert_output.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>

#include "alert/queued_sink.hpp"

namespace app {
namespace {

alert::SinkOptions sink_options(const Config& config) {
    alert::SinkOptions options;
    options.format = alert::parse_format(config.alerts_format);
    options.facility = alert::parse_facility(config.syslog_facility);
    options.ident = config.syslog_ident;
    if (config.host_name) options.hostname = *config.host_name;
    options.max_message_bytes = config.alert_max_bytes;
    options.queue_capacity = config.sink_queue;
    options.tcp_framing = alert::parse_tcp_framing(config.syslog_tcp_framing);
    options.udp_max_bytes = config.syslog_udp_max_bytes;
    options.sd_id = config.syslog_sd_id;
    options.utf8_bom = config.syslog_utf8_bom;
    return options;
}

alert::ThrottleOptions throttle_options(const Config& config) {
    alert::ThrottleOptions options;
    options.limit = config.effective_throttle_alerts();
    options.window_us = static_cast<int64_t>(config.throttle_window_seconds) * 1'000'000;
    return options;
}

// Every sink gets its own queue and writer in plugin mode, so that one destination that stops
// reading (a wedged /dev/log) cannot stop detection or the other sinks. Offline, files and
// stdout are written in line (nothing may be dropped from a forensic run; the reader simply
// waits), and only the syslog and datagram sinks get a queue. TCP has a queue of its own.
bool needs_queue(const alert::SinkSpec& spec, bool live) {
    using Kind = alert::SinkSpec::Kind;
    if (spec.kind == Kind::Tcp) return false;
    return live || (spec.kind != Kind::File && spec.kind != Kind::Stdout);
}

}  // namespace

AlertOutput::AlertOutput(const Config& config, bool live) : throttle_(throttle_options(config)) {
    std::vector<std::string> specs = config.alerts_outputs;
    if (specs.empty()) specs.emplace_back(live ? "syslog" : "-");
    alert::SinkOptions options = sink_options(config);
    // As --events-output: an offline run's file holds that run's alerts only; a plugin appends.
    options.truncate_file = !live;
    alert::QueueLimits limits;
    limits.max_alerts = config.sink_queue;
    limits.flush_timeout = options.flush_timeout;
    for (const std::string& spec : specs) {
        std::unique_ptr<alert::AlertSink> sink = alert::make_sink(spec, options);
        if (needs_queue(alert::parse_sink_spec(spec), live)) {
            sink = std::make_unique<alert::QueuedSink>(std::move(sink), limits);
        }
        sinks_.push_back(std::move(sink));
        spdlog::debug("alert sink: {}", sinks_.back()->describe());
    }
}

template <typename BuildAlert>
bool AlertOutput::emit_built(const std::string& rule_name, BuildAlert&& build,
                             const std::vector<std::string>* explain) noexcept {
    try {
        alert::Alert built = build();
        if (explain != nullptr) built.explain = *explain;
        summaries_.clear();
        // Per rule and real uid, at most --throttle-alerts per window (event time); one summary
        // says how many were held back and whose, so a flood cannot drown the SIEM and one
        // user's flood cannot hide another user's (root's) alerts.
        const bool admitted = throttle_.admit(built, summaries_);
        for (const alert::Alert& summary : summaries_) deliver(summary);
        if (admitted) deliver(built);
        return admitted;
    } catch (const std::exception& error) {
        ++failed_;
        spdlog::error("could not build an alert for rule {}: {}", rule_name, error.what());
        return false;
    }
}

bool AlertOutput::emit(const ecs::Event& event, const engine::RuleInfo& rule,
                       const std::vector<std::string>* explain) noexcept {
    return emit_built(
        rule.name,
        [&] {
            return alert::Alert::make(std::make_shared<const ecs::Event>(event),
                                      std::make_shared<const engine::RuleInfo>(rule));
        },
        explain);
}

bool AlertOutput::emit(const engine::SequenceAlert& alert,
                       const std::vector<std::string>* explain) noexcept {
    return emit_built(
        alert.rule->info.name,
        [&] {
            // The steps share the events the sequence state already holds: no copies.
            auto match = std::make_shared<alert::SequenceMatch>();
            match->key = alert.match.key;
            for (std::size_t i = 0; i < alert.match.events.size(); ++i) {
                const eql::EventRef& stored = alert.match.events[i];
                const std::size_t stage =
                    alert.rule->sequence.stages()[alert.match.stages[i]].written;
                match->steps.push_back(
                    {stage + 1, std::shared_ptr<const ecs::Event>(stored, &stored->event)});
            }
            alert::Alert built =
                alert::Alert::make(match->steps.empty() ? nullptr : match->steps.back().event,
                                   std::make_shared<const engine::RuleInfo>(alert.rule->info));
            built.sequence = std::move(match);
            return built;
        },
        explain);
}

void AlertOutput::deliver(const alert::Alert& built) noexcept {
    ++emitted_;
    for (auto& sink : sinks_) sink->emit(built);
}

void AlertOutput::expire(int64_t event_time_us) noexcept {
    try {
        summaries_.clear();
        throttle_.expire(event_time_us, summaries_);
        for (const alert::Alert& summary : summaries_) deliver(summary);
    } catch (const std::exception& error) {
        spdlog::error("could not send suppression summaries: {}", error.what());
    }
}

void AlertOutput::reopen() {
    for (auto& sink : sinks_) sink->reopen();
}

void AlertOutput::finish() {
    summaries_.clear();
    throttle_.finish(summaries_);
    for (const alert::Alert& summary : summaries_) deliver(summary);
    for (auto& sink : sinks_) sink->flush();
}

std::string AlertOutput::stats_line() const {
    std::ostringstream out;
    const alert::ThrottleStats throttled = throttle_.stats();
    out << "alerts_emitted=" << emitted_ << " alerts_failed=" << failed_
        << " alerts_suppressed=" << suppressed_before_ + throttled.suppressed
        << " suppression_summaries=" << summaries_before_ + throttled.summaries;
    for (const auto& sink : sinks_) {
        const alert::SinkStats s = sink->stats();
        out << " [" << sink->describe() << " sent=" << s.sent << " dropped=" << s.dropped
            << " queued=" << s.queued << " errors=" << s.errors << " reconnects=" << s.reconnects
            << " truncated=" << s.truncated << "]";
    }
    return out.str();
}

}  // namespace app

namespace app {

void AlertOutput::continue_counts(const AlertOutput& previous) {
    emitted_ += previous.emitted_;
    failed_ += previous.failed_;
    suppressed_before_ += previous.suppressed_before_ + previous.throttle_.stats().suppressed;
    summaries_before_ += previous.summaries_before_ + previous.throttle_.stats().summaries;
}

std::vector<std::pair<std::string, std::string>> AlertOutput::sink_counters() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& sink : sinks_) {
        const alert::SinkStats s = sink->stats();
        out.emplace_back("alerts " + sink->describe(),
                         "sent " + std::to_string(s.sent) + ", dropped " +
                             std::to_string(s.dropped) + ", queued " + std::to_string(s.queued) +
                             ", errors " + std::to_string(s.errors) + ", reconnects " +
                             std::to_string(s.reconnects) + ", truncated " +
                             std::to_string(s.truncated));
    }
    return out;
}

}  // namespace app
