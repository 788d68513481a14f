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

long parse_number(std::string_view option, const char* value, long min, long max) {
    char* end = nullptr;
    const long v = std::strtol(value, &end, 10);
    if (end == value || *end != '\0' || v < min || v > max) {
        throw std::invalid_argument(std::string(option) + ": expected a number in " + std::to_string(min) + ".." +
                                    std::to_string(max) + ", got '" + value + "'");
    }
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    AppOptions options;
    bool fake = false;
    std::string netsim;  // a --netsim spec, validated
    std::string fake_state;
    bool session = true;
    try {
        bool have_url = false;
        for (int i = 1; i < argc; ++i) {
            const std::string_view arg = argv[i];
            const auto value = [&]() -> const char* {
                if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value");
                return argv[++i];
            };
            if (arg == "-h" || arg == "--help") {
                std::fputs(kUsage, stdout);
                return 0;
            } else if (arg == "--name") {
                options.name = value();
                if (options.name.empty() || options.name.size() > 32) {
                    throw std::invalid_argument("--name: 1 to 32 bytes");
                }
            } else if (arg == "--headless") {
                options.headless = true;
            } else if (arg == "--width") {
                options.width = static_cast<int>(parse_number(arg, value(), 320, 16384));
            } else if (arg == "--height") {
                options.height = static_cast<int>(parse_number(arg, value(), 240, 16384));
            } else if (arg == "--vsync") {
                options.vsync = true;
            } else if (arg == "--frames") {
                options.frames = parse_number(arg, value(), 1, 1L << 40);
            } else if (arg == "--screenshot") {
                options.screenshot = value();
            } else if (arg == "--duration") {
                options.duration_s = static_cast<double>(parse_number(arg, value(), 1, 1L << 30));
            } else if (arg == "--net-graph") {
                options.net_graph = true;
            } else if (arg == "--autopilot") {
                options.autopilot = true;
            } else if (arg == "--netsim") {
                netsim = value();
                if (const auto parsed = tickwire::net::parse_netsim(netsim); !parsed)
                    throw std::invalid_argument(parsed.error);
            } else if (arg == "--no-session") {
                session = false;
            } else if (arg == "--fake") {
                fake = true;
                if (i + 1 < argc && argv[i + 1][0] != '-') fake_state = argv[++i];
            } else if (!arg.empty() && arg[0] != '-' && !have_url) {
                options.url = arg;
                have_url = true;
            } else {
                throw std::invalid_argument("unknown argument '" + std::string(arg) + "'");
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
