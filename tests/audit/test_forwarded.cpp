// Records forwarded through syslog and the kernel's own audit lines (forwarded.hpp), each form as
// its tool writes it, rewritten to audit.log's form; and through the whole reader, the event.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "audit/forwarded.hpp"
#include "audit/reader.hpp"

namespace test_forwarded {

namespace {

std::string normalised(const std::string& line) {
    std::string out;
    return audit::normalise_forwarded(line, out) ? out : "<refused>";
}

constexpr const char* kRecord =
    "type=EXECVE msg=audit(1700000000.123:456): argc=2 a0=\"iptables\" a1=\"-F\"";

}  // namespace

TEST_CASE("syslog prefixes are stripped; the syslog host becomes the node") {
    // audisp-syslog through rsyslog's traditional file format (day padded with a space).
    CHECK(normalised(std::string("Feb  6 17:42:49 web1 audisp-syslog: ") + kRecord) ==
          std::string("node=web1 ") + kRecord);
    // Two-digit day, a tag with a pid, as syslog(3) writes it.
    CHECK(normalised(std::string("Dec 12 07:02:03 web-2.example.org audispd[812]: ") + kRecord) ==
          std::string("node=web-2.example.org ") + kRecord);
    // rsyslog's RFC 3339 file format (Debian 12's default).
    CHECK(normalised(std::string("2026-02-06T17:42:49.123456+01:00 web1 audit: ") + kRecord) ==
          std::string("node=web1 ") + kRecord);
    // RFC 5424 on the wire, with structured data (an escaped ']') and a BOM.
    CHECK(normalised(std::string("<86>1 2026-02-06T17:42:49Z web1 audispd 812 - "
                                 "[meta x=\"a\\]b\"][more y=\"1\"] \xEF\xBB\xBF") +
                     kRecord) == std::string("node=web1 ") + kRecord);
    CHECK(normalised(std::string("<86>1 - - audispd - - - ") + kRecord) == kRecord);
    // RFC 3164 on the wire.
    CHECK(normalised(std::string("<86>Feb  6 17:42:49 web1 audispd: ") + kRecord) ==
          std::string("node=web1 ") + kRecord);
    // A record's own node= wins over the syslog host.
    CHECK(normalised(std::string("Feb  6 17:42:49 relay audispd: node=db1 ") + kRecord) ==
          std::string("node=db1 ") + kRecord);
}

TEST_CASE("kernel audit lines: numeric types named by libaudit, audit( becomes msg=audit(") {
    const std::string body = "arch=c000003e syscall=59 success=yes exit=0";
    const std::string want = "type=SYSCALL msg=audit(1700000000.123:456): " + body;
    // dmesg, journalctl -k -o cat, kern.log through syslog.
    CHECK(normalised("[ 1234.567890] audit: type=1300 audit(1700000000.123:456): " + body) == want);
    CHECK(normalised("audit: type=1300 audit(1700000000.123:456): " + body) == want);
    CHECK(normalised("Feb  6 17:42:49 web1 kernel: [   12.345678] audit: type=1300 "
                     "audit(1700000000.123:456): " +
                     body) == "node=web1 " + want);
    CHECK(
        normalised("Feb 06 17:42:49 web1 kernel: audit: type=1327 audit(1700000000.123:456): "
                   "proctitle=69707461626C6573002D46") ==
        "node=web1 type=PROCTITLE msg=audit(1700000000.123:456): proctitle=69707461626C6573002D46");
    CHECK(normalised("type=1309 audit(1700000000.123:456): argc=1 a0=\"x\"") ==
          "type=EXECVE msg=audit(1700000000.123:456): argc=1 a0=\"x\"");
    // A type libaudit does not know, written as ausearch writes it.
    CHECK(normalised("audit: type=1999 audit(1700000000.123:456): x=1") ==
          "type=UNKNOWN[1999] msg=audit(1700000000.123:456): x=1");
}

TEST_CASE("lines that are no forwarded audit record are refused") {
    for (const char* line : {
             "",
             "hello world",
             "Feb  6 17:42:49 web1 sshd[1]: Accepted password for root",
             "Feb  6 17:42:49 web1 audispd type=SYSCALL msg=audit(1.2:3): x=1",  // no tag colon
             "type=SYSCALL msg=audit(garbage): x=1",  // audit.log form, a bad stamp: not ours
             "Feb 31 17:42:49",
             "<86>1 2026-02-06T17:42:49Z web1 audispd 812 - [unterminated x=\"1\" ",
             "[ 12.3] usb 1-1: new device",
             "audit: backlog limit exceeded",
         }) {
        INFO(line);
        CHECK(normalised(line) == "<refused>");
    }
}

TEST_CASE("a forwarded exec becomes the same event, host.name from syslog, node= kept") {
    const std::vector<std::string> lines = {
        "Feb  6 17:42:49 web1 audisp-syslog: type=SYSCALL msg=audit(1700000000.123:100): "
        "arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=10 pid=20 "
        "auid=1000 uid=1000 gid=1000 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 "
        "comm=\"iptables\" exe=\"/usr/sbin/xtables-nft-multi\" key=\"exec\"#035ARCH=x86_64 "
        "SYSCALL=execve AUID=\"alice\" UID=\"alice\" GID=\"staff\" EUID=\"root\" SUID=\"root\" "
        "FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\"",
        // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one record, split to fit the line
        "Feb  6 17:42:49 web1 audisp-syslog: type=EXECVE msg=audit(1700000000.123:100): argc=2 "
        "a0=\"iptables\" a1=\"-F\"",
        "Feb  6 17:42:49 web1 audisp-syslog: type=CWD msg=audit(1700000000.123:100): cwd=\"/root\"",
        "Feb  6 17:42:49 web1 audisp-syslog: type=PATH msg=audit(1700000000.123:100): item=0 "
        "name=\"/usr/sbin/iptables\" inode=1 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 "
        "nametype=NORMAL cap_frootid=0#035OUID=\"root\" OGID=\"root\"",
        "Feb  6 17:42:49 web1 audisp-syslog: type=PROCTITLE msg=audit(1700000000.123:100): "
        "proctitle=69707461626C6573002D46",
    };
    std::vector<ecs::Event> events;
    audit::AuditReader reader({}, [&](ecs::Event&& e) { events.push_back(std::move(e)); });
    for (const auto& line : lines) reader.feed(line + "\n");
    reader.finish();
    REQUIRE(events.size() == 1);
    const ecs::Event& e = events[0];
    CHECK(e.host_name == "web1");
    CHECK(e.process.pid == 20);
    CHECK(e.parent.pid == 10);
    CHECK(e.process.name == "iptables");
    CHECK(e.process.executable == "/usr/sbin/xtables-nft-multi");
    CHECK(e.process.args == std::vector<std::string>{"iptables", "-F"});
    CHECK(e.process.command_line == "iptables -F");
    CHECK(e.user.name == "root");
    CHECK(e.user_real.name == "alice");
    CHECK(e.auditd.auid_name == "alice");
    CHECK(reader.stats().lines.forwarded == 5);
    CHECK(reader.stats().lines.malformed_total() == 0);
}

}  // namespace test_forwarded
