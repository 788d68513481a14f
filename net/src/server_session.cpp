// Per-socket server sessions: HttpSession reads the request (after TLS, if
// configured) and either answers plain HTTP (published resources, 404, 503) or
// hands the stream to a WsServerSession, which runs the open WebSocket.
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "server_core.hpp"
#include "ws_connection.hpp"

namespace tickwire::net::detail {
namespace {

namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

// Upgrade requests are small; anything bigger is hostile.
constexpr std::uint32_t kMaxRequestHeaderBytes = 8 * 1024;

/// An open WebSocket on the server. Network thread only.
template <class NextLayer>
class WsServerSession final : public WsConnection<WsServerSession<NextLayer>, NextLayer>, public ServerConnection {
    using Ws = WsConnection<WsServerSession<NextLayer>, NextLayer>;
    friend Ws;

public:
    WsServerSession(std::shared_ptr<ServerCore> core, NextLayer&& stream, const ConnectionSettings& settings)
        : Ws(settings, std::move(stream)), core_(std::move(core)) {}

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

private:
    void on_accept(error_code ec) {
        if (ec) return;  // handshake failed or timed out: the socket just goes away
        if (!core_->accepting_upgrades()) {  // filled up while we were handshaking
            core_->note_rejected_over_capacity(remote_);
            return this->close(close_code::try_again_later, "server full");
        }
        if (session_mode_) {
            core_->on_session_accepted(std::static_pointer_cast<WsServerSession>(this->shared_from_this()));
        } else {
            id_ = core_->on_connected(std::static_pointer_cast<WsServerSession>(this->shared_from_this()), remote_,
                                      target_);
        }
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
    bool deliver_message(Message&& message) {
        if (session_mode_)
            return core_->on_session_message(std::static_pointer_cast<WsServerSession>(this->shared_from_this()),
                                             std::move(message));
        return core_->on_message(id_, std::move(message));
    }
    void on_bytes_in(std::size_t) {}
    void on_bytes_out(std::size_t bytes) {
        core_->shared().messages_out.fetch_add(1, std::memory_order_relaxed);
        core_->shared().bytes_out.fetch_add(bytes, std::memory_order_relaxed);
    }
    void on_rtt(std::uint64_t) {}
    void on_finished(const CloseInfo& info) {
        if (id_ != kInvalidConnection) core_->on_disconnected(id_, info, this);
    }

    std::shared_ptr<ServerCore> core_;
    std::string remote_;
    std::string target_;
    ConnectionId id_ = kInvalidConnection;
    const bool session_mode_ = core_->options().session.enabled;
};

/// Reads one HTTP request from an accepted socket. Network thread only.
template <class Stream>
class HttpSession final : public std::enable_shared_from_this<HttpSession<Stream>> {
    static constexpr bool kTls = std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>;

public:
    template <class... Args>
    HttpSession(std::shared_ptr<ServerCore> core, std::string remote, Args&&... args)
        : core_(std::move(core)), remote_(std::move(remote)), stream_(std::forward<Args>(args)...) {}

    ~HttpSession() { core_->http_session_ended(); }

    void start() {
        // Slow or silent clients get the handshake timeout for TLS + request together.
        beast::get_lowest_layer(stream_).expires_after(core_->options().handshake_timeout);
        if constexpr (kTls) {
            stream_.async_handshake(ssl::stream_base::server,
                                    [self = this->shared_from_this()](error_code ec) {
                                        if (!ec) self->do_read();
                                    });
        } else {
            do_read();
        }
    }

private:
    // Read the request
    void do_read() {
        parser_.emplace();
        parser_->header_limit(kMaxRequestHeaderBytes);
        parser_->body_limit(0);
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(error_code ec) {
        if (ec) return;  // timeout, garbage or a closed socket: nothing to answer
        http::request<http::string_body> request = parser_->release();
        if (websocket::is_upgrade(request)) {
            if (!core_->accepting_upgrades()) {
                core_->note_rejected_over_capacity(remote_);
                return respond(request, http::status::service_unavailable, "text/plain", "server full\n");
            }
            const ServerOptions& o = core_->options();
            const ConnectionSettings settings{o.idle_timeout, o.ping_interval, o.close_timeout, o.max_message_size};
            auto session = std::make_shared<WsServerSession<Stream>>(core_, std::move(stream_), settings);
            session->set_netsim(core_->make_netsim_link());
            return session->accept(std::move(request), remote_);
        }
        if (request.method() == http::verb::get) {
            const auto [path, query] = split_path(request.target());
            if (const HttpResource* resource = core_->http_resource(path))
                return respond(request, http::status::ok, resource->content_type, resource->body);
        }
        respond(request, http::status::not_found, "text/plain", "not found\n");
    }

    static std::pair<std::string_view, std::string_view> split_path(beast::string_view target) {
        const std::string_view t(target.data(), target.size());
        const auto q = t.find('?');
        return {t.substr(0, q), q == std::string_view::npos ? std::string_view() : t.substr(q + 1)};
    }

    // Answer plain HTTP, then close
    void respond(const http::request<http::string_body>& request, http::status status, std::string_view type,
                 std::string_view body) {
        response_.emplace(status, request.version());
        response_->set(http::field::server, "tickwire");
        response_->set(http::field::content_type, type);
        response_->keep_alive(false);
        response_->body() = std::string(body);
        response_->prepare_payload();
        http::async_write(stream_, *response_, [self = this->shared_from_this()](error_code, std::size_t) {
            self->shutdown();
        });
    }

    void shutdown() {
        error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
        beast::get_lowest_layer(stream_).close();
    }

    std::shared_ptr<ServerCore> core_;
    std::string remote_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<http::response<http::string_body>> response_;
};

}  // namespace

void start_http_session(std::shared_ptr<ServerCore> core, tcp::socket socket) {
    error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    std::string remote = ec ? "unknown" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    socket.set_option(tcp::no_delay(true), ec);
    if (core->ssl_context()) {
        auto& context = *core->ssl_context();
        std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(std::move(core), std::move(remote),
                                                                           std::move(socket), context)
            ->start();
    } else {
        std::make_shared<HttpSession<beast::tcp_stream>>(std::move(core), std::move(remote), std::move(socket))
            ->start();
    }
}

}  // namespace tickwire::net::detail
