#include "ecs/event.hpp"

namespace ecs {

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
