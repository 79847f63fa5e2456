#include "process/entity_id.hpp"

#include <algorithm>
#include <array>
#include <boost/beast/core/detail/base64.hpp>
#include <charconv>

namespace process {

// Called for the process and the parent of every event: the text is built in a stack buffer
// (a heap one only for a node name too long for it) and encoded by Beast's table-driven base64
// (Boost.Archive's iterator adaptors cost about a microsecond an id here, a sixth of the whole
// event).
std::string make_entity_id(std::string_view node, int64_t pid, int64_t start_us, uint64_t serial) {
    constexpr std::size_t kNumberText = 21;  // '-' and a 64-bit number in decimal, sign included
    constexpr std::size_t kNumbers = 3 * kNumberText;
    std::array<char, 256> stack_text{};
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
    const auto size = static_cast<std::size_t>(end - plain);
    std::string encoded(boost::beast::detail::base64::encoded_size(size), '\0');
    encoded.resize(boost::beast::detail::base64::encode(encoded.data(), plain, size));
    return encoded;
}

}  // namespace process
