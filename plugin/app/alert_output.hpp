// Where alerts go: builds the ECS alert document once per match and hands it to every
// configured sink (stdout/file NDJSON, syslog, udp, tcp), in the configured format.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "alert/sink.hpp"
#include "alert/throttle.hpp"
#include "app/config.hpp"
#include "ecs/event.hpp"
#include "engine/rule.hpp"
#include "engine/rule_set.hpp"

namespace app {

class AlertOutput {
  public:
    // live: plugin mode, whose default sink is syslog; offline defaults to stdout.
    AlertOutput(const Config& config, bool live);

    // Returns false when the throttle held the alert back (or it could not be built).
    // explain (--explain): added to the document as an "explain" array of strings.
    bool emit(const ecs::Event& event, const engine::RuleInfo& rule,
              const std::vector<std::string>* explain = nullptr) noexcept;
    // A completed sequence or sample: one document listing its events (sequence.events).
    bool emit(const engine::SequenceAlert& alert,
              const std::vector<std::string>* explain = nullptr) noexcept;
    // Closes throttle windows that ended before `event_time_us` and sends their summaries, so
    // a rule that went quiet still reports what it suppressed. Called for every event.
    void expire(int64_t event_time_us) noexcept;
    void reopen();
    void finish();
    std::string stats_line() const;
    // After a reload: the totals of the stats line go on from the outputs this one replaces
    // (per-sink counters start again: the sinks are new).
    void continue_counts(const AlertOutput& previous);
    // Per sink: its name and "sent N, dropped N, queued N, errors N, reconnects N, truncated N".
    std::vector<std::pair<std::string, std::string>> sink_counters() const;

  private:
    void deliver(const alert::Alert& built) noexcept;
    template <typename BuildAlert>
    bool emit_built(const std::string& rule_name, BuildAlert&& build,
                    const std::vector<std::string>* explain) noexcept;

    std::vector<std::unique_ptr<alert::AlertSink>> sinks_;
    alert::Throttle throttle_;
    std::vector<alert::Alert> summaries_;  // reused: summaries due before the next alert
    uint64_t emitted_ = 0;
    uint64_t failed_ = 0;             // alerts that could not even be built
    uint64_t suppressed_before_ = 0;  // by the throttles of outputs this one replaced
    uint64_t summaries_before_ = 0;
};

}  // namespace app
