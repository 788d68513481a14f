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

const ShipHistory::Tick* ShipHistory::slot(std::uint32_t tick) const noexcept {
    if (count_ == 0 || tick > newest_ || newest_ - tick >= count_) return nullptr;
    const Tick& slot = ring_[tick % kHistoryTicks];
    return slot.tick == tick ? &slot : nullptr;
}

const ShipHistory::Record* ShipHistory::find(std::uint32_t tick, std::uint32_t player_id) const noexcept {
    const Tick* s = slot(tick);
    if (s == nullptr) return nullptr;
    // Ships are recorded in the World's order, sorted by player id.
    const auto end = s->records.begin() + s->ships;
    const auto it = std::lower_bound(s->records.begin(), end, player_id,
                                     [](const Record& r, std::uint32_t id) { return r.player_id < id; });
    return it != end && it->player_id == player_id ? &*it : nullptr;
}

const ShipHistory::Record* ShipHistory::seek(const Tick& slot, std::size_t& cursor, std::uint32_t player_id) noexcept {
    // Records before the cursor are below the last id asked for; an id not
    // above the one just passed may be among them: from the start.
    if (cursor > 0 && slot.records[cursor - 1].player_id >= player_id) cursor = 0;
    while (cursor < slot.ships && slot.records[cursor].player_id < player_id) ++cursor;
    return cursor < slot.ships && slot.records[cursor].player_id == player_id ? &slot.records[cursor] : nullptr;
}

ShipHistory::Moment ShipHistory::at(std::uint64_t time_q8) const noexcept {
    Moment m;
    m.tick_ = static_cast<std::uint32_t>(time_q8 / kTickQ8);
    m.fraction_ = static_cast<std::int64_t>(time_q8 % kTickQ8);
    m.a_ = slot(m.tick_);
    m.b_ = m.fraction_ == 0 ? m.a_ : slot(m.tick_ + 1);
    if (m.b_ == nullptr) m.a_ = nullptr;
    return m;
}

std::optional<Point> ShipHistory::position(std::uint32_t player_id, std::uint64_t time_q8) const noexcept {
    return at(time_q8).position(player_id);
}

std::optional<Point> ShipHistory::Moment::position(std::uint32_t player_id) noexcept {
    if (a_ == nullptr) return std::nullopt;
    const Record* a = seek(*a_, cursor_a_, player_id);
    if (a == nullptr) return std::nullopt;
    const Record* b = b_ == a_ ? a : seek(*b_, cursor_b_, player_id);
    if (b == nullptr) return std::nullopt;
    // Dead then, or (re)spawned or teleported after that time: the ship the
    // shooter saw is not where this one is; no hit.
    if (!a->alive || !b->alive || a->spawned_tick > tick_ || b->spawned_tick != a->spawned_tick) return std::nullopt;
    const auto lerp = [this](std::int32_t from, std::int32_t to) {
        return static_cast<std::int32_t>(from + (static_cast<std::int64_t>(to) - from) * fraction_ / kTickQ8);
    };
    return Point{lerp(a->body.x, b->body.x), lerp(a->body.y, b->body.y)};
}

void ShipHistory::reach(std::span<const Ship> ships, std::uint32_t oldest_tick,
                        std::span<Box> boxes) const noexcept {
    for (std::size_t i = 0; i < ships.size() && i < boxes.size(); ++i)
        boxes[i] = {ships[i].body.x, ships[i].body.y, ships[i].body.x, ships[i].body.y};
    for (std::uint32_t age = 0; age < count_ && newest_ - age >= oldest_tick; ++age) {
        const Tick* s = slot(newest_ - age);
        if (s == nullptr) continue;
        // Both sorted by player id: one walk through each.
        std::size_t r = 0;
        for (std::size_t i = 0; i < ships.size() && i < boxes.size() && r < s->ships; ++i) {
            while (r < s->ships && s->records[r].player_id < ships[i].player_id) ++r;
            if (r < s->ships && s->records[r].player_id == ships[i].player_id)
                boxes[i].grow(s->records[r].body.x, s->records[r].body.y);
        }
    }
}

std::optional<Body> ShipHistory::body(std::uint32_t player_id, std::uint32_t tick,
                                      std::uint32_t spawned_tick) const noexcept {
    const Record* r = find(tick, player_id);
    if (r == nullptr || !r->alive || r->spawned_tick != spawned_tick || spawned_tick > tick) return std::nullopt;
    return r->body;
}

}  // namespace tickwire::game::sim
