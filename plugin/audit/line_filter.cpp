#include "audit/line_filter.hpp"

#include <libaudit.h>

#include <algorithm>
#include <charconv>
#include <utility>

namespace audit {
namespace {

constexpr char kEnrichedSeparator = '\x1d';

template <typename Number>
bool parse_number(std::string_view text, Number& out, int base = 10) {
    if (text.empty()) return false;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out, base);
    return ec == std::errc{} && ptr == end;
}

struct Header {
    std::string_view node;
    std::string_view type;
    std::string_view stamp;  // "msg=audit(SEC.MS:SERIAL):"
    EventId id;
    std::string_view body;  // after "): "
};

// "[node=N ]type=T msg=audit(SEC.MS:SERIAL):" at the start of the line.
std::optional<Header> parse_header(std::string_view line) {
    Header header;
    if (line.starts_with("node=")) {
        const auto space = line.find(' ');
        if (space == std::string_view::npos) return std::nullopt;
        header.node = line.substr(5, space - 5);
        line.remove_prefix(space + 1);
    }
    if (!line.starts_with("type=")) return std::nullopt;
    const auto space = line.find(' ');
    if (space == std::string_view::npos || space == 5) return std::nullopt;
    header.type = line.substr(5, space - 5);
    line.remove_prefix(space + 1);
    if (!line.starts_with("msg=audit(")) return std::nullopt;
    const std::string_view msg = line;
    line.remove_prefix(10);
    const auto close = line.find("):");
    if (close == std::string_view::npos) return std::nullopt;
    header.stamp = msg.substr(0, 10 + close + 2);
    const std::string_view stamp = line.substr(0, close);
    const auto dot = stamp.find('.');
    const auto colon = stamp.find(':');
    if (dot == std::string_view::npos || colon == std::string_view::npos || colon < dot) {
        return std::nullopt;
    }
    if (!parse_number(stamp.substr(0, dot), header.id.seconds) ||
        !parse_number(stamp.substr(dot + 1, colon - dot - 1), header.id.millis) ||
        !parse_number(stamp.substr(colon + 1), header.id.serial)) {
        return std::nullopt;
    }
    header.body = line.substr(close + 2);
    while (!header.body.empty() && header.body.front() == ' ') header.body.remove_prefix(1);
    return header;
}

// Kernel records are printable text; 0x1d only separates the ENRICHED part. Branch-free so the
// compiler vectorises it: every byte of the input passes through here.
bool has_foreign_bytes(std::string_view line) {
    // Byte-wide flags, so that a vector register tests 16 or 32 bytes at a time.
    uint8_t bad = 0;
    for (const char c : line) {
        const auto byte = static_cast<uint8_t>(c);
        bad |= static_cast<uint8_t>(((byte < 0x20) & (byte != '\t') & (byte != 0x1d)) |
                                    (byte == 0x7f));
    }
    return bad != 0;
}

// The value of " name=" in a record body (up to the next space), or empty.
std::string_view field_in(std::string_view body, std::string_view name) {
    std::size_t at = 0;
    while ((at = body.find(name, at)) != std::string_view::npos) {
        const bool starts_token = at == 0 || body[at - 1] == ' ';
        at += name.size();
        if (starts_token && at < body.size() && body[at] == '=') {
            const std::string_view rest = body.substr(at + 1);
            return rest.substr(0, rest.find(' '));
        }
    }
    return {};
}

enum class RecordUse { Syscall, Execve, PathRecord, Title, Needed, Unused };

// The record types the event builder reads (and EOE, which completes plugin-stream events).
RecordUse use_of(std::string_view type) {
    if (type == "SYSCALL") return RecordUse::Syscall;
    if (type == "PATH") return RecordUse::PathRecord;
    if (type == "EXECVE") return RecordUse::Execve;
    if (type == "PROCTITLE") return RecordUse::Title;
    if (type == "CWD" || type == "EOE") return RecordUse::Needed;
    return RecordUse::Unused;
}

}  // namespace

bool is_process_syscall(std::string_view name) noexcept {
    static constexpr std::array<std::string_view, 11> kNames = {
        "execve",     "execveat", "clone", "clone3", "fork", "vfork",
        "exit_group", "kill",     "tkill", "tgkill", "prctl"};
    for (std::string_view known : kNames) {
        if (name == known) return true;
    }
    return false;
}

std::string_view malformed_kind_name(MalformedKind kind) noexcept {
    switch (kind) {
        case MalformedKind::OverLong:
            return "over-long line";
        case MalformedKind::Binary:
            return "binary bytes";
        case MalformedKind::NoHeader:
            return "no audit record header";
        case MalformedKind::Count_:
            break;
    }
    return "unknown";
}

namespace {

std::optional<EnrichedKey> enriched_key(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, EnrichedKey>, 9> kKeys = {
        {{"ARCH", EnrichedKey::Arch},
         {"SYSCALL", EnrichedKey::Syscall},
         {"AUID", EnrichedKey::Auid},
         {"UID", EnrichedKey::Uid},
         {"GID", EnrichedKey::Gid},
         {"EUID", EnrichedKey::Euid},
         {"SUID", EnrichedKey::Suid},
         {"EGID", EnrichedKey::Egid},
         {"SGID", EnrichedKey::Sgid}}};
    for (const auto& [text, key] : kKeys) {
        if (name == text) return key;
    }
    return std::nullopt;
}

}  // namespace

void EnrichedSyscall::assign(std::string_view tail) {
    tail_.assign(tail);
    known_ = {};
    // KEY=value or KEY="value", separated by spaces; values never contain spaces unquoted.
    const std::string_view all = tail_;
    std::size_t at = 0;
    while (at < all.size()) {
        while (at < all.size() && all[at] == ' ') ++at;
        const auto equals = all.find('=', at);
        if (equals == std::string_view::npos) break;
        const std::string_view name = all.substr(at, equals - at);
        at = equals + 1;
        std::size_t value_at = at;
        std::size_t value_size = 0;
        if (at < all.size() && all[at] == '"') {
            const auto close = all.find('"', at + 1);
            if (close == std::string_view::npos) break;
            value_at = at + 1;
            value_size = close - at - 1;
            at = close + 1;
        } else {
            const auto space = std::min(all.find(' ', at), all.size());
            value_size = space - at;
            at = space;
        }
        if (const auto key = enriched_key(name)) {
            Span& slot = known_[static_cast<std::size_t>(*key)];
            if (!slot.present) {
                slot = {static_cast<uint32_t>(value_at), static_cast<uint32_t>(value_size), true};
            }
        }
    }
}

std::optional<std::string_view> EnrichedSyscall::find(EnrichedKey key) const {
    const Span& slot = known_[static_cast<std::size_t>(key)];
    if (!slot.present) return std::nullopt;
    return std::string_view(tail_).substr(slot.offset, slot.size);
}

uint64_t LineFilterStats::malformed_total() const {
    uint64_t total = 0;
    for (uint64_t n : malformed) total += n;
    return total;
}

LineFilter::LineFilter(LineFilterOptions options, RecordSink sink, MalformedReporter reporter)
    : options_(options), sink_(std::move(sink)), reporter_(std::move(reporter)) {}

void LineFilter::feed(std::string_view chunk) {
    stats_.bytes += chunk.size();
    while (!chunk.empty()) {
        const auto newline = chunk.find('\n');
        const std::string_view piece =
            chunk.substr(0, newline == std::string_view::npos ? chunk.size() : newline);
        if (!discarding_) {
            if (partial_.size() + piece.size() > options_.max_line_bytes) {
                report(MalformedKind::OverLong, partial_.empty() ? piece : partial_);
                partial_.clear();
                discarding_ = true;
            } else if (newline != std::string_view::npos && partial_.empty()) {
                handle_line(piece, true);  // the common case: no copy
            } else {
                partial_.append(piece);
                if (newline != std::string_view::npos) {
                    handle_line(partial_, false);
                    partial_.clear();
                }
            }
        }
        if (newline == std::string_view::npos) break;
        discarding_ = false;
        chunk.remove_prefix(newline + 1);
    }
}

void LineFilter::finish() {
    if (!partial_.empty() && !discarding_) handle_line(partial_, false);
    partial_.clear();
    discarding_ = false;
}

void LineFilter::handle_line(std::string_view line, bool newline_follows) {
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
        newline_follows = false;
    }
    if (line.empty()) return;
    ++stats_.lines;
    if (has_foreign_bytes(line)) {
        report(MalformedKind::Binary, line);
        return;
    }
    const auto header = parse_header(line);
    if (!header) {
        report(MalformedKind::NoHeader, line);
        return;
    }
    note_serial(header->node, header->id.serial);

    const RecordUse use = use_of(header->type);
    const auto separator = line.find(kEnrichedSeparator);
    if (use == RecordUse::Syscall) {
        Recent& slot = claim_recent(header->node, header->id);
        std::string_view body = header->body;
        if (separator != std::string_view::npos) body = line.substr(0, separator);
        const SyscallUse what = syscall_use(body);
        if (what == SyscallUse::Drop) {
            slot.dropped = true;
            ++stats_.records_skipped;
            return;
        }
        slot.needs_title = what == SyscallUse::Exec;
        if (separator != std::string_view::npos) {
            slot.has_tail = true;
            slot.tail.assign(line.substr(separator + 1));
        }
        forward(line, separator, newline_follows);
        return;
    }
    // Only PATH item 0 (the file named in the call) is read.
    if (use == RecordUse::Unused ||
        (use == RecordUse::PathRecord && !header->body.starts_with("item=0 "))) {
        ++stats_.records_skipped;
        return;
    }
    auto pass_on = [&] {
        if (use != RecordUse::PathRecord) {
            forward(line, separator, newline_follows);
            return;
        }
        const auto body_at = static_cast<std::size_t>(header->body.data() - line.data());
        forward_path_name(line.substr(0, body_at), separator == std::string_view::npos
                                                       ? header->body
                                                       : line.substr(body_at, separator - body_at));
    };
    Recent* owner = find_recent(header->node, header->id);
    if (owner == nullptr) {
        // Its SYSCALL is older than the ring (or never came): auparse and the builder decide.
        pass_on();
        return;
    }
    if (owner->dropped) {
        ++stats_.records_skipped;
        return;
    }
    if (use == RecordUse::Execve) owner->needs_title = false;
    if (use == RecordUse::Title && !owner->needs_title) {
        // The builder reads PROCTITLE only for an exec without EXECVE. Elsewhere an EOE ends the
        // event for auparse just as the title would (both mark it complete), without the cost of
        // tokenising the title.
        ++stats_.records_skipped;
        scratch_.clear();
        if (!header->node.empty()) scratch_.append("node=").append(header->node).append(" ");
        scratch_.append("type=EOE ").append(header->stamp).append(" \n");
        sink_(scratch_);
        return;
    }
    pass_on();
}

void LineFilter::forward_path_name(std::string_view head, std::string_view body) {
    // auparse would tokenise the dozen fields of a PATH record (inode, dev, mode, owner, caps);
    // the builder reads only its name, so only the name (as written) reaches auparse.
    const std::string_view name = field_in(body, "name");
    scratch_.assign(head).append("item=0");
    if (!name.empty()) scratch_.append(" name=").append(name);
    scratch_.push_back('\n');
    sink_(scratch_);
}

void LineFilter::forward(std::string_view line, std::size_t separator, bool newline_follows) {
    if (separator == std::string_view::npos && newline_follows) {
        sink_(std::string_view(line.data(), line.size() + 1));  // the input's own newline
        return;
    }
    if (separator != std::string_view::npos) {
        line = line.substr(0, separator);
        while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    }
    scratch_.assign(line);
    scratch_.push_back('\n');
    sink_(scratch_);
}

LineFilter::SyscallUse LineFilter::syscall_use(std::string_view body) {
    uint64_t arch = 0;
    uint64_t number = 0;
    if (!parse_number(field_in(body, "arch"), arch, 16) ||
        !parse_number(field_in(body, "syscall"), number)) {
        return SyscallUse::Exec;  // let the builder see what it can make of all of it
    }
    const uint64_t key = (arch << 32) ^ number;
    auto cached = syscall_names_.find(key);
    if (cached == syscall_names_.end()) {
        // libaudit's names are static strings; "" for a number it cannot name, nullopt for an
        // arch it does not know (kept: the builder decides).
        std::optional<std::string_view> name;
        const int machine = audit_elf_to_machine(static_cast<unsigned int>(arch));
        if (machine >= 0) {
            const char* known = audit_syscall_to_name(static_cast<int>(number), machine);
            name = known != nullptr ? known : "";
        }
        cached = syscall_names_.emplace(key, name).first;
    }
    if (!cached->second) return SyscallUse::Exec;
    const std::string_view syscall = *cached->second;
    if (!is_process_syscall(syscall)) return SyscallUse::Drop;
    const bool exec = syscall == "execve" || syscall == "execveat";
    // A failed exec started nothing, and a failed fork made no child.
    const std::string_view success = field_in(body, "success");
    if (success == "no" || success == "\"no\"") {
        if (exec) {
            if (!options_.keep_failed_execs) ++stats_.failed_execs;
            return options_.keep_failed_execs ? SyscallUse::Exec : SyscallUse::Drop;
        }
        if (syscall != "kill" && syscall != "tkill" && syscall != "tgkill" && syscall != "prctl") {
            return SyscallUse::Drop;
        }
    }
    return exec ? SyscallUse::Exec : SyscallUse::Keep;
}

LineFilter::Recent* LineFilter::find_recent(std::string_view node, const EventId& id) {
    // Newest first: the owner of a record is almost always the event just seen.
    for (std::size_t i = 0; i < kRecentSlots; ++i) {
        Recent& slot = recent_[(next_slot_ + kRecentSlots - 1 - i) % kRecentSlots];
        if (slot.id == id && slot.node == node) return &slot;
    }
    return nullptr;
}

LineFilter::Recent& LineFilter::claim_recent(std::string_view node, const EventId& id) {
    Recent& slot = recent_[next_slot_];
    next_slot_ = (next_slot_ + 1) % kRecentSlots;
    slot.node.assign(node);
    slot.id = id;
    slot.dropped = false;
    slot.has_tail = false;
    slot.needs_title = false;
    return slot;
}

const EnrichedSyscall* LineFilter::enriched(std::string_view node, const EventId& id) {
    const Recent* slot = find_recent(node, id);
    if (slot == nullptr || !slot->has_tail) return nullptr;
    return &slot->tail;
}

void LineFilter::note_serial(std::string_view node, uint64_t serial) {
    auto it = last_serial_by_node_.find(std::string(node));
    if (it == last_serial_by_node_.end()) {
        last_serial_by_node_.emplace(std::string(node), serial);
        return;
    }
    if (serial > it->second + 1) ++stats_.serial_gaps;
    if (serial > it->second) it->second = serial;
}

void LineFilter::report(MalformedKind kind, std::string_view line) {
    const auto index = static_cast<std::size_t>(kind);
    ++stats_.malformed[index];
    if (kind == MalformedKind::OverLong) ++stats_.lines;
    if (!reported_[index]) {
        reported_[index] = true;
        if (reporter_) reporter_(kind, line.substr(0, 120));
    }
}

}  // namespace audit
