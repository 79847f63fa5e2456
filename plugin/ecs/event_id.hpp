// event.id: a name-based UUID (RFC 4122 version 5, SHA-1) of an event's identity and its
// process.pid, so the same log replayed gives every event the same id.
#pragma once

#include <string>

#include "ecs/event.hpp"
#include "ecs/name_uuid.hpp"

namespace ecs {

// Owned by whatever writes events (the pipeline's events output): its digest context is
// allocated once and reused for every id. Not shared between threads.
class EventIdMaker {
  public:
    EventIdMaker();  // throws OpenSslError
    std::string make(const Event& event);

  private:
    NameUuidMaker uuids_;
    // The namespace of event ids: the name-based UUID of "audisp-eql.event" in the DNS one.
    Uuid space_;
    std::string name_;  // reused: its capacity stays from one id to the next
};

}  // namespace ecs
