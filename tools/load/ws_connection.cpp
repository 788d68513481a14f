// WebSocket transport of tickwire-load's echo and idle modes: Beast's
// websocket::stream straight on a TCP socket, binary messages, no compression,
// one read and at most one write in flight. Beast answers the server's pings
// inside async_read, so idle connections stay open.
//
// Why Beast and not tickwire's Channel: the load generator has to stay out of
// the way on a 2-core machine, so it runs every connection on one thread with
// no queues and no thread hand-offs, and it costs the same for every server it
// is pointed at (tickwire, Beast, Node ws), which is what makes their figures
// compare. tickwire's full path is measured on the server side.
#include <boost/asio/connect.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "echo_connection.hpp"

namespace tickwire::load {

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using boost::asio::ip::tcp;

class WsConnection final : public EchoConnection {
public:
    explicit WsConnection(EchoShared& shared) : EchoConnection(shared), ws_(shared.io) {}

    void connect(std::function<void(bool)> done) override {
        connect_done_ = std::move(done);
        ws_.next_layer().async_connect(shared_.endpoint, [this](const boost::system::error_code& ec) {
            if (ec) return finish_connect(false, "connect: " + ec.message());
            ws_.next_layer().set_option(tcp::no_delay(true));
            ws_.binary(true);
            ws_.auto_fragment(false);
            ws_.read_message_max(64u << 20);
            const std::string host = shared_.options.host + ":" + std::to_string(shared_.options.port);
            ws_.async_handshake(host, shared_.options.path, [this](const boost::system::error_code& hec) {
                if (hec) return finish_connect(false, "handshake: " + hec.message());
                finish_connect(true, {});
            });
        });
    }

    void abort() override {
        boost::system::error_code ignored;
        ws_.next_layer().close(ignored);
    }

private:
    void close_transport() override {
        if (!open_ || closing_) return;
        closing_ = true;
        ws_.async_close(websocket::close_code::normal, [](const boost::system::error_code&) {});
    }

    void write_payload() override {
        ws_.async_write(boost::asio::buffer(payload_), [this](const boost::system::error_code& ec, std::size_t) {
            on_written(!ec);
        });
    }

    void start_reading() override {
        ws_.async_read(buffer_, [this](const boost::system::error_code& ec, std::size_t) {
            if (ec) return on_broken("read: " + ec.message());
            const auto data = buffer_.cdata();
            on_echo({static_cast<const std::uint8_t*>(data.data()), data.size()});
            buffer_.consume(buffer_.size());
            if (open_) start_reading();
        });
    }

    websocket::stream<tcp::socket> ws_;
    beast::flat_buffer buffer_;
    bool closing_ = false;
};

}  // namespace

std::unique_ptr<EchoConnection> make_ws_connection(EchoShared& shared) {
    return std::make_unique<WsConnection>(shared);
}

}  // namespace tickwire::load
