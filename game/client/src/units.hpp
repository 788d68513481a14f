#pragma once
// The client's conversions from the wire's fixed point to what it draws.
//
// Thread: pure, any thread.

#include <cstdint>

#include "tickwire/game/protocol/wire.hpp"

namespace tickwire::game {

/// Q24.8 (1/256 world unit) to world units.
[[nodiscard]] inline float units(std::int32_t q) noexcept { return static_cast<float>(q) / static_cast<float>(sim::kUnit); }

[[nodiscard]] inline bool has_flag(const protocol::Entity& e, EntityFlags f) noexcept {
    return (static_cast<std::uint8_t>(e.flags()) & static_cast<std::uint8_t>(f)) != 0;
}

}  // namespace tickwire::game
