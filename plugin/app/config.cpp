#include "app/config.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "alert/sink.hpp"
#include "app/privileges.hpp"
#include "app/time_filter.hpp"
#include "util/file_text.hpp"

#ifndef AUDISP_EQL_VERSION
#define AUDISP_EQL_VERSION "0"
#endif

namespace app {
namespace po = boost::program_options;

namespace {

// Whether this run will be the plugin, as far as the command line tells before the config file
// is read: no --input and no one-shot mode.
bool plugin_mode_command_line(const po::variables_map& command_line) {
    return command_line.count("input") == 0U && !command_line["check-rules"].as<bool>() &&
           !command_line["print-audit-rules"].as<bool>();
}

// The plugin as root reads its config file only if root alone can have written it, through the
// descriptor those checks were made on (app/privileges); anything else reads it plainly.
std::string read_config_text(const std::string& path, bool trusted_only) {
    if (trusted_only) {
        TrustedText read = read_trusted_file(path);
        if (!read.problem.empty()) {
            throw std::runtime_error("--config " + path + ": refusing it: " + read.problem);
        }
        return std::move(read.text);
    }
    std::optional<std::string> text = util::read_file_text(path);
    if (!text) throw std::runtime_error("--config " + path + ": cannot read the file");
    return std::move(*text);
}

// A setting whose default is what Config holds before parsing: named once, so the two cannot
// drift apart.
template <typename T>
po::typed_value<T>* defaulted(T& setting) {
    return po::value(&setting)->default_value(setting);
}

po::options_description file_options(Config& c) {
    po::options_description options("Settings (command line or config file)");
    // clang-format off
    options.add_options()
        ("input,i", po::value(&c.inputs)->multitoken(),
         "audit.log files or glob patterns to analyse ('-' for stdin; gzip is read directly; "
         "rotated logs are read oldest first); without it, read the auditd plugin stream on "
         "stdin")
        ("since", po::value<std::vector<std::string>>()->multitoken(),
         "offline: evaluate events at or after this time (ausearch forms: YYYY-MM-DD "
         "[HH:MM:SS], MM/DD/YYYY [HH:MM:SS], HH:MM:SS, @EPOCH, now, recent, boot, today, "
         "yesterday, this-hour, this-week, week-ago, this-month, this-year)")
        ("until", po::value<std::vector<std::string>>()->multitoken(),
         "offline: evaluate events at or before this time (same forms)")
        ("only-host", po::value(&c.hosts)->composing(),
         "offline: evaluate only events of this host: its node= name, or the syslog host of "
         "forwarded records (repeatable; case-insensitive; --host is an old name of it)")
        ("explain", po::bool_switch(&c.explain),
         "with each alert, the query's conditions and the field values they saw (text: lines "
         "after the alert; json: an \"explain\" array)")
        ("fail-on-alert", po::bool_switch(&c.fail_on_alert),
         "offline: exit with status 1 when any alert was raised")
        ("rules,r", po::value(&c.rules)->multitoken(),
         "rule file or folder of *.toml rules (repeatable); default: the installed rules")
        ("events-output", po::value<std::string>(),
         "write every process event as NDJSON to FILE ('-' for stdout)")
        ("alerts-output", po::value(&c.alerts_outputs)->multitoken(),
         "alert sink (repeatable): '-', FILE, syslog, udp://HOST:PORT, tcp://HOST:PORT; "
         "default: '-' with --input, syslog in plugin mode")
        ("alerts-format", defaulted(c.alerts_format), "json | cef | text")
        ("syslog-facility", defaulted(c.syslog_facility), "facility of syslog alerts")
        ("syslog-ident", defaulted(c.syslog_ident), "ident (APP-NAME) of syslog alerts")
        ("alert-max-bytes", defaulted(c.alert_max_bytes),
         "alerts longer than this are truncated, with a marker (0: 8000 for syslog, 1 MiB for files)")
        ("syslog-tcp-framing", defaulted(c.syslog_tcp_framing),
         "tcp:// alerts: octet-counting (RFC 6587 3.4.1) or newline (3.4.2: Splunk raw TCP, "
         "Logstash, Beats, fluentd)")
        ("syslog-udp-max-bytes", defaulted(c.syslog_udp_max_bytes),
         "udp:// alerts: largest datagram; longer alerts are cut, identity fields kept "
         "(2048..65507; default 2048, what RFC 5426 asks every receiver to accept)")
        ("syslog-sd-id", defaulted(c.syslog_sd_id),
         "udp:// and tcp:// alerts: SD-ID of the alert parameters, NAME@ENTERPRISE-NUMBER")
        ("syslog-utf8-bom", po::bool_switch(&c.syslog_utf8_bom),
         "udp:// and tcp:// alerts: start MSG with a UTF-8 BOM (RFC 5424 6.4; many SIEMs keep "
         "it as text)")
        ("sink-queue", defaulted(c.sink_queue),
         "alerts a network sink holds while its collector is down")
        ("throttle-alerts", po::value<uint32_t>(),
         "alerts per rule and user (real uid) per window before suppression (0: no limit); "
         "default: 100 in plugin mode, no limit with --input")
        ("throttle-window", defaulted(c.throttle_window_seconds), "throttle window in seconds")
        ("include-failed", po::bool_switch(&c.include_failed),
         "also emit failed execs and file syscalls (event.outcome=failure)")
        ("max-processes", defaulted(c.max_processes),
         "process table capacity (least recently used evicted)")
        ("max-process-bytes", defaulted(c.max_process_bytes),
         "memory the process table's entries may hold, in bytes (least recently used evicted)")
        ("max-line-bytes", defaulted(c.max_line_bytes),
         "longer input lines are counted as malformed and skipped")
        ("eoe-timeout", defaulted(c.eoe_timeout_seconds),
         "plugin mode: seconds before an event without its end is completed")
        ("read-burst", defaulted(c.read_burst),
         "plugin mode: reads of auditd's pipe taken back to back before pacing starts (1..1000)")
        ("read-interval-us", defaulted(c.read_interval_us),
         "plugin mode: then one read per this many microseconds on average, the longest a read "
         "waits (0..100000; 0: every read at once)")
        ("sequence-reorder-ms", defaulted(c.sequence_reorder_ms),
         "sequence rules: milliseconds of event time events wait to be put in time order "
         "(audit records are not always written in it); 0: arrival order")
        ("max-sequence-keys", defaulted(c.max_sequence_keys),
         "sequence rules: join keys with pending state per rule (beyond: least recently used "
         "dropped, those not past the first stage first)")
        ("max-sequence-bytes", defaulted(c.max_sequence_bytes),
         "sequence rules: bytes of pending state per rule (same policy)")
        ("max-sequence-total-bytes", defaulted(c.max_sequence_total_bytes),
         "sequence rules: bytes of pending state of all rules together (the rule holding the "
         "most gives up a key)")
        ("host-name", po::value<std::string>(), "host.name for events without node= (plugin mode: "
         "default this host's name)")
        ("host-id", po::value<std::string>(), "host.id of every event (plugin mode: default "
         "/etc/machine-id; offline: default the node= name, else --host-name, else \"unknown\")")
        ("pin-created", po::value<int64_t>(), "event.created of every event, in seconds since the "
         "epoch, instead of the clock (reproducible output: tests, golden files)")
        ("log-level", defaulted(c.log_level),
         "trace | debug | info | warn | error | critical | off (diagnostics on stderr)")
        ("stats-interval", defaulted(c.stats_interval_seconds),
         "plugin mode: log a stats line every N seconds (0: only on SIGUSR1)");
    // clang-format on
    return options;
}

// Old names still accepted (command line and config file), not shown in --help.
po::options_description alias_options() {
    po::options_description options("Aliases");
    options.add_options()("host", po::value<std::vector<std::string>>()->composing(),
                          "old name of --only-host");
    return options;
}

// Boost reads "-1" into an unsigned setting as its largest value, which would silently mean
// "unbounded"; numbers given with a sign are refused instead.
void reject_signed_numbers(const po::parsed_options& parsed) {
    static const char* const kUnsigned[] = {
        "alert-max-bytes",     "sink-queue",
        "throttle-alerts",     "syslog-udp-max-bytes",
        "throttle-window",     "max-processes",
        "max-process-bytes",   "max-line-bytes",
        "eoe-timeout",         "stats-interval",
        "sequence-reorder-ms", "max-sequence-keys",
        "max-sequence-bytes",  "max-sequence-total-bytes",
        "read-burst",          "read-interval-us",
    };
    for (const po::option& option : parsed.options) {
        if (std::find(std::begin(kUnsigned), std::end(kUnsigned), option.string_key) ==
            std::end(kUnsigned)) {
            continue;
        }
        for (const std::string& value : option.value) {
            const std::size_t first = value.find_first_not_of(" \t");
            if (first == std::string::npos || value[first] < '0' || value[first] > '9') {
                throw std::invalid_argument("--" + option.string_key +
                                            " takes a whole number >= 0, not '" + value + "'");
            }
        }
    }
}

}  // namespace

ParsedCommandLine parse_command_line(int argc, const char* const* argv) {
    ParsedCommandLine parsed;
    Config& c = parsed.config;

    po::options_description command_only("Command line only");
    std::string config_path;
    // clang-format off
    command_only.add_options()
        ("help,h", "show this help and exit")
        ("version,V", "show the version and exit")
        ("config,c", po::value(&config_path), "read settings from this file")
        ("check-rules", po::bool_switch(&c.check_rules),
         "load the rules, print one line per rule (loaded, or skipped and why), exit non-zero "
         "if any failed")
        ("print-audit-rules", po::bool_switch(&c.print_audit_rules),
         "print the kernel audit rules (watches, syscall rules) the loaded rules need, "
         "commented with the rules that need each line, and exit")
        ("audit-rules-root", po::value(&c.audit_rules_root),
         "with --print-audit-rules: the root the watched paths are under (a chroot or "
         "container; default /)")
        ("summary", "offline: print the summary table at the end (default: with text alerts "
         "on a terminal)")
        ("no-summary", "offline: never print the summary")
        ("tree", "offline: print the process tree of each alert at the end (default: with "
         "text alerts on a terminal)")
        ("no-tree", "offline: never print process trees")
        ("progress", "offline: show a progress bar on stderr (default: when stderr is a "
         "terminal)")
        ("no-progress", "offline: never show the progress bar");
    // clang-format on
    po::options_description settings = file_options(c);
    po::options_description all("audisp-eql: Elastic EQL detection rules on Linux audit events");
    all.add(command_only).add(settings);
    const po::options_description aliases = alias_options();
    po::options_description parsed_options;  // what is accepted: all, and the aliases
    parsed_options.add(all).add(aliases);
    po::options_description file_settings;
    file_settings.add(settings).add(aliases);

    try {
        po::variables_map vm;
        const po::parsed_options from_command_line =
            po::command_line_parser(argc, argv).options(parsed_options).run();
        reject_signed_numbers(from_command_line);
        po::store(from_command_line, vm);
        parsed.plugin_mode = plugin_mode_command_line(vm);
        if (vm.count("help") != 0U) {
            std::cout << "Usage: audisp-eql [--input FILE...] [--rules PATH...] [options]\n\n"
                      << all << '\n';
            parsed.exit_code = 0;
            return parsed;
        }
        if (vm.count("version") != 0U) {
            std::cout << "audisp-eql " << AUDISP_EQL_VERSION << '\n';
            parsed.exit_code = 0;
            return parsed;
        }
        if (vm.count("config") != 0U) {
            const std::string path = vm["config"].as<std::string>();
            std::istringstream file(read_config_text(path, parsed.plugin_mode && ::geteuid() == 0));
            // Unknown keys are errors: a misspelt setting must not be silently ignored.
            const po::parsed_options from_file = po::parse_config_file(file, file_settings, false);
            reject_signed_numbers(from_file);
            po::store(from_file, vm);
            c.config_file = path;
        }
        po::notify(vm);
        if (vm.count("host") != 0U) {
            for (const auto& host : vm["host"].as<std::vector<std::string>>())
                c.hosts.push_back(host);
        }
        if (vm.count("events-output") != 0U) {
            c.events_output = vm["events-output"].as<std::string>();
        }
        if (vm.count("host-name") != 0U) c.host_name = vm["host-name"].as<std::string>();
        if (vm.count("host-id") != 0U) c.host_id = vm["host-id"].as<std::string>();
        if (vm.count("pin-created") != 0U) {
            const auto seconds = vm["pin-created"].as<int64_t>();
            if (seconds <= 0 || seconds > INT64_C(253402300799)) {
                throw std::invalid_argument(
                    "--pin-created: expected seconds since the epoch, "
                    "1 to 253402300799 (9999-12-31)");
            }
            c.pinned_created_us = seconds * 1'000'000;
        }
        if (vm.count("throttle-alerts") != 0U)
            c.throttle_alerts = vm["throttle-alerts"].as<uint32_t>();
        // ausearch takes a date and a time as two words: --since 11/22/2026 15:00:00.
        auto joined = [&](const char* name) -> std::optional<std::string> {
            if (vm.count(name) == 0U) return std::nullopt;
            std::string text;
            for (const auto& word : vm[name].as<std::vector<std::string>>()) {
                text += (text.empty() ? "" : " ") + word;
            }
            return text;
        };
        c.since = joined("since");
        c.until = joined("until");
        auto tristate = [&](const char* on, const char* off) -> std::optional<bool> {
            if (vm.count(on) != 0U && vm.count(off) != 0U) {
                throw std::invalid_argument(std::string("--") + on + " and --" + off +
                                            " contradict each other");
            }
            if (vm.count(on) != 0U) return true;
            if (vm.count(off) != 0U) return false;
            return std::nullopt;
        };
        c.summary = tristate("summary", "no-summary");
        c.tree = tristate("tree", "no-tree");
        c.progress = tristate("progress", "no-progress");
        validate(c);
    } catch (const std::exception& error) {
        std::cerr << kErrorPrefix << error.what() << "\n(see audisp-eql --help)\n";
        parsed.exit_code = 2;
        parsed.error = error.what();
    }
    for (int i = 1; i < argc; ++i) c.command_line.emplace_back(argv[i]);
    return parsed;
}

void validate(const Config& c) {
    if (c.alerts_format != "json" && c.alerts_format != "cef" && c.alerts_format != "text") {
        throw std::invalid_argument("--alerts-format must be json, cef or text, not '" +
                                    c.alerts_format + "'");
    }
    static const char* const kLevels[] = {"trace", "debug",    "info", "warn",
                                          "error", "critical", "off"};
    bool level_known = false;
    for (const char* level : kLevels) level_known = level_known || c.log_level == level;
    if (!level_known) {
        throw std::invalid_argument(
            "--log-level must be trace, debug, info, warn, error, critical or off, not '" +
            c.log_level + "'");
    }
    // Upper bounds catch absurd values (a typo with extra digits) before they cost memory.
    if (c.max_processes == 0 || c.max_processes > 10'000'000) {
        throw std::invalid_argument("--max-processes must be 1..10000000");
    }
    if (c.max_process_bytes < 65536 || c.max_process_bytes > (std::size_t{64} << 30)) {
        throw std::invalid_argument("--max-process-bytes must be 65536..68719476736 (64 GiB)");
    }
    if (c.max_line_bytes < 1024 || c.max_line_bytes > (std::size_t{1} << 30)) {
        throw std::invalid_argument("--max-line-bytes must be 1024..1073741824 (1 GiB)");
    }
    if (c.sink_queue == 0 || c.sink_queue > 10'000'000) {
        throw std::invalid_argument("--sink-queue must be 1..10000000");
    }
    if (c.alert_max_bytes != 0 && c.alert_max_bytes < 2048) {
        throw std::invalid_argument("--alert-max-bytes must be 0 (the sink's default) or >= 2048");
    }
    if (c.syslog_tcp_framing != "octet-counting" && c.syslog_tcp_framing != "newline") {
        throw std::invalid_argument(
            "--syslog-tcp-framing must be octet-counting or newline, not '" + c.syslog_tcp_framing +
            "'");
    }
    if (c.syslog_udp_max_bytes < alert::kMinMessageBytes ||
        c.syslog_udp_max_bytes > alert::kMaxUdpBytes) {
        throw std::invalid_argument("--syslog-udp-max-bytes must be 2048..65507");
    }
    try {
        alert::validate_sd_id(c.syslog_sd_id);
    } catch (const std::invalid_argument& error) {
        throw std::invalid_argument(std::string("--syslog-sd-id: ") + error.what());
    }
    if (c.effective_throttle_alerts() > 0 && c.throttle_window_seconds == 0) {
        throw std::invalid_argument("--throttle-window must be at least 1 second");
    }
    if (c.eoe_timeout_seconds == 0) throw std::invalid_argument("--eoe-timeout must be >= 1");
    // A burst beyond an exec's records gains nothing; an interval beyond 0.1 s delays alerts by
    // as much (the plugin's latency target is 10 ms).
    if (c.read_burst == 0 || c.read_burst > 1000) {
        throw std::invalid_argument("--read-burst must be 1..1000, not " +
                                    std::to_string(c.read_burst));
    }
    if (c.read_interval_us > 100'000) {
        throw std::invalid_argument("--read-interval-us must be 0..100000 (0.1 s), not " +
                                    std::to_string(c.read_interval_us));
    }
    // A longer window delays every sequence alert by as much and holds as many events.
    if (c.sequence_reorder_ms > 60'000) {
        throw std::invalid_argument("--sequence-reorder-ms must be 0..60000 (one minute)");
    }
    if (c.max_sequence_keys == 0 || c.max_sequence_keys > 10'000'000) {
        throw std::invalid_argument("--max-sequence-keys must be 1..10000000");
    }
    if (c.max_sequence_bytes < 65536 || c.max_sequence_bytes > (std::size_t{64} << 30)) {
        throw std::invalid_argument("--max-sequence-bytes must be 65536..68719476736 (64 GiB)");
    }
    if (c.max_sequence_total_bytes < c.max_sequence_bytes ||
        c.max_sequence_total_bytes > (std::size_t{64} << 30)) {
        throw std::invalid_argument(
            "--max-sequence-total-bytes must be at least --max-sequence-bytes and at most "
            "68719476736 (64 GiB)");
    }
    // Two writers on one stdout interleave their lines into something neither side can parse.
    const bool alerts_on_stdout = std::find(c.alerts_outputs.begin(), c.alerts_outputs.end(),
                                            "-") != c.alerts_outputs.end() ||
                                  (c.alerts_outputs.empty() && !c.live());
    if (c.events_output == "-" && alerts_on_stdout) {
        throw std::invalid_argument(
            "--events-output - and alerts on stdout would mix two streams on one stdout; send "
            "one of them to a file (--events-output FILE or --alerts-output FILE)");
    }
    std::size_t stdin_inputs = 0;
    for (const auto& input : c.inputs) stdin_inputs += input == "-" ? 1 : 0;
    if (stdin_inputs > 1) throw std::invalid_argument("--input - (stdin) can be given only once");
    if (c.live() && (c.since || c.until || !c.hosts.empty())) {
        throw std::invalid_argument(
            "--since, --until and --only-host need --input (offline analysis)");
    }
    // Throws for unreadable times and an empty window.
    const EventFilter check(c, real_time_base());
    (void)check;
}

engine::SequenceOptions Config::sequence_options() const {
    engine::SequenceOptions options;
    options.reorder_window_us = int64_t{sequence_reorder_ms} * 1000;
    options.limits.max_keys = max_sequence_keys;
    options.limits.max_bytes = max_sequence_bytes;
    options.max_total_bytes = max_sequence_total_bytes;
    return options;
}

std::vector<std::string> default_rule_paths() {
    namespace fs = std::filesystem;
    std::error_code ignored;
    const fs::path self = fs::read_symlink("/proc/self/exe", ignored);
#ifdef AUDISP_EQL_BINARY_DIR
    // Run from the build tree: the source tree's rules, so a developer tests what they edit.
    const std::string build_dir = AUDISP_EQL_BINARY_DIR;
    if (!self.empty() && self.string().starts_with(build_dir + "/")) {
        return {AUDISP_EQL_SOURCE_RULES_DIR};
    }
#endif
    std::vector<std::string> paths;
    for (const char* dir : {AUDISP_EQL_INSTALLED_RULES_DIR, AUDISP_EQL_LOCAL_RULES_DIR}) {
        if (fs::is_directory(dir, ignored)) paths.emplace_back(dir);
    }
    return paths;
}

}  // namespace app
