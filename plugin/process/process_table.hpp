// The process table: what each live process is now (its last exec, or its parent's image after
// a fork), so every event can carry its parent's name, executable, args and command line.
// Bounded (LRU eviction, counted) and ordered by audit serial so that a reused pid never
// inherits a dead process's identity. Time comes from the events, never from the clock.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ecs/event.hpp"

namespace process {

// Reads a process the table has never seen from the live host (/proc); plugin mode only.
class LiveLookup {
  public:
    virtual ~LiveLookup() = default;
    virtual std::optional<ecs::ProcessImage> read(int64_t pid) = 0;
};

struct TableOptions {
    std::size_t max_entries = 32768;
    // Also bounded by the memory its entries hold: one hostile user's ~2 MB argv per process
    // must not multiply by max_entries.
    std::size_t max_bytes = std::size_t{4} << 20;
};

struct TableStats {
    uint64_t hits = 0;           // parent found in the table
    uint64_t misses = 0;         // parent unknown to the table
    uint64_t live_reads = 0;     // parents read from /proc after a miss
    uint64_t evictions = 0;      // entries dropped to stay within max_entries / max_bytes
    uint64_t stale_updates = 0;  // updates older than the entry they would replace, ignored
    std::size_t size = 0;
    std::size_t bytes = 0;  // what the entries hold, as counted against max_bytes
};

// One process as the table keeps it: only what parent fields need, compactly (the table is
// the plugin's largest structure: max_entries of these).
struct Entry {
    uint32_t host = 0;  // interned host name
    int64_t pid = 0;
    std::optional<int64_t> ppid;
    uint64_t serial = 0;     // audit serial of the event that set this image
    int64_t updated_us = 0;  // audit time of that event
    std::string name;        // empty: unknown
    std::string executable;
    std::string working_directory;
    bool has_args = false;
    std::vector<std::string> args;
    std::string command_line;  // args joined, kept so each lookup need not join them again
    std::string user_id;       // effective ids, as process.parent.user.id / group.id
    std::string group_id;
    std::optional<int64_t> start_us;
    std::optional<bool> interactive;

    std::size_t bytes = 0;  // memory held, counted against TableOptions::max_bytes

    void assign(const ecs::ProcessImage& image);
    // The image as ECS names it.
    ecs::ProcessImage image() const;
    // The same, written over OUT (no temporary to move from).
    void image_into(ecs::ProcessImage& out) const;
    // Writes the program part of the image (name, executable, args, command line, working
    // directory, start) into `to`, leaving its ids alone.
    void program_into(ecs::ProcessImage& to) const;
};

class ProcessTable {
  public:
    explicit ProcessTable(TableOptions options, LiveLookup* live = nullptr);

    // Fills the parent fields (and, for non-exec events, the process image) of `event` and
    // updates the table with what the event says happened.
    void apply(ecs::Event& event);

    // Adds a process known from elsewhere (start-up scan of /proc).
    void seed(const std::string& host, ecs::ProcessImage image, std::optional<int64_t> ppid);

    const Entry* find(const std::string& host, int64_t pid) const;
    // Parent, grandparent, ... up to max_hops; stops at a loop (pid reuse can make one).
    std::vector<const Entry*> ancestors(const std::string& host, int64_t pid,
                                        std::size_t max_hops = 64) const;

    TableStats stats() const;
    void set_max_entries(std::size_t max_entries);

  private:
    struct Key {
        uint32_t host;
        int64_t pid;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& key) const noexcept;
    };
    using Lru = std::list<Entry>;

    uint32_t intern(const std::string& host);
    std::optional<uint32_t> host_id(const std::string& host) const;
    const Entry* find_id(uint32_t host, int64_t pid) const;
    Entry* lookup(uint32_t host, int64_t pid);  // marks as recently used
    Entry& upsert(uint32_t host, int64_t pid);
    void erase(uint32_t host, int64_t pid);
    void fill_parent(ecs::Event& event, uint32_t host);
    // Sets an entry's image and keeps the byte count and budget.
    void store(Entry& entry, const ecs::ProcessImage& image);
    void evict_oldest();
    void evict_to_fit();
    void evict_over_budget();

    TableOptions options_;
    LiveLookup* live_;
    Lru lru_;  // most recently used first
    std::unordered_map<Key, Lru::iterator, KeyHash> index_;
    TableStats stats_;
    std::size_t bytes_ = 0;
    std::unordered_map<std::string, uint32_t> host_ids_;  // node names seen; few
};

}  // namespace process
