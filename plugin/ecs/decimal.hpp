// The decimal digits of an integer in a fixed buffer (std::to_chars): no heap allocation, so a
// number can be appended to a string or used as a string_view on a hot path.
#pragma once

#include <array>
#include <charconv>
#include <cstddef>
#include <string_view>
#include <type_traits>

namespace ecs {

class DecimalText {
  public:
    template <typename Integer>
    explicit DecimalText(Integer value) noexcept {
        static_assert(std::is_integral_v<Integer> && sizeof(Integer) <= 8,
                      "up to 64 bits: 20 digits and a sign fit the buffer");
        size_ = static_cast<std::size_t>(
            std::to_chars(digits_.data(), digits_.data() + digits_.size(), value).ptr -
            digits_.data());
    }

    // Valid while this object lives.
    std::string_view view() const noexcept { return {digits_.data(), size_}; }

  private:
    std::array<char, 24> digits_{};
    std::size_t size_ = 0;
};

}  // namespace ecs
