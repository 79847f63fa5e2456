#include "app/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <sstream>
#include <utility>

#include "audit/line_filter.hpp"

namespace app {
namespace {

audit::ReaderOptions reader_options(const Config& config, const LiveServices& live) {
    audit::ReaderOptions options;
    options.max_line_bytes = config.max_line_bytes;
    options.builder.include_failed = config.include_failed;
    options.builder.host_name = config.host_name;
    options.builder.host_id = config.host_id;
    options.builder.names = live.names;
    options.builder.host_kernel = live.kernel;
    return options;
}

void report_malformed(audit::MalformedKind kind, std::string_view sample) {
    spdlog::warn("skipping malformed input ({}), first seen: {:?}; further ones are only counted",
                 audit::malformed_kind_name(kind), std::string(sample));
}

}  // namespace

int64_t system_clock_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Pipeline::Pipeline(const Config& config, engine::RuleSet rules, AlertHandler on_alert,
                   const LiveServices& live)
    : track_latency_(config.live()),
      live_(live),
      table_(process::TableOptions{}, live.processes),
      rules_(std::move(rules)),
      on_alert_(std::move(on_alert)),
      reader_(
          audit::ReaderOptions{}, [this](ecs::Event&& event) { on_event(std::move(event)); },
          report_malformed) {
    // The settings take the path a SIGHUP reload takes, so the two cannot drift apart.
    apply_settings(config);
    prepare_events_output(config);
    commit_events_output();
}

void Pipeline::on_event(ecs::Event&& event) noexcept {
    // Called from inside libauparse (C): nothing may be thrown through it. A failure is kept
    // and rethrown by feed()/finish() once auparse has returned.
    if (failure_) return;
    try {
        event.created_us = read_at_us_;
        table_.apply(event);
        if (filter_ && !filter_(event)) return;
        ++process_events_;
        if (events_output_) {
            event_line_.clear();
            event.id = event_ids_.make(event);  // only here: nothing else reads it
            event_writer_.write(event, event_line_);
            events_output_->write_line(event_line_);
        }
        if (observer_) observer_(event);
        // The last use of the event here: sequence rules that keep it take it over (moved after
        // the single-event rules have seen it; on_alert_ is only called before that).
        rules_.match_all(
            std::move(event),
            [&](const engine::LoadedRule& rule) {
                ++alerts_;
                on_alert_(event, rule);
                if (track_latency_) {
                    alert_latency_.record(std::chrono::steady_clock::now() - fed_at_);
                }
            },
            sequence_alerts_);
        if (!sequence_alerts_.empty()) deliver_sequences();
    } catch (...) {
        failure_ = std::current_exception();
    }
}

void Pipeline::deliver_sequences() {
    for (const engine::SequenceAlert& alert : sequence_alerts_) {
        ++alerts_;
        if (on_sequence_) on_sequence_(alert);
    }
    sequence_alerts_.clear();
}

void Pipeline::feed(std::string_view bytes) {
    feed(bytes, track_latency_ ? std::chrono::steady_clock::now()
                               : std::chrono::steady_clock::time_point{});
}

void Pipeline::feed(std::string_view bytes, std::chrono::steady_clock::time_point readable_at) {
    fed_at_ = readable_at;
    read_at_us_ = created_now();
    reader_.feed(bytes);
    rethrow_failure();
}

void Pipeline::age_events() {
    if (track_latency_) fed_at_ = std::chrono::steady_clock::now();
    read_at_us_ = created_now();
    reader_.age_events();
    rethrow_failure();
    // Idle input: nothing older can still arrive in order, so the reorder window is released.
    rules_.flush_sequences(sequence_alerts_, /*end_of_input=*/false);
    deliver_sequences();
    if (events_output_) events_output_->flush_if_due();
}

void Pipeline::reopen_outputs() {
    if (events_output_) events_output_->reopen();
}

void Pipeline::apply_settings(const Config& config) {
    if (host_name_ && config.host_name && !table_.rename_host(*host_name_, *config.host_name)) {
        spdlog::warn(
            "host name {} is already another host's in the process table: processes of {} seen "
            "so far lose their parent context",
            *config.host_name, *host_name_);
    }
    host_name_ = config.host_name;
    pinned_created_us_ = config.pinned_created_us;
    reader_.reconfigure(reader_options(config, live_));
    table_.set_limits(config.max_processes, config.max_process_bytes);
}

void Pipeline::prepare_events_output(const Config& config) {
    next_events_output_.reset();
    const std::optional<std::string> current =
        events_output_ ? std::optional(events_output_->path()) : std::nullopt;
    if (config.events_output == current) return;
    next_events_output_ =
        config.events_output
            ? std::make_unique<OutputFile>(
                  *config.events_output,
                  OutputFile::Mode{.append = config.live(), .keep_going = config.live()})
            : nullptr;
}

void Pipeline::commit_events_output() {
    if (!next_events_output_) {
        reopen_outputs();
        return;
    }
    if (events_output_) {
        try {
            events_output_->flush();
        } catch (const std::exception& error) {
            spdlog::error("events output {}: {}", events_output_->path(), error.what());
        }
    }
    events_output_ = std::move(*next_events_output_);
    next_events_output_.reset();
}

void Pipeline::rethrow_failure() {
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

void Pipeline::finish() {
    read_at_us_ = created_now();
    reader_.finish();
    rethrow_failure();
    rules_.flush_sequences(sequence_alerts_, /*end_of_input=*/true);
    deliver_sequences();
    if (events_output_) events_output_->flush();
}

void Pipeline::replace_rules(engine::RuleSet rules) {
    // Sequences of the old rules complete with what they have; pending ones are dropped.
    rules_.flush_sequences(sequence_alerts_, /*end_of_input=*/true);
    deliver_sequences();
    rules_ = std::move(rules);
}

PipelineStats Pipeline::stats() const {
    return PipelineStats{reader_.stats(), table_.stats(), process_events_,
                         alerts_,         rules_.size(),  alert_latency_.summary()};
}

std::string Pipeline::stats_line() const {
    const PipelineStats s = stats();
    std::ostringstream out;
    out << "lines=" << s.reader.lines.lines << " bytes=" << s.reader.lines.bytes
        << " malformed=" << s.reader.lines.malformed_total()
        << " audit_events=" << s.reader.builder.events << " execs=" << s.reader.builder.execs
        << " failed_execs=" << s.reader.builder.failed_execs
        << " file_events=" << s.reader.builder.file_events
        << " network_events=" << s.reader.builder.network_events
        << " process_events=" << s.process_events << " alerts=" << s.alerts
        << " rules=" << s.rules_loaded << " table_size=" << s.table.size
        << " table_bytes=" << s.table.bytes << " table_hits=" << s.table.hits
        << " table_misses=" << s.table.misses << " table_lookups=" << s.table.index_lookups
        << " table_evictions=" << s.table.evictions << " late_forks=" << s.table.late_forks
        << " exited_parents=" << s.table.exited_parents << " reused_pids=" << s.table.reused_pids
        << " unconfirmed_dropped=" << s.table.unconfirmed_dropped
        << " capped_images=" << s.table.capped_images
        << " serial_gaps=" << s.reader.lines.serial_gaps
        << " records_skipped=" << s.reader.lines.records_skipped
        << " events_abandoned=" << s.reader.lines.events_abandoned
        << " auparse_renewals=" << s.reader.lines.auparse_renewals;
    if (rules_.sequence_count() > 0) {
        const engine::SequenceTotals q = rules_.sequence_totals();
        out << " sequence_rules=" << rules_.sequence_count() << " sequence_keys=" << q.matchers.keys
            << " sequence_bytes=" << q.matchers.bytes << " sequence_started=" << q.matchers.started
            << " sequence_completed=" << q.matchers.completed
            << " sequence_expired=" << q.matchers.expired
            << " sequence_evicted_first_stage=" << q.matchers.evicted_first_stage
            << " sequence_evicted_advanced=" << q.matchers.evicted_advanced
            << " sequence_evicted_for_total=" << q.evicted_for_total
            << " sequence_late_events=" << q.late;
    }
    if (events_output_) {
        const OutputFileStats& e = events_output_->stats();
        out << " events_written=" << e.written << " events_dropped=" << e.dropped
            << " events_write_errors=" << e.write_errors << " events_reopens=" << e.reopens;
    }
    if (const std::string latency = alert_latency_.stats_text(); !latency.empty()) {
        out << ' ' << latency;
    }
    return out.str();
}

}  // namespace app
