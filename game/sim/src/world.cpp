#include "tickwire/game/sim/world.hpp"

#include <algorithm>
#include <cmath>

namespace tickwire::game::sim {
namespace {

// sin over a quarter turn in 1024 steps, Q16, evaluated by the compiler so no
// libm (whose last bits differ between platforms) ever touches the state.
constexpr double constexpr_sin(double x) {
    double term = x, sum = x;
    for (int n = 1; n < 16; ++n) {
        term *= -x * x / ((2 * n) * (2 * n + 1));
        sum += term;
    }
    return sum;
}

constexpr std::array<std::int32_t, 1025> make_quarter_sine() {
    std::array<std::int32_t, 1025> table{};
    for (int i = 0; i <= 1024; ++i) {
        const double v = constexpr_sin(1.5707963267948966 * i / 1024.0) * 65536.0;
        table[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(v + 0.5);
    }
    return table;
}

constexpr auto kQuarterSine = make_quarter_sine();

// sin of a uint16 angle, Q16; 4096 steps per turn (16 angle units each).
std::int32_t sin_q16(std::uint16_t angle) noexcept {
    const int step = angle >> 4;  // 0..4095
    const int quadrant = step >> 10;
    const int index = step & 1023;
    switch (quadrant) {
    case 0: return kQuarterSine[static_cast<std::size_t>(index)];
    case 1: return kQuarterSine[static_cast<std::size_t>(1024 - index)];
    case 2: return -kQuarterSine[static_cast<std::size_t>(index)];
    default: return -kQuarterSine[static_cast<std::size_t>(1024 - index)];
    }
}

std::int32_t isqrt(std::int64_t v) noexcept {
    if (v <= 0) return 0;
    std::int64_t r = 0, bit = std::int64_t{1} << 62;
    while (bit > v) bit >>= 2;
    while (bit != 0) {
        if (v >= r + bit) {
            v -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return static_cast<std::int32_t>(r);
}

std::int64_t sq(std::int64_t v) noexcept { return v * v; }

bool hits_any(std::int32_t x, std::int32_t y, std::int32_t r, const Arena& arena) noexcept {
    for (const Rect& rect : arena.obstacles) {
        if (circle_hits_rect(x, y, r, rect)) return true;
    }
    return false;
}

// Drag: v -= v/16 rounding towards zero, then at least one unit so ships stop.
std::int32_t drag(std::int32_t v) noexcept {
    const std::int32_t d = v / (1 << kDragShift);
    if (d != 0) return v - d;
    return v > 0 ? v - 1 : (v < 0 ? v + 1 : 0);
}

struct Fnv {
    std::uint64_t h = 1469598103934665603ull;
    void add(std::uint64_t v) noexcept {
        for (int i = 0; i < 8; ++i) {
            h ^= (v >> (i * 8)) & 0xFFu;
            h *= 1099511628211ull;
        }
    }
};

}  // namespace

Arena Arena::standard() {
    Arena arena;
    auto r = [](int x, int y, int w, int h) { return Rect{x * kUnit, y * kUnit, w * kUnit, h * kUnit}; };
    // A symmetric level: a central block, four pillars, two long walls.
    arena.obstacles = {
        r(740, 440, 120, 120),
        r(300, 200, 60, 60), r(1240, 200, 60, 60), r(300, 740, 60, 60), r(1240, 740, 60, 60),
        r(560, 120, 480, 24), r(560, 856, 480, 24),
        r(120, 420, 24, 160), r(1456, 420, 24, 160),
    };
    auto p = [](int x, int y) { return Point{x * kUnit, y * kUnit}; };
    arena.spawns = {
        p(80, 80), p(800, 60), p(1520, 80), p(80, 920), p(800, 940), p(1520, 920),
        p(460, 500), p(1140, 500), p(800, 300), p(800, 700), p(200, 300), p(1400, 700),
    };
    return arena;
}

Input sanitise_wire(std::int8_t move_x, std::int8_t move_y, std::uint16_t aim, bool fire) noexcept {
    Input in;
    in.move_x = static_cast<std::int8_t>(std::max<int>(move_x, -127));
    in.move_y = static_cast<std::int8_t>(std::max<int>(move_y, -127));
    in.aim = aim;
    in.fire = fire;
    return in;
}

Input sanitise_intent(float move_x, float move_y, float aim_radians, bool fire) noexcept {
    if (!std::isfinite(move_x)) move_x = 0;
    if (!std::isfinite(move_y)) move_y = 0;
    if (!std::isfinite(aim_radians)) aim_radians = 0;
    move_x = std::clamp(move_x, -1.0f, 1.0f);
    move_y = std::clamp(move_y, -1.0f, 1.0f);
    const float len = std::sqrt(move_x * move_x + move_y * move_y);
    if (len > 1.0f) {
        move_x /= len;
        move_y /= len;
    }
    Input in;
    in.move_x = static_cast<std::int8_t>(std::lround(move_x * 127.0f));
    in.move_y = static_cast<std::int8_t>(std::lround(move_y * 127.0f));
    // Reduce first so the conversion never overflows.
    const double turns = std::fmod(static_cast<double>(aim_radians) / 6.283185307179586, 1.0);
    const long long q = std::llround((turns < 0 ? turns + 1.0 : turns) * 65536.0);
    in.aim = static_cast<std::uint16_t>(static_cast<unsigned long long>(q) & 0xFFFFu);
    in.fire = fire;
    return in;
}

Point direction_q16(std::uint16_t angle) noexcept {
    return {sin_q16(static_cast<std::uint16_t>(angle + 16384)), sin_q16(angle)};
}

bool circle_hits_rect(std::int32_t cx, std::int32_t cy, std::int32_t r, const Rect& rect) noexcept {
    const std::int64_t nx = std::clamp<std::int64_t>(cx, rect.x, std::int64_t{rect.x} + rect.w);
    const std::int64_t ny = std::clamp<std::int64_t>(cy, rect.y, std::int64_t{rect.y} + rect.h);
    return sq(cx - nx) + sq(cy - ny) < sq(r);
}

void step_movement(Body& body, const Input& input, const Arena& arena) noexcept {
    // Stick length above full scale (a forged frame) counts as full scale.
    std::int32_t mx = input.move_x, my = input.move_y;
    const std::int32_t len = isqrt(std::int64_t{mx} * mx + std::int64_t{my} * my);
    if (len > 127) {
        mx = mx * 127 / len;
        my = my * 127 / len;
    }
    body.vx = std::clamp(drag(body.vx) + mx * kAcceleration / 127, -kMaxSpeed, kMaxSpeed);
    body.vy = std::clamp(drag(body.vy) + my * kAcceleration / 127, -kMaxSpeed, kMaxSpeed);

    // Move each axis on its own so a ship slides along walls.
    const std::int32_t nx = body.x + body.vx * kVelocityUnit;
    if (hits_any(nx, body.y, kShipRadius, arena)) {
        body.vx = 0;
    } else {
        body.x = nx;
    }
    const std::int32_t ny = body.y + body.vy * kVelocityUnit;
    if (hits_any(body.x, ny, kShipRadius, arena)) {
        body.vy = 0;
    } else {
        body.y = ny;
    }
    if (body.x < kShipRadius || body.x > arena.width - kShipRadius) {
        body.x = std::clamp(body.x, kShipRadius, arena.width - kShipRadius);
        body.vx = 0;
    }
    if (body.y < kShipRadius || body.y > arena.height - kShipRadius) {
        body.y = std::clamp(body.y, kShipRadius, arena.height - kShipRadius);
        body.vy = 0;
    }
}

World::World(Arena arena) : arena_(std::move(arena)) {
    ships_.reserve(kMaxPlayers);
    projectiles_.reserve(256);
    reach_.reserve(kMaxPlayers);
    hits_.reserve(256);
    kills_.reserve(kMaxPlayers);
    respawns_.reserve(kMaxPlayers);
}

Ship* World::ship_(std::uint32_t player_id) noexcept {
    for (Ship& s : ships_) {
        if (s.player_id == player_id) return &s;
    }
    return nullptr;
}

const Ship* World::find_ship(std::uint32_t player_id) const noexcept {
    for (const Ship& s : ships_) {
        if (s.player_id == player_id) return &s;
    }
    return nullptr;
}

Point World::pick_spawn_(std::uint32_t salt) const noexcept {
    if (arena_.spawns.empty()) return {arena_.width / 2, arena_.height / 2};
    const std::size_t n = arena_.spawns.size();
    std::size_t best = salt % n;
    std::int64_t best_distance = -1;
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = (salt + k) % n;
        const Point sp = arena_.spawns[i];
        std::int64_t nearest = INT64_MAX;
        for (const Ship& s : ships_) {
            if (!s.alive) continue;
            nearest = std::min(nearest, sq(s.body.x - sp.x) + sq(s.body.y - sp.y));
        }
        if (nearest >= sq(kSpawnClearance)) return sp;  // the first free one
        if (nearest > best_distance) {
            best_distance = nearest;
            best = i;
        }
    }
    return arena_.spawns[best];  // none free: the one farthest from anybody
}

bool World::add_player(std::uint32_t player_id) {
    if (player_id == 0 || player_id > 0xFFFF || ships_.size() >= kMaxPlayers || ship_(player_id)) return false;
    Ship ship;
    ship.player_id = player_id;
    ship.entity_id = next_entity_id_++;
    const Point sp = pick_spawn_(player_id + tick_);
    ship.body.x = sp.x;
    ship.body.y = sp.y;
    ship.teleported = true;
    ship.spawned_tick = tick_;
    const auto at = std::lower_bound(ships_.begin(), ships_.end(), player_id,
                                     [](const Ship& s, std::uint32_t id) { return s.player_id < id; });
    ships_.insert(at, ship);
    return true;
}

void World::remove_player(std::uint32_t player_id) {
    std::erase_if(ships_, [&](const Ship& s) { return s.player_id == player_id; });
}

void World::set_input(std::uint32_t player_id, const Input& input, std::uint32_t shot_rewind_q8) noexcept {
    if (Ship* s = ship_(player_id)) {
        s->input = input;
        s->shot_rewind_q8 = std::min(shot_rewind_q8, kMaxRewindQ8);
    }
}

bool World::replace_held_moves(std::uint32_t player_id, int held_ticks, std::span<const Input> late) noexcept {
    Ship* s = ship_(player_id);
    if (s == nullptr || !s->alive || held_ticks <= 0 || held_ticks > kMaxReplacedHeldTicks ||
        static_cast<std::uint32_t>(held_ticks) > tick_) {
        return false;
    }
    const auto before = history_.body(player_id, tick_ - static_cast<std::uint32_t>(held_ticks), s->spawned_tick);
    if (!before) return false;
    Body body = *before;
    for (const Input& input : late.first(std::min(late.size(), static_cast<std::size_t>(held_ticks)))) {
        step_movement(body, input, arena_);
    }
    s->body = body;
    return true;
}

void World::place_ship(std::uint32_t player_id, std::int32_t x, std::int32_t y) {
    if (Ship* s = ship_(player_id)) {
        s->body = Body{x, y, 0, 0};
        s->alive = true;
        s->health = kMaxHealth;
        s->teleported = true;
        s->spawned_tick = tick_ + 1;  // there from the next tick on
    }
}

void World::set_health(std::uint32_t player_id, int health) noexcept {
    Ship* s = ship_(player_id);
    if (s != nullptr && s->alive) s->health = std::clamp(health, 1, kMaxHealth);
}

void World::fire_(Ship& ship) {
    const Point d = direction_q16(ship.aim);
    Projectile p;
    p.entity_id = next_entity_id_++;
    p.owner = ship.player_id;
    const std::int64_t muzzle = kShipRadius + kProjectileRadius + kUnit;
    p.body.x = ship.body.x + static_cast<std::int32_t>(d.x * muzzle / 65536);
    p.body.y = ship.body.y + static_cast<std::int32_t>(d.y * muzzle / 65536);
    p.body.vx = static_cast<std::int32_t>(std::int64_t{d.x} * kProjectileSpeed / 65536);
    p.body.vy = static_cast<std::int32_t>(std::int64_t{d.y} * kProjectileSpeed / 65536);
    p.rewind_q8 = ship.shot_rewind_q8;
    ship.cooldown = kFireCooldown;
    ++shots_fired_;
    projectiles_.push_back(p);
}

// The rewind holds for the first kRewindFullFlight ticks, then shrinks by a
// tick per tick of flight.
std::uint32_t World::rewind_now_(const Projectile& p) noexcept {
    std::uint32_t rewind = p.rewind_q8;
    if (p.age >= kRewindFullFlight) {
        const auto shrink = static_cast<std::uint32_t>(p.age - kRewindFullFlight + 1) * kTickQ8;
        rewind = rewind > shrink ? rewind - shrink : 0;
    }
    return rewind;
}

// `then`: the moment the shooter saw, or null for the present.
bool World::hits_ship_(const Projectile& p, const Ship& s, ShipHistory::Moment* then,
                       std::uint32_t then_tick) const noexcept {
    Point at{s.body.x, s.body.y};
    if (then != nullptr) {
        // (Re)spawned or teleported since: the ship the shooter saw is gone.
        if (s.spawned_tick > then_tick) return false;
        const auto was = then->position(s.player_id);
        if (!was) return false;  // dead, elsewhere or unknown at that time
        at = *was;
    }
    return sq(at.x - p.body.x) + sq(at.y - p.body.y) < sq(kShipRadius + kProjectileRadius);
}

void World::step_projectiles_() {
    if (projectiles_.empty()) return;
    // Where each ship may be at any time a projectile is judged at this tick:
    // most projectile-ship pairs end there.
    std::uint32_t longest_rewind = 0;
    for (const Projectile& p : projectiles_) longest_rewind = std::max(longest_rewind, rewind_now_(p));
    reach_.resize(ships_.size());
    const std::uint32_t rewound_ticks = (longest_rewind + kTickQ8 - 1) / kTickQ8;
    history_.reach(ships_, rewound_ticks < tick_ ? tick_ - rewound_ticks : 0, reach_);
    std::size_t keep = 0;
    for (std::size_t i = 0; i < projectiles_.size(); ++i) {
        Projectile p = projectiles_[i];
        p.body.x += p.body.vx * kVelocityUnit;
        p.body.y += p.body.vy * kVelocityUnit;
        bool gone = --p.ttl <= 0 || p.body.x < 0 || p.body.y < 0 || p.body.x > arena_.width ||
                    p.body.y > arena_.height || hits_any(p.body.x, p.body.y, kProjectileRadius, arena_);
        if (!gone) {
            // The moment this projectile is judged at, found once for every ship.
            const std::uint32_t rewind = rewind_now_(p);
            const std::uint64_t then_q8 = std::uint64_t{tick_} * kTickQ8 - rewind;
            ShipHistory::Moment moment = history_.at(then_q8);
            ShipHistory::Moment* then = rewind != 0 ? &moment : nullptr;
            for (std::size_t i = 0; i < ships_.size(); ++i) {
                Ship& s = ships_[i];
                if (!s.alive || s.player_id == p.owner) continue;
                if (reach_[i].farther_than(kShipRadius + kProjectileRadius, p.body.x, p.body.y)) continue;
                if (!hits_ship_(p, s, then, static_cast<std::uint32_t>(then_q8 / kTickQ8))) continue;
                gone = true;
                hits_.push_back({tick_, p.owner, s.player_id, p.entity_id, p.rewind_q8});
                s.health -= kDamage;
                if (s.health <= 0) {
                    s.health = 0;
                    s.alive = false;
                    s.respawn_in = kRespawnDelay;
                    s.body.vx = s.body.vy = 0;
                    ++s.deaths;
                    if (Ship* killer = ship_(p.owner)) {
                        ++killer->score;
                        ++killer->kills;
                    }
                    kills_.push_back({tick_, p.owner, s.player_id});
                }
                break;
            }
        }
        ++p.age;
        if (!gone) projectiles_[keep++] = p;
    }
    projectiles_.resize(keep);
}

void World::step() {
    ++tick_;
    kills_.clear();
    respawns_.clear();
    hits_.clear();
    shots_fired_ = 0;
    for (Ship& s : ships_) {
        s.teleported = false;
        if (s.cooldown > 0) --s.cooldown;
        if (!s.alive) {
            if (--s.respawn_in <= 0) {
                const Point sp = pick_spawn_(s.player_id + tick_);
                s.body = Body{sp.x, sp.y, 0, 0};
                s.alive = true;
                s.health = kMaxHealth;
                s.teleported = true;
                s.spawned_tick = tick_;
                s.cooldown = kFireCooldown;
                respawns_.push_back({tick_, s.player_id, s.entity_id, sp.x, sp.y});
            }
            continue;
        }
        s.aim = s.input.aim;
        step_movement(s.body, s.input, arena_);
        // The sim, not the client, enforces the rate of fire.
        if (s.input.fire && s.cooldown == 0) fire_(s);
    }
    // Where everyone is now that they moved: what later shots rewind to.
    history_.record(tick_, ships_);
    step_projectiles_();
}

std::uint64_t World::state_hash() const noexcept {
    Fnv f;
    f.add(tick_);
    f.add(next_entity_id_);
    for (const Ship& s : ships_) {
        f.add(s.player_id);
        f.add(s.entity_id);
        f.add(static_cast<std::uint32_t>(s.body.x));
        f.add(static_cast<std::uint32_t>(s.body.y));
        f.add(static_cast<std::uint32_t>(s.body.vx));
        f.add(static_cast<std::uint32_t>(s.body.vy));
        f.add(s.aim);
        f.add(static_cast<std::uint32_t>(s.health));
        f.add(s.alive ? 1 : 0);
        f.add(s.spawned_tick);
        f.add(static_cast<std::uint32_t>(s.cooldown));
        f.add(static_cast<std::uint32_t>(s.respawn_in));
        f.add(static_cast<std::uint32_t>(s.score));
        f.add(static_cast<std::uint32_t>(s.deaths));
        f.add(s.shot_rewind_q8);
    }
    for (const Projectile& p : projectiles_) {
        f.add(p.entity_id);
        f.add(p.owner);
        f.add(static_cast<std::uint32_t>(p.body.x));
        f.add(static_cast<std::uint32_t>(p.body.y));
        f.add(static_cast<std::uint32_t>(p.body.vx));
        f.add(static_cast<std::uint32_t>(p.body.vy));
        f.add(static_cast<std::uint32_t>(p.ttl));
        f.add(p.rewind_q8);
        f.add(static_cast<std::uint32_t>(p.age));
    }
    return f.h;
}

}  // namespace tickwire::game::sim
