#include "process/entity_id.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace process {
namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Base64 (RFC 4648, '=' padded). Each 3 bytes are read into one register before their 4
// characters are written: with the bytes read through the output's char pointer, as a
// byte-by-byte loop does, every store may alias the input and forces it to be read again.
std::string base64(std::string_view plain) {
    std::string out((plain.size() + 2) / 3 * 4, '=');
    const auto* in = reinterpret_cast<const unsigned char*>(plain.data());
    char* to = out.data();
    std::size_t left = plain.size();
    for (; left >= 3; left -= 3, in += 3, to += 4) {
        const uint32_t group = uint32_t{in[0]} << 16 | uint32_t{in[1]} << 8 | uint32_t{in[2]};
        to[0] = kBase64[group >> 18];
        to[1] = kBase64[(group >> 12) & 63];
        to[2] = kBase64[(group >> 6) & 63];
        to[3] = kBase64[group & 63];
    }
    if (left > 0) {
        const uint32_t group = uint32_t{in[0]} << 16 | (left == 2 ? uint32_t{in[1]} << 8 : 0);
        to[0] = kBase64[group >> 18];
        to[1] = kBase64[(group >> 12) & 63];
        if (left == 2) to[2] = kBase64[(group >> 6) & 63];
    }
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
