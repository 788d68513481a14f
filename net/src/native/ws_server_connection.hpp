#pragma once
// The server's open WebSockets: accept_websocket takes an upgrade request that
// HttpConnection has read and runs the connection (WsServerConnection, a
// WsConnection and the Link its session rides on) until it ends.
//
// Thread: network thread only.

#include <memory>
#include <string>

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "native/server_core.hpp"

namespace tickwire::net::detail {

using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

void accept_websocket(std::shared_ptr<ServerCore> core, boost::beast::tcp_stream&& stream, UpgradeRequest request,
                      std::string remote, SocketSlot slot);
void accept_websocket(std::shared_ptr<ServerCore> core, boost::beast::ssl_stream<boost::beast::tcp_stream>&& stream,
                      UpgradeRequest request, std::string remote, SocketSlot slot);

}  // namespace tickwire::net::detail
