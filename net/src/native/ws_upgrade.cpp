// The WebSocket upgrade: Beast answers the request HttpConnection has read
// (validation, Sec-WebSocket-Accept, the sub-protocol we select) within the
// handshake timeout, then hands the socket to a WsServerConnection, which
// speaks the frames itself from there on.
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "native/ws_server_connection.hpp"
#include "native/ws_server_streams.hpp"

namespace tickwire::net::detail {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using error_code = boost::system::error_code;

/// One upgrade in progress. Network thread only.
template <class Stream>
class Upgrade final : public std::enable_shared_from_this<Upgrade<Stream>> {
public:
    Upgrade(std::shared_ptr<ServerCore> core, Stream&& stream, SocketSlot slot)
        : core_(std::move(core)), ws_(std::move(stream)), slot_(std::move(slot)) {}

    void start(UpgradeRequest request, std::string remote) {
        remote_ = std::move(remote);
        target_ = std::string(request.target());
        const auto offered = request[http::field::sec_websocket_protocol];
        const std::string selected = select_subprotocol(std::string_view(offered.data(), offered.size()));
        ws_.set_option(websocket::stream_base::decorator([selected](websocket::response_type& response) {
            response.set(http::field::server, "tickwire");
            if (!selected.empty()) response.set(http::field::sec_websocket_protocol, selected);
        }));
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = core_->options().handshake_timeout;
        timeouts.idle_timeout = websocket::stream_base::none();
        timeouts.keep_alive_pings = false;
        beast::get_lowest_layer(ws_).expires_never();
        ws_.set_option(timeouts);
        ws_.async_accept(request, [self = this->shared_from_this()](error_code ec) { self->on_accept(ec); });
    }

private:
    void on_accept(error_code ec) {
        if (ec) {  // Beast has answered a bad upgrade (400); a timeout just closes
            core_->note_handshake_failed();
            return core_->log("upgrade from " + remote_ + " failed: " + ec.message());
        }
        // The server stopped while we were handshaking (the client may already
        // have seen the upgrade answered): it is going away, not full. Either
        // refusal is Beast's closing handshake, bounded by close_timeout; such
        // a connection never joins the hub.
        if (core_->stopping()) return refuse(close_code::going_away, "server shutting down");
        if (!core_->accepting_upgrades()) {  // filled up while we were handshaking
            core_->note_rejected_over_capacity(remote_);
            return refuse(close_code::try_again_later, "server full");
        }
        std::shared_ptr<WsServerConnection> connection = take_socket();
        if (connection) connection->open(core_->make_netsim_link());
    }

    void refuse(std::uint16_t code, std::string_view reason) {
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = core_->options().close_timeout;  // Beast times the close with it
        timeouts.idle_timeout = websocket::stream_base::none();
        timeouts.keep_alive_pings = false;
        ws_.set_option(timeouts);
        websocket::close_reason close(static_cast<websocket::close_code>(code));
        close.reason.assign(reason.data(), reason.size());
        ws_.async_close(close, [self = this->shared_from_this()](error_code) {});
    }

    // From here on the frames are ours: the socket leaves Beast's stream.
    std::shared_ptr<WsServerConnection> take_socket() {
        const WsServerSettings settings = WsServerSettings::from(core_->options());
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            error_code ec;
            boost::asio::ip::tcp::socket socket = ws_.next_layer().release_socket();
            const int fd = socket.release(ec);
            if (ec) return nullptr;
            return std::make_shared<PlainWsConnection>(core_, settings, std::move(slot_), std::move(remote_),
                                                       std::move(target_), fd);
        } else {
            return std::make_shared<TlsWsConnection>(core_, settings, std::move(slot_), std::move(remote_),
                                                     std::move(target_), std::move(ws_.next_layer()));
        }
    }

    std::string select_subprotocol(std::string_view offered) const {
        for (const std::string& supported : core_->options().subprotocols) {
            std::string_view rest = offered;
            while (!rest.empty()) {
                const auto comma = rest.find(',');
                std::string_view token = rest.substr(0, comma);
                while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
                while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
                if (token == supported) return supported;
                rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            }
        }
        return {};
    }

    std::shared_ptr<ServerCore> core_;
    websocket::stream<Stream> ws_;
    SocketSlot slot_;  // after core_: released first
    std::string remote_;
    std::string target_;
};

template <class Stream>
void start_upgrade(std::shared_ptr<ServerCore> core, Stream&& stream, UpgradeRequest request, std::string remote,
                   SocketSlot slot) {
    auto upgrade = std::make_shared<Upgrade<Stream>>(std::move(core), std::move(stream), std::move(slot));
    upgrade->start(std::move(request), std::move(remote));
}

}  // namespace

void accept_websocket(std::shared_ptr<ServerCore> core, beast::tcp_stream&& stream, UpgradeRequest request,
                      std::string remote, SocketSlot slot) {
    start_upgrade(std::move(core), std::move(stream), std::move(request), std::move(remote), std::move(slot));
}

void accept_websocket(std::shared_ptr<ServerCore> core, beast::ssl_stream<beast::tcp_stream>&& stream,
                      UpgradeRequest request, std::string remote, SocketSlot slot) {
    start_upgrade(std::move(core), std::move(stream), std::move(request), std::move(remote), std::move(slot));
}

}  // namespace tickwire::net::detail
