// The handful of alert fields that line-oriented formats (CEF, text, syslog structured data)
// show, read from the typed alert in one place so that the formats agree on their sources.
#pragma once

#include <string>
#include <vector>

#include "alert/alert.hpp"

namespace alert {

struct AlertFields {
    std::string host;                 // host.name
    std::string user_name;            // user.name (falls back to process.user.name)
    std::string user_id;              // user.id (falls back to process.user.id)
    std::string pid;                  // process.pid
    std::string process_name;         // process.name
    std::string executable;           // process.executable
    std::string command_line;         // process.command_line, else process.args joined by " "
    std::string working_directory;    // process.working_directory
    std::string parent_pid;           // process.parent.pid
    std::string parent_name;          // process.parent.name
    std::string parent_executable;    // process.parent.executable
    std::string parent_command_line;  // process.parent.command_line, else its args
    std::string rule_version;         // rule.version
    std::string techniques;           // threat[].technique[].id, comma-separated
    std::string message;              // message (throttle summaries set it)
    // Sequence alerts: each step as "stage:action name[pid]" (plus
    // " file=..." / " dst=..." when present), joined by " > ".
    std::string sequence_steps;
};

// Raw values, exactly as the JSON document has them (not yet escaped or repaired).
AlertFields extract_fields(const Alert& alert);

}  // namespace alert
