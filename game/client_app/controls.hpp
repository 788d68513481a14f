#pragma once
// Controls: turns the keyboard and mouse (engine::InputState) into the
// PlayerIntent ClientCore sends: WASD or arrows move, the mouse aims (the
// angle from the own ship to the pointer, in world coordinates), the left
// button or Space fires. While the chat line is being typed, the keyboard
// belongs to the chat: the ship stops, only the mouse aims and fires.
//
// Thread: the game thread.

#include "camera.hpp"
#include "tickwire/engine/input_state.hpp"
#include "tickwire/game/client_view.hpp"

namespace tickwire::game::client_app {

class Controls {
public:
    /// `own` is the local ship from the last view (null when there is none:
    /// the aim then stays where it was).
    [[nodiscard]] PlayerIntent sample(const engine::InputState& input, const Camera& camera, const ShipView* own,
                                      bool typing);

    /// Mouse in world coordinates, as of the last sample.
    [[nodiscard]] float mouse_world_x() const noexcept { return mouse_x_; }
    [[nodiscard]] float mouse_world_y() const noexcept { return mouse_y_; }

private:
    float aim_ = 0;
    float mouse_x_ = 0, mouse_y_ = 0;
};

}  // namespace tickwire::game::client_app
