#pragma once
// FakeMatch — DEV ONLY (tickwire-client --fake): a small made-up match that
// fills a ClientView without any server, so the presentation can be
// developed and screenshotted before (or without) ClientCore and a server.
// Ships wander and shoot, take damage, die and respawn; chat and net numbers
// are invented. It is not the game's simulation and nothing else uses it.
//
// Thread: the game thread only.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "match_source.hpp"

namespace tickwire::game::client_app {

class FakeMatch final : public MatchSource {
public:
    /// `state`: "" (normal), "connecting", "reconnecting", "closed" or
    /// "dead" (the own ship starts destroyed), to look at each overlay.
    FakeMatch(std::string name, std::string state);

    void network_in() override {}
    void set_intent(const PlayerIntent& intent) override { intent_ = intent; }
    void step() override;
    void network_out() override {}
    void send_chat(std::string_view text) override;
    void close() override { closing_ticks_ = 20; }
    const ClientView& view(float alpha) override;
    [[nodiscard]] bool finished() const override { return closing_ticks_ == 0; }

private:
    struct Ship {
        std::uint32_t id = 0;
        std::string name;
        std::uint8_t colour = 0;
        float x = 0, y = 0, px = 0, py = 0, angle = 0, heading = 0;
        int health = 100, respawn = 0, cooldown = 0;
        int score = 0, kills = 0, deaths = 0;
    };
    struct Shot {
        float x = 0, y = 0, px = 0, py = 0, vx = 0, vy = 0;
        std::uint32_t owner = 0;
        int life = 0;
    };

    bool blocked(float x, float y, float radius) const;
    void fire(Ship& ship);
    void spawn(Ship& ship);

    std::string state_;
    PlayerIntent intent_;
    std::vector<Ship> ships_;
    std::vector<Shot> shots_;
    std::vector<ObstacleView> obstacles_;
    std::vector<ChatLine> chat_;
    std::mt19937 rng_{7};
    std::uint32_t tick_ = 0;
    int closing_ticks_ = -1;
    ClientView view_;
};

}  // namespace tickwire::game::client_app
