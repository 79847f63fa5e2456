// The EQL lexer: one pass over the bytes, tracking line and column (in code points).
// String decoding follows Elasticsearch's unquoteString: the escapes \t \b \f \n \r \" \' \\ and
// \u{XX..XXXXXXXX}; any other backslash pair is kept as written (so "\w" stays two characters).
#include "eql/lexer.hpp"

#include <array>
#include <cstddef>
#include <limits>
#include <utility>

namespace eql {
namespace {

struct Keyword {
    std::string_view word;
    TokenKind kind;
};

constexpr std::array<Keyword, 22> kKeywords{{
    {"and", TokenKind::And},
    {"any", TokenKind::Any},
    {"by", TokenKind::By},
    {"false", TokenKind::False},
    {"in", TokenKind::In},
    {"in~", TokenKind::InInsensitive},
    {"join", TokenKind::Join},
    {"like", TokenKind::Like},
    {"like~", TokenKind::LikeInsensitive},
    {"maxspan", TokenKind::Maxspan},
    {"not", TokenKind::Not},
    {"null", TokenKind::Null},
    {"of", TokenKind::Of},
    {"or", TokenKind::Or},
    {"regex", TokenKind::Regex},
    {"regex~", TokenKind::RegexInsensitive},
    {"sample", TokenKind::Sample},
    {"sequence", TokenKind::Sequence},
    {"true", TokenKind::True},
    {"until", TokenKind::Until},
    {"where", TokenKind::Where},
    {"with", TokenKind::With},
}};

bool is_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_hex(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

class Lexer {
  public:
    explicit Lexer(std::string_view text) : text_(text) {}

    // Up to `limit` tokens (End included when reached first).
    std::vector<Token> run(std::size_t limit = std::numeric_limits<std::size_t>::max()) {
        if (text_.size() > std::numeric_limits<uint32_t>::max() / 2) {
            throw Error("query text is too long", Position{});
        }
        std::vector<Token> tokens;
        while (tokens.size() < limit) {
            skip_blanks();
            Token tok;
            tok.pos = pos_;
            tok.begin = static_cast<uint32_t>(i_);
            if (i_ >= text_.size()) {
                tok.kind = TokenKind::End;
                tok.end = tok.begin;
                tokens.push_back(std::move(tok));
                return tokens;
            }
            lex_one(tok);
            tok.end = static_cast<uint32_t>(i_);
            tokens.push_back(std::move(tok));
        }
        return tokens;
    }

  private:
    char peek(std::size_t ahead = 0) const noexcept {
        return i_ + ahead < text_.size() ? text_[i_ + ahead] : '\0';
    }
    bool at_end() const noexcept { return i_ >= text_.size(); }

    // Advances one byte, keeping line and column (columns count code points, not bytes).
    void advance() noexcept {
        const auto c = static_cast<unsigned char>(text_[i_++]);
        if (c == '\n') {
            ++pos_.line;
            pos_.column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++pos_.column;
        }
    }
    void advance(std::size_t n) noexcept {
        for (std::size_t k = 0; k < n; ++k) advance();
    }

    void skip_blanks() {
        for (;;) {
            const char c = peek();
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                advance();
            } else if (c == '/' && peek(1) == '/') {
                while (!at_end() && peek() != '\n') advance();
            } else if (c == '/' && peek(1) == '*') {
                skip_block_comment();
            } else {
                return;
            }
        }
    }

    // Block comments nest, as in the Elasticsearch grammar (BRACKETED_COMMENT is recursive).
    void skip_block_comment() {
        const Position start = pos_;
        int depth = 0;
        do {
            if (at_end()) throw Error("unterminated /* comment", start);
            if (peek() == '/' && peek(1) == '*') {
                ++depth;
                advance(2);
            } else if (peek() == '*' && peek(1) == '/') {
                --depth;
                advance(2);
            } else {
                advance();
            }
        } while (depth > 0);
    }

    void lex_one(Token& tok) {
        const char c = peek();
        if (is_letter(c) || c == '_' || c == '@') return lex_word(tok);
        if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return lex_number(tok);
        if (c == '"') return lex_string(tok);
        if (c == '`') return lex_quoted_identifier(tok);
        if (c == '\'') {
            throw Error("use double quotes [\"] to define string literals, not single quotes [']",
                        pos_);
        }
        if (c == '?' && (peek(1) == '"' || peek(1) == '\'')) {
            throw Error(std::string("use triple double quotes [\"\"\"] to define unescaped string "
                                    "literals, not [?") +
                            peek(1) + "]",
                        pos_);
        }
        lex_operator(tok);
    }

    void lex_word(Token& tok) {
        const std::size_t start = i_;
        advance();  // a letter, '_' or '@' (only the first character may be '@')
        while (is_letter(peek()) || is_digit(peek()) || peek() == '_') advance();
        bool tilde = false;
        if (peek() == '~') {
            tilde = true;
            advance();
        }
        const std::string_view word = text_.substr(start, i_ - start);
        for (const Keyword& k : kKeywords) {
            if (k.word == word) {
                tok.kind = k.kind;
                tok.text = std::string(word);
                return;
            }
        }
        tok.kind = tilde ? TokenKind::TildeIdentifier : TokenKind::Identifier;
        tok.text = std::string(tilde ? word.substr(0, word.size() - 1) : word);
    }

    void lex_number(Token& tok) {
        const std::size_t start = i_;
        bool decimal = false;
        while (is_digit(peek())) advance();
        if (peek() == '.' && !is_letter(peek(1)) && peek(1) != '_') {
            decimal = true;
            advance();
            while (is_digit(peek())) advance();
        }
        if ((peek() == 'e' || peek() == 'E') &&
            (is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2))))) {
            decimal = true;
            advance(2);
            while (is_digit(peek())) advance();
        }
        tok.kind = decimal ? TokenKind::Decimal : TokenKind::Integer;
        tok.text = std::string(text_.substr(start, i_ - start));
    }

    void lex_quoted_identifier(Token& tok) {
        const Position start = pos_;
        advance();  // opening `
        std::string name;
        for (;;) {
            if (at_end() || peek() == '\n' || peek() == '\r') {
                throw Error("unterminated quoted field name", start);
            }
            if (peek() == '`') {
                if (peek(1) == '`') {  // `` is an escaped backtick
                    name.push_back('`');
                    advance(2);
                    continue;
                }
                advance();
                break;
            }
            name.push_back(peek());
            advance();
        }
        if (name.empty()) throw Error("empty quoted field name", start);
        tok.kind = TokenKind::QuotedIdentifier;
        tok.text = std::move(name);
    }

    void lex_string(Token& tok) {
        tok.kind = TokenKind::String;
        if (peek(1) == '"' && peek(2) == '"') return lex_raw_string(tok);
        const Position start = pos_;
        advance();  // opening "
        std::string value;
        for (;;) {
            if (at_end() || peek() == '\n' || peek() == '\r') {
                throw Error("unterminated string", start);
            }
            const char c = peek();
            if (c == '"') {
                advance();
                break;
            }
            if (c != '\\') {
                value.push_back(c);
                advance();
                continue;
            }
            const Position escape_pos = pos_;
            const char e = peek(1);
            if (e == '\0' || e == '\n' || e == '\r') throw Error("unterminated string", start);
            switch (e) {
                case 't':
                    value.push_back('\t');
                    break;
                case 'b':
                    value.push_back('\b');
                    break;
                case 'f':
                    value.push_back('\f');
                    break;
                case 'n':
                    value.push_back('\n');
                    break;
                case 'r':
                    value.push_back('\r');
                    break;
                case '"':
                    value.push_back('"');
                    break;
                case '\'':
                    value.push_back('\'');
                    break;
                case '\\':
                    value.push_back('\\');
                    break;
                case 'u': {
                    advance(2);
                    lex_unicode_escape(value, escape_pos);
                    continue;
                }
                default:  // unknown escapes pass through as written, e.g. "\w"
                    value.push_back('\\');
                    value.push_back(e);
                    break;
            }
            advance(2);
        }
        tok.text = std::move(value);
    }

    // \u{XX} to \u{XXXXXXXX}: 2 to 8 hex digits naming one Unicode scalar value.
    void lex_unicode_escape(std::string& value, Position escape_pos) {
        if (peek() != '{') {
            throw Error("invalid unicode escape: expected \\u{XXXX} with 2-8 hex digits",
                        escape_pos);
        }
        advance();
        uint64_t cp = 0;
        std::size_t digits = 0;
        while (is_hex(peek())) {
            const char h = peek();
            const unsigned v = is_digit(h) ? static_cast<unsigned>(h - '0')
                                           : static_cast<unsigned>((h | 0x20) - 'a' + 10);
            cp = cp * 16 + v;
            ++digits;
            advance();
            if (digits > 8) break;
        }
        if (peek() != '}' || digits < 2 || digits > 8) {
            throw Error("invalid unicode escape: expected \\u{XXXX} with 2-8 hex digits",
                        escape_pos);
        }
        advance();
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            throw Error("invalid unicode escape: a surrogate code point is not a character",
                        escape_pos);
        }
        if (cp > 0x10FFFF) {
            throw Error("invalid unicode escape: code point is beyond U+10FFFF", escape_pos);
        }
        append_utf8(value, static_cast<uint32_t>(cp));
    }

    // """raw""": no escapes, no line breaks; up to two extra quotes before the closing """
    // belong to the value (Elasticsearch: '"""' (~[\r\n])*? '"""' '"'? '"'?).
    void lex_raw_string(Token& tok) {
        const Position start = pos_;
        advance(3);
        std::string value;
        for (;;) {
            if (at_end() || peek() == '\n' || peek() == '\r') {
                throw Error("unterminated raw string", start);
            }
            if (peek() == '"' && peek(1) == '"' && peek(2) == '"') {
                int extra = 0;
                while (extra < 2 && peek(3 + static_cast<std::size_t>(extra)) == '"') ++extra;
                for (int k = 0; k < extra; ++k) value.push_back('"');
                advance(3 + static_cast<std::size_t>(extra));
                break;
            }
            value.push_back(peek());
            advance();
        }
        tok.text = std::move(value);
    }

    void lex_operator(Token& tok) {
        const char c = peek();
        const char n = peek(1);
        auto one = [&](TokenKind k) {
            tok.kind = k;
            tok.text = std::string(1, c);
            advance();
        };
        auto two = [&](TokenKind k) {
            tok.kind = k;
            tok.text = std::string(text_.substr(i_, 2));
            advance(2);
        };
        switch (c) {
            case ':':
                return one(TokenKind::Colon);
            case '=':
                return n == '=' ? two(TokenKind::Eq) : one(TokenKind::Assign);
            case '!':
                if (n == '=') return two(TokenKind::Ne);
                if (n == '[') return two(TokenKind::MissingEventOpen);
                break;
            case '<':
                return n == '=' ? two(TokenKind::Le) : one(TokenKind::Lt);
            case '>':
                return n == '=' ? two(TokenKind::Ge) : one(TokenKind::Gt);
            case '+':
                return one(TokenKind::Plus);
            case '-':
                return one(TokenKind::Minus);
            case '*':
                return one(TokenKind::Star);
            case '/':
                return one(TokenKind::Slash);
            case '%':
                return one(TokenKind::Percent);
            case '.':
                return one(TokenKind::Dot);
            case ',':
                return one(TokenKind::Comma);
            case '[':
                return one(TokenKind::LBracket);
            case ']':
                return one(TokenKind::RBracket);
            case '(':
                return one(TokenKind::LParen);
            case ')':
                return one(TokenKind::RParen);
            case '|':
                return one(TokenKind::Pipe);
            case '?':
                return one(TokenKind::Question);
            default:
                break;
        }
        const auto u = static_cast<unsigned char>(c);
        std::string shown = (u >= 0x21 && u < 0x7F)
                                ? std::string("'") + c + "'"
                                : "byte 0x" + std::string(1, "0123456789abcdef"[u >> 4]) +
                                      std::string(1, "0123456789abcdef"[u & 15]);
        throw Error("unexpected character " + shown, pos_);
    }

    std::string_view text_;
    std::size_t i_ = 0;
    Position pos_;
};

}  // namespace

std::string_view describe(TokenKind kind) noexcept {
    switch (kind) {
        case TokenKind::End:
            return "end of query";
        case TokenKind::Identifier:
            return "identifier";
        case TokenKind::QuotedIdentifier:
            return "quoted field name";
        case TokenKind::TildeIdentifier:
            return "function name";
        case TokenKind::String:
            return "string";
        case TokenKind::Integer:
            return "integer";
        case TokenKind::Decimal:
            return "number";
        case TokenKind::And:
            return "'and'";
        case TokenKind::Any:
            return "'any'";
        case TokenKind::By:
            return "'by'";
        case TokenKind::False:
            return "'false'";
        case TokenKind::In:
            return "'in'";
        case TokenKind::InInsensitive:
            return "'in~'";
        case TokenKind::Join:
            return "'join'";
        case TokenKind::Like:
            return "'like'";
        case TokenKind::LikeInsensitive:
            return "'like~'";
        case TokenKind::Maxspan:
            return "'maxspan'";
        case TokenKind::Not:
            return "'not'";
        case TokenKind::Null:
            return "'null'";
        case TokenKind::Of:
            return "'of'";
        case TokenKind::Or:
            return "'or'";
        case TokenKind::Regex:
            return "'regex'";
        case TokenKind::RegexInsensitive:
            return "'regex~'";
        case TokenKind::Sample:
            return "'sample'";
        case TokenKind::Sequence:
            return "'sequence'";
        case TokenKind::True:
            return "'true'";
        case TokenKind::Until:
            return "'until'";
        case TokenKind::Where:
            return "'where'";
        case TokenKind::With:
            return "'with'";
        case TokenKind::Colon:
            return "':'";
        case TokenKind::Assign:
            return "'='";
        case TokenKind::Eq:
            return "'=='";
        case TokenKind::Ne:
            return "'!='";
        case TokenKind::Lt:
            return "'<'";
        case TokenKind::Le:
            return "'<='";
        case TokenKind::Gt:
            return "'>'";
        case TokenKind::Ge:
            return "'>='";
        case TokenKind::Plus:
            return "'+'";
        case TokenKind::Minus:
            return "'-'";
        case TokenKind::Star:
            return "'*'";
        case TokenKind::Slash:
            return "'/'";
        case TokenKind::Percent:
            return "'%'";
        case TokenKind::Dot:
            return "'.'";
        case TokenKind::Comma:
            return "','";
        case TokenKind::LBracket:
            return "'['";
        case TokenKind::RBracket:
            return "']'";
        case TokenKind::LParen:
            return "'('";
        case TokenKind::RParen:
            return "')'";
        case TokenKind::Pipe:
            return "'|'";
        case TokenKind::Question:
            return "'?'";
        case TokenKind::MissingEventOpen:
            return "'!['";
    }
    return "token";
}

std::vector<Token> tokenize(std::string_view text) { return Lexer(text).run(); }

Token first_token(std::string_view text) { return std::move(Lexer(text).run(1).front()); }

}  // namespace eql
