#include "ecs/name_uuid.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <new>
#include <stdexcept>

namespace ecs {
namespace {

// Fetched once: an implicit fetch (EVP_sha1()) would look the algorithm up on every digest.
const EVP_MD& sha1() {
    static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(
        EVP_MD_fetch(nullptr, "SHA1", nullptr), &EVP_MD_free);
    if (!md) throw std::runtime_error("OpenSSL provides no SHA-1");
    return *md;
}

}  // namespace

Uuid name_uuid(const Uuid& space, std::string_view name) {
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                          &EVP_MD_CTX_free);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int digest_size = 0;
    if (!context || EVP_DigestInit_ex2(context.get(), &sha1(), nullptr) != 1 ||
        EVP_DigestUpdate(context.get(), space.data(), space.size()) != 1 ||
        EVP_DigestUpdate(context.get(), name.data(), name.size()) != 1 ||
        EVP_DigestFinal_ex(context.get(), digest.data(), &digest_size) != 1) {
        throw std::bad_alloc();  // the only way SHA-1 over memory fails
    }
    Uuid uuid{};
    std::copy_n(digest.begin(), uuid.size(), uuid.begin());
    uuid[6] = static_cast<uint8_t>((uuid[6] & 0x0F) | 0x50);  // version 5
    uuid[8] = static_cast<uint8_t>((uuid[8] & 0x3F) | 0x80);  // the RFC 4122 variant
    return uuid;
}

std::string uuid_text(const Uuid& uuid) {
    constexpr std::string_view kHex = "0123456789abcdef";
    std::array<char, 36> text{};  // filled, then copied once: no per-character growth checks
    std::size_t at = 0;
    for (std::size_t i = 0; i < uuid.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) text[at++] = '-';
        text[at++] = kHex[uuid[i] >> 4];
        text[at++] = kHex[uuid[i] & 0x0F];
    }
    return {text.data(), text.size()};
}

}  // namespace ecs
