#include "app/alert_output.hpp"

#include <spdlog/spdlog.h>

#include <sstream>

#include "engine/alert_document.hpp"

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
    return options;
}

}  // namespace

AlertOutput::AlertOutput(const Config& config, bool live) {
    std::vector<std::string> specs = config.alerts_outputs;
    if (specs.empty()) specs.emplace_back(live ? "syslog" : "-");
    const alert::SinkOptions options = sink_options(config);
    for (const std::string& spec : specs) {
        sinks_.push_back(alert::make_sink(spec, options));
        spdlog::debug("alert sink: {}", sinks_.back()->describe());
    }
}

void AlertOutput::emit(const ecs::Event& event, const engine::RuleInfo& rule) noexcept {
    try {
        const alert::Alert built = alert::Alert::from_document(engine::alert_document(event, rule));
        ++emitted_;
        for (auto& sink : sinks_) sink->emit(built);
    } catch (const std::exception& error) {
        ++failed_;
        spdlog::error("could not build an alert for rule {}: {}", rule.name, error.what());
    }
}

void AlertOutput::reopen() {
    for (auto& sink : sinks_) sink->reopen();
}

void AlertOutput::finish() {
    for (auto& sink : sinks_) sink->flush();
}

std::string AlertOutput::stats_line() const {
    std::ostringstream out;
    out << "alerts_emitted=" << emitted_ << " alerts_failed=" << failed_;
    for (const auto& sink : sinks_) {
        const alert::SinkStats s = sink->stats();
        out << " [" << sink->describe() << " sent=" << s.sent << " dropped=" << s.dropped
            << " queued=" << s.queued << " errors=" << s.errors << "]";
    }
    return out.str();
}

}  // namespace app
