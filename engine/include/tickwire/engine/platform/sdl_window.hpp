#pragma once
// SdlWindow: the native engine::Window (window.hpp) of a game client: creates the window (resizable,
// vsync optional) and its accelerated renderer (software if none), turns
// keyboard, mouse, text-input and window events into an InputState, and owns
// the Renderer2D that draws into it. Works under X11, Wayland, Xvfb and with
// SDL_VIDEODRIVER=offscreen or dummy.
//
// Thread: SDL requires the thread that initialised video (normally the main
// thread) for everything here; make it the game thread.
//
//   std::string error;
//   auto window = SdlWindow::create(WindowConfig{}, &error);
//   if (!window) { std::fprintf(stderr, "%s\n", error.c_str()); return 1; }
//   InputState input;
//   hooks.poll_input = [&] { window->poll_events(input); };
//   hooks.render = [&](double alpha) { draw(window->renderer(), alpha); window->renderer().present(); };

#include <memory>
#include <string>

#include "tickwire/engine/input_state.hpp"
#include "tickwire/engine/platform/sdl_renderer.hpp"
#include "tickwire/engine/window.hpp"

struct SDL_Window;

namespace tickwire::engine {

struct WindowConfig {
    std::string title = "tickwire";
    int width = 1280;
    int height = 720;
    bool resizable = true;
    bool vsync = true;     ///< present() waits for the display refresh
    bool hidden = false;   ///< e.g. for tests
    std::string font_file;  ///< empty: find_font_file()
};

class SdlWindow final : public Window {
public:
    /// The window, or null with a reason in `error` (no display, no driver).
    static std::unique_ptr<SdlWindow> create(const WindowConfig& config, std::string* error = nullptr);
    ~SdlWindow() override;

    /// Starts a new input frame (InputState::begin_frame) and drains every
    /// pending SDL event into `input`. Call once per frame (poll_input hook).
    void poll_events(InputState& input) override;

    /// Text input (SDL_TEXTINPUT events, IME) for a chat box: on while typing.
    void start_text_input() override;
    void stop_text_input() override;
    [[nodiscard]] bool text_input_active() const override;

    void set_title(const std::string& title) override;
    bool save_screenshot(const std::string& path, std::string* error) override;

    Renderer2D& renderer() override { return *renderer2d_; }
    [[nodiscard]] int width() const override;   ///< drawable size in pixels
    [[nodiscard]] int height() const override;
    /// The SDL video driver in use ("x11", "wayland", "offscreen", ...).
    [[nodiscard]] std::string video_driver() const;
    [[nodiscard]] SDL_Window* native() const noexcept { return window_; }

private:
    SdlWindow() = default;

    SDL_Window* window_ = nullptr;
    SDL_Renderer* sdl_renderer_ = nullptr;
    std::unique_ptr<Renderer2D> renderer2d_;
    bool video_initialised_ = false;
};

}  // namespace tickwire::engine
