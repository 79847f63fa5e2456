// Plugin-mode signals. Handlers only set flags (async-signal-safe); the loop acts on them
// between events. SIGTERM is obeyed only when it comes from our parent (auditd) or the
// terminal, as audisp plugins do, so a stray kill from another process cannot silence us.
#pragma once

namespace app {

struct SignalState {
    bool stop = false;    // SIGTERM from auditd, or SIGINT
    bool reload = false;  // SIGHUP
    bool dump = false;    // SIGUSR1
};

// Installs the handlers (once per process).
void install_signal_handlers();
// Returns the flags raised since the last call, and clears them.
SignalState take_signals();

}  // namespace app
