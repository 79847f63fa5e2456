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

}  // namespace

std::size_t ProcessTable::KeyHash::operator()(const Key& key) const noexcept {
    return std::hash<std::string>{}(key.host) ^
           (std::hash<int64_t>{}(key.pid) * 0x9e3779b97f4a7c15ULL);
}

ProcessTable::ProcessTable(TableOptions options, LiveLookup* live)
    : options_(options), live_(live) {}

Entry* ProcessTable::lookup(const std::string& host, int64_t pid) {
    const auto it = index_.find(Key{host, pid});
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return &*it->second;
}

const Entry* ProcessTable::find(const std::string& host, int64_t pid) const {
    const auto it = index_.find(Key{host, pid});
    return it == index_.end() ? nullptr : &*it->second;
}

Entry& ProcessTable::upsert(const std::string& host, int64_t pid) {
    if (Entry* existing = lookup(host, pid)) return *existing;
    evict_to_fit();
    lru_.emplace_front();
    Entry& entry = lru_.front();
    entry.host = host;
    entry.image.pid = pid;
    index_.emplace(Key{host, pid}, lru_.begin());
    return entry;
}

void ProcessTable::erase(const std::string& host, int64_t pid) {
    const auto it = index_.find(Key{host, pid});
    if (it == index_.end()) return;
    lru_.erase(it->second);
    index_.erase(it);
}

void ProcessTable::evict_to_fit() {
    while (!lru_.empty() && lru_.size() >= options_.max_entries) {
        const Entry& oldest = lru_.back();
        index_.erase(Key{oldest.host, *oldest.image.pid});
        lru_.pop_back();
        ++stats_.evictions;
    }
}

void ProcessTable::set_max_entries(std::size_t max_entries) {
    options_.max_entries = max_entries == 0 ? 1 : max_entries;
    while (lru_.size() > options_.max_entries) {
        const Entry& oldest = lru_.back();
        index_.erase(Key{oldest.host, *oldest.image.pid});
        lru_.pop_back();
        ++stats_.evictions;
    }
}

void ProcessTable::fill_parent(ecs::Event& event, const std::string& host) {
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
                entry.image = std::move(*image);
                entry.image.pid = ppid;
                parent = &entry;
                event.auditd.parent_context = "proc";
            }
        }
        if (parent == nullptr) {
            event.auditd.parent_context = "missing";
            return;
        }
    }
    const int64_t keep_pid = ppid;
    event.parent = parent->image;
    event.parent.pid = keep_pid;
}

void ProcessTable::apply(ecs::Event& event) {
    const std::string& host = host_of(event);
    if (!event.process.pid) {
        fill_parent(event, host);
        return;
    }
    const int64_t pid = *event.process.pid;
    const bool success = event.outcome != "failure";

    if (event.action == "exec") {
        fill_parent(event, host);
        if (!success) return;  // a failed exec changed nothing
        const Entry* current = find(host, pid);
        if (current != nullptr && current->serial > event.sequence) {
            ++stats_.stale_updates;  // a later exec of this pid was already applied
            return;
        }
        Entry& entry = upsert(host, pid);
        entry.image = event.process;
        entry.ppid = event.parent.pid;
        entry.serial = event.sequence;
        entry.updated_us = event.timestamp_us;
        return;
    }

    if (event.action == "fork") {
        // The child runs its parent's image until it execs: process.* is that image,
        // process.parent.* the forking process.
        fill_parent(event, host);
        if (event.auditd.parent_context != "missing") copy_program(event.parent, event.process);
        const Entry* current = find(host, pid);
        if (current != nullptr && current->serial > event.sequence) {
            ++stats_.stale_updates;  // the child already exec'd (events arrived out of order)
            return;
        }
        Entry& entry = upsert(host, pid);
        entry.image = event.process;
        entry.ppid = event.parent.pid;
        entry.serial = event.sequence;
        entry.updated_us = event.timestamp_us;
        return;
    }

    // end, kill, prctl: the process is whatever the table says it is now.
    if (const Entry* self = lookup(host, pid)) copy_program(self->image, event.process);
    fill_parent(event, host);
    if (event.action == "end") {
        const Entry* current = find(host, pid);
        if (current != nullptr && current->serial <= event.sequence) erase(host, pid);
    }
}

void ProcessTable::seed(const std::string& host, ecs::ProcessImage image,
                        std::optional<int64_t> ppid) {
    if (!image.pid) return;
    Entry& entry = upsert(host, *image.pid);
    entry.image = std::move(image);
    entry.ppid = ppid;
}

std::vector<const Entry*> ProcessTable::ancestors(const std::string& host, int64_t pid,
                                                  std::size_t max_hops) const {
    std::vector<const Entry*> chain;
    std::unordered_set<int64_t> seen{pid};
    const Entry* current = find(host, pid);
    while (current != nullptr && current->ppid && chain.size() < max_hops) {
        if (!seen.insert(*current->ppid).second) break;  // a loop made by pid reuse
        current = find(host, *current->ppid);
        if (current != nullptr) chain.push_back(current);
    }
    return chain;
}

TableStats ProcessTable::stats() const {
    TableStats out = stats_;
    out.size = lru_.size();
    return out;
}

}  // namespace process
