#include "autopilot.hpp"

#include <algorithm>
#include <cmath>

namespace tickwire::game::client_app {
namespace {
constexpr float kPreferredRange = 260;  // world units kept from the target
constexpr float kFireRange = 650;
constexpr float kShotSpeed = 720;       // units per second (the sim's 12 per tick at 60 Hz)
constexpr float kWallMargin = 90;
}  // namespace

PlayerIntent Autopilot::sample(const ClientView& view, float time_s) {
    PlayerIntent intent;
    const ShipView* own = nullptr;
    for (const ShipView& s : view.ships) {
        if (s.local && s.alive) own = &s;
    }
    if (own == nullptr || view.status != ConnectionStatus::joined) return intent;

    const ShipView* target = nullptr;
    float best = 1e30f;
    for (const ShipView& s : view.ships) {
        if (s.local || !s.alive) continue;
        const float d = (s.x - own->x) * (s.x - own->x) + (s.y - own->y) * (s.y - own->y);
        if (d < best) {
            best = d;
            target = &s;
        }
    }
    if (time_s >= next_flip_) {
        orbit_ = -orbit_;
        next_flip_ = time_s + 3.0f + std::fmod(time_s * 7.31f, 3.0f);
    }

    float mx = 0, my = 0;
    if (target != nullptr) {
        // Target velocity from its last two positions, for a little lead.
        const float dt = time_s - last_time_;
        if (target->entity_id == target_id_ && dt > 1e-3f && dt < 0.5f) {
            target_vx_ += ((target->x - target_x_) / dt - target_vx_) * 0.3f;
            target_vy_ += ((target->y - target_y_) / dt - target_vy_) * 0.3f;
        } else if (target->entity_id != target_id_) {
            target_vx_ = target_vy_ = 0;
        }
        target_id_ = target->entity_id;
        target_x_ = target->x;
        target_y_ = target->y;

        const float dx = target->x - own->x, dy = target->y - own->y;
        const float dist = std::max(std::sqrt(dx * dx + dy * dy), 1.0f);
        const float lead = dist / kShotSpeed;
        aim_ = std::atan2(dy + target_vy_ * lead, dx + target_vx_ * lead);
        // Orbit: sideways, plus in or out towards the preferred range.
        const float radial = std::clamp((dist - kPreferredRange) / 150.0f, -1.0f, 1.0f);
        mx = (dx / dist) * radial + (-dy / dist) * orbit_;
        my = (dy / dist) * radial + (dx / dist) * orbit_;
        intent.fire = dist < kFireRange;
    } else {
        aim_ += 0.02f;
        mx = std::cos(time_s * 0.5f);
        my = std::sin(time_s * 0.7f);
    }
    // Walls: push back towards the inside.
    if (view.arena_w > 0) {
        if (own->x < kWallMargin) mx += 1.5f;
        if (own->x > view.arena_w - kWallMargin) mx -= 1.5f;
        if (own->y < kWallMargin) my += 1.5f;
        if (own->y > view.arena_h - kWallMargin) my -= 1.5f;
    }
    // Obstacles: push away from any within reach.
    for (const ObstacleView& o : view.obstacles) {
        const float cx = std::clamp(own->x, o.x, o.x + o.w), cy = std::clamp(own->y, o.y, o.y + o.h);
        const float ox = own->x - cx, oy = own->y - cy;
        const float d = std::sqrt(ox * ox + oy * oy);
        if (d > 1 && d < 60) {
            mx += ox / d * 1.5f;
            my += oy / d * 1.5f;
        }
    }
    const float len = std::sqrt(mx * mx + my * my);
    if (len > 1) {
        mx /= len;
        my /= len;
    }
    intent.move_x = mx;
    intent.move_y = my;
    intent.aim = aim_;
    last_time_ = time_s;
    return intent;
}

}  // namespace tickwire::game::client_app
