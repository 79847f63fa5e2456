// Where a query went wrong: a 1-based line:column and the one exception type of the EQL module.
// Everything in eql/ that rejects a query (lexer, parser, compiler) throws eql::Error, so callers
// need a single catch and always get a position to show next to the rule text.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace eql {

struct Position {
    uint32_t line = 1;
    uint32_t column = 1;  // counts characters (UTF-8 code points), a tab is one column

    friend bool operator==(const Position&, const Position&) = default;
};

// What kind of refusal: callers (the rule loader) decide "broken rule" against "not runnable
// here" on this, never on the message text.
enum class ErrorKind {
    Invalid,      // the query is wrong: syntax, types, an unknown field or function
    Unsupported,  // valid EQL that this implementation does not run (sequences, pipes, ...)
};

class Error : public std::runtime_error {
  public:
    Error(std::string message, Position pos, ErrorKind kind = ErrorKind::Invalid);

    Position position() const noexcept { return pos_; }
    ErrorKind kind() const noexcept { return kind_; }
    // The message without the "line L, column C: " prefix.
    const std::string& message() const noexcept { return message_; }

  private:
    std::string message_;
    Position pos_;
    ErrorKind kind_;
};

}  // namespace eql
