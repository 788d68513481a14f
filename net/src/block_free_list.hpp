#pragma once
// BlockFreeList: a bounded multi-producer/multi-consumer ring of idle blocks
// (Dmitry Vyukov's bounded MPMC queue). Blocks are released on whichever thread
// drops the last reference and reused on another, so the pool needs MPMC.
//
// Why not boost::lockfree::stack: its Treiber-stack pop reads a node's next
// pointer non-atomically while another thread may recycle that node — benign
// in practice but a data race by the C++ memory model, and ThreadSanitizer
// reports it (boostorg/lockfree#22). Here every shared access is an atomic or
// is ordered by one (the cell's sequence number), so TSan stays clean.
//
// Thread: any.

#include <atomic>
#include <bit>
#include <cstddef>
#include <memory>

#include "block.hpp"

namespace tickwire::net::detail {

class BlockFreeList {
public:
    explicit BlockFreeList(std::size_t capacity)
        : mask_(std::bit_ceil(capacity) - 1), cells_(std::make_unique<Cell[]>(mask_ + 1)) {
        for (std::size_t i = 0; i <= mask_; ++i) cells_[i].sequence.store(i, std::memory_order_relaxed);
    }

    BlockFreeList(const BlockFreeList&) = delete;
    BlockFreeList& operator=(const BlockFreeList&) = delete;

    /// False when full (the caller frees the block instead).
    [[nodiscard]] bool try_push(Block* block) noexcept {
        std::size_t position = tail_.load(std::memory_order_relaxed);
        for (;;) {
            Cell& cell = cells_[position & mask_];
            const std::size_t sequence = cell.sequence.load(std::memory_order_acquire);
            const auto difference = static_cast<std::ptrdiff_t>(sequence) - static_cast<std::ptrdiff_t>(position);
            if (difference == 0) {
                if (tail_.compare_exchange_weak(position, position + 1, std::memory_order_relaxed)) {
                    cell.block = block;
                    cell.sequence.store(position + 1, std::memory_order_release);
                    return true;
                }
            } else if (difference < 0) {
                return false;  // full
            } else {
                position = tail_.load(std::memory_order_relaxed);
            }
        }
    }

    /// Null when empty.
    [[nodiscard]] Block* try_pop() noexcept {
        std::size_t position = head_.load(std::memory_order_relaxed);
        for (;;) {
            Cell& cell = cells_[position & mask_];
            const std::size_t sequence = cell.sequence.load(std::memory_order_acquire);
            const auto difference =
                static_cast<std::ptrdiff_t>(sequence) - static_cast<std::ptrdiff_t>(position + 1);
            if (difference == 0) {
                if (head_.compare_exchange_weak(position, position + 1, std::memory_order_relaxed)) {
                    Block* block = cell.block;
                    cell.sequence.store(position + mask_ + 1, std::memory_order_release);
                    return block;
                }
            } else if (difference < 0) {
                return nullptr;  // empty
            } else {
                position = head_.load(std::memory_order_relaxed);
            }
        }
    }

private:
    struct Cell {
        std::atomic<std::size_t> sequence{0};
        Block* block = nullptr;
    };

    const std::size_t mask_;
    std::unique_ptr<Cell[]> cells_;
    alignas(64) std::atomic<std::size_t> head_{0};  // consumers and producers on separate lines
    alignas(64) std::atomic<std::size_t> tail_{0};
};

}  // namespace tickwire::net::detail
