#include "tickwire/engine/platform/web_frame_loop.hpp"

#include <memory>
#include <utility>

#include <emscripten/html5.h>

namespace tickwire::engine {
namespace {

struct FrameLoop {
    std::function<bool()> frame;
    std::function<void()> done;
};

EM_BOOL on_animation_frame(double, void* user) {
    auto* loop = static_cast<FrameLoop*>(user);
    if (loop->frame()) return EM_TRUE;
    // The last frame: no more are requested after this returns false.
    std::unique_ptr<FrameLoop> owned(loop);
    if (owned->done) owned->done();
    return EM_FALSE;
}

}  // namespace

void run_on_animation_frames(std::function<bool()> frame, std::function<void()> done) {
    auto loop = std::make_unique<FrameLoop>(FrameLoop{std::move(frame), std::move(done)});
    emscripten_request_animation_frame_loop(on_animation_frame, loop.release());
}

}  // namespace tickwire::engine
