// audisp-eql: the thin executable. It reads the settings, sets up diagnostics and hands over to
// app::run(); everything else is in the core library.
#include <malloc.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "app/config.hpp"
#include "app/run.hpp"
#include "app/syslog_diagnostics.hpp"

int main(int argc, char** argv) {
#ifdef M_TRIM_THRESHOLD
    // An exec with a few thousand args needs a few hundred KiB for one event. With glibc's
    // default 128 KiB trim threshold the heap top was handed back after each such event and
    // faulted in again for the next (3,400 brk calls and 9,000 page faults on the benchmark
    // stream: 0.1 s of a 2 s run). Up to 4 MiB of free heap is now kept; it is bounded by the
    // largest such event, and the measured peak RSS did not change.
    mallopt(M_TRIM_THRESHOLD, 4 << 20);
#endif
    const app::ParsedCommandLine parsed = app::parse_command_line(argc, argv);
    if (parsed.exit_code) {
        if (*parsed.exit_code == 2 && parsed.plugin_mode) {
            // auditd starts plugins with stderr on /dev/null: say in syslog why we cannot start.
            spdlog::logger("audisp-eql", std::make_shared<app::SyslogDiagnostics>("audisp-eql"))
                .critical("cannot start: {}", parsed.error);
        }
        return *parsed.exit_code;
    }
    const app::Config& config = parsed.config;
    // Diagnostics only; alerts and events are data and go through their own outputs.
    std::vector<spdlog::sink_ptr> sinks{std::make_shared<spdlog::sinks::stderr_sink_st>()};
    if (config.live() && !config.check_rules) {
        // auditd starts plugins with stderr on /dev/null: in plugin mode diagnostics also go
        // to syslog (daemon facility), or nobody would ever see them; never blocking on it.
        sinks.push_back(std::make_shared<app::SyslogDiagnostics>("audisp-eql"));
    }
    auto logger = std::make_shared<spdlog::logger>("audisp-eql", sinks.begin(), sinks.end());
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    spdlog::set_level(spdlog::level::from_str(config.log_level));
    return app::run(config);
}
