#include "lag_compensation.hpp"

#include <algorithm>

#include "tickwire/game/sim/types.hpp"

namespace tickwire::game::server {

namespace {
std::uint32_t to_q8(std::chrono::milliseconds d, int tick_rate) {
    return static_cast<std::uint32_t>(std::max<std::int64_t>(0, d.count()) * tick_rate * sim::kTickQ8 / 1000);
}
}  // namespace

LagCompensation::LagCompensation(Config config)
    : enabled_(config.enabled),
      includes_interpolation_(config.max_rewind_includes_interpolation),
      // The sim's own bound (its history) is the last word.
      max_rewind_q8_(std::min(to_q8(config.max_rewind, config.tick_rate), sim::kMaxRewindQ8)),
      tolerance_q8_(to_q8(config.view_tolerance, config.tick_rate)) {}

ShotView LagCompensation::trusted_view(schemas::ViewTime claimed, std::uint32_t acked_tick) const noexcept {
    if (!enabled_ || acked_tick == 0 || claimed.tick == 0) return {};
    const std::uint64_t claim = std::uint64_t{claimed.tick} * sim::kTickQ8 + claimed.fraction;
    const std::uint64_t acked = std::uint64_t{acked_tick} * sim::kTickQ8;
    const std::uint64_t earliest = acked > tolerance_q8_ ? acked - tolerance_q8_ : 1;
    const std::uint64_t view = std::clamp(claim, earliest, acked + sim::kTickQ8);
    // The interpolation delay (<= the tolerance) on top of the round trip's cap.
    const std::uint64_t interpolation = includes_interpolation_ || view >= acked ? 0 : acked - view;
    return {view, static_cast<std::uint32_t>(std::min<std::uint64_t>(max_rewind_q8_ + interpolation, sim::kMaxRewindQ8))};
}

std::uint32_t LagCompensation::rewind(const ShotView& view, std::uint32_t tick) const noexcept {
    const std::uint64_t now = std::uint64_t{tick} * sim::kTickQ8;
    if (!enabled_ || view.tick_q8 == 0 || view.tick_q8 >= now) return 0;
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(now - view.tick_q8, view.max_rewind_q8));
}

}  // namespace tickwire::game::server
