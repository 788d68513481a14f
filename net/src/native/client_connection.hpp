#pragma once
// The native backend's client side: a Connector whose attempts are
// ClientConnections (native/client_connection.cpp) — resolve, connect, TLS and
// WebSocket handshakes over Beast, then the open WebSocket (pings, keep-alive,
// the network simulator's delay lines) until it ends. What to do with what
// they report is the portable ChannelDriver's business (client/).
//
// Thread: network thread only.

#include <memory>

#include "client/transport.hpp"
#include "native/asio_network_loop.hpp"
#include "tickwire/net/channel.hpp"

namespace tickwire::net::detail {

/// The Connector of one channel to `url`. Parses the URL and builds the TLS
/// context once; a failure there ends the channel without a retry.
std::unique_ptr<Connector> make_native_connector(NetworkLoop& loop, std::string url, const ChannelOptions& options);

}  // namespace tickwire::net::detail
