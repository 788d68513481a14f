#include "world_view.hpp"

#include <algorithm>
#include <cmath>

#include "units.hpp"

namespace tickwire::game {

namespace {

using protocol::Entity;

float lerp(float a, float b, float t) { return a + (b - a) * t; }

float lerp_angle(std::uint16_t a, std::uint16_t b, float t) {
    const int d = static_cast<std::int16_t>(static_cast<std::uint16_t>(b - a));
    return schemas::angle_radians(static_cast<std::uint16_t>(a + static_cast<int>(std::lround(d * t))));
}

// The own ship as prediction has it, with the newest snapshot's health.
void predict_own(const InterpolationBuffer& buffer, const OwnShip& own, ShipView& s) {
    const auto& newest = buffer.newest()->entities;
    const auto it = std::find_if(newest.begin(), newest.end(), [&](const Entity& e) { return e.id() == own.entity_id; });
    s.local = true;
    s.alive = own.prediction->alive();
    if (it != newest.end()) s.health = it->health();
    s.x = own.prediction->x();
    s.y = own.prediction->y();
    s.angle = sim::sanitise_intent(0, 0, own.aim, false).aim * (schemas::kTwoPi / 65536.0f);
}

}  // namespace

void fill_world_view(const InterpolationBuffer& buffer, float alpha, const Roster& roster, const OwnShip& own,
                     ClientView& v) {
    v.ships.clear();
    v.projectiles.clear();
    const InterpolationBuffer::Span span = buffer.at(alpha);
    if (span.from == nullptr) return;
    const auto& from = span.from->entities;
    const float f = span.fraction;
    for (const Entity& eb : span.to->entities) {
        const auto it = std::lower_bound(from.begin(), from.end(), eb.id(),
                                         [](const Entity& e, std::uint32_t id) { return e.id() < id; });
        const Entity& ea = (it != from.end() && it->id() == eb.id()) ? *it : eb;
        const bool jump = has_flag(eb, EntityFlags::Teleported) || &ea == &eb;
        const float k = jump ? 1.0f : f;
        const float x = lerp(units(ea.x()), units(eb.x()), k), y = lerp(units(ea.y()), units(eb.y()), k);
        if (eb.kind() == EntityKind::Projectile) {
            if (&ea == &eb && f < 0.5f) continue;  // not fired yet at render time
            v.projectiles.push_back({x, y, units(sim::kProjectileRadius), eb.team()});
        } else if (eb.kind() == EntityKind::Player) {
            ShipView s;
            s.entity_id = eb.id();
            s.player_id = eb.owner();
            s.x = x;
            s.y = y;
            s.angle = jump ? schemas::angle_radians(eb.angle()) : lerp_angle(ea.angle(), eb.angle(), f);
            s.radius = units(sim::kShipRadius);
            s.health = static_cast<std::uint8_t>(std::min<int>(eb.health(), sim::kMaxHealth));
            s.colour = eb.team();
            s.alive = has_flag(eb, EntityFlags::Alive);
            s.name = roster.name_of(eb.owner());
            if (eb.id() == own.entity_id && own.prediction->known()) predict_own(buffer, own, s);
            v.ships.push_back(std::move(s));
        }
    }
}

}  // namespace tickwire::game
