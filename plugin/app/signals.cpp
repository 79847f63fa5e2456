#include "app/signals.hpp"

#include <unistd.h>

#include <csignal>
#include <initializer_list>

namespace app {
namespace {

// The one place with process-wide state: a signal handler can reach nothing else.
volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_reload = 0;
volatile std::sig_atomic_t g_dump = 0;

void on_signal(int signal_number, siginfo_t* info, void* /*context*/) {
    switch (signal_number) {
        case SIGTERM:
            // auditd is our parent; kill(1) from a shell while testing comes from elsewhere
            // but a user at a terminal uses SIGINT.
            if (info == nullptr || info->si_pid == 0 || info->si_pid == getppid() ||
                info->si_code != SI_USER) {
                g_stop = 1;
            }
            break;
        case SIGINT:
            g_stop = 1;
            break;
        case SIGHUP:
            g_reload = 1;
            break;
        case SIGUSR1:
            g_dump = 1;
            break;
        default:
            break;
    }
}

}  // namespace

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_sigaction = on_signal;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    for (int signal_number : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) {
        sigaction(signal_number, &action, nullptr);
    }
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, nullptr);
}

SignalState take_signals() {
    SignalState state;
    if (g_stop != 0) state.stop = true;
    if (g_reload != 0) {
        state.reload = true;
        g_reload = 0;
    }
    if (g_dump != 0) {
        state.dump = true;
        g_dump = 0;
    }
    return state;
}

}  // namespace app
