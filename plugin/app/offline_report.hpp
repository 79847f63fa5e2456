// What a responder reads at the end of an offline run: a summary table (alerts by rule, host
// and user; events by kind, malformed lines, parent-context coverage) and, for each alert, the
// process tree around it: the ancestors as the process table knew them when the alert fired, and
// the children (and their children) the alerting process started later in the log, with the file
// and network activity of each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "app/pipeline.hpp"
#include "ecs/event.hpp"
#include "engine/rule.hpp"
#include "process/process_table.hpp"

namespace app {

struct TreeNode {
    int64_t pid = -1;
    std::string command_line;  // or the name/executable when the args are unknown
    std::size_t depth = 0;     // descendants: 1 = child of the alerting process
    std::string note;  // "fork" (not exec'd yet), "exec" (exec'd in place), "file", "network"
};

struct AlertRecord {
    int64_t timestamp_us = 0;
    uint64_t serial = 0;
    std::string rule;
    std::string severity;
    std::string host;  // "" when the log has no node=
    std::string user;
    std::vector<TreeNode> ancestors;  // oldest first, as the table knew them at alert time
    TreeNode self;
    std::vector<TreeNode> descendants;  // in log order, depth-first as they appeared
    bool descendants_cut = false;       // more than kMaxDescendants were seen
};

// What run_offline knows besides the pipeline's counters.
struct RunFacts {
    std::size_t files = 0;
    uint64_t bytes = 0;
    double seconds = 0;
    bool filtered = false;  // --since/--until/--host were given
    // One line per output (alert sinks, events output) with its delivery counters.
    std::vector<std::pair<std::string, std::string>> outputs;
};

class OfflineReport {
  public:
    static constexpr std::size_t kMaxTrees = 200;
    static constexpr std::size_t kMaxDescendants = 64;

    // Every event, after the process table has learnt from it; `admitted`: inside the
    // --since/--until/--host window.
    void on_event(const ecs::Event& event, bool admitted);
    // An alert (before throttling): counted, and its tree started from the table's ancestors.
    void on_alert(const ecs::Event& event, const engine::RuleInfo& rule,
                  const process::ProcessTable& table);

    uint64_t alerts() const noexcept { return alerts_; }
    uint64_t events_seen() const noexcept { return admitted_ + outside_; }
    const std::vector<AlertRecord>& records() const noexcept { return records_; }

    void write_summary(std::ostream& out, const PipelineStats& stats, const RunFacts& facts) const;
    void write_trees(std::ostream& out) const;

  private:
    struct Watch {
        std::size_t record;
        std::size_t depth;
    };
    struct RuleCount {
        std::string severity;
        uint64_t count = 0;
    };
    using Key = std::pair<uint32_t, int64_t>;  // host (host_key), pid
    struct KeyHash {
        std::size_t operator()(const Key& key) const noexcept;
    };

    // The event's host name as a small number: every event looks up the watched processes, and
    // hashing a name (and copying it into the key) cost more than the look-ups themselves.
    uint32_t host_key(const ecs::Event& event);
    void add_descendant(const ecs::Event& event, uint32_t host, int64_t pid,
                        const Watch& parent_watch);

    uint64_t alerts_ = 0;
    uint64_t admitted_ = 0;
    uint64_t outside_ = 0;
    uint64_t context_table_ = 0;
    uint64_t context_proc_ = 0;
    uint64_t context_syscall_ = 0;  // parent known from its own SYSCALL record only
    uint64_t context_missing_ = 0;
    std::map<std::string, RuleCount> by_rule_;
    std::map<std::string, uint64_t> by_host_;
    std::map<std::string, uint64_t> by_kind_;  // admitted events by event.category
    std::map<std::string, uint64_t> by_user_;
    std::vector<AlertRecord> records_;
    std::unordered_map<Key, std::vector<Watch>, KeyHash> watched_;
    std::unordered_map<std::string, uint32_t> host_keys_;
    // Hosts are few and consecutive events nearly always share one: the last one is kept.
    std::optional<std::string> last_host_;
    uint32_t last_host_key_ = 0;
};

// An --explain line on one line: a query written over several lines has each line break and
// the indentation around it turned into one space (values are already escaped by explain()).
std::string one_line(std::string_view text);

// A command line for a terminal: escaped (no escape sequences obeyed) and cut at max_bytes.
std::string visible_command(std::string_view text, std::size_t max_bytes = 240);

}  // namespace app
