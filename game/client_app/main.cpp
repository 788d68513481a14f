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
#include <string_view>

#include "client_app.hpp"
#include "fake_match.hpp"
#include "tickwire/net/netsim.hpp"
#include "tickwire/game/cli.hpp"

namespace {

using tickwire::game::client_app::AppOptions;

std::atomic<bool> g_leave{false};

extern "C" void on_signal(int) { g_leave.store(true, std::memory_order_relaxed); }

constexpr const char* kUsage =
    "usage: tickwire-client [URL] [options]\n"
    "\n"
    "  URL                ws://HOST:PORT/room/CODE (default ws://127.0.0.1:7777/room/auto:\n"
    "                     the fullest room with space; an unknown CODE creates a room)\n"
    "  --name N           player name shown to others (default: player; at most 32 bytes)\n"
    "  --headless         no window: play idle and print a status line every 2 s\n"
    "  --width W          window width in pixels (default 1280)\n"
    "  --height H         window height in pixels (default 720)\n"
    "  --vsync            wait for the display refresh (default: capped at 120 fps)\n"
    "  --frames N         leave after N frames (headless: N ticks)\n"
    "  --screenshot F     with --frames or --duration: save the last frame to F (BMP)\n"
    "  --duration S       leave after S seconds\n"
    "  --net-graph        start with the net graph (F3) shown\n"
    "  --autopilot        a simple bot flies the ship (unattended demos, screenshots)\n"
    "  --netsim SPEC      simulate a bad network, e.g. latency=100ms,jitter=20ms,stall=1%,seed=7\n"
    "                     (also bandwidth=64kB, stall_time=250ms, disconnect=0.1%, max_disconnects=N)\n"
    "  --no-session       plain WebSocket, for a server run with --no-session (no resume\n"
    "                     after a dropped connection)\n"
    "  --fake [STATE]     dev only: a made-up match, no server (STATE: connecting,\n"
    "                     reconnecting, closed, dead)\n"
    "\n"
    "keys: WASD/arrows move, mouse aims, click or Space fires, Enter chat\n"
    "      (Enter sends, Escape cancels), Tab scoreboard, F3 net graph\n";


}  // namespace

int main(int argc, char** argv) {
    AppOptions options;
    bool fake = false;
    std::string netsim;  // a --netsim spec, validated
    std::string fake_state;
    bool session = true;
    try {
        bool have_url = false;
        for (tickwire::game::cli::Args args(argc, argv); args.next();) {
            if (args.is("-h") || args.is("--help")) {
                std::fputs(kUsage, stdout);
                return 0;
            } else if (args.is("--name")) {
                options.name = args.value();
                if (options.name.empty() || options.name.size() > 32) {
                    throw std::invalid_argument("--name: 1 to 32 bytes");
                }
            } else if (args.is("--headless")) {
                options.headless = true;
            } else if (args.is("--width")) {
                options.width = args.number<int>(320, 16384);
            } else if (args.is("--height")) {
                options.height = args.number<int>(240, 16384);
            } else if (args.is("--vsync")) {
                options.vsync = true;
            } else if (args.is("--frames")) {
                options.frames = args.number<long>(1, 1L << 40);
            } else if (args.is("--screenshot")) {
                options.screenshot = args.value();
            } else if (args.is("--duration")) {
                options.duration_s = args.number<double>(1, 1L << 30);
            } else if (args.is("--net-graph")) {
                options.net_graph = true;
            } else if (args.is("--autopilot")) {
                options.autopilot = true;
            } else if (args.is("--netsim")) {
                netsim = args.value();
                if (const auto parsed = tickwire::net::parse_netsim(netsim); !parsed)
                    throw std::invalid_argument(parsed.error);
            } else if (args.is("--no-session")) {
                session = false;
            } else if (args.is("--fake")) {
                fake = true;
                if (const char* state = args.optional_value()) fake_state = state;
            } else if (args.positional() && !have_url) {
                options.url = args.current();
                have_url = true;
            } else {
                args.unknown();
            }
        }
        if (!options.screenshot.empty() && options.frames < 0 && options.duration_s <= 0) {
            throw std::invalid_argument("--screenshot needs --frames N or --duration S");
        }
        if (!options.screenshot.empty() && options.headless) {
            throw std::invalid_argument("--screenshot needs a window (not --headless)");
        }
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "tickwire-client: %s\n\n%s", e.what(), kUsage);
        return 2;
    }

    std::unique_ptr<tickwire::game::client_app::MatchSource> source;
    if (fake) {
        source = std::make_unique<tickwire::game::client_app::FakeMatch>(options.name, fake_state);
    } else {
        source = tickwire::game::client_app::make_core_source(options.url, options.name, netsim, session);
    }

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    tickwire::game::client_app::ClientApp app(options, std::move(source), &g_leave);
    return app.run();
}
