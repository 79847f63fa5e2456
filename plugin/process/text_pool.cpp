#include "process/text_pool.hpp"

#include <functional>
#include <utility>

namespace process {

void SharedText::drop_last() noexcept { node_->pool->release(*node_); }

const std::string& SharedText::empty_text() {
    static const std::string kEmpty;
    return kEmpty;
}

std::size_t TextPool::charge_of(const std::string& text) {
    // libstdc++ keeps a set node as {next, element, cached hash}, and one bucket slot a node.
    constexpr std::size_t kNodeLinks = 2 * sizeof(void*) + sizeof(std::size_t);
    const std::size_t heap = text.capacity() > std::string().capacity() ? text.capacity() + 1 : 0;
    return sizeof(detail::PooledText) + kNodeLinks + heap;
}

std::size_t TextPool::Hash::operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
}

std::size_t TextPool::Hash::operator()(const detail::PooledText& node) const noexcept {
    return std::hash<std::string_view>{}(node.text);
}

SharedText TextPool::intern_looked_up(std::string_view text) {
    auto found = texts_.find(text);
    if (found == texts_.end()) {
        std::string copy(text);
        const std::size_t charge = charge_of(copy);
        found = texts_.insert(detail::PooledText{std::move(copy), 0, charge, this}).first;
        bytes_ += charge;
    }
    const detail::PooledText* node = &*found;
    recent_[recent_slot(text)] = node;
    return SharedText(node);
}

void TextPool::release(const detail::PooledText& node) noexcept {
    const detail::PooledText*& recent = recent_[recent_slot(node.text)];
    if (recent == &node) recent = nullptr;
    bytes_ -= node.charge;
    texts_.erase(texts_.find(std::string_view(node.text)));
}

}  // namespace process
