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
// Windowed (any engine::Window: SDL natively, a canvas in a page), or
// --headless (no window, no render; a status line every few seconds on
// stdout). Closing the window (or SIGINT/SIGTERM via `leave_signal`) calls
// source.close() and keeps running until the source is finished, at most
// about a second, so the server sees a clean close.
//
// Natively run() owns the loop; a browser drives frame() from its animation
// frames instead (nothing may block a page), then calls finish().
//
// Thread: construct and run on the window's thread (SDL's main thread, the
// page's thread).

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "match_source.hpp"
#include "tickwire/engine/window.hpp"

namespace tickwire::game::client_app {

struct AppOptions {
    std::string url = "ws://127.0.0.1:7777/room/auto";
    std::string name = "player";
    bool headless = false;
    int width = 1280, height = 720;
    bool vsync = false;
    /// Frames start at most this often: -1 = 240 with vsync, 120 without;
    /// 0 = no cap, the platform paces frames (a browser's animation frames).
    int max_frame_rate = -1;
    long frames = -1;         ///< stop after N frames (headless: N ticks); -1 = no limit
    std::string screenshot;   ///< with frames or duration: write the last frame here (BMP)
    double duration_s = 0;    ///< stop after this long; 0 = no limit
    bool net_graph = false;   ///< start with the F3 net graph shown
    bool autopilot = false;   ///< a simple bot steers (unattended demos, screenshots)
    /// What the HUD says under a connection that has ended for good.
    std::string quit_hint = "close the window to quit";
    int tick_rate = 60;
};

class ClientApp {
public:
    /// `window` null = headless. `leave_signal` (may be null) is polled every
    /// frame: when it turns true the client leaves as if its window had been
    /// closed.
    ClientApp(AppOptions options, std::unique_ptr<MatchSource> source, std::unique_ptr<engine::Window> window,
              const std::atomic<bool>* leave_signal);
    ~ClientApp();
    ClientApp(const ClientApp&) = delete;
    ClientApp& operator=(const ClientApp&) = delete;

    /// Runs until the player leaves or a limit is reached; the exit code
    /// (0, or 1 when the window could not open or, headless, the server
    /// ended the session).
    int run();

    /// run() in three parts, for a platform that owns the frame loop.
    void start();
    /// One frame; false once the client has stopped (then call finish()).
    bool frame();
    /// After the last frame: prints the summary; the exit code as run()'s.
    int finish();

    /// The match as last drawn (status, room, scores), for the platform to
    /// show; valid until the next frame.
    [[nodiscard]] const ClientView& view() const;
    /// Leave as if the window had been closed (a page being unloaded).
    void leave();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace tickwire::game::client_app
