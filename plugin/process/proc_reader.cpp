#include "process/proc_reader.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "util/file_text.hpp"

namespace process {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_link(const fs::path& path) {
    std::error_code error;
    const fs::path target = fs::read_symlink(path, error);
    if (error) return std::nullopt;
    return target.string();
}

}  // namespace

ProcReader::ProcReader(std::string proc_root)
    : root_(std::move(proc_root)), ticks_per_second_(::sysconf(_SC_CLK_TCK)) {
    std::ifstream stat(fs::path(root_) / "stat");
    std::string line;
    while (std::getline(stat, line)) {
        if (line.starts_with("btime ")) {
            try {
                boot_us_ = std::stoll(line.substr(6)) * 1'000'000;
            } catch (const std::exception&) {
                boot_us_.reset();
            }
        }
    }
}

std::optional<int64_t> ProcReader::start_of(const std::string& stat) const {
    // comm (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const auto close = stat.rfind(')');
    if (!boot_us_ || ticks_per_second_ <= 0 || close == std::string::npos) return std::nullopt;
    std::istringstream rest(stat.substr(close + 1));
    std::string field;
    for (int index = 3; index <= 22 && (rest >> field); ++index) {
        if (index != 22) continue;
        try {
            const long long ticks = std::stoll(field);
            return *boot_us_ + ticks * 1'000'000 / ticks_per_second_;
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::optional<ecs::ProcessImage> ProcReader::read(int64_t pid) {
    const fs::path dir = fs::path(root_) / std::to_string(pid);
    const auto cmdline = util::read_file_text(dir / "cmdline");
    if (!cmdline) return std::nullopt;  // gone, or never existed
    ecs::ProcessImage image;
    image.pid = pid;
    image.executable = read_link(dir / "exe");
    image.working_directory = read_link(dir / "cwd");
    if (const auto stat = util::read_file_text(dir / "stat")) image.start_us = start_of(*stat);
    if (auto comm = util::read_file_text(dir / "comm")) {
        while (!comm->empty() && comm->back() == '\n') comm->pop_back();
        image.name = std::move(*comm);
    }
    // Kernel threads have an empty cmdline: no args rather than one empty arg.
    if (!cmdline->empty()) {
        std::vector<std::string> args;
        std::size_t start = 0;
        while (start < cmdline->size()) {
            const auto nul = cmdline->find('\0', start);
            const auto end = nul == std::string::npos ? cmdline->size() : nul;
            args.push_back(cmdline->substr(start, end - start));
            start = end + 1;
        }
        image.command_line = ecs::join_command_line(args);
        image.args = std::move(args);
    }
    return image;
}

std::optional<int64_t> ProcReader::parent_of(int64_t pid) const {
    std::ifstream status(fs::path(root_) / std::to_string(pid) / "status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("PPid:")) {
            try {
                return std::stoll(line.substr(5));
            } catch (const std::exception&) {
                return std::nullopt;
            }
        }
    }
    return std::nullopt;
}

std::size_t ProcReader::seed(ProcessTable& table, const std::string& host) {
    std::size_t count = 0;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(root_, error)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        const int64_t pid = std::stoll(name);
        if (auto image = read(pid)) {
            table.seed(host, *image, parent_of(pid));
            ++count;
        }
    }
    return count;
}

}  // namespace process
