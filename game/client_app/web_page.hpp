#pragma once
// What tickwire-client's page (web/index.html and web/join.js) and its C++
// say to each other: the query parameters the C++ reads, and the match state
// it publishes each frame as window.tickwireGame, which the page turns into
// sentences a player can read (server unreachable, room full, version
// mismatch, connection lost and reconnecting) and tests and benchmarks read.
//
// Thread: the page's thread.

#include <cstdint>
#include <string>

#include "tickwire/game/client_view.hpp"

namespace tickwire::game::client_app {

/// The page URL's query parameter `name` ("" when absent).
[[nodiscard]] std::string page_param(const char* name);

/// ws://HOST/room/ROOM (wss:// from an https page); HOST is `host`
/// ("name:port") or, when empty, the page's own host and port: the server
/// that served the page is the match.
[[nodiscard]] std::string page_websocket_url(const std::string& room, const std::string& host = {});

/// Publishes `view` (status, room, scores, whether the own ship is alive,
/// the last chat lines), `frame_ms`
/// (the C++ time of a frame, mean since the last call) and `frames` (run so
/// far) to the page.
void publish_view(const ClientView& view, const std::string& player_name, double frame_ms, std::uint64_t frames);

/// Tells the page something went wrong before the game could start.
void publish_error(const std::string& text);

}  // namespace tickwire::game::client_app
