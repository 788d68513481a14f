#pragma once
// WorldRenderer: draws a ClientView's world through a Camera: the arena
// floor, grid and border, obstacles, projectiles, ships (colour, heading
// nose, name tag, health bar; the own ship ringed), plus three effects it
// derives itself by watching ships from frame to frame: an engine flame
// opposite the direction of travel, a white flash when health drops and an
// expanding ring when a ship is destroyed. Projectiles get a short trail.
//
// Thread: the game thread (it draws with the window's renderer).

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "camera.hpp"
#include "draw_util.hpp"
#include "tickwire/game/client_view.hpp"

namespace tickwire::game::client_app {

class WorldRenderer {
public:
    /// `time_s` is a steady clock in seconds (effects and pulses).
    void draw(Renderer& r, const ClientView& view, const Camera& camera, float time_s);

private:
    struct Tracked {
        std::uint8_t health = 0;
        bool alive = false;
        float x = 0, y = 0;    // last drawn position
        float vx = 0, vy = 0;  // smoothed screen-independent velocity, units per second
        float last_time = 0;
        float flash_until = 0;
        std::uint32_t seen_frame = 0;
    };
    struct Burst {
        float x = 0, y = 0, radius = 0, start = 0;
        Color color;
    };

    void track(const ClientView& view, float time_s);
    void draw_floor(Renderer& r, const ClientView& view, const Camera& camera);
    void draw_ship(Renderer& r, const ShipView& ship, const Camera& camera, float time_s);
    void draw_ship_labels(Renderer& r, const ShipView& ship, const Camera& camera);

    std::unordered_map<std::uint32_t, Tracked> tracked_;  // by entity id
    std::vector<Burst> bursts_;
    std::uint32_t frame_ = 0;
    // Projectiles have no ids: last frame's positions, matched by proximity,
    // give each one a direction for its trail.
    struct ShotTrace {
        float x = 0, y = 0, dx = 0, dy = 0;  // position; unit direction (0 when unknown)
    };
    std::vector<ShotTrace> shots_, last_shots_;
};

}  // namespace tickwire::game::client_app
