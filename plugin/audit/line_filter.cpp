#include "audit/line_filter.hpp"

#include <cctype>
#include <utility>

namespace audit {
namespace {

constexpr char kEnrichedSeparator = '\x1d';
// auparse holds few events open at once; anything older than this was never consumed
// (an event auparse dropped), so forgetting it bounds memory.
constexpr std::size_t kMaxEnrichedPending = 4096;

bool is_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

struct Header {
    std::string_view node;
    std::string_view type;
    std::string_view event_id;  // "SEC.MS:SERIAL"
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
    if (space == std::string_view::npos) return std::nullopt;
    header.type = line.substr(5, space - 5);
    line.remove_prefix(space + 1);
    if (!line.starts_with("msg=audit(")) return std::nullopt;
    line.remove_prefix(10);
    const auto close = line.find("):");
    if (close == std::string_view::npos) return std::nullopt;
    header.event_id = line.substr(0, close);
    const auto dot = header.event_id.find('.');
    const auto colon = header.event_id.find(':');
    if (dot == std::string_view::npos || colon == std::string_view::npos || colon < dot) {
        return std::nullopt;
    }
    if (!is_digits(header.event_id.substr(0, dot)) ||
        !is_digits(header.event_id.substr(dot + 1, colon - dot - 1)) ||
        !is_digits(header.event_id.substr(colon + 1))) {
        return std::nullopt;
    }
    if (header.type.empty()) return std::nullopt;
    return header;
}

// Kernel records are printable text; 0x1d only separates the ENRICHED part, tab never occurs
// but is harmless.
bool has_foreign_bytes(std::string_view line) {
    for (char c : line) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 && byte != '\t' && c != kEnrichedSeparator) return true;
        if (byte == 0x7f) return true;
    }
    return false;
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
        case MalformedKind::Count_:
            break;
    }
    return "unknown";
}

const std::string* EnrichedSyscall::find(std::string_view key) const {
    const auto it = names.find(std::string(key));
    return it == names.end() ? nullptr : &it->second;
}

uint64_t LineFilterStats::malformed_total() const {
    uint64_t total = 0;
    for (uint64_t n : malformed) total += n;
    return total;
}

LineFilter::LineFilter(std::size_t max_line_bytes, RecordSink sink, MalformedReporter reporter)
    : max_line_bytes_(max_line_bytes), sink_(std::move(sink)), reporter_(std::move(reporter)) {}

void LineFilter::feed(std::string_view chunk) {
    stats_.bytes += chunk.size();
    while (!chunk.empty()) {
        const auto newline = chunk.find('\n');
        const std::string_view piece =
            chunk.substr(0, newline == std::string_view::npos ? chunk.size() : newline);
        if (!discarding_) {
            if (partial_.size() + piece.size() > max_line_bytes_) {
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
    const auto header = parse_header(line);
    if (!header) {
        report(MalformedKind::NoHeader, line);
        return;
    }
    const auto separator = line.find(kEnrichedSeparator);
    if (separator != std::string_view::npos) {
        if (header->type == "SYSCALL") {
            remember_enriched(event_key(header->node, header->event_id),
                              line.substr(separator + 1));
        }
        line = line.substr(0, separator);
        while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    }
    scratch_.assign(line);
    scratch_.push_back('\n');
    sink_(scratch_);
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

std::string LineFilter::event_key(std::string_view node, std::string_view event_id) {
    std::string key;
    key.reserve(node.size() + 1 + event_id.size());
    key.append(node).push_back('|');
    key.append(event_id);
    return key;
}

void LineFilter::remember_enriched(std::string key, std::string_view tail) {
    EnrichedSyscall enriched;
    // KEY=value or KEY="value", separated by spaces; values never contain spaces unquoted.
    while (!tail.empty()) {
        while (!tail.empty() && tail.front() == ' ') tail.remove_prefix(1);
        const auto equals = tail.find('=');
        if (equals == std::string_view::npos) break;
        std::string name(tail.substr(0, equals));
        tail.remove_prefix(equals + 1);
        std::string_view value;
        if (!tail.empty() && tail.front() == '"') {
            const auto close = tail.find('"', 1);
            if (close == std::string_view::npos) break;
            value = tail.substr(1, close - 1);
            tail.remove_prefix(close + 1);
        } else {
            const auto space = tail.find(' ');
            value = tail.substr(0, space);
            tail.remove_prefix(space == std::string_view::npos ? tail.size() : space);
        }
        enriched.names.emplace(std::move(name), std::string(value));
    }
    // Bounding the order queue bounds the map too: every map entry has its key in the queue.
    if (enriched_order_.size() >= kMaxEnrichedPending) {
        enriched_.erase(enriched_order_.front());
        enriched_order_.pop_front();
    }
    auto [it, inserted] = enriched_.insert_or_assign(key, std::move(enriched));
    if (inserted) enriched_order_.push_back(std::move(key));
}

std::optional<EnrichedSyscall> LineFilter::take_enriched(const std::string& event_key) {
    const auto it = enriched_.find(event_key);
    if (it == enriched_.end()) return std::nullopt;
    EnrichedSyscall taken = std::move(it->second);
    enriched_.erase(it);
    // Its key stays in enriched_order_ until it reaches the front; erasing it then is a no-op.
    return taken;
}

}  // namespace audit
