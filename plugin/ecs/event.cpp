#include "ecs/event.hpp"

#include "ecs/decimal.hpp"

namespace ecs {

std::string_view action_name(Action action) noexcept {
    switch (action) {
        case Action::Exec:
            return "exec";
        case Action::Fork:
            return "fork";
        case Action::End:
            return "end";
        case Action::KilledPid:
            return "killed-pid";
        case Action::Prctl:
            return "prctl";
        case Action::Creation:
            return "creation";
        case Action::Modification:
            return "modification";
        case Action::Deletion:
            return "deletion";
        case Action::Rename:
            return "rename";
        case Action::AttributesModified:
            return "attributes_modified";
        case Action::ConnectionAttempted:
            return "connection_attempted";
        case Action::Bind:
            return "bind";
        case Action::ConnectionAccepted:
            return "connection_accepted";
    }
    return "unknown";
}

void append_identity(std::string& name, const Event& event) {
    name += '\n';
    name += event.node;
    name += '\x1f';
    name += DecimalText(event.sequence).view();
    name += '\x1f';
    name += DecimalText(event.timestamp_us).view();
    name += '\x1f';
    name += action_name(event.action);
}

std::string join_command_line(const std::vector<std::string>& args) {
    std::size_t size = 0;
    for (const auto& arg : args) size += arg.size() + 1;
    std::string line;
    line.reserve(size);
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (i > 0) line.push_back(' ');
        line.append(args[i]);
    }
    return line;
}

}  // namespace ecs
