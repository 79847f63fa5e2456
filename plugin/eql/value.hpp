// A runtime value inside expression evaluation: null, boolean, integer, double or string.
// Strings are usually views into the event or the compiled query; only functions that build
// text (concat, substring, string, ...) own their bytes, shared between copies (they are never
// changed), so that the common, viewing Value is cheap to make and to destroy.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace eql {

class Value {
  public:
    enum class Kind : uint8_t { Null, Bool, Int, Double, String };

    Value() = default;
    static Value null() noexcept { return {}; }
    static Value boolean(bool b) noexcept {
        Value v;
        v.kind_ = Kind::Bool;
        v.int_ = b ? 1 : 0;
        return v;
    }
    static Value integer(int64_t i) noexcept {
        Value v;
        v.kind_ = Kind::Int;
        v.int_ = i;
        return v;
    }
    static Value real(double d) noexcept {
        Value v;
        v.kind_ = Kind::Double;
        v.double_ = d;
        return v;
    }
    // A view: the bytes must outlive the value (event fields, compiled constants).
    static Value view(std::string_view s) noexcept {
        Value v;
        v.kind_ = Kind::String;
        v.view_ = s;
        return v;
    }
    static Value owned(std::string s) {
        Value v;
        v.kind_ = Kind::String;
        v.owned_ = std::make_shared<const std::string>(std::move(s));
        v.view_ = *v.owned_;
        return v;
    }
    // A non-owning copy of a value that must outlive the copy.
    Value borrow() const noexcept {
        if (kind_ == Kind::String) return view(as_string());
        Value v;
        v.kind_ = kind_;
        v.int_ = int_;
        v.double_ = double_;
        return v;
    }

    Kind kind() const noexcept { return kind_; }
    bool is_null() const noexcept { return kind_ == Kind::Null; }
    bool is_bool() const noexcept { return kind_ == Kind::Bool; }
    bool is_int() const noexcept { return kind_ == Kind::Int; }
    bool is_double() const noexcept { return kind_ == Kind::Double; }
    bool is_number() const noexcept { return kind_ == Kind::Int || kind_ == Kind::Double; }
    bool is_string() const noexcept { return kind_ == Kind::String; }
    bool is_true() const noexcept { return kind_ == Kind::Bool && int_ != 0; }

    bool as_bool() const noexcept { return int_ != 0; }
    int64_t as_int() const noexcept { return int_; }
    double as_double() const noexcept {
        return kind_ == Kind::Int ? static_cast<double>(int_) : double_;
    }
    std::string_view as_string() const noexcept { return view_; }

  private:
    Kind kind_ = Kind::Null;
    int64_t int_ = 0;
    double double_ = 0;
    std::string_view view_;                     // the string, owned or not
    std::shared_ptr<const std::string> owned_;  // set when the Value owns it
};

}  // namespace eql
