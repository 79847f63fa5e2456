// Implementations of the EQL functions and value operations. Positions and lengths count
// characters (UTF-8 code points), as Elasticsearch counts Java chars (equal for the BMP).
#include "eql/functions.hpp"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "eql/wildcard.hpp"

namespace eql {
namespace {

constexpr uint8_t kVariadic = 255;

constexpr std::array<FunctionInfo, 17> kFunctions{{
    {"add", Function::Add, 2, 2, false},
    {"between", Function::Between, 3, 4, true},
    {"cidrMatch", Function::CidrMatch, 2, kVariadic, false},
    {"concat", Function::Concat, 1, kVariadic, false},
    {"divide", Function::Divide, 2, 2, false},
    {"endsWith", Function::EndsWith, 2, 2, true},
    {"indexOf", Function::IndexOf, 2, 3, true},
    {"length", Function::Length, 1, 1, false},
    {"modulo", Function::Modulo, 2, 2, false},
    {"multiply", Function::Multiply, 2, 2, false},
    {"number", Function::Number, 1, 2, false},
    {"startsWith", Function::StartsWith, 2, 2, true},
    {"string", Function::String, 1, 1, false},
    {"stringContains", Function::StringContains, 2, 2, true},
    {"substring", Function::Substring, 2, 3, false},
    {"subtract", Function::Subtract, 2, 2, false},
    {"wildcard", Function::Wildcard, 2, kVariadic, true},
}};

// Character offsets <-> byte offsets.
std::size_t char_count(std::string_view s) noexcept {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); i += utf8_char_length(s, i)) ++n;
    return n;
}
std::size_t byte_offset(std::string_view s, std::size_t chars) noexcept {
    std::size_t i = 0;
    for (std::size_t c = 0; c < chars && i < s.size(); ++c) i += utf8_char_length(s, i);
    return i;
}

std::size_t find(std::string_view s, std::string_view sub, std::size_t from,
                 bool insensitive) noexcept {
    if (!insensitive) return s.find(sub, from);
    if (sub.size() > s.size()) return std::string_view::npos;
    for (std::size_t i = from; i + sub.size() <= s.size(); ++i) {
        if (equals_folded(s.substr(i, sub.size()), sub)) return i;
    }
    return std::string_view::npos;
}

std::size_t rfind(std::string_view s, std::string_view sub, bool insensitive) noexcept {
    if (!insensitive) return s.rfind(sub);
    if (sub.size() > s.size()) return std::string_view::npos;
    for (std::size_t i = s.size() - sub.size() + 1; i-- > 0;) {
        if (equals_folded(s.substr(i, sub.size()), sub)) return i;
    }
    return std::string_view::npos;
}

// between(source, left, right[, greedy]): the text after the first `left` and before the next
// (or, greedy, the last) `right`; "" when either is absent.
Value between(std::string_view s, std::string_view left, std::string_view right, bool greedy,
              bool insensitive) {
    const std::size_t l = find(s, left, 0, insensitive);
    if (l == std::string_view::npos) return Value::owned({});
    const std::size_t start = l + left.size();
    std::size_t end;
    if (greedy) {
        end = rfind(s, right, insensitive);
    } else {
        end = find(s, right, start, insensitive);
    }
    if (end == std::string_view::npos || end < start) return Value::owned({});
    return Value::owned(std::string(s.substr(start, end - start)));
}

// indexOf(source, sub[, start]): first character position at or after start, or null.
Value index_of(std::string_view s, std::string_view sub, int64_t start, bool insensitive) {
    if (start < 0) start = 0;
    const auto chars = static_cast<int64_t>(char_count(s));
    if (start > chars) return Value::null();
    const std::size_t from = byte_offset(s, static_cast<std::size_t>(start));
    const std::size_t at = find(s, sub, from, insensitive);
    if (at == std::string_view::npos) return Value::null();
    return Value::integer(static_cast<int64_t>(char_count(s.substr(0, at))));
}

// substring(source, start[, end]): Python-style slice on characters.
Value substring(std::string_view s, int64_t start, std::optional<int64_t> end) {
    const auto n = static_cast<int64_t>(char_count(s));
    auto clamp = [n](int64_t p) {
        if (p < 0) p += n;
        if (p < 0) p = 0;
        if (p > n) p = n;
        return p;
    };
    const int64_t b = clamp(start);
    const int64_t e = end ? clamp(*end) : n;
    if (b >= e) return Value::owned({});
    const std::size_t bb = byte_offset(s, static_cast<std::size_t>(b));
    const std::size_t eb = byte_offset(s, static_cast<std::size_t>(e));
    return Value::owned(std::string(s.substr(bb, eb - bb)));
}

// number(text[, base]): integers in the base (0x means 16), else a decimal; null if invalid.
Value number(std::string_view s, std::optional<int64_t> base) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    if (s.empty()) return Value::null();
    bool negative = false;
    std::string_view digits = s;
    if (digits.front() == '+' || digits.front() == '-') {
        negative = digits.front() == '-';
        digits.remove_prefix(1);
    }
    int radix = base ? static_cast<int>(*base) : 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') &&
        (!base || *base == 16)) {
        digits.remove_prefix(2);
        radix = 16;
    }
    if (radix < 2 || radix > 36 || digits.empty()) return Value::null();
    uint64_t magnitude = 0;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, radix);
    if (r.ec == std::errc() && r.ptr == digits.data() + digits.size()) {
        if (!negative && magnitude <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            return Value::integer(static_cast<int64_t>(magnitude));
        }
        if (negative &&
            magnitude <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) {
            return Value::integer(static_cast<int64_t>(0 - magnitude));
        }
        return Value::null();
    }
    if (radix != 10) return Value::null();
    double d = 0;
    auto rd = std::from_chars(s.data(), s.data() + s.size(), d);
    if (s.front() == '+') rd = std::from_chars(s.data() + 1, s.data() + s.size(), d);
    if (rd.ec != std::errc() || rd.ptr != s.data() + s.size() || !std::isfinite(d)) {
        return Value::null();
    }
    return Value::real(d);
}

std::optional<int64_t> optional_int(std::span<const Value> args, std::size_t i) {
    if (i >= args.size() || args[i].is_null()) return std::nullopt;
    if (args[i].is_int()) return args[i].as_int();
    return static_cast<int64_t>(args[i].as_double());
}

}  // namespace

std::string_view type_name(Type t) noexcept {
    switch (t) {
        case Type::Null:
            return "null";
        case Type::Boolean:
            return "boolean";
        case Type::Integer:
            return "long";
        case Type::Double:
            return "double";
        case Type::Keyword:
            return "keyword";
        case Type::Date:
            return "date";
    }
    return "unknown";
}

const FunctionInfo* find_function(std::string_view name) noexcept {
    for (const FunctionInfo& f : kFunctions) {
        if (equals_folded(f.name, name)) return &f;
    }
    return nullptr;
}

bool equals_folded(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

bool starts_with(std::string_view s, std::string_view prefix, bool insensitive) noexcept {
    if (prefix.size() > s.size()) return false;
    const std::string_view head = s.substr(0, prefix.size());
    return insensitive ? equals_folded(head, prefix) : head == prefix;
}

bool ends_with(std::string_view s, std::string_view suffix, bool insensitive) noexcept {
    if (suffix.size() > s.size()) return false;
    const std::string_view tail = s.substr(s.size() - suffix.size());
    return insensitive ? equals_folded(tail, suffix) : tail == suffix;
}

bool contains(std::string_view s, std::string_view sub, bool insensitive) noexcept {
    if (sub.empty()) return false;
    return find(s, sub, 0, insensitive) != std::string_view::npos;
}

std::string to_text(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::Null:
            return "null";
        case Value::Kind::Bool:
            return v.as_bool() ? "true" : "false";
        case Value::Kind::Int:
            return std::to_string(v.as_int());
        case Value::Kind::String:
            return std::string(v.as_string());
        case Value::Kind::Double:
            break;
    }
    const double d = v.as_double();
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    char buf[64];
    const double mag = std::fabs(d);
    if (d == 0 || (mag >= 1e-3 && mag < 1e7)) {
        auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
        std::string s(buf, r.ptr);
        if (s.find('.') == std::string::npos) s += ".0";
        return s;
    }
    // Java prints d.dddE±n for very large and very small magnitudes.
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string s(buf, r.ptr);
    const std::size_t e = s.find('e');
    std::string mantissa = s.substr(0, e);
    std::string exponent = s.substr(e + 1);
    if (mantissa.find('.') == std::string::npos) mantissa += ".0";
    if (!exponent.empty() && exponent[0] == '+') exponent.erase(0, 1);
    const bool neg = !exponent.empty() && exponent[0] == '-';
    std::string digits = exponent.substr(neg ? 1 : 0);
    while (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);
    return mantissa + "E" + (neg ? "-" : "") + digits;
}

Value compare_values(ast::CompareOp op, const Value& a, const Value& b) noexcept {
    int c = 0;
    if (a.is_number() && b.is_number()) {
        if (a.is_int() && b.is_int()) {
            c = a.as_int() < b.as_int() ? -1 : (a.as_int() > b.as_int() ? 1 : 0);
        } else {
            const double x = a.as_double();
            const double y = b.as_double();
            if (std::isnan(x) || std::isnan(y)) return Value::boolean(op == ast::CompareOp::Ne);
            c = x < y ? -1 : (x > y ? 1 : 0);
        }
    } else if (a.is_string() && b.is_string()) {
        const int r = a.as_string().compare(b.as_string());
        c = r < 0 ? -1 : (r > 0 ? 1 : 0);
    } else if (a.is_bool() && b.is_bool()) {
        c = static_cast<int>(a.as_bool()) - static_cast<int>(b.as_bool());
    } else {
        return Value::null();
    }
    switch (op) {
        case ast::CompareOp::Eq:
            return Value::boolean(c == 0);
        case ast::CompareOp::Ne:
            return Value::boolean(c != 0);
        case ast::CompareOp::Lt:
            return Value::boolean(c < 0);
        case ast::CompareOp::Le:
            return Value::boolean(c <= 0);
        case ast::CompareOp::Gt:
            return Value::boolean(c > 0);
        case ast::CompareOp::Ge:
            return Value::boolean(c >= 0);
    }
    return Value::null();
}

Value arithmetic(ast::ArithOp op, const Value& a, const Value& b) noexcept {
    if (!a.is_number() || !b.is_number()) return Value::null();
    if (a.is_int() && b.is_int()) {
        const int64_t x = a.as_int();
        const int64_t y = b.as_int();
        int64_t r = 0;
        switch (op) {
            case ast::ArithOp::Add:
                if (__builtin_add_overflow(x, y, &r)) return Value::null();
                return Value::integer(r);
            case ast::ArithOp::Sub:
                if (__builtin_sub_overflow(x, y, &r)) return Value::null();
                return Value::integer(r);
            case ast::ArithOp::Mul:
                if (__builtin_mul_overflow(x, y, &r)) return Value::null();
                return Value::integer(r);
            case ast::ArithOp::Div:
                if (y == 0 || (x == std::numeric_limits<int64_t>::min() && y == -1)) {
                    return Value::null();
                }
                return Value::integer(x / y);
            case ast::ArithOp::Mod:
                if (y == 0) return Value::null();
                if (y == -1) return Value::integer(0);
                return Value::integer(x % y);
        }
        return Value::null();
    }
    const double x = a.as_double();
    const double y = b.as_double();
    switch (op) {
        case ast::ArithOp::Add:
            return Value::real(x + y);
        case ast::ArithOp::Sub:
            return Value::real(x - y);
        case ast::ArithOp::Mul:
            return Value::real(x * y);
        case ast::ArithOp::Div:
            return Value::real(x / y);
        case ast::ArithOp::Mod:
            return Value::real(std::fmod(x, y));
    }
    return Value::null();
}

Value negate(const Value& a) noexcept {
    if (a.is_int()) {
        if (a.as_int() == std::numeric_limits<int64_t>::min()) return Value::null();
        return Value::integer(-a.as_int());
    }
    if (a.is_double()) return Value::real(-a.as_double());
    return Value::null();
}

Value call_function(Function f, bool insensitive, std::span<const Value> args) {
    // Null in any required argument gives null (each function's "null handling" examples).
    auto any_null = [&](std::size_t required) {
        for (std::size_t i = 0; i < required && i < args.size(); ++i) {
            if (args[i].is_null()) return true;
        }
        return false;
    };
    switch (f) {
        case Function::Add:
            if (any_null(2)) return Value::null();
            return arithmetic(ast::ArithOp::Add, args[0], args[1]);
        case Function::Subtract:
            if (any_null(2)) return Value::null();
            return arithmetic(ast::ArithOp::Sub, args[0], args[1]);
        case Function::Multiply:
            if (any_null(2)) return Value::null();
            return arithmetic(ast::ArithOp::Mul, args[0], args[1]);
        case Function::Divide:
            if (any_null(2)) return Value::null();
            return arithmetic(ast::ArithOp::Div, args[0], args[1]);
        case Function::Modulo:
            if (any_null(2)) return Value::null();
            return arithmetic(ast::ArithOp::Mod, args[0], args[1]);
        case Function::Between: {
            if (any_null(3)) return Value::null();
            const bool greedy = args.size() > 3 && args[3].is_true();
            return between(args[0].as_string(), args[1].as_string(), args[2].as_string(), greedy,
                           insensitive);
        }
        case Function::Concat: {
            if (any_null(args.size())) return Value::null();
            std::string out;
            for (const Value& v : args) out += to_text(v);
            return Value::owned(std::move(out));
        }
        case Function::EndsWith:
            if (any_null(2)) return Value::null();
            return Value::boolean(ends_with(args[0].as_string(), args[1].as_string(), insensitive));
        case Function::StartsWith:
            if (any_null(2)) return Value::null();
            return Value::boolean(
                starts_with(args[0].as_string(), args[1].as_string(), insensitive));
        case Function::StringContains:
            if (any_null(2)) return Value::null();
            return Value::boolean(contains(args[0].as_string(), args[1].as_string(), insensitive));
        case Function::IndexOf: {
            if (any_null(2) || (args.size() > 2 && args[2].is_null())) return Value::null();
            return index_of(args[0].as_string(), args[1].as_string(),
                            optional_int(args, 2).value_or(0), insensitive);
        }
        case Function::Length:
            if (any_null(1)) return Value::null();
            return Value::integer(static_cast<int64_t>(char_count(args[0].as_string())));
        case Function::Number:
            if (any_null(1)) return Value::null();
            return number(args[0].as_string(), optional_int(args, 1));
        case Function::String:
            if (any_null(1)) return Value::null();
            return Value::owned(to_text(args[0]));
        case Function::Substring:
            if (any_null(2)) return Value::null();
            return substring(args[0].as_string(), optional_int(args, 1).value_or(0),
                             optional_int(args, 2));
        case Function::CidrMatch:
        case Function::Wildcard:
            break;  // evaluated with precompiled constants
    }
    return Value::null();
}

std::optional<Cidr> parse_cidr(std::string_view text) noexcept {
    Cidr c;
    std::string_view addr = text;
    const std::size_t slash = text.find('/');
    if (slash != std::string_view::npos) addr = text.substr(0, slash);
    if (addr.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    char buf[INET6_ADDRSTRLEN];
    std::memcpy(buf, addr.data(), addr.size());
    buf[addr.size()] = '\0';
    if (inet_pton(AF_INET, buf, c.bytes) == 1) {
        c.v6 = false;
        c.prefix = 32;
    } else if (inet_pton(AF_INET6, buf, c.bytes) == 1) {
        c.v6 = true;
        c.prefix = 128;
    } else {
        return std::nullopt;
    }
    if (slash != std::string_view::npos) {
        const std::string_view p = text.substr(slash + 1);
        int prefix = -1;
        auto r = std::from_chars(p.data(), p.data() + p.size(), prefix);
        if (r.ec != std::errc() || r.ptr != p.data() + p.size() || prefix < 0 ||
            prefix > c.prefix) {
            return std::nullopt;
        }
        c.prefix = prefix;
    }
    return c;
}

bool cidr_contains(const Cidr& net, std::string_view address) noexcept {
    const auto ip = parse_cidr(address);
    if (!ip || address.find('/') != std::string_view::npos) return false;
    // An IPv4 address also matches as IPv4-mapped IPv6 (::ffff:a.b.c.d) and vice versa.
    uint8_t a[16] = {};
    uint8_t n[16] = {};
    int prefix = net.prefix;
    auto widen = [](const Cidr& c, uint8_t* out) {
        if (c.v6) {
            std::memcpy(out, c.bytes, 16);
        } else {
            out[10] = 0xFF;
            out[11] = 0xFF;
            std::memcpy(out + 12, c.bytes, 4);
        }
    };
    widen(*ip, a);
    widen(net, n);
    if (!net.v6) prefix += 96;
    for (int bit = 0; bit < prefix; ++bit) {
        const int byte = bit / 8;
        const int mask = 0x80 >> (bit % 8);
        if ((a[byte] & mask) != (n[byte] & mask)) return false;
    }
    return true;
}

}  // namespace eql
