// Small POSIX socket helpers for the network sinks: an owning descriptor, name resolution and
// a connect with a deadline. Internal to alert/.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace alert::net {

// Owns a file descriptor; closes it on destruction. Move-only.
class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) reset(std::exchange(other.fd_, -1));
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    void reset(int fd = -1) noexcept;

  private:
    int fd_ = -1;
};

struct Address {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = 0;
};

// getaddrinfo for a socket type (SOCK_DGRAM/SOCK_STREAM). Throws std::runtime_error with the
// resolver's message on failure.
std::vector<Address> resolve(const std::string& host, const std::string& port, int socktype);

// A connected, non-blocking, close-on-exec TCP socket, or an invalid Fd (errno_out set) after
// trying every address in turn. `cancel` is polled every 100 ms so that shutdown is prompt.
Fd connect_stream(const std::vector<Address>& addresses, std::chrono::milliseconds timeout,
                  const std::atomic<bool>& cancel, int& errno_out);

// A close-on-exec datagram socket connected to the unix socket at `path` (a syslog daemon's
// /dev/log), or an invalid Fd (errno set) when the path is too long or nothing listens there.
Fd connect_unix_datagram(const std::string& path);

// Text of an errno value (strerror_r), for log messages.
std::string error_text(int error);

}  // namespace alert::net
