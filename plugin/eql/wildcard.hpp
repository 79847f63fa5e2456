// Wildcard patterns for like, like~, `:` and wildcard(): `*` is any run of characters, `?` is
// exactly one character (one UTF-8 code point), and there is no escape character.
// Matching is linear in the text for a given pattern: the pattern is split at `*` into segments
// that are matched leftmost-first without backtracking, so a hostile command line cannot make
// it slow (cost is at most text length x pattern length).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eql {

class WildcardPattern {
  public:
    // `case_insensitive` folds ASCII letters (A-Z = a-z), as documented in SEMANTICS.md.
    static WildcardPattern compile(std::string_view pattern, bool case_insensitive);
    // A pattern that treats every byte of `text` literally, with optional `*` on either side:
    // startsWith (trailing), endsWith (leading), stringContains (both).
    static WildcardPattern literal(std::string_view text, bool leading_any, bool trailing_any,
                                   bool case_insensitive);

    bool matches(std::string_view text) const noexcept;
    // The same for a text already ASCII-lowered: a caller testing several case-insensitive
    // patterns against one text folds it once (a case-sensitive pattern must get the original).
    bool matches_folded(std::string_view folded_text) const noexcept;

    const std::string& source() const noexcept { return source_; }
    // True when the pattern has no wildcard at all (it is a plain equality).
    bool is_literal() const noexcept { return parts_.size() == 1 && !has_any_char_; }
    bool case_insensitive() const noexcept { return case_insensitive_; }
    // The bytes every matching text starts with (those before the first `*` or `?`), and those
    // it ends with (after the last one); ASCII-lowered when case-insensitive. For rule indexing.
    std::string_view literal_prefix() const noexcept;
    std::string_view literal_suffix() const noexcept;

  private:
    // One run between stars. `any` marks positions that are `?`.
    struct Part {
        std::string bytes;
        std::vector<uint8_t> any;
        bool has_any = false;
        // The offset of the byte find() looks for with memchr: the part's rarest literal byte
        // before its first `?`. npos when find() must step character by character instead (the
        // part starts with `?`, or with a UTF-8 continuation byte where a start must be a
        // character boundary).
        std::size_t anchor = std::string_view::npos;
    };

    // Sets each part's anchor and min_length_, once all parts are there.
    void prepare() noexcept;
    // `fold`: compare ASCII-lowered text bytes (a case-insensitive pattern on unfolded text).
    bool match_text(std::string_view text, bool fold) const noexcept;
    // Byte offset just past `part` when it matches at `at`, or npos.
    static std::size_t match_at(const Part& part, std::string_view text, std::size_t at,
                                bool fold) noexcept;
    // Leftmost match of `part` at or after `from`: returns {start, end} or {npos, npos}.
    static std::pair<std::size_t, std::size_t> find(const Part& part, std::string_view text,
                                                    std::size_t from, bool fold) noexcept;

    std::string source_;
    // The pattern split at each `*`: with n stars there are n + 1 parts (some may be empty).
    // parts_.front() is anchored at the start and parts_.back() at the end of the text.
    std::vector<Part> parts_;
    bool has_any_char_ = false;
    bool case_insensitive_ = false;
    // No shorter text can match: every pattern byte needs at least one text byte.
    std::size_t min_length_ = 0;
};

// Length in bytes of the character starting at text[i] (1 for an invalid UTF-8 byte).
std::size_t utf8_char_length(std::string_view text, std::size_t i) noexcept;

inline char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// A set of byte values, tested in one instruction: the cheap filters in front of pattern and
// key lookups ("can a match start with this byte?").
class ByteSet {
  public:
    void add(char c) noexcept {
        const auto byte = static_cast<uint8_t>(c);
        words_[byte / 64] |= uint64_t{1} << (byte % 64);
    }
    void add_all() noexcept { words_.fill(~uint64_t{0}); }
    bool has(char c) const noexcept {
        const auto byte = static_cast<uint8_t>(c);
        return (words_[byte / 64] & (uint64_t{1} << (byte % 64))) != 0;
    }

  private:
    std::array<uint64_t, 4> words_{};
};

}  // namespace eql
