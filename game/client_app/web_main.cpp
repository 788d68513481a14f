// tickwire-client in a browser page: the same ClientApp, ClientCore and
// renderers as the native client, on a WebWindow (a canvas) and the page's
// animation frames instead of an SDL window and a while loop.
//
//   http://HOST:PORT/                          the join page (web/join.js): no game
//   http://HOST:PORT/?room=CODE&name=N         joins room CODE on HOST:PORT as N
//     [&autopilot=1] [&netgraph=1]             a bot flies the ship; F3 shown
//     [&server=HOST:PORT]                      the match is elsewhere (tests put a proxy there)
//
// The WebSocket goes to the host and port that served the page (or
// `server`), in session mode, so a page whose network drops resumes its
// player like a native one.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "client_app.hpp"
#include "match_source.hpp"
#include "tickwire/engine/platform/web_frame_loop.hpp"
#include "tickwire/engine/platform/web_window.hpp"
#include "tickwire/game/protocol/room_code.hpp"
#include "web_page.hpp"

namespace {

using tickwire::game::client_app::AppOptions;
using tickwire::game::client_app::ClientApp;
using Clock = std::chrono::steady_clock;

// How often the page's view of the match is refreshed (besides every
// status change).
constexpr auto kPublishPeriod = std::chrono::milliseconds(100);

// The running game; it lives as long as the page (main() returns at once).
// Thread: the page's thread (its animation frames).
struct Game {
    std::unique_ptr<ClientApp> app;
    std::string name;
    std::uint64_t frames = 0;
    // C++ frame time since the last publication, for its mean.
    Clock::duration frame_time{};
    std::uint64_t timed_frames = 0;
    Clock::time_point next_publish{};
    tickwire::game::ConnectionStatus published_status = tickwire::game::ConnectionStatus::connecting;

    bool frame() {
        const auto start = Clock::now();
        const bool more = app->frame();
        const auto end = Clock::now();
        ++frames;
        frame_time += end - start;
        ++timed_frames;
        const auto& view = app->view();
        if (end >= next_publish || view.status != published_status) {
            next_publish = end + kPublishPeriod;
            published_status = view.status;
            const double mean_ms =
                std::chrono::duration<double, std::milli>(frame_time).count() / static_cast<double>(timed_frames);
            tickwire::game::client_app::publish_view(view, name, mean_ms, frames);
            frame_time = {};
            timed_frames = 0;
        }
        return more;
    }
};

Game* g_game = nullptr;

}  // namespace

int main() {
    namespace client_app = tickwire::game::client_app;
    std::string room = client_app::page_param("room");
    if (room.empty()) return 0;  // the join page: web/join.js runs it
    if (room != "auto" && !tickwire::game::protocol::valid_room_code(room)) {
        client_app::publish_error("'" + room + "' is not a room code (1 to 16 of A-Z a-z 0-9 - _)");
        return 0;
    }
    const std::string server = client_app::page_param("server");
    if (!server.empty() && server.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
                               std::string::npos) {
        client_app::publish_error("'" + server + "' is not a HOST:PORT");
        return 0;
    }
    AppOptions options;
    options.name = client_app::page_param("name");
    if (options.name.empty()) options.name = "player";
    options.url = client_app::page_websocket_url(room, server);
    options.autopilot = client_app::page_param("autopilot") == "1";
    options.net_graph = client_app::page_param("netgraph") == "1";
    options.max_frame_rate = 0;  // the browser paces frames
    options.quit_hint = "reload the page to play again";

    std::string error;
    auto window = tickwire::engine::WebWindow::create(tickwire::engine::WebWindowConfig{}, &error);
    if (!window) {
        client_app::publish_error("cannot draw: " + error);
        return 0;
    }
    auto source = client_app::make_core_source(options.url, options.name);
    g_game = new Game{};
    g_game->name = options.name;
    g_game->app = std::make_unique<ClientApp>(options, std::move(source), std::move(window), nullptr);
    g_game->app->start();
    tickwire::engine::run_on_animation_frames([] { return g_game->frame(); },
                                              [] {
                                                  g_game->app->finish();
                                                  client_app::publish_view(g_game->app->view(), g_game->name, 0,
                                                                           g_game->frames);
                                              });
    return 0;
}
