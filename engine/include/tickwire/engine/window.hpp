#pragma once
// Window: where a game client draws and where its input comes from, as the
// game sees it whatever the platform: an SDL2 window natively
// (platform/sdl_window.hpp), a canvas in a browser page
// (platform/web_window.hpp). The game's frame loop polls it once a frame and
// draws through its renderer().
//
// Thread: the game thread (SDL's main thread natively; the page's thread in
// a browser).

#include <string>

#include "tickwire/engine/input_state.hpp"
#include "tickwire/engine/renderer.hpp"

namespace tickwire::engine {

class Window {
public:
    virtual ~Window() = default;
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    /// Starts a new input frame (InputState::begin_frame) and applies every
    /// input event since the last call. Call once per frame (poll_input hook).
    virtual void poll_events(InputState& input) = 0;

    /// Text input for a chat box: on while typing.
    virtual void start_text_input() = 0;
    virtual void stop_text_input() = 0;
    [[nodiscard]] virtual bool text_input_active() const = 0;

    /// The window's title (a page's document title).
    virtual void set_title(const std::string& title) = 0;

    /// Writes the last frame drawn to `path` (BMP); false with a reason in
    /// `error` where the platform cannot (a page has no files).
    virtual bool save_screenshot(const std::string& path, std::string* error) = 0;

    virtual Renderer& renderer() = 0;
    [[nodiscard]] virtual int width() const = 0;  ///< drawable size in pixels
    [[nodiscard]] virtual int height() const = 0;

protected:
    Window() = default;
};

}  // namespace tickwire::engine
