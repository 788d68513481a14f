#pragma once
// The drawable world of a ClientView: every ship and projectile interpolated
// between the two snapshots around render time, except the own ship, drawn
// now, where prediction has it.
//
// Thread: the game thread.

#include <cstdint>

#include "interpolation_buffer.hpp"
#include "prediction.hpp"
#include "roster.hpp"
#include "tickwire/game/client_view.hpp"

namespace tickwire::game {

struct OwnShip {
    std::uint32_t entity_id = 0;  ///< 0 until seated
    const Prediction* prediction = nullptr;
    float aim = 0;  ///< radians, the player's current intent
};

/// Replaces view.ships and view.projectiles.
void fill_world_view(const InterpolationBuffer& buffer, float alpha, const Roster& roster, const OwnShip& own,
                     ClientView& view);

}  // namespace tickwire::game
