#pragma once
// Camera: maps world units to window pixels. An arena that fits the window
// is centred (scaled down a little if that makes it fit); a larger one is
// followed around the own ship at 1:1, clamped so the view does not drift
// far past the arena's edges. The mouse wheel zooms (zoom_by): out until the
// whole arena shows, in up to 2:1.
//
// Thread: the game thread (plain value type).

namespace tickwire::game::client_app {

class Camera {
public:
    /// Recomputes the mapping for this frame. `focus_*` is the own ship (or
    /// the arena centre when there is none).
    void update(float arena_w, float arena_h, int screen_w, int screen_h, float focus_x, float focus_y);
    /// Multiplies the zoom by `factor` (the next update clamps it).
    void zoom_by(float factor) noexcept { zoom_ = (zoom_ > 0 ? zoom_ : scale_) * factor; }

    [[nodiscard]] float to_screen_x(float wx) const noexcept { return (wx - origin_x_) * scale_; }
    [[nodiscard]] float to_screen_y(float wy) const noexcept { return (wy - origin_y_) * scale_; }
    [[nodiscard]] float to_world_x(float sx) const noexcept { return sx / scale_ + origin_x_; }
    [[nodiscard]] float to_world_y(float sy) const noexcept { return sy / scale_ + origin_y_; }
    [[nodiscard]] float scale() const noexcept { return scale_; }
    /// True when the arena is larger than the window (a minimap helps).
    [[nodiscard]] bool following() const noexcept { return following_; }
    /// Visible world rectangle.
    [[nodiscard]] float view_x() const noexcept { return origin_x_; }
    [[nodiscard]] float view_y() const noexcept { return origin_y_; }
    [[nodiscard]] float view_w() const noexcept { return screen_w_ / scale_; }
    [[nodiscard]] float view_h() const noexcept { return screen_h_ / scale_; }

private:
    float scale_ = 1;
    float zoom_ = 0;  // the player's zoom; 0 = automatic
    float origin_x_ = 0, origin_y_ = 0;  // world point at the window's top-left
    float screen_w_ = 1, screen_h_ = 1;
    bool following_ = false;
};

}  // namespace tickwire::game::client_app
