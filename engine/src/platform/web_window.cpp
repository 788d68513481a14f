#include "tickwire/engine/platform/web_window.hpp"

#include <cstring>
#include <string_view>
#include <utility>

#include <emscripten/html5.h>

namespace tickwire::engine {
namespace {

using Event = WebWindow::Event;

// KeyboardEvent.code names the physical key (layout-independent, as SDL's
// scancodes): "KeyW" is W on QWERTY and Z on AZERTY, where WASD sits.
Key key_from_code(std::string_view code) {
    if (code.size() == 4 && code.substr(0, 3) == "Key" && code[3] >= 'A' && code[3] <= 'Z') {
        return static_cast<Key>(static_cast<int>(Key::kA) + (code[3] - 'A'));
    }
    if (code.size() == 6 && code.substr(0, 5) == "Digit" && code[5] >= '0' && code[5] <= '9') {
        return static_cast<Key>(static_cast<int>(Key::k0) + (code[5] - '0'));
    }
    if ((code.size() == 2 || code.size() == 3) && code[0] == 'F' && code[1] >= '1' && code[1] <= '9') {
        const int n = code.size() == 2 ? code[1] - '0' : (code[1] - '0') * 10 + (code[2] - '0');
        if (n >= 1 && n <= 12) return static_cast<Key>(static_cast<int>(Key::kF1) + n - 1);
        return Key::kUnknown;
    }
    static constexpr std::pair<std::string_view, Key> kNamed[] = {
        {"Space", Key::kSpace},          {"Enter", Key::kEnter},           {"NumpadEnter", Key::kEnter},
        {"Escape", Key::kEscape},        {"Backspace", Key::kBackspace},   {"Tab", Key::kTab},
        {"Delete", Key::kDelete},        {"ArrowLeft", Key::kLeft},        {"ArrowRight", Key::kRight},
        {"ArrowUp", Key::kUp},           {"ArrowDown", Key::kDown},        {"Home", Key::kHome},
        {"End", Key::kEnd},              {"PageUp", Key::kPageUp},         {"PageDown", Key::kPageDown},
        {"ShiftLeft", Key::kLeftShift},  {"ShiftRight", Key::kRightShift}, {"ControlLeft", Key::kLeftCtrl},
        {"ControlRight", Key::kRightCtrl}, {"AltLeft", Key::kLeftAlt},     {"AltRight", Key::kRightAlt},
    };
    for (const auto& [name, key] : kNamed) {
        if (code == name) return key;
    }
    return Key::kUnknown;
}

// KeyboardEvent.key is the character typed ("a", "A", "é") or a name
// ("Enter", "ArrowUp"): text is a key of exactly one code point.
bool is_one_character(std::string_view key) {
    if (key.empty() || key.size() > 4) return false;
    const auto lead = static_cast<unsigned char>(key[0]);
    const std::size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    return length == key.size() && lead >= 0x20 && lead != 0x7F;
}

MouseButton button_from_dom(unsigned short button) {
    switch (button) {
    case 1: return MouseButton::kMiddle;
    case 2: return MouseButton::kRight;
    case 3: return MouseButton::kX1;
    case 4: return MouseButton::kX2;
    default: return MouseButton::kLeft;
    }
}

// Keys whose browser default (scrolling, moving focus, find, help) would
// fight the game; F-keys other than F3 keep theirs (reload, full screen, tools).
bool keep_from_page(Key key) {
    if (key == Key::kUnknown) return false;
    if (key >= Key::kF1 && key <= Key::kF12) return key == Key::kF3;
    return true;
}

EM_BOOL on_key(int type, const EmscriptenKeyboardEvent* e, void* user) {
    auto* window = static_cast<WebWindow*>(user);
    // Browser shortcuts (Ctrl+R, Cmd+W, ...) stay the browser's.
    if (e->ctrlKey || e->metaKey) return EM_FALSE;
    Event event;
    event.kind = Event::Kind::key;
    event.key = key_from_code(e->code);
    event.down = type == EMSCRIPTEN_EVENT_KEYDOWN;
    event.repeat = e->repeat != 0;
    if (event.key != Key::kUnknown) window->push(event);
    const bool text = event.down && window->text_input_active() && is_one_character(e->key);
    if (text) {
        Event typed;
        typed.kind = Event::Kind::text;
        std::memcpy(typed.text, e->key, std::strlen(e->key));
        window->push(typed);
    }
    return (text || keep_from_page(event.key)) ? EM_TRUE : EM_FALSE;
}

EM_BOOL on_mouse(int type, const EmscriptenMouseEvent* e, void* user) {
    auto* window = static_cast<WebWindow*>(user);
    Event event;
    event.x = static_cast<int>(e->targetX);
    event.y = static_cast<int>(e->targetY);
    if (type == EMSCRIPTEN_EVENT_MOUSEMOVE) {
        event.kind = Event::Kind::motion;
    } else {
        event.kind = Event::Kind::button;
        event.button = button_from_dom(e->button);
        event.down = type == EMSCRIPTEN_EVENT_MOUSEDOWN;
    }
    window->push(event);
    return type == EMSCRIPTEN_EVENT_MOUSEDOWN ? EM_TRUE : EM_FALSE;  // no text selection on a click
}

EM_BOOL on_wheel(int, const EmscriptenWheelEvent* e, void* user) {
    Event event;
    event.kind = Event::Kind::wheel;
    // DOM deltaY grows towards the user; InputState's wheel_y away from them.
    event.x = e->deltaX > 0 ? 1 : e->deltaX < 0 ? -1 : 0;
    event.y = e->deltaY > 0 ? -1 : e->deltaY < 0 ? 1 : 0;
    static_cast<WebWindow*>(user)->push(event);
    return EM_TRUE;  // zoom the arena, not the page
}

EM_BOOL on_blur(int, const EmscriptenFocusEvent*, void* user) {
    Event event;
    event.kind = Event::Kind::blur;
    static_cast<WebWindow*>(user)->push(event);
    return EM_FALSE;
}

void apply(const Event& e, InputState& input) {
    switch (e.kind) {
    case Event::Kind::key: input.key_event(e.key, e.down, e.repeat); break;
    case Event::Kind::button:
        input.mouse_motion(e.x, e.y);
        input.mouse_button_event(e.button, e.down);
        break;
    case Event::Kind::motion: input.mouse_motion(e.x, e.y); break;
    case Event::Kind::wheel: input.wheel(e.x, e.y); break;
    case Event::Kind::text: input.add_text(e.text); break;
    case Event::Kind::blur: input.release_all(); break;
    }
}

// Registers `window`'s handlers for every event it reads; null removes them.
void listen(const char* canvas, WebWindow* window) {
    const bool on = window != nullptr;
    // Keys on the whole window: the canvas need not have the focus.
    emscripten_set_keydown_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, window, true, on ? on_key : nullptr);
    emscripten_set_keyup_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, window, true, on ? on_key : nullptr);
    emscripten_set_mousedown_callback(canvas, window, true, on ? on_mouse : nullptr);
    emscripten_set_mousemove_callback(canvas, window, true, on ? on_mouse : nullptr);
    // A button released outside the canvas must still be released.
    emscripten_set_mouseup_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, window, true, on ? on_mouse : nullptr);
    emscripten_set_wheel_callback(canvas, window, true, on ? on_wheel : nullptr);
    emscripten_set_blur_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, window, true, on ? on_blur : nullptr);
}

}  // namespace

WebWindow::WebWindow(std::string selector) : selector_(std::move(selector)) { events_.reserve(64); }

std::unique_ptr<WebWindow> WebWindow::create(const WebWindowConfig& config, std::string* error) {
    std::unique_ptr<WebWindow> self(new WebWindow(config.canvas));
    self->renderer_ = std::make_unique<CanvasRenderer>(config.canvas);
    if (!self->renderer_->ok()) {
        if (error != nullptr) *error = "no canvas with a 2D context at '" + config.canvas + "'";
        return nullptr;
    }
    self->fit_canvas();
    listen(self->selector_.c_str(), self.get());
    return self;
}

WebWindow::~WebWindow() { listen(selector_.c_str(), nullptr); }

void WebWindow::poll_events(InputState& input) {
    input.begin_frame();
    for (const Event& e : events_) apply(e, input);
    events_.clear();
    fit_canvas();
    input.window_size(width(), height());
}

// The canvas's CSS size is the page's layout (the shell makes it fill the
// window); its backing store follows that size times the pixel ratio, which
// changes when the window moves to another screen or the page is zoomed.
void WebWindow::fit_canvas() {
    double w = 0, h = 0;
    emscripten_get_element_css_size(selector_.c_str(), &w, &h);
    const double ratio = emscripten_get_device_pixel_ratio();
    if (w == css_width_ && h == css_height_ && ratio == ratio_) return;
    css_width_ = w;
    css_height_ = h;
    ratio_ = ratio;
    renderer_->resize(static_cast<int>(w), static_cast<int>(h), ratio);
}

void WebWindow::set_title(const std::string& title) { emscripten_set_window_title(title.c_str()); }

bool WebWindow::save_screenshot(const std::string&, std::string* error) {
    if (error != nullptr) *error = "a page cannot write files; take the screenshot in the browser";
    return false;
}

}  // namespace tickwire::engine
