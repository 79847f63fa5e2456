// Helpers shared by the fuzz targets: carving control values and strings out of the fuzzer's
// bytes, and a check that stops the run (so libFuzzer records the input) when an invariant
// breaks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace fuzz {

// Control values (split points, limits, flags) are taken from the end of the input and text
// from the front, so a corpus file is readable text followed by a few control bytes, and
// mutating the text does not shift the controls.
class Input {
  public:
    Input(const uint8_t* data, std::size_t size)
        : rest_(reinterpret_cast<const char*>(data), size) {}

    // An unsigned integer from up to sizeof(T) bytes off the end (0 when none are left).
    template <typename T>
    T take_back() {
        T value = 0;
        for (std::size_t i = 0; i < sizeof(T) && !rest_.empty(); ++i) {
            value = static_cast<T>((value << 8) | static_cast<unsigned char>(rest_.back()));
            rest_.remove_suffix(1);
        }
        return value;
    }

    // Whatever the controls left.
    std::string_view rest() const { return rest_; }

    // The remaining text cut at every `separator` byte (the separator itself never occurs in a
    // part); at most max_parts parts, the last one keeping the remainder.
    std::vector<std::string_view> split(char separator, std::size_t max_parts) const {
        std::vector<std::string_view> parts;
        std::string_view text = rest_;
        while (parts.size() + 1 < max_parts) {
            const auto at = text.find(separator);
            if (at == std::string_view::npos) break;
            parts.push_back(text.substr(0, at));
            text.remove_prefix(at + 1);
        }
        parts.push_back(text);
        return parts;
    }

  private:
    std::string_view rest_;
};

// An invariant of the code under test: on violation print what broke and abort(), which
// libFuzzer reports as a crash and the replay test as a failure.
inline void check(bool ok, const char* what, std::string_view detail = {}) {
    if (ok) return;
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    if (!detail.empty()) {
        const std::size_t shown = detail.size() < 400 ? detail.size() : 400;
        std::fprintf(stderr, "  near: %.*s\n", static_cast<int>(shown), detail.data());
    }
    std::abort();
}

}  // namespace fuzz
