// The recursive-descent parser: one member function per production of the grammar in
// parser.hpp. Errors name what was expected and point at the offending token.
#include "eql/parser.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <utility>

#include "eql/lexer.hpp"

namespace eql {
namespace {

using namespace eql::ast;

bool is_keyword(TokenKind k) noexcept { return k >= TokenKind::And && k <= TokenKind::With; }

class Parser {
  public:
    explicit Parser(std::string_view text) : tokens_(tokenize(text)) {}

    Query parse_query() {
        Query q = parse_event_query();
        expect_end();
        return q;
    }

    Statement parse_statement() {
        if (!at(TokenKind::Sequence) && !at(TokenKind::Sample)) return parse_query();
        Sequence seq = parse_sequence();
        expect_end();
        return seq;
    }

    ExprPtr parse_standalone_expression() {
        ExprPtr e = parse_expression();
        expect_end();
        return e;
    }

  private:
    // Counts nesting on the way down and undoes it on the way out, even when unwinding.
    class DepthGuard {
      public:
        DepthGuard(Parser& p, Position pos) : p_(p) {
            if (++p_.depth_ > kMaxParseDepth) {
                throw Error("query nests too deeply (more than " + std::to_string(kMaxParseDepth) +
                                " levels)",
                            pos);
            }
        }
        ~DepthGuard() { --p_.depth_; }
        DepthGuard(const DepthGuard&) = delete;
        DepthGuard& operator=(const DepthGuard&) = delete;

      private:
        Parser& p_;
    };

    const Token& peek(std::size_t ahead = 0) const noexcept {
        const std::size_t i = pos_ + ahead;
        return i < tokens_.size() ? tokens_[i] : tokens_.back();
    }
    bool at(TokenKind k) const noexcept { return peek().kind == k; }
    const Token& next() {
        const Token& t = tokens_[pos_];
        if (pos_ + 1 < tokens_.size()) ++pos_;
        prev_end_ = t.end;
        return t;
    }
    bool accept(TokenKind k) {
        if (!at(k)) return false;
        next();
        return true;
    }
    [[noreturn]] void fail_expected(std::string_view what) const {
        const Token& t = peek();
        std::string found(describe(t.kind));
        if (t.kind == TokenKind::Identifier || t.kind == TokenKind::Integer ||
            t.kind == TokenKind::Decimal) {
            found += " '" + t.text + "'";
        }
        throw Error("expected " + std::string(what) + " but found " + found, t.pos);
    }
    const Token& expect(TokenKind k, std::string_view what) {
        if (!at(k)) fail_expected(what);
        return next();
    }

    template <typename T>
    ExprPtr make(T node, const Token& first) {
        ExprPtr e = Expr::create(std::move(node), first.pos, first.begin, prev_end_);
        if (e->depth > kMaxTreeHeight) {
            throw Error("expression is too deeply nested (height over " +
                            std::to_string(kMaxTreeHeight) + ")",
                        first.pos);
        }
        return e;
    }

    void expect_end() {
        if (at(TokenKind::Pipe))
            throw Error("unsupported: pipes (|) are not supported", peek().pos,
                        ErrorKind::Unsupported);
        if (!at(TokenKind::End)) fail_expected("end of query");
    }

    // event_query = ( "any" | IDENTIFIER | STRING ) "where" expression ;
    Query parse_event_query() {
        const Token& first = peek();
        switch (first.kind) {
            case TokenKind::Sequence:
                throw Error("unsupported: sequence queries are not supported", first.pos,
                            ErrorKind::Unsupported);
            case TokenKind::Sample:
                throw Error("unsupported: sample queries are not supported", first.pos,
                            ErrorKind::Unsupported);
            case TokenKind::Join:
                throw Error("unsupported: join queries are not supported", first.pos,
                            ErrorKind::Unsupported);
            case TokenKind::Any:
            case TokenKind::Identifier:
            case TokenKind::String:
                break;
            default:
                fail_expected("an event category ('process' or 'any')");
        }
        Query q;
        q.category = first.kind == TokenKind::Any ? "any" : first.text;
        q.category_pos = first.pos;
        next();
        expect(TokenKind::Where, "'where'");
        q.condition = parse_expression();
        return q;
    }

    // sequence = "sequence" [ join_keys ] [ maxspan ]
    //            seq_stage { seq_stage } [ "until" subquery [ join_keys ] ] ;
    // sample   = "sample" [ join_keys ] subquery [ join_keys ] { subquery [ join_keys ] } ;
    Sequence parse_sequence() {
        Sequence seq;
        seq.pos = peek().pos;
        seq.sample = next().kind == TokenKind::Sample;
        if (at(TokenKind::By)) seq.keys = parse_join_keys();
        if (at(TokenKind::With)) {
            if (seq.sample)
                throw Error("unsupported: sample takes no 'with' parameters", peek().pos,
                            ErrorKind::Unsupported);
            seq.maxspan_ms = parse_maxspan();
            if (at(TokenKind::By)) {
                throw Error("please specify sequence [by] before [with] not after", peek().pos);
            }
        }
        while (at(TokenKind::LBracket) || at(TokenKind::MissingEventOpen)) {
            seq.stages.push_back(parse_stage(!seq.sample));
        }
        if (seq.stages.empty()) fail_expected("'[' opening the first query");
        if (!seq.sample && accept(TokenKind::Until)) {
            if (!at(TokenKind::LBracket)) fail_expected("'[' after 'until'");
            seq.until = parse_stage(false);
        }
        return seq;
    }

    // join_keys = "by" field { "," field } ;
    std::vector<ExprPtr> parse_join_keys() {
        expect(TokenKind::By, "'by'");
        std::vector<ExprPtr> keys;
        do {
            const Token& t = peek();
            if (t.kind != TokenKind::Identifier && t.kind != TokenKind::QuotedIdentifier &&
                t.kind != TokenKind::Question) {
                fail_expected("a field name after 'by'");
            }
            keys.push_back(parse_field(/*in_join_keys=*/true));
        } while (accept(TokenKind::Comma));
        return keys;
    }

    // maxspan = "with" "maxspan" "=" INTEGER unit ;   unit = ms | s | m | h | d
    // The checks and messages are Elasticsearch's (LogicalPlanBuilder.visitSequenceParams).
    int64_t parse_maxspan() {
        expect(TokenKind::With, "'with'");
        expect(TokenKind::Maxspan, "'maxspan'");
        expect(TokenKind::Assign, "'=' after 'maxspan'");
        const Position number_pos = peek().pos;
        const bool negative = accept(TokenKind::Minus);
        if (at(TokenKind::Decimal)) {
            throw Error("decimal time interval [" + std::string(negative ? "-" : "") + peek().text +
                            "] not supported; please use a positive integer",
                        number_pos);
        }
        const Token& number = expect(TokenKind::Integer, "a whole number after 'maxspan='");
        int64_t value = 0;
        const auto parsed =
            std::from_chars(number.text.data(), number.text.data() + number.text.size(), value);
        if (parsed.ec != std::errc()) throw Error("maxspan is too large", number_pos);
        if (negative || value == 0) {
            throw Error("a positive maxspan value is required; found [" +
                            std::string(negative ? "-" : "") + number.text + "]",
                        number_pos);
        }
        if (!at(TokenKind::Identifier)) {
            throw Error("no time unit specified, did you mean [s] as in [" + number.text + "s]?",
                        number_pos);
        }
        const Token& unit = next();
        static constexpr std::array<std::pair<std::string_view, int64_t>, 5> kUnits = {
            {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};
        const auto found = std::find_if(kUnits.begin(), kUnits.end(),
                                        [&](const auto& u) { return u.first == unit.text; });
        if (found == kUnits.end()) {
            throw Error("unrecognized time unit [" + unit.text + "] in [" + number.text +
                            unit.text + "], please specify one of [ms, s, m, h, d]",
                        unit.pos);
        }
        const int64_t scale = found->second;
        if (value > INT64_MAX / 1000 / scale) throw Error("maxspan is too large", number_pos);
        return value * scale;
    }

    // seq_stage = subquery [ join_keys ] [ "with" "runs" "=" INTEGER ] ;
    // subquery  = ( "[" | "![" ) event_query "]" ;
    Stage parse_stage(bool allow_runs) {
        Stage stage;
        stage.pos = peek().pos;
        stage.missing = next().kind == TokenKind::MissingEventOpen;
        stage.query = parse_event_query();
        expect(TokenKind::RBracket, "']' closing the query");
        if (at(TokenKind::By)) stage.keys = parse_join_keys();
        if (allow_runs && at(TokenKind::With)) {
            next();  // with
            const Token& key = expect(TokenKind::Identifier, "'runs' after 'with'");
            if (key.text != "runs") {
                throw Error("unsupported: sequence stage parameter [" + key.text +
                                "]; only 'runs' is supported",
                            key.pos, ErrorKind::Unsupported);
            }
            expect(TokenKind::Assign, "'=' after 'runs'");
            const Token& number = expect(TokenKind::Integer, "a whole number after 'runs='");
            const auto parsed = std::from_chars(
                number.text.data(), number.text.data() + number.text.size(), stage.runs);
            if (parsed.ec != std::errc() || stage.runs < 1 || stage.runs > kMaxRuns) {
                throw Error("runs must be between 1 and " + std::to_string(kMaxRuns), number.pos);
            }
        }
        return stage;
    }

    // expression = or_expr ;
    ExprPtr parse_expression() {
        DepthGuard guard(*this, peek().pos);
        return parse_or();
    }

    // or_expr = and_expr { "or" and_expr } ;
    ExprPtr parse_or() { return parse_logical(LogicalOp::Or); }
    // and_expr = not_expr { "and" not_expr } ;
    ExprPtr parse_and() { return parse_logical(LogicalOp::And); }

    ExprPtr parse_logical(LogicalOp op) {
        const Token& first = peek();
        const TokenKind keyword = op == LogicalOp::Or ? TokenKind::Or : TokenKind::And;
        auto operand = [&] { return op == LogicalOp::Or ? parse_and() : parse_not(); };
        ExprPtr e = operand();
        if (!at(keyword)) return e;
        Logical node{op, {}};
        node.operands.push_back(std::move(e));
        while (accept(keyword)) node.operands.push_back(operand());
        return make(std::move(node), first);
    }

    // not_expr = "not" not_expr | comparison ;
    ExprPtr parse_not() {
        const Token& first = peek();
        if (!at(TokenKind::Not)) return parse_comparison();
        DepthGuard guard(*this, first.pos);
        next();
        ExprPtr operand = parse_not();
        return make(Unary{UnaryOp::Not, std::move(operand)}, first);
    }

    // comparison = additive [ compare_op additive ] ;
    ExprPtr parse_comparison() {
        const Token& first = peek();
        ExprPtr lhs = parse_additive();
        CompareOp op;
        switch (peek().kind) {
            case TokenKind::Eq:
                op = CompareOp::Eq;
                break;
            case TokenKind::Ne:
                op = CompareOp::Ne;
                break;
            case TokenKind::Lt:
                op = CompareOp::Lt;
                break;
            case TokenKind::Le:
                op = CompareOp::Le;
                break;
            case TokenKind::Gt:
                op = CompareOp::Gt;
                break;
            case TokenKind::Ge:
                op = CompareOp::Ge;
                break;
            case TokenKind::Assign:
                throw Error("'=' is not supported as an equal operator, use '==' or ':'",
                            peek().pos);
            default:
                return lhs;
        }
        next();
        ExprPtr rhs = parse_additive();
        switch (peek().kind) {
            case TokenKind::Eq:
            case TokenKind::Ne:
            case TokenKind::Lt:
            case TokenKind::Le:
            case TokenKind::Gt:
            case TokenKind::Ge:
                throw Error("comparisons cannot be chained; join them with 'and'", peek().pos);
            default:
                break;
        }
        return make(Comparison{op, std::move(lhs), std::move(rhs)}, first);
    }

    // additive = multiplicative { ( "+" | "-" ) multiplicative } ;
    ExprPtr parse_additive() {
        const Token& first = peek();
        ExprPtr e = parse_multiplicative();
        for (;;) {
            ArithOp op;
            if (at(TokenKind::Plus)) {
                op = ArithOp::Add;
            } else if (at(TokenKind::Minus)) {
                op = ArithOp::Sub;
            } else {
                return e;
            }
            next();
            ExprPtr rhs = parse_multiplicative();
            e = make(Arithmetic{op, std::move(e), std::move(rhs)}, first);
        }
    }

    // multiplicative = unary { ( "*" | "/" | "%" ) unary } ;
    ExprPtr parse_multiplicative() {
        const Token& first = peek();
        ExprPtr e = parse_unary();
        for (;;) {
            ArithOp op;
            if (at(TokenKind::Star)) {
                op = ArithOp::Mul;
            } else if (at(TokenKind::Slash)) {
                op = ArithOp::Div;
            } else if (at(TokenKind::Percent)) {
                op = ArithOp::Mod;
            } else {
                return e;
            }
            next();
            ExprPtr rhs = parse_unary();
            e = make(Arithmetic{op, std::move(e), std::move(rhs)}, first);
        }
    }

    // unary = ( "-" | "+" ) unary | predicated ;
    ExprPtr parse_unary() {
        const Token& first = peek();
        if (!at(TokenKind::Minus) && !at(TokenKind::Plus)) return parse_predicated();
        DepthGuard guard(*this, first.pos);
        const UnaryOp op = at(TokenKind::Minus) ? UnaryOp::Negate : UnaryOp::Plus;
        next();
        ExprPtr operand = parse_unary();
        return make(Unary{op, std::move(operand)}, first);
    }

    // predicated = primary [ predicate ] ;
    ExprPtr parse_predicated() {
        const Token& first = peek();
        ExprPtr value = parse_primary();
        return parse_predicate(std::move(value), first);
    }

    // predicate = [ "not" ] ( "in" | "in~" ) "(" expression { "," expression } ")"
    //           | match_op ( constant | "(" constant { "," constant } ")" ) ;
    ExprPtr parse_predicate(ExprPtr value, const Token& first) {
        const bool negated = at(TokenKind::Not) && (peek(1).kind == TokenKind::In ||
                                                    peek(1).kind == TokenKind::InInsensitive);
        if (negated) next();
        if (at(TokenKind::In) || at(TokenKind::InInsensitive)) {
            InList node;
            node.value = std::move(value);
            node.negated = negated;
            node.insensitive = next().kind == TokenKind::InInsensitive;
            expect(TokenKind::LParen, "'(' after 'in'");
            do {
                node.items.push_back(parse_expression());
            } while (accept(TokenKind::Comma));
            expect(TokenKind::RParen, "',' or ')'");
            return make(std::move(node), first);
        }
        MatchOp op;
        switch (peek().kind) {
            case TokenKind::Colon:
                op = MatchOp::Colon;
                break;
            case TokenKind::Like:
                op = MatchOp::Like;
                break;
            case TokenKind::LikeInsensitive:
                op = MatchOp::LikeInsensitive;
                break;
            case TokenKind::Regex:
                op = MatchOp::Regex;
                break;
            case TokenKind::RegexInsensitive:
                op = MatchOp::RegexInsensitive;
                break;
            default:
                return value;
        }
        next();
        Match node{op, std::move(value), {}};
        if (accept(TokenKind::LParen)) {
            do {
                node.patterns.push_back(parse_constant());
            } while (accept(TokenKind::Comma));
            expect(TokenKind::RParen, "',' or ')'");
        } else {
            node.patterns.push_back(parse_constant());
        }
        return make(std::move(node), first);
    }

    // primary = constant | call | field | "(" expression ")" ;
    ExprPtr parse_primary() {
        const Token& first = peek();
        switch (first.kind) {
            case TokenKind::Null:
            case TokenKind::True:
            case TokenKind::False:
            case TokenKind::Integer:
            case TokenKind::Decimal:
            case TokenKind::String:
                return parse_constant();
            case TokenKind::LParen: {
                next();
                ExprPtr inner = parse_expression();
                expect(TokenKind::RParen, "')'");
                return inner;
            }
            case TokenKind::TildeIdentifier:
                return parse_call();
            case TokenKind::Identifier:
                if (peek(1).kind == TokenKind::LParen) return parse_call();
                if (peek(1).kind == TokenKind::Of) {
                    throw Error("unsupported: process relationships ('" + first.text +
                                    " of') are not supported",
                                first.pos, ErrorKind::Unsupported);
                }
                return parse_field();
            case TokenKind::QuotedIdentifier:
            case TokenKind::Question:
                return parse_field();
            default:
                fail_expected("a value, field or '('");
        }
    }

    // call = ( IDENTIFIER | TILDE_IDENTIFIER ) "(" [ expression { "," expression } ] ")" ;
    ExprPtr parse_call() {
        const Token& first = next();
        Call node;
        node.name = first.text;
        node.insensitive = first.kind == TokenKind::TildeIdentifier;
        expect(TokenKind::LParen, "'(' after function name");
        if (!at(TokenKind::RParen)) {
            do {
                node.args.push_back(parse_expression());
            } while (accept(TokenKind::Comma));
        }
        expect(TokenKind::RParen, "',' or ')'");
        return make(std::move(node), first);
    }

    // field = [ "?" ] name { "." name } ;
    ExprPtr parse_field(bool in_join_keys = false) {
        const Token& first = peek();
        Field node;
        node.optional = accept(TokenKind::Question);
        node.name = parse_name(false);
        for (;;) {
            if (accept(TokenKind::Dot)) {
                node.name += ".";
                node.name += parse_name(true);
            } else if (at(TokenKind::LBracket) && !in_join_keys) {
                throw Error("unsupported: array indexes are not supported", peek().pos,
                            ErrorKind::Unsupported);
            } else {
                break;
            }
        }
        return make(std::move(node), first);
    }

    // name = IDENTIFIER | QUOTED_IDENTIFIER ;
    std::string parse_name(bool after_dot) {
        const Token& t = peek();
        if (t.kind == TokenKind::Identifier || t.kind == TokenKind::QuotedIdentifier ||
            (after_dot && is_keyword(t.kind))) {
            return next().text;
        }
        fail_expected("a field name");
    }

    // constant = "null" | "true" | "false" | INTEGER | DECIMAL | STRING ;
    ExprPtr parse_constant() {
        const Token& t = peek();
        Literal lit;
        switch (t.kind) {
            case TokenKind::Null:
                break;
            case TokenKind::True:
                lit.value = true;
                break;
            case TokenKind::False:
                lit.value = false;
                break;
            case TokenKind::String:
                lit.value = t.text;
                break;
            case TokenKind::Integer:
                lit.value = parse_integer(t);
                break;
            case TokenKind::Decimal:
                lit.value = parse_decimal(t);
                break;
            default:
                fail_expected("a constant (string, number, true, false or null)");
        }
        next();
        return make(std::move(lit), t);
    }

    // Integers beyond int64 quietly become decimals, as Elasticsearch does.
    static std::variant<std::monostate, bool, int64_t, double, std::string> parse_integer(
        const Token& t) {
        int64_t v = 0;
        const char* b = t.text.data();
        const char* e = b + t.text.size();
        auto r = std::from_chars(b, e, v);
        if (r.ec == std::errc() && r.ptr == e) return v;
        return parse_decimal(t);
    }

    static double parse_decimal(const Token& t) {
        errno = 0;
        char* end = nullptr;
        const double d = std::strtod(t.text.c_str(), &end);
        if (end != t.text.c_str() + t.text.size() || errno == ERANGE) {
            throw Error("number out of range: " + t.text, t.pos);
        }
        return d;
    }

    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
    uint32_t prev_end_ = 0;
    int depth_ = 0;
};

}  // namespace

ast::Query parse(std::string_view text) { return Parser(text).parse_query(); }

ast::Statement parse_statement(std::string_view text) { return Parser(text).parse_statement(); }

ast::ExprPtr parse_expression(std::string_view text) {
    return Parser(text).parse_standalone_expression();
}

}  // namespace eql
