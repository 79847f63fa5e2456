// The process table: what each live process instance is now (its last exec, or its parent's
// image after a fork), so every event can carry its parent's name, executable, args and command
// line, and entity ids that tell process instances apart.
//
// Causality, not arrival order, decides (the kernel stamps a record at syscall entry and numbers
// it at exit, so a vfork's fork record is logged after its child's exec, and a parent's
// exit_group before its child's exec): a fork never replaces the exec of the child it created,
// and an exited process stays resolvable for its children for a grace period. Images are
// immutable and shared between a process and its forked children. Bounded in entries and bytes,
// evicted fairly between users, counted. Time comes from the events, never from the clock.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ecs/event.hpp"
#include "process/text_pool.hpp"

namespace process {

// Reads a process the table has never seen from the live host (/proc); plugin mode only.
class LiveLookup {
  public:
    virtual ~LiveLookup() = default;
    virtual std::optional<ecs::ProcessImage> read(int64_t pid) = 0;
};

struct TableOptions {
    // A host whose audit rules record execs only never reports exits: every pid it ever saw
    // stays until evicted. pid_max is 32768 on many hosts and 4194304 on systemd ones.
    std::size_t max_entries = 65536;
    // Also bounded by the memory its entries hold (images are capped per process, see
    // kMaxImageArgBytes, so no single process can hold or flush this budget).
    std::size_t max_bytes = std::size_t{24} << 20;
    // How long (audit time) an exited process stays resolvable for children that exec after
    // its exit_group was logged (the kernel re-parents them only at the end of do_exit).
    int64_t exit_grace_us = 5'000'000;
    // clone3 children that never appear as pid= (threads: clone3's record carries no flags)
    // are kept apart, at most this many, and never push out processes.
    std::size_t max_unconfirmed = 4096;
};

// What one process keeps of a huge argv for its children's parent fields: the exec event
// itself carries every arg; its children get the first kMaxImageArgBytes, marked as cut.
inline constexpr std::size_t kMaxImageArgBytes = 4096;

struct TableStats {
    uint64_t hits = 0;                 // parent found in the table
    uint64_t misses = 0;               // parent unknown to the table
    uint64_t live_reads = 0;           // parents read from /proc after a miss
    uint64_t evictions = 0;            // entries dropped to stay within max_entries / max_bytes
    uint64_t late_forks = 0;           // fork records logged after their child's exec (vfork)
    uint64_t exited_parents = 0;       // parents found after their exit_group (within the grace)
    uint64_t reused_pids = 0;          // new instances of a pid the table held another life of
    uint64_t unconfirmed_dropped = 0;  // clone3 children never seen again (threads), dropped
    uint64_t capped_images = 0;        // images whose args were cut to kMaxImageArgBytes
    uint64_t syscall_images = 0;       // processes known only from a SYSCALL record's comm/exe
    uint64_t stale_updates = 0;        // execs older (by serial) than the exec the entry holds
    uint64_t index_lookups = 0;        // hash look-ups of (host, pid): two per exec (parent, self)
    std::size_t size = 0;              // entries, unconfirmed ones included
    std::size_t unconfirmed = 0;  // clone3 children not yet seen acting (at most max_unconfirmed)
    std::size_t bytes = 0;        // what the entries hold, as counted against max_bytes
};

// Where a process's image came from; the event's auditd.parent_context names it.
enum class ImageSource : uint8_t {
    Exec,     // an exec seen in the audit log (or a fork of such a process)
    Syscall,  // only a SYSCALL record's comm= and exe= (the process never exec'd in the log)
    Proc,     // /proc of the live host (plugin mode)
};

// A program as a process runs it. Immutable once built, shared by a process and the children
// it forks (a fork costs a reference count, not a copy of its args). The name, executable and
// working directory are pooled (they repeat across thousands of processes); the args are not.
struct Image {
    SharedText name;  // empty: unknown
    SharedText executable;
    SharedText working_directory;
    // The args joined by single spaces (process.command_line); the args themselves are cut
    // back out of it by their lengths, so they are not stored twice.
    std::string command_line;
    // Each at most kMaxImageArgBytes (make_image asserts it fits), allocated at its final size.
    std::vector<uint16_t> arg_lengths;
    // The start time, when has_start (not an optional: its flag packs with the others below,
    // 16 bytes less an image).
    int64_t start_us = 0;
    uint32_t args_count = 0;  // the exec's real count, also when args were cut
    bool has_start = false;
    bool has_args = false;
    bool args_truncated = false;  // args cut to kMaxImageArgBytes
    ImageSource source = ImageSource::Exec;

    std::optional<int64_t> start() const {
        return has_start ? std::optional<int64_t>(start_us) : std::nullopt;
    }

    std::vector<std::string> args() const;
    // What the image holds beyond its object, pooled texts left out (the pool counts those).
    std::size_t heap_bytes() const;
    // The pool's charge for its texts, as each holder's bucket is charged for them.
    std::size_t text_bytes() const;
};

// One process instance as the table keeps it.
struct Entry {
    uint32_t host = 0;   // interned host name
    uint32_t owner = 0;  // real uid of the process at creation (fair eviction)
    int64_t pid = 0;
    std::optional<int64_t> ppid;
    uint64_t created_serial = 0;          // audit serial of the event that created this instance
    int64_t created_us = 0;               // audit time of that event
    std::optional<int64_t> last_exec_us;  // audit time of its latest exec
    uint64_t last_exec_serial = 0;
    std::shared_ptr<const Image> image;
    SharedText user_id;  // effective ids, as process.parent.user.id / group.id (pooled)
    SharedText group_id;
    // make_entity_id(node= name, pid, created_us, created_serial), made once when the instance
    // is created: every event of the process and of each child it has carries it (32 bytes
    // here, and about 40-80 of heap for a node= name of up to 30 bytes).
    std::string entity_id;
    bool forked = false;       // its fork record was seen
    bool unconfirmed = false;  // a clone3 child not yet seen as pid= (may be a thread)
    bool exited = false;       // its exit_group was logged (exits_ keeps when, for the grace)
    std::optional<bool> interactive;

    // The image as ECS names it (without the entity id, which the caller copies if it wants it).
    ecs::ProcessImage to_ecs() const;
    // The same, written over OUT (no temporary to move from).
    void write_to(ecs::ProcessImage& out) const;
    // The program part only (name, executable, args, command line, working directory, start),
    // leaving OUT's ids alone.
    void write_program_to(ecs::ProcessImage& out) const;
};

class ProcessTable {
  public:
    explicit ProcessTable(TableOptions options, LiveLookup* live = nullptr);
    ProcessTable(const ProcessTable&) = delete;
    ProcessTable& operator=(const ProcessTable&) = delete;

    // Fills the parent fields (and, for non-exec events, the process image) and the entity ids
    // of `event`, and updates the table with what the event says happened.
    void apply(ecs::Event& event);

    // Adds a process known from elsewhere (start-up scan of /proc).
    void seed(const std::string& host, const ecs::ProcessImage& image, std::optional<int64_t> ppid);

    const Entry* find(const std::string& host, int64_t pid) const;
    // Parent, grandparent, ... up to max_hops; stops at a loop (pid reuse can make one).
    std::vector<const Entry*> ancestors(const std::string& host, int64_t pid,
                                        std::size_t max_hops = 64) const;

    // New capacity (a reload): evicts what no longer fits, as a flood would.
    void set_limits(std::size_t max_entries, std::size_t max_bytes);
    // The local host was renamed (a reload's --host-name): its processes are found under the new
    // name (the name events without node= carry). False, and nothing changes, when the new name
    // is already another host's in the table.
    bool rename_host(const std::string& from, const std::string& to);

    TableStats stats() const;
    // The bytes the entries hold, counted from scratch (each shared image and each pooled text
    // once): what stats().bytes keeps incrementally, relying on entries being the only holders
    // of images, and on the pool charging each text once.
    // For tests and the fuzzer.
    std::size_t recount_bytes() const;
    // Every index slot names its own entry and the bucket its owner (or unconfirmed state) puts
    // it in, and the buckets hold exactly the indexed entries. For tests and the fuzzer.
    bool index_consistent() const;

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
    // Entries of one owner (real uid), most recently used first. Eviction takes the least
    // recently used entry of the owner holding the most, so one user's flood evicts that
    // user's own processes first.
    struct Owner {
        Lru lru;
        std::size_t bytes = 0;
    };
    // An index entry: the entry and the bucket holding it (owners_ is node-based, so a bucket
    // stays where it is until erased, which happens only once it is empty). Always the bucket
    // bucket_of() names: index_consistent() checks it.
    struct Slot {
        Owner* bucket;
        Lru::iterator at;
    };
    using Index = std::unordered_map<Key, Slot, KeyHash>;
    struct PendingExit {
        Key key;
        uint64_t created_serial;  // which life of the pid exited
        int64_t exited_us;
    };

    uint32_t intern(const std::string& host);
    std::optional<uint32_t> host_id(const std::string& host) const;
    // A look-up of the index, good until the index next gains or loses a key (create(),
    // erase()): new_instance() takes it instead of hashing the key again, and looks again if
    // the index changed since (a stale iterator after a rehash or an erase).
    struct Lookup {
        Index::iterator slot;  // index_.end(): not in the table
        uint64_t generation;   // index_generation_ when looked up
    };
    Index::iterator find_slot(Key key);
    const Entry* find_key(Key key) const;
    Lookup touch(Key key);  // marks as recently used
    Entry* entry_of(const Lookup& found) const;
    Entry& create(Key key, uint32_t owner, bool unconfirmed);
    // create() for a key the table holds (pid reuse): the same as erase() then create(), done on
    // the entry's own list and index nodes (nothing freed, allocated or looked up again).
    Entry& renew(Index::iterator slot, uint32_t owner, bool unconfirmed);
    void track_unconfirmed(Key key);
    // A new life of a pid (its fork, or the first exec or record of it in the log): replaces
    // any earlier life and gets a new entity id.
    // `found`: the caller's look-up of `key`.
    Entry& new_instance(Key key, Lookup found, const ecs::Event& event, uint32_t owner,
                        bool unconfirmed);
    // What tells a new instance apart, and its entity id from the same values: the only writer
    // of created_serial, created_us and entity_id, so the id cannot go stale.
    static void name_instance(Entry& entry, std::string_view node, int64_t created_us,
                              uint64_t created_serial);
    static uint32_t bucket_id_of(const Entry& entry);
    Owner& bucket_of(const Entry& entry);
    // What the entry's bucket is charged: its own bytes, and its ids' and its image's with
    // their pooled texts in full (the table's total counts a pooled text once; each bucket
    // holding it pays for it, so a user's flood of distinct texts weighs on that user's bucket).
    std::size_t charged(const Entry& entry) const;
    Entry& seed_entry(Key key, const ecs::ProcessImage& image, std::optional<int64_t> ppid,
                      const std::string& node);
    void erase(Key key);
    void confirm(Entry& entry);
    void set_image(Entry& entry, std::shared_ptr<const Image> image);
    std::shared_ptr<const Image> make_image(const ecs::ProcessImage& from, ImageSource source);
    std::size_t bytes_of(const Entry& entry) const;
    // Charges a new entry (its entity id and ids made) against the budget: its own bytes stay
    // the same for its whole life; set_ids() moves its ids' charge when they change.
    void account(Entry& entry);
    // A new entry's effective ids, from FROM's user.id and group.id (pooled), before account().
    void name_ids(Entry& entry, const ecs::ProcessImage& from);
    // The same for an entry already charged.
    void set_ids(Entry& entry, const ecs::ProcessImage& from);
    // Each keeps `keep` (the entry the current event created or updated).
    void evict_one(bool by_bytes, const Entry* keep);
    bool drop_oldest_unconfirmed(const Entry* keep);
    void enforce_limits(const Entry* keep);
    void remember_evicted(Key key);
    void expire_exited();

    void fill_parent(ecs::Event& event, uint32_t host);
    void apply_exec(ecs::Event& event, uint32_t host);
    void apply_fork(ecs::Event& event, uint32_t host);
    void apply_other(ecs::Event& event, uint32_t host);
    // Makes sure a process that acts in the log is known, from its own SYSCALL record when the
    // table has nothing better.
    Entry* note_actor(const ecs::Event& event, uint32_t host, int64_t pid,
                      const ecs::ProcessImage& seen);

    TableOptions options_;
    LiveLookup* live_;
    std::size_t bytes_ = 0;  // declared before the containers: images give bytes back on release
    TextPool texts_;         // before the entries and images, whose texts it must outlive
    std::size_t entries_ = 0;
    std::size_t unconfirmed_ = 0;
    int64_t now_us_ = 0;  // latest audit time seen
    std::unordered_map<uint32_t, Owner> owners_;
    Index index_;
    uint64_t index_generation_ = 0;       // bumped when index_ gains or loses a key (see Lookup)
    mutable uint64_t index_lookups_ = 0;  // stats line table_lookups=; const look-ups count too
    std::deque<PendingExit> exits_;       // in exit order: expired after the grace
    std::deque<Key> unconfirmed_order_;
    std::unordered_set<Key, KeyHash> evicted_;  // live processes evicted: no /proc re-read
    std::deque<Key> evicted_order_;
    TableStats stats_;
    std::unordered_map<std::string, uint32_t> host_ids_;  // node names seen; few
};

}  // namespace process
