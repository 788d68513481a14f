#pragma once
// The net::ServerOptions a match server listens with: ServerConfig's limits,
// plus the choices the game makes for net (message size, write queue, what a
// session may hold unacknowledged, log lines as events).
//
// Thread: pure, any thread.

#include "tickwire/game/server/match_server.hpp"
#include "tickwire/net/server.hpp"

namespace tickwire::game::server {

[[nodiscard]] net::ServerOptions net_options(const ServerConfig& config);

}  // namespace tickwire::game::server
