#include "app/input_files.hpp"

#include <fcntl.h>
#include <glob.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <utility>

namespace app {
namespace {

constexpr std::size_t kRawChunk = 1 << 20;
constexpr std::size_t kOutChunk = 4 << 20;

bool all_digits(std::string_view s) {
    return !s.empty() && s.size() <= 18 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool has_wildcard(std::string_view pattern) {
    return pattern.find_first_of("*?[") != std::string_view::npos;
}

std::string errno_text(int error) { return std::strerror(error); }

// Opens and stats a file for the early check; throws InputError with the reason.
InputFile probe(const std::string& path) {
    InputFile file{path};
    if (path == "-") return file;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        throw InputError("cannot read input " + path + ": " + errno_text(error));
    }
    struct stat st {};
    const int rc = ::fstat(fd, &st);
    const int error = errno;
    ::close(fd);
    if (rc != 0) throw InputError("cannot read input " + path + ": " + errno_text(error));
    if (S_ISDIR(st.st_mode)) throw InputError("input " + path + " is a directory");
    if (S_ISREG(st.st_mode)) {
        file.size = static_cast<uint64_t>(st.st_size);
        file.sized = true;
    }
    return file;
}

std::vector<std::string> glob_pattern(const std::string& pattern) {
    glob_t matches{};
    const int rc = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &matches);
    std::vector<std::string> out;
    if (rc == 0) {
        for (std::size_t i = 0; i < matches.gl_pathc; ++i) out.emplace_back(matches.gl_pathv[i]);
    }
    ::globfree(&matches);
    if (rc == GLOB_NOMATCH) throw InputError("no input file matches " + pattern);
    if (rc != 0) throw InputError("cannot expand input pattern " + pattern);
    return out;
}

}  // namespace

RotationKey rotation_key(std::string_view path) {
    std::string_view name = path;
    if (name.size() > 3 && name.substr(name.size() - 3) == ".gz") name.remove_suffix(3);
    RotationKey key;
    const std::size_t dot = name.rfind('.');
    const std::size_t slash = name.rfind('/');
    const bool in_name =
        dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash);
    if (in_name && all_digits(name.substr(dot + 1))) {
        key.family = std::string(name.substr(0, dot));
        key.kind = 0;
        key.number = std::stoull(std::string(name.substr(dot + 1)));
        return key;
    }
    const std::size_t dash = name.rfind('-');
    if (dash != std::string_view::npos && (slash == std::string_view::npos || dash > slash) &&
        all_digits(name.substr(dash + 1)) && name.size() - dash - 1 >= 8) {
        key.family = std::string(name.substr(0, dash));
        key.kind = 1;
        key.number = std::stoull(std::string(name.substr(dash + 1)));
        return key;
    }
    key.family = std::string(name);
    key.kind = 2;
    return key;
}

bool rotation_before(const RotationKey& older, const RotationKey& newer) {
    if (older.kind != newer.kind) return older.kind < newer.kind;
    if (older.kind == 0) return older.number > newer.number;  // .9 was written before .1
    return older.number < newer.number;                       // dates ascend
}

std::vector<InputFile> expand_inputs(const std::vector<std::string>& patterns) {
    std::vector<std::string> paths;
    std::set<std::string> seen;
    for (const std::string& pattern : patterns) {
        std::vector<std::string> expanded;
        if (pattern == "-" || !has_wildcard(pattern)) {
            expanded.push_back(pattern);
        } else {
            expanded = glob_pattern(pattern);
        }
        for (std::string& path : expanded) {
            if (seen.insert(path).second) paths.push_back(std::move(path));
        }
    }

    // Reorder each rotation family within the slots it occupies.
    std::map<std::string, std::vector<std::size_t>> families;
    std::vector<RotationKey> keys;
    keys.reserve(paths.size());
    for (std::size_t i = 0; i < paths.size(); ++i) {
        keys.push_back(rotation_key(paths[i]));
        if (paths[i] != "-") families[keys.back().family].push_back(i);
    }
    std::vector<std::string> ordered = paths;
    for (const auto& [family, slots] : families) {
        if (slots.size() < 2) continue;
        std::vector<std::size_t> members = slots;
        std::stable_sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
            return rotation_before(keys[a], keys[b]);
        });
        for (std::size_t k = 0; k < slots.size(); ++k) ordered[slots[k]] = paths[members[k]];
    }

    std::vector<InputFile> files;
    files.reserve(ordered.size());
    for (const std::string& path : ordered) files.push_back(probe(path));
    return files;
}

InputReader::InputReader(const InputFile& file) : path_(file.path) {
    if (path_ == "-") {
        fd_ = STDIN_FILENO;
    } else {
        fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) {
            const int error = errno;
            throw InputError("cannot read input " + path_ + ": " + errno_text(error));
        }
        own_fd_ = true;
    }
    raw_.resize(kRawChunk);
}

InputReader::~InputReader() {
    if (zs_init_) inflateEnd(&zs_);
    if (own_fd_) ::close(fd_);
}

bool InputReader::fill_raw() {
    if (raw_eof_) return false;
    if (raw_begin_ > 0) {  // keep what inflate has not consumed yet at the front
        std::memmove(raw_.data(), raw_.data() + raw_begin_, raw_end_ - raw_begin_);
        raw_end_ -= raw_begin_;
        raw_begin_ = 0;
    }
    for (;;) {
        const ssize_t n = ::read(fd_, raw_.data() + raw_end_, raw_.size() - raw_end_);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int error = errno;
            throw InputError("cannot read input " + path_ + ": " + errno_text(error));
        }
        if (n == 0) {
            raw_eof_ = true;
            return false;
        }
        raw_end_ += static_cast<std::size_t>(n);
        raw_bytes_ += static_cast<uint64_t>(n);
        return true;
    }
}

std::string_view InputReader::next() {
    if (!sniffed_) {
        sniffed_ = true;
        // Fill until at least two bytes (or the end) decide gzip or text.
        while (raw_end_ < 2 && fill_raw()) {
        }
        gzip_ = raw_end_ >= 2 && raw_[0] == 0x1f && raw_[1] == 0x8b;
        if (gzip_) out_.resize(kOutChunk);
    }
    if (!gzip_) {
        if (raw_begin_ == raw_end_) {
            raw_begin_ = raw_end_ = 0;
            if (!fill_raw()) return {};
        }
        std::string_view chunk(reinterpret_cast<const char*>(raw_.data()) + raw_begin_,
                               raw_end_ - raw_begin_);
        raw_begin_ = raw_end_;
        return chunk;
    }

    for (;;) {
        if (raw_begin_ == raw_end_ && !fill_raw()) {
            if (stream_open_) throw InputError("input " + path_ + ": truncated gzip data");
            return {};
        }
        if (!stream_open_) {
            // A new gzip member starts here (the first, or one concatenated after another).
            while (raw_end_ - raw_begin_ < 2 && fill_raw()) {
            }
            if (raw_end_ - raw_begin_ < 2 || raw_[raw_begin_] != 0x1f ||
                raw_[raw_begin_ + 1] != 0x8b) {
                spdlog::warn("input {}: trailing bytes after the gzip data ignored", path_);
                raw_begin_ = raw_end_;
                while (fill_raw()) raw_begin_ = raw_end_;
                return {};
            }
            if (!zs_init_) {
                if (inflateInit2(&zs_, 15 + 16) != Z_OK) {
                    throw InputError("input " + path_ + ": cannot start gzip decompression");
                }
                zs_init_ = true;
            } else {
                inflateReset(&zs_);
            }
            stream_open_ = true;
        }
        zs_.next_in = raw_.data() + raw_begin_;
        zs_.avail_in = static_cast<uInt>(raw_end_ - raw_begin_);
        zs_.next_out = reinterpret_cast<Bytef*>(out_.data());
        zs_.avail_out = static_cast<uInt>(out_.size());
        const int rc = inflate(&zs_, Z_NO_FLUSH);
        raw_begin_ = raw_end_ - zs_.avail_in;
        if (rc == Z_STREAM_END) {
            stream_open_ = false;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            throw InputError("input " + path_ + ": corrupt gzip data (" +
                             (zs_.msg != nullptr ? std::string(zs_.msg) : std::to_string(rc)) +
                             ")");
        }
        const std::size_t produced = out_.size() - zs_.avail_out;
        if (produced > 0) return {out_.data(), produced};
    }
}

}  // namespace app
