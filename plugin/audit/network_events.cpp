// SOCKADDR decoding and the Defend names of socket syscalls. Choices (README "Network events"):
// a TCP connect makes connection_attempted when a SYN left the host (success, EINPROGRESS,
// ECONNREFUSED), never for ENETUNREACH and the like, nor for a datagram socket; unix-domain
// connects make events with destination.address the socket path and no ip/port.
#include "audit/network_events.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>

#include "audit/decode.hpp"

namespace audit {
namespace {

constexpr int64_t kInProgress = -115;    // -EINPROGRESS: non-blocking connect, SYN sent
constexpr int64_t kRefused = -111;       // -ECONNREFUSED: SYN sent, RST back
constexpr uint64_t kSockDgram = 2;       // SOCK_DGRAM (the type's low bits)
constexpr uint64_t kSockTypeMask = 0xf;  // SOCK_NONBLOCK / SOCK_CLOEXEC are above

std::string address_text(int family, const void* bytes) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (inet_ntop(family, bytes, text.data(), text.size()) == nullptr) return {};
    return text.data();
}

void fill(ecs::Endpoint& end, const SocketAddress& address) {
    if (address.family == SocketAddress::Family::Unix) {
        if (!address.path.empty()) end.address = address.path;  // an unnamed peer: absent
        return;
    }
    end.ip = address.ip;
    end.address = address.ip;
    end.port = address.port;
}

void fill_kind(ecs::NetworkData& net, const SocketAddress& address) {
    if (address.family == SocketAddress::Family::Inet) net.type = "ipv4";
    if (address.family == SocketAddress::Family::Inet6) net.type = "ipv6";
}

}  // namespace

std::optional<SocketAddress> decode_sockaddr(std::string_view hex) {
    const auto bytes = decode_hex(hex);
    if (!bytes || bytes->size() < 2) return std::nullopt;
    const auto* raw = reinterpret_cast<const unsigned char*>(bytes->data());
    // sa_family is in host byte order: little-endian on every arch audisp-eql builds for here.
    const unsigned family = raw[0] | (static_cast<unsigned>(raw[1]) << 8);
    SocketAddress out;
    const auto port_at = [&raw](std::size_t at) {
        return static_cast<int64_t>((static_cast<unsigned>(raw[at]) << 8) | raw[at + 1]);
    };
    switch (family) {
        case AF_INET:
            if (bytes->size() < 8) return std::nullopt;
            out.family = SocketAddress::Family::Inet;
            out.port = port_at(2);
            out.ip = address_text(AF_INET, raw + 4);
            return out;
        case AF_INET6:
            if (bytes->size() < 24) return std::nullopt;
            out.family = SocketAddress::Family::Inet6;
            out.port = port_at(2);
            out.ip = address_text(AF_INET6, raw + 8);
            return out;
        case AF_UNIX: {
            out.family = SocketAddress::Family::Unix;
            std::string_view path(bytes->data() + 2, bytes->size() - 2);
            const bool abstract = !path.empty() && path.front() == '\0';
            if (abstract) path.remove_prefix(1);
            path = path.substr(0, path.find('\0'));
            out.path = abstract ? "@" + std::string(path) : std::string(path);
            return out;
        }
        default:
            out.family = SocketAddress::Family::Other;
            return out;
    }
}

bool is_network_syscall(std::string_view name) noexcept {
    return name == "connect" || name == "accept" || name == "accept4" || name == "bind" ||
           name == "socket";
}

std::size_t NetworkEvents::SocketKeyHash::operator()(const SocketKey& key) const noexcept {
    return std::hash<int64_t>{}(key.pid) ^ (std::hash<uint64_t>{}(key.fd) << 1) ^
           std::hash<std::string>{}(key.host);
}

NetworkEvents::SocketInfo& NetworkEvents::socket_info(SocketKey key) {
    if (sockets_.size() >= kMaxSockets && sockets_.find(key) == sockets_.end()) {
        stats_.forgotten += sockets_.size();
        sockets_.clear();
    }
    return sockets_[std::move(key)];
}

bool NetworkEvents::build(const NetworkSyscall& call, ecs::Event& e) {
    const int64_t pid = call.pid.value_or(0);
    if (call.syscall == "socket") {
        // No event: remembers which descriptors are datagram sockets.
        uint64_t type = 0;
        if (call.success && call.exit && *call.exit >= 0 && parse_number(call.a1, type, 16)) {
            SocketInfo& info =
                socket_info({std::string(call.host), pid, static_cast<uint64_t>(*call.exit)});
            info = SocketInfo{};
            info.datagram = (type & kSockTypeMask) == kSockDgram;
        }
        return false;
    }
    uint64_t fd = 0;
    const bool has_fd = parse_number(call.a0, fd, 16);
    const auto known = has_fd ? sockets_.find({std::string(call.host), pid, fd}) : sockets_.end();
    const bool datagram = known != sockets_.end() && known->second.datagram;
    std::optional<SocketAddress> address;
    if (call.saddr) {
        address = decode_sockaddr(*call.saddr);
        if (!address) ++stats_.bad_sockaddr;
    }
    if (!address || address->family == SocketAddress::Family::Other) return false;
    const bool inet = address->family != SocketAddress::Family::Unix;
    ecs::NetworkData& net = e.network;
    e.category = {"network"};
    if (call.syscall == "connect") {
        const int64_t exit = call.exit.value_or(0);
        const bool sent = call.success || (inet && (exit == kInProgress || exit == kRefused));
        if (!sent) {
            ++stats_.not_sent;
            return false;
        }
        if (inet && datagram) {
            ++stats_.datagram;
            return false;
        }
        e.action = ecs::Action::ConnectionAttempted;
        e.type = {"start"};
        net.direction = "egress";
        fill(net.destination, *address);
    } else if (call.syscall == "bind") {
        if (!call.success) return false;
        if (has_fd) socket_info({std::string(call.host), pid, fd}).bound = *address;
        e.action = ecs::Action::Bind;
        e.type = {"info"};
        fill(net.source, *address);
    } else {  // accept, accept4: the peer; the local end from the listener's bind
        if (!call.success) return false;
        e.action = ecs::Action::ConnectionAccepted;
        e.type = {"start"};
        net.direction = "ingress";
        fill(net.source, *address);
        auto listener = known;
        if ((listener == sockets_.end() || !listener->second.bound) && call.ppid && has_fd) {
            // Pre-forking servers: the socket was bound by the parent, the fd inherited.
            listener = sockets_.find({std::string(call.host), *call.ppid, fd});
        }
        if (listener != sockets_.end() && listener->second.bound) {
            fill(net.destination, *listener->second.bound);
        }
    }
    // Without the socket() record a socket is taken for TCP, the kind rules look at.
    if (inet) net.transport = datagram ? "udp" : "tcp";
    fill_kind(net, *address);
    return true;
}

}  // namespace audit
