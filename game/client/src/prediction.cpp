#include "prediction.hpp"

#include <algorithm>
#include <cmath>

#include "units.hpp"

namespace tickwire::game {

void Prediction::reset() noexcept {
    known_ = false;
    history_.clear();
}

protocol::Frame Prediction::record(const sim::Input& input, std::uint32_t stamp_tick) {
    ++sequence_;
    const protocol::Frame frame(stamp_tick, sequence_, input.fire ? Buttons::Fire : static_cast<Buttons>(0), input.aim,
                                input.move_x, input.move_y);
    history_.emplace_back(frame, input);
    while (history_.size() > kHistory) history_.pop_front();
    if (known_ && alive_) sim::step_movement(predicted_, input, arena_);
    return frame;
}

std::size_t Prediction::unconfirmed_after(std::uint32_t sequence, std::span<protocol::Frame> out) const noexcept {
    // Sequences rise by one per frame: the newer ones are the last.
    std::size_t newer = 0;
    while (newer < history_.size() && history_[history_.size() - 1 - newer].first.sequence() > sequence) ++newer;
    const std::size_t take = std::min(newer, out.size());
    std::size_t n = 0;
    for (std::size_t i = history_.size() - take; i < history_.size(); ++i) out[n++] = history_[i].first;
    return n;
}

void Prediction::reconcile(const protocol::Entity* own, std::uint32_t last_input_sequence, int held_ticks) {
    if (own == nullptr) {
        known_ = false;
        return;
    }
    while (!history_.empty() && history_.front().first.sequence() <= last_input_sequence) history_.pop_front();
    // The server will make these held moves good: keep the course, but not
    // for longer than a hold it may make good (a server that kept saying so
    // and never did would otherwise never be listened to).
    const bool held_moves_to_be_replaced = held_ticks > 0 && held_ticks <= sim::kMaxReplacedHeldTicks;
    if (held_moves_to_be_replaced && known_ && alive_ && has_flag(*own, EntityFlags::Alive) &&
        !has_flag(*own, EntityFlags::Teleported) && kept_course_ < kMaxKeptCourse) {
        ++kept_course_;
        return;
    }
    kept_course_ = 0;
    alive_ = has_flag(*own, EntityFlags::Alive);
    sim::Body corrected{own->x(), own->y(), own->vx(), own->vy()};
    if (alive_) {
        for (const auto& [frame, input] : history_) sim::step_movement(corrected, input, arena_);
    }
    if (known_ && alive_ && !has_flag(*own, EntityFlags::Teleported)) {
        const float ex = units(predicted_.x - corrected.x) + correction_x_;
        const float ey = units(predicted_.y - corrected.y) + correction_y_;
        if (predicted_.x != corrected.x || predicted_.y != corrected.y) ++corrections_;
        if (std::hypot(ex, ey) < kSnapDistance) {
            // Show the old position and blend towards the corrected one.
            correction_x_ = ex;
            correction_y_ = ey;
        } else {
            correction_x_ = correction_y_ = 0;
        }
    } else {
        correction_x_ = correction_y_ = 0;
    }
    predicted_ = corrected;
    known_ = true;
}

void Prediction::decay() noexcept {
    correction_x_ *= kCorrectionDecay;
    correction_y_ *= kCorrectionDecay;
}

float Prediction::x() const noexcept { return units(predicted_.x) + correction_x_; }
float Prediction::y() const noexcept { return units(predicted_.y) + correction_y_; }

}  // namespace tickwire::game
