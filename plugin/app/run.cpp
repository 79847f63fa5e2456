#include "app/run.hpp"

#include <auparse.h>
#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "alert/text.hpp"
#include "app/alert_output.hpp"
#include "app/audit_rules.hpp"
#include "app/input_files.hpp"
#include "app/live_host.hpp"
#include "app/offline_report.hpp"
#include "app/pipeline.hpp"
#include "app/privileges.hpp"
#include "app/progress.hpp"
#include "app/read_pacer.hpp"
#include "app/signals.hpp"
#include "app/time_filter.hpp"
#include "engine/alert_document.hpp"
#include "engine/rule_loader.hpp"
#include "engine/rule_set.hpp"
#include "process/proc_reader.hpp"

namespace app {
namespace {

constexpr std::size_t kReadChunk = 1 << 20;

// The rule paths of this run. A path given that does not exist is a configuration error (a
// typo must not turn into a run that loads nothing and reports "clean").
std::vector<std::string> rule_paths(const Config& config) {
    if (config.rules.empty()) return default_rule_paths();
    for (const std::string& path : config.rules) {
        std::error_code error;
        if (!std::filesystem::exists(path, error)) {
            throw std::runtime_error("--rules " + path + ": no such file or folder");
        }
    }
    return config.rules;
}

std::string_view kind_word(engine::IssueKind kind) {
    return kind == engine::IssueKind::Failed ? "FAILED" : "skipped";
}

// Loads the rules and logs what did not load. A bad rule is skipped; no rule at all is an error
// (throws): an analysis or a plugin without rules would report "clean" while seeing nothing.
engine::LoadResult load_and_report(const Config& config, const engine::ReadRuleFile& read = {}) {
    const std::vector<std::string> paths = rule_paths(config);
    engine::LoadResult result = engine::load_rules(paths, read);
    for (const auto& issue : result.issues) {
        spdlog::warn("rule {} {}{}: {}", kind_word(issue.kind), issue.file,
                     issue.rule_name.empty() ? "" : " (" + issue.rule_name + ")", issue.message);
    }
    spdlog::info("{} rules loaded ({} of them sequences or samples), {} not loaded",
                 result.rules.size() + result.sequences.size(), result.sequences.size(),
                 result.issues.size());
    if (result.rules.empty() && result.sequences.empty()) {
        std::string where;
        for (const std::string& path : paths) where += (where.empty() ? "" : ", ") + path;
        throw std::runtime_error(
            "no rule could be loaded from " +
            (where.empty()
                 ? std::string("the installed rule folders (none found; give --rules PATH)")
                 : where) +
            "; refusing to run without rules");
    }
    return result;
}

int check_rules(const Config& config) {
    const auto paths = rule_paths(config);  // throws for a path that does not exist
    if (paths.empty()) {
        std::cerr << kErrorPrefix << "no rules found (give --rules PATH)\n";
        return 2;
    }
    engine::LoadResult result = engine::load_rules(paths);
    for (const auto& rule : result.rules) {
        std::cout << "loaded  " << rule.info.file << ": " << rule.info.name << '\n';
    }
    for (const auto& rule : result.sequences) {
        std::cout << "loaded  " << rule.info.file << ": " << rule.info.name << " ("
                  << (rule.sequence.is_sample() ? "sample" : "sequence") << ")\n";
    }
    for (const auto& issue : result.issues) {
        std::cout << kind_word(issue.kind) << " " << issue.file;
        if (!issue.rule_name.empty()) std::cout << ": " << issue.rule_name;
        std::cout << ": " << issue.message << '\n';
    }
    std::size_t skipped = 0;
    for (const auto& issue : result.issues) skipped += issue.kind == engine::IssueKind::Skipped;
    std::cout << result.rules.size() + result.sequences.size() << " loaded, " << skipped
              << " skipped, " << result.issues.size() - skipped << " failed\n";
    const bool failed = result.any_failed();
    const engine::RuleSet rules(std::move(result.rules), std::move(result.sequences));
    std::cout << "rule index: " << rules.index_summary() << '\n';
    return failed ? 1 : 0;
}

int print_audit_rules(const Config& config) {
    const auto paths = rule_paths(config);
    if (paths.empty()) {
        std::cerr << kErrorPrefix << "no rules found (give --rules PATH)\n";
        return 2;
    }
    const engine::LoadResult result = engine::load_rules(paths);
    std::cout << format_audit_rules(plan_audit_rules(result.rules, config.audit_rules_root));
    for (const auto& issue : result.issues) {
        std::cout << "## not loaded, so not covered: " << issue.file << ": " << issue.message
                  << '\n';
    }
    return result.any_failed() ? 1 : 0;
}

// Reads one input (plain, gzip or stdin) into the pipeline; a last line without its newline
// is ended so that it does not run into the next file's first line.
// Returns the bytes taken from the file (compressed bytes for gzip).
uint64_t feed_file(const InputFile& input, Pipeline& pipeline, ProgressBar& progress,
                   uint64_t done_before, const OfflineReport& report) {
    InputReader reader(input);
    progress.set_current(input.path);
    char last = '\n';
    for (std::string_view chunk = reader.next(); !chunk.empty(); chunk = reader.next()) {
        pipeline.feed(chunk);
        last = chunk.back();
        progress.update(done_before + reader.raw_bytes(), report.events_seen(), report.alerts());
    }
    if (last != '\n') pipeline.feed("\n");
    return reader.raw_bytes();
}

int run_offline(const Config& config) {
    // Inputs and times first: a typo must not cost a rule load and a half-read file.
    const std::vector<InputFile> inputs = expand_inputs(config.inputs);
    const EventFilter filter(config, real_time_base());
    const auto started = std::chrono::steady_clock::now();

    const bool text = config.alerts_format == "text";
    const bool human = text && is_terminal(STDOUT_FILENO);
    const bool show_summary = config.summary.value_or(human);
    const bool show_tree = config.tree.value_or(human);
    // JSON and CEF keep stdout machine-readable: a requested summary goes to stderr.
    std::ostream& report_out = text ? std::cout : std::cerr;
    if (config.explain && config.alerts_format == "cef") {
        spdlog::warn("--explain is shown with json and text alerts only, not cef");
    }

    uint64_t total = 0;
    for (const InputFile& input : inputs) total += input.size;
    ProgressBar progress(config.progress.value_or(is_terminal(STDERR_FILENO)), STDERR_FILENO,
                         total);
    // Text alerts on the terminal the bar is drawn on must not land at the end of the bar.
    const bool clear_for_alerts = progress.enabled() && is_terminal(STDOUT_FILENO);

    engine::LoadResult loaded = load_and_report(config);
    AlertOutput alerts(config, /*live=*/false);
    OfflineReport report;
    Pipeline* pipeline_ptr = nullptr;
    // One alert, single-event or sequence: the report, then the sinks, with --explain lines
    // (`explain` is only called when asked for) in the document (json) or after it (text).
    auto raise = [&](const ecs::Event& last, const engine::RuleInfo& rule, auto&& emit,
                     auto&& explain) {
        report.on_alert(last, rule, pipeline_ptr->table());
        if (clear_for_alerts) progress.clear();
        if (!config.explain) {
            emit(nullptr);
            return;
        }
        std::vector<std::string> why = explain();
        for (std::string& line : why) line = one_line(line);
        const bool shown = emit(config.alerts_format == "json" ? &why : nullptr);
        if (shown && text) {
            for (const std::string& line : why) {
                std::cout << "    explain: " << alert::text::neutralise(line) << '\n';
            }
            std::cout.flush();
        }
    };
    Pipeline pipeline(config,
                      engine::RuleSet(std::move(loaded.rules), std::move(loaded.sequences),
                                      config.sequence_options()),
                      [&](const ecs::Event& event, const engine::LoadedRule& rule) {
                          raise(
                              event, rule.info,
                              [&](const std::vector<std::string>* why) {
                                  return alerts.emit(event, rule.info, why);
                              },
                              [&] { return rule.query.explain(event); });
                      });
    pipeline_ptr = &pipeline;
    pipeline.set_sequence_handler([&](const engine::SequenceAlert& alert) {
        raise(
            alert.last_event(), alert.rule->info,
            [&](const std::vector<std::string>* why) { return alerts.emit(alert, why); },
            [&] { return engine::explain_sequence(alert); });
    });
    pipeline.set_event_observer(
        [&](const ecs::Event& event) { alerts.expire(event.timestamp_us); });
    // Every event reaches the table (parent context before --since stays right); only those
    // inside the window are output and evaluated.
    pipeline.set_event_filter([&](const ecs::Event& event) {
        const bool admitted = filter.admits(event);
        report.on_event(event, admitted);
        return admitted;
    });

    uint64_t done = 0;
    for (const InputFile& input : inputs) {
        spdlog::debug("reading {}", input.path);
        const audit::LineFilterStats before = pipeline.stats().reader.lines;
        done += feed_file(input, pipeline, progress, done, report);
        const audit::LineFilterStats after = pipeline.stats().reader.lines;
        // A file of something else (the wrong file, a JSON export) must not pass for a quiet log.
        if (after.lines > before.lines && after.records() == before.records()) {
            throw std::runtime_error(
                input.path + ": none of its " + std::to_string(after.lines - before.lines) +
                " lines is an audit record; expected audit.log lines (type=SYSCALL "
                "msg=audit(1700000000.123:456): ..., with or without node=), auditd's plugin "
                "stream, records forwarded by syslog (Feb  6 17:42:49 host audispd: type=...) or "
                "the kernel's audit lines (audit: type=1300 audit(1700000000.123:456): ... from "
                "dmesg or journalctl -k)");
        }
    }
    pipeline.finish();
    alerts.finish();
    progress.finish();
    spdlog::info("{}", pipeline.stats_line());

    RunFacts facts;
    facts.files = inputs.size();
    facts.bytes = done;
    facts.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    facts.filtered = filter.active();
    facts.outputs = alerts.sink_counters();
    if (const OutputFileStats* events = pipeline.events_output_stats()) {
        facts.outputs.emplace_back("events " + *config.events_output,
                                   "written " + std::to_string(events->written) + ", dropped " +
                                       std::to_string(events->dropped) + ", write errors " +
                                       std::to_string(events->write_errors));
    }
    if (show_summary) report.write_summary(report_out, pipeline.stats(), facts);
    if (show_tree) report.write_trees(report_out);
    report_out.flush();
    return config.fail_on_alert && report.alerts() > 0 ? 1 : 0;
}

std::optional<std::string> kernel_release() {
    struct utsname names {};
    if (uname(&names) != 0) return std::nullopt;
    return std::string(names.release);
}

// libauparse keeps one EOE timeout for the whole process; plugin mode sets it at start and on
// every reload.
void set_eoe_timeout(const Config& config) {
    auparse_set_eoe_timeout(static_cast<time_t>(config.eoe_timeout_seconds));
}

// host.name and host.id of this machine, unless the configuration sets them: so a reload that
// drops a --host-name setting goes back to the machine's own name.
void fill_live_identity(Config& config) {
    if (!config.host_name) config.host_name = this_host_name();
    if (!config.host_id) config.host_id = this_machine_id();
}

// Plugin mode as root reads each rule file through the descriptor its ownership checks were
// made on (the path checks below name every problem up front; this closes the gap between them
// and the read).
engine::ReadRuleFile plugin_rule_reader() {
    if (::geteuid() != 0) return {};
    return [](const std::string& path) {
        TrustedText read = read_trusted_file(path);
        if (!read.problem.empty()) return engine::FileText{{}, "refused: " + read.problem};
        return engine::FileText{std::move(read.text), {}};
    };
}

// Plugin mode runs as root: config and rule files a non-root user could change are refused.
std::vector<std::string> unsafe_plugin_inputs(const Config& config) {
    if (::geteuid() != 0) return {};
    std::vector<std::string> paths = rule_paths(config);
    if (config.config_file) paths.push_back(*config.config_file);
    return insecure_inputs(paths);
}

// Plugin mode reads what auditd writes to a pipe. A terminal is a user who meant offline analysis
// (say so instead of waiting silently); a regular file works, but is read as live input.
void check_plugin_stdin() {
    if (is_terminal(STDIN_FILENO)) {
        throw std::runtime_error(
            "no --input given, and stdin is a terminal: without --input audisp-eql runs as an "
            "auditd plugin and reads auditd's event stream on stdin (auditd starts it from "
            "/etc/audit/plugins.d). To analyse a log, use --input FILE (see --help)");
    }
    struct stat status {};
    if (::fstat(STDIN_FILENO, &status) == 0 && S_ISREG(status.st_mode)) {
        spdlog::warn(
            "stdin is a file: reading it in plugin mode, so parents missing from it are taken "
            "from this machine's /proc and names from its user database; for a log from "
            "elsewhere, use --input FILE (or --input - for stdin)");
    }
}

// One step of reading auditd's pipe, shared by the main loop and the drain after a stop, which
// differ only in what they do with each outcome.
struct StdinRead {
    enum class Outcome { data, quiet, interrupted, end, failed };
    Outcome outcome = Outcome::quiet;
    std::size_t bytes = 0;                            // Outcome::data: read into the buffer
    std::chrono::steady_clock::time_point read_at{};  // Outcome::data: when the read began
    int error = 0;                                    // Outcome::failed: errno
    const char* call = "";                            // Outcome::failed: the call that failed
};

// Waits up to timeout_ms for stdin to be readable, then reads what is there into `buffer`.
StdinRead read_stdin(std::vector<char>& buffer, int timeout_ms) {
    using Outcome = StdinRead::Outcome;
    pollfd input{STDIN_FILENO, POLLIN, 0};
    const int ready = ::poll(&input, 1, timeout_ms);
    if (ready < 0) {
        if (errno == EINTR) return {Outcome::interrupted};
        return {Outcome::failed, 0, {}, errno, "poll on stdin"};
    }
    if (ready == 0) return {Outcome::quiet};
    const auto read_at = std::chrono::steady_clock::now();
    const ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) return {Outcome::interrupted};
        return {Outcome::failed, 0, {}, errno, "read from stdin"};
    }
    if (n == 0) return {Outcome::end};
    return {Outcome::data, static_cast<std::size_t>(n), read_at};
}

// auditd stops its plugins with SIGTERM, and what it wrote before is still in the pipe (a burst
// can be seconds of events behind): read and evaluate it, until the end of input, nothing more
// for 100 ms, or 2 s in all, so that no event auditd handed over is dropped unread.
std::size_t drain_after_stop(Pipeline& pipeline, std::vector<char>& buffer) {
    using Outcome = StdinRead::Outcome;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    constexpr int kQuietMs = 100;
    std::size_t drained = 0;
    while (std::chrono::steady_clock::now() < give_up) {
        const StdinRead got = read_stdin(buffer, kQuietMs);
        if (got.outcome == Outcome::interrupted) continue;
        if (got.outcome == Outcome::failed) {
            spdlog::warn("after the stop signal: {}: {}", got.call, std::strerror(got.error));
        }
        if (got.outcome != Outcome::data) break;
        drained += got.bytes;
        pipeline.feed(std::string_view(buffer.data(), got.bytes), got.read_at);
    }
    return drained;
}

int run_live(Config config) {
    check_plugin_stdin();
    install_signal_handlers();
    set_eoe_timeout(config);
    fill_live_identity(config);

    if (const auto unsafe = unsafe_plugin_inputs(config); !unsafe.empty()) {
        for (const auto& problem : unsafe) spdlog::critical("refusing {}", problem);
        throw std::runtime_error("config or rule files could be changed by non-root users");
    }

    PasswdNames names;
    process::ProcReader proc;
    engine::LoadResult loaded = load_and_report(config, plugin_rule_reader());
    // Behind a pointer: a reload swaps in outputs built from the new configuration.
    auto alerts = std::make_unique<AlertOutput>(config, /*live=*/true);
    Pipeline pipeline(
        config,
        engine::RuleSet(std::move(loaded.rules), std::move(loaded.sequences),
                        config.sequence_options()),
        [&](const ecs::Event& event, const engine::LoadedRule& rule) {
            alerts->emit(event, rule.info);
        },
        LiveServices{&names, &proc, kernel_release()});
    pipeline.set_sequence_handler([&](const engine::SequenceAlert& alert) { alerts->emit(alert); });
    pipeline.set_event_observer(
        [&](const ecs::Event& event) { alerts->expire(event.timestamp_us); });
    const std::size_t seeded = proc.seed(pipeline.table(), config.host_name.value_or(""));
    spdlog::info("plugin mode: {} running processes seeded from /proc", seeded);
    const PrivilegeReport dropped = drop_privileges();
    if (dropped.had_capabilities) {
        spdlog::info("capabilities dropped; kept: {}{}", dropped.kept,
                     dropped.bounding_set_cleared ? " (bounding set cleared)" : "");
    }

    std::vector<char> buffer(kReadChunk);
    // auditd writes each record as the kernel delivers it, about a dozen per exec. While they
    // come densely, a wakeup per record would cost more CPU than the records' work (a context
    // switch each: README "Live, under the real auditd"); sparse input is read at once.
    ReadPacer pacer(config.read_pacing());
    const auto stats_line = [&] {
        return pipeline.stats_line() + " " + pacer.stats_text() + " " + alerts->stats_line();
    };
    auto last_stats = std::chrono::steady_clock::now();
    for (;;) {
        const SignalState signals = take_signals();
        if (signals.stop) {
            const std::size_t drained = drain_after_stop(pipeline, buffer);
            spdlog::info("stopping on signal ({} bytes read after it)", drained);
            break;
        }
        if (signals.reload) {
            reload(config, pipeline, alerts);
            pacer.set_settings(config.read_pacing());
        }
        if (signals.dump) spdlog::info("stats: {}", stats_line());
        if (config.stats_interval_seconds > 0 &&
            std::chrono::steady_clock::now() - last_stats >
                std::chrono::seconds(config.stats_interval_seconds)) {
            spdlog::info("stats: {}", stats_line());
            last_stats = std::chrono::steady_clock::now();
        }
        // While input is dense, wait for the next read's slot before polling, not after: then
        // the input is there when poll() is called, and the wait is the only wakeup of the read
        // (polling first, then waiting, made two). Data arriving meanwhile would have waited for
        // the slot anyway. What came during the wait counts its alert latency from the wait's
        // start; if nothing came, the loop goes round to poll without a wait.
        auto readable_at = std::chrono::steady_clock::now();
        const auto wait = pacer.wait_before_read(readable_at);
        const bool waited = wait.count() > 0;
        if (waited) std::this_thread::sleep_for(wait);
        const StdinRead got = read_stdin(buffer, waited ? 0 : 1000);
        using Outcome = StdinRead::Outcome;
        if (got.outcome == Outcome::failed) {
            throw std::system_error(got.error, std::generic_category(), got.call);
        }
        if (got.outcome == Outcome::interrupted) continue;
        if (got.outcome == Outcome::quiet) {
            // Nothing arrived for a second: complete events that never got their last record.
            // Only when idle: ageing compares event time with the clock, so ageing after every
            // read would cut in half the events of a plugin that has fallen behind.
            if (!waited) pipeline.age_events();
            continue;
        }
        if (got.outcome == Outcome::end) {
            spdlog::info("end of input from auditd");
            break;
        }
        if (!waited) readable_at = got.read_at;
        pacer.on_read(got.read_at, got.bytes == buffer.size());
        pipeline.feed(std::string_view(buffer.data(), got.bytes), readable_at);
    }
    pipeline.finish();
    alerts->finish();
    spdlog::info("stats: {}", stats_line());
    return 0;
}

}  // namespace

void reload(Config& config, Pipeline& pipeline, std::unique_ptr<AlertOutput>& alerts) {
    // Build the whole new runtime to one side (configuration, rules, outputs); swap it in only
    // if every part of it is whole. Errors go to the log, which in plugin mode is syslog.
    spdlog::info("reloading configuration and rules");
    const auto keep_old = [](const std::string& why) {
        spdlog::error("reload failed: {}; keeping the previous configuration and rules", why);
    };
    try {
        Config fresh = config;
        if (!config.command_line.empty()) {
            // The same command line again: it re-reads the config file, and its own options
            // still win over the file's.
            std::vector<const char*> argv{"audisp-eql"};
            for (const auto& arg : config.command_line) argv.push_back(arg.c_str());
            ParsedCommandLine parsed =
                parse_command_line(static_cast<int>(argv.size()), argv.data());
            if (parsed.exit_code) {
                keep_old("invalid configuration: " + parsed.error);
                return;
            }
            fresh = std::move(parsed.config);
        }
        if (!fresh.live()) {
            keep_old("the configuration now names --input; plugin mode cannot switch to offline");
            return;
        }
        fill_live_identity(fresh);
        if (const auto unsafe = unsafe_plugin_inputs(fresh); !unsafe.empty()) {
            for (const auto& problem : unsafe) spdlog::error("reload: refusing {}", problem);
            keep_old("config or rule files could be changed by non-root users");
            return;
        }
        engine::LoadResult loaded = engine::load_rules(rule_paths(fresh), plugin_rule_reader());
        if (loaded.any_failed() || (loaded.rules.empty() && loaded.sequences.empty())) {
            for (const auto& issue : loaded.issues) {
                spdlog::error("reload: rule {} {}: {}", kind_word(issue.kind), issue.file,
                              issue.message);
            }
            keep_old(loaded.any_failed() ? "a rule is broken" : "no rule could be loaded");
            return;
        }
        auto fresh_alerts = std::make_unique<AlertOutput>(fresh, /*live=*/true);
        pipeline.prepare_events_output(fresh);  // opens a new path before anything is swapped

        // Commit: nothing below throws for a bad configuration.
        alerts->finish();  // the old throttle's summaries, the old queues drained
        fresh_alerts->continue_counts(*alerts);
        alerts = std::move(fresh_alerts);
        spdlog::info("reload: {} rules loaded", loaded.rules.size() + loaded.sequences.size());
        pipeline.replace_rules(engine::RuleSet(std::move(loaded.rules), std::move(loaded.sequences),
                                               fresh.sequence_options()));
        pipeline.commit_events_output();
        pipeline.apply_settings(fresh);
        set_eoe_timeout(fresh);
        spdlog::set_level(spdlog::level::from_str(fresh.log_level));
        config = std::move(fresh);
        spdlog::info(
            "reload: configuration applied (alerts to {}; format {}; throttle {})",
            config.alerts_outputs.empty()
                ? std::string("syslog")
                : config.alerts_outputs.front() + (config.alerts_outputs.size() > 1 ? ", ..." : ""),
            config.alerts_format, config.effective_throttle_alerts());
    } catch (const std::exception& error) {
        keep_old(error.what());
    }
}

int run(const Config& config) {
    try {
        if (config.check_rules) return check_rules(config);
        if (config.print_audit_rules) return print_audit_rules(config);
        if (config.live()) return run_live(config);
        return run_offline(config);
    } catch (const std::exception& error) {
        // Plugin mode: through the logger, which also reaches syslog (auditd gives plugins no
        // stderr). Otherwise as every usage error: one line on stderr.
        if (config.live() && !config.check_rules && !config.print_audit_rules) {
            spdlog::critical("{}", error.what());
        } else {
            std::cerr << kErrorPrefix << error.what() << '\n';
        }
        return 2;
    }
}

}  // namespace app
