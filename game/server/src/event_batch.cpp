#include "event_batch.hpp"

namespace tickwire::game::server {

void EventBatch::collect(const sim::World& world) {
    for (const sim::Kill& k : world.kills()) {
        kills_.emplace_back(k.tick, k.killer, k.victim, std::uint8_t{0});
        if (const sim::Ship* s = world.find_ship(k.killer)) scores_.emplace_back(k.tick, k.killer, s->score, 1);
    }
    for (const sim::Respawn& s : world.respawns()) respawns_.emplace_back(s.tick, s.player, s.entity, s.x, s.y);
}

void EventBatch::clear() noexcept {
    kills_.clear();
    scores_.clear();
    respawns_.clear();
}

}  // namespace tickwire::game::server
