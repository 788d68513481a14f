// DEV ONLY: see fake_match.hpp.
#include "fake_match.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace tickwire::game::client_app {
namespace {
// Roughly the real sim's numbers (game/sim), so the picture is realistic.
constexpr float kArenaW = 1600, kArenaH = 1000;
constexpr float kShipRadius = 14, kShotRadius = 3;
constexpr float kShipSpeed = 5, kShotSpeed = 12;
constexpr int kTickRate = 60;
}  // namespace

FakeMatch::FakeMatch(std::string name, std::string state) : state_(std::move(state)) {
    obstacles_ = {{740, 440, 120, 120}, {300, 200, 60, 60},  {1240, 200, 60, 60}, {300, 740, 60, 60},
                  {1240, 740, 60, 60},  {560, 120, 480, 24}, {560, 856, 480, 24}, {120, 420, 24, 160},
                  {1456, 420, 24, 160}};
    const char* names[] = {"bot-ana", "bot-bo", "bot-cy", "bot-dee", "bot-eli"};
    Ship you;
    you.id = 1;
    you.name = std::move(name);
    you.colour = 7;  // as the sim's player_colour(id) = id * 7 mod 16
    ships_.push_back(you);
    for (std::uint32_t i = 0; i < 5; ++i) {
        Ship s;
        s.id = i + 2;
        s.name = names[i];
        s.colour = static_cast<std::uint8_t>((s.id * 7) % 16);
        s.score = static_cast<int>(7 - i) * 2;
        s.kills = static_cast<int>(7 - i);
        s.deaths = static_cast<int>(i + 1);
        ships_.push_back(s);
    }
    for (Ship& s : ships_) spawn(s);
    ships_[0].x = ships_[0].px = 640;
    ships_[0].y = ships_[0].py = 620;
    ships_[1].x = ships_[1].px = 980;
    ships_[1].y = ships_[1].py = 380;
    ships_[2].x = ships_[2].px = 480;
    ships_[2].y = ships_[2].py = 340;
    ships_[3].x = ships_[3].px = 1000;
    ships_[3].y = ships_[3].py = 720;
    if (state_ == "dead") {
        ships_[0].health = 0;
        ships_[0].respawn = 3 * kTickRate;
    }
    chat_ = {{"", "bot-ana joined", 0},
             {"", "bot-bo joined", 0},
             {"bot-ana", "gl hf", 14},
             {"", you.name + " joined", 0},
             {"bot-bo", "the middle pillar is mine, stay away from it or you will regret it!", 5}};
}

bool FakeMatch::blocked(float x, float y, float radius) const {
    if (x < radius || y < radius || x > kArenaW - radius || y > kArenaH - radius) return true;
    for (const ObstacleView& o : obstacles_) {
        const float cx = std::clamp(x, o.x, o.x + o.w), cy = std::clamp(y, o.y, o.y + o.h);
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) < radius * radius) return true;
    }
    return false;
}

void FakeMatch::spawn(Ship& ship) {
    std::uniform_real_distribution<float> ux(100, kArenaW - 100), uy(100, kArenaH - 100);
    do {
        ship.x = ux(rng_);
        ship.y = uy(rng_);
    } while (blocked(ship.x, ship.y, kShipRadius + 10));
    ship.px = ship.x;
    ship.py = ship.y;
    ship.health = 100;
}

void FakeMatch::fire(Ship& ship) {
    Shot s;
    s.vx = std::cos(ship.angle) * kShotSpeed;
    s.vy = std::sin(ship.angle) * kShotSpeed;
    s.x = s.px = ship.x + std::cos(ship.angle) * (kShipRadius + 8);
    s.y = s.py = ship.y + std::sin(ship.angle) * (kShipRadius + 8);
    s.owner = ship.id;
    s.life = 90;
    shots_.push_back(s);
    ship.cooldown = 12;
}

void FakeMatch::step() {
    ++tick_;
    if (closing_ticks_ > 0) --closing_ticks_;
    std::uniform_real_distribution<float> turn(-0.25f, 0.25f);
    for (std::size_t i = 0; i < ships_.size(); ++i) {
        Ship& s = ships_[i];
        s.px = s.x;
        s.py = s.y;
        if (s.cooldown > 0) --s.cooldown;
        if (s.health <= 0) {
            if (--s.respawn <= 0) spawn(s);
            continue;
        }
        float mx = 0, my = 0;
        if (i == 0) {
            mx = intent_.move_x;
            my = intent_.move_y;
            s.angle = intent_.aim;
            if (intent_.fire && s.cooldown == 0) fire(s);
        } else {
            s.heading += turn(rng_) * 0.3f;
            mx = std::cos(s.heading) * 0.8f;
            my = std::sin(s.heading) * 0.8f;
            const Ship& target = ships_[(i + 1) % ships_.size()];
            const float want = std::atan2(target.y - s.y, target.x - s.x);
            float d = std::remainder(want - s.angle, 6.2831853f);
            s.angle += std::clamp(d, -0.06f, 0.06f);
            if (std::abs(d) < 0.2f && s.cooldown == 0 && (tick_ + i * 7) % 40 == 0) fire(s);
        }
        const float nx = s.x + mx * kShipSpeed, ny = s.y + my * kShipSpeed;
        if (!blocked(nx, s.y, kShipRadius)) s.x = nx;
        else s.heading = 3.14159f - s.heading;
        if (!blocked(s.x, ny, kShipRadius)) s.y = ny;
        else s.heading = -s.heading;
    }
    for (Shot& p : shots_) {
        p.px = p.x;
        p.py = p.y;
        p.x += p.vx;
        p.y += p.vy;
        --p.life;
        if (blocked(p.x, p.y, kShotRadius)) p.life = 0;
        for (Ship& s : ships_) {
            if (p.life <= 0 || s.id == p.owner || s.health <= 0) continue;
            if ((s.x - p.x) * (s.x - p.x) + (s.y - p.y) * (s.y - p.y) > (kShipRadius + kShotRadius) * (kShipRadius + kShotRadius)) continue;
            p.life = 0;
            s.health -= 20;
            if (s.health <= 0) {
                s.respawn = 2 * kTickRate;
                ++s.deaths;
                for (Ship& killer : ships_) {
                    if (killer.id != p.owner) continue;
                    killer.score += 2;
                    ++killer.kills;
                    chat_.push_back({"", killer.name + " destroyed " + s.name, 0});
                }
            }
        }
    }
    std::erase_if(shots_, [](const Shot& p) { return p.life <= 0; });
    if (tick_ % 600 == 300) chat_.push_back({"bot-cy", "nice shot", 12});
    if (chat_.size() > 50) chat_.erase(chat_.begin());
}

void FakeMatch::send_chat(std::string_view text) { chat_.push_back({ships_[0].name, std::string(text), 7}); }

const ClientView& FakeMatch::view(float alpha) {
    ClientView& v = view_;
    const float t = static_cast<float>(tick_) / kTickRate;
    v.room = "demo";
    v.status = ConnectionStatus::joined;
    v.status_text.clear();
    if (state_ == "connecting" || (state_.empty() && tick_ < 30)) {
        v.status = ConnectionStatus::connecting;
        v.status_text = "connecting to ws://127.0.0.1:7777/room/demo…";
    } else if (state_ == "reconnecting") {
        v.status = ConnectionStatus::reconnecting;
        v.status_text = "reconnecting in 2 s… (connection refused)";
    } else if (state_ == "closed") {
        v.status = ConnectionStatus::closed;
        v.status_text = "server closed: shutting down (1001)";
    }
    v.arena_w = kArenaW;
    v.arena_h = kArenaH;
    v.obstacles = obstacles_;
    v.ships.clear();
    for (const Ship& s : ships_) {
        ShipView sv;
        sv.entity_id = s.id + 100;
        sv.player_id = s.id;
        sv.x = s.px + (s.x - s.px) * alpha;
        sv.y = s.py + (s.y - s.py) * alpha;
        sv.angle = s.angle;
        sv.radius = kShipRadius;
        sv.health = static_cast<std::uint8_t>(std::max(s.health, 0));
        sv.colour = s.colour;
        sv.alive = s.health > 0;
        sv.local = s.id == 1;
        sv.name = s.name;
        v.ships.push_back(std::move(sv));
    }
    v.projectiles.clear();
    for (const Shot& p : shots_) {
        const auto& owner = *std::find_if(ships_.begin(), ships_.end(), [&p](const Ship& s) { return s.id == p.owner; });
        v.projectiles.push_back({p.px + (p.x - p.px) * alpha, p.py + (p.y - p.py) * alpha, kShotRadius, owner.colour});
    }
    v.scoreboard.clear();
    for (const Ship& s : ships_) v.scoreboard.push_back({s.id, s.name, s.colour, s.score, s.kills, s.deaths, s.id == 1});
    std::sort(v.scoreboard.begin(), v.scoreboard.end(), [](const ScoreRow& a, const ScoreRow& b) { return a.score > b.score; });
    v.chat = chat_;
    v.net.rtt_ms = 38 + 6 * std::sin(t * 0.7f) + 3 * std::sin(t * 5.3f);
    v.net.clock_rtt_ms = v.net.rtt_ms + 17;
    v.net.jitter_ms = 2.5f + 1.5f * std::sin(t * 1.3f);
    v.net.snapshot_rate_hz = 30;
    v.net.bytes_in_per_s = 5200 + 900 * std::sin(t * 0.9f);
    v.net.bytes_out_per_s = 1900 + 200 * std::sin(t * 2.1f);
    v.net.corrections_per_s = 0.2f;
    v.net.interpolation_delay_ms = 72 + v.net.jitter_ms;
    v.net.time_scale = 1.0f + 0.01f * std::sin(t * 0.4f);
    v.net.input_lead_ticks = 1.4f + 0.3f * std::sin(t * 0.4f);
    v.net.server_tick = tick_ + 12000;
    v.respawn_in_s = ships_[0].health <= 0 ? static_cast<float>(ships_[0].respawn) / kTickRate : 0;
    return v;
}

}  // namespace tickwire::game::client_app
