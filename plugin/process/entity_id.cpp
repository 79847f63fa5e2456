#include "process/entity_id.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace process {
namespace {

// Base64 (RFC 4648, '=' padded) by libcrypto's EVP_EncodeBlock, which the ecs module links for
// its digests already.
std::string base64(std::string_view plain) {
    std::string out((plain.size() + 2) / 3 * 4 + 1, '\0');  // EVP_EncodeBlock writes a NUL
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                        reinterpret_cast<const unsigned char*>(plain.data()),
                                        static_cast<int>(plain.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

}  // namespace

// Called once per process instance (the table keeps the id): the text is built in a stack
// buffer (a heap one only for a node name too long for it), left uninitialised because only
// what is written is read.
std::string make_entity_id(std::string_view node, int64_t pid, int64_t start_us, uint64_t serial) {
    constexpr std::size_t kNumberText = 21;  // '-' and a 64-bit number in decimal, sign included
    constexpr std::size_t kNumbers = 3 * kNumberText;
    std::array<char, 256> stack_text;
    std::string heap_text;
    char* plain = stack_text.data();
    if (node.size() + kNumbers > stack_text.size()) {
        heap_text.resize(node.size() + kNumbers);
        plain = heap_text.data();
    }
    char* end = std::copy(node.begin(), node.end(), plain);
    auto put = [&end](auto number) {
        *end++ = '-';
        end = std::to_chars(end, end + kNumberText, number).ptr;
    };
    put(pid);
    put(start_us);
    put(serial);
    return base64(std::string_view(plain, static_cast<std::size_t>(end - plain)));
}

}  // namespace process
