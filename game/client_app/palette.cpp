#include "palette.hpp"

#include <algorithm>

namespace tickwire::game::client_app {

Color player_color(std::uint8_t index) noexcept {
    // Sixteen hues. The sim hands players indices 7 apart (player_colour:
    // id * 7 mod 16), so the table is laid out for players 1, 2, 3, ... to
    // get red, blue, green, gold, purple, teal, orange, pink, ... in turn.
    static constexpr Color kPalette[16] = {
        {230, 120, 90}, {255, 146, 76}, {255, 220, 140}, {178, 102, 255},
        {0, 200, 220}, {138, 221, 58}, {205, 225, 60}, {255, 89, 94},
        {255, 105, 180}, {100, 230, 110}, {40, 220, 170}, {240, 160, 255},
        {255, 202, 58}, {255, 64, 129}, {38, 196, 255}, {120, 144, 255},
    };
    return kPalette[index % 16];
}

Color shade(Color c, float t) noexcept {
    const auto mix = [t](std::uint8_t v) {
        const float f = static_cast<float>(v);
        const float r = t >= 0 ? f + (255.0f - f) * t : f * (1.0f + t);
        return static_cast<std::uint8_t>(std::clamp(r, 0.0f, 255.0f));
    };
    return {mix(c.r), mix(c.g), mix(c.b), c.a};
}

Color with_alpha(Color c, std::uint8_t a) noexcept {
    c.a = a;
    return c;
}

Color health_color(int health) noexcept {
    const float h = std::clamp(static_cast<float>(health) / 100.0f, 0.0f, 1.0f);
    const auto lerp = [](float a, float b, float t) { return static_cast<std::uint8_t>(a + (b - a) * t); };
    if (h > 0.5f) {
        const float t = (h - 0.5f) * 2.0f;  // amber -> green
        return {lerp(250, 80, t), lerp(190, 220, t), lerp(60, 110, t), 255};
    }
    const float t = h * 2.0f;  // red -> amber
    return {lerp(235, 250, t), lerp(60, 190, t), lerp(60, 60, t), 255};
}

}  // namespace tickwire::game::client_app
