// The field table and the accessor: the single place where ECS names meet Event members.
#include "ecs/fields.hpp"

#include <algorithm>
#include <array>

namespace ecs {
namespace {

using enum FieldId;
using T = FieldType;

constexpr std::array<FieldInfo, kFieldCount> kFields{{
    {Timestamp, "@timestamp", T::Date},
    {EventKind, "event.kind", T::String},
    {EventCategory, "event.category", T::StringList},
    {EventType, "event.type", T::StringList},
    {EventAction, "event.action", T::String},
    {EventOutcome, "event.outcome", T::String},
    {EventModule, "event.module", T::String},
    {EventSequence, "event.sequence", T::Integer},
    {HostName, "host.name", T::String},
    {HostId, "host.id", T::String},
    {HostHostname, "host.hostname", T::String},
    {HostOsType, "host.os.type", T::String},
    {HostOsKernel, "host.os.kernel", T::String},

    {ProcessPid, "process.pid", T::Integer},
    {ProcessEntityId, "process.entity_id", T::String},
    {ProcessName, "process.name", T::String},
    {ProcessExecutable, "process.executable", T::String},
    {ProcessArgs, "process.args", T::StringList},
    {ProcessArgsCount, "process.args_count", T::Integer},
    {ProcessCommandLine, "process.command_line", T::String},
    {ProcessWorkingDirectory, "process.working_directory", T::String},
    {ProcessInteractive, "process.interactive", T::Boolean},
    {ProcessTitle, "process.title", T::String},
    {ProcessExitCode, "process.exit_code", T::Integer},
    {ProcessStart, "process.start", T::Date},
    {ProcessUserId, "process.user.id", T::String},
    {ProcessUserName, "process.user.name", T::String},
    {ProcessGroupId, "process.group.id", T::String},
    {ProcessGroupName, "process.group.name", T::String},
    {ProcessRealUserId, "process.real_user.id", T::String},
    {ProcessRealUserName, "process.real_user.name", T::String},
    {ProcessRealGroupId, "process.real_group.id", T::String},
    {ProcessRealGroupName, "process.real_group.name", T::String},
    {ProcessSavedUserId, "process.saved_user.id", T::String},
    {ProcessSavedUserName, "process.saved_user.name", T::String},
    {ProcessSavedGroupId, "process.saved_group.id", T::String},
    {ProcessSavedGroupName, "process.saved_group.name", T::String},

    {ParentPid, "process.parent.pid", T::Integer},
    {ParentEntityId, "process.parent.entity_id", T::String},
    {ParentName, "process.parent.name", T::String},
    {ParentExecutable, "process.parent.executable", T::String},
    {ParentArgs, "process.parent.args", T::StringList},
    {ParentArgsCount, "process.parent.args_count", T::Integer},
    {ParentCommandLine, "process.parent.command_line", T::String},
    {ParentWorkingDirectory, "process.parent.working_directory", T::String},
    {ParentInteractive, "process.parent.interactive", T::Boolean},
    {ParentStart, "process.parent.start", T::Date},
    {ParentUserId, "process.parent.user.id", T::String},
    {ParentUserName, "process.parent.user.name", T::String},
    {ParentGroupId, "process.parent.group.id", T::String},
    {ParentGroupName, "process.parent.group.name", T::String},

    {UserId, "user.id", T::String},
    {UserName, "user.name", T::String},
    {UserEffectiveId, "user.effective.id", T::String},
    {UserEffectiveName, "user.effective.name", T::String},
    {UserExtRealId, "user.Ext.real.id", T::String},
    {UserExtRealName, "user.Ext.real.name", T::String},
    {GroupId, "group.id", T::String},
    {GroupName, "group.name", T::String},
    {GroupExtRealId, "group.Ext.real.id", T::String},
    {GroupExtRealName, "group.Ext.real.name", T::String},

    {AuditdSession, "auditd.session", T::String},
    {AuditdDataSyscall, "auditd.data.syscall", T::String},
    {AuditdDataArch, "auditd.data.arch", T::String},
    {AuditdDataA0, "auditd.data.a0", T::String},
    {AuditdDataA1, "auditd.data.a1", T::String},
    {AuditdDataA2, "auditd.data.a2", T::String},
    {AuditdDataA3, "auditd.data.a3", T::String},
    {AuditdDataExit, "auditd.data.exit", T::Integer},
    {AuditdDataTty, "auditd.data.tty", T::String},
    {AuditdDataKey, "auditd.data.key", T::String},
    {AuditdDataAuid, "auditd.data.auid", T::String},
    {AuditdDataAuidName, "auditd.data.auid_name", T::String},
    {AuditdDataArgc, "auditd.data.argc", T::Integer},
    {AuditdDataComm, "auditd.data.comm", T::String},
    {AuditdArgsSource, "auditd.args_source", T::String},
    {AuditdParentContext, "auditd.parent_context", T::String},
    {AuditdProcessArgsTruncated, "auditd.process_args_truncated", T::Boolean},
    {AuditdParentArgsTruncated, "auditd.parent_args_truncated", T::Boolean},

    {FilePath, "file.path", T::String},
    {FileName, "file.name", T::String},
    {FileExtension, "file.extension", T::String},
    {FileDirectory, "file.directory", T::String},
    {FileExtOriginalPath, "file.Ext.original.path", T::String},
    {FileExtOriginalName, "file.Ext.original.name", T::String},
    {FileExtOriginalExtension, "file.Ext.original.extension", T::String},
    {SourceIp, "source.ip", T::String},
    {SourcePort, "source.port", T::Integer},
    {SourceAddress, "source.address", T::String},
    {DestinationIp, "destination.ip", T::String},
    {DestinationPort, "destination.port", T::Integer},
    {DestinationAddress, "destination.address", T::String},
    {NetworkTransport, "network.transport", T::String},
    {NetworkType, "network.type", T::String},
    {NetworkDirection, "network.direction", T::String},
    {EcsVersion, "ecs.version", T::String},
    {AgentType, "agent.type", T::String},
    {AgentVersion, "agent.version", T::String},
    {EventId, "event.id", T::String},
    {EventCreated, "event.created", T::Date},
    {EventDataset, "event.dataset", T::String},
}};

constexpr bool table_in_enum_order() {
    for (std::size_t i = 0; i < kFields.size(); ++i) {
        if (static_cast<std::size_t>(kFields[i].id) != i) return false;
    }
    return true;
}
static_assert(table_in_enum_order(), "kFields must list every FieldId in enum order");

FieldValue text(const std::string& s) noexcept {
    FieldValue v;
    v.kind = FieldValue::Kind::String;
    v.text = s;
    return v;
}
FieldValue text(std::string_view s) noexcept {
    FieldValue v;
    v.kind = FieldValue::Kind::String;
    v.text = s;
    return v;
}
FieldValue text(const std::optional<std::string>& s) noexcept {
    return s ? text(*s) : FieldValue{};
}
FieldValue integer(int64_t n) noexcept {
    FieldValue v;
    v.kind = FieldValue::Kind::Integer;
    v.integer = n;
    return v;
}
FieldValue integer(const std::optional<int64_t>& n) noexcept {
    return n ? integer(*n) : FieldValue{};
}
FieldValue boolean(const std::optional<bool>& b) noexcept {
    FieldValue v;
    if (b) {
        v.kind = FieldValue::Kind::Boolean;
        v.boolean = *b;
    }
    return v;
}
FieldValue list(const std::vector<std::string>& items) noexcept {
    FieldValue v;
    v.kind = FieldValue::Kind::StringList;
    v.list = items;
    return v;
}
FieldValue list(const std::optional<std::vector<std::string>>& items) noexcept {
    return items ? list(*items) : FieldValue{};
}

// event.dataset: "auditd." and the event's category, as Defend splits its datasets by category
// (endpoint.events.process, .file, .network).
std::string_view dataset_of(const Event& e) noexcept {
    if (e.category.empty()) return "auditd.process";
    const std::string& category = e.category.front();
    if (category == "file") return "auditd.file";
    if (category == "network") return "auditd.network";
    return "auditd.process";
}

}  // namespace

std::span<const FieldInfo> all_fields() noexcept { return kFields; }

const FieldInfo& field_info(FieldId id) noexcept { return kFields[static_cast<std::size_t>(id)]; }

std::optional<FieldId> field_by_name(std::string_view name) noexcept {
    const auto* it = std::find_if(kFields.begin(), kFields.end(),
                                  [name](const FieldInfo& f) { return f.name == name; });
    if (it == kFields.end()) return std::nullopt;
    return it->id;
}

FieldValue get_field(const Event& e, FieldId id) noexcept {
    static const std::string kLinux = "linux";
    const ProcessImage& p = e.process;
    const ProcessImage& pp = e.parent;
    switch (id) {
        case Timestamp:
            return integer(e.timestamp_us);
        case EventKind:
            return text(e.kind);
        case EventCategory:
            return list(e.category);
        case EventType:
            return list(e.type);
        case EventAction:
            return text(action_name(e.action));
        case EventOutcome:
            return text(e.outcome);
        case EventModule:
            return text(e.module);
        case EventSequence:
            return integer(static_cast<int64_t>(e.sequence));
        case HostName:
        case HostHostname:
            return text(e.host_name);
        case HostId:
            return text(e.host_id);
        case HostOsType:
            return text(kLinux);
        case HostOsKernel:
            return text(e.host_os_kernel);

        case ProcessPid:
            return integer(p.pid);
        case ProcessEntityId:
            return text(p.entity_id);
        case ProcessName:
            return text(p.name);
        case ProcessExecutable:
            return text(p.executable);
        case ProcessArgs:
            return list(p.args);
        case ProcessArgsCount:
            return integer(p.args_count());
        case ProcessCommandLine:
            return text(p.command_line);
        case ProcessWorkingDirectory:
            return text(p.working_directory);
        case ProcessInteractive:
            return boolean(p.interactive);
        case ProcessTitle:
            return text(p.title);
        case ProcessExitCode:
            return integer(p.exit_code);
        case ProcessStart:
            return integer(p.start_us);
        case ProcessUserId:
            return text(p.user.id);
        case ProcessUserName:
            return text(p.user.name);
        case ProcessGroupId:
            return text(p.group.id);
        case ProcessGroupName:
            return text(p.group.name);
        case ProcessRealUserId:
            return text(p.real_user.id);
        case ProcessRealUserName:
            return text(p.real_user.name);
        case ProcessRealGroupId:
            return text(p.real_group.id);
        case ProcessRealGroupName:
            return text(p.real_group.name);
        case ProcessSavedUserId:
            return text(p.saved_user.id);
        case ProcessSavedUserName:
            return text(p.saved_user.name);
        case ProcessSavedGroupId:
            return text(p.saved_group.id);
        case ProcessSavedGroupName:
            return text(p.saved_group.name);

        case ParentPid:
            return integer(pp.pid);
        case ParentEntityId:
            return text(pp.entity_id);
        case ParentName:
            return text(pp.name);
        case ParentExecutable:
            return text(pp.executable);
        case ParentArgs:
            return list(pp.args);
        case ParentArgsCount:
            return integer(pp.args_count());
        case ParentCommandLine:
            return text(pp.command_line);
        case ParentWorkingDirectory:
            return text(pp.working_directory);
        case ParentInteractive:
            return boolean(pp.interactive);
        case ParentStart:
            return integer(pp.start_us);
        case ParentUserId:
            return text(pp.user.id);
        case ParentUserName:
            return text(pp.user.name);
        case ParentGroupId:
            return text(pp.group.id);
        case ParentGroupName:
            return text(pp.group.name);

        case UserId:
            return text(e.user.id);
        case UserName:
            return text(e.user.name);
        case UserEffectiveId:
        case UserEffectiveName:
            // As Auditbeat writes user.effective: only when the effective user is not the real
            // one (a setuid program, sudo), so that its presence means a change of identity.
            if (!e.user.id || !e.user_real.id || *e.user.id == *e.user_real.id) return {};
            return text(id == UserEffectiveId ? e.user.id : e.user.name);
        case UserExtRealId:
            return text(e.user_real.id);
        case UserExtRealName:
            return text(e.user_real.name);
        case GroupId:
            return text(e.group.id);
        case GroupName:
            return text(e.group.name);
        case GroupExtRealId:
            return text(e.group_real.id);
        case GroupExtRealName:
            return text(e.group_real.name);

        case AuditdSession:
            return text(e.auditd.session);
        case AuditdDataSyscall:
            return text(e.auditd.syscall);
        case AuditdDataArch:
            return text(e.auditd.arch);
        case AuditdDataA0:
            return text(e.auditd.a0);
        case AuditdDataA1:
            return text(e.auditd.a1);
        case AuditdDataA2:
            return text(e.auditd.a2);
        case AuditdDataA3:
            return text(e.auditd.a3);
        case AuditdDataExit:
            return integer(e.auditd.exit);
        case AuditdDataTty:
            return text(e.auditd.tty);
        case AuditdDataKey:
            return text(e.auditd.key);
        case AuditdDataAuid:
            return text(e.auditd.auid);
        case AuditdDataAuidName:
            return text(e.auditd.auid_name);
        case AuditdDataArgc:
            return integer(e.auditd.argc);
        case AuditdDataComm:
            return text(e.auditd.comm);
        case AuditdArgsSource:
            return text(e.auditd.args_source);
        case AuditdParentContext:
            return text(e.auditd.parent_context);
        case AuditdProcessArgsTruncated:
            return p.args_truncated ? boolean(true) : FieldValue{};
        case AuditdParentArgsTruncated:
            return pp.args_truncated ? boolean(true) : FieldValue{};

        case FilePath:
            return text(e.file.path);
        case FileName:
            return text(e.file.name);
        case FileExtension:
            return text(e.file.extension);
        case FileDirectory:
            return text(e.file.directory);
        case FileExtOriginalPath:
            return text(e.file.original_path);
        case FileExtOriginalName:
            return text(e.file.original_name);
        case FileExtOriginalExtension:
            return text(e.file.original_extension);
        case SourceIp:
            return text(e.network.source.ip);
        case SourcePort:
            return integer(e.network.source.port);
        case SourceAddress:
            return text(e.network.source.address);
        case DestinationIp:
            return text(e.network.destination.ip);
        case DestinationPort:
            return integer(e.network.destination.port);
        case DestinationAddress:
            return text(e.network.destination.address);
        case NetworkTransport:
            return text(e.network.transport);
        case NetworkType:
            return text(e.network.type);
        case NetworkDirection:
            return text(e.network.direction);
        case EcsVersion:
            return text(kEcsVersion);
        case AgentType:
            return text(kAgentType);
        case AgentVersion:
            return text(kAgentVersion);
        case EventId:
            return e.id.empty() ? FieldValue{} : text(e.id);
        case EventCreated:
            return e.created_us == 0 ? FieldValue{} : integer(e.created_us);
        case EventDataset:
            return text(dataset_of(e));
        case Count_:
            break;
    }
    return {};
}

}  // namespace ecs
