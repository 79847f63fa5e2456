// Text that repeats across thousands of processes (executables, working directories, program
// names, user and group ids), kept once and shared by count: a host with 32k live processes
// runs them from a few hundred programs and directories, as a handful of users.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>

namespace process {

class TextPool;

namespace detail {
// One text of a pool and how many SharedTexts name it. The count is mutable because the pool's
// set hands out its elements as const (the text, their key, never changes).
struct PooledText {
    std::string text;
    mutable std::size_t refs = 0;
    std::size_t charge = 0;  // TextPool::charge_of(text), read for every holder's accounting
    TextPool* pool = nullptr;
};
}  // namespace detail

// A counted reference to one text of a TextPool, or to none (the empty text). A copy costs a
// count; the last reference gone takes the text out of its pool and gives its bytes back.
// Copies and reads are inline: the table makes several for every exec.
class SharedText {
  public:
    SharedText() = default;
    SharedText(const SharedText& other) noexcept : SharedText(other.node_) {}
    SharedText(SharedText&& other) noexcept : node_(other.node_) { other.node_ = nullptr; }
    SharedText& operator=(const SharedText& other) noexcept {
        if (this != &other) {
            release();
            node_ = other.node_;
            if (node_ != nullptr) ++node_->refs;
        }
        return *this;
    }
    SharedText& operator=(SharedText&& other) noexcept {
        if (this != &other) {
            release();
            node_ = other.node_;
            other.node_ = nullptr;
        }
        return *this;
    }
    ~SharedText() { release(); }

    const std::string& str() const { return node_ != nullptr ? node_->text : empty_text(); }
    bool empty() const { return node_ == nullptr; }
    // The bytes its pool charges for the text (0 for the empty text), whoever holds it.
    std::size_t charge() const { return node_ != nullptr ? node_->charge : 0; }
    // The same for every reference to one pooled text: lets a recount count each text once.
    const void* identity() const { return node_; }

  private:
    friend class TextPool;
    explicit SharedText(const detail::PooledText* node) noexcept : node_(node) {
        if (node_ != nullptr) ++node_->refs;
    }
    void release() noexcept {
        if (node_ != nullptr && --node_->refs == 0) drop_last();
        node_ = nullptr;
    }
    void drop_last() noexcept;  // the count reached 0: out of the pool
    static const std::string& empty_text();

    const detail::PooledText* node_ = nullptr;
};

// The pool. It must outlive every SharedText it handed out (declare it before their holders).
class TextPool {
  public:
    TextPool() = default;
    TextPool(const TextPool&) = delete;
    TextPool& operator=(const TextPool&) = delete;

    // The pooled copy of TEXT (made on first use); the empty text is never pooled. Inline up to
    // the recent text's compare, which most calls end with.
    SharedText intern(std::string_view text) {
        if (text.empty()) return {};
        const detail::PooledText* recent = recent_[recent_slot(text)];
        if (recent != nullptr && recent->text == text) return SharedText(recent);
        return intern_looked_up(text);
    }

    // What the pooled texts hold, each counted once: the sum of charge_of() over them.
    std::size_t bytes() const { return bytes_; }
    std::size_t size() const { return texts_.size(); }
    // The bytes a pooled TEXT holds: its element (string object, count, charge, owner), the
    // set's node links and cached hash, its bucket slot, and its heap beyond the SSO buffer.
    static std::size_t charge_of(const std::string& text);
    // The slot of recently interned texts TEXT takes, from the length and three bytes of TEXT (not
    // empty): cheap, unlike the set's hash of every byte. Texts that share a slot only take it from
    // each other.
    static std::size_t recent_slot(std::string_view text) noexcept {
        const auto byte = [text](std::size_t at) {
            return static_cast<std::size_t>(static_cast<unsigned char>(text[at]));
        };
        const std::size_t size = text.size();
        return (size * 0x9e37 + byte(0) * 0x3b + byte(size / 2) * 0x1f3 + byte(size - 1) * 0x71) %
               kRecentSlots;
    }

  private:
    friend class SharedText;
    void release(const detail::PooledText& node) noexcept;
    SharedText intern_looked_up(std::string_view text);  // the set's look-up, and its insert

    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept;
        std::size_t operator()(const detail::PooledText& node) const noexcept;
    };
    struct Equal {
        using is_transparent = void;
        static std::string_view key(std::string_view text) { return text; }
        static std::string_view key(const detail::PooledText& node) { return node.text; }
        template <typename A, typename B>
        bool operator()(const A& a, const B& b) const noexcept {
            return key(a) == key(b);
        }
    };

    // Node-based: elements stay where they are while others come and go.
    std::unordered_set<detail::PooledText, Hash, Equal> texts_;
    // Recently interned texts by recent_slot(), each checked by a full compare before use: most
    // interns find their text here. release() clears a text's slot before the text goes.
    static constexpr std::size_t kRecentSlots = 256;
    std::array<const detail::PooledText*, kRecentSlots> recent_{};
    std::size_t bytes_ = 0;
};

}  // namespace process
