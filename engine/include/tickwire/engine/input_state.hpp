#pragma once
// InputState: what the keyboard, mouse and window did, as the game reads it
// once per frame: which keys are held, which went down or up this frame, the
// mouse, the UTF-8 text typed (for a chat box) and whether the user asked to
// quit. It has no SDL types: the platform layer (platform/sdl_window.hpp)
// fills it, bots and tests can fill it by hand.
//
// Thread: owned by the game thread.

#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>

namespace tickwire::engine {

enum class Key : std::uint8_t {
    kUnknown = 0,
    kA, kB, kC, kD, kE, kF, kG, kH, kI, kJ, kK, kL, kM,
    kN, kO, kP, kQ, kR, kS, kT, kU, kV, kW, kX, kY, kZ,
    k0, k1, k2, k3, k4, k5, k6, k7, k8, k9,
    kSpace, kEnter, kEscape, kBackspace, kTab, kDelete,
    kLeft, kRight, kUp, kDown, kHome, kEnd, kPageUp, kPageDown,
    kLeftShift, kRightShift, kLeftCtrl, kRightCtrl, kLeftAlt, kRightAlt,
    kF1, kF2, kF3, kF4, kF5, kF6, kF7, kF8, kF9, kF10, kF11, kF12,
    kCount
};

enum class MouseButton : std::uint8_t { kLeft, kMiddle, kRight, kX1, kX2, kCount };

class InputState {
public:
    InputState() { text_.reserve(64); }

    // ---- read by the game ----

    [[nodiscard]] bool down(Key key) const noexcept { return down_[index(key)]; }
    /// Went down this frame (not on auto-repeat).
    [[nodiscard]] bool pressed(Key key) const noexcept { return pressed_[index(key)]; }
    [[nodiscard]] bool released(Key key) const noexcept { return released_[index(key)]; }
    /// Pressed or auto-repeated this frame: for editing keys such as Backspace.
    [[nodiscard]] bool typed(Key key) const noexcept { return typed_[index(key)]; }

    [[nodiscard]] bool mouse_down(MouseButton b) const noexcept { return mouse_down_[index(b)]; }
    [[nodiscard]] bool mouse_pressed(MouseButton b) const noexcept { return mouse_pressed_[index(b)]; }
    [[nodiscard]] bool mouse_released(MouseButton b) const noexcept { return mouse_released_[index(b)]; }
    /// Window coordinates in pixels.
    [[nodiscard]] int mouse_x() const noexcept { return mouse_x_; }
    [[nodiscard]] int mouse_y() const noexcept { return mouse_y_; }
    /// Wheel motion this frame (positive: away from the user / right).
    [[nodiscard]] int wheel_x() const noexcept { return wheel_x_; }
    [[nodiscard]] int wheel_y() const noexcept { return wheel_y_; }

    /// UTF-8 text typed this frame while text input is on.
    [[nodiscard]] std::string_view text() const noexcept { return text_; }

    [[nodiscard]] bool quit_requested() const noexcept { return quit_; }
    [[nodiscard]] bool resized() const noexcept { return resized_; }
    [[nodiscard]] int window_width() const noexcept { return width_; }
    [[nodiscard]] int window_height() const noexcept { return height_; }

    // ---- written by the platform layer ----

    /// Forget this frame's edges, text and wheel; held state stays.
    void begin_frame() noexcept;
    void key_event(Key key, bool is_down, bool repeat) noexcept;
    void mouse_button_event(MouseButton button, bool is_down) noexcept;
    void mouse_motion(int x, int y) noexcept { mouse_x_ = x; mouse_y_ = y; }
    void wheel(int dx, int dy) noexcept { wheel_x_ += dx; wheel_y_ += dy; }
    void add_text(std::string_view utf8) { text_.append(utf8); }
    void window_size(int width, int height) noexcept;
    void request_quit() noexcept { quit_ = true; }
    /// Release everything held (the window lost focus: no key-up will come).
    void release_all() noexcept;

private:
    static constexpr std::size_t kKeys = static_cast<std::size_t>(Key::kCount);
    static constexpr std::size_t kButtons = static_cast<std::size_t>(MouseButton::kCount);
    static std::size_t index(Key key) noexcept { return static_cast<std::size_t>(key); }
    static std::size_t index(MouseButton b) noexcept { return static_cast<std::size_t>(b); }

    std::bitset<kKeys> down_, pressed_, released_, typed_;
    std::bitset<kButtons> mouse_down_, mouse_pressed_, mouse_released_;
    int mouse_x_ = 0, mouse_y_ = 0, wheel_x_ = 0, wheel_y_ = 0;
    std::string text_;
    bool quit_ = false;
    bool resized_ = false;
    int width_ = 0, height_ = 0;
};

/// A one-line text field for a chat box, fed from InputState each frame:
/// typed text is appended, Backspace removes one code point, Enter submits.
/// Thread: owned by the game thread.
class TextField {
public:
    explicit TextField(std::size_t max_bytes = 256) : max_bytes_(max_bytes) { text_.reserve(max_bytes); }

    /// Applies this frame's input; returns true when Enter submitted the
    /// line (read it with text(), then clear()).
    bool update(const InputState& input);
    [[nodiscard]] std::string_view text() const noexcept { return text_; }
    void clear() noexcept { text_.clear(); }

private:
    std::size_t max_bytes_;
    std::string text_;
};

}  // namespace tickwire::engine
