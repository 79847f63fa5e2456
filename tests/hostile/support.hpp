// Helpers of the hostile-input and overload tests: audit records written as the kernel writes
// them, a reader run with any chunking, memory readings, and the real binary run in plugin
// mode with its stdin on a pipe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "../common/temp_dir.hpp"
#include "audit/reader.hpp"
#include "ecs/event.hpp"

namespace hostile_support {

// ASan keeps freed memory in quarantine (256 MB by default), so resident-size checks of churn
// mean nothing under it; they run in the plain builds.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

// "SEC.MS:SERIAL" of serial n at a fixed second; events 1 ms apart.
std::string stamp(uint64_t serial, uint64_t base_seconds = 1700000000);

struct Exec {
    std::string stamp = "1700000000.123:100";
    std::string pid = "20";
    std::string ppid = "10";
    std::string uid = "0";
    std::string path = "/usr/sbin/iptables";  // PATH item 0
    std::string exe = "/usr/sbin/xtables-nft-multi";
    std::vector<std::string> args{"iptables", "-F"};
    bool eoe = false;  // end with an EOE record, as auditd's plugin stream does
};

// SYSCALL + EXECVE (split into several records past ~7.5 KB, as the kernel does) + CWD +
// PATH + PROCTITLE (+ EOE), each line ending in "\n". Args are written hex-encoded.
std::string exec_records(const Exec& exec);

// A SYSCALL record of any syscall number (56 clone, 231 exit_group, ...).
std::string syscall_record(const std::string& stamp, int syscall, const std::string& pid,
                           const std::string& ppid, const std::string& exit = "0");

struct ReadResult {
    std::vector<ecs::Event> events;
    audit::ReaderStats stats;
};

// Feeds `text` in the given pieces (offsets where a new read starts; empty: one read).
ReadResult read(std::string_view text, const std::vector<std::size_t>& cuts = {},
                const audit::ReaderOptions& options = {});
// Feeds `text` in reads of `chunk` bytes.
ReadResult read_chunked(std::string_view text, std::size_t chunk,
                        const audit::ReaderOptions& options = {});

// The events as NDJSON, for whole-output comparisons.
std::vector<std::string> as_json(const std::vector<ecs::Event>& events);

// The event of serial `serial`, or nullptr.
const ecs::Event* by_serial(const std::vector<ecs::Event>& events, uint64_t serial);

// Resident set size of this process now, in bytes (from /proc/self/statm).
std::size_t resident_bytes();

// A private folder (removed by the destructor) with rules/ holding copies of the shipped
// rules, owned by root and not writable by others, as plugin mode demands.
class Workdir {
  public:
    Workdir();
    const std::string& path() const { return path_; }
    std::string rules() const { return path_ + "/rules"; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    test_common::TempDir dir_{"audisp-hostile"};
    std::string path_ = dir_.path().string();
};

// The audisp-eql binary (AUDISP_BINARY from the environment, else the build's).
std::string binary();

// The binary in plugin mode (no --input): its stdin is a pipe we write, stderr goes to a file.
class Plugin {
  public:
    Plugin(const std::vector<std::string>& args, const std::string& stderr_file);
    ~Plugin();
    Plugin(const Plugin&) = delete;
    Plugin& operator=(const Plugin&) = delete;

    // Writes all of `bytes` (blocking while the plugin is behind, as auditd would).
    void write(std::string_view bytes);
    void signal(int signal_number) const;
    // Closes stdin (auditd's EOF) and waits; returns the exit status (-1 on a signal).
    int finish();
    pid_t pid() const { return pid_; }

  private:
    pid_t pid_ = -1;
    int stdin_fd_ = -1;
};

// The counters of the last "stats:" line in a log, as key -> value.
std::map<std::string, uint64_t> last_stats(const std::string& log_text);
std::size_t count_occurrences(std::string_view text, std::string_view what);
std::string read_file(const std::string& path);

}  // namespace hostile_support
