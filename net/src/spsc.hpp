#pragma once
// The queues between the game thread and the network thread, and what they carry.
//
// Boost.Lockfree's spsc_queue: bounded, wait-free, one producer and one
// consumer, capacity fixed at construction (no allocation afterwards). Items are
// trivially copyable; a Message crosses as a raw Block* whose reference the
// consumer adopts (see message_access.hpp).

#include <atomic>
#include <cstdint>

#include <boost/lockfree/spsc_queue.hpp>

#include "block.hpp"
#include "message_access.hpp"
#include "tickwire/net/events.hpp"

namespace tickwire::net::detail {

template <class T>
using SpscQueue = boost::lockfree::spsc_queue<T>;

/// Game → network command.
struct Command {
    enum class Kind : std::uint8_t { send, send_latest, broadcast, close, publish_http, http_answer };
    Kind kind = Kind::send;
    std::uint16_t code = 0;   ///< close code; http_answer: the HTTP status
    ConnectionId id = 0;      ///< server: target connection; http_answer: the HttpRequestId
    Block* payload = nullptr; ///< message bytes, close reason, http resource or answer
};

/// Network → game event, the raw form of Event / ServerEvent.
struct RawEvent {
    std::uint8_t type = 0;  ///< EventType or ServerEventType
    ErrorKind error = ErrorKind::none;
    std::uint16_t close_code = 0;
    std::uint16_t http_status = 0;
    ConnectionId id = 0;      ///< server: the connection; channel: reconnect attempt
    std::uint32_t delay_ms = 0;  ///< channel reconnecting: retry delay
    Block* message = nullptr;
    Block* detail = nullptr;
};

/// Releases the references a queued item still holds (when a queue is torn down).
inline void release(Command& c) noexcept {
    if (c.payload) release_block(c.payload);
}
inline void release(RawEvent& e) noexcept {
    if (e.message) release_block(e.message);
    if (e.detail) release_block(e.detail);
}

/// Approximate depth for stats, from counters the two threads bump just after
/// each push and pop; popped can briefly lead pushed, hence the clamp at zero.
inline std::size_t queue_depth(const std::atomic<std::uint64_t>& pushed,
                               const std::atomic<std::uint64_t>& popped) noexcept {
    const std::uint64_t out = popped.load(std::memory_order_acquire);
    const std::uint64_t in = pushed.load(std::memory_order_acquire);
    return in > out ? static_cast<std::size_t>(in - out) : 0;
}

/// Drains and releases everything left in a queue (consumer side).
template <class T>
void drain_and_release(SpscQueue<T>& queue) noexcept {
    queue.consume_all([](T item) { release(item); });
}

}  // namespace tickwire::net::detail
