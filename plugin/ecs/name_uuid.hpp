// Name-based UUIDs (RFC 4122 version 5: the SHA-1 of a namespace UUID and a name), as event.id
// and the alerts' ids use them. OpenSSL's SHA-1 (SHA-NI where the CPU has it) rather than
// Boost's portable one: --events-output names every event, so this is on its hot path.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ecs {

using Uuid = std::array<uint8_t, 16>;

// RFC 4122 appendix C: the namespace of DNS names.
inline constexpr Uuid kDnsNamespace{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                                    0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};

// The version 5 UUID of `name` in `space`. Throws std::bad_alloc when OpenSSL cannot allocate.
Uuid name_uuid(const Uuid& space, std::string_view name);

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lowercase hex.
std::string uuid_text(const Uuid& uuid);

}  // namespace ecs
