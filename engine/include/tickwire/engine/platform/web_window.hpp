#pragma once
// WebWindow: the browser's engine::Window (window.hpp): a page's <canvas>
// sized to its element and the device pixel ratio, a CanvasRenderer drawing
// into it, and the page's keyboard, mouse, wheel and focus events
// (<emscripten/html5.h>) turned into an InputState.
//
// Browser events arrive between frames; they are queued here as they come
// and applied in order by poll_events(), so a key pressed and released
// within one frame still counts as pressed, as with SDL. Keys the game uses
// (arrows, Space, Tab, Enter, F3, ...) do not also scroll or move the page's
// focus. Losing focus releases every held key (no key-up will come).
//
// Thread: the page's thread.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tickwire/engine/platform/web_canvas_renderer.hpp"
#include "tickwire/engine/window.hpp"

namespace tickwire::engine {

struct WebWindowConfig {
    std::string canvas = "#canvas";  ///< CSS selector of the page's canvas
};

class WebWindow final : public Window {
public:
    /// The window, or null with a reason in `error` (no such canvas).
    static std::unique_ptr<WebWindow> create(const WebWindowConfig& config, std::string* error = nullptr);
    ~WebWindow() override;

    void poll_events(InputState& input) override;
    void start_text_input() override { text_input_ = true; }
    void stop_text_input() override { text_input_ = false; }
    [[nodiscard]] bool text_input_active() const override { return text_input_; }
    void set_title(const std::string& title) override;
    /// A page has no files: the browser (or a test driving it) takes screenshots.
    bool save_screenshot(const std::string& path, std::string* error) override;

    CanvasRenderer& renderer() override { return *renderer_; }
    [[nodiscard]] int width() const override { return renderer_->width(); }
    [[nodiscard]] int height() const override { return renderer_->height(); }

    /// One input event as the browser gave it; public for the callbacks.
    struct Event {
        enum class Kind : std::uint8_t { key, button, motion, wheel, text, blur } kind = Kind::key;
        Key key = Key::kUnknown;
        MouseButton button = MouseButton::kLeft;
        bool down = false, repeat = false;
        int x = 0, y = 0;  ///< motion: position; wheel: steps
        char text[8] = {};  ///< one UTF-8 character, NUL-terminated
    };
    void push(const Event& event) { events_.push_back(event); }

private:
    explicit WebWindow(std::string selector);
    void fit_canvas();

    std::string selector_;
    std::unique_ptr<CanvasRenderer> renderer_;
    std::vector<Event> events_;  // since the last poll_events; reused
    bool text_input_ = false;
    double css_width_ = 0, css_height_ = 0, ratio_ = 0;  // what the canvas was last fitted to
};

}  // namespace tickwire::engine
