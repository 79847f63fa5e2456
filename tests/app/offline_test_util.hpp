// Helpers of the offline investigation tests: temporary folders, gzip files, running the real
// binary (plain, or on a pseudo-terminal), and an in-process offline run with the seed rules.
#pragma once

#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "../common/temp_dir.hpp"
#include "app/alert_output.hpp"
#include "app/config.hpp"
#include "app/offline_report.hpp"
#include "app/pipeline.hpp"
#include "app/run.hpp"
#include "app/time_filter.hpp"
#include "engine/rule_loader.hpp"

namespace offline_test {

namespace fs = std::filesystem;

inline fs::path data(const char* name) { return fs::path(AUDISP_TEST_DATA_DIR) / name; }
inline std::string rules_dir() { return std::string(AUDISP_SOURCE_DIR) + "/rules"; }
inline std::string binary() {
    const char* env = std::getenv("AUDISP_BINARY");
    return env != nullptr && *env != '\0' ? env : AUDISP_BINARY;
}

inline std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    REQUIRE(out);
    out << text;
}

inline void write_gzip(const fs::path& path, const std::string& text) {
    gzFile file = gzopen(path.c_str(), "wb");
    REQUIRE(file != nullptr);
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = static_cast<unsigned>(std::min<std::size_t>(text.size() - done, 1 << 20));
        REQUIRE(gzwrite(file, text.data() + done, n) == static_cast<int>(n));
        done += n;
    }
    REQUIRE(gzclose(file) == Z_OK);
}

using test_common::TempDir;  // shared by every test folder

inline std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

inline bool has_rules(const std::vector<std::string>& args) {
    return std::find(args.begin(), args.end(), "--rules") != args.end();
}

struct BinaryRun {
    int status = -1;  // exit status
    std::string out;  // stdout
    std::string err;  // stderr
};

// Runs audisp-eql with TZ=UTC (the tests write times in UTC) and the source tree's rules.
inline BinaryRun run_binary(const std::vector<std::string>& args,
                            const std::string& stdin_file = "") {
    TempDir scratch;
    std::string command = "TZ=UTC " + shell_quote(binary());
    if (!has_rules(args)) command += " --rules " + shell_quote(rules_dir());
    for (const auto& arg : args) command += " " + shell_quote(arg);
    command += " 2>" + shell_quote((scratch / "err").string());
    command += " <" + (stdin_file.empty() ? std::string("/dev/null") : shell_quote(stdin_file));
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    BinaryRun run;
    char buffer[65536];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
    const int status = ::pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.err = slurp(scratch / "err");
    return run;
}

// run_binary with `args` then --config naming a settings file (in a temporary folder) that holds
// `settings`.
inline BinaryRun run_with_settings(std::vector<std::string> args, const std::string& settings) {
    TempDir dir;
    write_file(dir / "settings.conf", settings);
    args.insert(args.end(), {"--config", (dir / "settings.conf").string()});
    return run_binary(args);
}

// Each of `options` given "-1" (with --input `log`) is exit status 2 with the reason: a negative
// number is refused, not wrapped into a huge unsigned one.
inline void check_negative_refused(const std::string& log,
                                   const std::vector<std::string>& options) {
    for (const std::string& option : options) {
        INFO(option);
        const BinaryRun run = run_binary({"--input", log, option, "-1"});
        CHECK(run.status == 2);
        CHECK_THAT(run.err, Catch::Contains(option + " takes a whole number >= 0, not '-1'"));
    }
}

// Runs audisp-eql on a pseudo-terminal (stdout and stderr both a terminal) and returns all it
// wrote, escape sequences included.
inline BinaryRun run_on_terminal(const std::vector<std::string>& args) {
    std::vector<std::string> argv_text{binary()};
    if (!has_rules(args)) argv_text.insert(argv_text.end(), {"--rules", rules_dir()});
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    argv.reserve(argv_text.size() + 1);
    for (auto& arg : argv_text) argv.push_back(arg.data());
    argv.push_back(nullptr);

    winsize size{};
    size.ws_row = 50;
    size.ws_col = 120;
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::setenv("TZ", "UTC", 1);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    BinaryRun run;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(master, buffer, sizeof buffer);
        if (n > 0) {
            run.out.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        break;  // EIO once the child has exited and closed the terminal
    }
    ::close(master);
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

// An offline run in process, wired as run_offline() wires it.
struct InProcess {
    std::multimap<uint64_t, std::string> alerts;  // serial -> rule name
    std::map<uint64_t, ecs::Event> events;        // admitted exec events by serial
    app::OfflineReport report;
    app::PipelineStats stats;
};

inline std::unique_ptr<InProcess> run_in_process(const std::string& text,
                                                 const app::Config& config = {},
                                                 const app::TimeBase& base = {}) {
    engine::LoadResult loaded = engine::load_rules({rules_dir()});
    REQUIRE(loaded.rules.size() == 2);
    auto run = std::make_unique<InProcess>();
    const app::EventFilter filter(config, base);
    app::Pipeline* pipeline_ptr = nullptr;
    app::Pipeline pipeline(config, engine::RuleSet(std::move(loaded.rules)),
                           [&](const ecs::Event& event, const engine::LoadedRule& rule) {
                               run->alerts.emplace(event.sequence, rule.info.name);
                               run->report.on_alert(event, rule.info, pipeline_ptr->table());
                           });
    pipeline_ptr = &pipeline;
    pipeline.set_event_filter([&](const ecs::Event& event) {
        const bool admitted = filter.admits(event);
        run->report.on_event(event, admitted);
        return admitted;
    });
    pipeline.set_event_observer([&](const ecs::Event& event) {
        if (event.action == ecs::Action::Exec) run->events.emplace(event.sequence, event);
    });
    pipeline.feed(text);
    pipeline.finish();
    run->stats = pipeline.stats();
    return run;
}

// Plugin mode as root, for the SIGHUP reload tests: a folder no other user can change
// (StrictModes), a rules folder with the given files (name -> TOML), a settings file naming the
// rules and an alerts file, the config parsed from it, its alert output and a pipeline on the
// rules loaded.
class PluginRun {
  public:
    // Every version of the settings file is `rules`, `alerts-output`, `fixed_settings`, then
    // what write_settings is given.
    PluginRun(const std::map<std::string, std::string>& rule_files, std::string fixed_settings,
              const std::string& settings)
        : fixed_settings_(std::move(fixed_settings)) {
        fs::permissions(dir_.path(), fs::perms(0755));
        fs::create_directory(rules_);
        for (const auto& [name, text] : rule_files) {
            write_file(rules_ / name, text);
            fs::permissions(rules_ / name, fs::perms(0644));
        }
        write_settings(settings);
        const std::string settings_path = settings_.string();
        const char* argv[] = {"audisp-eql", "--config", settings_path.c_str()};
        app::ParsedCommandLine parsed = app::parse_command_line(3, argv);
        REQUIRE_FALSE(parsed.exit_code);
        config = parsed.config;
        REQUIRE(config.live());
        engine::LoadResult loaded = engine::load_rules(config.rules);
        rule_count = loaded.rules.size();
        sequence_count = loaded.sequences.size();
        alerts = std::make_unique<app::AlertOutput>(config, /*live=*/true);
        pipeline = std::make_unique<app::Pipeline>(
            config,
            engine::RuleSet(std::move(loaded.rules), std::move(loaded.sequences),
                            config.sequence_options()),
            [](const ecs::Event&, const engine::LoadedRule&) {});
    }

    void write_settings(const std::string& text) {
        write_file(settings_, "rules = " + rules_.string() +
                                  "\nalerts-output = " + (dir_ / "alerts.ndjson").string() + "\n" +
                                  fixed_settings_ + text);
        fs::permissions(settings_, fs::perms(0644));
    }
    // SIGHUP: re-reads the settings file into `config`, `pipeline` and `alerts`.
    void reload() { app::reload(config, *pipeline, alerts); }
    void finish() {
        pipeline->finish();
        alerts->finish();
    }

  private:
    TempDir dir_;
    fs::path rules_ = dir_ / "rules";
    fs::path settings_ = dir_ / "audisp-eql.conf";
    std::string fixed_settings_;

  public:
    app::Config config;
    std::size_t rule_count = 0;
    std::size_t sequence_count = 0;
    std::unique_ptr<app::AlertOutput> alerts;
    std::unique_ptr<app::Pipeline> pipeline;
};

// Prefixes every line with "node=NAME " (as auditd does with name_format).
inline std::string with_node(const std::string& text, const std::string& node) {
    std::string out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        out.append("node=").append(node).append(" ").append(line).append("\n");
    }
    return out;
}

// Adds `seconds` to the audit time of every record whose serial is at least `from_serial`.
inline std::string shift_time(const std::string& text, uint64_t from_serial, int64_t seconds) {
    std::string out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const std::size_t open = line.find("msg=audit(");
        if (open != std::string::npos) {
            const std::size_t sec_at = open + 10;
            const std::size_t dot = line.find('.', sec_at);
            const std::size_t colon = line.find(':', dot);
            const std::size_t close = line.find(')', colon);
            const uint64_t serial = std::stoull(line.substr(colon + 1, close - colon - 1));
            if (serial >= from_serial) {
                const int64_t sec = std::stoll(line.substr(sec_at, dot - sec_at)) + seconds;
                line = line.substr(0, sec_at) + std::to_string(sec) + line.substr(dot);
            }
        }
        out += line + "\n";
    }
    return out;
}

// Upper-case hex of `text`, as auditd writes PROCTITLE and untrusted values.
inline std::string hex(const std::string& text) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        out += kDigits[byte >> 4];
        out += kDigits[byte & 15];
    }
    return out;
}

// One RAW exec event as auditd's plugin stream carries it (PROCTITLE, then EOE). `exit` -2 is
// a failed exec (ENOENT).
inline std::string raw_exec_event(const std::string& stamp, int pid, int ppid,
                                  const std::string& path, int exit = 0) {
    const std::string head = "type=SYSCALL msg=audit(" + stamp + "): ";
    const std::string success = exit == 0 ? "yes" : "no";
    const std::string name = fs::path(path).filename().string();
    return head + "arch=c000003e syscall=59 success=" + success + " exit=" + std::to_string(exit) +
           " a0=1 a1=2 a2=3 a3=0 items=1 ppid=" + std::to_string(ppid) +
           " pid=" + std::to_string(pid) +
           " auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 "
           "comm=\"" +
           name + "\" exe=\"" + path + "\" key=(null)\n" + "type=EXECVE msg=audit(" + stamp +
           "): argc=1 a0=\"" + name + "\"\n" + "type=CWD msg=audit(" + stamp +
           "): cwd=\"/root\"\n" + "type=PATH msg=audit(" + stamp + "): item=0 name=\"" + path +
           "\" inode=1 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n" +
           "type=PROCTITLE msg=audit(" + stamp + "): proctitle=" + hex(name) + "\n" +
           "type=EOE msg=audit(" + stamp + "): \n";
}

}  // namespace offline_test
