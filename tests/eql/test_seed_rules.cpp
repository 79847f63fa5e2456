// The two seed rules (/work/shared/seeds/*.txt), query text copied verbatim, against hand-built
// events: one positive and near-miss negatives for every branch.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "events.hpp"

namespace test_seed_rules {

namespace {

// "Attempt to Disable IPTables or Firewall" (seed 000_0e87137feebc6919).
constexpr const char* kDisableFirewall =
    R"(process where host.os.type == "linux" and event.type == "start" and event.action in ("exec", "exec_event", "start") and ( /* disable FW */ ( (process.name == "ufw" and process.args == "disable") or (process.name == "iptables" and process.args in ("-F", "--flush", "-X", "--delete-chain") and process.args_count == 2) or (process.name in ("iptables", "ip6tables") and process.parent.args == "force-stop") ) or /* stop FW service */ ( ((process.name == "service" and process.args == "stop") or (process.name == "chkconfig" and process.args == "off") or (process.name == "systemctl" and process.args in ("disable", "stop", "kill"))) and process.args in ("firewalld", "ip6tables", "iptables", "firewalld.service", "ip6tables.service", "iptables.service") ) ))";

// "IPv4/IPv6 Forwarding Activity" (seed 004_294527352bb355c3).
constexpr const char* kIpForwarding =
    R"(process where host.os.type == "linux" and event.type == "start" and event.action in ("exec", "start", "exec_event") and
process.parent.executable != null and process.command_line like (
  "*net.ipv4.ip_forward*", "*/proc/sys/net/ipv4/ip_forward*", "*net.ipv6.conf.all.forwarding*",
  "*/proc/sys/net/ipv6/conf/all/forwarding*"
) and (
  (process.name == "sysctl" and process.args like ("*-w*", "*--write*", "*=*")) or
  (
    process.name in ("bash", "dash", "sh", "tcsh", "csh", "zsh", "ksh", "fish") and process.args == "-c" and
    process.command_line like "*echo *"
  )
) and
not process.parent.name like~ ("privsep-helper", "platform-python*", "init.ipv6-global", "wsl-bootstrap"))";

std::string join(const std::vector<std::string>& args) {
    std::string s;
    for (const auto& a : args) s += (s.empty() ? "" : " ") + a;
    return s;
}

ecs::Event exec(const std::string& name, std::vector<std::string> args,
                std::vector<std::string> parent_args = {"bash"}) {
    ecs::Event e;
    e.category = {"process"};
    e.type = {"start"};
    e.action = ecs::Action::Exec;
    e.process.name = name;
    e.process.executable = "/usr/sbin/" + name;
    e.process.command_line = join(args);
    e.process.args = std::move(args);
    e.parent.name = parent_args.front();
    e.parent.executable = "/usr/bin/" + parent_args.front();
    e.parent.command_line = join(parent_args);
    e.parent.args = std::move(parent_args);
    return e;
}

struct Row {
    const char* what;
    ecs::Event event;
    bool expected;
};

void run(const char* query, const std::vector<Row>& rows) {
    const auto q = eql::CompiledQuery::compile(query);
    for (const Row& r : rows) {
        INFO(r.what);
        for (const auto& line : q.explain(r.event)) UNSCOPED_INFO(line);
        CHECK(q.matches(r.event) == r.expected);
    }
}

template <typename F>
ecs::Event with(ecs::Event e, F&& change) {
    change(e);
    return e;
}

}  // namespace

TEST_CASE("seed: Attempt to Disable IPTables or Firewall", "[eql][seed]") {
    run(kDisableFirewall,
        {
            // branch: ufw disable
            {"ufw disable", exec("ufw", {"ufw", "disable"}), true},
            {"ufw enable", exec("ufw", {"ufw", "enable"}), false},
            {"ufw DISABLE (case)", exec("ufw", {"ufw", "DISABLE"}), false},
            {"UFW disable (name case)", exec("UFW", {"UFW", "disable"}), false},
            // branch: iptables flush with exactly 2 args
            {"iptables -F", exec("iptables", {"iptables", "-F"}), true},
            {"iptables --flush", exec("iptables", {"iptables", "--flush"}), true},
            {"iptables -X", exec("iptables", {"iptables", "-X"}), true},
            {"iptables --delete-chain", exec("iptables", {"iptables", "--delete-chain"}), true},
            {"iptables -F INPUT (3 args)", exec("iptables", {"iptables", "-F", "INPUT"}), false},
            {"iptables -L", exec("iptables", {"iptables", "-L"}), false},
            {"ip6tables -F (not in this branch)", exec("ip6tables", {"ip6tables", "-F"}), false},
            // branch: iptables/ip6tables under a force-stop parent
            {"ip6tables under force-stop",
             exec("ip6tables", {"ip6tables", "-P", "INPUT", "ACCEPT"},
                  {"/bin/sh", "/etc/init.d/ip6tables", "force-stop"}),
             true},
            {"iptables under force-stop",
             exec("iptables", {"iptables", "-L"}, {"sh", "/etc/init.d/iptables", "force-stop"}),
             true},
            {"ip6tables under stop",
             exec("ip6tables", {"ip6tables", "-L"}, {"sh", "/etc/init.d/iptables", "stop"}), false},
            {"ip6tables, parent args missing",
             with(exec("ip6tables", {"ip6tables", "-L"}),
                  [](ecs::Event& e) { e.parent.args.reset(); }),
             false},
            // branch: service <fw> stop
            {"service firewalld stop", exec("service", {"service", "firewalld", "stop"}), true},
            {"service iptables stop", exec("service", {"service", "iptables", "stop"}), true},
            {"service firewalld start", exec("service", {"service", "firewalld", "start"}), false},
            {"service sshd stop", exec("service", {"service", "sshd", "stop"}), false},
            // branch: chkconfig <fw> off
            {"chkconfig iptables off", exec("chkconfig", {"chkconfig", "iptables", "off"}), true},
            {"chkconfig iptables on", exec("chkconfig", {"chkconfig", "iptables", "on"}), false},
            // branch: systemctl disable/stop/kill <fw>
            {"systemctl stop firewalld", exec("systemctl", {"systemctl", "stop", "firewalld"}),
             true},
            {"systemctl disable firewalld.service",
             exec("systemctl", {"systemctl", "disable", "firewalld.service"}), true},
            {"systemctl kill ip6tables.service",
             exec("systemctl", {"systemctl", "kill", "ip6tables.service"}), true},
            {"systemctl restart firewalld",
             exec("systemctl", {"systemctl", "restart", "firewalld"}), false},
            {"systemctl stop nginx", exec("systemctl", {"systemctl", "stop", "nginx"}), false},
            {"systemctl stop firewalld.socket",
             exec("systemctl", {"systemctl", "stop", "firewalld.socket"}), false},
            // the shared preconditions
            {"event.type end",
             with(exec("ufw", {"ufw", "disable"}), [](ecs::Event& e) { e.type = {"end"}; }), false},
            {"event.type [start, change]",
             with(exec("ufw", {"ufw", "disable"}),
                  [](ecs::Event& e) {
                      e.type = {"change", "start"};
                  }),
             true},
            {"event.action fork",
             with(exec("ufw", {"ufw", "disable"}),
                  [](ecs::Event& e) { e.action = ecs::Action::Fork; }),
             false},
            {"not a process event",
             with(exec("ufw", {"ufw", "disable"}), [](ecs::Event& e) { e.category = {"file"}; }),
             false},
            {"process name missing",
             with(exec("ufw", {"ufw", "disable"}), [](ecs::Event& e) { e.process.name.reset(); }),
             false},
        });
}

TEST_CASE("seed: IPv4/IPv6 Forwarding Activity", "[eql][seed]") {
    run(kIpForwarding,
        {
            // branch: sysctl writing a forwarding key
            {"sysctl -w net.ipv4.ip_forward=1",
             exec("sysctl", {"sysctl", "-w", "net.ipv4.ip_forward=1"}), true},
            {"sysctl net.ipv6.conf.all.forwarding=1 (= in an arg)",
             exec("sysctl", {"sysctl", "net.ipv6.conf.all.forwarding=1"}), true},
            {"sysctl --write net.ipv4.ip_forward",
             exec("sysctl", {"sysctl", "--write", "net.ipv4.ip_forward"}), true},
            {"sysctl read-only net.ipv4.ip_forward",
             exec("sysctl", {"sysctl", "net.ipv4.ip_forward"}), false},
            {"sysctl -w some other key", exec("sysctl", {"sysctl", "-w", "vm.swappiness=10"}),
             false},
            {"SYSCTL (name case)", exec("SYSCTL", {"SYSCTL", "-w", "net.ipv4.ip_forward=1"}),
             false},
            // branch: a shell echoing into /proc
            {"bash -c echo 1 > /proc/sys/net/ipv4/ip_forward",
             exec("bash", {"bash", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"}), true},
            {"sh -c echo into ipv6 forwarding",
             exec("sh", {"sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/all/forwarding"}), true},
            {"bash -c cat (no echo)",
             exec("bash", {"bash", "-c", "cat /proc/sys/net/ipv4/ip_forward"}), false},
            {"bash without -c",
             exec("bash", {"bash", "script.sh", "echo 1 > /proc/sys/net/ipv4/ip_forward"}), false},
            {"python -c echo",
             exec("python3", {"python3", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"}), false},
            {"bash -c echo to another file", exec("bash", {"bash", "-c", "echo 1 > /tmp/x"}),
             false},
            // parent.executable must exist
            {"parent executable missing",
             with(exec("sysctl", {"sysctl", "-w", "net.ipv4.ip_forward=1"}),
                  [](ecs::Event& e) { e.parent.executable.reset(); }),
             false},
            // the exclusion of known parents (like~, case-insensitive)
            {"parent privsep-helper",
             exec("sysctl", {"sysctl", "-w", "net.ipv4.ip_forward=1"}, {"privsep-helper"}), false},
            {"parent PLATFORM-PYTHON3.6 (case)",
             exec("sysctl", {"sysctl", "-w", "net.ipv4.ip_forward=1"}, {"PLATFORM-PYTHON3.6"}),
             false},
            {"parent init.ipv6-global",
             exec("sysctl", {"sysctl", "-w", "net.ipv4.ip_forward=1"}, {"init.ipv6-global"}),
             false},
            {"parent init.ipv6-globa (comm cut to 15)",
             exec("sysctl", {"sysctl", "-w", "net.ipv4.ip_forward=1"}, {"init.ipv6-globa"}), true},
            {"parent name missing: not ... like~ matches",
             with(exec("sysctl", {"sysctl", "-w", "net.ipv4.ip_forward=1"}),
                  [](ecs::Event& e) { e.parent.name.reset(); }),
             true},
            {"command line missing",
             with(exec("sysctl", {"sysctl", "-w", "net.ipv4.ip_forward=1"}),
                  [](ecs::Event& e) { e.process.command_line.reset(); }),
             false},
            {"not a start event",
             with(exec("sysctl", {"sysctl", "-w", "net.ipv4.ip_forward=1"}),
                  [](ecs::Event& e) { e.type = {"end"}; }),
             false},
        });
}

}  // namespace test_seed_rules
