// The compile pass (see compiler.hpp). Rules taken from Elasticsearch EQL:
//  - `a != b` is `not (a == b)`; `x == null` / `x != null` are null checks;
//  - a constant on the left of a comparison is moved to the right;
//  - comparing a field to another field is rejected, as are mixed types (keyword vs number);
//  - `:`, like and regex take string constants; `in` items must be constant;
//  - a predicate over one field and constants behaves like a Lucene query, anything else like
//    a script (null in, null out).
#include "eql/compiler.hpp"

#include <algorithm>
#include <utility>

#include "ecs/actions.hpp"
#include "eql/evaluator.hpp"
#include "eql/lucene_regex.hpp"
#include "eql/parser.hpp"

namespace eql {
namespace {

using namespace eql::ast;

bool is_numeric(Type t) noexcept {
    return t == Type::Integer || t == Type::Double || t == Type::Date;
}

bool compatible(Type a, Type b) noexcept {
    if (a == Type::Null || b == Type::Null) return true;
    if (is_numeric(a) && is_numeric(b)) return true;
    return a == b;
}

Type field_type(ecs::FieldType t) noexcept {
    switch (t) {
        case ecs::FieldType::String:
        case ecs::FieldType::StringList:
            return Type::Keyword;
        case ecs::FieldType::Integer:
            return Type::Integer;
        case ecs::FieldType::Boolean:
            return Type::Boolean;
        case ecs::FieldType::Date:
            return Type::Date;
    }
    return Type::Null;
}

CompareOp mirror(CompareOp op) noexcept {
    switch (op) {
        case CompareOp::Lt:
            return CompareOp::Gt;
        case CompareOp::Le:
            return CompareOp::Ge;
        case CompareOp::Gt:
            return CompareOp::Lt;
        case CompareOp::Ge:
            return CompareOp::Le;
        default:
            return op;
    }
}

bool is_const(const Node& n) noexcept { return n.kind == NodeKind::Const; }
bool is_null_const(const Node& n) noexcept { return is_const(n) && n.constant.is_null(); }

Value own(const Value& v) {
    if (v.is_string()) return Value::owned(std::string(v.as_string()));
    return v.borrow();
}

Type value_type(const Value& v) noexcept {
    switch (v.kind()) {
        case Value::Kind::Null:
            return Type::Null;
        case Value::Kind::Bool:
            return Type::Boolean;
        case Value::Kind::Int:
            return Type::Integer;
        case Value::Kind::Double:
            return Type::Double;
        case Value::Kind::String:
            return Type::Keyword;
    }
    return Type::Null;
}

void add_byte(ByteSet& set, char c, bool both_cases) {
    set.add(c);
    if (both_cases && c >= 'a' && c <= 'z') set.add(static_cast<char>(c - 'a' + 'A'));
}

class Compiler {
  public:
    explicit Compiler(std::string_view text) : text_(text) {}

    // A condition: must be boolean. A bare boolean field means `field == true`.
    Node condition(const Expr& e) {
        Node n = value(e);
        if (n.type == Type::Boolean || n.type == Type::Null) return n;
        throw Error("a condition must be boolean, but [" + source(e) + "] is [" +
                        std::string(type_name(n.type)) + "]",
                    e.pos);
    }

    Node value(const Expr& e) {
        return std::visit([&](const auto& node) { return compile(node, e); }, e.node);
    }

    // Operands of where/not/and/or: a bare boolean field is `field == true`.
    Node boolean_operand(const Expr& e) {
        Node n = condition(e);
        if (n.kind != NodeKind::Field) return n;
        Node cmp = make(NodeKind::Compare, e, Type::Boolean);
        cmp.compare = CompareOp::Eq;
        cmp.query = true;
        Node t = make(NodeKind::Const, e, Type::Boolean);
        t.constant = Value::boolean(true);
        cmp.children.push_back(std::move(n));
        cmp.children.push_back(std::move(t));
        return cmp;
    }

  private:
    std::string source(const Expr& e) const {
        return std::string(text_.substr(e.begin, e.end - e.begin));
    }

    static Node make(NodeKind kind, const Expr& src, Type type) {
        Node n;
        n.kind = kind;
        n.type = type;
        n.pos = src.pos;
        n.begin = src.begin;
        n.end = src.end;
        return n;
    }

    // Replaces a node whose inputs are all constants by its value.
    static void fold(Node& n) {
        static const ecs::Event kNoEvent{};
        Value v = own(evaluate(n, kNoEvent));
        Node c;
        c.kind = NodeKind::Const;
        c.type =
            v.is_null() ? (n.type == Type::Boolean ? Type::Boolean : Type::Null) : value_type(v);
        if (!v.is_null() && n.type == Type::Date) c.type = Type::Date;
        c.constant = std::move(v);
        c.pos = n.pos;
        c.begin = n.begin;
        c.end = n.end;
        n = std::move(c);
    }

    static bool all_const(const std::vector<Node>& nodes) {
        return std::all_of(nodes.begin(), nodes.end(), is_const);
    }

    void require(const Node& n, const Expr& src, std::initializer_list<Type> allowed,
                 std::string_view what) const {
        if (n.type == Type::Null) return;
        for (Type t : allowed) {
            if (n.type == t) return;
        }
        throw Error(std::string(what) + " must be [" + std::string(type_name(*allowed.begin())) +
                        "], but [" + source(src) + "] is [" + std::string(type_name(n.type)) + "]",
                    src.pos);
    }

    Node compile(const Literal& lit, const Expr& e) {
        Node n = make(NodeKind::Const, e, Type::Null);
        struct V {
            Node& n;
            void operator()(std::monostate) const {}
            void operator()(bool b) const {
                n.constant = Value::boolean(b);
                n.type = Type::Boolean;
            }
            void operator()(int64_t i) const {
                n.constant = Value::integer(i);
                n.type = Type::Integer;
            }
            void operator()(double d) const {
                n.constant = Value::real(d);
                n.type = Type::Double;
            }
            void operator()(const std::string& s) const {
                n.constant = Value::owned(s);
                n.type = Type::Keyword;
            }
        };
        std::visit(V{n}, lit.value);
        return n;
    }

    Node compile(const ast::Field& f, const Expr& e) {
        const auto id = ecs::field_by_name(f.name);
        if (!id) {
            // An optional field that does not exist reads as null (Elasticsearch: "?field").
            if (f.optional) return make(NodeKind::Const, e, Type::Null);
            throw Error("unknown field [" + f.name + "]", e.pos);
        }
        Node n = make(NodeKind::Field, e, field_type(ecs::field_info(*id).type));
        n.field = *id;
        return n;
    }

    Node compile(const Unary& u, const Expr& e) {
        if (u.op == UnaryOp::Not) {
            Node n = make(NodeKind::Not, e, Type::Boolean);
            n.children.push_back(boolean_operand(*u.operand));
            if (all_const(n.children)) fold(n);
            return n;
        }
        Node operand = value(*u.operand);
        require(operand, *u.operand, {Type::Integer, Type::Double}, "the operand of unary minus");
        if (u.op == UnaryOp::Plus) return operand;
        Node n = make(NodeKind::Negate, e, operand.type);
        n.children.push_back(std::move(operand));
        if (all_const(n.children)) fold(n);
        return n;
    }

    Node compile(const Logical& l, const Expr& e) {
        const NodeKind kind = l.op == LogicalOp::And ? NodeKind::And : NodeKind::Or;
        Node n = make(kind, e, Type::Boolean);
        for (const auto& operand : l.operands) {
            Node c = boolean_operand(*operand);
            if (c.kind == kind) {  // (a and b) and c: flatten
                for (Node& g : c.children) n.children.push_back(std::move(g));
            } else {
                n.children.push_back(std::move(c));
            }
        }
        if (all_const(n.children)) fold(n);
        return n;
    }

    Node compile(const Comparison& c, const Expr& e) {
        Node lhs = value(*c.lhs);
        Node rhs = value(*c.rhs);
        CompareOp op = c.op;
        if (is_const(lhs) && !is_const(rhs)) {
            std::swap(lhs, rhs);
            op = mirror(op);
        }
        // x == null / x != null are null checks (exists / must_not exists for a field).
        if (is_null_const(rhs) && (op == CompareOp::Eq || op == CompareOp::Ne)) {
            Node n = make(op == CompareOp::Eq ? NodeKind::IsNull : NodeKind::IsNotNull, e,
                          Type::Boolean);
            n.query = lhs.kind == NodeKind::Field;
            n.children.push_back(std::move(lhs));
            if (all_const(n.children)) fold(n);
            return n;
        }
        if (!compatible(lhs.type, rhs.type)) {
            throw Error("cannot compare [" + std::string(type_name(lhs.type)) + "] to [" +
                            std::string(type_name(rhs.type)) + "] in [" + source(e) + "]",
                        e.pos);
        }
        if (!is_const(lhs) && !is_const(rhs)) {
            throw Error("unsupported: comparing a field to another field [" + source(e) + "]",
                        e.pos, ErrorKind::Unsupported);
        }
        if ((op == CompareOp::Eq || op == CompareOp::Ne) && is_action(lhs) &&
            rhs.constant.is_string() && ecs::defend_action_for(rhs.constant.as_string())) {
            // An Auditbeat action name: event.action in (it, its Defend name).
            Node n = make(NodeKind::In, e, Type::Boolean);
            n.items.push_back(std::move(rhs.constant));
            add_defend_actions(n.items);
            index_string_items(n);
            n.query = true;
            n.children.push_back(std::move(lhs));
            if (op == CompareOp::Eq) return n;
            return negation(std::move(n), e);
        }
        Node n = make(NodeKind::Compare, e, Type::Boolean);
        n.compare = op == CompareOp::Ne ? CompareOp::Eq : op;
        n.query = lhs.kind == NodeKind::Field && is_const(rhs);
        n.children.push_back(std::move(lhs));
        n.children.push_back(std::move(rhs));
        if (all_const(n.children)) fold(n);
        if (op != CompareOp::Ne) return n;
        return negation(std::move(n), e);
    }

    Node negation(Node inner, const Expr& e) {
        Node n = make(NodeKind::Not, e, Type::Boolean);
        n.explain_as_leaf = true;
        n.children.push_back(std::move(inner));
        if (all_const(n.children)) fold(n);
        return n;
    }

    Node compile(const Arithmetic& a, const Expr& e) {
        Node lhs = value(*a.lhs);
        Node rhs = value(*a.rhs);
        return arithmetic_node(a.op, std::move(lhs), std::move(rhs), *a.lhs, *a.rhs, e);
    }

    Node arithmetic_node(ArithOp op, Node lhs, Node rhs, const Expr& l, const Expr& r,
                         const Expr& e) {
        require(lhs, l, {Type::Integer, Type::Double}, "an arithmetic operand");
        require(rhs, r, {Type::Integer, Type::Double}, "an arithmetic operand");
        Type t = Type::Double;
        if (lhs.type == Type::Null || rhs.type == Type::Null) {
            t = Type::Null;
        } else if (lhs.type == Type::Integer && rhs.type == Type::Integer) {
            t = Type::Integer;
        }
        Node n = make(NodeKind::Arith, e, t);
        n.arith = op;
        n.children.push_back(std::move(lhs));
        n.children.push_back(std::move(rhs));
        if (all_const(n.children)) fold(n);
        return n;
    }

    static bool is_action(const Node& n) {
        return n.kind == NodeKind::Field && n.field == ecs::FieldId::EventAction;
    }

    // Rules written for Auditbeat name actions its way (ecs/actions.hpp): each such name in an
    // event.action test brings the Defend name audisp-eql's events carry.
    static void add_defend_actions(std::vector<Value>& items) {
        const std::size_t given = items.size();
        for (std::size_t i = 0; i < given; ++i) {
            if (!items[i].is_string()) continue;
            if (const auto defend = ecs::defend_action_for(items[i].as_string())) {
                items.push_back(Value::view(*defend));
            }
        }
    }

    static void index_string_items(Node& n) {
        n.string_items = std::all_of(n.items.begin(), n.items.end(), [](const Value& item) {
            return item.is_string() || item.is_null();
        });
        if (!n.string_items) return;
        for (const Value& item : n.items) {
            if (!item.is_string()) continue;
            std::string text(item.as_string());
            if (n.insensitive) {
                std::transform(text.begin(), text.end(), text.begin(), ascii_lower);
            }
            n.item_lengths |= uint64_t{1} << std::min<std::size_t>(text.size(), 63);
            if (!text.empty()) add_byte(n.first_bytes, text.front(), n.insensitive);
            n.sorted_items.push_back(std::move(text));
        }
        std::sort(n.sorted_items.begin(), n.sorted_items.end());
        n.sorted_items.erase(std::unique(n.sorted_items.begin(), n.sorted_items.end()),
                             n.sorted_items.end());
    }

    Node compile(const InList& in, const Expr& e) {
        Node v = value(*in.value);
        Node n = make(NodeKind::In, e, Type::Boolean);
        n.insensitive = in.insensitive;
        if (in.insensitive) require(v, *in.value, {Type::Keyword}, "the value of in~");
        for (const auto& item : in.items) {
            Node c = value(*item);
            if (!is_const(c)) {
                throw Error("unsupported: 'in' lists must hold constants, [" + source(*item) +
                                "] is not one",
                            item->pos, ErrorKind::Unsupported);
            }
            if (!compatible(v.type, c.type)) {
                throw Error("cannot compare [" + std::string(type_name(v.type)) + "] to [" +
                                std::string(type_name(c.type)) + "] in [" + source(e) + "]",
                            item->pos);
            }
            if (in.insensitive) require(c, *item, {Type::Keyword}, "an in~ item");
            n.items.push_back(std::move(c.constant));
        }
        if (!in.insensitive && is_action(v)) add_defend_actions(n.items);
        index_string_items(n);
        n.query = v.kind == NodeKind::Field;
        n.children.push_back(std::move(v));
        if (all_const(n.children)) fold(n);
        if (!in.negated) return n;
        return negation(std::move(n), e);
    }

    Node compile(const Match& m, const Expr& e) {
        Node v = value(*m.value);
        static constexpr std::string_view kOpNames[] = {":", "like", "like~", "regex", "regex~"};
        const std::string op_name(kOpNames[static_cast<int>(m.op)]);
        require(v, *m.value, {Type::Keyword}, "the value of [" + op_name + "]");
        const bool regex = m.op == MatchOp::Regex || m.op == MatchOp::RegexInsensitive;
        const bool ci = m.op == MatchOp::Colon || m.op == MatchOp::LikeInsensitive ||
                        m.op == MatchOp::RegexInsensitive;
        Node n = make(regex ? NodeKind::Regex : NodeKind::Like, e, Type::Boolean);
        n.insensitive = ci;
        for (const auto& p : m.patterns) {
            const auto* lit = p->as<Literal>();
            const auto* s = lit ? std::get_if<std::string>(&lit->value) : nullptr;
            if (!s) {
                throw Error(
                    "[" + op_name + "] patterns must be strings, [" + source(*p) + "] is not one",
                    p->pos);
            }
            if (regex) {
                add_regex(n, *s, ci, *p);
            } else {
                n.wildcards.push_back(WildcardPattern::compile(*s, ci));
            }
        }
        n.query = v.kind == NodeKind::Field;
        n.children.push_back(std::move(v));
        if (all_const(n.children)) fold(n);
        return n;
    }

    static void add_regex(Node& n, const std::string& pattern, bool ci, const Expr& src) {
        TranslatedRegex translated;
        try {
            translated =
                translate_lucene_regex(pattern, ci ? RegexCase::Insensitive : RegexCase::Sensitive);
        } catch (const RegexSyntaxError& err) {
            throw Error(std::string("invalid regex: ") + err.what() + " (at offset " +
                            std::to_string(err.offset()) + ")",
                        src.pos);
        }
        RE2::Options options;
        options.set_log_errors(false);
        options.set_case_sensitive(!ci);
        options.set_never_capture(true);
        options.set_dot_nl(true);
        auto compiled = std::make_unique<RE2>(translated.re2, options);
        if (!compiled->ok()) {
            throw Error("invalid regex: " + compiled->error(), src.pos);
        }
        n.patterns.push_back(pattern);
        n.regexes.push_back(
            ScreenedRegex{std::move(compiled), std::move(translated.required_bytes)});
    }

    Node compile(const Call& c, const Expr& e) {
        const FunctionInfo* info = find_function(c.name);
        if (!info) throw Error("unknown function [" + c.name + "]", e.pos);
        if (c.insensitive && !info->has_insensitive_form) {
            throw Error(
                "function [" + std::string(info->name) + "] has no case-insensitive form (~)",
                e.pos);
        }
        const std::size_t argc = c.args.size();
        if (argc < info->min_args || (info->max_args != 255 && argc > info->max_args)) {
            std::string expected = std::to_string(info->min_args);
            if (info->max_args != info->min_args) {
                expected +=
                    info->max_args == 255 ? " or more" : " to " + std::to_string(info->max_args);
            }
            throw Error("function [" + std::string(info->name) + "] takes " + expected +
                            " arguments, got " + std::to_string(argc),
                        e.pos);
        }
        std::vector<Node> args;
        for (const auto& a : c.args) args.push_back(value(*a));
        return call(*info, c, e, std::move(args));
    }

    Node call(const FunctionInfo& info, const Call& c, const Expr& e, std::vector<Node> args) {
        const auto& src = c.args;
        auto want = [&](std::size_t i, std::initializer_list<Type> types) {
            if (i < args.size()) {
                require(args[i], *src[i], types,
                        "argument " + std::to_string(i + 1) + " of " + std::string(info.name));
            }
        };
        auto constant_strings = [&](std::size_t from) {
            for (std::size_t i = from; i < args.size(); ++i) {
                want(i, {Type::Keyword});
                if (!is_const(args[i])) {
                    throw Error("argument " + std::to_string(i + 1) + " of " +
                                    std::string(info.name) + " must be a constant",
                                src[i]->pos);
                }
            }
        };
        Type result = Type::Keyword;
        switch (info.id) {
            case Function::Add:
            case Function::Subtract:
            case Function::Multiply:
            case Function::Divide:
            case Function::Modulo: {
                static constexpr ArithOp kOps[] = {ArithOp::Add, ArithOp::Sub, ArithOp::Mul,
                                                   ArithOp::Div, ArithOp::Mod};
                const ArithOp op = info.id == Function::Add        ? kOps[0]
                                   : info.id == Function::Subtract ? kOps[1]
                                   : info.id == Function::Multiply ? kOps[2]
                                   : info.id == Function::Divide   ? kOps[3]
                                                                   : kOps[4];
                return arithmetic_node(op, std::move(args[0]), std::move(args[1]), *src[0], *src[1],
                                       e);
            }
            case Function::StartsWith:
            case Function::EndsWith:
            case Function::StringContains:
                want(0, {Type::Keyword});
                want(1, {Type::Keyword});
                if (args[0].kind == NodeKind::Field && is_const(args[1]) &&
                    args[1].constant.is_string()) {
                    return string_test_query(info.id, c.insensitive, std::move(args), e);
                }
                result = Type::Boolean;
                break;
            case Function::Wildcard: {
                want(0, {Type::Keyword});
                constant_strings(1);
                Node n = make(NodeKind::Like, e, Type::Boolean);
                n.insensitive = c.insensitive;
                for (std::size_t i = 1; i < args.size(); ++i) {
                    if (args[i].constant.is_null()) {
                        throw Error("wildcard patterns must be strings", src[i]->pos);
                    }
                    n.wildcards.push_back(
                        WildcardPattern::compile(args[i].constant.as_string(), c.insensitive));
                }
                n.query = args[0].kind == NodeKind::Field;
                n.children.push_back(std::move(args[0]));
                if (all_const(n.children)) fold(n);
                return n;
            }
            case Function::CidrMatch: {
                want(0, {Type::Keyword});
                constant_strings(1);
                Node n = make(NodeKind::CidrMatch, e, Type::Boolean);
                for (std::size_t i = 1; i < args.size(); ++i) {
                    if (args[i].constant.is_null()) {  // cidrMatch(x, null) is null
                        Node nul = make(NodeKind::Const, e, Type::Boolean);
                        return nul;
                    }
                    const auto cidr = parse_cidr(args[i].constant.as_string());
                    if (!cidr) {
                        throw Error("invalid CIDR block [" +
                                        std::string(args[i].constant.as_string()) + "]",
                                    src[i]->pos);
                    }
                    n.cidrs.push_back(*cidr);
                }
                n.query = args[0].kind == NodeKind::Field;
                n.children.push_back(std::move(args[0]));
                if (all_const(n.children)) fold(n);
                return n;
            }
            case Function::Length:
                want(0, {Type::Keyword});
                result = Type::Integer;
                break;
            case Function::Number:
                want(0, {Type::Keyword});
                want(1, {Type::Integer});
                result = Type::Double;
                break;
            case Function::String:
            case Function::Concat:
                result = Type::Keyword;
                break;
            case Function::Substring:
                want(0, {Type::Keyword});
                want(1, {Type::Integer});
                want(2, {Type::Integer});
                break;
            case Function::IndexOf:
                want(0, {Type::Keyword});
                want(1, {Type::Keyword});
                want(2, {Type::Integer});
                result = Type::Integer;
                break;
            case Function::Between:
                want(0, {Type::Keyword});
                want(1, {Type::Keyword});
                want(2, {Type::Keyword});
                want(3, {Type::Boolean});
                break;
        }
        Node n = make(NodeKind::Call, e, result);
        n.function = info.id;
        n.insensitive = c.insensitive;
        n.children = std::move(args);
        if (all_const(n.children)) fold(n);
        return n;
    }

    // startsWith/endsWith/stringContains(field, "constant"): Elasticsearch runs these as
    // prefix/wildcard queries, so they get query semantics (any element, missing = false).
    Node string_test_query(Function f, bool ci, std::vector<Node> args, const Expr& e) {
        const std::string_view text = args[1].constant.as_string();
        if (f == Function::StringContains && text.empty()) {
            Node n = make(NodeKind::Const, e, Type::Boolean);  // "" is never contained
            n.constant = Value::boolean(false);
            return n;
        }
        Node n = make(NodeKind::Like, e, Type::Boolean);
        n.insensitive = ci;
        n.query = true;
        n.wildcards.push_back(
            WildcardPattern::literal(text, f != Function::StartsWith, f != Function::EndsWith, ci));
        n.children.push_back(std::move(args[0]));
        return n;
    }

    std::string_view text_;
};

// Copies into each query leaf what holds() reads of its children (Node: the first line).
void hoist_leaf_operands(Node& n) {
    if (!n.query || n.children.empty() || n.children[0].kind != NodeKind::Field) return;
    n.subject = n.children[0].field;
    if (n.kind == NodeKind::Compare && n.compare == CompareOp::Eq &&
        n.children[1].constant.is_string()) {
        n.equals_text = true;
        n.wanted = n.children[1].constant.as_string();
    }
}

// Fills the first/last byte sets of every Like node in the tree.
void index_like_edges(Node& n) {
    if (n.kind != NodeKind::Like) return;
    for (const WildcardPattern& p : n.wildcards) {
        const std::string_view prefix = p.literal_prefix();
        const std::string_view suffix = p.literal_suffix();
        if (prefix.empty()) {
            n.first_bytes.add_all();
        } else {
            add_byte(n.first_bytes, prefix.front(), p.case_insensitive());
        }
        if (suffix.empty()) {
            n.last_bytes.add_all();
        } else {
            add_byte(n.last_bytes, suffix.back(), p.case_insensitive());
        }
    }
}

// The compiler's last pass, once the tree no longer changes shape (a view into a child stays
// valid: moving the tree moves no constant's bytes).
void finish_nodes(Node& n) {
    for (Node& c : n.children) finish_nodes(c);
    index_like_edges(n);
    hoist_leaf_operands(n);
}

}  // namespace

std::unique_ptr<Program> compile_program(std::string_view text) {
    const ast::Query q = parse(text);
    return compile_event_query(text, q);
}

std::unique_ptr<Program> compile_event_query(std::string_view text, const ast::Query& q) {
    // The event categories audisp-eql's events carry (ecs::Event::category); a sequence stage
    // of another category could never match, so it is refused as a single query is.
    if (q.category != "process" && q.category != "file" && q.category != "network" &&
        q.category != "any") {
        throw Error("unsupported: event category [" + q.category +
                        "]; only 'process', 'file', 'network' and 'any' are supported",
                    q.category_pos, ErrorKind::Unsupported);
    }
    auto program = std::make_unique<Program>();
    program->text = std::string(text);
    program->category = q.category;
    Compiler compiler(program->text);
    Node root = compiler.boolean_operand(*q.condition);
    finish_nodes(root);
    program->root = std::move(root);
    return program;
}

}  // namespace eql
