// HttpConnection: one accepted socket until it is a WebSocket or answered.
// It reads the request (after TLS, if configured) and either answers plain
// HTTP or hands the stream to accept_websocket (native/ws_server_connection.cpp).
//
// Plain HTTP answers: a published resource (200); GET of anything else 426
// (this port speaks WebSocket); other methods 405; a full server 503; no
// complete request within the handshake deadline 408; headers over 8 KiB 431;
// a request body 413; bytes that are not HTTP 400. Every refusal is logged.
#include "native/http_connection.hpp"

#include <optional>

#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "native/ws_server_connection.hpp"

namespace tickwire::net::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
namespace websocket = boost::beast::websocket;
using error_code = boost::system::error_code;
using tcp = boost::asio::ip::tcp;

// Upgrade requests are small; anything bigger is hostile.
constexpr std::uint32_t kMaxRequestHeaderBytes = 8 * 1024;
// After the handshake deadline, time left to write the refusal.
constexpr std::chrono::seconds kAnswerGrace{1};
// What a refused client may still send us after the answer (lingering close).
constexpr std::size_t kMaxDrainBytes = 64 * 1024;

// Text from the peer in a log line: clipped, control bytes replaced, so a
// hostile request cannot forge or flood log lines.
std::string loggable(std::string_view text, std::size_t max = 80) {
    std::string out(text.substr(0, max));
    for (char& c : out) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    }
    if (text.size() > max) out += "...";
    return out;
}

/// Reads one HTTP request from an accepted socket. Network thread only.
template <class Stream>
class HttpConnection final : public std::enable_shared_from_this<HttpConnection<Stream>> {
    static constexpr bool kTls = std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>;

public:
    template <class... Args>
    HttpConnection(std::shared_ptr<ServerCore> core, std::string remote, SocketSlot slot, Args&&... args)
        : core_(std::move(core)),
          slot_(std::move(slot)),
          remote_(std::move(remote)),
          stream_(std::forward<Args>(args)...),
          deadline_(stream_.get_executor()) {}

    ~HttpConnection() { core_->http_connection_ended(); }

    void start() {
        // One deadline for TLS + request together, armed once: trickling a
        // byte at a time does not extend it. The stream's own expiry is the
        // backstop that also bounds writing the 408.
        const auto timeout = core_->options().handshake_timeout;
        beast::get_lowest_layer(stream_).expires_after(timeout + kAnswerGrace);
        deadline_.expires_after(timeout);
        deadline_.async_wait([self = this->shared_from_this()](error_code ec) {
            if (!ec) self->on_deadline();
        });
        if constexpr (kTls) {
            stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](error_code ec) {
                if (!ec) return self->do_read();
                self->deadline_.cancel();
                self->core_->note_handshake_failed();
                self->core_->log("TLS handshake from " + self->remote_ + " failed: " +
                                 (self->timed_out_ ? std::string("timeout") : ec.message()));
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

    void on_deadline() {
        timed_out_ = true;
        error_code ignored;
        beast::get_lowest_layer(stream_).socket().cancel(ignored);  // the pending read ends: on_read answers 408
    }

    void on_read(error_code ec) {
        deadline_.cancel();
        if (timed_out_) return refuse(http::status::request_timeout, "handshake timeout");
        if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
            ec == asio::error::operation_aborted)
            return;  // the peer hung up (a port probe) or the server is stopping: nobody to answer
        if (ec == http::error::header_limit) return refuse(http::status::request_header_fields_too_large, ec.message());
        if (ec == http::error::body_limit) return refuse(http::status::payload_too_large, ec.message());
        if (ec) return refuse(http::status::bad_request, ec.message());
        http::request<http::string_body> request = parser_->release();
        if (websocket::is_upgrade(request)) {
            if (!core_->accepting_upgrades()) {
                core_->note_rejected_over_capacity(remote_);
                return respond(request, http::status::service_unavailable, "text/plain", "server full\n");
            }
            return accept_websocket(core_, std::move(stream_), std::move(request), remote_, std::move(slot_));
        }
        const std::string target = loggable(std::string_view(request.target().data(), request.target().size()));
        if (request.method() != http::verb::get) {
            core_->log("plain HTTP " + loggable(std::string_view(request.method_string().data(), request.method_string().size()), 16) + " " + target + " from " + remote_ +
                       ": 405");
            return respond(request, http::status::method_not_allowed, "text/plain", "method not allowed\n");
        }
        const auto [path, query] = split_path(request.target());
        if (const HttpResource* resource = core_->http_resource(path))
            return respond(request, http::status::ok, resource->content_type, resource->body);
        core_->log("plain HTTP GET " + target + " from " + remote_ + " without upgrade: 426");
        respond(request, http::status::upgrade_required, "text/plain", "this port speaks WebSocket: connect with ws://\n");
    }

    // A request we will not serve: count, log, answer, close.
    void refuse(http::status status, std::string_view why) {
        core_->note_handshake_failed();
        core_->log("bad request from " + remote_ + ": " + std::string(why) + " (HTTP " +
                   std::to_string(static_cast<unsigned>(status)) + ")");
        http::request<http::string_body> none;
        none.version(11);
        respond(none, status, "text/plain", std::string(obsolete_reason(status)) + "\n");
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
        if (status == http::status::upgrade_required) {
            response_->set(http::field::upgrade, "websocket");
            response_->set(http::field::connection, "Upgrade");
        }
        if (status == http::status::method_not_allowed) response_->set(http::field::allow, "GET");
        response_->body() = std::string(body);
        response_->prepare_payload();
        http::async_write(stream_, *response_, [self = this->shared_from_this()](error_code, std::size_t) {
            self->shutdown();
        });
    }

    // Lingering close: send FIN, then read and discard what the client still
    // sends (bounded in bytes and time) before closing. Closing with unread
    // data makes the kernel send RST, which can destroy our answer (a 431 or
    // 413 especially) before the client has read it.
    void shutdown() {
        error_code ignored;
        auto& lowest = beast::get_lowest_layer(stream_);
        lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
        lowest.expires_after(kAnswerGrace);
        drain();
    }

    void drain() {
        lowest_read_buffer_.resize(4096);
        beast::get_lowest_layer(stream_).async_read_some(
            asio::buffer(lowest_read_buffer_), [self = this->shared_from_this()](error_code ec, std::size_t n) {
                self->drained_ += n;
                if (ec || self->drained_ > kMaxDrainBytes) return beast::get_lowest_layer(self->stream_).close();
                self->drain();
            });
    }

    std::shared_ptr<ServerCore> core_;
    SocketSlot slot_;  // moved into the WebSocket connection on upgrade
    std::string remote_;
    Stream stream_;
    asio::steady_timer deadline_;
    bool timed_out_ = false;
    std::vector<char> lowest_read_buffer_;
    std::size_t drained_ = 0;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<http::response<http::string_body>> response_;
};

}  // namespace

void start_http_connection(std::shared_ptr<ServerCore> core, tcp::socket socket, std::string remote, SocketSlot slot) {
    error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    if (core->ssl_context()) {
        auto& context = *core->ssl_context();
        std::make_shared<HttpConnection<beast::ssl_stream<beast::tcp_stream>>>(std::move(core), std::move(remote),
                                                                           std::move(slot), std::move(socket), context)
            ->start();
    } else {
        std::make_shared<HttpConnection<beast::tcp_stream>>(std::move(core), std::move(remote), std::move(slot),
                                                         std::move(socket))
            ->start();
    }
}

}  // namespace tickwire::net::detail
