// WsServerConnection: an open WebSocket on the server. What it reads goes to
// the server core (ServerCore::on_packet), which runs it through the session
// layer; what the session writes comes back through the Link interface.
#include "native/ws_server_connection.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "native/ws_connection.hpp"

namespace tickwire::net::detail {
namespace {

namespace http = boost::beast::http;

/// An open WebSocket on the server. Network thread only.
template <class NextLayer>
class WsServerConnection final : public WsConnection<WsServerConnection<NextLayer>, NextLayer>, public ServerConnection {
    using Ws = WsConnection<WsServerConnection<NextLayer>, NextLayer>;
    friend Ws;

public:
    WsServerConnection(std::shared_ptr<ServerCore> core, NextLayer&& stream, const ConnectionSettings& settings,
                    SocketSlot slot)
        : Ws(settings, std::move(stream)), core_(std::move(core)), slot_(std::move(slot)) {}

    // Accept the WebSocket upgrade
    void accept(http::request<http::string_body> request, std::string remote) {
        remote_ = std::move(remote);
        target_ = std::string(request.target());
        const auto offered = request[http::field::sec_websocket_protocol];
        const std::string selected = select_subprotocol(std::string_view(offered.data(), offered.size()));
        this->ws_.set_option(websocket::stream_base::decorator([selected](websocket::response_type& response) {
            response.set(http::field::server, "tickwire");
            if (!selected.empty()) response.set(http::field::sec_websocket_protocol, selected);
        }));
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = core_->options().handshake_timeout;
        timeouts.idle_timeout = websocket::stream_base::none();
        timeouts.keep_alive_pings = false;
        beast::get_lowest_layer(this->ws_).expires_never();
        this->ws_.set_option(timeouts);
        this->ws_.async_accept(request, [self = this->shared_from_this()](error_code ec) { self->on_accept(ec); });
    }

    // ServerConnection
    void send(Message message) override { Ws::send(std::move(message)); }
    bool send_latest(Message message) override { return Ws::send_latest(std::move(message)); }
    void close(std::uint16_t code, std::string_view reason) override { Ws::close(code, reason); }
    void close_now(std::uint16_t code, std::string_view reason) override { Ws::close_now(code, reason); }
    void resume_reading() override { Ws::resume_reading(); }
    [[nodiscard]] std::size_t queued_bytes() const noexcept override { return Ws::queued_bytes(); }
    void set_id(ConnectionId id) override { id_ = id; }
    [[nodiscard]] ConnectionId id() const noexcept override { return id_; }
    [[nodiscard]] std::string_view remote() const noexcept override { return remote_; }
    [[nodiscard]] std::string_view target() const noexcept override { return target_; }
    std::shared_ptr<ServerConnection> self() override {
        return std::static_pointer_cast<WsServerConnection>(this->shared_from_this());
    }

private:
    void on_accept(error_code ec) {
        if (ec) {  // Beast has answered a bad upgrade (400); a timeout just closes
            core_->note_handshake_failed();
            return core_->log("upgrade from " + remote_ + " failed: " + ec.message());
        }
        // The server stopped while we were handshaking (the client may already
        // have seen the upgrade answered): it is going away, not full.
        if (core_->stopping()) return this->close(close_code::going_away, "server shutting down");
        if (!core_->accepting_upgrades()) {  // filled up while we were handshaking
            core_->note_rejected_over_capacity(remote_);
            return this->close(close_code::try_again_later, "server full");
        }
        core_->on_accepted(self());
        this->start_open_phase();
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

    // WsConnection hooks
    bool deliver_message(Message&& message) { return core_->on_packet(*this, std::move(message)); }
    void on_bytes_in(std::size_t) {}
    void on_bytes_out(std::size_t bytes) {
        core_->shared().messages_out.fetch_add(1, std::memory_order_relaxed);
        core_->shared().bytes_out.fetch_add(bytes, std::memory_order_relaxed);
    }
    void on_rtt(std::uint64_t) {}
    void on_finished(const CloseInfo& info) {
        if (id_ == kInvalidConnection) return;
        if (info.code == close_code::policy_violation || info.error == ErrorKind::protocol ||
            info.code == close_code::unsupported_data || info.code == close_code::message_too_big) {
            core_->log("closed #" + std::to_string(id_) + " " + remote_ + ": " + std::to_string(info.code) + " " +
                       info.reason + (info.error_text.empty() ? "" : " (" + info.error_text + ")"));
        }
        core_->on_disconnected(id_, info, this);
    }

    std::shared_ptr<ServerCore> core_;
    SocketSlot slot_;  // after core_: released first
    std::string remote_;
    std::string target_;
    ConnectionId id_ = kInvalidConnection;
};


template <class Stream>
void start_websocket(std::shared_ptr<ServerCore> core, Stream&& stream, UpgradeRequest request, std::string remote,
                     SocketSlot slot) {
    const ServerOptions& o = core->options();
    const ConnectionSettings settings{o.idle_timeout, o.ping_interval, o.close_timeout, o.max_message_size};
    auto connection = std::make_shared<WsServerConnection<Stream>>(core, std::move(stream), settings, std::move(slot));
    connection->set_netsim(core->make_netsim_link(), core->scheduler());
    connection->accept(std::move(request), std::move(remote));
}

}  // namespace

void accept_websocket(std::shared_ptr<ServerCore> core, beast::tcp_stream&& stream, UpgradeRequest request,
                      std::string remote, SocketSlot slot) {
    start_websocket(std::move(core), std::move(stream), std::move(request), std::move(remote), std::move(slot));
}

void accept_websocket(std::shared_ptr<ServerCore> core, beast::ssl_stream<beast::tcp_stream>&& stream,
                      UpgradeRequest request, std::string remote, SocketSlot slot) {
    start_websocket(std::move(core), std::move(stream), std::move(request), std::move(remote), std::move(slot));
}

}  // namespace tickwire::net::detail
