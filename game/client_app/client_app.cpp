#include "client_app.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

#include <SDL.h>

#include "autopilot.hpp"
#include "camera.hpp"
#include "controls.hpp"
#include "hud_renderer.hpp"
#include "tickwire/engine/game_loop.hpp"
#include "tickwire/engine/input_state.hpp"
#include "tickwire/engine/platform/sdl_window.hpp"
#include "world_renderer.hpp"

namespace tickwire::game::client_app {
namespace {

using Clock = std::chrono::steady_clock;
using engine::Key;

// How long a leaving client waits for the closing handshake before it quits
// anyway (a dead server must not keep the window open).
constexpr auto kLeaveTimeout = std::chrono::milliseconds(1000);
// Headless status line period.
constexpr auto kStatusPeriod = std::chrono::seconds(2);

const char* status_name(ConnectionStatus s) {
    switch (s) {
    case ConnectionStatus::connecting: return "connecting";
    case ConnectionStatus::joined: return "joined";
    case ConnectionStatus::reconnecting: return "reconnecting";
    case ConnectionStatus::closed: return "closed";
    }
    return "?";
}

}  // namespace

struct ClientApp::Impl {
    AppOptions options;
    std::unique_ptr<MatchSource> source;
    const std::atomic<bool>* leave_signal;

    std::unique_ptr<engine::SdlWindow> window;
    engine::GameLoop* loop = nullptr;
    engine::InputState input;
    engine::TextField chat_field{200};
    Controls controls;
    Autopilot autopilot;
    Camera camera;
    WorldRenderer world;
    HudRenderer hud;
    HudState hud_state;
    PlayerIntent intent;
    ShipView own;  // position of the own ship as last drawn (name unused)
    bool has_own = false;
    float focus_x = 0, focus_y = 0;  // what the camera follows
    bool has_focus = false;
    std::string titled_room;  // the room named in the window title

    Clock::time_point start = Clock::now();
    bool leaving = false;
    Clock::time_point leave_start{};
    long frames = 0;
    std::uint64_t ticks = 0;
    int exit_code = 0;
    Clock::time_point next_status{};
    ConnectionStatus last_status = ConnectionStatus::connecting;
    std::string last_status_text;

    [[nodiscard]] float time_s() const {
        return std::chrono::duration<float>(Clock::now() - start).count();
    }

    void begin_leave() {
        if (leaving) return;
        leaving = true;
        leave_start = Clock::now();
        source->close();
    }

    void set_typing(bool on) {
        hud_state.typing = on;
        chat_field.clear();
        if (on) window->start_text_input();
        else window->stop_text_input();
    }

    // Window events, UI keys and this frame's intent.
    void poll_input() {
        window->poll_events(input);
        if (input.quit_requested()) begin_leave();
        if (hud_state.typing) {
            if (chat_field.update(input)) {
                source->send_chat(chat_field.text());
                set_typing(false);
            } else if (input.pressed(Key::kEnter) || input.pressed(Key::kEscape)) {
                set_typing(false);  // empty line, or cancelled
            }
        } else {
            if (input.pressed(Key::kEnter)) set_typing(true);
            if (input.pressed(Key::kF3)) hud_state.net_graph = !hud_state.net_graph;
        }
        hud_state.scoreboard = input.down(Key::kTab) && !hud_state.typing;
        if (input.wheel_y() != 0) camera.zoom_by(std::pow(1.1f, static_cast<float>(input.wheel_y())));
        // With --autopilot, render() sets the intent from the view instead.
        if (!options.autopilot) intent = controls.sample(input, camera, has_own ? &own : nullptr, hud_state.typing);
    }

    void network_in() {
        source->network_in();
        // Headless has no render to take the view from: steer from a fresh one.
        if (options.headless && options.autopilot) intent = autopilot.sample(source->view(0), time_s());
    }

    void after_network_out() {
        if (leave_signal != nullptr && leave_signal->load(std::memory_order_relaxed)) begin_leave();
        // Windowed, render() applies the limits (it takes the screenshot).
        if (options.headless && options.duration_s > 0 && time_s() >= static_cast<float>(options.duration_s)) {
            begin_leave();
        }
        if (leaving && (source->finished() || Clock::now() - leave_start >= kLeaveTimeout)) loop->request_stop();
        if (options.headless) headless_report();
    }

    // Headless: print status changes at once and a summary every few seconds.
    void headless_report() {
        if (options.frames >= 0 && static_cast<long>(ticks) >= options.frames) begin_leave();
        const ClientView& v = source->view(0);
        const bool changed = v.status != last_status || v.status_text != last_status_text;
        const auto now = Clock::now();
        // (While leaving, the exit line says how it ended.)
        if ((changed || now >= next_status) && !leaving) {
            next_status = now + kStatusPeriod;
            last_status = v.status;
            last_status_text = v.status_text;
            if (v.status == ConnectionStatus::joined) {
                std::printf("[client] joined room %s: %zu ships, %zu players, rtt %.2f ms (clock sync %.1f ms), "
                            "snapshots %.0f/s, in %.0f B/s, out %.0f B/s, corrections %.1f/s, time scale %.3f "
                            "(input lead %.1f ticks)\n",
                            v.room.c_str(), v.ships.size(), v.scoreboard.size(), static_cast<double>(v.net.rtt_ms),
                            static_cast<double>(v.net.clock_rtt_ms), static_cast<double>(v.net.snapshot_rate_hz), static_cast<double>(v.net.bytes_in_per_s),
                            static_cast<double>(v.net.bytes_out_per_s), static_cast<double>(v.net.corrections_per_s),
                            static_cast<double>(v.net.time_scale), static_cast<double>(v.net.input_lead_ticks));
            } else {
                std::printf("[client] %s%s%s\n", status_name(v.status), v.status_text.empty() ? "" : ": ",
                            v.status_text.c_str());
            }
            std::fflush(stdout);
        }
        // A session the server ended is over for a headless client.
        if (!leaving && source->finished()) {
            exit_code = 1;
            loop->request_stop();
        }
    }

    void render(double alpha) {
        const float now = time_s();
        const ClientView& v = source->view(static_cast<float>(alpha));
        has_own = false;
        bool listed = false;
        for (const ShipView& s : v.ships) {
            if (!s.local) continue;
            own.x = s.x;
            own.y = s.y;
            own.alive = s.alive;
            has_own = s.alive;  // aim only from a live ship
            listed = true;
        }
        // The camera stays where the own ship is (or died); the arena's
        // centre until there has been one.
        if (listed) {
            focus_x = own.x;
            focus_y = own.y;
            has_focus = true;
        } else if (!has_focus) {
            focus_x = v.arena_w / 2;
            focus_y = v.arena_h / 2;
        }
        if (options.autopilot && !leaving) intent = autopilot.sample(v, now);
        if (v.room != titled_room) {
            titled_room = v.room;
            const std::string title = titled_room.empty() ? "tickwire" : "tickwire — room " + titled_room;
            SDL_SetWindowTitle(window->native(), title.c_str());
        }
        engine::Renderer2D& r = window->renderer();
        camera.update(v.arena_w, v.arena_h, r.width(), r.height(), focus_x, focus_y);
        world.draw(r, v, camera, now);
        hud_state.typed = chat_field.text();
        hud_state.leaving = leaving;
        hud_state.time_s = now;
        hud.draw(r, v, camera, hud_state);

        ++frames;
        const bool limit = (options.frames >= 0 && frames >= options.frames) ||
                           (options.duration_s > 0 && now >= static_cast<float>(options.duration_s));
        if (limit && !leaving) {
            if (!options.screenshot.empty()) save_screenshot(r);
            begin_leave();
        }
        r.present();
    }

    void save_screenshot(engine::Renderer2D& r) {
        SDL_Surface* shot = r.read_pixels();
        if (shot == nullptr || SDL_SaveBMP(shot, options.screenshot.c_str()) != 0) {
            std::fprintf(stderr, "tickwire-client: screenshot %s failed: %s\n", options.screenshot.c_str(),
                         SDL_GetError());
        } else {
            std::printf("screenshot: %s\n", options.screenshot.c_str());
        }
        if (shot != nullptr) SDL_FreeSurface(shot);
    }
};

ClientApp::ClientApp(AppOptions options, std::unique_ptr<MatchSource> source, const std::atomic<bool>* leave_signal)
    : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->source = std::move(source);
    impl_->leave_signal = leave_signal;
    impl_->hud_state.net_graph = impl_->options.net_graph;
}

ClientApp::~ClientApp() = default;

int ClientApp::run() {
    Impl& app = *impl_;
    engine::GameLoopConfig config;
    config.tick_rate_hz = app.options.tick_rate;
    config.headless = app.options.headless;
    // Without vsync (or where it is not real, as under Xvfb) cap the frame
    // rate instead of spinning a core.
    config.max_frame_rate = app.options.vsync ? 240 : 120;

    if (!app.options.headless) {
        engine::WindowConfig wc;
        wc.title = "tickwire";
        wc.width = app.options.width;
        wc.height = app.options.height;
        wc.vsync = app.options.vsync;
        std::string error;
        app.window = engine::SdlWindow::create(wc, &error);
        if (!app.window) {
            std::fprintf(stderr, "tickwire-client: cannot open a window: %s (no display? try --headless)\n",
                         error.c_str());
            return 1;
        }
        // With no display SDL falls back to its invisible offscreen driver:
        // a window nobody can see or close. Only on request.
        const char* driver = SDL_GetCurrentVideoDriver();
        const std::string_view name = driver != nullptr ? driver : "";
        if ((name == "offscreen" || name == "dummy") && std::getenv("SDL_VIDEODRIVER") == nullptr) {
            std::fprintf(stderr,
                         "tickwire-client: no display (SDL found only its '%s' video driver); use --headless, "
                         "or set SDL_VIDEODRIVER=%s to render without one\n",
                         driver, driver);
            return 1;
        }
    }

    engine::GameLoopHooks hooks;
    if (!app.options.headless) hooks.poll_input = [&app] { app.poll_input(); };
    hooks.network_in = [&app] { app.network_in(); };
    hooks.step = [&app](std::uint64_t, double) {
        app.source->set_intent(app.intent);
        app.source->step();
        ++app.ticks;
    };
    hooks.network_out = [&app] {
        app.source->network_out();
        app.after_network_out();
    };
    if (!app.options.headless) hooks.render = [&app](double alpha) { app.render(alpha); };

    engine::GameLoop loop(config, std::move(hooks));
    app.loop = &loop;
    loop.run();
    app.loop = nullptr;
    if (app.options.headless) {
        const ClientView& v = app.source->view(0);
        std::printf("[client] %s after %.0f s%s%s\n", app.leaving ? "left" : "ended", static_cast<double>(app.time_s()),
                    v.status_text.empty() ? "" : ": ", v.status_text.c_str());
    } else {
        const float secs = app.time_s();
        std::printf("frames %ld in %.1f s (%.0f fps)\n", app.frames, static_cast<double>(secs),
                    static_cast<double>(static_cast<float>(app.frames) / std::max(secs, 0.001f)));
    }
    return app.exit_code;
}

}  // namespace tickwire::game::client_app
