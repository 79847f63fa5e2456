// Linear-time glob matching: anchored first part, leftmost-first middle parts, anchored last
// part. Greedy leftmost placement is optimal for globs because `?` always consumes exactly one
// character, so an earlier start never ends later.
#include "eql/wildcard.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace eql {
namespace {

constexpr auto npos = std::string_view::npos;

// Bytes of command lines and paths, roughly from the most to the least common (English letter
// frequency, then the punctuation of paths and options, digits, capitals); a byte not listed is
// rarer than all of them. find() anchors its memchr on a part's rarest byte, so that it stops at
// few places that then fail: a part's first byte is often `/` or `-`, in every command line.
constexpr std::string_view kCommonBytes =
    " /etaoinsrlcud.-phmbgf_ykvw=x0123456789:jzq,ABCDEFGHIJKLMNOPQRSTUVWXYZ";

std::size_t commonness(char c) noexcept {
    const std::size_t at = kCommonBytes.find(c);
    return at == npos ? 0 : kCommonBytes.size() - at;
}

bool is_continuation(char c) noexcept {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x80 && byte <= 0xBF;
}

}  // namespace

std::size_t utf8_char_length(std::string_view text, std::size_t i) noexcept {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
    }
    if (n == 1 || i + n > text.size()) return 1;
    for (std::size_t k = 1; k < n; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 1;
    }
    return n;
}

WildcardPattern WildcardPattern::compile(std::string_view pattern, bool case_insensitive) {
    WildcardPattern p;
    p.source_ = std::string(pattern);
    p.case_insensitive_ = case_insensitive;
    p.parts_.emplace_back();
    for (char c : pattern) {
        if (c == '*') {
            p.parts_.emplace_back();
            continue;
        }
        Part& part = p.parts_.back();
        const bool any = c == '?';
        part.bytes.push_back(case_insensitive ? ascii_lower(c) : c);
        part.any.push_back(any ? 1 : 0);
        part.has_any = part.has_any || any;
        p.has_any_char_ = p.has_any_char_ || any;
    }
    p.prepare();
    return p;
}

WildcardPattern WildcardPattern::literal(std::string_view text, bool leading_any, bool trailing_any,
                                         bool case_insensitive) {
    WildcardPattern p;
    p.source_ = (leading_any ? "*" : "") + std::string(text) + (trailing_any ? "*" : "");
    p.case_insensitive_ = case_insensitive;
    Part body;
    for (char c : text) {
        body.bytes.push_back(case_insensitive ? ascii_lower(c) : c);
        body.any.push_back(0);
    }
    if (leading_any) p.parts_.emplace_back();
    p.parts_.push_back(std::move(body));
    if (trailing_any) p.parts_.emplace_back();
    p.prepare();
    return p;
}

void WildcardPattern::prepare() noexcept {
    min_length_ = 0;
    for (Part& part : parts_) {
        min_length_ += part.bytes.size();
        part.anchor = npos;
        if (part.bytes.empty()) continue;
        // A match may start anywhere a case-sensitive run of plain bytes does (a byte search);
        // otherwise only at a character boundary, which a first byte that is no continuation
        // byte guarantees wherever it is found.
        const bool starts_anywhere = !part.has_any && !case_insensitive_;
        if (!starts_anywhere && (part.any[0] != 0 || is_continuation(part.bytes[0]))) continue;
        std::size_t rarest = SIZE_MAX;
        for (std::size_t k = 0; k < part.bytes.size() && part.any[k] == 0; ++k) {
            const std::size_t common = commonness(part.bytes[k]);
            if (common < rarest) {
                rarest = common;
                part.anchor = k;
            }
        }
    }
}

std::string_view WildcardPattern::literal_prefix() const noexcept {
    const Part& first = parts_.front();
    std::size_t n = 0;
    while (n < first.bytes.size() && first.any[n] == 0) ++n;
    return std::string_view(first.bytes).substr(0, n);
}

std::string_view WildcardPattern::literal_suffix() const noexcept {
    const Part& last = parts_.back();
    std::size_t n = last.bytes.size();
    while (n > 0 && last.any[n - 1] == 0) --n;
    return std::string_view(last.bytes).substr(n);
}

std::size_t WildcardPattern::match_at(const Part& part, std::string_view text, std::size_t at,
                                      bool fold) noexcept {
    if (!part.has_any && !fold) {
        if (at > text.size() || text.size() - at < part.bytes.size()) return npos;
        return std::memcmp(text.data() + at, part.bytes.data(), part.bytes.size()) == 0
                   ? at + part.bytes.size()
                   : npos;
    }
    std::size_t t = at;
    for (std::size_t k = 0; k < part.bytes.size(); ++k) {
        if (t >= text.size()) return npos;
        if (part.any[k]) {
            t += utf8_char_length(text, t);
            continue;
        }
        const char c = fold ? ascii_lower(text[t]) : text[t];
        if (c != part.bytes[k]) return npos;
        ++t;
    }
    return t;
}

std::pair<std::size_t, std::size_t> WildcardPattern::find(const Part& part, std::string_view text,
                                                          std::size_t from, bool fold) noexcept {
    if (part.anchor != npos) {
        // Candidate starts are where the anchor byte is found, `anchor` bytes back, in
        // increasing order (so the first that matches is the leftmost). Unfolded text has both
        // cases of a letter to look for: two memchr streams, merged.
        const std::size_t k = part.anchor;
        const char lower = part.bytes[k];
        const char upper =
            fold && lower >= 'a' && lower <= 'z' ? static_cast<char>(lower - 'a' + 'A') : lower;
        std::size_t next_lower = text.find(lower, from + k);
        std::size_t next_upper = upper == lower ? npos : text.find(upper, from + k);
        for (;;) {
            const std::size_t at = std::min(next_lower, next_upper);
            if (at == npos) return {npos, npos};
            const std::size_t end = match_at(part, text, at - k, fold);
            if (end != npos) return {at - k, end};
            if (at == next_lower) {
                next_lower = text.find(lower, at + 1);
            } else {
                next_upper = text.find(upper, at + 1);
            }
        }
    }
    // Candidate starts are character boundaries reached by stepping from `from`.
    for (std::size_t at = from; at <= text.size();) {
        const std::size_t end = match_at(part, text, at, fold);
        if (end != npos) return {at, end};
        if (at == text.size()) break;
        at += utf8_char_length(text, at);
    }
    return {npos, npos};
}

bool WildcardPattern::matches(std::string_view text) const noexcept {
    return match_text(text, case_insensitive_);
}

bool WildcardPattern::matches_folded(std::string_view folded_text) const noexcept {
    return match_text(folded_text, false);
}

bool WildcardPattern::match_text(std::string_view text, bool fold) const noexcept {
    if (text.size() < min_length_) return false;
    const Part& first = parts_.front();
    std::size_t cursor = match_at(first, text, 0, fold);
    if (cursor == npos) return false;
    if (parts_.size() == 1) return cursor == text.size();

    for (std::size_t i = 1; i + 1 < parts_.size(); ++i) {
        if (parts_[i].bytes.empty()) continue;
        const auto [start, end] = find(parts_[i], text, cursor, fold);
        if (start == npos) return false;
        cursor = end;
    }

    const Part& last = parts_.back();
    if (last.bytes.empty()) return true;
    if (!last.has_any) {
        // A fixed number of bytes: only one place it can start.
        if (text.size() < last.bytes.size() || text.size() - last.bytes.size() < cursor) {
            return false;
        }
        return match_at(last, text, text.size() - last.bytes.size(), fold) == text.size();
    }
    for (std::size_t at = cursor; at < text.size(); at += utf8_char_length(text, at)) {
        if (match_at(last, text, at, fold) == text.size()) return true;
    }
    return false;
}

}  // namespace eql
