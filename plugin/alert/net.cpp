// Blocking calls are avoided: connects and sends poll with short slices so that a dead
// collector can never hold up shutdown for longer than a connect timeout.
#include "alert/net.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace alert::net {

void Fd::reset(int fd) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

std::vector<Address> resolve(const std::string& host, const std::string& port, int socktype) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = socktype;
    hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0) {
        throw std::runtime_error("cannot resolve '" + host + "' port " + port + ": " +
                                 ::gai_strerror(rc));
    }
    std::vector<Address> out;
    for (const addrinfo* info = found; info != nullptr; info = info->ai_next) {
        if (info->ai_addrlen > sizeof(sockaddr_storage)) continue;
        Address address;
        std::memcpy(&address.storage, info->ai_addr, info->ai_addrlen);
        address.length = info->ai_addrlen;
        address.family = info->ai_family;
        out.push_back(address);
    }
    ::freeaddrinfo(found);
    if (out.empty()) throw std::runtime_error("no usable address for '" + host + "'");
    return out;
}

Fd connect_stream(const std::vector<Address>& addresses, std::chrono::milliseconds timeout,
                  const std::atomic<bool>& cancel, int& errno_out) {
    errno_out = 0;
    for (const Address& address : addresses) {
        Fd fd(::socket(address.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!fd.valid()) {
            errno_out = errno;
            continue;
        }
        if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address.storage),
                      address.length) == 0) {
            return fd;
        }
        if (errno != EINPROGRESS) {
            errno_out = errno;
            continue;
        }
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        bool connected = false;
        while (!cancel.load() && std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd.get(), POLLOUT, 0};
            const int ready = ::poll(&p, 1, 100);
            if (ready < 0 && errno != EINTR) break;
            if (ready <= 0) continue;
            int error = 0;
            socklen_t length = sizeof error;
            ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
            if (error == 0) {
                connected = true;
            } else {
                errno_out = error;
            }
            break;
        }
        if (connected) return fd;
        if (errno_out == 0) errno_out = cancel.load() ? ECANCELED : ETIMEDOUT;
    }
    return Fd{};
}

std::string error_text(int error) {
    char buffer[256];
    // GNU strerror_r returns the message, which may or may not be in buffer.
    const char* text = ::strerror_r(error, buffer, sizeof buffer);
    return text;
}

Fd connect_unix_datagram(const std::string& path) {
    sockaddr_un address{};
    if (path.size() >= sizeof address.sun_path) {
        errno = ENAMETOOLONG;
        return {};
    }
    Fd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return fd;
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        return {};
    }
    return fd;
}

}  // namespace alert::net
