// Turns EQL text into tokens that carry their line:column, decoding strings and quoted names.
// The token set follows Elasticsearch's EqlBase grammar (keywords are lower-case and
// case-sensitive); comments and whitespace are dropped here so the parser never sees them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eql/error.hpp"

namespace eql {

enum class TokenKind : uint8_t {
    End,
    Identifier,        // process, name, @timestamp
    QuotedIdentifier,  // `my field` (text holds the name without backticks)
    TildeIdentifier,   // startsWith~ (text holds the name without the ~)
    String,            // text holds the decoded value
    Integer,           // text holds the digits
    Decimal,           // text holds the literal as written
    // keywords
    And,
    Any,
    By,
    False,
    In,
    InInsensitive,  // in~
    Join,
    Like,
    LikeInsensitive,  // like~
    Maxspan,
    Not,
    Null,
    Of,
    Or,
    Regex,
    RegexInsensitive,  // regex~
    Sample,
    Sequence,
    True,
    Until,
    Where,
    With,
    // operators and punctuation
    Colon,   // :
    Assign,  // =  (not an operator in Elasticsearch EQL; the parser rejects it with a hint)
    Eq,      // ==
    Ne,      // !=
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Dot,
    Comma,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Pipe,
    Question,          // ? before a field name: optional field
    MissingEventOpen,  // ![ (sequence syntax)
};

struct Token {
    TokenKind kind = TokenKind::End;
    std::string text;
    Position pos;
    uint32_t begin = 0;  // byte offsets of the token in the query text
    uint32_t end = 0;
};

// Human-readable token name for error messages ("'and'", "string", "end of query").
std::string_view describe(TokenKind kind) noexcept;

// Splits the whole query; throws eql::Error at the first character that starts no token.
std::vector<Token> tokenize(std::string_view text);

// The first token alone (End for a blank query), read without lexing the rest: what kind of
// statement a rule holds. Throws eql::Error as tokenize() does, but only for what it reads.
Token first_token(std::string_view text);

}  // namespace eql
