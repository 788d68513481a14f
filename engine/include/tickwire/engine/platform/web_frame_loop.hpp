#pragma once
// The frame loop of a page: the browser calls the game once per animation
// frame (requestAnimationFrame, in step with the display), since nothing may
// block a page's thread. A native game calls its loop in a while() instead.
//
// Thread: the page's thread.

#include <functional>

namespace tickwire::engine {

/// Calls `frame` on every animation frame until it returns false, then
/// `done` (may be empty). Returns at once: the page's event loop runs the
/// frames after main() returns. Animation frames pause while the page is
/// hidden (a background tab).
void run_on_animation_frames(std::function<bool()> frame, std::function<void()> done = {});

}  // namespace tickwire::engine
