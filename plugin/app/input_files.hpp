// Offline inputs: expands --input patterns (glob(3)), puts rotated audit logs in the order they
// were written (audit.log.N ... audit.log.1, audit.log) and reads plain or gzip files, or stdin,
// in chunks while counting the bytes taken from the file (for the progress bar).
#pragma once

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace app {

// An input that cannot be found, opened or read (the program exits with status 2).
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct InputFile {
    std::string path;    // "-" for stdin
    uint64_t size = 0;   // bytes on disk (compressed size for .gz); 0 for stdin and pipes
    bool sized = false;  // size is known (a regular file)
};

// Where a file sits in its rotation family: "audit.log.3.gz" is {"audit.log", 3}.
struct RotationKey {
    std::string family;  // directory + base name, without the rotation suffix and ".gz"
    int kind = 2;        // 0: ".N" (older when N is larger), 1: "-YYYYMMDD" dateext, 2: current
    uint64_t number = 0;
};
RotationKey rotation_key(std::string_view path);

// True when `older` was written before `newer` in the same rotation family.
bool rotation_before(const RotationKey& older, const RotationKey& newer);

// Expands every pattern with glob(3) (a pattern without wildcards is taken as is), drops exact
// duplicates, and reorders the members of each rotation family oldest first, keeping the
// positions the family occupies in the list (so `--input a.log b.log` keeps a before b, while
// a shell's `audit.log audit.log.1 audit.log.10 audit.log.2` becomes .10 .2 .1 audit.log).
// Checks that every file can be opened and records its size. Throws InputError naming the
// file for a pattern that matches nothing, a missing or unreadable file, or a directory.
std::vector<InputFile> expand_inputs(const std::vector<std::string>& patterns);

// Reads one input: plain text, or gzip (detected by its magic bytes, also on stdin; several
// concatenated gzip members are read as one stream). Throws InputError on read or
// decompression errors.
class InputReader {
  public:
    explicit InputReader(const InputFile& file);
    ~InputReader();
    InputReader(const InputReader&) = delete;
    InputReader& operator=(const InputReader&) = delete;

    // The next chunk of text, or an empty view at the end. Valid until the next call.
    std::string_view next();
    // Bytes taken from the file so far (compressed bytes for gzip).
    uint64_t raw_bytes() const noexcept { return raw_bytes_; }
    bool compressed() const noexcept { return gzip_; }

  private:
    bool fill_raw();  // false at end of file

    std::string path_;
    int fd_ = -1;
    bool own_fd_ = false;
    bool gzip_ = false;
    bool sniffed_ = false;
    bool raw_eof_ = false;
    bool stream_open_ = false;  // inside a gzip member
    uint64_t raw_bytes_ = 0;
    std::vector<unsigned char> raw_;
    std::size_t raw_begin_ = 0;
    std::size_t raw_end_ = 0;
    std::vector<char> out_;
    z_stream zs_{};
    bool zs_init_ = false;
};

}  // namespace app
