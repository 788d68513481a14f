#pragma once
// RawClient: a synchronous Beast WebSocket client, to talk to the Server in
// ways our Channel never would (text frames, oversize messages, a TCP close
// with no close frame, reading the socket's own TCP counters). Test thread only.

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace tickwire::net::test {

struct RawClient {
    boost::asio::io_context io;
    boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws{io};

    /// Connects to 127.0.0.1:port and upgrades. Binary mode, and TCP_NODELAY
    /// so that each small message leaves in a segment of its own.
    explicit RawClient(std::uint16_t port) {
        namespace asio = boost::asio;
        ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
        ws.next_layer().set_option(asio::ip::tcp::no_delay(true));
        ws.handshake("127.0.0.1", "/");
        ws.binary(true);
    }

    void send(std::string_view bytes) { ws.write(boost::asio::buffer(bytes.data(), bytes.size())); }

    /// Blocks for the next whole message.
    std::string receive() {
        boost::beast::flat_buffer buffer;
        ws.read(buffer);
        return boost::beast::buffers_to_string(buffer.data());
    }

    /// Reads until the server closes; returns the close code it sent (0 if none).
    std::uint16_t read_until_closed() {
        boost::beast::flat_buffer buffer;
        boost::system::error_code ec;
        while (!ec) ws.read(buffer, ec);
        return ec == boost::beast::websocket::error::closed ? static_cast<std::uint16_t>(ws.reason().code)
                                                            : 0;
    }

    int fd() { return ws.next_layer().native_handle(); }
};

}  // namespace tickwire::net::test
