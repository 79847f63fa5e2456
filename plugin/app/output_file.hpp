// The NDJSON events output (--events-output): complete lines only, buffered and written at least
// once a second so that a shipper tailing the file sees events as they happen, reopened on
// SIGHUP (logrotate without copytruncate). In plugin mode a write error (a full disk) is counted,
// logged and retried later, never an exit; offline it stops the run (exit 2).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "alert/log_limiter.hpp"
#include "alert/net.hpp"

namespace app {

struct OutputFileStats {
    uint64_t lines = 0;         // lines handed to write_line()
    uint64_t written = 0;       // lines completely written
    uint64_t dropped = 0;       // lines given up: the buffer was full while writes failed
    uint64_t write_errors = 0;  // failed write(2) calls
    uint64_t reopens = 0;
};

class OutputFile {
  public:
    struct Mode {
        bool append = false;      // plugin mode: never truncate (auditd restarts plugins)
        bool keep_going = false;  // plugin mode: count and retry write errors instead of throwing
    };
    static constexpr std::size_t kFlushBytes = 64 << 10;      // write when this much is buffered
    static constexpr std::size_t kMaxBufferBytes = 16 << 20;  // held while writes fail
    static constexpr std::chrono::seconds kFlushInterval{1};

    // "-" is stdout. Throws std::system_error when the file cannot be opened.
    OutputFile(std::string path, Mode mode);

    // Buffers one line (a newline is added); writes when the buffer is large or a second passed.
    // Throws std::system_error on a write error unless mode.keep_going.
    void write_line(std::string_view line);
    // Writes what is buffered if the last write is a second old (call it when idle, too).
    void flush_if_due();
    void flush();
    // Opens the path again (after logrotate moved it); on failure keeps the old descriptor.
    void reopen();
    const OutputFileStats& stats() const { return stats_; }
    const std::string& path() const { return path_; }

  private:
    alert::net::Fd open_file() const;
    void write_buffer();

    std::string path_;
    Mode mode_;
    alert::net::Fd file_;  // invalid for stdout
    std::string buffer_;   // complete lines only
    uint64_t buffered_lines_ = 0;
    std::chrono::steady_clock::time_point last_write_;
    OutputFileStats stats_;
    alert::LogLimiter log_limiter_;
};

}  // namespace app
