#include "input_queue.hpp"

#include <algorithm>

namespace tickwire::game::server {

namespace {
// Wrap-safe signed distance between two ticks.
std::int32_t ticks_between(std::uint32_t from, std::uint32_t to) noexcept {
    return static_cast<std::int32_t>(to - from);
}
}  // namespace

std::uint64_t InputQueue::view_of(const protocol::Frame& f, std::uint32_t newest_tick, std::uint64_t view_q8) noexcept {
    // Sampled that many ticks before the newest frame; a frame claiming to
    // be newer than the newest (a lie) wraps to "long ago": no view.
    const std::uint64_t back = std::uint64_t{newest_tick - f.tick()} * sim::kTickQ8;
    return back < view_q8 ? view_q8 - back : 0;
}

std::size_t InputQueue::offer(const protocol::Frame& frame, std::uint32_t tick, std::uint64_t view_q8) {
    // Redundant copies of frames already received are expected; only newer ones count.
    if (frame.sequence() <= newest_sequence_) return 0;
    newest_sequence_ = frame.sequence();
    // Far ahead of its time: an honest client keeps a lead of 1-2 ticks (a
    // few more right after its latency dropped); waiting frames are banked
    // input, so they are bounded in time as well as in number.
    if (mode_ == Mode::on_time && ticks_between(tick, frame.tick()) > kMaxLeadTicks) return 1;
    std::size_t dropped = 0;
    if (count_ == kCapacity) {
        if (mode_ == Mode::on_time) return 1;
        pop(1);
        dropped = 1;
    }
    ring_[(head_ + count_) % kCapacity] = {frame, tick, view_q8};
    ++count_;
    return dropped;
}

std::size_t InputQueue::trim() {
    if (mode_ != Mode::fifo) return 0;
    const std::size_t dropped = count_ > kFifoFrames ? count_ - kFifoFrames : 0;
    pop(dropped);
    return dropped;
}

void InputQueue::pop(std::size_t n) noexcept {
    head_ = (head_ + n) % kCapacity;
    count_ -= n;
}

InputQueue::Next InputQueue::next(std::uint32_t tick) {
    // Frames to take: FIFO the oldest; on time every frame whose tick has
    // come (sequence order; the last of them is applied, the others merged).
    std::size_t take = 0;
    if (mode_ == Mode::fifo) {
        take = count_ > 0 ? 1 : 0;
    } else {
        for (std::size_t i = 0; i < count_; ++i) {
            if (ticks_between(tick, at(i).frame.tick()) <= 0) take = i + 1;
        }
    }
    Next n;
    if (take > 0) {
        const Entry& e = at(take - 1);
        n.kind = Next::Kind::frame;
        n.input = protocol::to_input(e.frame);
        n.sequence = e.frame.sequence();
        n.view_q8 = e.view_q8;
        n.wait = std::max(0, ticks_between(e.arrival, tick));
        n.merged = take - 1;
        if (n.input.fire) n.fire_sequence = n.sequence;
        // A shot fired in a merged frame is not lost: the newest one fires now,
        // judged by what its shooter saw then.
        for (std::size_t i = take - 1; i-- > 0 && !n.input.fire;) {
            if (protocol::to_input(at(i).frame).fire) {
                n.input.fire = true;
                n.view_q8 = at(i).view_q8;
                n.fire_sequence = at(i).frame.sequence();
            }
        }
        applied_lead_ = ticks_between(e.arrival, e.frame.tick());
        applied_sequence_ = n.sequence;
        ticks_without_input_ = 0;
        ever_applied_ = true;
        pop(take);
        return n;
    }
    // A late frame or two is jitter; this long is a client gone quiet (its
    // connection dropped and the session is held for a resume): its ship
    // stops thrusting and firing meanwhile.
    if (ticks_without_input_ <= kHoldTicks) ++ticks_without_input_;
    if (ticks_without_input_ == kHoldTicks) return {Next::Kind::idle};
    n.counted_hold = ever_applied_ && ticks_without_input_ < kHoldTicks;
    return n;
}

std::optional<std::int8_t> InputQueue::lead() const noexcept {
    if (mode_ == Mode::fifo || !ever_applied_) return std::nullopt;
    return static_cast<std::int8_t>(std::clamp(applied_lead_, -128, 127));
}

}  // namespace tickwire::game::server
