// The network-thread side of a client channel: resolve, connect, TLS and
// WebSocket handshakes, then the open connection (WsConnection) until closed.
// Every event the game sees is produced here and crosses in ChannelShared::events.
#include "client_session.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "event_outbox.hpp"
#include "url.hpp"
#include "ws_connection.hpp"

namespace tickwire::net::detail {
namespace {

namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

/// Event delivery and game-side commands, common to plain and TLS sessions.
/// Network thread only.
class ClientSessionBase : public Endpoint {
protected:
    ClientSessionBase(NetworkThread::Impl& thread, std::shared_ptr<ChannelShared> shared)
        : thread_(thread),
          shared_(std::move(shared)),
          outbox_(thread.io, shared_->events, shared_->events_pushed, shared_->abandoned) {
        wake_requested = &shared_->wake_requested;
        outbox_.on_drained = [this] {
            if (ended_) return detach();
            on_backlog_drained();
        };
    }

    /// Deliver an event to the game, in order; false if it had to wait (the
    /// caller pauses reading until on_backlog_drained).
    bool emit(RawEvent event) { return outbox_.emit(event); }

    void emit_text_event(EventType type, std::string_view text, std::uint16_t code = 0,
                         ErrorKind error = ErrorKind::none, std::uint16_t http_status = 0) {
        RawEvent event;
        event.type = static_cast<std::uint8_t>(type);
        event.close_code = code;
        event.error = error;
        event.http_status = http_status;
        event.detail = Message::copy_of(text).release();
        emit(event);
    }

    /// The one place a connection's life ends for the game: error (if any), then closed.
    void report_end(const CloseInfo& info) {
        if (info.error != ErrorKind::none)
            emit_text_event(EventType::error, info.error_text, 0, info.error, info.http_status);
        emit_text_event(EventType::closed, info.reason, info.code);
        shared_->state.store(ChannelState::closed, std::memory_order_release);
        ended_ = true;
        if (outbox_.empty()) detach();  // else once the game has taken the last events
    }

    void detach() {
        if (detached_) return;
        detached_ = true;
        outbox_.cancel();
        thread_.detach(this);
        release_self();
    }

    /// Drop the session's reference to itself, later: we may be deep inside one
    /// of its own calls.
    virtual void release_self() = 0;
    virtual void on_backlog_drained() = 0;

    NetworkThread::Impl& thread_;
    std::shared_ptr<ChannelShared> shared_;
    std::shared_ptr<ssl::context> ssl_context_;  // before the stream that uses it
    bool ended_ = false;
    bool detached_ = false;

private:
    EventOutbox outbox_;
};

template <class NextLayer>
class ClientSession final : public ClientSessionBase,
                            public WsConnection<ClientSession<NextLayer>, NextLayer> {
    using Ws = WsConnection<ClientSession<NextLayer>, NextLayer>;
    static constexpr bool kTls = std::is_same_v<NextLayer, beast::ssl_stream<beast::tcp_stream>>;
    friend Ws;

public:
    template <class... StreamArgs>
    ClientSession(NetworkThread::Impl& thread, std::shared_ptr<ChannelShared> shared,
                  std::shared_ptr<ssl::context> ssl_context, const ConnectionSettings& settings,
                  StreamArgs&&... stream_args)
        : ClientSessionBase(thread, std::move(shared)),
          Ws(settings, std::forward<StreamArgs>(stream_args)...),
          resolver_(thread.io),
          deadline_(thread.io) {
        ssl_context_ = std::move(ssl_context);
    }

    void start(WsUrl url) {
        url_ = std::move(url);
        self_ = this->shared_from_this();  // held while attached to the thread
        thread_.attach(this);
        if (ended_) return;  // abandoned before it started
        arm_deadline(shared_->options.connect_timeout, "connect");
        resolver_.async_resolve(url_.host, url_.port,
                                [self = this->shared_from_this()](error_code ec, tcp::resolver::results_type r) {
                                    self->on_resolve(ec, std::move(r));
                                });
    }

    void fail_before_start(CloseInfo info) {
        self_ = this->shared_from_this();
        thread_.attach(this);
        fail(std::move(info));
    }

    // Endpoint
    void on_wake() override {
        if (opened_) drain_commands();  // before open, messages wait in the queue
        if (shared_->abandoned.load()) return go_away(close_code::going_away, "client going away");
        if (shared_->close_requested.load(std::memory_order_acquire))
            return go_away(shared_->close_code, shared_->close_reason.text());
    }

    void on_shutdown() override { go_away(close_code::going_away, "network thread shutting down"); }

private:
    // Resolve the host
    void on_resolve(error_code ec, tcp::resolver::results_type results) {
        if (ec) return fail_phase(ec, ErrorKind::dns, "dns: cannot resolve " + url_.host);
        // Connect
        beast::get_lowest_layer(this->ws_)
            .async_connect(results, [self = this->shared_from_this()](error_code ec, const tcp::endpoint&) {
                self->on_connect(ec);
            });
    }

    void on_connect(error_code ec) {
        if (ec) {
            const bool refused = ec == boost::asio::error::connection_refused ||
                                 ec == boost::asio::error::host_unreachable ||
                                 ec == boost::asio::error::network_unreachable;
            return fail_phase(ec, refused ? ErrorKind::refused : ErrorKind::io, "connect: " + ec.message());
        }
        error_code ignored;
        beast::get_lowest_layer(this->ws_).socket().set_option(tcp::no_delay(true), ignored);
        arm_deadline(shared_->options.handshake_timeout, "handshake");
        if constexpr (kTls) {
            // TLS: SNI and host-name verification
            auto& tls = this->ws_.next_layer();
            if (!SSL_set_tlsext_host_name(tls.native_handle(), url_.host.c_str()))
                return fail({close_code::abnormal, "tls setup failed", ErrorKind::tls, "cannot set SNI"});
            if (shared_->options.tls.verify_peer) tls.set_verify_callback(ssl::host_name_verification(url_.host));
            tls.async_handshake(ssl::stream_base::client,
                                [self = this->shared_from_this()](error_code ec) { self->on_tls_handshake(ec); });
        } else {
            do_ws_handshake();
        }
    }

    void on_tls_handshake(error_code ec) {
        if (ec) return fail_phase(ec, ErrorKind::tls, "tls: " + ec.message());
        do_ws_handshake();
    }

    // WebSocket upgrade, with the game's headers and sub-protocols
    void do_ws_handshake() {
        const ChannelOptions& options = shared_->options;
        this->ws_.set_option(websocket::stream_base::decorator([&options](websocket::request_type& request) {
            request.set(http::field::user_agent, "tickwire");
            for (const auto& [name, value] : options.headers) request.insert(name, value);
            if (!options.subprotocols.empty()) {
                std::string offered;
                for (const auto& protocol : options.subprotocols) offered += (offered.empty() ? "" : ", ") + protocol;
                request.set(http::field::sec_websocket_protocol, offered);
            }
        }));
        const bool default_port = url_.port == (kTls ? "443" : "80");
        const bool ipv6 = url_.host.find(':') != std::string::npos;
        std::string host = ipv6 ? "[" + url_.host + "]" : url_.host;
        if (!default_port) host += ":" + url_.port;
        this->ws_.async_handshake(response_, host, url_.target,
                                  [self = this->shared_from_this()](error_code ec) { self->on_ws_handshake(ec); });
    }

    void on_ws_handshake(error_code ec) {
        if (ec == websocket::error::upgrade_declined) {
            const unsigned status = response_.result_int();
            CloseInfo info{close_code::abnormal, "handshake rejected: HTTP " + std::to_string(status),
                           ErrorKind::handshake_rejected,
                           "server answered HTTP " + std::to_string(status) + " " + std::string(response_.reason()),
                           static_cast<std::uint16_t>(status)};
            return fail(std::move(info));
        }
        if (ec) return fail_phase(ec, ErrorKind::protocol, "handshake: " + ec.message());
        deadline_.cancel();
        opened_ = true;
        ChannelState expected = ChannelState::connecting;
        shared_->state.compare_exchange_strong(expected, ChannelState::open);
        const auto protocol = response_[http::field::sec_websocket_protocol];
        emit_text_event(EventType::opened, std::string_view(protocol.data(), protocol.size()));
        this->start_open_phase();
        on_wake();  // serve anything the game queued while connecting
    }

    // Connect-phase time limit: cancels whatever step is running.
    void arm_deadline(std::chrono::milliseconds limit, const char* phase) {
        phase_ = phase;
        deadline_.expires_after(limit);
        deadline_.async_wait([self = this->shared_from_this()](error_code ec) {
            if (ec || self->opened_ || self->ended_) return;
            self->timed_out_ = true;
            self->resolver_.cancel();
            error_code ignored;
            beast::get_lowest_layer(self->ws_).socket().close(ignored);
        });
    }

    void fail_phase(error_code ec, ErrorKind kind, std::string text) {
        if (timed_out_)
            return fail({close_code::abnormal, std::string(phase_) + " timeout", ErrorKind::timeout,
                         std::string(phase_) + " timed out"});
        if (aborted_) return;  // go_away already reported
        if constexpr (kTls) {
            if (ec.category() == boost::asio::error::get_ssl_category() || ec == ssl::error::stream_truncated)
                kind = ErrorKind::tls, text = "tls: " + ec.message();
        }
        fail({close_code::abnormal, text, kind, text});
    }

    void fail(CloseInfo info) {
        deadline_.cancel();
        this->finish(std::move(info));  // → on_finished
    }

    // The game closed, abandoned the channel, or the thread is stopping.
    void go_away(std::uint16_t code, std::string_view reason) {
        if (ended_ || this->closing()) return;
        if (opened_) return this->close(code, reason);
        aborted_ = true;
        resolver_.cancel();
        fail({code, std::string(reason.empty() ? "closed before open" : reason), ErrorKind::none, {}});
    }

    void drain_commands() {
        Command command;
        while (shared_->commands.pop(command)) {
            shared_->commands_popped.fetch_add(1, std::memory_order_relaxed);
            Message message = Message::adopt(command.payload);
            if (command.kind == Command::Kind::send && opened_) this->send(std::move(message));
        }
    }

    // WsConnection hooks
    bool deliver_message(Message&& message) {
        shared_->messages_in.fetch_add(1, std::memory_order_relaxed);
        RawEvent event;
        event.type = static_cast<std::uint8_t>(EventType::message);
        event.message = message.release();
        return emit(event);
    }
    void on_bytes_in(std::size_t bytes) { shared_->bytes_in.fetch_add(bytes, std::memory_order_relaxed); }
    void on_bytes_out(std::size_t bytes) {
        shared_->messages_out.fetch_add(1, std::memory_order_relaxed);
        shared_->bytes_out.fetch_add(bytes, std::memory_order_relaxed);
    }
    void on_rtt(std::uint64_t micros) {
        const std::uint64_t previous = shared_->rtt_us.load(std::memory_order_relaxed);
        // Smoothed like TCP's SRTT (RFC 6298): 7/8 history, 1/8 new sample.
        shared_->rtt_us.store(previous == 0 ? std::max<std::uint64_t>(micros, 1) : (previous * 7 + micros) / 8,
                              std::memory_order_relaxed);
    }
    void on_finished(const CloseInfo& info) {
        deadline_.cancel();
        report_end(info);
    }

    void release_self() override {
        boost::asio::post(thread_.io, [doomed = std::move(self_)] {});
    }

    void on_backlog_drained() override {
        this->resume_reading();
    }

    WsUrl url_;
    tcp::resolver resolver_;
    boost::asio::steady_timer deadline_;
    websocket::response_type response_;  // kept: the status of a rejected upgrade
    std::shared_ptr<ClientSession> self_;
    const char* phase_ = "connect";
    bool opened_ = false;
    bool timed_out_ = false;
    bool aborted_ = false;
};

ConnectionSettings settings_from(const ChannelOptions& options) {
    return {options.idle_timeout, options.ping_interval, options.close_timeout, options.max_message_size};
}

std::shared_ptr<ssl::context> make_tls_context(const TlsClientOptions& tls, error_code& ec) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (!tls.verify_peer) {
        context->set_verify_mode(ssl::verify_none, ec);
        return context;
    }
    context->set_verify_mode(ssl::verify_peer, ec);
    if (!ec) {
        if (tls.ca_file.empty())
            context->set_default_verify_paths(ec);
        else
            context->load_verify_file(tls.ca_file, ec);
    }
    return context;
}

}  // namespace

void start_client_session(NetworkThread::Impl& thread, std::shared_ptr<ChannelShared> shared) {
    boost::asio::post(thread.io, [&thread, shared = std::move(shared)]() mutable {
        const ConnectionSettings settings = settings_from(shared->options);
        auto url = parse_ws_url(shared->url);
        if (!url) {
            auto session = std::make_shared<ClientSession<beast::tcp_stream>>(thread, shared, nullptr, settings, thread.io);
            return session->fail_before_start({close_code::abnormal, "invalid url", ErrorKind::invalid_url,
                                               "not a ws:// or wss:// URL: " + shared->url});
        }
        if (!url->secure) {
            auto session = std::make_shared<ClientSession<beast::tcp_stream>>(thread, shared, nullptr, settings, thread.io);
            return session->start(std::move(*url));
        }
        error_code ec;
        auto context = make_tls_context(shared->options.tls, ec);
        auto session = std::make_shared<ClientSession<beast::ssl_stream<beast::tcp_stream>>>(thread, shared, context,
                                                                                             settings, thread.io, *context);
        if (ec)
            return session->fail_before_start({close_code::abnormal, "tls setup failed", ErrorKind::tls,
                                               "cannot load CA file '" + shared->options.tls.ca_file + "': " + ec.message()});
        session->start(std::move(*url));
    });
}

}  // namespace tickwire::net::detail
