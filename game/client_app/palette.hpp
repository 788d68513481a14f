#pragma once
// The client's colours: the per-player palette (ClientView colour indices)
// and the UI theme. Pure functions and constants; any thread.

#include <cstdint>

#include "tickwire/engine/renderer.hpp"

namespace tickwire::game::client_app {

using engine::Color;

/// Player colour for a ClientView palette index (wraps around 16 hues).
[[nodiscard]] Color player_color(std::uint8_t index) noexcept;

/// `c` moved towards white (t > 0) or black (t < 0) by |t| in 0..1.
[[nodiscard]] Color shade(Color c, float t) noexcept;
[[nodiscard]] Color with_alpha(Color c, std::uint8_t a) noexcept;
/// Health bar colour: green at 100, amber at 50, red near 0.
[[nodiscard]] Color health_color(int health) noexcept;

namespace theme {
inline constexpr Color kBackground{9, 11, 18};
inline constexpr Color kFloor{17, 21, 33};
inline constexpr Color kGridMinor{25, 31, 47};
inline constexpr Color kGridMajor{36, 45, 68};
inline constexpr Color kBorder{86, 140, 255};
inline constexpr Color kObstacle{38, 46, 70};
inline constexpr Color kObstacleEdge{92, 112, 168};
inline constexpr Color kPanel{8, 10, 18, 200};
inline constexpr Color kPanelEdge{60, 74, 110, 255};
inline constexpr Color kText{228, 232, 242};
inline constexpr Color kTextDim{140, 150, 178};
inline constexpr Color kAccent{110, 170, 255};
inline constexpr Color kSystem{250, 204, 96};
inline constexpr Color kWarning{255, 120, 90};
}  // namespace theme

}  // namespace tickwire::game::client_app
