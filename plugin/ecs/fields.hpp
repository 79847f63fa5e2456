// The closed set of ECS fields an event can carry: one enum, one name table, one accessor.
// Rules bind field names to FieldId once, at compile time; evaluation reads values through
// get_field() with no string lookups. JSON output walks the same table, so the names a rule
// can test are exactly the names the NDJSON carries.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ecs/event.hpp"

namespace ecs {

// The first ECS release whose field list holds every field the documents carry: 8.16.0 added
// process.group.* and process.parent.group.*, which upstream rules query (tests/data/ecs/).
inline constexpr std::string_view kEcsVersion = "8.16.0";
// agent.type and agent.version. Keep the version in step with project() in CMakeLists.txt.
inline constexpr std::string_view kAgentType = "audisp-eql";
inline constexpr std::string_view kAgentVersion = "0.1.0";

enum class FieldId : uint16_t {
    Timestamp,
    EventKind,
    EventCategory,
    EventType,
    EventAction,
    EventOutcome,
    EventModule,
    EventSequence,
    HostName,
    HostId,
    HostHostname,
    HostOsType,
    HostOsKernel,

    ProcessPid,
    ProcessEntityId,
    ProcessName,
    ProcessExecutable,
    ProcessArgs,
    ProcessArgsCount,
    ProcessCommandLine,
    ProcessWorkingDirectory,
    ProcessInteractive,
    ProcessTitle,
    ProcessExitCode,
    ProcessStart,
    ProcessUserId,
    ProcessUserName,
    ProcessGroupId,
    ProcessGroupName,
    ProcessRealUserId,
    ProcessRealUserName,
    ProcessRealGroupId,
    ProcessRealGroupName,
    ProcessSavedUserId,
    ProcessSavedUserName,
    ProcessSavedGroupId,
    ProcessSavedGroupName,

    ParentPid,
    ParentEntityId,
    ParentName,
    ParentExecutable,
    ParentArgs,
    ParentArgsCount,
    ParentCommandLine,
    ParentWorkingDirectory,
    ParentInteractive,
    ParentStart,
    ParentUserId,
    ParentUserName,
    ParentGroupId,
    ParentGroupName,

    UserId,
    UserName,
    UserEffectiveId,
    UserEffectiveName,
    UserExtRealId,
    UserExtRealName,
    GroupId,
    GroupName,
    GroupExtRealId,
    GroupExtRealName,

    AuditdSession,
    AuditdDataSyscall,
    AuditdDataArch,
    AuditdDataA0,
    AuditdDataA1,
    AuditdDataA2,
    AuditdDataA3,
    AuditdDataExit,
    AuditdDataTty,
    AuditdDataKey,
    AuditdDataAuid,
    AuditdDataAuidName,
    AuditdDataArgc,
    AuditdDataComm,
    AuditdArgsSource,
    AuditdParentContext,
    AuditdProcessArgsTruncated,
    AuditdParentArgsTruncated,

    // File and network events.
    FilePath,
    FileName,
    FileExtension,
    FileDirectory,
    FileExtOriginalPath,
    FileExtOriginalName,
    FileExtOriginalExtension,
    SourceIp,
    SourcePort,
    SourceAddress,
    DestinationIp,
    DestinationPort,
    DestinationAddress,
    NetworkTransport,
    NetworkType,
    NetworkDirection,

    // Constants of every event: the ECS release and the agent that made it.
    EcsVersion,
    AgentType,
    AgentVersion,

    // Added last, so that no existing FieldId changes its value.
    EventId,
    EventCreated,
    EventDataset,

    Count_  // number of fields; not a field
};

constexpr std::size_t kFieldCount = static_cast<std::size_t>(FieldId::Count_);

// The type a field holds when present (ECS keyword, long, boolean, date; arrays of keywords).
enum class FieldType : uint8_t { String, Integer, Boolean, StringList, Date };

struct FieldInfo {
    FieldId id;
    std::string_view name;  // dotted ECS name, e.g. "process.parent.args"
    FieldType type;
};

// All fields, in FieldId order (and in the order JSON output writes them).
std::span<const FieldInfo> all_fields() noexcept;
const FieldInfo& field_info(FieldId id) noexcept;
// Exact, case-sensitive ECS name lookup, as Elasticsearch maps fields.
std::optional<FieldId> field_by_name(std::string_view name) noexcept;

// A view of one field's value in one event; valid while the event lives and is not modified.
struct FieldValue {
    enum class Kind : uint8_t { Missing, String, Integer, Boolean, StringList };
    Kind kind = Kind::Missing;
    std::string_view text;              // String
    int64_t integer = 0;                // Integer (and Date, as microseconds)
    bool boolean = false;               // Boolean
    std::span<const std::string> list;  // StringList

    bool missing() const noexcept { return kind == Kind::Missing; }
};

FieldValue get_field(const Event& event, FieldId id) noexcept;

}  // namespace ecs
