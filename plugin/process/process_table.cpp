#include "process/process_table.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <memory>
#include <type_traits>
#include <unordered_set>
#include <utility>

#include "process/entity_id.hpp"

namespace process {
namespace {

const std::string& host_of(const ecs::Event& event) {
    static const std::string kNoHost;
    return event.host_name ? *event.host_name : kNoHost;
}

// Heap bytes a string holds beyond the object itself (none while it fits the SSO buffer).
std::size_t heap_bytes_of(const std::string& text) {
    return text.capacity() > std::string().capacity() ? text.capacity() + 1 : 0;
}

// An image's share of memory, counted once however many processes share it: the object, the
// shared_ptr control block, and what its strings hold.
std::size_t image_bytes(const Image& image) {
    constexpr std::size_t kControlBlock = 16;
    return sizeof(Image) + kControlBlock + image.heap_bytes();
}

// An event's optional field as the pool takes it: absent and empty are the same to the table.
std::string_view text_of(const std::optional<std::string>& text) {
    return text ? std::string_view(*text) : std::string_view();
}

// OUT = TEXT, or absent when TEXT is empty: copied straight into OUT's string (no temporary
// optional to move from and destroy; this runs for every field of every parent).
void set_unless_empty(std::optional<std::string>& out, const std::string& text) {
    if (text.empty()) {
        out.reset();
    } else {
        out = text;
    }
}

const char* context_name(ImageSource source) {
    switch (source) {
        case ImageSource::Exec:
            return "table";
        case ImageSource::Syscall:
            return "syscall";
        case ImageSource::Proc:
            return "proc";
    }
    return "table";
}

constexpr uint32_t kUnknownOwner = std::numeric_limits<uint32_t>::max();
// The bucket of clone3 children not yet seen as pid= (threads, as often as not).
constexpr uint32_t kUnconfirmedOwner = kUnknownOwner - 1;

uint32_t owner_of(const ecs::ProcessImage& process) {
    const auto& id = process.real_user.id ? process.real_user.id : process.user.id;
    if (!id) return kUnknownOwner;
    uint32_t uid = 0;
    const auto [end, error] = std::from_chars(id->data(), id->data() + id->size(), uid);
    if (error != std::errc() || end != id->data() + id->size()) return kUnknownOwner;
    return std::min(uid, kUnconfirmedOwner - 1);
}

// How many keys of evicted live processes are remembered, so that plugin mode does not read
// /proc for them again (a process may have rewritten its argv there since its exec).
constexpr std::size_t kEvictedMemory = 16384;

}  // namespace

std::vector<std::string> Image::args() const {
    std::vector<std::string> out;
    out.reserve(arg_lengths.size());
    std::size_t at = 0;
    for (const uint16_t length : arg_lengths) {
        out.emplace_back(command_line, std::min(at, command_line.size()), length);
        at += length + 1;
    }
    return out;
}

std::size_t Image::heap_bytes() const {
    return heap_bytes_of(command_line) + arg_lengths.capacity() * sizeof(uint16_t);
}

std::size_t Image::text_bytes() const {
    return name.charge() + executable.charge() + working_directory.charge();
}

ecs::ProcessImage Entry::to_ecs() const {
    ecs::ProcessImage out;
    write_to(out);
    return out;
}

void Entry::write_to(ecs::ProcessImage& out) const {
    // Destroyed and made anew rather than assigned a default one: a move-assignment of every
    // member was most of this function's code, fetched again for each event's parent. Made
    // anew without throwing, or `out` would be left destroyed.
    static_assert(std::is_nothrow_default_constructible_v<ecs::ProcessImage>);
    std::destroy_at(&out);
    std::construct_at(&out);
    out.pid = pid;
    write_program_to(out);
    set_unless_empty(out.user.id, user_id.str());
    set_unless_empty(out.group.id, group_id.str());
    out.interactive = interactive;
}

void Entry::write_program_to(ecs::ProcessImage& out) const {
    if (!image) return;
    const Image& i = *image;
    set_unless_empty(out.name, i.name.str());
    set_unless_empty(out.executable, i.executable.str());
    set_unless_empty(out.working_directory, i.working_directory.str());
    if (i.has_args) {
        out.args = i.args();
        out.command_line = i.command_line;
        out.args_truncated = i.args_truncated;
        out.args_total = i.args_count;
    } else {
        out.args.reset();
        out.command_line.reset();
        out.args_truncated = false;
    }
    out.start_us = i.start();
}

std::size_t ProcessTable::KeyHash::operator()(const Key& key) const noexcept {
    return std::hash<int64_t>{}(key.pid) ^
           (static_cast<std::size_t>(key.host) * 0x9e3779b97f4a7c15ULL);
}

ProcessTable::ProcessTable(TableOptions options, LiveLookup* live)
    : options_(options), live_(live) {
    options_.max_entries = std::max<std::size_t>(options_.max_entries, 1);
}

// Both are looked up before emplace: libstdc++'s emplace allocates its node (and copies the name)
// before it finds the name is there, twice an event for a name seen thousands of times.
uint32_t ProcessTable::intern(const std::string& host) {
    if (const auto known = host_ids_.find(host); known != host_ids_.end()) return known->second;
    return host_ids_.emplace(host, static_cast<uint32_t>(host_ids_.size())).first->second;
}

void ProcessTable::name_instance(Entry& entry, std::string_view node, int64_t created_us,
                                 uint64_t created_serial) {
    entry.created_us = created_us;
    entry.created_serial = created_serial;
    entry.entity_id = make_entity_id(node, entry.pid, created_us, created_serial);
}

std::optional<uint32_t> ProcessTable::host_id(const std::string& host) const {
    const auto it = host_ids_.find(host);
    if (it == host_ids_.end()) return std::nullopt;
    return it->second;
}

ProcessTable::Index::iterator ProcessTable::find_slot(Key key) {
    ++index_lookups_;
    return index_.find(key);
}

const Entry* ProcessTable::find_key(Key key) const {
    ++index_lookups_;
    const auto it = index_.find(key);
    return it == index_.end() ? nullptr : &*it->second.at;
}

const Entry* ProcessTable::find(const std::string& host, int64_t pid) const {
    const auto id = host_id(host);
    return id ? find_key(Key{*id, pid}) : nullptr;
}

ProcessTable::Lookup ProcessTable::touch(Key key) {
    const auto it = find_slot(key);
    if (it != index_.end()) {
        Lru& lru = it->second.bucket->lru;
        lru.splice(lru.begin(), lru, it->second.at);
    }
    return Lookup{it, index_generation_};
}

Entry* ProcessTable::entry_of(const Lookup& found) const {
    return found.slot == index_.end() ? nullptr : &*found.slot->second.at;
}

std::size_t ProcessTable::bytes_of(const Entry& entry) const {
    constexpr std::size_t kNodes = 64;  // list node links + hash node + bucket, about
    return sizeof(Entry) + kNodes + heap_bytes_of(entry.entity_id);
}

Entry& ProcessTable::create(Key key, uint32_t owner, bool unconfirmed) {
    const uint32_t bucket_id = unconfirmed ? kUnconfirmedOwner : owner;
    Owner& bucket = owners_[bucket_id];
    bucket.lru.emplace_front();
    Entry& entry = bucket.lru.front();
    entry.host = key.host;
    entry.pid = key.pid;
    entry.owner = owner;
    entry.unconfirmed = unconfirmed;
    index_.emplace(key, Slot{&bucket, bucket.lru.begin()});
    ++index_generation_;
    ++entries_;
    if (unconfirmed) track_unconfirmed(key);
    return entry;
}

Entry& ProcessTable::renew(Index::iterator slot, uint32_t owner, bool unconfirmed) {
    // What erase() then create() do, step for step, including when the owner's bucket is
    // erased and made again: the order owners_ is iterated in breaks eviction ties.
    const Key key = slot->first;
    const Lru::iterator at = slot->second.at;
    Entry& entry = *at;
    const uint32_t old_bucket_id = bucket_id_of(entry);
    Owner& old_bucket = *slot->second.bucket;
    set_image(entry, nullptr);
    const std::size_t own = bytes_of(entry);
    bytes_ -= own;
    old_bucket.bytes -= own + entry.user_id.charge() + entry.group_id.charge();
    if (entry.unconfirmed) --unconfirmed_;
    Lru moving;  // holds the node while its old bucket may be erased
    moving.splice(moving.begin(), old_bucket.lru, at);
    if (old_bucket.lru.empty()) owners_.erase(old_bucket_id);
    const uint32_t bucket_id = unconfirmed ? kUnconfirmedOwner : owner;
    Owner& bucket = owners_[bucket_id];
    bucket.lru.splice(bucket.lru.begin(), moving, at);
    entry = Entry{};  // a new life keeps nothing of the old one (strings as a fresh entry's)
    entry.host = key.host;
    entry.pid = key.pid;
    entry.owner = owner;
    entry.unconfirmed = unconfirmed;
    slot->second.bucket = &bucket;
    if (unconfirmed) track_unconfirmed(key);
    return entry;
}

void ProcessTable::track_unconfirmed(Key key) {
    ++unconfirmed_;
    unconfirmed_order_.push_back(key);
    // Confirmed children (posix_spawn uses clone3 too) leave their keys behind: compact once
    // they are half, so the queue stays within twice the cap.
    if (unconfirmed_order_.size() > 2 * options_.max_unconfirmed + 16) {
        std::erase_if(unconfirmed_order_, [this](Key waiting) {
            const Entry* found = find_key(waiting);
            return found == nullptr || !found->unconfirmed;
        });
    }
}

uint32_t ProcessTable::bucket_id_of(const Entry& entry) {
    return entry.unconfirmed ? kUnconfirmedOwner : entry.owner;
}

ProcessTable::Owner& ProcessTable::bucket_of(const Entry& entry) {
    return owners_[bucket_id_of(entry)];
}

std::size_t ProcessTable::charged(const Entry& entry) const {
    return bytes_of(entry) + entry.user_id.charge() + entry.group_id.charge() +
           (entry.image ? image_bytes(*entry.image) + entry.image->text_bytes() : 0);
}

// A new entry's own bytes and, in its bucket, its ids' (its image's: set_image).
void ProcessTable::account(Entry& entry) {
    const std::size_t own = bytes_of(entry);
    bytes_ += own;
    bucket_of(entry).bytes += own + entry.user_id.charge() + entry.group_id.charge();
}

void ProcessTable::name_ids(Entry& entry, const ecs::ProcessImage& from) {
    entry.user_id = texts_.intern(text_of(from.user.id));
    entry.group_id = texts_.intern(text_of(from.group.id));
}

void ProcessTable::set_ids(Entry& entry, const ecs::ProcessImage& from) {
    // Most execs keep the ids the process had (from its fork): nothing to look up or charge.
    if (entry.user_id.str() == text_of(from.user.id) &&
        entry.group_id.str() == text_of(from.group.id)) {
        return;
    }
    Owner& bucket = bucket_of(entry);
    bucket.bytes -= entry.user_id.charge() + entry.group_id.charge();
    name_ids(entry, from);
    bucket.bytes += entry.user_id.charge() + entry.group_id.charge();
}

void ProcessTable::set_image(Entry& entry, std::shared_ptr<const Image> image) {
    Owner& bucket = bucket_of(entry);
    if (entry.image) {
        const std::size_t old_bytes = image_bytes(*entry.image);
        // Only entries hold images, so a use count of one means this entry is the last holder.
        if (entry.image.use_count() == 1) bytes_ -= old_bytes;
        bucket.bytes -= old_bytes + entry.image->text_bytes();
    }
    if (image) {
        const std::size_t new_bytes = image_bytes(*image);
        if (image.use_count() == 1) bytes_ += new_bytes;  // a new image: nobody else holds it
        bucket.bytes += new_bytes + image->text_bytes();
    }
    entry.image = std::move(image);
}

void ProcessTable::erase(Key key) {
    const auto it = find_slot(key);
    if (it == index_.end()) return;
    Owner& bucket = *it->second.bucket;
    Entry& entry = *it->second.at;
    const uint32_t bucket_id = bucket_id_of(entry);
    set_image(entry, nullptr);
    const std::size_t own = bytes_of(entry);
    bytes_ -= own;
    bucket.bytes -= own + entry.user_id.charge() + entry.group_id.charge();
    if (entry.unconfirmed) --unconfirmed_;
    bucket.lru.erase(it->second.at);
    index_.erase(it);
    ++index_generation_;
    // Owners come from the records' uids, which a crafted log may vary without end.
    if (bucket.lru.empty()) owners_.erase(bucket_id);
    --entries_;
}

std::shared_ptr<const Image> ProcessTable::make_image(const ecs::ProcessImage& from,
                                                      ImageSource source) {
    auto image = std::make_shared<Image>();
    image->name = texts_.intern(text_of(from.name));
    image->executable = texts_.intern(text_of(from.executable));
    image->working_directory = texts_.intern(text_of(from.working_directory));
    image->start_us = from.start_us.value_or(0);
    image->has_start = from.start_us.has_value();
    image->source = source;
    if (from.args) {
        image->has_args = true;
        image->args_count = static_cast<uint32_t>(from.args_count().value_or(0));
        image->args_truncated = from.args_truncated;
        // First how much of each arg fits, from the sizes alone, so that both buffers are
        // allocated once at their final size (this runs for every exec).
        std::size_t kept_args = 0;
        std::size_t line_size = 0;
        bool cut = false;
        for (const std::string& arg : *from.args) {
            const std::size_t separator = kept_args == 0 ? 0 : 1;
            if (line_size + separator >= kMaxImageArgBytes) {
                cut = true;
                break;
            }
            const std::size_t room = kMaxImageArgBytes - line_size - separator;
            line_size += separator + std::min(arg.size(), room);
            ++kept_args;
            if (arg.size() > room) {
                cut = true;
                break;
            }
        }
        image->command_line.reserve(line_size);
        static_assert(kMaxImageArgBytes <= std::numeric_limits<uint16_t>::max(),
                      "a kept arg's length must fit an element of arg_lengths");
        image->arg_lengths.reserve(kept_args);
        for (std::size_t i = 0; i < kept_args; ++i) {
            const std::string& arg = (*from.args)[i];
            if (i > 0) image->command_line += ' ';
            const std::size_t take = std::min(arg.size(), line_size - image->command_line.size());
            image->command_line.append(arg, 0, take);
            image->arg_lengths.push_back(static_cast<uint16_t>(take));
        }
        image->args_truncated = image->args_truncated || cut;
        if (image->args_truncated) ++stats_.capped_images;
        image->command_line.shrink_to_fit();
    }
    return image;
}

void ProcessTable::evict_one(bool by_bytes, const Entry* keep) {
    // Threads-to-be first: a clone3 child never seen again costs nothing to forget.
    if (by_bytes && unconfirmed_ > 0 && drop_oldest_unconfirmed(keep)) return;
    Owner* heaviest = nullptr;
    for (auto& [uid, bucket] : owners_) {
        if (bucket.lru.empty() || uid == kUnconfirmedOwner) continue;
        if (bucket.lru.size() == 1 && &bucket.lru.front() == keep) continue;
        const bool heavier =
            heaviest == nullptr ||
            (by_bytes ? bucket.bytes > heaviest->bytes : bucket.lru.size() > heaviest->lru.size());
        if (heavier) heaviest = &bucket;
    }
    if (heaviest == nullptr) return;
    const Entry& victim =
        &heaviest->lru.back() == keep ? *std::prev(heaviest->lru.end(), 2) : heaviest->lru.back();
    const Key key{victim.host, victim.pid};
    if (!victim.exited) remember_evicted(key);
    erase(key);
    ++stats_.evictions;
}

bool ProcessTable::drop_oldest_unconfirmed(const Entry* keep) {
    while (!unconfirmed_order_.empty()) {
        const Key key = unconfirmed_order_.front();
        unconfirmed_order_.pop_front();
        const Entry* entry = find_key(key);
        if (entry == nullptr || !entry->unconfirmed) continue;  // confirmed or gone since
        if (entry == keep) {
            unconfirmed_order_.push_back(key);
            return false;
        }
        erase(key);
        ++stats_.unconfirmed_dropped;
        return true;
    }
    return false;
}

void ProcessTable::remember_evicted(Key key) {
    if (evicted_.insert(key).second) evicted_order_.push_back(key);
    while (evicted_order_.size() > kEvictedMemory) {
        evicted_.erase(evicted_order_.front());
        evicted_order_.pop_front();
    }
}

void ProcessTable::enforce_limits(const Entry* keep) {
    while (unconfirmed_ > options_.max_unconfirmed && drop_oldest_unconfirmed(keep)) {
    }
    while (entries_ - unconfirmed_ > options_.max_entries) {
        const std::size_t before = entries_;
        evict_one(false, keep);
        if (entries_ == before) break;
    }
    while (bytes_ + texts_.bytes() > options_.max_bytes && entries_ > 1) {
        const std::size_t before = entries_;
        evict_one(true, keep);
        if (entries_ == before) break;
    }
}

void ProcessTable::set_limits(std::size_t max_entries, std::size_t max_bytes) {
    options_.max_entries = std::max<std::size_t>(max_entries, 1);
    options_.max_bytes = max_bytes;
    enforce_limits(nullptr);
}

bool ProcessTable::rename_host(const std::string& from, const std::string& to) {
    if (from == to) return true;
    if (host_ids_.count(to) != 0) return false;
    const auto old = host_ids_.find(from);
    if (old == host_ids_.end()) return true;  // no process of it yet
    // Entries hold the interned number, not the name: only the name -> number map changes. Its
    // size stays the same, so intern() still hands out numbers no host has.
    const uint32_t id = old->second;
    host_ids_.erase(old);
    host_ids_.emplace(to, id);
    return true;
}

void ProcessTable::expire_exited() {
    // Exited entries count against max_entries, so more pending exits than that means some were
    // evicted or replaced since: the oldest go early rather than the list growing.
    while (!exits_.empty() && (exits_.front().exited_us + options_.exit_grace_us < now_us_ ||
                               exits_.size() > options_.max_entries)) {
        const PendingExit gone = exits_.front();
        exits_.pop_front();
        const Entry* entry = find_key(gone.key);
        // Only the life that exited: the pid may have been forked again since.
        if (entry != nullptr && entry->exited && entry->created_serial == gone.created_serial) {
            erase(gone.key);
        }
    }
}

void ProcessTable::confirm(Entry& entry) {
    if (!entry.unconfirmed) return;
    const auto slot = find_slot(Key{entry.host, entry.pid});
    Owner& from = *slot->second.bucket;
    Owner& to = owners_[entry.owner];
    const std::size_t bytes = charged(entry);
    from.bytes -= bytes;
    to.bytes += bytes;
    to.lru.splice(to.lru.begin(), from.lru, slot->second.at);
    slot->second.bucket = &to;
    entry.unconfirmed = false;
    --unconfirmed_;
}

Entry& ProcessTable::new_instance(Key key, Lookup found, const ecs::Event& event, uint32_t owner,
                                  bool unconfirmed) {
    const auto slot =
        found.generation == index_generation_ ? found.slot : find_slot(key);  // stale: look again
    const bool reused = slot != index_.end();
    if (reused) ++stats_.reused_pids;
    Entry& entry = reused ? renew(slot, owner, unconfirmed) : create(key, owner, unconfirmed);
    name_instance(entry, event.node, event.timestamp_us, event.sequence);
    return entry;
}

void ProcessTable::fill_parent(ecs::Event& event, uint32_t host) {
    if (!event.parent.pid) {
        event.auditd.parent_context = "missing";
        return;
    }
    const Key key{host, *event.parent.pid};
    Entry* parent = entry_of(touch(key));
    if (parent != nullptr) {
        ++stats_.hits;
        if (parent->exited) ++stats_.exited_parents;
        confirm(*parent);  // a ppid is a process, never a thread
    } else {
        ++stats_.misses;
        if (live_ != nullptr && !evicted_.contains(key)) {
            if (auto image = live_->read(key.pid)) {
                ++stats_.live_reads;
                parent = &seed_entry(key, *image, std::nullopt, event.node);
            }
        }
        if (parent == nullptr) {
            event.auditd.parent_context = "missing";
            return;
        }
    }
    parent->write_to(event.parent);
    event.parent.entity_id = parent->entity_id;
    event.auditd.parent_context =
        context_name(parent->image ? parent->image->source : ImageSource::Syscall);
}

Entry& ProcessTable::seed_entry(Key key, const ecs::ProcessImage& image,
                                std::optional<int64_t> ppid, const std::string& node) {
    if (find_key(key) != nullptr) erase(key);
    Entry& entry = create(key, owner_of(image), false);
    name_instance(entry, node, image.start_us.value_or(0), 0);
    entry.ppid = ppid;
    name_ids(entry, image);
    entry.interactive = image.interactive;
    account(entry);
    set_image(entry, make_image(image, ImageSource::Proc));
    enforce_limits(&entry);
    return entry;
}

Entry* ProcessTable::note_actor(const ecs::Event& event, uint32_t host, int64_t pid,
                                const ecs::ProcessImage& seen) {
    const Key key{host, pid};
    const Lookup found = touch(key);
    Entry* entry = entry_of(found);
    if (entry != nullptr) {
        confirm(*entry);
        const bool only_syscall = entry->image && entry->image->source == ImageSource::Syscall;
        // A process known only from its records: the latest record that names it wins.
        if (only_syscall && (entry->image->name.str() != seen.name.value_or("") ||
                             entry->image->executable.str() != seen.executable.value_or(""))) {
            set_image(*entry, make_image(seen, ImageSource::Syscall));
            ++stats_.syscall_images;
        }
        return entry;
    }
    if (!seen.name && !seen.executable) return nullptr;
    Entry& created = new_instance(key, found, event, owner_of(seen), false);
    created.ppid = event.parent.pid;
    name_ids(created, seen);
    created.interactive = seen.interactive;
    account(created);
    ecs::ProcessImage program;
    program.name = seen.name;
    program.executable = seen.executable;
    set_image(created, make_image(program, ImageSource::Syscall));
    ++stats_.syscall_images;
    enforce_limits(&created);
    return find_key(key) != nullptr ? &created : nullptr;
}

void ProcessTable::apply(ecs::Event& event) {
    now_us_ = std::max(now_us_, event.timestamp_us);
    expire_exited();
    const uint32_t host = intern(host_of(event));
    if (!event.process.pid) {
        fill_parent(event, host);
        return;
    }
    switch (event.action) {
        case ecs::Action::Exec:
            apply_exec(event, host);
            break;
        case ecs::Action::Fork:
            apply_fork(event, host);
            break;
        default:
            apply_other(event, host);
            break;
    }
}

void ProcessTable::apply_exec(ecs::Event& event, uint32_t host) {
    fill_parent(event, host);
    const Key key{host, *event.process.pid};
    const Lookup found = touch(key);
    Entry* entry = entry_of(found);
    if (event.outcome == "failure") {
        // A failed exec changed nothing: the caller is still what it was.
        if (entry != nullptr) event.process.entity_id = entry->entity_id;
        return;
    }
    const std::optional<int64_t> ppid = event.parent.pid;
    // The same process execs again in place (bash -c's last command, env, exec): same parent,
    // or one created by a fork seen in the log (its parent may have exited since: re-parented).
    // Anything else is a new life of the pid whose end was not seen.
    const bool same = entry != nullptr && !entry->exited &&
                      (entry->forked || !entry->ppid || !ppid || entry->ppid == ppid);
    if (same && entry->last_exec_serial > event.sequence) {
        // Two execs of one process come in serial order from any kernel; a log that says
        // otherwise (merged or replayed files) must not roll the image back.
        ++stats_.stale_updates;
        event.process.entity_id = entry->entity_id;
        return;
    }
    if (!same) {
        entry = &new_instance(key, found, event, owner_of(event.process), false);
        name_ids(*entry, event.process);
        account(*entry);
    }
    confirm(*entry);
    entry->ppid = ppid ? ppid : entry->ppid;
    entry->last_exec_us = event.timestamp_us;
    entry->last_exec_serial = event.sequence;
    set_ids(*entry, event.process);
    entry->interactive = event.process.interactive;
    set_image(*entry, make_image(event.process, ImageSource::Exec));
    event.process.entity_id = entry->entity_id;
    enforce_limits(entry);
}

void ProcessTable::apply_fork(ecs::Event& event, uint32_t host) {
    // The builder put the forking process's own comm= and exe= in process.*: what the table
    // knows of the forker when it never exec'd in the log.
    const ecs::ProcessImage seen = event.process;
    if (event.parent.pid) note_actor(event, host, *event.parent.pid, seen);
    fill_parent(event, host);
    const Key key{host, *event.process.pid};
    const Entry* forker = event.parent.pid ? find_key(Key{host, *event.parent.pid}) : nullptr;
    const Lookup found = touch(key);
    Entry* child = entry_of(found);
    if (child != nullptr && !child->exited && child->ppid == event.parent.pid &&
        child->last_exec_us && *child->last_exec_us >= event.timestamp_us) {
        // A vfork (dash, posix_spawn): the parent returns only after the child's exec, so its
        // fork record comes after the exec it made possible, with an earlier time. The exec is
        // newer: keep it.
        ++stats_.late_forks;
        child->forked = true;
        if (forker != nullptr) forker->write_program_to(event.process);
        event.process.entity_id = child->entity_id;
        return;
    }
    // clone3's record has no flags: a thread looks like a process until its id shows up as pid=.
    const bool maybe_thread = event.auditd.syscall == "clone3";
    Entry& created = new_instance(key, found, event, owner_of(seen), maybe_thread);
    created.forked = true;
    created.ppid = event.parent.pid;
    name_ids(created, seen);
    created.interactive = seen.interactive;
    account(created);
    forker = event.parent.pid ? find_key(Key{host, *event.parent.pid}) : nullptr;
    set_image(created, forker != nullptr ? forker->image : make_image(seen, ImageSource::Syscall));
    // The child runs its parent's image until it execs.
    created.write_program_to(event.process);
    event.process.entity_id = created.entity_id;
    enforce_limits(&created);
}

void ProcessTable::apply_other(ecs::Event& event, uint32_t host) {
    const int64_t pid = *event.process.pid;
    Entry* self = note_actor(event, host, pid, event.process);
    if (self != nullptr) {
        self->write_program_to(event.process);
        event.process.entity_id = self->entity_id;
    }
    fill_parent(event, host);
    if (event.action != ecs::Action::End || self == nullptr || self->exited) return;
    // exit_group is logged as the exit starts; children still exec with this ppid until the
    // kernel re-parents them, so the entry stays for a grace period.
    self->exited = true;
    exits_.push_back(PendingExit{Key{host, pid}, self->created_serial, event.timestamp_us});
}

void ProcessTable::seed(const std::string& host, const ecs::ProcessImage& image,
                        std::optional<int64_t> ppid) {
    if (!image.pid) return;
    seed_entry(Key{intern(host), *image.pid}, image, ppid, "");
}

std::vector<const Entry*> ProcessTable::ancestors(const std::string& host, int64_t pid,
                                                  std::size_t max_hops) const {
    std::vector<const Entry*> chain;
    const auto id = host_id(host);
    if (!id) return chain;
    std::unordered_set<int64_t> seen{pid};
    const Entry* current = find_key(Key{*id, pid});
    while (current != nullptr && current->ppid && chain.size() < max_hops) {
        if (!seen.insert(*current->ppid).second) break;  // a loop made by pid reuse
        current = find_key(Key{*id, *current->ppid});
        if (current != nullptr) chain.push_back(current);
    }
    return chain;
}

TableStats ProcessTable::stats() const {
    TableStats out = stats_;
    out.size = entries_;
    out.unconfirmed = unconfirmed_;
    out.bytes = bytes_ + texts_.bytes();
    out.index_lookups = index_lookups_;
    return out;
}

std::size_t ProcessTable::recount_bytes() const {
    std::size_t total = 0;
    std::unordered_set<const Image*> images;
    std::unordered_set<const void*> texts;
    const auto count_text = [&total, &texts](const SharedText& text) {
        if (!text.empty() && texts.insert(text.identity()).second) total += text.charge();
    };
    for (const auto& [uid, bucket] : owners_) {
        for (const Entry& entry : bucket.lru) {
            total += bytes_of(entry);
            count_text(entry.user_id);
            count_text(entry.group_id);
            if (entry.image && images.insert(entry.image.get()).second) {
                total += image_bytes(*entry.image);
                count_text(entry.image->name);
                count_text(entry.image->executable);
                count_text(entry.image->working_directory);
            }
        }
    }
    return total;
}

bool ProcessTable::index_consistent() const {
    std::size_t listed = 0;
    for (const auto& [id, bucket] : owners_) {
        for (auto at = bucket.lru.begin(); at != bucket.lru.end(); ++at) {
            const auto slot = index_.find(Key{at->host, at->pid});  // not counted in stats
            if (bucket_id_of(*at) != id || slot == index_.end() || slot->second.at != at ||
                slot->second.bucket != &bucket) {
                return false;
            }
            ++listed;
        }
    }
    return listed == index_.size();
}

}  // namespace process
