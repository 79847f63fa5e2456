// Helpers of the ecs tests: a bare exec event to build on, and an event's NDJSON line as the
// streaming writer writes it, which must be byte for byte what the document path writes.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ecs/event.hpp"
#include "ecs/json.hpp"
#include "ecs/json_writer.hpp"

namespace ecs_test {

// An exec with only what identifies it set: time, serial, host name and pid.
inline ecs::Event exec_event(int64_t timestamp_us, uint64_t serial, const std::string& host,
                             int64_t pid) {
    ecs::Event e;
    e.timestamp_us = timestamp_us;
    e.sequence = serial;
    e.host_name = host;
    e.process.pid = pid;
    return e;
}

// The streaming writer's line of `event` (no newline).
inline std::string streamed(const ecs::Event& event) {
    static const ecs::EventJsonWriter writer;
    std::string out;
    writer.write(event, out);
    return out;
}

// The streamed line, CHECKed against the document path's (to_json, dump_line), parsed back.
inline nlohmann::json streamed_document(const ecs::Event& event) {
    const std::string line = streamed(event);
    CHECK(line == ecs::dump_line(ecs::to_json(event)));
    return nlohmann::json::parse(line);
}

}  // namespace ecs_test
