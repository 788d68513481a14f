#pragma once
// The storage behind a Message: a header followed by the bytes, from the pool.
// Wire of ownership: `refs` counts Message handles (and raw references parked in
// lock-free queues); the last release returns the block to its size class.

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace tickwire::net::detail {

struct alignas(16) Block {
    std::atomic<std::uint32_t> refs{1};
    std::uint32_t size = 0;
    std::uint32_t capacity = 0;
    std::uint8_t size_class = 0;  ///< kUnpooled for blocks larger than the biggest class

    static constexpr std::uint8_t kUnpooled = 0xff;

    std::byte* bytes() noexcept { return reinterpret_cast<std::byte*>(this + 1); }
    const std::byte* bytes() const noexcept { return reinterpret_cast<const std::byte*>(this + 1); }
};

/// Any thread. Returns a block with refs == 1 and size == `size`.
Block* acquire_block(std::size_t size);
/// Any thread. Drops one reference; the last one recycles the block.
void release_block(Block* block) noexcept;

inline void add_ref(Block* block) noexcept { block->refs.fetch_add(1, std::memory_order_relaxed); }

}  // namespace tickwire::net::detail
