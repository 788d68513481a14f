#include "world_renderer.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "palette.hpp"

namespace tickwire::game::client_app {
namespace {

constexpr float kGridStep = 50;   // world units between minor grid lines
constexpr int kMajorEvery = 5;    // every fifth line is a major one
constexpr float kBurstTime = 0.6f;  // seconds a destruction ring lasts
constexpr float kFlashTime = 0.15f;
constexpr float kTrailLength = 26;
constexpr float kEdgeInset = 14;    // off-screen arrows, pixels from the edge  // world units behind a projectile
// A projectile moves 12 units a tick; at 15 fps that is 48 a frame.
constexpr float kTrailMatch = 60;

bool on_screen(const Camera& c, float x, float y, float margin) {
    const float sx = c.to_screen_x(x);
    const float sy = c.to_screen_y(y);
    return sx > -margin && sy > -margin && sx < c.view_w() * c.scale() + margin &&
           sy < c.view_h() * c.scale() + margin;
}

}  // namespace

void WorldRenderer::draw(Renderer& r, const ClientView& view, const Camera& camera, float time_s) {
    track(view, time_s);
    const float s = camera.scale();
    r.clear(theme::kBackground);
    draw_floor(r, view, camera);

    // Obstacles: a soft drop shadow, the block, a lighter rim and a top bevel.
    for (const ObstacleView& o : view.obstacles) {
        const float x = camera.to_screen_x(o.x), y = camera.to_screen_y(o.y);
        const float w = o.w * s, h = o.h * s;
        r.fill_rect(x + 6 * s, y + 8 * s, w, h, {0, 0, 0, 90});
        r.fill_rect(x, y, w, h, theme::kObstacle);
        r.fill_rect(x + 3, y + 3, w - 6, std::min(h - 6, 5.0f * s), shade(theme::kObstacle, 0.12f));
        thick_rect(r, x, y, w, h, 2, theme::kObstacleEdge);
    }

    // Projectiles: a fading trail, a glow, then a hot core.
    last_shots_.swap(shots_);
    shots_.clear();
    for (const ProjectileView& p : view.projectiles) {
        ShotTrace trace{p.x, p.y, 0, 0};
        float best = kTrailMatch * kTrailMatch;
        for (const ShotTrace& old : last_shots_) {
            const float dx = p.x - old.x, dy = p.y - old.y;
            const float d2 = dx * dx + dy * dy;
            if (d2 < best && d2 > 0.01f) {
                best = d2;
                const float len = std::sqrt(d2);
                trace.dx = dx / len;
                trace.dy = dy / len;
            }
        }
        shots_.push_back(trace);
        if (!on_screen(camera, p.x, p.y, 40)) continue;
        const float x = camera.to_screen_x(p.x), y = camera.to_screen_y(p.y);
        const float rad = std::max(p.radius * s, 2.0f);
        const Color c = player_color(p.colour);
        if (trace.dx != 0 || trace.dy != 0) {
            const float len = kTrailLength * s;
            thick_line(r, x, y, x - trace.dx * len, y - trace.dy * len, rad * 1.6f, with_alpha(c, 50));
            thick_line(r, x, y, x - trace.dx * len * 0.6f, y - trace.dy * len * 0.6f, rad * 1.1f, with_alpha(c, 110));
        }
        r.fill_circle(x, y, rad * 2.8f, with_alpha(c, 40));
        r.fill_circle(x, y, rad * 1.7f, with_alpha(c, 110));
        r.fill_circle(x, y, rad, shade(c, 0.65f));
    }

    for (const ShipView& ship : view.ships) {
        if (!on_screen(camera, ship.x, ship.y, 60)) continue;
        if (ship.alive) {
            draw_ship(r, ship, camera, time_s);
        } else if (ship.local) {
            // Where you went down: a faint dashed ring until the respawn.
            const float x = camera.to_screen_x(ship.x), y = camera.to_screen_y(ship.y);
            const float rad = std::max(ship.radius * s, 6.0f) + 4;
            for (int i = 0; i < 12; i += 2) {
                const float a0 = static_cast<float>(i) * 0.5236f + time_s, a1 = a0 + 0.5236f;
                thick_line(r, x + std::cos(a0) * rad, y + std::sin(a0) * rad, x + std::cos(a1) * rad,
                           y + std::sin(a1) * rad, 2, with_alpha(player_color(ship.colour), 120));
            }
        }
    }

    // Destruction rings.
    for (const Burst& b : bursts_) {
        const float t = (time_s - b.start) / kBurstTime;
        if (t < 0 || t >= 1) continue;
        const float x = camera.to_screen_x(b.x), y = camera.to_screen_y(b.y);
        const auto fade = static_cast<std::uint8_t>(230 * (1 - t));
        const float rad = (b.radius + 60 * t) * s;
        // A white-hot flash that shrinks, a shock ring, and debris flying out.
        if (t < 0.35f) {
            const float k = 1 - t / 0.35f;
            r.fill_circle(x, y, b.radius * s * (1.2f + t), {255, 240, 210, static_cast<std::uint8_t>(200 * k)});
        }
        r.draw_circle(x, y, rad, with_alpha(shade(b.color, 0.5f), fade));
        r.draw_circle(x, y, rad + 1, with_alpha(shade(b.color, 0.5f), static_cast<std::uint8_t>(fade / 2)));
        for (int i = 0; i < 10; ++i) {
            const float a = static_cast<float>(i) * 0.628318f + b.start * 3.0f;
            const float d = rad * (0.55f + 0.08f * static_cast<float>(i % 3));
            r.fill_circle(x + std::cos(a) * d, y + std::sin(a) * d, 2.5f * (1 - t) + 1,
                          with_alpha(shade(b.color, 0.3f), fade));
        }
    }

    // Labels last, so no ship covers another's name.
    for (const ShipView& ship : view.ships) {
        if (ship.alive && on_screen(camera, ship.x, ship.y, 80)) draw_ship_labels(r, ship, camera);
    }

    // Opponents out of view: an arrow at the window's edge points at each.
    const float sw = static_cast<float>(r.width()), sh = static_cast<float>(r.height());
    const float cx = sw / 2, cy = sh / 2;
    for (const ShipView& ship : view.ships) {
        if (!ship.alive || ship.local || on_screen(camera, ship.x, ship.y, -10)) continue;
        const float dx = camera.to_screen_x(ship.x) - cx, dy = camera.to_screen_y(ship.y) - cy;
        // Scale the direction onto a rectangle inset from the edges.
        const float k = std::min((cx - kEdgeInset) / std::max(std::abs(dx), 1e-3f),
                                 (cy - kEdgeInset) / std::max(std::abs(dy), 1e-3f));
        const float ex = cx + dx * k, ey = cy + dy * k;
        const float len = std::sqrt(dx * dx + dy * dy);
        const float ux = dx / len, uy = dy / len;
        const Color c = player_color(ship.colour);
        r.fill_triangle(ex + ux * 9, ey + uy * 9, ex - uy * 7 - ux * 5, ey + ux * 7 - uy * 5, ex + uy * 7 - ux * 5,
                        ey - ux * 7 - uy * 5, with_alpha(c, 200));
    }
}

void WorldRenderer::track(const ClientView& view, float time_s) {
    ++frame_;
    for (const ShipView& ship : view.ships) {
        auto [it, inserted] = tracked_.try_emplace(ship.entity_id);
        Tracked& t = it->second;
        if (!inserted && t.alive && ship.alive && ship.health < t.health) t.flash_until = time_s + kFlashTime;
        if (!inserted && t.alive && !ship.alive) {
            bursts_.push_back({ship.x, ship.y, ship.radius, time_s, player_color(ship.colour)});
        }
        const float dt = time_s - t.last_time;
        if (!inserted && ship.alive && t.alive && dt > 1e-4f && dt < 0.25f) {
            // Exponential smoothing over ~80 ms: steady flames at any frame rate.
            const float k = std::min(1.0f, dt / 0.08f);
            t.vx += ((ship.x - t.x) / dt - t.vx) * k;
            t.vy += ((ship.y - t.y) / dt - t.vy) * k;
        } else {
            t.vx = t.vy = 0;
        }
        t.x = ship.x;
        t.y = ship.y;
        t.last_time = time_s;
        t.health = ship.health;
        t.alive = ship.alive;
        t.seen_frame = frame_;
    }
    std::erase_if(tracked_, [this](const auto& kv) { return kv.second.seen_frame != frame_; });
    std::erase_if(bursts_, [time_s](const Burst& b) { return time_s - b.start >= kBurstTime; });
}

void WorldRenderer::draw_floor(Renderer& r, const ClientView& view, const Camera& camera) {
    if (view.arena_w <= 0 || view.arena_h <= 0) return;
    const float s = camera.scale();
    const float x0 = camera.to_screen_x(0), y0 = camera.to_screen_y(0);
    const float w = view.arena_w * s, h = view.arena_h * s;

    // Outer glow, then the floor.
    for (int i = 4; i >= 1; --i) {
        const float g = static_cast<float>(i) * 5;
        r.fill_rect(x0 - g, y0 - g, w + 2 * g, h + 2 * g, with_alpha(theme::kBorder, static_cast<std::uint8_t>(10 + 6 * (4 - i))));
    }
    r.fill_rect(x0, y0, w, h, theme::kFloor);

    // Grid, only the lines in view.
    const int first_x = std::max(0, static_cast<int>(std::floor(camera.view_x() / kGridStep)));
    const int last_x = std::min(static_cast<int>(view.arena_w / kGridStep),
                                static_cast<int>(std::ceil((camera.view_x() + camera.view_w()) / kGridStep)));
    for (int i = first_x; i <= last_x; ++i) {
        const float x = camera.to_screen_x(static_cast<float>(i) * kGridStep);
        r.draw_line(x, y0, x, y0 + h, i % kMajorEvery == 0 ? theme::kGridMajor : theme::kGridMinor);
    }
    const int first_y = std::max(0, static_cast<int>(std::floor(camera.view_y() / kGridStep)));
    const int last_y = std::min(static_cast<int>(view.arena_h / kGridStep),
                                static_cast<int>(std::ceil((camera.view_y() + camera.view_h()) / kGridStep)));
    for (int i = first_y; i <= last_y; ++i) {
        const float y = camera.to_screen_y(static_cast<float>(i) * kGridStep);
        r.draw_line(x0, y, x0 + w, y, i % kMajorEvery == 0 ? theme::kGridMajor : theme::kGridMinor);
    }

    // Border: a bright rail with corner brackets.
    thick_rect(r, x0 - 3, y0 - 3, w + 6, h + 6, 3, theme::kBorder);
    const float c = 28;
    const Color bright = shade(theme::kBorder, 0.5f);
    for (const auto& [cx, cy, dx, dy] : {std::array<float, 4>{x0 - 3, y0 - 3, 1, 1}, {x0 + w + 3, y0 - 3, -1, 1},
                                        {x0 - 3, y0 + h + 3, 1, -1}, {x0 + w + 3, y0 + h + 3, -1, -1}}) {
        thick_line(r, cx, cy + dy * 1.5f, cx + dx * c, cy + dy * 1.5f, 3, bright);
        thick_line(r, cx + dx * 1.5f, cy, cx + dx * 1.5f, cy + dy * c, 3, bright);
    }
}

void WorldRenderer::draw_ship(Renderer& r, const ShipView& ship, const Camera& camera, float time_s) {
    const float s = camera.scale();
    const float x = camera.to_screen_x(ship.x), y = camera.to_screen_y(ship.y);
    const float rad = std::max(ship.radius * s, 6.0f);
    const Color c = player_color(ship.colour);
    const float ca = std::cos(ship.angle), sa = std::sin(ship.angle);

    const auto it = tracked_.find(ship.entity_id);
    r.fill_circle(x + 4, y + 6, rad, {0, 0, 0, 80});  // shadow

    // Engine flame, behind the ship along its velocity, longer when faster.
    if (it != tracked_.end()) {
        const float vx = it->second.vx, vy = it->second.vy;
        const float speed = std::sqrt(vx * vx + vy * vy);
        if (speed > 30) {
            const float ux = -vx / speed, uy = -vy / speed;
            const float flicker = 0.85f + 0.15f * std::sin(time_s * 40.0f + static_cast<float>(ship.entity_id));
            const float len = std::min(speed / 300.0f, 1.2f) * rad * 1.3f * flicker * s;
            const float bx = x + ux * rad * 0.7f, by = y + uy * rad * 0.7f;
            const float px = -uy * rad * 0.5f, py = ux * rad * 0.5f;
            r.fill_triangle(bx + px, by + py, bx - px, by - py, bx + ux * (len + rad * 0.4f),
                            by + uy * (len + rad * 0.4f), {255, 140, 40, 150});
            r.fill_triangle(bx + px * 0.5f, by + py * 0.5f, bx - px * 0.5f, by - py * 0.5f, bx + ux * len * 0.8f,
                            by + uy * len * 0.8f, {255, 230, 150, 220});
        }
    }
    if (ship.local) {
        // Own ship: a soft halo and a pulsing white ring.
        const float pulse = 0.5f + 0.5f * std::sin(time_s * 4.0f);
        r.fill_circle(x, y, rad + 14, with_alpha(c, 34));
        r.draw_circle(x, y, rad + 7 + 1.5f * pulse, {255, 255, 255, static_cast<std::uint8_t>(150 + 80 * pulse)});
        r.draw_circle(x, y, rad + 8 + 1.5f * pulse, {255, 255, 255, 60});
        // Aim guide: fading dots along the heading.
        for (int i = 0; i < 6; ++i) {
            const float d = rad + 22 + static_cast<float>(i) * 16;
            r.fill_circle(x + ca * d, y + sa * d, 2.2f, {255, 255, 255, static_cast<std::uint8_t>(170 - i * 26)});
        }
    }

    // Nose: a wedge from the hull's rim to a point ahead of it.
    const float tip = rad + 10 * s + 2;
    const float wing = 0.62f;
    r.fill_triangle(x + ca * tip, y + sa * tip, x + std::cos(ship.angle + wing) * rad * 0.95f,
                    y + std::sin(ship.angle + wing) * rad * 0.95f, x + std::cos(ship.angle - wing) * rad * 0.95f,
                    y + std::sin(ship.angle - wing) * rad * 0.95f, shade(c, 0.45f));
    // Hull: dark rim, body, cockpit.
    r.fill_circle(x, y, rad, shade(c, -0.35f));
    r.fill_circle(x, y, rad * 0.82f, c);
    r.fill_circle(x - rad * 0.22f, y - rad * 0.25f, rad * 0.35f, with_alpha(shade(c, 0.5f), 140));
    r.fill_circle(x + ca * rad * 0.3f, y + sa * rad * 0.3f, rad * 0.3f, shade(c, -0.6f));
    r.draw_circle(x, y, rad, shade(c, 0.35f));

    if (it != tracked_.end() && it->second.flash_until > time_s) {
        const float t = (it->second.flash_until - time_s) / kFlashTime;
        r.fill_circle(x, y, rad + 2, {255, 255, 255, static_cast<std::uint8_t>(200 * t)});
    }
}

void WorldRenderer::draw_ship_labels(Renderer& r, const ShipView& ship, const Camera& camera) {
    const float s = camera.scale();
    const float x = camera.to_screen_x(ship.x), y = camera.to_screen_y(ship.y);
    const float rad = std::max(ship.radius * s, 6.0f);

    // Name above.
    constexpr int kNameSize = 13;
    const engine::TextSize ts = r.measure_text(ship.name, kNameSize);
    const float tx = std::round(x - static_cast<float>(ts.width) / 2);
    const float ty = std::round(y - rad - 16 - static_cast<float>(ts.height));
    r.fill_rect(tx - 5, ty - 1, static_cast<float>(ts.width) + 10, static_cast<float>(ts.height) + 2, {0, 0, 0, 120});
    r.draw_text(tx, ty, ship.name, ship.local ? Color{255, 255, 255} : shade(player_color(ship.colour), 0.55f),
                kNameSize);

    // Health bar just above the hull.
    const float bw = std::max(36.0f, rad * 2.2f), bh = 5;
    const float bx = std::round(x - bw / 2), by = std::round(y - rad - 12);
    r.fill_rect(bx - 1, by - 1, bw + 2, bh + 2, {0, 0, 0, 170});
    bar(r, bx, by, bw, bh, static_cast<float>(ship.health) / 100.0f, health_color(ship.health), {60, 20, 24, 255});
}

}  // namespace tickwire::game::client_app
