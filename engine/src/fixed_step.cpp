#include "tickwire/engine/fixed_step.hpp"

#include <stdexcept>
#include <string>

namespace tickwire::engine {

FixedStep::FixedStep(Config config) : rate_(config.tick_rate_hz), max_frame_(config.max_frame_time) {
    if (!valid_rate(rate_)) {
        throw std::invalid_argument("tick rate " + std::to_string(rate_) + " Hz is outside 1..240");
    }
    // The upper bound keeps ns x rate far inside int64 (10 s x 240 = 2.4e12).
    if (max_frame_ <= Duration::zero() || max_frame_ > std::chrono::seconds(10)) {
        throw std::invalid_argument("max_frame_time must be in (0, 10 s]");
    }
}

FixedStep::Steps FixedStep::advance(Duration frame_time) noexcept {
    Steps steps;
    if (frame_time < Duration::zero()) frame_time = Duration::zero();
    if (frame_time > max_frame_) {
        steps.dropped = frame_time - max_frame_;
        dropped_ += steps.dropped;
        frame_time = max_frame_;
    }
    accumulator_ += frame_time.count() * rate_;
    const std::int64_t due = accumulator_ / kStepUnits;
    accumulator_ -= due * kStepUnits;
    steps.count = static_cast<int>(due);
    steps.alpha = alpha();
    steps_total_ += static_cast<std::uint64_t>(due);
    return steps;
}

FixedStep::Duration FixedStep::until_next_step() const noexcept {
    const std::int64_t missing = kStepUnits - accumulator_;
    return Duration((missing + rate_ - 1) / rate_);
}

FixedStep::Duration FixedStep::step_overdue(int index, int count) const noexcept {
    // Step `index` became due when the accumulator crossed (index + 1) steps;
    // everything after that (the remainder plus the later steps) is how long ago.
    const std::int64_t later_steps = static_cast<std::int64_t>(count - 1 - index);
    return Duration((accumulator_ + later_steps * kStepUnits) / rate_);
}

FixedStep::Duration FixedStep::dt() const noexcept {
    return Duration((kStepUnits + rate_ / 2) / rate_);
}

double FixedStep::alpha() const noexcept {
    return static_cast<double>(accumulator_) / static_cast<double>(kStepUnits);
}

}  // namespace tickwire::engine
