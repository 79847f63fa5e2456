// Translates the regular-expression syntax of Elasticsearch's `regexp` query (Lucene RegExp,
// with the ALL flag set that Elasticsearch uses by default) into an RE2 pattern that accepts the
// same strings under RE2::FullMatch. Lucene regexes are always anchored, `.` matches any
// character including newline, `"..."` quotes a literal, `\c` is the literal c (except the
// classes \d \D \s \S \w \W), and ^ $ { } have no anchor meaning outside their grammar.
// `@` (any string) and `#` (the empty language) are translated; `~` (complement), `&`
// (intersection) and `<n-m>` (numeric interval) have no RE2 equivalent and are rejected.
#pragma once

#include <cstddef>
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

// Throws RegexSyntaxError for malformed or unsupported patterns.
std::string lucene_to_re2(std::string_view pattern);

struct TranslatedRegex {
    std::string re2;
    // ASCII bytes, ascending, that every string the pattern matches contains (a text lacking
    // one cannot match: a test cheaper than running the regex). Letters among them match only
    // themselves when the regex is case-sensitive; a case-insensitive caller drops them (RE2
    // folds 'k' to the Kelvin sign, 's' to the long s).
    std::string required_bytes;
};
// lucene_to_re2() and what every match needs. Throws RegexSyntaxError as it does.
TranslatedRegex translate_lucene_regex(std::string_view pattern);

}  // namespace eql
