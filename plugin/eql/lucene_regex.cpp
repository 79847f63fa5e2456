// A recursive-descent reader of Lucene's RegExp grammar that writes RE2 syntax as it goes.
// Every atom is emitted fully parenthesised and every literal as \x{HEX}, so RE2 never sees an
// operator the Lucene pattern did not mean (Lucene allows "a**" and "*a", RE2 does not).
//
//   union    = inter { "|" inter }
//   inter    = concat [ "&" inter ]                (rejected)
//   concat   = repeat { repeat }                   (until ")" "|" "&" or the end)
//   repeat   = compl { "?" | "*" | "+" | "{" n [ "," [ m ] ] "}" }
//   compl    = "~" compl | class                   (complement rejected)
//   class    = "[" [ "^" ] item { item } "]" | simple
//   item     = predefined | char [ "-" char ]
//   simple   = predefined | "." | "#" | "@" | '"' chars '"' | "(" ")" | "(" union ")"
//            | "<" ... ">" (rejected) | char
//   char     = "\" any | any
#include "eql/lucene_regex.hpp"

#include <bitset>
#include <cstdint>
#include <vector>

namespace eql {
namespace {

constexpr int kMaxRegexDepth = 100;
constexpr int kMaxRepeat = 1000;  // RE2's own limit on {n,m}

// A translated piece of pattern and the ASCII bytes every string it matches contains.
struct Piece {
    std::string re2;
    std::bitset<128> needs;
};

class Translator {
  public:
    explicit Translator(std::string_view pattern) : text_(pattern) { decode(); }

    Piece run() {
        Piece out = parse_union();
        if (i_ < cps_.size()) fail("unexpected character (end of pattern expected)");
        return out;
    }

  private:
    struct DepthGuard {
        explicit DepthGuard(Translator& t) : t_(t) {
            if (++t_.depth_ > kMaxRegexDepth) t_.fail("regex nests too deeply");
        }
        ~DepthGuard() { --t_.depth_; }
        DepthGuard(const DepthGuard&) = delete;
        DepthGuard& operator=(const DepthGuard&) = delete;
        Translator& t_;
    };

    // Lucene reads code points; so do we. Invalid UTF-8 in a rule is rejected.
    void decode() {
        for (std::size_t b = 0; b < text_.size();) {
            const auto c = static_cast<unsigned char>(text_[b]);
            uint32_t cp = 0;
            std::size_t n = 0;
            if (c < 0x80) {
                cp = c;
                n = 1;
            } else if (c >= 0xC2 && c <= 0xDF) {
                cp = c & 0x1F;
                n = 2;
            } else if (c >= 0xE0 && c <= 0xEF) {
                cp = c & 0x0F;
                n = 3;
            } else if (c >= 0xF0 && c <= 0xF4) {
                cp = c & 0x07;
                n = 4;
            } else {
                throw RegexSyntaxError("regex is not valid UTF-8", b);
            }
            if (b + n > text_.size()) throw RegexSyntaxError("regex is not valid UTF-8", b);
            for (std::size_t k = 1; k < n; ++k) {
                const auto cc = static_cast<unsigned char>(text_[b + k]);
                if ((cc & 0xC0) != 0x80) throw RegexSyntaxError("regex is not valid UTF-8", b);
                cp = (cp << 6) | (cc & 0x3F);
            }
            cps_.push_back(cp);
            offsets_.push_back(b);
            b += n;
        }
    }

    [[noreturn]] void fail(const std::string& message) const {
        const std::size_t at = i_ < offsets_.size() ? offsets_[i_] : text_.size();
        throw RegexSyntaxError(message, at);
    }

    bool more() const noexcept { return i_ < cps_.size(); }
    bool peek(uint32_t c) const noexcept { return more() && cps_[i_] == c; }
    bool match(uint32_t c) noexcept {
        if (!peek(c)) return false;
        ++i_;
        return true;
    }
    uint32_t next() {
        if (!more()) fail("unexpected end of regex");
        return cps_[i_++];
    }

    static Piece literal_piece(uint32_t cp) {
        Piece p{literal(cp), {}};
        if (cp < 0x80) p.needs.set(cp);
        return p;
    }

    static std::string literal(uint32_t cp) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        std::string s = "\\x{";
        std::string digits;
        do {
            digits.insert(digits.begin(), kHex[cp & 15]);
            cp >>= 4;
        } while (cp != 0);
        return s + digits + "}";
    }

    // union = inter { "|" inter }
    // A string one of the alternatives matches contains only what they all need.
    Piece parse_union() {
        DepthGuard guard(*this);
        Piece e = parse_inter();
        if (!peek('|')) return e;
        // Alternatives are read in a loop (not by recursion) so long lists stay shallow.
        Piece out{"(?:" + e.re2, e.needs};
        while (match('|')) {
            const Piece alternative = parse_inter();
            out.re2 += "|" + alternative.re2;
            out.needs &= alternative.needs;
        }
        out.re2 += ")";
        return out;
    }

    // inter = concat [ "&" inter ]
    Piece parse_inter() {
        Piece e = parse_concat();
        if (peek('&')) fail("regex intersection (&) is not supported");
        return e;
    }

    // concat = repeat { repeat }
    Piece parse_concat() {
        Piece e = parse_repeat();
        while (more() && !peek(')') && !peek('|') && !peek('&')) {
            const Piece next = parse_repeat();
            e.re2 += next.re2;
            e.needs |= next.needs;
        }
        e.re2 = "(?:" + e.re2 + ")";
        return e;
    }

    // "(?:e)" in place, so that a quantifier appended after it applies to the whole of e.
    static std::string& group(std::string& e) {
        e.insert(0, "(?:");
        e += ')';
        return e;
    }

    // repeat = compl { "?" | "*" | "+" | "{" n [ "," [ m ] ] "}" }
    // A repetition that may be empty (?, *, {0,m}) needs nothing.
    Piece parse_repeat() {
        Piece piece = parse_compl();
        std::string& e = piece.re2;
        for (;;) {
            if (match('?')) {
                group(e) += '?';
                piece.needs.reset();
            } else if (match('*')) {
                group(e) += '*';
                piece.needs.reset();
            } else if (match('+')) {
                group(e) += '+';
            } else if (match('{')) {
                const int n = parse_count();
                int m = n;
                bool unbounded = false;
                if (match(',')) {
                    if (more() && cps_[i_] >= '0' && cps_[i_] <= '9') {
                        m = parse_count();
                    } else {
                        unbounded = true;
                    }
                }
                if (!match('}')) fail("expected '}' in repetition");
                if (!unbounded && m < n) fail("repetition {n,m} with m < n");
                if (n == 0) piece.needs.reset();
                group(e) += '{';
                e += std::to_string(n);
                if (unbounded) {
                    e += ',';
                } else if (m != n) {
                    e += ',';
                    e += std::to_string(m);
                }
                e += '}';
            } else {
                return piece;
            }
        }
    }

    int parse_count() {
        if (!more() || cps_[i_] < '0' || cps_[i_] > '9') fail("integer expected in repetition");
        long v = 0;
        while (more() && cps_[i_] >= '0' && cps_[i_] <= '9') {
            v = v * 10 + static_cast<long>(cps_[i_] - '0');
            if (v > kMaxRepeat) fail("repetition count above 1000 is not supported");
            ++i_;
        }
        return static_cast<int>(v);
    }

    // compl = "~" compl | class
    Piece parse_compl() {
        if (peek('~')) fail("regex complement (~) is not supported");
        return parse_class();
    }

    // class = "[" [ "^" ] item { item } "]" | simple
    // A class needs no byte of its own (one of several may be there).
    Piece parse_class() {
        if (!match('[')) return parse_simple();
        const bool negate = match('^');
        std::string items = parse_class_item();
        while (more() && !peek(']')) items += parse_class_item();
        if (!match(']')) fail("expected ']' to close the character class");
        return {std::string(negate ? "[^" : "[") + items + "]", {}};
    }

    // item = predefined | char [ "-" char ]
    std::string parse_class_item() {
        if (auto p = predefined(); !p.empty()) return p;
        const uint32_t from = parse_char();
        if (!match('-')) return literal(from);
        const uint32_t to = parse_char();
        if (to < from) fail("invalid character range in class");
        return literal(from) + "-" + literal(to);
    }

    // \d \D \s \S \w \W (Lucene 9 added these; RE2's definitions are the ASCII ones).
    std::string predefined() {
        if (!peek('\\') || i_ + 1 >= cps_.size()) return {};
        const uint32_t c = cps_[i_ + 1];
        if (c == 'd' || c == 'D' || c == 's' || c == 'S' || c == 'w' || c == 'W') {
            i_ += 2;
            return std::string("\\") + static_cast<char>(c);
        }
        return {};
    }

    // simple = predefined | "." | "#" | "@" | '"' chars '"' | "(" [ union ] ")" | "<" ">" | char
    Piece parse_simple() {
        if (auto p = predefined(); !p.empty()) return {"[" + p + "]", {}};
        if (match('.')) return {"(?s:.)", {}};
        if (match('#')) return {"[^\\x00-\\x{10FFFF}]", {}};  // matches nothing
        if (match('@')) return {"(?s:.*)", {}};
        if (match('"')) {
            Piece s;
            while (more() && !peek('"')) {
                const Piece c = literal_piece(cps_[i_++]);
                s.re2 += c.re2;
                s.needs |= c.needs;
            }
            if (!match('"')) fail("expected '\"' to close the quoted string");
            s.re2 = "(?:" + s.re2 + ")";
            return s;
        }
        if (match('(')) {
            if (match(')')) return {"(?:)", {}};
            Piece inner = parse_union();
            if (!match(')')) fail("expected ')'");
            inner.re2 = "(?:" + inner.re2 + ")";
            return inner;
        }
        if (peek('<')) fail("regex intervals (<n-m>) are not supported");
        return literal_piece(parse_char());
    }

    // char = "\" any | any
    uint32_t parse_char() {
        if (match('\\')) return next();
        return next();
    }

    std::string_view text_;
    std::vector<uint32_t> cps_;
    std::vector<std::size_t> offsets_;
    std::size_t i_ = 0;
    int depth_ = 0;
};

}  // namespace

TranslatedRegex translate_lucene_regex(std::string_view pattern, RegexCase letter_case) {
    if (pattern.empty()) return {"(?:)", {}};
    const Piece piece = Translator(pattern).run();
    TranslatedRegex out{piece.re2, {}};
    for (std::size_t b = 0; b < piece.needs.size(); ++b) {
        if (out.required_bytes.size() == kMaxRegexRequiredBytes) break;
        const auto byte = static_cast<char>(b);
        const bool letter = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z');
        if (piece.needs.test(b) && !(letter && letter_case == RegexCase::Insensitive)) {
            out.required_bytes.push_back(byte);
        }
    }
    return out;
}

}  // namespace eql
