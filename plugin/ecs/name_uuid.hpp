// Name-based UUIDs (RFC 4122 version 5: the SHA-1 of a namespace UUID and a name), as event.id
// and the alerts' ids use them. OpenSSL's SHA-1 (SHA-NI where the CPU has it) rather than
// Boost's portable one: --events-output names every event, so this is on its hot path.
#pragma once

#include <openssl/types.h>

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ecs {

using Uuid = std::array<uint8_t, 16>;

// RFC 4122 appendix C: the namespace of DNS names.
inline constexpr Uuid kDnsNamespace{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                                    0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};

// A failed OpenSSL call: what was called and OpenSSL's own error text.
class OpenSslError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Makes version 5 UUIDs with one OpenSSL digest context, reset for each id: an owner that makes
// many ids (the events output) allocates it once instead of once per id. One per thread: the
// context is the object's state.
class NameUuidMaker {
  public:
    NameUuidMaker();                                      // throws OpenSslError
    Uuid make(const Uuid& space, std::string_view name);  // throws OpenSslError

  private:
    struct FreeContext {
        void operator()(EVP_MD_CTX* context) const noexcept;
    };
    std::unique_ptr<EVP_MD_CTX, FreeContext> context_;
};

// The version 5 UUID of `name` in `space`, with a context of its own (namespaces, alert ids,
// tests: the rare ids). Throws OpenSslError.
Uuid name_uuid(const Uuid& space, std::string_view name);

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lowercase hex.
std::string uuid_text(const Uuid& uuid);

}  // namespace ecs
