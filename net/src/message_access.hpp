#pragma once
// MessageAccess: how net internals pass a Message through a lock-free queue as
// a raw Block* (the queues hold trivially copyable items) and take it back.
// Not part of the public API: games only ever hold Message handles.
//
// Thread: any; the reference moves with the pointer.

#include <utility>

#include "block.hpp"
#include "tickwire/net/message.hpp"

namespace tickwire::net::detail {

struct MessageAccess {
    static Block* take(Message& message) noexcept { return std::exchange(message.block_, nullptr); }
    static Message adopt(Block* block) noexcept { return Message(block); }
};

/// Gives up the handle's reference as a raw pointer (null for an empty message).
inline Block* take_block(Message& message) noexcept { return MessageAccess::take(message); }
inline Block* take_block(Message&& message) noexcept { return MessageAccess::take(message); }
/// Takes over a reference produced by take_block().
inline Message adopt_block(Block* block) noexcept { return MessageAccess::adopt(block); }

}  // namespace tickwire::net::detail
