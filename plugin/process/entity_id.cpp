#include "process/entity_id.hpp"

#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>

namespace process {

std::string make_entity_id(std::string_view node, int64_t pid, int64_t start_us, uint64_t serial) {
    std::string plain;
    plain.reserve(node.size() + 48);
    plain.append(node);
    plain += '-';
    plain += std::to_string(pid);
    plain += '-';
    plain += std::to_string(start_us);
    plain += '-';
    plain += std::to_string(serial);
    using Base64 = boost::archive::iterators::base64_from_binary<
        boost::archive::iterators::transform_width<std::string::const_iterator, 6, 8>>;
    std::string encoded(Base64(plain.begin()), Base64(plain.end()));
    encoded.append((3 - plain.size() % 3) % 3, '=');  // the iterators leave the padding to us
    return encoded;
}

}  // namespace process
