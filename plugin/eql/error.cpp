// eql::Error formats its position once, so what() needs no allocation later.
#include "eql/error.hpp"

#include <utility>

namespace eql {

namespace {
std::string format(const std::string& message, Position pos) {
    return "line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column) + ": " +
           message;
}
}  // namespace

Error::Error(std::string message, Position pos, ErrorKind kind)
    : std::runtime_error(format(message, pos)),
      message_(std::move(message)),
      pos_(pos),
      kind_(kind) {}

}  // namespace eql
