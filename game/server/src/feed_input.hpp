#pragma once
// feed_input: one player's input for one tick, from its InputQueue into the
// sim: the frame due (a shot in it judged by what its player saw, as far as
// LagCompensation believes it; the moves its player's ship made on a held
// input meanwhile made good with the late frames), the last input held, or
// idle; counted in InputFigures. MatchServer::step calls it for every seated
// player, and so does the game-feel test's server in virtual time.
//
// Thread: the game thread.

#include <cstdint>

#include "input_figures.hpp"
#include "input_queue.hpp"
#include "lag_compensation.hpp"
#include "tickwire/game/sim/world.hpp"

namespace tickwire::game::server {

/// Returns what the queue handed the sim.
InputQueue::Next feed_input(InputQueue& queue, sim::World& world, std::uint32_t player_id, std::uint32_t tick,
                            const LagCompensation& lag, InputFigures& figures);

}  // namespace tickwire::game::server
