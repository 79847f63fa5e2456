// The ECS alert: the process event plus event.kind=alert and the rule's rule.* and threat.*
// fields, as Elastic Security's alerts name them.
#pragma once

#include <nlohmann/json.hpp>

#include "ecs/event.hpp"
#include "engine/rule.hpp"

namespace engine {

nlohmann::json alert_document(const ecs::Event& event, const RuleInfo& rule);

}  // namespace engine
