// File and network events end to end, on audit logs captured from the real kernel by
// tests/capture/capture_file_net.sh (see tests/data/CAPTURES.md): exact Elastic Defend field
// values for each kind of file and socket syscall, and for every upstream linux-file and
// linux-network rule one scenario that fires it and one near miss that does not.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "app/pipeline.hpp"
#include "engine/rule_loader.hpp"
#include "offline_test_util.hpp"

namespace test_file_network {

namespace {

namespace fs = std::filesystem;
using offline_test::data;
using offline_test::slurp;

const std::string kWork = "/tmp/audisp-eql-fncapture";
const std::string kTemp = kWork + "/t";
const std::string kFsnetops = kWork + "/bin/fsnetops";

// The events of a capture, grouped by the `capture-step LABEL` exec that precedes them, and the
// alerts (rule file stems) raised on each step's events.
struct Steps {
    std::map<std::string, std::vector<ecs::Event>> events;
    std::map<std::string, std::set<std::string>> alerts;

    std::vector<ecs::Event> of(const std::string& step, const std::string& category) const {
        std::vector<ecs::Event> out;
        const auto found = events.find(step);
        REQUIRE(found != events.end());
        for (const ecs::Event& e : found->second) {
            if (e.category == std::vector<std::string>{category}) out.push_back(e);
        }
        return out;
    }
    ecs::Event only(const std::string& step, const std::string& category) const {
        const auto found = of(step, category);
        INFO("step " << step);
        REQUIRE(found.size() == 1);
        return found.front();
    }
};

Steps run_steps(const char* capture, const std::vector<std::string>& rule_paths = {},
                const app::Config& config = {}) {
    engine::RuleSet rules;
    if (!rule_paths.empty()) {
        engine::LoadResult loaded = engine::load_rules(rule_paths);
        REQUIRE(loaded.issues.empty());
        rules = engine::RuleSet(std::move(loaded.rules));
    }
    Steps steps;
    std::string label;
    app::Pipeline pipeline(config, std::move(rules),
                           [&](const ecs::Event&, const engine::LoadedRule& rule) {
                               steps.alerts[label].insert(fs::path(rule.info.file).stem());
                           });
    pipeline.set_event_observer([&](const ecs::Event& e) {
        if (e.action == ecs::Action::Exec && e.process.name == "capture-step" && e.process.args &&
            e.process.args->size() == 2) {
            label = (*e.process.args)[1];
        }
        steps.events[label].push_back(e);
    });
    pipeline.feed(slurp(data(capture)));
    pipeline.finish();
    return steps;
}

struct Expected {
    std::string action;
    std::string type;
    std::string path;
    std::optional<std::string> directory;
    std::string name;
    std::optional<std::string> extension;
};

void check_file(const ecs::Event& e, const Expected& x) {
    INFO("file.path " << e.file.path.value_or("(none)"));
    CHECK(e.category == std::vector<std::string>{"file"});
    CHECK(ecs::action_name(e.action) == x.action);
    CHECK(e.type == std::vector<std::string>{x.type});
    CHECK(e.file.path == x.path);
    CHECK(e.file.directory == x.directory);
    CHECK(e.file.name == x.name);
    CHECK(e.file.extension == x.extension);
    CHECK(e.outcome == "success");
    // The acting process, from the process table: as on its exec event. (Entity ids are the
    // process table's; this branch's table does not set them yet.)
    CHECK(e.process.name == "fsnetops");
    CHECK(e.process.executable == kFsnetops);
    CHECK(e.process.args.has_value());
    CHECK(e.parent.name == "bash");
    CHECK(e.user.id == "0");
    CHECK(e.user.name == "root");
}

}  // namespace

TEST_CASE("file events: creation, modification, deletion and their paths, from real records") {
    const Steps steps = run_steps("file-events.log");
    const auto in_temp = std::optional<std::string>(kTemp);
    const auto in_sub = std::optional<std::string>(kTemp + "/sub");
    const std::optional<std::string> none;

    // openat(AT_FDCWD, "new.txt", O_CREAT|O_WRONLY|O_TRUNC): a CREATE item, joined to the CWD.
    check_file(steps.only("create-relative", "file"),
               {"creation", "creation", kTemp + "/new.txt", in_temp, "new.txt", "txt"});
    // The same file opened again with O_TRUNC, then O_APPEND: an existing file changed.
    check_file(steps.only("write-truncate", "file"),
               {"modification", "change", kTemp + "/new.txt", in_temp, "new.txt", "txt"});
    check_file(steps.only("append", "file"),
               {"modification", "change", kTemp + "/new.txt", in_temp, "new.txt", "txt"});
    // A read-only open is no file event (and the shipped audit rules do not even record it).
    CHECK(steps.of("read-only", "file").empty());
    check_file(steps.only("creat", "file"),
               {"creation", "creation", kTemp + "/creat.sh", in_temp, "creat.sh", "sh"});
    // openat2 gives its flags in an OPENAT2 record.
    check_file(steps.only("openat2", "file"),
               {"creation", "creation", kTemp + "/o2.conf", in_temp, "o2.conf", "conf"});
    // openat on a real directory fd: the records do not name the directory, so the path stays
    // as the call gave it and file.directory is absent.
    check_file(steps.only("openat-dirfd", "file"),
               {"creation", "creation", "at.txt", none, "at.txt", "txt"});
    CHECK(steps.only("mkdir", "file").file.path == kTemp + "/newdir");
    check_file(steps.only("mkdir", "file"),
               {"creation", "creation", kTemp + "/newdir", in_temp, "newdir", none});
    check_file(steps.only("rmdir", "file"),
               {"deletion", "deletion", kTemp + "/newdir", in_temp, "newdir", none});
    check_file(steps.only("unlink", "file"),
               {"deletion", "deletion", kTemp + "/sub/target", in_sub, "target", none});
    check_file(steps.only("symlink", "file"),
               {"creation", "creation", kTemp + "/link", in_temp, "link", none});
    check_file(steps.only("hardlink", "file"),
               {"creation", "creation", kTemp + "/hard", in_temp, "hard", none});
    check_file(steps.only("chmod", "file"),
               {"attributes_modified", "change", kTemp + "/sub/moved", in_sub, "moved", none});
    check_file(steps.only("chown", "file"),
               {"attributes_modified", "change", kTemp + "/sub/moved", in_sub, "moved", none});
    check_file(steps.only("truncate", "file"),
               {"modification", "change", kTemp + "/sub/moved", in_sub, "moved", none});
    // Inside a chroot, paths are as the process sees them; ".." is folded against the CWD.
    check_file(steps.only("chroot-create", "file"),
               {"creation", "creation", "/etc/cron.d/job", "/etc/cron.d", "job", none});
    check_file(steps.only("chroot-dotdot", "file"),
               {"creation", "creation", "/etc/rc.local", "/etc", "rc.local", "local"});
    // A failed unlink changed nothing.
    CHECK(steps.of("unlink-missing", "file").empty());
}

TEST_CASE("file and network events carry the acting process's entity ids from the table") {
    for (const char* capture : {"file-events.log", "network-events.log"}) {
        INFO(capture);
        const Steps steps = run_steps(capture);
        std::map<std::string, std::string> started;  // pid -> entity id of its last exec or fork
        std::size_t checked = 0;
        for (const auto& [step, events] : steps.events) {
            for (const ecs::Event& e : events) {
                REQUIRE(e.process.entity_id.has_value());
                if (e.action == ecs::Action::Exec || e.action == ecs::Action::Fork) {
                    started[std::to_string(*e.process.pid)] = *e.process.entity_id;
                    continue;
                }
                if (e.category.front() == "process") continue;
                ++checked;
                // The process that acted is the one the log last showed starting with its pid.
                CHECK(e.process.entity_id == started[std::to_string(*e.process.pid)]);
                if (e.auditd.parent_context != "missing") CHECK(e.parent.entity_id.has_value());
            }
        }
        CHECK(checked > 10);
    }
}

TEST_CASE("file events: renames name the new file and, under file.Ext.original, the old one") {
    const Steps steps = run_steps("file-events.log");
    const auto in_sub = std::optional<std::string>(kTemp + "/sub");
    const std::optional<std::string> none;

    // Four PATH items: two PARENTs, the old name's DELETE, the new name's CREATE.
    const ecs::Event moved = steps.only("rename-relative", "file");
    check_file(moved, {"rename", "change", kTemp + "/sub/renamed.sh", in_sub, "renamed.sh", "sh"});
    CHECK(moved.file.original_path == kTemp + "/new.txt");
    CHECK(moved.file.original_name == "new.txt");
    CHECK(moved.file.original_extension == "txt");
    // Replacing an existing file: five items, the replaced file's DELETE after the old name's.
    const ecs::Event replaced = steps.only("rename-replace", "file");
    check_file(replaced, {"rename", "change", kTemp + "/sub/target", in_sub, "target", none});
    CHECK(replaced.file.original_path == kTemp + "/sub/renamed.sh");
    CHECK(replaced.file.original_name == "renamed.sh");
    // Both names relative to the CWD (t/sub), with "." and ".." folded.
    const ecs::Event dotted = steps.only("rename-dotdot", "file");
    check_file(dotted, {"rename", "change", kTemp + "/sub/moved", in_sub, "moved", none});
    CHECK(dotted.file.original_path == kTemp + "/creat.sh");
    CHECK(dotted.file.original_extension == "sh");
    // Not a rename: no original.
    CHECK_FALSE(steps.only("creat", "file").file.original_path.has_value());
}

TEST_CASE("file events: --include-failed keeps failed file syscalls that name a file") {
    app::Config config;
    config.include_failed = true;
    const Steps steps = run_steps("file-events.log", {}, config);
    // The failed unlink's records hold only the folder's PARENT item: no file is named, so
    // there is still no event rather than one about the folder.
    CHECK(steps.of("unlink-missing", "file").empty());
    // Successful ones are unchanged.
    CHECK(steps.only("unlink", "file").outcome == "success");
}

TEST_CASE("network events: bind, connect and accept over loopback, IPv4 and IPv6") {
    const Steps steps = run_steps("network-events.log");
    for (const std::string step : {"listen4", "listen6"}) {
        INFO(step);
        const bool v6 = step == "listen6";
        const std::string loopback = v6 ? "::1" : "127.0.0.1";
        const auto events = steps.of(step, "network");
        REQUIRE(events.size() == 3);
        const ecs::Event& bound = events[0];
        CHECK(bound.action == ecs::Action::Bind);
        CHECK(bound.type == std::vector<std::string>{"info"});
        CHECK(bound.network.source.ip == loopback);
        REQUIRE(bound.network.source.port.has_value());
        const int64_t port = *bound.network.source.port;
        CHECK(port > 1024);
        const ecs::Event& attempt = events[1];
        CHECK(attempt.action == ecs::Action::ConnectionAttempted);
        CHECK(attempt.type == std::vector<std::string>{"start"});
        CHECK(attempt.network.direction == "egress");
        CHECK(attempt.network.transport == "tcp");
        CHECK(attempt.network.type == (v6 ? "ipv6" : "ipv4"));
        CHECK(attempt.network.destination.ip == loopback);
        CHECK(attempt.network.destination.port == port);
        CHECK_FALSE(attempt.network.source.ip.has_value());  // connect logs no local address
        CHECK(attempt.outcome == "success");
        const ecs::Event& accepted = events[2];
        CHECK(accepted.action == ecs::Action::ConnectionAccepted);
        CHECK(accepted.network.direction == "ingress");
        CHECK(accepted.network.source.ip == loopback);
        CHECK(accepted.network.source.port.has_value());
        CHECK(accepted.network.source.port != port);
        // The local end, from the listening socket's bind().
        CHECK(accepted.network.destination.ip == loopback);
        CHECK(accepted.network.destination.port == port);
        for (const ecs::Event& e : events) {
            CHECK(e.process.name == "fsnetops");
            CHECK(e.process.executable == kFsnetops);
            CHECK(e.parent.name == "bash");
        }
    }
    // Refused: a SYN left the host, so it is an attempt (whose syscall failed).
    const ecs::Event refused = steps.only("connect4-refused", "network");
    CHECK(refused.action == ecs::Action::ConnectionAttempted);
    CHECK(refused.outcome == "failure");
    CHECK(refused.network.destination.ip == "127.0.0.1");
    // An IPv4-mapped IPv6 address, as inet_ntop writes it; cidrMatch takes it as IPv4.
    const ecs::Event mapped = steps.only("connect6-mapped-refused", "network");
    CHECK(mapped.network.destination.ip == "::ffff:127.0.0.1");
    CHECK(mapped.network.type == "ipv6");
    CHECK(mapped.network.destination.port == refused.network.destination.port);
    CHECK(
        eql::CompiledQuery::compile("network where cidrmatch(destination.ip, \"127.0.0.0/8\") and "
                                    "event.action in (\"connected-to\", \"connection_attempted\")")
            .matches(mapped));
    // Nothing was sent: no route (in a namespace of its own), a UDP socket, a missing unix socket.
    CHECK(steps.of("connect-unreachable", "network").empty());
    CHECK(steps.of("udp-connect", "network").empty());
    CHECK(steps.of("unix-connect-missing", "network").empty());
    // A unix-domain socket: its path as the address; no ip, port, type or transport.
    const std::string sock = kTemp + "/served.sock";
    const auto unix_events = steps.of("unix-serve", "network");
    REQUIRE(unix_events.size() == 3);
    CHECK(unix_events[0].action == ecs::Action::Bind);
    CHECK(unix_events[0].network.source.address == sock);
    CHECK(unix_events[1].action == ecs::Action::ConnectionAttempted);
    CHECK(unix_events[1].network.destination.address == sock);
    CHECK(unix_events[2].action == ecs::Action::ConnectionAccepted);
    CHECK(unix_events[2].network.destination.address == sock);       // from the listener's bind
    CHECK_FALSE(unix_events[2].network.source.address.has_value());  // an unnamed peer
    for (const ecs::Event& e : unix_events) {
        CHECK_FALSE(e.network.transport.has_value());
        CHECK_FALSE(e.network.type.has_value());
        CHECK_FALSE(e.network.source.ip.has_value());
        CHECK_FALSE(e.network.destination.ip.has_value());
        CHECK_FALSE(e.network.destination.port.has_value());
    }
}

TEST_CASE("upstream file and network rules: each fires on its scenario and not on its near miss") {
    const std::string shared = AUDISP_SHARED_DIR;
    std::set<std::string> stems;
    std::vector<std::string> files;
    for (const char* folder : {"linux-file", "linux-network"}) {
        for (const auto& entry : fs::directory_iterator(shared + "/rules-upstream/" + folder)) {
            if (entry.path().extension() != ".toml") continue;
            stems.insert(entry.path().stem());
            files.push_back(entry.path());
        }
    }
    REQUIRE(stems.size() == 58);
    std::map<std::string, std::set<std::string>> alerts;
    std::set<std::string> steps_seen;
    for (const char* capture : {"file-rules.log", "network-rules.log"}) {
        const Steps steps = run_steps(capture, files);
        for (const auto& [label, _] : steps.events) steps_seen.insert(label);
        for (const auto& [label, fired] : steps.alerts) alerts[label] = fired;
    }
    for (const std::string& stem : stems) {
        INFO("rule " << stem);
        REQUIRE(steps_seen.count(stem + ":fire") == 1);
        REQUIRE(steps_seen.count(stem + ":miss") == 1);
        CHECK(alerts[stem + ":fire"].count(stem) == 1);
        CHECK(alerts[stem + ":miss"].count(stem) == 0);
    }
}

TEST_CASE("offline report: events counted by kind; trees show the file activity that fired") {
    const std::string rules = std::string(AUDISP_SHARED_DIR) +
                              "/rules-upstream/linux-file/defense_evasion_log_files_deleted.toml";
    const auto run =
        offline_test::run_binary({"--input", data("file-rules.log").string(), "--rules", rules,
                                  "--summary", "--tree", "--alerts-output", "/dev/null"});
    REQUIRE(run.status == 0);
    // The report goes to stderr (alerts have stdout's place).
    const auto kinds = run.err.find("  event kinds     file ");
    REQUIRE(kinds != std::string::npos);
    CHECK(run.err.find(", process ", kinds) != std::string::npos);
    // The alerting process, and under it what it did.
    CHECK(run.err.find("fsnetops -r /tmp/audisp-eql-fncapture/root unlink /var/log/wtmp   "
                       "<== alert\n") != std::string::npos);
    CHECK(run.err.find("deletion /var/log/wtmp  (file)\n") != std::string::npos);
    CHECK(run.err.find("deletion /var/log/wtmp.1") == std::string::npos);  // the near miss
}

}  // namespace test_file_network
