#include "audit/line_filter.hpp"

#include <libaudit.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "audit/decode.hpp"
#include "audit/enriched.hpp"
#include "audit/forwarded.hpp"
#include "audit/syscalls.hpp"
#include "ecs/decimal.hpp"

namespace audit {
namespace {

// "[node=N ]type=T msg=audit(SEC.MS:SERIAL):" at the start of the line. Always inlined: it
// reads every line, and the forwarded-record path's second call must not turn it into a call.
[[gnu::always_inline]] inline std::optional<LineFilter::RecordHeader> parse_header(
    std::string_view line) {
    LineFilter::RecordHeader header;
    const std::string_view whole = line;
    if (line.starts_with("node=")) {
        const auto space = line.find(' ');
        // libauparse drops a record with an empty node name.
        if (space == std::string_view::npos || space == 5) return std::nullopt;
        header.node = line.substr(5, space - 5);
        line.remove_prefix(space + 1);
    }
    if (!line.starts_with("type=")) return std::nullopt;
    const auto space = line.find(' ');
    if (space == std::string_view::npos || space == 5) return std::nullopt;
    header.type = line.substr(5, space - 5);
    line.remove_prefix(space + 1);
    if (!line.starts_with("msg=audit(")) return std::nullopt;
    line.remove_prefix(10);
    const auto close = line.find("):");
    if (close == std::string_view::npos) return std::nullopt;
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
    header.as_written =
        whole.substr(0, static_cast<std::size_t>(line.data() - whole.data()) + close + 2);
    header.stamp_colon = colon;
    header.body = line.substr(close + 2);
    while (!header.body.empty() && header.body.front() == ' ') header.body.remove_prefix(1);
    return header;
}

// 1 for a byte no kernel record holds (control bytes but tab and 0x1d, and DEL), else 0.
uint8_t foreign_byte(uint8_t byte) {
    return static_cast<uint8_t>(((byte < 0x20) & (byte != '\t') & (byte != 0x1d)) | (byte == 0x7f));
}

// Sixteen bytes as one value (GCC's and Clang's vector extension: SSE2 on x86-64, NEON on arm64).
using Bytes16 = uint8_t __attribute__((vector_size(16)));

// Kernel records are printable text; 0x1d only separates the ENRICHED part. Every byte of the
// input passes through here (8% of a seed-rule run), so sixteen bytes are tested at once, with
// the flags gathered in a vector and looked at once per line: GCC's own vectorising of the byte
// loop reduced its flags after each block and took 2.7 instructions a byte at -O2 (now 1.1). Tab
// and 0x1d are both below 0x20, so "below 0x20 and neither" is "below 0x20 xor either". The last
// block overlaps the one before it instead of a byte-by-byte tail.
bool has_foreign_bytes(std::string_view line) {
    constexpr std::size_t kBlock = sizeof(Bytes16);
    const std::size_t size = line.size();
    if (size < kBlock) {
        uint8_t bad = 0;
        for (const char byte : line) bad |= foreign_byte(static_cast<uint8_t>(byte));
        return bad != 0;
    }
    Bytes16 bad{};
    const auto test_block = [&bad, &line](std::size_t at) {
        Bytes16 bytes;
        std::memcpy(&bytes, line.data() + at, kBlock);
        bad |= reinterpret_cast<Bytes16>(((bytes < 0x20) ^ (bytes == '\t') ^ (bytes == 0x1d)) |
                                         (bytes == 0x7f));
    };
    std::size_t at = 0;
    for (; at + kBlock <= size; at += kBlock) test_block(at);
    if (at < size) test_block(size - kBlock);
    std::array<uint64_t, 2> halves{};
    std::memcpy(halves.data(), &bad, sizeof(halves));
    return (halves[0] | halves[1]) != 0;
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

enum class RecordUse {
    Syscall,
    Execve,
    WorkingDirectory,
    PathRecord,
    Title,
    SocketAddress,
    OpenHow,
    EndOfEvent,
    Unused
};

// The record types the event builder reads, and EOE, which completes plugin-stream events.
RecordUse use_of(std::string_view type) {
    if (type == "SYSCALL") return RecordUse::Syscall;
    if (type == "PATH") return RecordUse::PathRecord;
    if (type == "EXECVE") return RecordUse::Execve;
    if (type == "PROCTITLE") return RecordUse::Title;
    if (type == "CWD") return RecordUse::WorkingDirectory;
    if (type == "EOE") return RecordUse::EndOfEvent;
    if (type == "SOCKADDR") return RecordUse::SocketAddress;
    if (type == "OPENAT2") return RecordUse::OpenHow;
    return RecordUse::Unused;
}

}  // namespace

std::string_view malformed_kind_name(MalformedKind kind) noexcept {
    switch (kind) {
        case MalformedKind::OverLong:
            return "over-long line";
        case MalformedKind::Binary:
            return "binary bytes";
        case MalformedKind::NoHeader:
            return "no audit record header";
        case MalformedKind::BadStamp:
            return "a record stamp libauparse cannot take";
        case MalformedKind::Count_:
            break;
    }
    return "unknown";
}

uint64_t LineFilterStats::malformed_total() const {
    uint64_t total = 0;
    for (uint64_t n : malformed) total += n;
    return total;
}

LineFilter::LineFilter(LineFilterOptions options, RecordSink sink, MalformedReporter reporter,
                       EventEndSink end_sink)
    : options_(options),
      sink_(std::move(sink)),
      reporter_(std::move(reporter)),
      end_sink_(std::move(end_sink)) {}

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
                handle_line(piece);  // the common case: no copy
            } else {
                partial_.append(piece);
                if (newline != std::string_view::npos) {
                    handle_line(partial_);
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
    if (!partial_.empty() && !discarding_) handle_line(partial_);
    partial_.clear();
    discarding_ = false;
}

void LineFilter::handle_line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return;
    ++stats_.lines;
    if (has_foreign_bytes(line)) {
        report(MalformedKind::Binary, line);
        return;
    }
    auto header = parse_header(line);
    if (!header) {
        header = parse_forwarded(line);
        if (!header) {
            report(MalformedKind::NoHeader, line);
            return;
        }
    }
    note_serial(header->node, header->id.serial);

    const RecordUse use = use_of(header->type);
    if (use == RecordUse::Unused) {
        ++stats_.records_skipped;
        return;
    }
    if (use == RecordUse::EndOfEvent) {
        end_event(*header);
        // libauparse still gets it, so that it closes its copy of the event as before.
        if (write_header(*header)) {
            sink_(scratch_);
            maybe_renew_auparse();
        } else {
            report(MalformedKind::BadStamp, line);
        }
        return;
    }
    // The fields, without the ENRICHED tail (only SYSCALL records' tail is read).
    const auto [body, tail] = split_enriched(header->body, use == RecordUse::Syscall);
    // Records of an event already forwarded join it; the pending map is looked up first, as
    // nearly every record belongs to an event being kept. A SYSCALL record opens its event (its
    // own verdict decides), so it is not looked up among the dropped ones.
    Pending* const pending = find_pending(header->node, header->id);
    if (pending != nullptr && pending->delivered) {
        // After its PROCTITLE or EOE (never so in a kernel's stream): already handed over.
        ++stats_.records_skipped;
        return;
    }
    ParsedEvent* event = pending != nullptr ? &pending->event : nullptr;
    // Process events read only PATH item 0 (the file named in the call); file events all.
    const bool all_paths = event != nullptr && event->needs_all_paths;
    if (use == RecordUse::PathRecord && !all_paths && !body.starts_with("item=0 ") &&
        body != "item=0") {
        ++stats_.records_skipped;
        return;
    }
    // SOCKADDR and OPENAT2 matter only to the network and file syscalls they come with.
    if ((use == RecordUse::SocketAddress || use == RecordUse::OpenHow) && !all_paths &&
        (event == nullptr || !event->reads_socket)) {
        ++stats_.records_skipped;
        return;
    }
    if (event == nullptr && use != RecordUse::Syscall && is_dropped(header->node, header->id)) {
        ++stats_.records_skipped;
        return;
    }
    const SyscallUse what = use == RecordUse::Syscall ? syscall_use(body) : SyscallUse::Keep;
    if (what == SyscallUse::Drop) {
        // Records that came before it (out of order) were forwarded and go their way: an event
        // without SYSCALL, which the builder ignores.
        mark_dropped(header->node, header->id);
        ++stats_.records_skipped;
        return;
    }
    // libauparse gets the record that opens an event and its terminal record (PROCTITLE; EOE
    // above): all it needs to decide when the event is complete. The records between only add
    // fields here, and their headers would cost it as much as these.
    const bool forward = event == nullptr || use == RecordUse::Title;
    if (forward && !write_header(*header)) {
        report(MalformedKind::BadStamp, line);
        return;
    }
    Pending* owner = pending;
    if (owner == nullptr) {
        owner = &open_pending(header->node, header->id);
        event = &owner->event;
    }
    switch (use) {
        case RecordUse::Syscall:
            event->add_record(RecordKind::Syscall);
            event->add_fields(body);
            event->needs_title = what == SyscallUse::Exec;
            event->needs_all_paths = what == SyscallUse::File;
            event->reads_socket = what == SyscallUse::Network;
            if (!tail.empty()) event->set_enriched(tail);
            break;
        case RecordUse::Execve:
            event->add_record(RecordKind::Execve);
            event->add_fields(body);
            event->needs_title = false;
            break;
        case RecordUse::WorkingDirectory:
            event->add_record(RecordKind::Cwd);
            event->add_fields(body);
            break;
        case RecordUse::PathRecord: {
            // The builder reads only the name of the dozen fields (inode, dev, mode, owner, caps).
            event->add_record(RecordKind::Path);
            const std::string_view name = field_in(body, "name");
            if (!name.empty()) event->add_field("name", name);
            if (all_paths) event->add_field("nametype", field_in(body, "nametype"));
            break;
        }
        case RecordUse::SocketAddress: {
            event->add_record(RecordKind::Sockaddr);
            // saddr is hex; a "#035" after it is the ENRICHED separator as rsyslog escapes it.
            const std::string_view saddr = field_in(body, "saddr");
            event->add_field("saddr", saddr.substr(0, saddr.find('#')));
            break;
        }
        case RecordUse::OpenHow:
            event->add_record(RecordKind::Openat2);
            event->add_field("oflag", field_in(body, "oflag"));
            break;
        case RecordUse::Title:
            // The builder reads PROCTITLE only for an exec without EXECVE.
            if (event->needs_title) {
                event->add_record(RecordKind::Proctitle);
                event->add_fields(body);
            }
            break;
        case RecordUse::EndOfEvent:
        case RecordUse::Unused:
            break;  // handled above
    }
    // PROCTITLE is the last record the kernel writes for a syscall event, and libauparse deems
    // the event complete there too: handed over now, not when libauparse releases it in order.
    if (use == RecordUse::Title) hand_over(*owner, header->id);
    if (forward) {
        sink_(scratch_);  // may hand events over (take_event): `owner` may be gone after it
        maybe_renew_auparse();
    }
}

std::optional<LineFilter::RecordHeader> LineFilter::parse_forwarded(std::string_view line) {
    if (!normalise_forwarded(line, forwarded_)) return std::nullopt;
    auto header = parse_header(forwarded_);
    if (header) ++stats_.forwarded;
    return header;
}

bool LineFilter::write_header(const RecordHeader& header) {
    // In the form libauparse reads (extract_timestamp and str2event in auparse.c): it looks for
    // the serial's ':' from the stamp's 10th byte on, expecting 10-digit seconds (a shorter stamp
    // made it read the wrong serial, or past the end of the line), so such a stamp is written
    // again with its seconds zero-padded; it reads only the first 80 bytes of a line (340 with a
    // node name), so a header that does not fit is refused; it takes second 0 for "no time", and
    // groups a record whose milliseconds pass 999 with another event or drops it (found by
    // fuzz_reader), so such stamps are refused too.
    if (header.id.seconds == 0 || header.id.millis > 999) return false;
    const std::size_t window = header.node.empty() ? 80 : 340;
    if (header.stamp_colon >= 10) {
        if (header.as_written.size() > window) return false;  // its ')' must be in the window
        scratch_.assign(header.as_written).push_back('\n');
        return true;
    }
    scratch_.clear();
    if (!header.node.empty()) scratch_.append("node=").append(header.node).push_back(' ');
    scratch_.append("type=").append(header.type).append(" msg=audit(");
    auto put = [&](uint64_t value, std::size_t width) {
        const ecs::DecimalText digits(value);
        if (digits.view().size() < width) scratch_.append(width - digits.view().size(), '0');
        scratch_ += digits.view();
    };
    put(header.id.seconds, 10);
    scratch_.push_back('.');
    put(header.id.millis, 3);
    scratch_.push_back(':');
    put(header.id.serial, 1);
    if (scratch_.size() >= window) return false;
    scratch_.append("):\n");
    return true;
}

LineFilter::SyscallUse LineFilter::syscall_use(std::string_view body) {
    // The kernel writes arch, syscall and success as the first three fields: read in order,
    // searched for otherwise.
    std::string_view rest = body;
    auto leading = [&rest](std::string_view name) -> std::string_view {
        if (!rest.starts_with(name) || rest.size() <= name.size() || rest[name.size()] != '=') {
            return {};
        }
        const std::string_view value = rest.substr(name.size() + 1);
        const auto space = std::min(value.find(' '), value.size());
        rest = value.substr(std::min(space + 1, value.size()));
        return value.substr(0, space);
    };
    std::string_view arch_text = leading("arch");
    std::string_view syscall_text = arch_text.empty() ? "" : leading("syscall");
    std::string_view success = syscall_text.empty() ? "" : leading("success");
    if (syscall_text.empty()) {
        arch_text = field_in(body, "arch");
        syscall_text = field_in(body, "syscall");
    }
    if (success.empty()) success = field_in(body, "success");
    uint64_t arch = 0;
    uint64_t number = 0;
    if (!parse_number(arch_text, arch, 16) || !parse_number(syscall_text, number)) {
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
    const SyscallKind kind = syscall_kind(syscall);
    const bool failed = success == "no" || success == "\"no\"";
    switch (kind) {
        case SyscallKind::Other:
            return SyscallUse::Drop;
        case SyscallKind::File:
        case SyscallKind::Network:
            // A failed file syscall changed nothing; a failed connect may still have sent a SYN
            // (ECONNREFUSED): the builder decides from its exit code.
            if (failed && !options_.keep_failed && syscall != "connect") return SyscallUse::Drop;
            return kind == SyscallKind::File ? SyscallUse::File : SyscallUse::Network;
        case SyscallKind::Exec:
            // A failed exec started nothing.
            if (!failed) return SyscallUse::Exec;
            if (!options_.keep_failed) ++stats_.failed_execs;
            return options_.keep_failed ? SyscallUse::Exec : SyscallUse::Drop;
        case SyscallKind::Fork:
        case SyscallKind::Exit:
            // A failed fork made no child.
            return failed ? SyscallUse::Drop : SyscallUse::Keep;
        case SyscallKind::Kill:
        case SyscallKind::Prctl:
            return SyscallUse::Keep;
    }
    return SyscallUse::Drop;
}

std::size_t LineFilter::EventKeyHash::operator()(const EventKey& key) const noexcept {
    // Serials are unique per node and boot; the node is compared, not hashed.
    return std::hash<uint64_t>{}(key.id.serial ^ (key.id.seconds << 20) ^ key.id.millis);
}

bool LineFilter::is_dropped(std::string_view node, const EventId& id) const {
    // Newest first: the owner of a record is almost always the event just seen.
    for (std::size_t i = 0; i < kDroppedSlots; ++i) {
        const Dropped& slot = dropped_[(next_dropped_ + kDroppedSlots - 1 - i) % kDroppedSlots];
        if (slot.id == id && slot.node == node) return true;
    }
    return false;
}

void LineFilter::mark_dropped(std::string_view node, const EventId& id) {
    Dropped& slot = dropped_[next_dropped_];
    next_dropped_ = (next_dropped_ + 1) % kDroppedSlots;
    slot.node.assign(node);
    slot.id = id;
}

void LineFilter::end_event(const RecordHeader& header) {
    Pending* const pending = find_pending(header.node, header.id);
    if (pending != nullptr) hand_over(*pending, header.id);
}

void LineFilter::hand_over(Pending& pending, const EventId& id) {
    if (!end_sink_ || pending.delivered) return;
    pending.delivered = true;
    --undelivered_;
    end_sink_(pending.node, id, pending.event);
}

LineFilter::Pending* LineFilter::find_pending(std::string_view node, const EventId& id) {
    const auto found = pending_.find(EventKey{node, id});
    return found == pending_.end() ? nullptr : found->second.get();
}

LineFilter::Pending& LineFilter::open_pending(std::string_view node, const EventId& id) {
    std::unique_ptr<Pending> pending;
    if (spares_.empty()) {
        pending = std::make_unique<Pending>();
    } else {
        pending = std::move(spares_.back());
        spares_.pop_back();
    }
    if (pending_.size() >= kMaxPending) abandon_oldest_pending();
    pending->node.assign(node);
    pending->delivered = false;
    pending->opened = opened_++;
    pending->event.reset();
    Pending& opened = *pending;
    const EventKey key{pending->node, id};
    pending_.emplace(key, std::move(pending));
    ++undelivered_;
    peak_pending_ = std::max(peak_pending_, pending_.size());
    return opened;
}

void LineFilter::abandon_oldest_pending() {
    const uint64_t keep_from = opened_ - kMaxPending / 2;
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (it->second->opened < keep_from) {
            // One handed over at its last record is not lost, only forgotten here.
            if (!it->second->delivered) {
                ++stats_.events_abandoned;
                --undelivered_;
            }
            it = pending_.erase(it);
        } else {
            ++it;
        }
    }
}

TakenEvent LineFilter::take_event(std::string_view node, const EventId& id) {
    const auto found = pending_.find(EventKey{node, id});
    if (found == pending_.end()) return {};
    // A few spares cover the events in flight at once; more would only hold memory.
    constexpr std::size_t kMaxSpares = 16;
    if (taken_ && spares_.size() < kMaxSpares) spares_.push_back(std::move(taken_));
    taken_ = std::move(found->second);
    pending_.erase(found);
    if (!taken_->delivered) --undelivered_;
    return TakenEvent{&taken_->event, taken_->delivered};
}

void LineFilter::maybe_renew_auparse() {
    // Only with an end sink: then every event whose terminal record came is handed over, and
    // those still needing libauparse have none yet (renew_auparse relies on it).
    if (!renew_sink_ || !end_sink_ || peak_pending_ < kRenewAt ||
        undelivered_ > peak_pending_ / 8) {
        return;
    }
    renew_auparse();
}

void LineFilter::renew_auparse() {
    renew_sink_();
    ++stats_.auparse_renewals;
    // Copies, not pointers: forwarding a header may make libauparse hand an event over, which
    // take_event erases from the map.
    struct StillOpen {
        uint64_t opened;
        std::string node;
        EventId id;
    };
    std::vector<StillOpen> still_open;
    still_open.reserve(undelivered_);
    for (auto it = pending_.begin(); it != pending_.end();) {
        const Pending& pending = *it->second;
        if (pending.delivered) {
            it = pending_.erase(it);  // handed over already: only the old state had a copy
        } else {
            still_open.push_back({pending.opened, pending.node, it->first.id});
            ++it;
        }
    }
    std::sort(still_open.begin(), still_open.end(),
              [](const StillOpen& a, const StillOpen& b) { return a.opened < b.opened; });
    // libauparse completes an event on the type of its last record only; these have had no
    // terminal record yet, so a SYSCALL header stands for whichever record opened each.
    for (const StillOpen& event : still_open) {
        RecordHeader header;
        header.node = event.node;
        header.type = "SYSCALL";
        header.id = event.id;
        if (write_header(header)) {
            sink_(scratch_);
        } else if (pending_.erase(EventKey{event.node, event.id}) > 0) {
            // Cannot happen for a stamp it took before; never left to leak.
            ++stats_.events_abandoned;
            --undelivered_;
        }
    }
    peak_pending_ = pending_.size();
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
