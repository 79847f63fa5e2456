#include "app/run.hpp"

#include <auparse.h>
#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "app/alert_output.hpp"
#include "app/live_host.hpp"
#include "app/pipeline.hpp"
#include "app/privileges.hpp"
#include "app/signals.hpp"
#include "engine/rule_loader.hpp"
#include "process/proc_reader.hpp"

namespace app {
namespace {

constexpr std::size_t kReadChunk = 1 << 20;

std::vector<std::string> rule_paths(const Config& config) {
    return config.rules.empty() ? default_rule_paths() : config.rules;
}

std::string_view kind_word(engine::IssueKind kind) {
    return kind == engine::IssueKind::Failed ? "FAILED" : "skipped";
}

// Loads the rules and logs what did not load. Never throws for a bad rule.
engine::LoadResult load_and_report(const Config& config) {
    engine::LoadResult result = engine::load_rules(rule_paths(config));
    for (const auto& issue : result.issues) {
        spdlog::warn("rule {} {}{}: {}", kind_word(issue.kind), issue.file,
                     issue.rule_name.empty() ? "" : " (" + issue.rule_name + ")", issue.message);
    }
    spdlog::info("{} rules loaded, {} not loaded", result.rules.size(), result.issues.size());
    return result;
}

int check_rules(const Config& config) {
    const auto paths = rule_paths(config);
    if (paths.empty()) {
        std::cerr << "audisp-eql: no rules found (give --rules PATH)\n";
        return 2;
    }
    engine::LoadResult result = engine::load_rules(paths);
    for (const auto& rule : result.rules) {
        std::cout << "loaded  " << rule.info.file << ": " << rule.info.name << '\n';
    }
    for (const auto& issue : result.issues) {
        std::cout << kind_word(issue.kind) << " " << issue.file;
        if (!issue.rule_name.empty()) std::cout << ": " << issue.rule_name;
        std::cout << ": " << issue.message << '\n';
    }
    std::size_t skipped = 0;
    for (const auto& issue : result.issues) skipped += issue.kind == engine::IssueKind::Skipped;
    std::cout << result.rules.size() << " loaded, " << skipped << " skipped, "
              << result.issues.size() - skipped << " failed\n";
    return result.any_failed() ? 1 : 0;
}

// Reads a file (or stdin for "-") into the pipeline in large chunks.
void feed_file(const std::string& path, Pipeline& pipeline) {
    const int fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + path);
    std::vector<char> buffer(kReadChunk);
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            const int error = errno;
            if (fd != STDIN_FILENO) ::close(fd);
            throw std::system_error(error, std::generic_category(), "cannot read " + path);
        }
        if (n == 0) break;
        pipeline.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    }
    if (fd != STDIN_FILENO) ::close(fd);
}

int run_offline(const Config& config) {
    engine::LoadResult loaded = load_and_report(config);
    AlertOutput alerts(config, /*live=*/false);
    Pipeline pipeline(config, engine::RuleSet(std::move(loaded.rules)),
                      [&](const ecs::Event& event, const engine::LoadedRule& rule) {
                          alerts.emit(event, rule.info);
                      });
    for (const std::string& input : config.inputs) {
        spdlog::debug("reading {}", input);
        feed_file(input, pipeline);
    }
    pipeline.finish();
    alerts.finish();
    spdlog::info("{}", pipeline.stats_line());
    return 0;
}

std::optional<std::string> kernel_release() {
    struct utsname names {};
    if (uname(&names) != 0) return std::nullopt;
    return std::string(names.release);
}

// Plugin mode runs as root: config and rule files a non-root user could change are refused.
std::vector<std::string> unsafe_plugin_inputs(const Config& config) {
    if (::geteuid() != 0) return {};
    std::vector<std::string> paths = rule_paths(config);
    if (config.config_file) paths.push_back(*config.config_file);
    return insecure_inputs(paths);
}

int run_live(Config config) {
    install_signal_handlers();
    auparse_set_eoe_timeout(static_cast<time_t>(config.eoe_timeout_seconds));
    if (!config.host_name) config.host_name = this_host_name();

    if (const auto unsafe = unsafe_plugin_inputs(config); !unsafe.empty()) {
        for (const auto& problem : unsafe) spdlog::critical("refusing {}", problem);
        throw std::runtime_error("config or rule files could be changed by non-root users");
    }

    PasswdNames names;
    process::ProcReader proc;
    engine::LoadResult loaded = load_and_report(config);
    AlertOutput alerts(config, /*live=*/true);
    Pipeline pipeline(
        config, engine::RuleSet(std::move(loaded.rules)),
        [&](const ecs::Event& event, const engine::LoadedRule& rule) {
            alerts.emit(event, rule.info);
        },
        LiveServices{&names, &proc, kernel_release()});
    const std::size_t seeded = proc.seed(pipeline.table(), config.host_name.value_or(""));
    spdlog::info("plugin mode: {} running processes seeded from /proc", seeded);
    const PrivilegeReport dropped = drop_privileges();
    if (dropped.had_capabilities) {
        spdlog::info("capabilities dropped; kept: {}{}", dropped.kept,
                     dropped.bounding_set_cleared ? " (bounding set cleared)" : "");
    }

    std::vector<char> buffer(kReadChunk);
    auto last_stats = std::chrono::steady_clock::now();
    for (;;) {
        const SignalState signals = take_signals();
        if (signals.stop) {
            spdlog::info("stopping on signal");
            break;
        }
        if (signals.reload) {
            reload(config, pipeline, alerts);
        }
        if (signals.dump) spdlog::info("stats: {} {}", pipeline.stats_line(), alerts.stats_line());
        if (config.stats_interval_seconds > 0 &&
            std::chrono::steady_clock::now() - last_stats >
                std::chrono::seconds(config.stats_interval_seconds)) {
            spdlog::info("stats: {} {}", pipeline.stats_line(), alerts.stats_line());
            last_stats = std::chrono::steady_clock::now();
        }
        pollfd input{STDIN_FILENO, POLLIN, 0};
        const int ready = ::poll(&input, 1, 1000);
        if (ready < 0) {
            if (errno == EINTR) continue;
            throw std::system_error(errno, std::generic_category(), "poll on stdin");
        }
        if (ready == 0) {
            pipeline.age_events();  // nothing arrived for a second: complete stale events
            continue;
        }
        const ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            throw std::system_error(errno, std::generic_category(), "read from stdin");
        }
        if (n == 0) {
            spdlog::info("end of input from auditd");
            break;
        }
        pipeline.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
        pipeline.age_events();
    }
    pipeline.finish();
    alerts.finish();
    spdlog::info("stats: {} {}", pipeline.stats_line(), alerts.stats_line());
    return 0;
}

}  // namespace

void reload(Config& config, Pipeline& pipeline, AlertOutput& alerts) {
    // Build the new state to one side; swap it in only if it is whole.
    spdlog::info("reloading configuration and rules");
    Config fresh = config;
    if (config.config_file) {
        std::vector<std::string> args{"audisp-eql", "--config", *config.config_file};
        std::vector<const char*> argv;
        for (const auto& arg : args) argv.push_back(arg.c_str());
        ParsedCommandLine parsed = parse_command_line(static_cast<int>(argv.size()), argv.data());
        if (parsed.exit_code) {
            spdlog::error("reload: config file {} is invalid; keeping the old configuration",
                          *config.config_file);
            return;
        }
        fresh = parsed.config;
        fresh.host_name = config.host_name;
    }
    if (const auto unsafe = unsafe_plugin_inputs(fresh); !unsafe.empty()) {
        for (const auto& problem : unsafe) spdlog::error("reload: refusing {}", problem);
        spdlog::error("reload: keeping the old configuration and rules");
        return;
    }
    engine::LoadResult loaded = engine::load_rules(rule_paths(fresh));
    if (loaded.any_failed() || loaded.rules.empty()) {
        for (const auto& issue : loaded.issues) {
            spdlog::error("reload: rule {} {}: {}", kind_word(issue.kind), issue.file,
                          issue.message);
        }
        spdlog::error("reload: new rules are broken; keeping the {} rules running",
                      pipeline.stats().rules_loaded);
        return;
    }
    spdlog::info("reload: {} rules loaded", loaded.rules.size());
    pipeline.replace_rules(engine::RuleSet(std::move(loaded.rules)));
    alerts.reopen();
    config = fresh;
}

int run(const Config& config) {
    try {
        if (config.check_rules) return check_rules(config);
        if (config.live()) return run_live(config);
        return run_offline(config);
    } catch (const std::exception& error) {
        spdlog::critical("{}", error.what());
        return 2;
    }
}

}  // namespace app
