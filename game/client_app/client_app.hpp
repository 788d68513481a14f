#pragma once
// ClientApp: tickwire-client's frame loop. Drives a MatchSource (ClientCore,
// or the dev fake) from engine::GameLoop at the match's tick rate:
//
//   poll_input  -> window events; chat line, Tab, F3; PlayerIntent
//   network_in  -> source.network_in()
//   step        -> source.set_intent(intent); source.step()
//   network_out -> source.network_out(); leaving / time limits
//   render      -> source.view(alpha) -> WorldRenderer + HudRenderer
//
// Windowed, or --headless (no window, no render; a status line every few
// seconds on stdout). Closing the window (or SIGINT/SIGTERM via
// `leave_signal`) calls source.close() and keeps running until the source
// is finished, at most about a second, so the server sees a clean close.
//
// Thread: construct and run() on the main thread (SDL's rule).

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "match_source.hpp"

namespace tickwire::game::client_app {

struct AppOptions {
    std::string url = "ws://127.0.0.1:7777/room/auto";
    std::string name = "player";
    bool headless = false;
    int width = 1280, height = 720;
    bool vsync = false;
    long frames = -1;         ///< stop after N frames (headless: N ticks); -1 = no limit
    std::string screenshot;   ///< with frames or duration: write the last frame here (BMP)
    double duration_s = 0;    ///< stop after this long; 0 = no limit
    bool net_graph = false;   ///< start with the F3 net graph shown
    bool autopilot = false;   ///< a simple bot steers (unattended demos, screenshots)
    int tick_rate = 60;
};

class ClientApp {
public:
    /// `leave_signal` (may be null) is polled every frame: when it turns true
    /// the client leaves as if its window had been closed.
    ClientApp(AppOptions options, std::unique_ptr<MatchSource> source, const std::atomic<bool>* leave_signal);
    ~ClientApp();
    ClientApp(const ClientApp&) = delete;
    ClientApp& operator=(const ClientApp&) = delete;

    /// Runs until the player leaves or a limit is reached; the exit code
    /// (0, or 1 when the window could not open or, headless, the server
    /// ended the session).
    int run();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace tickwire::game::client_app
