#include "process/process_table.hpp"

#include <unordered_set>
#include <utility>

namespace process {
namespace {

const std::string& host_of(const ecs::Event& event) {
    static const std::string kNoHost;
    return event.host_name ? *event.host_name : kNoHost;
}

// The parts of an image that describe the program (not the ids, which each event carries).
void copy_program(const ecs::ProcessImage& from, ecs::ProcessImage& to) {
    to.name = from.name;
    to.executable = from.executable;
    to.args = from.args;
    to.command_line = from.command_line;
    to.working_directory = from.working_directory;
    to.start_us = from.start_us;
}

// Heap bytes a string holds beyond the object itself (none while it fits the SSO buffer).
std::size_t heap_bytes(const std::string& text) {
    return text.capacity() > std::string().capacity() ? text.capacity() + 1 : 0;
}

// An entry's share of memory: itself, its list and hash nodes, and what its strings hold.
std::size_t bytes_of(const Entry& entry) {
    constexpr std::size_t kNodes = 64;  // list node links + hash node + bucket, about
    std::size_t bytes = sizeof(Entry) + kNodes + heap_bytes(entry.name) +
                        heap_bytes(entry.executable) + heap_bytes(entry.working_directory) +
                        heap_bytes(entry.command_line) + heap_bytes(entry.user_id) +
                        heap_bytes(entry.group_id) + entry.args.capacity() * sizeof(std::string);
    for (const std::string& arg : entry.args) bytes += heap_bytes(arg);
    return bytes;
}

std::optional<std::string> unless_empty(const std::string& text) {
    if (text.empty()) return std::nullopt;
    return text;
}

}  // namespace

void Entry::assign(const ecs::ProcessImage& image) {
    name = image.name.value_or("");
    executable = image.executable.value_or("");
    working_directory = image.working_directory.value_or("");
    has_args = image.args.has_value();
    if (has_args) {
        args = *image.args;
        command_line = image.command_line ? *image.command_line : ecs::join_command_line(args);
    } else {
        args.clear();
        command_line.clear();
    }
    user_id = image.user.id.value_or("");
    group_id = image.group.id.value_or("");
    start_us = image.start_us;
    interactive = image.interactive;
}

ecs::ProcessImage Entry::image() const {
    ecs::ProcessImage out;
    image_into(out);
    return out;
}

void Entry::image_into(ecs::ProcessImage& out) const {
    out = ecs::ProcessImage{};
    out.pid = pid;
    program_into(out);
    out.user.id = unless_empty(user_id);
    out.group.id = unless_empty(group_id);
    out.interactive = interactive;
}

void Entry::program_into(ecs::ProcessImage& to) const {
    to.name = unless_empty(name);
    to.executable = unless_empty(executable);
    to.working_directory = unless_empty(working_directory);
    if (has_args) {
        to.args = args;
        to.command_line = command_line;
    } else {
        to.args.reset();
        to.command_line.reset();
    }
    to.start_us = start_us;
}

std::size_t ProcessTable::KeyHash::operator()(const Key& key) const noexcept {
    return std::hash<int64_t>{}(key.pid) ^
           (static_cast<std::size_t>(key.host) * 0x9e3779b97f4a7c15ULL);
}

ProcessTable::ProcessTable(TableOptions options, LiveLookup* live)
    : options_(options), live_(live) {}

uint32_t ProcessTable::intern(const std::string& host) {
    const auto [it, inserted] = host_ids_.emplace(host, static_cast<uint32_t>(host_ids_.size()));
    return it->second;
}

std::optional<uint32_t> ProcessTable::host_id(const std::string& host) const {
    const auto it = host_ids_.find(host);
    if (it == host_ids_.end()) return std::nullopt;
    return it->second;
}

Entry* ProcessTable::lookup(uint32_t host, int64_t pid) {
    const auto it = index_.find(Key{host, pid});
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return &*it->second;
}

const Entry* ProcessTable::find_id(uint32_t host, int64_t pid) const {
    const auto it = index_.find(Key{host, pid});
    return it == index_.end() ? nullptr : &*it->second;
}

const Entry* ProcessTable::find(const std::string& host, int64_t pid) const {
    const auto id = host_id(host);
    return id ? find_id(*id, pid) : nullptr;
}

Entry& ProcessTable::upsert(uint32_t host, int64_t pid) {
    if (Entry* existing = lookup(host, pid)) return *existing;
    evict_to_fit();
    lru_.emplace_front();
    Entry& entry = lru_.front();
    entry.host = host;
    entry.pid = pid;
    entry.bytes = bytes_of(entry);
    bytes_ += entry.bytes;
    index_.emplace(Key{host, pid}, lru_.begin());
    return entry;
}

void ProcessTable::erase(uint32_t host, int64_t pid) {
    const auto it = index_.find(Key{host, pid});
    if (it == index_.end()) return;
    bytes_ -= it->second->bytes;
    lru_.erase(it->second);
    index_.erase(it);
}

void ProcessTable::evict_oldest() {
    const Entry& oldest = lru_.back();
    bytes_ -= oldest.bytes;
    index_.erase(Key{oldest.host, oldest.pid});
    lru_.pop_back();
    ++stats_.evictions;
}

void ProcessTable::evict_to_fit() {
    while (!lru_.empty() && lru_.size() >= options_.max_entries) evict_oldest();
}

void ProcessTable::evict_over_budget() {
    // The newest entry stays even when it alone is over budget: it is the one in use.
    while (lru_.size() > 1 && bytes_ > options_.max_bytes) evict_oldest();
}

void ProcessTable::store(Entry& entry, const ecs::ProcessImage& image) {
    bytes_ -= entry.bytes;
    entry.assign(image);
    entry.bytes = bytes_of(entry);
    bytes_ += entry.bytes;
    evict_over_budget();
}

void ProcessTable::set_max_entries(std::size_t max_entries) {
    options_.max_entries = max_entries == 0 ? 1 : max_entries;
    while (lru_.size() > options_.max_entries) evict_oldest();
}

void ProcessTable::fill_parent(ecs::Event& event, uint32_t host) {
    if (!event.parent.pid) {
        event.auditd.parent_context = "missing";
        return;
    }
    const int64_t ppid = *event.parent.pid;
    const Entry* parent = lookup(host, ppid);
    if (parent != nullptr) {
        ++stats_.hits;
        event.auditd.parent_context = "table";
    } else {
        ++stats_.misses;
        if (live_ != nullptr) {
            if (auto image = live_->read(ppid)) {
                ++stats_.live_reads;
                Entry& entry = upsert(host, ppid);
                store(entry, *image);
                parent = &entry;
                event.auditd.parent_context = "proc";
            }
        }
        if (parent == nullptr) {
            event.auditd.parent_context = "missing";
            return;
        }
    }
    parent->image_into(event.parent);
}

void ProcessTable::apply(ecs::Event& event) {
    const uint32_t host = intern(host_of(event));
    if (!event.process.pid) {
        fill_parent(event, host);
        return;
    }
    const int64_t pid = *event.process.pid;
    const bool success = event.outcome != "failure";

    if (event.action == "exec" || event.action == "fork") {
        fill_parent(event, host);
        if (event.action == "exec" && !success) return;  // a failed exec changed nothing
        if (event.action == "fork" && event.auditd.parent_context != "missing") {
            // The child runs its parent's image until it execs: process.* is that image,
            // process.parent.* the forking process.
            copy_program(event.parent, event.process);
        }
        const Entry* current = find_id(host, pid);
        if (current != nullptr && current->serial > event.sequence) {
            // A later exec of this pid was already applied (events arrived out of order).
            ++stats_.stale_updates;
            return;
        }
        Entry& entry = upsert(host, pid);
        store(entry, event.process);
        entry.ppid = event.parent.pid;
        entry.serial = event.sequence;
        entry.updated_us = event.timestamp_us;
        return;
    }

    // end, kill, prctl: the process is whatever the table says it is now.
    if (const Entry* self = lookup(host, pid)) self->program_into(event.process);
    fill_parent(event, host);
    if (event.action == "end") {
        const Entry* current = find_id(host, pid);
        if (current != nullptr && current->serial <= event.sequence) erase(host, pid);
    }
}

void ProcessTable::seed(const std::string& host, ecs::ProcessImage image,
                        std::optional<int64_t> ppid) {
    if (!image.pid) return;
    Entry& entry = upsert(intern(host), *image.pid);
    store(entry, image);
    entry.ppid = ppid;
}

std::vector<const Entry*> ProcessTable::ancestors(const std::string& host, int64_t pid,
                                                  std::size_t max_hops) const {
    std::vector<const Entry*> chain;
    const auto id = host_id(host);
    if (!id) return chain;
    std::unordered_set<int64_t> seen{pid};
    const Entry* current = find_id(*id, pid);
    while (current != nullptr && current->ppid && chain.size() < max_hops) {
        if (!seen.insert(*current->ppid).second) break;  // a loop made by pid reuse
        current = find_id(*id, *current->ppid);
        if (current != nullptr) chain.push_back(current);
    }
    return chain;
}

TableStats ProcessTable::stats() const {
    TableStats out = stats_;
    out.size = lru_.size();
    out.bytes = bytes_;
    return out;
}

}  // namespace process
