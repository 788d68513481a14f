#include "input_queue.hpp"

namespace tickwire::game::server {

void InputQueue::offer(const protocol::Frame& frame) {
    // Redundant copies of frames already received are expected; only newer ones count.
    if (frame.sequence() <= newest_sequence_) return;
    newest_sequence_ = frame.sequence();
    frames_.push_back(frame);
}

std::size_t InputQueue::trim() {
    std::size_t dropped = 0;
    while (frames_.size() > kMaxQueuedFrames) {
        frames_.pop_front();
        ++dropped;
    }
    return dropped;
}

InputQueue::Next InputQueue::next() {
    if (!frames_.empty()) {
        Next n{Next::Kind::frame, frames_.front()};
        frames_.pop_front();
        applied_sequence_ = n.frame.sequence();
        ticks_without_input_ = 0;
        return n;
    }
    // A late frame or two is jitter; this long is a client gone quiet (its
    // connection dropped and the session is held for a resume): its ship
    // stops thrusting and firing meanwhile.
    if (++ticks_without_input_ == kHoldTicks) return {Next::Kind::idle, {}};
    return {};
}

}  // namespace tickwire::game::server
