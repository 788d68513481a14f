#include "camera.hpp"

#include <algorithm>

namespace tickwire::game::client_app {
namespace {
// Room kept around an arena that is centred, for its border glow.
constexpr float kMargin = 24;
// Below this, shrinking to fit makes ships too small to read: follow instead.
constexpr float kMinFitScale = 0.7f;
// How far past the arena's edge a following camera may look.
constexpr float kMaxZoom = 2;
constexpr float kOverscroll = 90;  // clears the HUD panels at the edges
}  // namespace

void Camera::update(float arena_w, float arena_h, int screen_w, int screen_h, float focus_x, float focus_y) {
    screen_w_ = static_cast<float>(std::max(screen_w, 1));
    screen_h_ = static_cast<float>(std::max(screen_h, 1));
    if (arena_w <= 0 || arena_h <= 0) {  // nothing known yet
        scale_ = 1;
        following_ = false;
        origin_x_ = focus_x - screen_w_ / 2;
        origin_y_ = focus_y - screen_h_ / 2;
        return;
    }
    const float fit = std::min((screen_w_ - 2 * kMargin) / arena_w, (screen_h_ - 2 * kMargin) / arena_h);
    if (zoom_ > 0) {
        zoom_ = std::clamp(zoom_, std::min(fit, 1.0f), kMaxZoom);
        scale_ = zoom_;
    } else {
        scale_ = fit >= kMinFitScale ? std::min(fit, 1.0f) : 1.0f;
    }
    if (scale_ <= fit * 1.001f) {
        following_ = false;
        origin_x_ = arena_w / 2 - screen_w_ / scale_ / 2;
        origin_y_ = arena_h / 2 - screen_h_ / scale_ / 2;
        return;
    }
    following_ = true;
    // Centre on the ship, then clamp each axis to the arena (plus overscroll);
    // an axis shorter than the window stays centred.
    const float view_w = screen_w_ / scale_, view_h = screen_h_ / scale_;
    const auto axis = [](float focus, float arena, float screen) {
        if (arena + 2 * kOverscroll <= screen) return arena / 2 - screen / 2;
        return std::clamp(focus - screen / 2, -kOverscroll, arena + kOverscroll - screen);
    };
    origin_x_ = axis(focus_x, arena_w, view_w);
    origin_y_ = axis(focus_y, arena_h, view_h);
}

}  // namespace tickwire::game::client_app
