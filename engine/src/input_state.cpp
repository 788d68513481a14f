#include "tickwire/engine/input_state.hpp"

namespace tickwire::engine {

void InputState::begin_frame() noexcept {
    pressed_.reset();
    released_.reset();
    typed_.reset();
    mouse_pressed_.reset();
    mouse_released_.reset();
    wheel_x_ = wheel_y_ = 0;
    text_.clear();
    resized_ = false;
}

void InputState::key_event(Key key, bool is_down, bool repeat) noexcept {
    if (key == Key::kUnknown) return;
    const auto i = index(key);
    if (is_down) {
        if (!down_[i] && !repeat) pressed_[i] = true;
        down_[i] = true;
        typed_[i] = true;
    } else {
        if (down_[i]) released_[i] = true;
        down_[i] = false;
    }
}

void InputState::mouse_button_event(MouseButton button, bool is_down) noexcept {
    const auto i = index(button);
    if (is_down && !mouse_down_[i]) mouse_pressed_[i] = true;
    if (!is_down && mouse_down_[i]) mouse_released_[i] = true;
    mouse_down_[i] = is_down;
}

void InputState::window_size(int width, int height) noexcept {
    if (width != width_ || height != height_) resized_ = true;
    width_ = width;
    height_ = height;
}

void InputState::release_all() noexcept {
    released_ |= down_;
    down_.reset();
    mouse_released_ |= mouse_down_;
    mouse_down_.reset();
}

bool TextField::update(const InputState& input) {
    for (char c : input.text()) {
        // Control characters never come through text input, but a bot or a
        // paste might: keep the line printable.
        if (static_cast<unsigned char>(c) < 0x20) continue;
        if (text_.size() >= max_bytes_) break;
        text_.push_back(c);
    }
    // A multi-byte sequence cut by the limit would not be valid UTF-8.
    while (!text_.empty()) {
        std::size_t start = text_.size() - 1;
        while (start > 0 && (static_cast<unsigned char>(text_[start]) & 0xC0) == 0x80) --start;
        const auto lead = static_cast<unsigned char>(text_[start]);
        const std::size_t need = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : 4;
        if (text_.size() - start >= need) break;
        text_.resize(start);
    }
    if (input.typed(Key::kBackspace) && !text_.empty()) {
        std::size_t start = text_.size() - 1;
        while (start > 0 && (static_cast<unsigned char>(text_[start]) & 0xC0) == 0x80) --start;
        text_.resize(start);
    }
    return input.pressed(Key::kEnter) && !text_.empty();
}

}  // namespace tickwire::engine
