#pragma once
// Message: a pooled, reference-counted byte buffer — the unit that crosses threads.
//
// Any thread may create, copy or destroy a Message; copies share the same bytes
// (a broadcast hands one buffer to every recipient). Contents are writable only
// while a single handle refers to them (before the Message is sent or shared).
// Buffers come from a process-wide pool of power-of-two size classes, so steady
// traffic allocates nothing after warm-up.

#include <cstddef>
#include <span>
#include <string_view>

namespace tickwire::net {

namespace detail {
struct Block;
struct MessageAccess;  // net internals: hand a raw reference across a lock-free queue
}

class Message {
public:
    Message() noexcept = default;

    /// A message of `size` bytes, contents uninitialised, ready to be written
    /// through writable(). Never fails except on out-of-memory.
    static Message allocate(std::size_t size);
    /// A message holding a copy of `bytes`.
    static Message copy_of(std::span<const std::byte> bytes);
    static Message copy_of(std::string_view text);

    Message(const Message& other) noexcept;
    Message& operator=(const Message& other) noexcept;
    Message(Message&& other) noexcept;
    Message& operator=(Message&& other) noexcept;
    ~Message();

    [[nodiscard]] std::span<const std::byte> bytes() const noexcept;
    [[nodiscard]] std::string_view text() const noexcept;  ///< bytes viewed as chars
    [[nodiscard]] const std::byte* data() const noexcept;
    [[nodiscard]] std::size_t size() const noexcept;
    [[nodiscard]] bool empty() const noexcept { return size() == 0; }
    [[nodiscard]] std::size_t capacity() const noexcept;
    [[nodiscard]] bool unique() const noexcept;

    /// Writable view; only valid while unique() (before sending or copying).
    [[nodiscard]] std::span<std::byte> writable() noexcept;
    /// Shrink or grow within capacity(); returns false if `size` > capacity().
    bool resize(std::size_t size) noexcept;

    /// Drop this handle (returns the buffer to the pool if it was the last).
    void reset() noexcept;
    explicit operator bool() const noexcept { return block_ != nullptr; }

private:
    friend struct detail::MessageAccess;
    explicit Message(detail::Block* block) noexcept : block_(block) {}
    detail::Block* block_ = nullptr;
};

/// Counters of the process-wide buffer pool (any thread).
struct BufferPoolStats {
    std::size_t heap_allocations = 0;  ///< blocks ever obtained from the heap
    std::size_t reused = 0;            ///< blocks served from the pool
    std::size_t cached = 0;            ///< blocks currently idle in the pool
    std::size_t in_use = 0;            ///< blocks held by live Messages and queues right now
};
BufferPoolStats buffer_pool_stats() noexcept;

}  // namespace tickwire::net
