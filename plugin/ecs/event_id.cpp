#include "ecs/event_id.hpp"

#include "ecs/decimal.hpp"

namespace ecs {

EventIdMaker::EventIdMaker() : space_(uuids_.make(kDnsNamespace, "audisp-eql.event")) {}

std::string EventIdMaker::make(const Event& event) {
    name_.clear();
    append_identity(name_, event);
    // The pid too: cheap insurance should two events of one record ever share an action.
    name_ += '\x1f';
    if (event.process.pid) name_ += DecimalText(*event.process.pid).view();
    return uuid_text(uuids_.make(space_, name_));
}

}  // namespace ecs
