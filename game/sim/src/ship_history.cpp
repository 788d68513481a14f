#include "tickwire/game/sim/ship_history.hpp"

#include <algorithm>

namespace tickwire::game::sim {

void ShipHistory::record(std::uint32_t tick, std::span<const Ship> ships) noexcept {
    Tick& slot = ring_[tick % kHistoryTicks];
    slot.tick = tick;
    const std::size_t n = std::min<std::size_t>(ships.size(), kMaxPlayers);
    slot.ships = static_cast<std::uint8_t>(n);
    for (std::size_t i = 0; i < n; ++i) {
        const Ship& s = ships[i];
        slot.records[i] = {s.player_id, s.body, s.spawned_tick, s.alive};
    }
    // A gap (a world that did not record every tick) leaves older slots
    // stale; find() checks each slot's tick, so they are never misread.
    count_ = newest_ + 1 == tick ? std::min<std::uint32_t>(count_ + 1, kHistoryTicks) : 1;
    newest_ = tick;
}

const ShipHistory::Record* ShipHistory::find(std::uint32_t tick, std::uint32_t player_id) const noexcept {
    if (count_ == 0 || tick > newest_ || newest_ - tick >= count_) return nullptr;
    const Tick& slot = ring_[tick % kHistoryTicks];
    if (slot.tick != tick) return nullptr;
    // Ships are recorded in the World's order, sorted by player id.
    const auto end = slot.records.begin() + slot.ships;
    const auto it = std::lower_bound(slot.records.begin(), end, player_id,
                                     [](const Record& r, std::uint32_t id) { return r.player_id < id; });
    return it != end && it->player_id == player_id ? &*it : nullptr;
}

std::optional<Point> ShipHistory::position(std::uint32_t player_id, std::uint64_t time_q8) const noexcept {
    const auto tick = static_cast<std::uint32_t>(time_q8 / kTickQ8);
    const auto fraction = static_cast<std::int64_t>(time_q8 % kTickQ8);
    const Record* a = find(tick, player_id);
    if (a == nullptr) return std::nullopt;
    const Record* b = fraction == 0 ? a : find(tick + 1, player_id);
    if (b == nullptr) return std::nullopt;
    // Dead then, or (re)spawned or teleported after that time: the ship the
    // shooter saw is not where this one is; no hit.
    if (!a->alive || !b->alive || a->spawned_tick > tick || b->spawned_tick != a->spawned_tick) return std::nullopt;
    const auto lerp = [fraction](std::int32_t from, std::int32_t to) {
        return static_cast<std::int32_t>(from + (static_cast<std::int64_t>(to) - from) * fraction / kTickQ8);
    };
    return Point{lerp(a->body.x, b->body.x), lerp(a->body.y, b->body.y)};
}

std::optional<Body> ShipHistory::body(std::uint32_t player_id, std::uint32_t tick,
                                      std::uint32_t spawned_tick) const noexcept {
    const Record* r = find(tick, player_id);
    if (r == nullptr || !r->alive || r->spawned_tick != spawned_tick || spawned_tick > tick) return std::nullopt;
    return r->body;
}

}  // namespace tickwire::game::sim
