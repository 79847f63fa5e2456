// The whole detection path, shared by offline analysis and plugin mode:
// audit bytes -> AuditReader -> ProcessTable -> RuleSet -> alert callback (and NDJSON events).
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "app/config.hpp"
#include "app/latency.hpp"
#include "app/output_file.hpp"
#include "audit/reader.hpp"
#include "ecs/event_id.hpp"
#include "ecs/json_writer.hpp"
#include "engine/rule_set.hpp"
#include "process/process_table.hpp"

namespace app {

struct PipelineStats {
    audit::ReaderStats reader;
    process::TableStats table;
    uint64_t process_events = 0;  // events that left the pipeline (after the table)
    uint64_t alerts = 0;
    std::size_t rules_loaded = 0;
    // Input that completed the event readable -> alert handed to the sinks.
    std::optional<LatencyHistogram::Summary> alert_latency;
};

// Live-host services used only in plugin mode.
struct LiveServices {
    audit::NameResolver* names = nullptr;
    process::LiveLookup* processes = nullptr;
    std::optional<std::string> kernel;  // host.os.kernel
};

// The wall clock event.created is read from (once per read of input), in microseconds since the
// epoch. Injected (not a global) so that a test gets reproducible documents.
using WallClock = std::function<int64_t()>;

// The system clock, in microseconds since the epoch: the pipeline's clock unless replaced.
int64_t system_clock_us();

class Pipeline {
  public:
    using AlertHandler = std::function<void(const ecs::Event&, const engine::LoadedRule&)>;
    // A completed sequence or sample rule (raised once the reorder window releases its last
    // event, so shortly after that event; see engine::SequenceOptions).
    using SequenceHandler = std::function<void(const engine::SequenceAlert&)>;
    using EventObserver = std::function<void(const ecs::Event&)>;
    // Called with every event once the process table has learnt from it; false keeps the
    // event from the events output, the observer and the rules (offline --since/--until/--host).
    using EventFilter = std::function<bool(const ecs::Event&)>;

    Pipeline(const Config& config, engine::RuleSet rules, AlertHandler on_alert,
             const LiveServices& live = {});

    // These rethrow, once auparse has returned, what failed while handling an event (e.g. the
    // events output could not be written).
    void feed(std::string_view bytes);
    // Plugin mode: `readable_at` is when poll() reported these bytes, where alert latency starts
    // (so it includes any wait of the read loop).
    void feed(std::string_view bytes, std::chrono::steady_clock::time_point readable_at);
    void age_events();
    void finish();

    // Swaps in a new rule set between two events (SIGHUP); the process table is kept.
    void replace_rules(engine::RuleSet rules);
    // Re-opens the events output (SIGHUP, logrotate).
    void reopen_outputs();
    // Reload in two steps: prepare opens the events output `config` names if it differs from
    // the current one (throws if it cannot); commit swaps it in, or re-opens the current one.
    void prepare_events_output(const Config& config);
    void commit_events_output();
    // Reload: how events are built (host name and id, --include-failed, --max-line-bytes,
    // --pin-created) and the process table's limits, from the next event on. The table keeps its
    // processes: under a new host name they are found under that name.
    void apply_settings(const Config& config);
    void set_event_observer(EventObserver observer) { observer_ = std::move(observer); }
    void set_event_filter(EventFilter filter) { filter_ = std::move(filter); }
    void set_sequence_handler(SequenceHandler handler) { on_sequence_ = std::move(handler); }
    // Replaces the clock of event.created (a test's fixed time); it stays across reloads, and
    // --pin-created, when set, still wins over it.
    void set_clock(WallClock clock) { clock_ = std::move(clock); }

    process::ProcessTable& table() noexcept { return table_; }
    // The events output's counters, when there is one.
    const OutputFileStats* events_output_stats() const {
        return events_output_ ? &events_output_->stats() : nullptr;
    }
    PipelineStats stats() const;
    std::string stats_line() const;

  private:
    void on_event(ecs::Event&& event) noexcept;
    void rethrow_failure();
    // Hands sequence alerts collected so far to the handler.
    void deliver_sequences();
    // event.created of what the next read of input completes: pinned, or the clock now.
    int64_t created_now() const { return pinned_created_us_ ? *pinned_created_us_ : clock_(); }

    // Plugin mode only: offline, "read" is a 1 MiB chunk of a file and latency means nothing.
    bool track_latency_;
    LiveServices live_;
    WallClock clock_ = system_clock_us;
    std::optional<int64_t> pinned_created_us_;  // --pin-created (apply_settings)
    // event.created of the events completed by the current feed(), age_events() or finish():
    // the clock is read once per read of input, not once per event (47k events in the 10k
    // benchmark stream), and that read is when audisp-eql first saw the event's last bytes.
    int64_t read_at_us_ = 0;
    std::optional<std::string> host_name_;  // the name events without node= get
    process::ProcessTable table_;
    engine::RuleSet rules_;
    AlertHandler on_alert_;
    SequenceHandler on_sequence_;
    std::vector<engine::SequenceAlert> sequence_alerts_;  // reused
    EventObserver observer_;
    EventFilter filter_;
    std::unique_ptr<OutputFile> events_output_;
    std::optional<std::unique_ptr<OutputFile>> next_events_output_;  // prepared by a reload
    ecs::EventJsonWriter event_writer_;
    ecs::EventIdMaker event_ids_;  // one digest context for every event.id of the run
    std::string event_line_;       // reused: one allocation for the whole run
    uint64_t process_events_ = 0;
    uint64_t alerts_ = 0;
    // When the bytes being fed became readable (or the ageing call began): the start of each
    // alert's latency.
    std::chrono::steady_clock::time_point fed_at_;
    LatencyHistogram alert_latency_;
    std::exception_ptr failure_;
    audit::AuditReader reader_;  // last: its callbacks use the members above
};

}  // namespace app
