// tickwire-client: play the tickwire arena.
//
//   tickwire-client [URL] [--name N] [--headless] [--width W --height H] [--vsync]
//                   [--frames N | --duration S] [--screenshot F.bmp] [--net-graph] [--autopilot]
//                   [--netsim latency=100ms,jitter=20ms,stall=1%,seed=7] [--no-session]
//
// URL defaults to ws://127.0.0.1:7777/room/auto (the fullest room with space).
// Keys: WASD/arrows move, mouse aims, click or Space fires, Enter chats,
// Tab scoreboard, F3 net graph. Closing the window leaves the room cleanly.
// --fake [STATE] (dev only) shows a made-up match without any server.

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "client_app.hpp"
#include "fake_match.hpp"
#include "tickwire/cli.hpp"
#include "tickwire/engine/platform/sdl_window.hpp"
#include "tickwire/net/netsim.hpp"

namespace {

using tickwire::game::client_app::AppOptions;

std::atomic<bool> g_leave{false};

extern "C" void on_signal(int) { g_leave.store(true, std::memory_order_relaxed); }

// The SDL window, or null with the reason printed.
std::unique_ptr<tickwire::engine::SdlWindow> open_window(const AppOptions& options) {
    tickwire::engine::WindowConfig config;
    config.title = "tickwire";
    config.width = options.width;
    config.height = options.height;
    config.vsync = options.vsync;
    std::string error;
    auto window = tickwire::engine::SdlWindow::create(config, &error);
    if (!window) {
        std::fprintf(stderr, "tickwire-client: cannot open a window: %s (no display? try --headless)\n",
                     error.c_str());
        return nullptr;
    }
    // With no display SDL falls back to its invisible offscreen driver: a
    // window nobody can see or close. Only on request.
    const std::string driver = window->video_driver();
    if ((driver == "offscreen" || driver == "dummy") && std::getenv("SDL_VIDEODRIVER") == nullptr) {
        std::fprintf(stderr,
                     "tickwire-client: no display (SDL found only its '%s' video driver); use --headless, "
                     "or set SDL_VIDEODRIVER=%s to render without one\n",
                     driver.c_str(), driver.c_str());
        return nullptr;
    }
    return window;
}

}  // namespace

int main(int argc, char** argv) {
    AppOptions options;
    bool fake = false;
    std::string netsim;  // a --netsim spec, validated
    std::string fake_state;
    bool session = true;
    CLI::App command_line{"Play the tickwire arena.", "tickwire-client"};
    command_line.add_option("url", options.url,
                   "ws://HOST:PORT/room/CODE (/room/auto: the fullest room with space; an unknown CODE "
                   "creates a room), or matchmaking: http://HOST:PORT/match/auto or /match/CODE")
        ->capture_default_str();
    command_line.add_option("--name", options.name, "player name shown to others (at most 32 bytes)")
        ->check(CLI::Validator(
            [](std::string& name) { return std::string(name.empty() || name.size() > 32 ? "1 to 32 bytes" : ""); }, "NAME"))
        ->capture_default_str();
    command_line.add_flag("--headless", options.headless, "no window: play idle and print a status line every 2 s");
    command_line.add_option("--width", options.width, "window width in pixels")->check(CLI::Range(320, 16384))->capture_default_str();
    command_line.add_option("--height", options.height, "window height in pixels")
        ->check(CLI::Range(240, 16384))
        ->capture_default_str();
    command_line.add_flag("--vsync", options.vsync, "wait for the display refresh (default: capped at 120 fps)");
    command_line.add_option("--frames", options.frames, "leave after N frames (headless: N ticks)")->check(CLI::Range(1L, 1L << 40));
    command_line.add_option("--screenshot", options.screenshot, "with --frames or --duration: save the last frame to F (BMP)");
    command_line.add_option("--duration", options.duration_s, "leave after S seconds")->check(CLI::Range(1.0, 1e9));
    command_line.add_flag("--net-graph", options.net_graph, "start with the net graph (F3) shown");
    command_line.add_flag("--autopilot", options.autopilot, "a simple bot flies the ship (unattended demos, screenshots)");
    command_line.add_option("--netsim", netsim,
                   "simulate a bad network, e.g. latency=100ms,jitter=20ms,stall=1%,seed=7 (also bandwidth=64kB, "
                   "stall_time=250ms, disconnect=0.1%, max_disconnects=N)");
    command_line.add_flag_callback("--no-session", [&] { session = false; },
                          "plain WebSocket, for a server run with --no-session (no resume after a dropped connection)");
    command_line.add_option("--fake", fake_state,
                   "dev only: a made-up match, no server (STATE: connecting, reconnecting, closed, dead)")
        ->expected(0, 1);
    command_line.footer(
        "keys: WASD/arrows move, mouse aims, click or Space fires, Enter chat\n"
        "      (Enter sends, Escape cancels), Tab scoreboard, F3 net graph");
    const auto check = [&] {
        if (const auto parsed = tickwire::net::parse_netsim(netsim); !parsed) {
            throw std::invalid_argument(parsed.error);
        }
        if (!options.screenshot.empty() && options.frames < 0 && options.duration_s <= 0) {
            throw std::invalid_argument("--screenshot needs --frames N or --duration S");
        }
        if (!options.screenshot.empty() && options.headless) {
            throw std::invalid_argument("--screenshot needs a window (not --headless)");
        }
    };
    if (const auto exit = tickwire::cli::parse(command_line, argc, argv, check)) return *exit;
    fake = command_line.count("--fake") > 0;

    std::unique_ptr<tickwire::engine::Window> window;
    if (!options.headless) {
        window = open_window(options);
        if (!window) return 1;
    }

    std::unique_ptr<tickwire::game::client_app::MatchSource> source;
    if (fake) {
        source = std::make_unique<tickwire::game::client_app::FakeMatch>(options.name, fake_state);
    } else {
        source = tickwire::game::client_app::make_core_source(options.url, options.name, netsim, session);
    }

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    tickwire::game::client_app::ClientApp app(options, std::move(source), std::move(window), &g_leave);
    return app.run();
}
