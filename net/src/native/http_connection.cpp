// HttpConnection: one accepted socket until it is a WebSocket or answered.
// It reads the request (after TLS, if configured) and either hands the stream
// to accept_websocket (native/ws_server_connection.cpp) or answers plain HTTP,
// one request per connection, in this order:
//
//   1. a WebSocket upgrade (503 when the server is full);
//   2. GET or HEAD only, else 405;
//   3. a path the game published (publish_http): 200;
//   4. a path under ServerOptions::http_routes: the game answers through
//      Server::respond; 503 from net when too many wait or it is too slow,
//      and the request is forgotten if its client leaves first;
//   5. a file under ServerOptions::web_root (http/static_files.hpp decides
//      which, with what status and headers), streamed from disk;
//   6. anything else: 426, this port speaks WebSocket.
//
// Errors: no complete request within the handshake deadline 408; headers over
// 8 KiB 431; a request body 413; bytes that are not HTTP 400. Every refusal is
// logged. Writes are bounded by a stall timeout (idle_timeout without progress),
// not a total, so a large file reaches a slow but live client.
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
using Headers = std::vector<std::pair<std::string, std::string>>;

// Upgrade requests are small; anything bigger is hostile.
constexpr std::uint32_t kMaxRequestHeaderBytes = 8 * 1024;
// After the handshake deadline, time left to write the refusal; after the
// answer, time the client has to close before we do.
constexpr std::chrono::seconds kAnswerGrace{1};
// What a client may still send us after its request (lingering close).
constexpr std::size_t kMaxDrainBytes = 64 * 1024;
constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";

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

std::string_view view(beast::string_view text) { return {text.data(), text.size()}; }

// Headers net sets itself: a game's answer may not override how the body is framed.
bool framing_header(std::string_view name) {
    return beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding") ||
           beast::iequals(name, "Connection");
}

/// A response being written and its serializer, which points into it (so
/// both live at one fixed address until the write ends).
template <class Body>
struct Outgoing {
    explicit Outgoing(http::response<Body>&& r) : response(std::move(r)) {}
    http::response<Body> response;
    http::response_serializer<Body> serializer{response};
};

/// Reads one HTTP request from an accepted socket and answers it. Network thread only.
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

    ~HttpConnection() {
        if (request_id_ != 0) core_->forget_game_request(request_id_, false);  // never hold a place for nobody
        core_->http_connection_ended();
    }

    void start() {
        // One deadline for TLS + request together, armed once: trickling a
        // byte at a time does not extend it. The stream's own expiry is the
        // backstop that also bounds writing the 408.
        const auto timeout = core_->options().handshake_timeout;
        beast::get_lowest_layer(stream_).expires_after(timeout + kAnswerGrace);
        arm_deadline(timeout);
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
    // What the connection is doing; the one deadline timer means something else in each.
    enum class Phase : std::uint8_t { reading_request, awaiting_game, answering, draining };

    // Read the request
    void do_read() {
        parser_.emplace();
        parser_->header_limit(kMaxRequestHeaderBytes);
        parser_->body_limit(0);
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
    }

    void arm_deadline(std::chrono::steady_clock::duration after) {
        deadline_.expires_after(after);
        deadline_.async_wait([self = this->shared_from_this()](error_code ec) {
            // An expiry queued just before the deadline moved belongs to the last phase.
            if (!ec && self->deadline_.expiry() <= std::chrono::steady_clock::now()) self->on_deadline();
        });
    }

    void on_deadline() {
        switch (phase_) {
        case Phase::reading_request: {
            timed_out_ = true;
            error_code ignored;
            beast::get_lowest_layer(stream_).socket().cancel(ignored);  // the pending read ends: on_read answers 408
            return;
        }
        case Phase::awaiting_game: return on_game_timeout();
        case Phase::answering: return;  // the write's stall timeout bounds it
        case Phase::draining: return beast::get_lowest_layer(stream_).close();
        }
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
                version_ = request.version();
                return answer(http::status::service_unavailable, kTextPlain, "server full\n");
            }
            return accept_websocket(core_, std::move(stream_), std::move(request), remote_, std::move(slot_));
        }
        serve(request);
    }

    // Plain HTTP: a published path, then the game's routes, then the web root.
    void serve(const http::request<http::string_body>& request) {
        version_ = request.version();
        head_ = request.method() == http::verb::head;
        const std::string_view target = view(request.target());
        if (request.method() != http::verb::get && !head_) {
            log_answer(view(request.method_string()), target, http::status::method_not_allowed);
            return answer(http::status::method_not_allowed, kTextPlain, "method not allowed\n",
                          {{"Allow", "GET, HEAD"}});
        }
        const std::string_view path = target.substr(0, target.find('?'));
        if (const HttpResource* resource = core_->http_resource(path))
            return answer(http::status::ok, resource->content_type, resource->body);
        if (core_->routed_to_game(path)) return ask_game(target);
        if (const net::http::StaticFiles* files = core_->static_files()) return serve_file(*files, request);
        log_answer(view(request.method_string()), target, http::status::upgrade_required);
        answer(http::status::upgrade_required, kTextPlain, "this port speaks WebSocket: connect with ws://\n",
               {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}});
    }

    // A request we will not serve: count, log, answer, close.
    void refuse(http::status status, std::string_view why) {
        core_->note_handshake_failed();
        core_->log("bad request from " + remote_ + ": " + std::string(why) + " (HTTP " +
                   std::to_string(static_cast<unsigned>(status)) + ")");
        answer(status, kTextPlain, std::string(obsolete_reason(status)) + "\n");
    }

    void log_answer(std::string_view method, std::string_view target, http::status status) {
        core_->log("plain HTTP " + loggable(method, 16) + " " + loggable(target) + " from " + remote_ + ": " +
                   std::to_string(static_cast<unsigned>(status)));
    }

    // ---- the game answers ----------------------------------------------------

    void ask_game(std::string_view target) {
        const HttpRequestId id =
            core_->ask_game(remote_, target, [weak = this->weak_from_this()](net::http::GameAnswer&& answer) {
                if (const auto self = weak.lock()) self->on_game_answer(std::move(answer));
            });
        if (id == 0)
            return answer(http::status::service_unavailable, kTextPlain, "busy: too many requests wait for the game\n",
                          {{"Retry-After", "1"}});
        request_id_ = id;
        phase_ = Phase::awaiting_game;
        arm_deadline(core_->options().http_answer_timeout);
        // Meanwhile, notice a client that leaves: its request is forgotten.
        beast::get_lowest_layer(stream_).expires_never();
        read_peer();
    }

    void on_game_answer(net::http::GameAnswer&& game) {
        if (phase_ != Phase::awaiting_game) return;
        request_id_ = 0;
        deadline_.cancel();
        std::erase_if(game.headers, [](const auto& header) { return framing_header(header.first); });
        answer(static_cast<http::status>(game.status), game.content_type, std::move(game.body), game.headers);
    }

    void on_game_timeout() {
        core_->forget_game_request(std::exchange(request_id_, 0), true);
        core_->log("plain HTTP GET from " + remote_ + ": the game did not answer within " +
                   std::to_string(core_->options().http_answer_timeout.count()) + " ms (503)");
        answer(http::status::service_unavailable, kTextPlain, "the server did not answer in time\n",
               {{"Retry-After", "1"}});
    }

    void on_client_left() {
        core_->forget_game_request(std::exchange(request_id_, 0), false);
        deadline_.cancel();
        beast::get_lowest_layer(stream_).close();
    }

    // ---- static files --------------------------------------------------------

    void serve_file(const net::http::StaticFiles& files, const http::request<http::string_body>& request) {
        const std::string_view method = view(request.method_string());
        const std::string_view target = view(request.target());
        net::http::StaticResponse found = files.respond({method, target, view(request[http::field::if_none_match])});
        const auto status = static_cast<http::status>(found.status);
        if (found.status >= 400) log_answer(method, target, status);
        if (found.status != 200 && found.status != 304) return answer(status, {}, std::move(found.body), found.headers);
        core_->note_static_file_served();
        if (!found.send_body) {  // HEAD, or 304: the headers only
            http::response<http::empty_body> response(status, version_);
            decorate(response, {}, found.headers);
            if (found.status == 200) response.content_length(found.file_size);
            return send(std::move(response));
        }
        error_code ec;
        http::file_body::value_type file;
        file.open(found.file.c_str(), beast::file_mode::scan, ec);
        if (ec) return answer(http::status::not_found, kTextPlain, "404 not found: " + loggable(target, 200) + "\n");
        http::response<http::file_body> response(std::piecewise_construct, std::make_tuple(std::move(file)),
                                                 std::make_tuple(status, version_));
        decorate(response, {}, found.headers);
        response.content_length(found.file_size);
        send(std::move(response));
    }

    // ---- writing the answer --------------------------------------------------

    // A whole answer in memory; headers only for HEAD, and no body at all for
    // 204 and 304 (Beast would throw on one, and HTTP forbids it).
    void answer(http::status status, std::string_view type, std::string body, const Headers& headers = {}) {
        const bool bodiless = status == http::status::no_content || status == http::status::not_modified;
        if (head_ || bodiless) {
            http::response<http::empty_body> response(status, version_);
            decorate(response, type, headers);
            if (!bodiless) response.content_length(body.size());
            return send(std::move(response));
        }
        http::response<http::string_body> response(status, version_);
        decorate(response, type, headers);
        response.body() = std::move(body);
        response.prepare_payload();
        send(std::move(response));
    }

    template <class Body>
    static void decorate(http::response<Body>& response, std::string_view type, const Headers& headers) {
        response.set(http::field::server, "tickwire");
        response.keep_alive(false);  // one request per connection
        if (!type.empty()) response.set(http::field::content_type, type);
        for (const auto& [name, value] : headers) response.set(name, value);
    }

    template <class Body>
    void send(http::response<Body>&& response) {
        phase_ = Phase::answering;
        write_some(std::make_shared<Outgoing<Body>>(std::move(response)));
    }

    // A piece at a time (a file body reads 4 KiB from disk per piece), each
    // bounded by the stall timeout, so no write blocks the thread or waits forever.
    template <class Body>
    void write_some(std::shared_ptr<Outgoing<Body>> out) {
        beast::get_lowest_layer(stream_).expires_after(
            std::max<std::chrono::steady_clock::duration>(core_->options().idle_timeout, kAnswerGrace));
        auto& serializer = out->serializer;
        http::async_write_some(stream_, serializer,
                               [self = this->shared_from_this(), out = std::move(out)](error_code ec, std::size_t) mutable {
                                   if (ec) return beast::get_lowest_layer(self->stream_).close();
                                   if (out->serializer.is_done()) return self->shutdown();
                                   self->write_some(std::move(out));
                               });
    }

    // Lingering close: send FIN, then read and discard what the client still
    // sends (bounded in bytes and time) before closing. Closing with unread
    // data makes the kernel send RST, which can destroy our answer (a 431 or
    // 413 especially) before the client has read it.
    void shutdown() {
        phase_ = Phase::draining;
        error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
        if (peer_done_) return beast::get_lowest_layer(stream_).close();
        arm_deadline(kAnswerGrace);
        if (!reading_) read_peer();  // else the read that watched for the client goes on
    }

    // Reads (and discards) what the client sends after its request: while the
    // game thinks, an end of stream means the client left; after the answer,
    // it is the lingering close.
    void read_peer() {
        reading_ = true;
        peer_bytes_.resize(4096);
        beast::get_lowest_layer(stream_).async_read_some(
            asio::buffer(peer_bytes_), [self = this->shared_from_this()](error_code ec, std::size_t n) {
                self->on_peer_bytes(ec, n);
            });
    }

    void on_peer_bytes(error_code ec, std::size_t n) {
        reading_ = false;
        drained_ += n;
        const bool done = ec || drained_ > kMaxDrainBytes;
        switch (phase_) {
        case Phase::awaiting_game: return done ? on_client_left() : read_peer();
        case Phase::answering:  // let the answer finish; shutdown() closes
            peer_done_ = done;
            return done ? void() : read_peer();
        case Phase::draining:
            if (done) {
                deadline_.cancel();
                return beast::get_lowest_layer(stream_).close();
            }
            return read_peer();
        case Phase::reading_request: return;
        }
    }

    std::shared_ptr<ServerCore> core_;
    SocketSlot slot_;  // moved into the WebSocket connection on upgrade
    std::string remote_;
    Stream stream_;
    asio::steady_timer deadline_;
    Phase phase_ = Phase::reading_request;
    bool timed_out_ = false;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    // The answer
    unsigned version_ = 11;
    bool head_ = false;
    HttpRequestId request_id_ = 0;  ///< while the game thinks
    // Reading after the request
    std::vector<char> peer_bytes_;
    std::size_t drained_ = 0;
    bool reading_ = false;
    bool peer_done_ = false;  ///< the client closed (or sent too much) while we answered
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
