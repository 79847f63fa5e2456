// Tree helpers: subtree height, deep equality and the S-expression dump used by tests.
#include "eql/ast.hpp"

#include <algorithm>
#include <charconv>
#include <type_traits>

namespace eql::ast {
namespace {

uint32_t height(const ExprPtr& e) noexcept { return e ? e->depth : 0; }

uint32_t height(const std::vector<ExprPtr>& v) noexcept {
    uint32_t h = 0;
    for (const auto& e : v) h = std::max(h, height(e));
    return h;
}

bool equal(const ExprPtr& a, const ExprPtr& b) {
    if (!a || !b) return !a && !b;
    return equal(*a, *b);
}

bool equal(const std::vector<ExprPtr>& a, const std::vector<ExprPtr>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!equal(a[i], b[i])) return false;
    }
    return true;
}

std::string quote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

std::string dump_literal(const Literal& l) {
    struct V {
        std::string operator()(std::monostate) const { return "null"; }
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(int64_t i) const { return std::to_string(i); }
        std::string operator()(double d) const {
            char buf[64];
            auto r = std::to_chars(buf, buf + sizeof buf, d);
            return std::string(buf, r.ptr) + "d";
        }
        std::string operator()(const std::string& s) const { return quote(s); }
    };
    return std::visit(V{}, l.value);
}

std::string_view name(CompareOp op) {
    switch (op) {
        case CompareOp::Eq:
            return "==";
        case CompareOp::Ne:
            return "!=";
        case CompareOp::Lt:
            return "<";
        case CompareOp::Le:
            return "<=";
        case CompareOp::Gt:
            return ">";
        case CompareOp::Ge:
            return ">=";
    }
    return "?";
}

std::string_view name(ArithOp op) {
    switch (op) {
        case ArithOp::Add:
            return "+";
        case ArithOp::Sub:
            return "-";
        case ArithOp::Mul:
            return "*";
        case ArithOp::Div:
            return "/";
        case ArithOp::Mod:
            return "%";
    }
    return "?";
}

std::string_view name(MatchOp op) {
    switch (op) {
        case MatchOp::Colon:
            return ":";
        case MatchOp::Like:
            return "like";
        case MatchOp::LikeInsensitive:
            return "like~";
        case MatchOp::Regex:
            return "regex";
        case MatchOp::RegexInsensitive:
            return "regex~";
    }
    return "?";
}

}  // namespace

uint32_t Expr::child_depth() const {
    return std::visit(
        [](const auto& n) -> uint32_t {
            using T = std::decay_t<decltype(n)>;
            if constexpr (std::is_same_v<T, Unary>) {
                return height(n.operand);
            } else if constexpr (std::is_same_v<T, Logical>) {
                return height(n.operands);
            } else if constexpr (std::is_same_v<T, Comparison> || std::is_same_v<T, Arithmetic>) {
                return std::max(height(n.lhs), height(n.rhs));
            } else if constexpr (std::is_same_v<T, InList>) {
                return std::max(height(n.value), height(n.items));
            } else if constexpr (std::is_same_v<T, Match>) {
                return std::max(height(n.value), height(n.patterns));
            } else if constexpr (std::is_same_v<T, Call>) {
                return height(n.args);
            } else {
                return 0;
            }
        },
        node);
}

bool equal(const Expr& a, const Expr& b) {
    if (a.node.index() != b.node.index()) return false;
    return std::visit(
        [&b](const auto& x) -> bool {
            using T = std::decay_t<decltype(x)>;
            const T& y = std::get<T>(b.node);
            if constexpr (std::is_same_v<T, Literal>) {
                return x.value == y.value;
            } else if constexpr (std::is_same_v<T, Field>) {
                return x.name == y.name && x.optional == y.optional;
            } else if constexpr (std::is_same_v<T, Unary>) {
                return x.op == y.op && equal(x.operand, y.operand);
            } else if constexpr (std::is_same_v<T, Logical>) {
                return x.op == y.op && equal(x.operands, y.operands);
            } else if constexpr (std::is_same_v<T, Comparison> || std::is_same_v<T, Arithmetic>) {
                return x.op == y.op && equal(x.lhs, y.lhs) && equal(x.rhs, y.rhs);
            } else if constexpr (std::is_same_v<T, InList>) {
                return x.negated == y.negated && x.insensitive == y.insensitive &&
                       equal(x.value, y.value) && equal(x.items, y.items);
            } else if constexpr (std::is_same_v<T, Match>) {
                return x.op == y.op && equal(x.value, y.value) && equal(x.patterns, y.patterns);
            } else {
                return x.name == y.name && x.insensitive == y.insensitive && equal(x.args, y.args);
            }
        },
        a.node);
}

std::string dump(const Expr& e) {
    auto list = [](const std::vector<ExprPtr>& v) {
        std::string s;
        for (const auto& x : v) s += " " + dump(*x);
        return s;
    };
    return std::visit(
        [&](const auto& n) -> std::string {
            using T = std::decay_t<decltype(n)>;
            if constexpr (std::is_same_v<T, Literal>) {
                return dump_literal(n);
            } else if constexpr (std::is_same_v<T, Field>) {
                return (n.optional ? "?" : "") + n.name;
            } else if constexpr (std::is_same_v<T, Unary>) {
                const char* op = n.op == UnaryOp::Not      ? "not"
                                 : n.op == UnaryOp::Negate ? "neg"
                                                           : "pos";
                return std::string("(") + op + " " + dump(*n.operand) + ")";
            } else if constexpr (std::is_same_v<T, Logical>) {
                return std::string("(") + (n.op == LogicalOp::And ? "and" : "or") +
                       list(n.operands) + ")";
            } else if constexpr (std::is_same_v<T, Comparison> || std::is_same_v<T, Arithmetic>) {
                return "(" + std::string(name(n.op)) + " " + dump(*n.lhs) + " " + dump(*n.rhs) +
                       ")";
            } else if constexpr (std::is_same_v<T, InList>) {
                std::string op = n.insensitive ? "in~" : "in";
                if (n.negated) op = "not " + op;
                return "(" + op + " " + dump(*n.value) + list(n.items) + ")";
            } else if constexpr (std::is_same_v<T, Match>) {
                return "(" + std::string(name(n.op)) + " " + dump(*n.value) + list(n.patterns) +
                       ")";
            } else {
                return "(call " + n.name + (n.insensitive ? "~" : "") + list(n.args) + ")";
            }
        },
        e.node);
}

}  // namespace eql::ast
