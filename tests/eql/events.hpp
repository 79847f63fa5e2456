// Hand-built ECS events shared by the EQL tests, and a helper to run one condition on one event.
#pragma once

#include <string>
#include <vector>

#include "../common/sample_event.hpp"
#include "ecs/event.hpp"
#include "eql/query.hpp"

namespace eql_test {

// `iptables -F` run by root from bash -c, every field present.
inline ecs::Event full_event() { return test_common::iptables_exec(); }

// An exec we know almost nothing about: no process fields, no parent.
inline ecs::Event missing_event() {
    ecs::Event e;
    e.category = {"process"};
    e.type = {"start"};
    return e;
}

// Present but empty argument list (args_count 0).
inline ecs::Event empty_args_event() {
    ecs::Event e = full_event();
    e.process.args = std::vector<std::string>{};
    e.process.command_line = "";
    return e;
}

// Same exec with upper/mixed-case values.
inline ecs::Event case_event() {
    ecs::Event e = full_event();
    e.process.name = "IPTables";
    e.process.args = std::vector<std::string>{"IPTABLES", "--Flush"};
    e.process.command_line = "IPTABLES --Flush";
    return e;
}

// Values with wildcard characters, escapes and non-ASCII text.
inline ecs::Event special_event() {
    ecs::Event e = full_event();
    e.process.name = "caf\xc3\xa9";  // café
    e.process.args = std::vector<std::string>{"a*b",      "x?y",  "back\\slash", "new\nline",
                                              "quote\"d", "it's", "say \"hi\"",  "\f"};
    e.process.command_line = "echo \"q\"\t\\x41\nend";
    return e;
}

// Not a process event.
inline ecs::Event file_event() {
    ecs::Event e = full_event();
    e.category = {"file"};
    return e;
}

enum class Ev { Full, Missing, EmptyArgs, Case, Special, File };

inline const ecs::Event& event(Ev which) {
    static const ecs::Event full = full_event();
    static const ecs::Event missing = missing_event();
    static const ecs::Event empty = empty_args_event();
    static const ecs::Event upper = case_event();
    static const ecs::Event special = special_event();
    static const ecs::Event file = file_event();
    switch (which) {
        case Ev::Full:
            return full;
        case Ev::Missing:
            return missing;
        case Ev::EmptyArgs:
            return empty;
        case Ev::Case:
            return upper;
        case Ev::Special:
            return special;
        case Ev::File:
            return file;
    }
    return full;
}

inline const char* name(Ev which) {
    switch (which) {
        case Ev::Full:
            return "full";
        case Ev::Missing:
            return "missing";
        case Ev::EmptyArgs:
            return "empty-args";
        case Ev::Case:
            return "case";
        case Ev::Special:
            return "special";
        case Ev::File:
            return "file";
    }
    return "?";
}

// Compiles `any where <condition>` and runs it on the event.
inline bool holds(const std::string& condition, const ecs::Event& e) {
    return eql::CompiledQuery::compile("any where " + condition).matches(e);
}

}  // namespace eql_test
