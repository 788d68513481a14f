// render_demo: the engine's SDL layer on its own: a GameLoop at 60 Hz moving
// a few entities (interpolated with alpha), a HUD with the loop's statistics
// and a chat box with a text field (press Enter or T to type, Escape quits).
//
//   tickwire_render_demo [--frames N] [--screenshot out.bmp] [--canvas] [--font F]
//
// --frames N        stop after N frames
// --screenshot F    write the last frame to F (BMP) before exiting
// --canvas          draw into a SoftwareCanvas (no window, no video driver)
// --font F          TrueType file to use (a missing file shows the bitmap font)
//
// Under Xvfb:  xvfb-run -s "-screen 0 1280x720x24" tickwire_render_demo --frames 120

#include <cmath>
#include <cstdio>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include <SDL.h>

#include "tickwire/cli.hpp"
#include "tickwire/engine/game_loop.hpp"
#include "tickwire/engine/input_state.hpp"
#include "tickwire/engine/platform/sdl_window.hpp"

namespace {

using namespace tickwire::engine;

struct Body {
    float x = 0, y = 0, prev_x = 0, prev_y = 0;
    float angle = 0, speed = 0, radius = 0;
    Color color;
};

struct Demo {
    std::vector<Body> bodies;
    std::deque<std::string> chat{"server: welcome to room 1", "ana: gg — ça va? 1234567890",
                                 "bob: The quick brown fox jumps over 13 lazy dogs!"};
    TextField field{120};
    bool typing = false;
    std::uint64_t tick = 0;

    Demo() {
        const Color palette[] = {{231, 76, 60}, {46, 204, 113}, {52, 152, 219}, {241, 196, 15}, {155, 89, 182}};
        for (int i = 0; i < 5; ++i) {
            Body b;
            b.radius = 14.0f + 4.0f * static_cast<float>(i);
            b.speed = 0.6f + 0.25f * static_cast<float>(i);
            b.angle = static_cast<float>(i) * 1.2566f;
            b.color = palette[i];
            bodies.push_back(b);
        }
        step(0);
    }

    void step(std::uint64_t t) {
        tick = t;
        for (std::size_t i = 0; i < bodies.size(); ++i) {
            Body& b = bodies[i];
            b.prev_x = b.x;
            b.prev_y = b.y;
            b.angle += b.speed / 60.0f;
            const float orbit = 90.0f + 45.0f * static_cast<float>(i);
            b.x = 640.0f + orbit * std::cos(b.angle);
            b.y = 340.0f + orbit * 0.6f * std::sin(b.angle);
        }
    }

    void draw(Renderer2D& r, double alpha, const LoopStats& stats) {
        const auto a = static_cast<float>(alpha);
        r.clear({18, 20, 28});
        // Arena grid.
        for (int x = 0; x <= 1280; x += 64) r.draw_line(static_cast<float>(x), 0, static_cast<float>(x), 720, {32, 36, 48});
        for (int y = 0; y <= 720; y += 64) r.draw_line(0, static_cast<float>(y), 1280, static_cast<float>(y), {32, 36, 48});
        r.draw_circle(640, 340, 300, {70, 80, 110});
        for (const Body& b : bodies) {
            const float x = b.prev_x + (b.x - b.prev_x) * a;
            const float y = b.prev_y + (b.y - b.prev_y) * a;
            r.fill_circle(x, y, b.radius, b.color);
            r.draw_circle(x, y, b.radius + 3, {255, 255, 255, 120});
            r.fill_triangle(x + b.radius * std::cos(b.angle), y + b.radius * std::sin(b.angle), x - 6, y - 6, x + 6, y + 6,
                            {255, 255, 255});
        }
        r.fill_rect(1080, 40, 160, 24, {200, 60, 60});
        r.draw_rect(1078, 38, 164, 28, {255, 255, 255});

        // HUD.
        char line[160];
        std::snprintf(line, sizeof line, "tick %llu   frame %llu   step p50 %.3f ms  p99 %.3f ms   alpha %.2f",
                      static_cast<unsigned long long>(stats.tick), static_cast<unsigned long long>(stats.frames),
                      static_cast<double>(stats.tick_time.p50.count()) / 1e6,
                      static_cast<double>(stats.tick_time.p99.count()) / 1e6, alpha);
        r.fill_rect(0, 0, 1280, 30, {0, 0, 0, 160});
        r.draw_text(10, 6, line, {230, 230, 230}, 16);
        r.draw_text(1090, 42, "HP 100", {255, 255, 255}, 16);

        // Chat box.
        r.fill_rect(10, 520, 560, 190, {0, 0, 0, 170});
        r.draw_rect(10, 520, 560, 190, {90, 100, 130});
        float y = 528;
        for (const auto& message : chat) {
            r.draw_text(20, y, message, {220, 220, 220}, 16);
            y += 22;
        }
        const std::string prompt = typing ? "> " + std::string(field.text()) + "_" : "press Enter to chat";
        r.fill_rect(14, 680, 552, 26, {30, 34, 46});
        r.draw_text(20, 684, prompt, typing ? Color{255, 255, 255} : Color{140, 140, 160}, 16);
    }
};

}  // namespace

int main(int argc, char** argv) {
    long max_frames = -1;
    std::string screenshot;
    bool canvas_only = false;
    std::string font;
    CLI::App app{"The engine's SDL layer on its own: a 60 Hz GameLoop, a HUD and a chat box.", "tickwire_render_demo"};
    app.add_option("--frames", max_frames, "stop after N frames")->check(CLI::Range(1L, 1L << 40));
    app.add_option("--screenshot", screenshot, "write the last frame to F (BMP) before exiting");
    app.add_flag("--canvas", canvas_only, "draw into a SoftwareCanvas (no window, no video driver)");
    app.add_option("--font", font, "TrueType file to use (a missing file shows the bitmap font)");
    if (const auto exit = tickwire::cli::parse(app, argc, argv)) return *exit;

    Demo demo;
    if (canvas_only) {
        SoftwareCanvas canvas(1280, 720, font);
        if (!canvas.ok()) {
            std::fprintf(stderr, "canvas: %s\n", SDL_GetError());
            return 1;
        }
        for (std::uint64_t t = 1; t <= 30; ++t) demo.step(t);
        demo.draw(canvas.renderer(), 0.5, LoopStats{});
        std::printf("font: %s\n", canvas.renderer().has_truetype_font() ? canvas.renderer().font_file().c_str()
                                                                          : "(bitmap fallback)");
        if (!screenshot.empty() && !canvas.save_bmp(screenshot)) return 1;
        return 0;
    }

    std::string error;
    WindowConfig window_config;
    window_config.title = "tickwire render demo";
    window_config.font_file = font;
    auto window = SdlWindow::create(window_config, &error);
    if (!window) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    std::printf("font: %s\n", window->renderer().has_truetype_font() ? window->renderer().font_file().c_str()
                                                                      : "(bitmap fallback)");
    InputState input;
    long frames = 0;
    GameLoop* loop_ptr = nullptr;
    GameLoopHooks hooks;
    hooks.poll_input = [&] {
        window->poll_events(input);
        if (input.quit_requested() || (!demo.typing && input.pressed(Key::kEscape))) loop_ptr->request_stop();
        if (demo.typing) {
            if (demo.field.update(input)) {
                demo.chat.push_back("you: " + std::string(demo.field.text()));
                if (demo.chat.size() > 7) demo.chat.pop_front();
                demo.field.clear();
            }
            if (input.pressed(Key::kEscape) || input.pressed(Key::kEnter)) {
                demo.typing = false;
                window->stop_text_input();
            }
        } else if (input.pressed(Key::kEnter) || input.pressed(Key::kT)) {
            demo.typing = true;
            window->start_text_input();
        }
    };
    hooks.step = [&](std::uint64_t tick, double) { demo.step(tick); };
    hooks.render = [&](double alpha) {
        demo.draw(window->renderer(), alpha, loop_ptr->stats());
        ++frames;
        if (max_frames >= 0 && frames >= max_frames) {
            if (!screenshot.empty()) {
                if (SDL_Surface* shot = window->renderer().read_pixels()) {
                    SDL_SaveBMP(shot, screenshot.c_str());
                    SDL_FreeSurface(shot);
                }
            }
            loop_ptr->request_stop();
        }
        window->renderer().present();
    };
    GameLoopConfig config;
    config.max_frame_rate = 120;  // vsync may be unavailable (Xvfb): do not spin
    GameLoop loop(config, std::move(hooks));
    loop_ptr = &loop;
    loop.run();
    const LoopStats stats = loop.stats();
    std::printf("frames %ld ticks %llu tick_time_p99_us %.1f\n", frames, static_cast<unsigned long long>(stats.tick),
                static_cast<double>(stats.tick_time.p99.count()) / 1e3);
    return 0;
}
