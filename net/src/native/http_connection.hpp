#pragma once
// The HTTP side of the server: every accepted socket starts here.
//
// Thread: network thread only.

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "native/server_core.hpp"

namespace tickwire::net::detail {

/// Starts the HTTP side of an accepted socket (TLS handshake if configured, the
/// request, then an HTTP answer or a WebSocket upgrade).
void start_http_connection(std::shared_ptr<ServerCore> core, boost::asio::ip::tcp::socket socket, std::string remote,
                           SocketSlot slot);

}  // namespace tickwire::net::detail
