#include "ecs/name_uuid.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>

namespace ecs {
namespace {

// The oldest error OpenSSL queued for this thread, with the queue cleared so that the next
// failure reports its own.
[[noreturn]] void throw_openssl_error(std::string_view call) {
    const unsigned long code = ERR_get_error();
    std::array<char, 256> text{};
    if (code != 0) ERR_error_string_n(code, text.data(), text.size());
    ERR_clear_error();
    throw OpenSslError("OpenSSL " + std::string(call) +
                       " failed: " + (code != 0 ? std::string(text.data()) : "no error queued"));
}

// Fetched once and never changed: an implicit fetch (EVP_sha1()) would look the algorithm up on
// every digest.
const EVP_MD& sha1() {
    static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(
        EVP_MD_fetch(nullptr, "SHA1", nullptr), &EVP_MD_free);
    if (!md) throw_openssl_error("EVP_MD_fetch(SHA1)");
    return *md;
}

}  // namespace

void NameUuidMaker::FreeContext::operator()(EVP_MD_CTX* context) const noexcept {
    EVP_MD_CTX_free(context);
}

NameUuidMaker::NameUuidMaker() : context_(EVP_MD_CTX_new()) {
    if (!context_) throw_openssl_error("EVP_MD_CTX_new");
}

Uuid NameUuidMaker::make(const Uuid& space, std::string_view name) {
    // EVP_DigestInit_ex2 resets the context and keeps SHA-1's state allocated from the last id.
    if (EVP_DigestInit_ex2(context_.get(), &sha1(), nullptr) != 1) {
        throw_openssl_error("EVP_DigestInit_ex2");
    }
    if (EVP_DigestUpdate(context_.get(), space.data(), space.size()) != 1 ||
        EVP_DigestUpdate(context_.get(), name.data(), name.size()) != 1) {
        throw_openssl_error("EVP_DigestUpdate");
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int digest_size = 0;
    if (EVP_DigestFinal_ex(context_.get(), digest.data(), &digest_size) != 1) {
        throw_openssl_error("EVP_DigestFinal_ex");
    }
    Uuid uuid{};
    std::copy_n(digest.begin(), uuid.size(), uuid.begin());
    uuid[6] = static_cast<uint8_t>((uuid[6] & 0x0F) | 0x50);  // version 5
    uuid[8] = static_cast<uint8_t>((uuid[8] & 0x3F) | 0x80);  // the RFC 4122 variant
    return uuid;
}

Uuid name_uuid(const Uuid& space, std::string_view name) {
    return NameUuidMaker().make(space, name);
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
