// The collector under test is a real rsyslogd, configured so that nothing it does can hide a
// split message: control characters are not escaped on receive (a raw LF we sent would start a
// new line in the output file), the raw message is written as received, and imuxsock rate
// limiting is off.
#include "rsyslog.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace alert_rsyslog {

namespace fs = std::filesystem;

namespace {

constexpr const char* kProbe = "readiness-probe";

// RAII for the test's own sockets.
struct Socket {
    explicit Socket(int fd_in) : fd(fd_in) {}
    ~Socket() {
        if (fd >= 0) ::close(fd);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd;
};

sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

}  // namespace

int free_port(bool udp) {
    Socket s(::socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0));
    sockaddr_in address = loopback(0);
    if (::bind(s.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        throw std::runtime_error("bind to a free port failed");
    }
    socklen_t length = sizeof address;
    ::getsockname(s.fd, reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
}

bool rsyslogd_available() { return ::access(kRsyslogd, X_OK) == 0; }

Rsyslogd::Rsyslogd() : udp_port_(free_port(true)), tcp_port_(free_port(false)) {
    const std::string d = dir_.path().string();
    std::ofstream conf(dir_.path() / "rsyslog.conf");
    conf << "global(workDirectory=\"" << d << "\" maxMessageSize=\"256k\"\n"
         << "       parser.escapeControlCharactersOnReceive=\"off\")\n"
         << "module(load=\"imudp\")\n"
         << "module(load=\"imtcp\")\n"
         << "module(load=\"imuxsock\" SysSock.Use=\"off\")\n"
         << "template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")\n"
         << "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" << udp_port_
         << "\" ruleset=\"udp\" rcvbufSize=\"4m\")\n"
         << "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" << tcp_port_
         << "\" ruleset=\"tcp\")\n"
         << "input(type=\"imuxsock\" Socket=\"" << socket_path()
         << "\" ruleset=\"unix\" RateLimit.Interval=\"0\")\n";
    for (const char* input : {"udp", "tcp", "unix"}) {
        conf << "ruleset(name=\"" << input << "\") { action(type=\"omfile\" file=\"" << d << "/"
             << input << ".log\" template=\"raw\") }\n";
    }
}

Rsyslogd::~Rsyslogd() { stop(); }

bool Rsyslogd::start() {
    if (pid_ > 0) return true;
    const std::string conf = (dir_.path() / "rsyslog.conf").string();
    const std::string pidfile = (dir_.path() / "rsyslogd.pid").string();
    const std::string out = (dir_.path() / "rsyslogd.out").string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<std::string> args{"rsyslogd", "-n", "-f", conf, "-i", pidfile};
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, kRsyslogd, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return false;
    pid_ = pid;
    // Ready when each input has delivered a probe (or give up after about 10 s).
    for (const char* input : {"tcp", "udp", "unix"}) {
        bool ready = false;
        for (int attempt = 0; attempt < 200 && !ready; ++attempt) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return false;
            }
            ready = probe(input, attempt);
            if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (!ready) {
            stop();
            return false;
        }
    }
    return true;
}

bool Rsyslogd::probe(const std::string& input, int attempt) {
    // A probe is "seen" once any probe line of this input is in its file.
    {
        std::ifstream in(dir_.path() / (input + ".log"));
        std::string line;
        while (std::getline(in, line)) {
            if (line.find(kProbe) != std::string::npos) return true;
        }
    }
    const std::string message =
        "<13>1 - probe test - - - " + std::string(kProbe) + " " + std::to_string(attempt);
    if (input == "udp") {
        Socket s(::socket(AF_INET, SOCK_DGRAM, 0));
        const sockaddr_in address = loopback(udp_port_);
        ::sendto(s.fd, message.data(), message.size(), 0,
                 reinterpret_cast<const sockaddr*>(&address), sizeof address);
    } else if (input == "tcp") {
        Socket s(::socket(AF_INET, SOCK_STREAM, 0));
        const sockaddr_in address = loopback(tcp_port_);
        if (::connect(s.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
            const std::string frame = std::to_string(message.size()) + " " + message;
            (void)!::send(s.fd, frame.data(), frame.size(), MSG_NOSIGNAL);
        }
    } else {
        Socket s(::socket(AF_UNIX, SOCK_DGRAM, 0));
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, socket_path().c_str(), sizeof address.sun_path - 1);
        ::sendto(s.fd, message.data(), message.size(), 0,
                 reinterpret_cast<const sockaddr*>(&address), sizeof address);
    }
    return false;
}

void Rsyslogd::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 250; ++i) {
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

std::vector<std::string> Rsyslogd::lines(const std::string& input) const {
    std::ifstream in(dir_.path() / (input + ".log"), std::ios::binary);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) {
        if (line.find(kProbe) == std::string::npos) out.push_back(line);
    }
    return out;
}

bool Rsyslogd::wait_for_lines(const std::string& input, std::size_t count,
                              std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (lines(input).size() < count) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::vector<std::string> Rsyslogd::settled_lines(const std::string& input,
                                                 std::size_t count) const {
    if (wait_for_lines(input, count)) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return lines(input);
}

std::string Rsyslogd::sink_spec(const std::string& input) const {
    if (input == "udp") return "udp://127.0.0.1:" + std::to_string(udp_port_);
    if (input == "tcp") return "tcp://127.0.0.1:" + std::to_string(tcp_port_);
    return "unix:" + socket_path();
}

std::string Rsyslogd::output() const {
    std::ifstream in(dir_.path() / "rsyslogd.out");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

RunningRsyslogd::RunningRsyslogd() {
    {
        INFO("rsyslogd is not installed (bash .ci/install-deps installs it)");
        REQUIRE(rsyslogd_available());
    }
    if (!server.start()) FAIL("rsyslogd did not come up: " << server.output());
}

}  // namespace alert_rsyslog
