// Network events from a socket syscall's SYSCALL + SOCKADDR records, named as Elastic Defend's
// Linux network events are: connect -> connection_attempted (egress, destination.*), accept ->
// connection_accepted (ingress, source.* the peer, destination.* the listener's bound address),
// bind -> bind (source.* the bound address). Keeps which address each socket was bound to, so an
// accept can name its local end, and which sockets are datagram sockets (from socket() records),
// whose connect() sends nothing. Plain record values in, so tests feed literal records.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ecs/event.hpp"

namespace audit {

// A decoded SOCKADDR saddr=.
struct SocketAddress {
    enum class Family : uint8_t { Inet, Inet6, Unix, Other };
    Family family = Family::Other;
    std::string ip;  // text form; an IPv4-mapped IPv6 address as "::ffff:a.b.c.d"
    std::optional<int64_t> port;
    std::string path;  // AF_UNIX: the socket's path ("@name" for the abstract namespace)
};

// Decodes SOCKADDR's hex saddr (family in host order first, then the family's fields);
// nullopt when it is not hex or too short for its family.
std::optional<SocketAddress> decode_sockaddr(std::string_view hex);

// The socket syscalls this module turns into events.
bool is_network_syscall(std::string_view name) noexcept;

struct NetworkSyscall {
    std::string_view syscall;  // name
    bool success = true;
    std::optional<int64_t> exit;
    std::string_view a0;                    // hex: the socket (socket(): the family)
    std::string_view a1;                    // hex: socket(): the type
    std::optional<std::string_view> saddr;  // SOCKADDR's saddr, raw
    std::string_view host;                  // node name, part of the bound-socket key
    std::optional<int64_t> pid;
    std::optional<int64_t> ppid;  // a forked worker accepts on its parent's bound socket
};

struct NetworkStats {
    uint64_t bad_sockaddr = 0;  // SOCKADDR values that could not be decoded
    uint64_t not_sent = 0;      // connects that failed before a packet left (no event)
    uint64_t datagram = 0;      // connects of datagram sockets (nothing sent: no event)
    uint64_t forgotten = 0;     // sockets forgotten to stay within kMaxSockets
};

class NetworkEvents {
  public:
    // Fills event.category/type/action and event.network; false when no event is due.
    bool build(const NetworkSyscall& call, ecs::Event& event);
    const NetworkStats& stats() const noexcept { return stats_; }

  private:
    struct SocketKey {
        std::string host;
        int64_t pid = 0;
        uint64_t fd = 0;
        bool operator==(const SocketKey&) const = default;
    };
    struct SocketKeyHash {
        std::size_t operator()(const SocketKey& key) const noexcept;
    };
    struct SocketInfo {
        bool datagram = false;
        std::optional<SocketAddress> bound;
    };
    // What is known of each socket a process made or bound. Bounded: past this many sockets
    // the map starts over (counted); losing it costs only an accept's local end or a UDP
    // connect taken for TCP.
    static constexpr std::size_t kMaxSockets = 8192;
    SocketInfo& socket_info(SocketKey key);
    std::unordered_map<SocketKey, SocketInfo, SocketKeyHash> sockets_;
    NetworkStats stats_;
};

}  // namespace audit
