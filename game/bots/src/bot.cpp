#include "tickwire/game/bot.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace tickwire::game {

namespace {

constexpr const char* kLines[] = {"gg", "nice shot!", "where are you hiding?", "come at me",
                                  "lag? what lag", "one more round", "ouch", "hello arena"};

}  // namespace

void Bot::think() {
    const ClientView& v = core_.view(0);
    if (v.status != ConnectionStatus::joined) return;
    const ShipView* me = nullptr;
    for (const ShipView& s : v.ships) {
        if (s.local) me = &s;
    }
    PlayerIntent intent;
    if (me == nullptr || !me->alive) {
        core_.set_intent(intent);
        return;
    }
    std::uniform_real_distribution<float> ux(60, v.arena_w - 60), uy(60, v.arena_h - 60);
    if (!has_target_ || std::hypot(target_x_ - me->x, target_y_ - me->y) < 40 || --patience_ <= 0) {
        target_x_ = ux(rng_);
        target_y_ = uy(rng_);
        has_target_ = true;
        patience_ = 300;
    }
    float dx = target_x_ - me->x, dy = target_y_ - me->y;
    const float len = std::max(1.0f, std::hypot(dx, dy));
    dx /= len;
    dy /= len;
    // Wall ahead? Steer sideways (the sim slides along walls anyway).
    const float ahead_x = me->x + dx * 50, ahead_y = me->y + dy * 50;
    for (const ObstacleView& o : v.obstacles) {
        if (ahead_x > o.x - 20 && ahead_x < o.x + o.w + 20 && ahead_y > o.y - 20 && ahead_y < o.y + o.h + 20) {
            std::swap(dx, dy);
            dx = -dx;
            break;
        }
    }
    intent.move_x = dx;
    intent.move_y = dy;
    intent.aim = std::atan2(dy, dx);
    // Aim at the nearest living enemy; fire when close.
    float best = 1e9f;
    for (const ShipView& s : v.ships) {
        if (s.local || !s.alive) continue;
        const float d = std::hypot(s.x - me->x, s.y - me->y);
        if (d < best) {
            best = d;
            intent.aim = std::atan2(s.y - me->y, s.x - me->x) + std::uniform_real_distribution<float>(-0.08f, 0.08f)(rng_);
        }
    }
    intent.fire = best < 450;
    core_.set_intent(intent);
    if (std::uniform_int_distribution<int>(0, 60 * 30)(rng_) == 0) {
        core_.send_chat(kLines[std::uniform_int_distribution<std::size_t>(0, std::size(kLines) - 1)(rng_)]);
    }
}

}  // namespace tickwire::game
