// Translates the regular-expression syntax of Elasticsearch's `regexp` query (Lucene RegExp,
// with the ALL flag set that Elasticsearch uses by default) into an RE2 pattern that accepts the
// same strings under RE2::FullMatch. Lucene regexes are always anchored, `.` matches any
// character including newline, `"..."` quotes a literal, `\c` is the literal c (except the
// classes \d \D \s \S \w \W), and ^ $ { } have no anchor meaning outside their grammar.
// `@` (any string) and `#` (the empty language) are translated; `~` (complement), `&`
// (intersection) and `<n-m>` (numeric interval) have no RE2 equivalent and are rejected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace eql {

class RegexSyntaxError : public std::runtime_error {
  public:
    RegexSyntaxError(const std::string& message, std::size_t offset)
        : std::runtime_error(message), offset_(offset) {}
    // Byte offset in the pattern where the problem was found.
    std::size_t offset() const noexcept { return offset_; }

  private:
    std::size_t offset_;
};

// How the RE2 pattern will be compiled: EQL's `regex~` is RE2's case-insensitive mode.
enum class RegexCase : uint8_t { Sensitive, Insensitive };

// The most required bytes a translation lists (TranslatedRegex::required_bytes): a few suffice
// to turn most texts away, and each costs its user a memchr.
inline constexpr std::size_t kMaxRegexRequiredBytes = 4;

struct TranslatedRegex {
    std::string re2;
    // At most kMaxRegexRequiredBytes ASCII bytes, ascending, that every string the pattern
    // matches contains under the RegexCase it was translated for (a text lacking one cannot
    // match: a test cheaper than running the regex). Case-insensitive translations list no
    // letters: RE2 matches them in either case, and some by other characters ('k' by the Kelvin
    // sign, 's' by the long s).
    std::string required_bytes;
};
// The RE2 pattern for `pattern` and what every match needs. Throws RegexSyntaxError for
// malformed or unsupported patterns.
TranslatedRegex translate_lucene_regex(std::string_view pattern,
                                       RegexCase letter_case = RegexCase::Sensitive);

}  // namespace eql
