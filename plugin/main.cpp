// audisp-eql: the thin executable. It reads the settings, sets up diagnostics on stderr and
// hands over to app::run(); everything else is in the core library.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "app/config.hpp"
#include "app/run.hpp"

int main(int argc, char** argv) {
    const app::ParsedCommandLine parsed = app::parse_command_line(argc, argv);
    if (parsed.exit_code) return *parsed.exit_code;
    // Diagnostics only; alerts and events are data and go through their own outputs.
    auto logger = spdlog::stderr_logger_st("audisp-eql");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    spdlog::set_level(spdlog::level::from_str(parsed.config.log_level));
    return app::run(parsed.config);
}
