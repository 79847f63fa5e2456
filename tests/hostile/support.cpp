#include "support.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "ecs/json.hpp"

namespace hostile_support {
namespace fs = std::filesystem;

namespace {

std::string hex(std::string_view bytes) {
    static const char* const kDigits = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

std::string header(const char* type, const std::string& stamp) {
    return std::string("type=") + type + " msg=audit(" + stamp + "): ";
}

}  // namespace

std::string stamp(uint64_t serial, uint64_t base_seconds) {
    const uint64_t millis = serial % 1000;
    char out[64];
    std::snprintf(out, sizeof out, "%llu.%03llu:%llu",
                  static_cast<unsigned long long>(base_seconds) + serial / 1000,
                  static_cast<unsigned long long>(millis), static_cast<unsigned long long>(serial));
    return out;
}

std::string syscall_record(const std::string& stamp, int syscall, const std::string& pid,
                           const std::string& ppid, const std::string& exit) {
    return header("SYSCALL", stamp) + "arch=c000003e syscall=" + std::to_string(syscall) +
           " success=yes exit=" + exit + " a0=0 a1=0 a2=0 a3=0 items=0 ppid=" + ppid +
           " pid=" + pid +
           " auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3 "
           "comm=\"sh\" exe=\"/usr/bin/dash\" key=(null)\n";
}

std::string exec_records(const Exec& e) {
    std::string out = header("SYSCALL", e.stamp) +
                      "arch=c000003e syscall=59 success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 "
                      "items=2 ppid=" +
                      e.ppid + " pid=" + e.pid + " auid=1000 uid=" + e.uid +
                      " gid=0 euid=" + e.uid +
                      " suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 "
                      "ses=3 comm=\"" +
                      std::string(e.args.empty() ? "x" : e.args[0]).substr(0, 15) + "\" exe=\"" +
                      e.exe + "\" key=\"exec\"\n";
    // The kernel starts a new EXECVE record when the current one would pass ~7.5 KB.
    std::string record = header("EXECVE", e.stamp) + "argc=" + std::to_string(e.args.size());
    for (std::size_t i = 0; i < e.args.size(); ++i) {
        const std::string field = " a" + std::to_string(i) + "=" + hex(e.args[i]);
        if (record.size() + field.size() > 7500) {
            out += record + "\n";
            record = header("EXECVE", e.stamp);
            record += field.substr(1);
        } else {
            record += field;
        }
    }
    out += record + "\n";
    out += header("CWD", e.stamp) + "cwd=\"/root\"\n";
    out += header("PATH", e.stamp) + "item=0 name=\"" + e.path +
           "\" inode=1 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n";
    out += header("PATH", e.stamp) +
           "item=1 name=\"/lib64/ld-linux-x86-64.so.2\" inode=2 dev=fe:00 mode=0100755 ouid=0 "
           "ogid=0 rdev=00:00 nametype=NORMAL\n";
    std::string title;
    for (const auto& arg : e.args) title += (title.empty() ? "" : std::string(1, '\0')) + arg;
    out += header("PROCTITLE", e.stamp) + "proctitle=" + hex(title.substr(0, 128)) + "\n";
    if (e.eoe) out += header("EOE", e.stamp) + "\n";
    return out;
}

ReadResult read(std::string_view text, const std::vector<std::size_t>& cuts,
                const audit::ReaderOptions& options) {
    ReadResult result;
    audit::AuditReader reader(options,
                              [&](ecs::Event&& e) { result.events.push_back(std::move(e)); });
    std::size_t at = 0;
    for (const std::size_t cut : cuts) {
        if (cut < at || cut > text.size()) continue;
        reader.feed(text.substr(at, cut - at));
        at = cut;
    }
    reader.feed(text.substr(at));
    reader.finish();
    result.stats = reader.stats();
    return result;
}

ReadResult read_chunked(std::string_view text, std::size_t chunk,
                        const audit::ReaderOptions& options) {
    std::vector<std::size_t> cuts;
    for (std::size_t at = chunk; at < text.size(); at += chunk) cuts.push_back(at);
    return read(text, cuts, options);
}

std::vector<std::string> as_json(const std::vector<ecs::Event>& events) {
    std::vector<std::string> lines;
    lines.reserve(events.size());
    for (const auto& e : events) lines.push_back(ecs::dump_line(ecs::to_json(e)));
    return lines;
}

const ecs::Event* by_serial(const std::vector<ecs::Event>& events, uint64_t serial) {
    for (const auto& e : events) {
        if (e.sequence == serial) return &e;
    }
    return nullptr;
}

std::size_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::size_t size = 0;
    std::size_t resident = 0;
    statm >> size >> resident;
    return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

Workdir::Workdir() {
    fs::create_directory(rules());
    fs::permissions(rules(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                 fs::perms::others_read | fs::perms::others_exec);
    for (const auto& entry : fs::directory_iterator(AUDISP_SOURCE_DIR "/rules")) {
        if (entry.path().extension() == ".toml") {
            fs::copy_file(entry.path(), rules() + "/" + entry.path().filename().string());
            fs::permissions(rules() + "/" + entry.path().filename().string(),
                            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                fs::perms::others_read);
        }
    }
}

std::string binary() {
    if (const char* from_env = std::getenv("AUDISP_BINARY")) return from_env;
    return AUDISP_BINARY;
}

Plugin::Plugin(const std::vector<std::string>& args, const std::string& stderr_file) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw std::system_error(errno, std::generic_category(), "pipe2");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    const std::string program = binary();
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    const int rc = ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[0]);
    if (rc != 0) {
        ::close(fds[1]);
        throw std::system_error(rc, std::generic_category(), "posix_spawn " + program);
    }
    stdin_fd_ = fds[1];
}

Plugin::~Plugin() {
    if (stdin_fd_ >= 0) ::close(stdin_fd_);
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

void Plugin::write(std::string_view bytes) {
    // SIGPIPE would kill the test if the plugin died; the error is reported instead.
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    struct sigaction old {};
    ::sigaction(SIGPIPE, &ignore, &old);
    while (!bytes.empty()) {
        const ssize_t n = ::write(stdin_fd_, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            const int error = errno;
            ::sigaction(SIGPIPE, &old, nullptr);
            throw std::system_error(error, std::generic_category(), "write to plugin stdin");
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    ::sigaction(SIGPIPE, &old, nullptr);
}

void Plugin::signal(int signal_number) const { ::kill(pid_, signal_number); }

int Plugin::finish() {
    if (stdin_fd_ >= 0) {
        ::close(stdin_fd_);
        stdin_fd_ = -1;
    }
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::map<std::string, uint64_t> last_stats(const std::string& log_text) {
    std::map<std::string, uint64_t> values;
    const auto at = log_text.rfind("stats: ");
    if (at == std::string::npos) return values;
    const auto end = log_text.find('\n', at);
    std::istringstream line(log_text.substr(at + 7, end == std::string::npos ? end : end - at - 7));
    std::string pair;
    while (line >> pair) {
        const auto eq = pair.find('=');
        if (eq == std::string::npos) continue;
        try {
            values[pair.substr(0, eq)] = std::stoull(pair.substr(eq + 1));
        } catch (const std::exception&) {
            // not a counter
        }
    }
    return values;
}

std::size_t count_occurrences(std::string_view text, std::string_view what) {
    std::size_t count = 0;
    for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) {
        ++count;
    }
    return count;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace hostile_support
