#include "tickwire/net/message.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <new>
#include <utility>

#include "block.hpp"
#include "block_free_list.hpp"

namespace tickwire::net {
namespace detail {
namespace {

// Size classes are powers of two from 64 B to 4 MiB. Each keeps a bounded,
// lock-free free list: blocks are released on whichever thread drops the last
// reference (often the network thread after a write) and reused on another.
constexpr unsigned kMinShift = 6;
constexpr unsigned kMaxShift = 22;
constexpr unsigned kClassCount = kMaxShift - kMinShift + 1;
// Each class caches at most this many bytes (and at most 4096 blocks), so a burst
// of huge messages cannot pin unbounded memory.
constexpr std::size_t kCacheBytesPerClass = 16u << 20;

std::size_t class_bytes(unsigned cls) { return std::size_t{1} << (cls + kMinShift); }

class BlockPool {
public:
    BlockPool() {
        for (unsigned cls = 0; cls < kClassCount; ++cls) {
            const std::size_t limit = std::clamp<std::size_t>(kCacheBytesPerClass / class_bytes(cls), 4, 4096);
            free_[cls] = new BlockFreeList(limit);
        }
    }

    Block* acquire(std::size_t size) {
        const unsigned cls = size_class_for(size);
        Block* block = nullptr;
        if (cls < kClassCount && (block = free_[cls]->try_pop()) != nullptr) {
            reused_.fetch_add(1, std::memory_order_relaxed);
            cached_.fetch_sub(1, std::memory_order_relaxed);
            block->refs.store(1, std::memory_order_relaxed);
            block->size = static_cast<std::uint32_t>(size);
            return block;
        }
        const std::size_t capacity = cls < kClassCount ? class_bytes(cls) : size;
        void* memory = ::operator new(sizeof(Block) + capacity, std::align_val_t{alignof(Block)});
        heap_allocations_.fetch_add(1, std::memory_order_relaxed);
        block = new (memory) Block;
        block->size = static_cast<std::uint32_t>(size);
        block->capacity = static_cast<std::uint32_t>(capacity);
        block->size_class = cls < kClassCount ? static_cast<std::uint8_t>(cls) : Block::kUnpooled;
        return block;
    }

    void recycle(Block* block) noexcept {
        if (block->size_class != Block::kUnpooled && free_[block->size_class]->try_push(block)) {
            cached_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        freed_.fetch_add(1, std::memory_order_relaxed);  // rare: unpooled or its class's cache is full
        block->~Block();
        ::operator delete(block, std::align_val_t{alignof(Block)});
    }

    BufferPoolStats stats() const noexcept {
        // size_t is 32 bits on wasm32: the counters are 64-bit, so narrow explicitly.
        const auto heap = heap_allocations_.load(std::memory_order_relaxed);
        const auto freed = freed_.load(std::memory_order_relaxed);
        const auto cached = static_cast<std::uint64_t>(std::max<std::int64_t>(0, cached_.load(std::memory_order_relaxed)));
        // Every block from the heap is in use, idle in the pool, or freed: no
        // counter on the per-message path beyond those the pool keeps anyway.
        const std::uint64_t in_use = heap > cached + freed ? heap - cached - freed : 0;
        return {static_cast<std::size_t>(heap), static_cast<std::size_t>(reused_.load(std::memory_order_relaxed)),
                static_cast<std::size_t>(cached), static_cast<std::size_t>(in_use)};
    }

private:
    static unsigned size_class_for(std::size_t size) {
        if (size > class_bytes(kClassCount - 1)) return kClassCount;
        const unsigned shift = std::max<unsigned>(kMinShift, std::bit_width(std::max<std::size_t>(size, 1) - 1));
        return shift - kMinShift;
    }

    std::array<BlockFreeList*, kClassCount> free_{};
    std::atomic<std::uint64_t> heap_allocations_{0}, reused_{0}, freed_{0};
    std::atomic<std::int64_t> cached_{0};
};

// Deliberately never destroyed: Messages may be released during static
// destruction, and the cached blocks stay reachable (no leak report).
BlockPool& pool() {
    static BlockPool* instance = new BlockPool;
    return *instance;
}

}  // namespace

Block* acquire_block(std::size_t size) { return pool().acquire(size); }

void release_block(Block* block) noexcept {
    if (block->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) pool().recycle(block);
}

}  // namespace detail

Message Message::allocate(std::size_t size) { return Message(detail::acquire_block(size)); }

Message Message::copy_of(std::span<const std::byte> bytes) {
    Message message = allocate(bytes.size());
    if (!bytes.empty()) std::memcpy(message.block_->bytes(), bytes.data(), bytes.size());
    return message;
}

Message Message::copy_of(std::string_view text) { return copy_of(std::as_bytes(std::span(text.data(), text.size()))); }

Message::Message(const Message& other) noexcept : block_(other.block_) {
    if (block_) detail::add_ref(block_);
}

Message& Message::operator=(const Message& other) noexcept {
    if (this != &other) {
        if (other.block_) detail::add_ref(other.block_);
        reset();
        block_ = other.block_;
    }
    return *this;
}

Message::Message(Message&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }

Message& Message::operator=(Message&& other) noexcept {
    if (this != &other) {
        reset();
        block_ = other.block_;
        other.block_ = nullptr;
    }
    return *this;
}

Message::~Message() { reset(); }

std::span<const std::byte> Message::bytes() const noexcept {
    return block_ ? std::span<const std::byte>(block_->bytes(), block_->size) : std::span<const std::byte>();
}

std::string_view Message::text() const noexcept {
    return block_ ? std::string_view(reinterpret_cast<const char*>(block_->bytes()), block_->size) : std::string_view();
}

const std::byte* Message::data() const noexcept { return block_ ? block_->bytes() : nullptr; }
std::size_t Message::size() const noexcept { return block_ ? block_->size : 0; }
std::size_t Message::capacity() const noexcept { return block_ ? block_->capacity : 0; }

bool Message::unique() const noexcept { return block_ && block_->refs.load(std::memory_order_acquire) == 1; }

std::span<std::byte> Message::writable() noexcept {
    return block_ ? std::span<std::byte>(block_->bytes(), block_->size) : std::span<std::byte>();
}

bool Message::resize(std::size_t size) noexcept {
    if (!block_ || size > block_->capacity) return false;
    block_->size = static_cast<std::uint32_t>(size);
    return true;
}

void Message::reset() noexcept {
    if (block_) detail::release_block(std::exchange(block_, nullptr));
}

BufferPoolStats buffer_pool_stats() noexcept { return detail::pool().stats(); }

}  // namespace tickwire::net
