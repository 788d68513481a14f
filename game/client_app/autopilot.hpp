#pragma once
// Autopilot: tickwire-client --autopilot steers the own ship with simple bot
// behaviour — circle the nearest opponent, keep off the walls, aim with a
// little lead and fire when lined up — so an unattended client (the headless
// demo, a screenshot under Xvfb) plays instead of idling.
//
// Thread: the game thread.

#include <cstdint>

#include "tickwire/game/client_view.hpp"

namespace tickwire::game::client_app {

class Autopilot {
public:
    /// The intent for the next tick from the latest view; `time_s` is a
    /// steady clock in seconds.
    [[nodiscard]] PlayerIntent sample(const ClientView& view, float time_s);

private:
    float aim_ = 0;
    float orbit_ = 1;        // +1 / -1: direction around the target
    float next_flip_ = 4;    // when to reconsider it
    float target_x_ = 0, target_y_ = 0, last_time_ = 0;
    float target_vx_ = 0, target_vy_ = 0;
    std::uint32_t target_id_ = 0;
};

}  // namespace tickwire::game::client_app
