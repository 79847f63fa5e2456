// The program: check rules, analyse files, or run as an auditd plugin, as the config says.
#pragma once

#include "app/config.hpp"

namespace app {

class Pipeline;
class AlertOutput;

// Returns the process exit status: 0 success, 1 --check-rules found broken rules (or, with
// --fail-on-alert, an offline run raised an alert), 2 errors (bad options, unreadable input).
int run(const Config& config);

// SIGHUP: re-reads the config file and the rules; keeps the old ones if the new are broken.
void reload(Config& config, Pipeline& pipeline, AlertOutput& alerts);

}  // namespace app
