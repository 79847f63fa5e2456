// The program: check rules, analyse files, or run as an auditd plugin, as the config says.
#pragma once

#include <memory>

#include "app/config.hpp"

namespace app {

class Pipeline;
class AlertOutput;

// Returns the process exit status: 0 success, 1 --check-rules found broken rules (or, with
// --fail-on-alert, an offline run raised an alert), 2 errors (bad options, unreadable input).
int run(const Config& config);

// SIGHUP: re-reads the command line and the config file it names, and rebuilds the runtime
// from them: rules, alert outputs (sinks, format, throttle), events output, process-table size,
// log level. If any part fails, the old runtime keeps running and the reason is logged.
void reload(Config& config, Pipeline& pipeline, std::unique_ptr<AlertOutput>& alerts);

}  // namespace app
