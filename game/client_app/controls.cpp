#include "controls.hpp"

#include <cmath>

namespace tickwire::game::client_app {

using engine::Key;
using engine::MouseButton;

PlayerIntent Controls::sample(const engine::InputState& input, const Camera& camera, const ShipView* own,
                              bool typing) {
    PlayerIntent intent;
    if (!typing) {
        const auto axis = [&input](Key neg_a, Key neg_b, Key pos_a, Key pos_b) {
            float v = 0;
            if (input.down(neg_a) || input.down(neg_b)) v -= 1;
            if (input.down(pos_a) || input.down(pos_b)) v += 1;
            return v;
        };
        intent.move_x = axis(Key::kA, Key::kLeft, Key::kD, Key::kRight);
        intent.move_y = axis(Key::kW, Key::kUp, Key::kS, Key::kDown);
        // Diagonals are no faster than straight lines.
        if (intent.move_x != 0 && intent.move_y != 0) {
            constexpr float kInvSqrt2 = 0.70710678f;
            intent.move_x *= kInvSqrt2;
            intent.move_y *= kInvSqrt2;
        }
    }
    mouse_x_ = camera.to_world_x(static_cast<float>(input.mouse_x()));
    mouse_y_ = camera.to_world_y(static_cast<float>(input.mouse_y()));
    if (own != nullptr) {
        const float dx = mouse_x_ - own->x;
        const float dy = mouse_y_ - own->y;
        // A pointer right on the ship has no direction: keep the last aim.
        if (dx * dx + dy * dy > 1.0f) aim_ = std::atan2(dy, dx);
    }
    intent.aim = aim_;
    intent.fire = input.mouse_down(MouseButton::kLeft) || (!typing && input.down(Key::kSpace));
    return intent;
}

}  // namespace tickwire::game::client_app
