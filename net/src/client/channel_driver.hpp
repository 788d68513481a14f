#pragma once
// ChannelDriver: the loop side of a Channel for its whole life, written once
// for every backend. It runs one Transport at a time (client/transport.hpp),
// speaks the session layer over it (session/session.hpp), turns what happens
// into the game's events, keeps state() and stats(), and reconnects with
// backoff when allowed. Every event the game sees is produced here and
// crosses in ChannelShared::events. No Boost, no sockets, no clocks of its
// own: time comes from the backend's Scheduler.
//
// Thread: the backend's loop only (start_channel posts there).

#include <memory>

#include "channel_shared.hpp"
#include "client/transport.hpp"
#include "network_loop.hpp"
#include "scheduler.hpp"

namespace tickwire::net::detail {

/// Creates the driver on the loop's thread and starts its first attempt.
void run_channel_driver(NetworkLoop& loop, std::shared_ptr<ChannelShared> shared, std::unique_ptr<Connector> connector);

}  // namespace tickwire::net::detail
