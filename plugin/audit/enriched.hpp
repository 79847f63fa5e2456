// The ENRICHED part of a SYSCALL record: the interpretations auditd appends after 0x1d (names
// of the ids, the arch and the syscall as the logging host knew them).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace audit {

// A record's body split into its raw fields and its ENRICHED tail (empty without one).
struct EnrichedSplit {
    std::string_view fields;
    std::string_view tail;
};

// Cuts at 0x1d. A SYSCALL record whose 0x1d was lost on the way (rsyslog escapes it as "#035",
// some forwarders drop it) has its tail glued to its last raw field, `key`:
// `key="x"#035ARCH=x86_64 ...` or `key="x"ARCH=x86_64 ...`; the tail is found after `key=`, which
// the audit rules set (not the user), so no value a process controls can fake the cut.
EnrichedSplit split_enriched(std::string_view body, bool syscall_record);

// The interpretations the event builder reads from an ENRICHED SYSCALL record.
enum class EnrichedKey : uint8_t { Arch, Syscall, Auid, Uid, Gid, Euid, Suid, Egid, Sgid, Count_ };

// The upper-case interpretations after 0x1d on a SYSCALL record ("AUID=\"alice\" UID=..."),
// split once: the known keys land in fixed slots (offsets into the kept copy of the tail).
class EnrichedSyscall {
  public:
    // Replaces the content; the buffer is reused, so a steady stream allocates nothing.
    void assign(std::string_view tail);
    // The value of KEY (quotes removed; the first if repeated), or nullopt.
    std::optional<std::string_view> find(EnrichedKey key) const;

  private:
    struct Span {
        uint32_t offset = 0;
        uint32_t size = 0;
        bool present = false;
    };
    std::string tail_;
    std::array<Span, static_cast<std::size_t>(EnrichedKey::Count_)> known_{};
};

}  // namespace audit
