// Hand-written recursive-descent parser for the EQL event-query subset the Elastic Linux rules
// use. One parse_xxx() per production below; each recursive production holds an RAII depth guard
// so hostile input ("((((...", "not not not ...") ends in eql::Error, never a stack overflow.
//
// Grammar (EBNF; terminals quoted; keywords are lower-case and case-sensitive). It follows
// Elasticsearch's EqlBase.g4: same precedence, `:`/like/regex take constants only, `in` takes
// expressions, comparisons do not chain.
//
//   query          = event_query END ;
//   event_query    = ( "any" | IDENTIFIER | STRING ) "where" expression ;
//   expression     = or_expr ;
//   or_expr        = and_expr { "or" and_expr } ;
//   and_expr       = not_expr { "and" not_expr } ;
//   not_expr       = "not" not_expr | comparison ;
//   comparison     = additive [ compare_op additive ] ;
//   compare_op     = "==" | "!=" | "<" | "<=" | ">" | ">=" ;
//   additive       = multiplicative { ( "+" | "-" ) multiplicative } ;
//   multiplicative = unary { ( "*" | "/" | "%" ) unary } ;
//   unary          = ( "-" | "+" ) unary | predicated ;
//   predicated     = primary [ predicate ] ;
//   predicate      = [ "not" ] ( "in" | "in~" ) "(" expression { "," expression } ")"
//                  | match_op ( constant | "(" constant { "," constant } ")" ) ;
//   match_op       = ":" | "like" | "like~" | "regex" | "regex~" ;
//   primary        = constant | call | field | "(" expression ")" ;
//   call           = ( IDENTIFIER | TILDE_IDENTIFIER ) "(" [ expression { "," expression } ] ")" ;
//   field          = [ "?" ] name { "." name } ;
//   name           = IDENTIFIER | QUOTED_IDENTIFIER ;   (after "." a keyword is also a name)
//   constant       = "null" | "true" | "false" | INTEGER | DECIMAL | STRING ;
//
//   STRING     = '"' { char | escape } '"' | '"""' raw '"""' ;   escapes: \t \b \f \n \r \" \'
//                \\ \u{XX..XXXXXXXX}; other \x pairs are kept verbatim. No line breaks inside.
//   IDENTIFIER = ( letter | "_" | "@" ) { letter | digit | "_" } ;
//   TILDE_IDENTIFIER = IDENTIFIER "~" ;   QUOTED_IDENTIFIER = "`" { char | "``" } "`" ;
//   comments: // to end of line, /* ... */ (nesting).
//
// Sequences and samples (parse_statement only; parse() rejects them as before):
//
//   statement   = sequence | sample | query ;
//   sequence    = "sequence" [ join_keys ] [ maxspan ]        (`by` after `with` is an error)
//                 seq_stage { seq_stage } [ "until" subquery [ join_keys ] ] END ;
//   sample      = "sample" [ join_keys ] subquery [ join_keys ] { subquery [ join_keys ] } END ;
//   maxspan     = "with" "maxspan" "=" INTEGER ( "ms" | "s" | "m" | "h" | "d" ) ;  (INTEGER > 0)
//   join_keys   = "by" field { "," field } ;
//   seq_stage   = subquery [ join_keys ] [ "with" "runs" "=" INTEGER ] ;    (runs 1..100)
//   subquery    = ( "[" | "![" ) event_query "]" ;                          ("![": missing event)
//
// Recognised but rejected with "unsupported: ...": join, pipes (|),
// process relationships (`child of [...]`), array indexes (`field[0]`), '?"' raw strings,
// single-quoted strings and `=` as an operator.
#pragma once

#include <string_view>

#include "eql/ast.hpp"

namespace eql {

// Nesting limit for parentheses, `not` and unary signs together.
inline constexpr int kMaxParseDepth = 100;
// Limit on the height of any expression tree (long arithmetic chains grow it one per operator).
inline constexpr uint32_t kMaxTreeHeight = 256;

// Upper bound of `with runs=N`, as Elasticsearch has it.
inline constexpr int64_t kMaxRuns = 100;

ast::Query parse(std::string_view text);

// An event query, a sequence or a sample.
ast::Statement parse_statement(std::string_view text);

// Parses a bare condition (no `<category> where`); used by tests and tools.
ast::ExprPtr parse_expression(std::string_view text);

}  // namespace eql
