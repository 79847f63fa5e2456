// Every setting of audisp-eql in one struct, with its default. Filled by Boost.Program_options
// from the command line and the config file (the same names in both); validate() checks it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/read_pacer.hpp"
#include "engine/sequence_options.hpp"
#include "process/process_table.hpp"

namespace app {

struct Config {
    // Input: audit.log files ("-" for stdin), plain or gzip, or glob(3) patterns; rotated
    // logs are put oldest first. None means the auditd plugin stream on stdin.
    std::vector<std::string> inputs;
    std::optional<std::string> config_file;
    // The command line as given (without argv[0]): a SIGHUP reload reads it again together with
    // the config file, so that options given on the command line stay and win.
    std::vector<std::string> command_line;

    // Rules: files or folders of Elastic detection-rules TOML files.
    std::vector<std::string> rules;
    bool check_rules = false;  // load the rules, print one line each, exit
    // Print the audit rules the loaded rules need (watches under audit_rules_root), exit.
    bool print_audit_rules = false;
    std::string audit_rules_root = "/";

    // Outputs.
    std::optional<std::string> events_output;  // NDJSON of every process event
    std::vector<std::string> alerts_outputs;   // sinks: "-", a file, syslog, udp://, tcp://
    std::string alerts_format = "json";        // json | cef | text
    std::string syslog_facility = "authpriv";
    std::string syslog_ident = "audisp-eql";
    // Longer alerts are truncated, marked; 0: each sink's default (8000 bytes for syslog
    // transports, under rsyslog's 8096-byte limit; 1 MiB for files and stdout).
    std::size_t alert_max_bytes = 0;
    std::size_t sink_queue = 10000;  // per network sink, alerts held while it is down
    // RFC 5424 sinks (udp://, tcp://): TCP framing (octet-counting | newline), the largest UDP
    // datagram (RFC 5426's 2048 by default), the SD-ID of the alert parameters, and whether MSG
    // starts with a UTF-8 BOM.
    std::string syslog_tcp_framing = "octet-counting";
    std::size_t syslog_udp_max_bytes = 2048;
    std::string syslog_sd_id = "alert@32473";
    bool syslog_utf8_bom = false;
    // Per rule and real uid per window; 0 disables. Unset: kLiveThrottleAlerts in plugin
    // mode, no throttling offline (--input is forensic: every alert is reported).
    std::optional<uint32_t> throttle_alerts;
    uint32_t throttle_window_seconds = 300;

    // Event building.
    bool include_failed = false;  // also emit failed execs and file syscalls (outcome=failure)
    std::size_t max_processes = process::TableOptions{}.max_entries;
    std::size_t max_process_bytes = process::TableOptions{}.max_bytes;
    std::size_t max_line_bytes = std::size_t{128} * 1024;
    uint32_t eoe_timeout_seconds = 2;
    // Plugin mode's reads of auditd's pipe (app::ReadPacer): this many back to back, then one
    // per interval on average; an interval of 0 reads everything at once.
    uint32_t read_burst = ReadPacer::Settings{}.burst;
    uint32_t read_interval_us = static_cast<uint32_t>(ReadPacer::Settings{}.interval.count());

    // Sequence rules (engine::SequenceOptions): the reorder window and the bounds of their state.
    uint32_t sequence_reorder_ms = 1000;
    std::size_t max_sequence_keys = eql::SequenceLimits{}.max_keys;    // per rule
    std::size_t max_sequence_bytes = eql::SequenceLimits{}.max_bytes;  // per rule
    std::size_t max_sequence_total_bytes = engine::SequenceOptions{}.max_total_bytes;
    std::optional<std::string> host_name;  // overrides the live host name
    std::optional<std::string> host_id;    // host.id (plugin mode: /etc/machine-id)
    // --pin-created: event.created of every event, microseconds since the epoch, instead of the
    // clock (reproducible output for tests and golden files).
    std::optional<int64_t> pinned_created_us;

    // Offline investigation (see time_filter.hpp and offline_report.hpp).
    std::optional<std::string> since;  // evaluate events at or after (ausearch formats)
    std::optional<std::string> until;  // evaluate events at or before
    std::vector<std::string> hosts;    // --only-host: evaluate only events of these node= names
    std::optional<bool> summary;       // unset: on for text alerts when stdout is a terminal
    std::optional<bool> tree;          // unset: same as summary's default
    std::optional<bool> progress;      // unset: on when stderr is a terminal
    bool explain = false;              // add which clauses matched to each alert
    bool fail_on_alert = false;        // exit status 1 when any alert was raised

    // Diagnostics.
    std::string log_level = "info";
    uint32_t stats_interval_seconds = 0;  // periodic stats line in plugin mode; 0: only SIGUSR1

    bool live() const { return inputs.empty(); }
    ReadPacer::Settings read_pacing() const {
        return {std::chrono::microseconds(read_interval_us), read_burst};
    }
    engine::SequenceOptions sequence_options() const;
    // --throttle-alerts as it applies to this run (see throttle_alerts).
    uint32_t effective_throttle_alerts() const {
        return throttle_alerts.value_or(live() ? kLiveThrottleAlerts : 0);
    }
    static constexpr uint32_t kLiveThrottleAlerts = 100;
};

// Every fatal error audisp-eql prints on stderr starts so: "audisp-eql: error: " and then what is
// wrong, naming the option or file first ("--log-level must be ..., not 'x'").
inline constexpr const char* kErrorPrefix = "audisp-eql: error: ";

// Result of reading the command line: a config, or an exit (help, version, or a usage error).
struct ParsedCommandLine {
    Config config;
    std::optional<int> exit_code;  // set when the program should exit now
    std::string error;             // the usage error, when exit_code is 2
    // The command line asks for plugin mode (no --input, no one-shot mode): then a usage error
    // must also reach syslog, as auditd gives plugins no stderr.
    bool plugin_mode = false;
};

// Reads argv, then the config file named by --config (command line wins). Prints help and
// usage errors itself.
ParsedCommandLine parse_command_line(int argc, const char* const* argv);

// Checks values and combinations; throws std::invalid_argument with a readable message.
void validate(const Config& config);

// The rules used when none are given: the installed folders, or the source tree's rules/ when
// run from the build tree.
std::vector<std::string> default_rule_paths();

}  // namespace app
