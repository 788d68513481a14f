#include "tickwire/engine/platform/sdl_window.hpp"

#include <SDL.h>

namespace tickwire::engine {

namespace {

Key key_from_scancode(SDL_Scancode code) {
    if (code >= SDL_SCANCODE_A && code <= SDL_SCANCODE_Z) {
        return static_cast<Key>(static_cast<int>(Key::kA) + (code - SDL_SCANCODE_A));
    }
    // SDL orders 1..9 then 0.
    if (code >= SDL_SCANCODE_1 && code <= SDL_SCANCODE_9) {
        return static_cast<Key>(static_cast<int>(Key::k1) + (code - SDL_SCANCODE_1));
    }
    if (code >= SDL_SCANCODE_F1 && code <= SDL_SCANCODE_F12) {
        return static_cast<Key>(static_cast<int>(Key::kF1) + (code - SDL_SCANCODE_F1));
    }
    switch (code) {
    case SDL_SCANCODE_0: return Key::k0;
    case SDL_SCANCODE_SPACE: return Key::kSpace;
    case SDL_SCANCODE_RETURN:
    case SDL_SCANCODE_KP_ENTER: return Key::kEnter;
    case SDL_SCANCODE_ESCAPE: return Key::kEscape;
    case SDL_SCANCODE_BACKSPACE: return Key::kBackspace;
    case SDL_SCANCODE_TAB: return Key::kTab;
    case SDL_SCANCODE_DELETE: return Key::kDelete;
    case SDL_SCANCODE_LEFT: return Key::kLeft;
    case SDL_SCANCODE_RIGHT: return Key::kRight;
    case SDL_SCANCODE_UP: return Key::kUp;
    case SDL_SCANCODE_DOWN: return Key::kDown;
    case SDL_SCANCODE_HOME: return Key::kHome;
    case SDL_SCANCODE_END: return Key::kEnd;
    case SDL_SCANCODE_PAGEUP: return Key::kPageUp;
    case SDL_SCANCODE_PAGEDOWN: return Key::kPageDown;
    case SDL_SCANCODE_LSHIFT: return Key::kLeftShift;
    case SDL_SCANCODE_RSHIFT: return Key::kRightShift;
    case SDL_SCANCODE_LCTRL: return Key::kLeftCtrl;
    case SDL_SCANCODE_RCTRL: return Key::kRightCtrl;
    case SDL_SCANCODE_LALT: return Key::kLeftAlt;
    case SDL_SCANCODE_RALT: return Key::kRightAlt;
    default: return Key::kUnknown;
    }
}

MouseButton mouse_button_from_sdl(Uint8 button) {
    switch (button) {
    case SDL_BUTTON_MIDDLE: return MouseButton::kMiddle;
    case SDL_BUTTON_RIGHT: return MouseButton::kRight;
    case SDL_BUTTON_X1: return MouseButton::kX1;
    case SDL_BUTTON_X2: return MouseButton::kX2;
    default: return MouseButton::kLeft;
    }
}

void set_error(std::string* error, const char* what) {
    if (error != nullptr) *error = std::string(what) + ": " + SDL_GetError();
}

}  // namespace

std::unique_ptr<SdlWindow> SdlWindow::create(const WindowConfig& config, std::string* error) {
    std::unique_ptr<SdlWindow> self(new SdlWindow());
    // Reference-counted by SDL: several windows (or tests) may each init and quit.
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        set_error(error, "SDL video init failed");
        return nullptr;
    }
    self->video_initialised_ = true;

    // No SDL_WINDOW_ALLOW_HIGHDPI: mouse coordinates (window points) and
    // drawing coordinates (renderer pixels) stay the same units.
    Uint32 flags = 0;
    if (config.resizable) flags |= SDL_WINDOW_RESIZABLE;
    flags |= config.hidden ? SDL_WINDOW_HIDDEN : SDL_WINDOW_SHOWN;
    self->window_ = SDL_CreateWindow(config.title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                     config.width, config.height, flags);
    if (self->window_ == nullptr) {
        set_error(error, "SDL_CreateWindow failed");
        return nullptr;
    }
    const Uint32 vsync = config.vsync ? SDL_RENDERER_PRESENTVSYNC : 0;
    self->sdl_renderer_ = SDL_CreateRenderer(self->window_, -1, SDL_RENDERER_ACCELERATED | vsync);
    // No GPU (Xvfb, offscreen, dummy, some VMs): SDL's software renderer.
    if (self->sdl_renderer_ == nullptr) {
        self->sdl_renderer_ = SDL_CreateRenderer(self->window_, -1, SDL_RENDERER_SOFTWARE);
    }
    if (self->sdl_renderer_ == nullptr) {
        set_error(error, "SDL_CreateRenderer failed");
        return nullptr;
    }
    self->renderer2d_ = std::make_unique<Renderer2D>(self->sdl_renderer_, config.font_file);
    // Text input is off until a chat box asks for it (SDL starts it on by default).
    SDL_StopTextInput();
    return self;
}

SdlWindow::~SdlWindow() {
    renderer2d_.reset();  // its textures belong to sdl_renderer_
    if (sdl_renderer_ != nullptr) SDL_DestroyRenderer(sdl_renderer_);
    if (window_ != nullptr) SDL_DestroyWindow(window_);
    if (video_initialised_) SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

void SdlWindow::poll_events(InputState& input) {
    input.begin_frame();
    SDL_Event event;
    while (SDL_PollEvent(&event) != 0) {
        switch (event.type) {
        case SDL_QUIT: input.request_quit(); break;
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            input.key_event(key_from_scancode(event.key.keysym.scancode), event.type == SDL_KEYDOWN,
                            event.key.repeat != 0);
            break;
        case SDL_TEXTINPUT: input.add_text(event.text.text); break;
        case SDL_MOUSEMOTION: input.mouse_motion(event.motion.x, event.motion.y); break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            input.mouse_motion(event.button.x, event.button.y);
            input.mouse_button_event(mouse_button_from_sdl(event.button.button), event.type == SDL_MOUSEBUTTONDOWN);
            break;
        case SDL_MOUSEWHEEL: {
            const int flip = event.wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -1 : 1;
            input.wheel(event.wheel.x * flip, event.wheel.y * flip);
            break;
        }
        case SDL_WINDOWEVENT:
            // Keys held while focus leaves never send key-up: release them.
            if (event.window.event == SDL_WINDOWEVENT_FOCUS_LOST) input.release_all();
            if (event.window.event == SDL_WINDOWEVENT_CLOSE) input.request_quit();
            break;
        default: break;
        }
    }
    input.window_size(width(), height());
}

void SdlWindow::start_text_input() { SDL_StartTextInput(); }
void SdlWindow::stop_text_input() { SDL_StopTextInput(); }
bool SdlWindow::text_input_active() const { return SDL_IsTextInputActive() == SDL_TRUE; }

void SdlWindow::set_title(const std::string& title) { SDL_SetWindowTitle(window_, title.c_str()); }

bool SdlWindow::save_screenshot(const std::string& path, std::string* error) {
    SDL_Surface* shot = renderer2d_->read_pixels();
    const bool ok = shot != nullptr && SDL_SaveBMP(shot, path.c_str()) == 0;
    if (!ok) set_error(error, "screenshot failed");
    if (shot != nullptr) SDL_FreeSurface(shot);
    return ok;
}

std::string SdlWindow::video_driver() const {
    const char* driver = SDL_GetCurrentVideoDriver();
    return driver != nullptr ? driver : "";
}

int SdlWindow::width() const { return renderer2d_->width(); }
int SdlWindow::height() const { return renderer2d_->height(); }

}  // namespace tickwire::engine
