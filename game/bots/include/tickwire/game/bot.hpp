#pragma once
// Bot: one headless player's brain around a ClientCore (in a FleetClient, so
// a matchmaking URL works too) — wanders to random
// points, steers round walls, aims at the nearest living enemy, fires when
// close and chats now and then. tickwire-bots and tickwire-load's match mode
// both drive bots with it.
//
// Thread: the game thread that steps the ClientCore.

#include <cstdint>
#include <memory>
#include <random>
#include <utility>

#include "tickwire/game/fleet_client.hpp"

namespace tickwire::game {

class Bot {
public:
    /// `desk`: shared by the bots of one game thread when config.url asks matchmaking.
    Bot(ClientConfig config, std::uint32_t seed, std::shared_ptr<MatchmakingDesk> desk = nullptr)
        : core_(std::move(config), std::move(desk)), rng_(seed) {}

    FleetClient& core() { return core_; }

    /// Read the view, set this tick's intent (call before core().step()).
    void think();

private:
    FleetClient core_;
    std::mt19937 rng_;
    float target_x_ = 0, target_y_ = 0;
    bool has_target_ = false;
    int patience_ = 0;
};

}  // namespace tickwire::game
