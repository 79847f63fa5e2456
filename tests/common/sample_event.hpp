// The sample exec most tests start from: `iptables -F` run by root from `bash -c`, every
// process field present. The EQL tests assert its exact values; the fuzz targets add to it.
#pragma once

#include <string>
#include <vector>

#include "ecs/event.hpp"

namespace test_common {

inline ecs::Event iptables_exec() {
    ecs::Event e;
    e.category = {"process"};
    e.type = {"start"};
    e.action = ecs::Action::Exec;
    e.outcome = "success";
    e.timestamp_us = 1700000000000000;
    e.host_name = "10.1.2.3";
    e.process.pid = 1234;
    e.process.name = "iptables";
    e.process.executable = "/usr/sbin/xtables-nft-multi";
    e.process.args = std::vector<std::string>{"iptables", "-F"};
    e.process.command_line = "iptables -F";
    e.process.working_directory = "/root";
    e.process.interactive = true;
    e.process.user.id = "0";
    e.process.user.name = "root";
    e.user.id = "0";
    e.user.name = "root";
    e.parent.pid = 1000;
    e.parent.name = "bash";
    e.parent.executable = "/usr/bin/bash";
    e.parent.args = std::vector<std::string>{"bash", "-c", "iptables -F"};
    e.parent.command_line = "bash -c iptables -F";
    return e;
}

}  // namespace test_common
