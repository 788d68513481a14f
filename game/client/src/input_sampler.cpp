#include "input_sampler.hpp"

namespace tickwire::game {

void InputSampler::set_intent(const PlayerIntent& intent) noexcept {
    intent_ = intent;
    fire_latched_ = fire_latched_ || intent.fire;
}

std::span<const std::uint32_t> InputSampler::step(TimeDilation& dilation, Prediction& prediction,
                                                  std::optional<double> arrival_tick, std::int64_t now) {
    sim::Input input = sim::sanitise_intent(intent_.move_x, intent_.move_y, intent_.aim, intent_.fire);
    const int due = arrival_tick ? dilation.frames_due() : 1;
    std::size_t n = 0;
    for (; n < static_cast<std::size_t>(due) && n < sampled_.size(); ++n) {
        input.fire = intent_.fire || fire_latched_;
        fire_latched_ = false;
        sampled_[n] = prediction.next_sequence();
        prediction.record(input, arrival_tick ? dilation.stamp(sampled_[n], *arrival_tick, now) : 0);
    }
    return {sampled_.data(), n};
}

}  // namespace tickwire::game
