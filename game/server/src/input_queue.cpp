#include "input_queue.hpp"

#include <algorithm>

namespace tickwire::game::server {

InputQueue::Offered InputQueue::push(std::span<const protocol::Frame> frames, std::uint32_t tick,
                                     const ShotView& view) {
    const std::uint32_t newest_tick = frames.empty() ? 0 : frames.back().tick();
    Offered offered;
    for (const protocol::Frame& f : frames) offer(f, tick, view_of(f, newest_tick, view), offered);
    offered.refused += trim();
    return offered;
}

namespace {
// Wrap-safe signed distance between two ticks.
std::int32_t ticks_between(std::uint32_t from, std::uint32_t to) noexcept {
    return static_cast<std::int32_t>(to - from);
}
}  // namespace

ShotView InputQueue::view_of(const protocol::Frame& f, std::uint32_t newest_tick, const ShotView& view) noexcept {
    // Sampled that many ticks before the newest frame; a frame claiming to
    // be newer than the newest (a lie) wraps to "long ago": no view.
    const std::uint64_t back = std::uint64_t{newest_tick - f.tick()} * sim::kTickQ8;
    return back < view.tick_q8 ? ShotView{view.tick_q8 - back, view.max_rewind_q8} : ShotView{};
}

void InputQueue::offer(const protocol::Frame& frame, std::uint32_t tick, const ShotView& view, Offered& offered) {
    // Each frame is sent once (an older client repeats the unacknowledged
    // ones): a copy is never applied twice, and is counted.
    if (frame.sequence() <= newest_sequence_) {
        ++offered.repeated;
        return;
    }
    // Sequences run +1 per frame from a player's first: a gap is frames lost
    // on the way (the first frame seen may start anywhere: a rejoin).
    if (newest_sequence_ != 0) offered.skipped += frame.sequence() - newest_sequence_ - 1;
    newest_sequence_ = frame.sequence();
    // Far ahead of its time: an honest client keeps a lead of 1-2 ticks (a
    // few more right after its latency dropped); waiting frames are banked
    // input, so they are bounded in time as well as in number.
    if (mode_ == Mode::on_time && ticks_between(tick, frame.tick()) > kMaxLeadTicks) {
        ++offered.refused;
        return;
    }
    if (count_ == kCapacity) {
        ++offered.refused;
        if (mode_ == Mode::on_time) return;
        pop(1);
    }
    if (mode_ == Mode::on_time) jitter_.arrived(tick, ticks_between(tick, frame.tick()));
    ring_[(head_ + count_) % kCapacity] = {frame, tick, view};
    ++count_;
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
    replace_budget_.tick();
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
        n.view = e.view;
        n.wait = std::max(0, ticks_between(e.arrival, tick));
        n.merged = take - 1;
        if (n.input.fire) n.fire_sequence = n.sequence;
        // A shot fired in a merged frame is not lost: the newest one fires now,
        // judged by what its shooter saw then.
        for (std::size_t i = take - 1; i-- > 0 && !n.input.fire;) {
            if (protocol::to_input(at(i).frame).fire) {
                n.input.fire = true;
                n.view = at(i).view;
                n.fire_sequence = at(i).frame.sequence();
            }
        }
        // The hold is made good when the late frames cover it but for at
        // most one tick: a lone late frame may undo one held step, never a
        // whole hold.
        if (const int held = replaceable_hold(); held > 0 && take >= static_cast<std::size_t>(held)) {
            replace_budget_.spend(held);
            n.held_ticks = held;
            n.late_count = std::min(take - 1, n.late.size());
            for (std::size_t i = 0; i < n.late_count; ++i) n.late[i] = protocol::to_input(at(i).frame);
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
    if (ticks_without_input_ == kHoldTicks) {
        n.kind = Next::Kind::idle;
        return n;
    }
    n.counted_hold = ever_applied_ && ticks_without_input_ < kHoldTicks;
    return n;
}

std::optional<std::int8_t> InputQueue::lead() const noexcept {
    if (mode_ == Mode::fifo || !ever_applied_) return std::nullopt;
    return static_cast<std::int8_t>(std::clamp(applied_lead_, -128, 127));
}

InputReport InputQueue::report() const noexcept {
    if (mode_ == Mode::fifo) return {applied_sequence_, lead(), 0, 0};
    return {applied_sequence_, lead(), jitter_.ticks(), static_cast<std::uint8_t>(replaceable_hold())};
}

int InputQueue::replaceable_hold() const noexcept {
    const bool holding = mode_ == Mode::on_time && ever_applied_ && ticks_without_input_ < kHoldTicks;
    return holding && replace_budget_.covers(ticks_without_input_) ? ticks_without_input_ : 0;
}

}  // namespace tickwire::game::server
