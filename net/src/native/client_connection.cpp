// One client connection attempt: resolve, connect, TLS and WebSocket
// handshakes, then the open connection (WsConnection) until it ends. What it
// receives and how it ended go to its AttemptOwner (the channel driver), which
// decides what the game sees and whether to try again.
#include "native/client_connection.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "native/ws_connection.hpp"

namespace tickwire::net::detail {
namespace {

namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// A base so that the TLS context outlives the stream built on it.
struct TlsContextHolder {
    std::shared_ptr<ssl::context> ssl_context_;
};

template <class NextLayer>
class ClientConnection final : private TlsContextHolder,
                            public ClientAttempt,
                            public WsConnection<ClientConnection<NextLayer>, NextLayer> {
    using Ws = WsConnection<ClientConnection<NextLayer>, NextLayer>;
    static constexpr bool kTls = std::is_same_v<NextLayer, beast::ssl_stream<beast::tcp_stream>>;
    friend Ws;

public:
    template <class... StreamArgs>
    ClientConnection(NetworkLoop& thread, const ChannelOptions& options, ChannelShared& stats,
                  std::shared_ptr<AttemptOwner> owner, std::shared_ptr<ssl::context> ssl_context,
                  const ConnectionSettings& settings, StreamArgs&&... stream_args)
        : TlsContextHolder{std::move(ssl_context)},
          Ws(settings, std::forward<StreamArgs>(stream_args)...),
          options_(options),
          stats_(stats),
          owner_(std::move(owner)),
          resolver_(thread.io),
          deadline_(thread.io) {}

    void start(const WsUrl& url) {
        url_ = url;
        arm_deadline(options_.connect_timeout, "connect");
        resolver_.async_resolve(url_.host, url_.port,
                                [self = this->shared_from_this()](error_code ec, tcp::resolver::results_type r) {
                                    self->on_resolve(ec, std::move(r));
                                });
    }

    // ClientAttempt
    void send(Message message) override { Ws::send(std::move(message)); }
    void send_latest(Message message) override { Ws::send_latest(std::move(message)); }
    void close(std::uint16_t code, std::string_view reason) override { go_away(code, reason, false); }
    void close_now(std::uint16_t code, std::string_view reason) override { go_away(code, reason, true); }
    void resume_reading() override { Ws::resume_reading(); }
    [[nodiscard]] std::size_t queued_bytes() const noexcept override { return Ws::queued_bytes(); }

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
        arm_deadline(options_.handshake_timeout, "handshake");
        if constexpr (kTls) {
            // TLS: SNI and host-name verification
            auto& tls = this->ws_.next_layer();
            if (!SSL_set_tlsext_host_name(tls.native_handle(), url_.host.c_str()))
                return fail({close_code::abnormal, "tls setup failed", ErrorKind::tls, "cannot set SNI"});
            if (options_.tls.verify_peer) tls.set_verify_callback(ssl::host_name_verification(url_.host));
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
        const ChannelOptions& options = options_;
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
        // The connection dropping mid-upgrade is a network failure (worth a
        // reconnect), not the peer breaking the protocol.
        const bool dropped = ec == boost::asio::error::connection_reset || ec == boost::asio::error::eof ||
                             ec == boost::asio::error::broken_pipe || ec == http::error::end_of_stream;
        if (ec) return fail_phase(ec, dropped ? ErrorKind::io : ErrorKind::protocol, "handshake: " + ec.message());
        deadline_.cancel();
        opened_ = true;
        this->start_open_phase();
        const auto protocol = response_[http::field::sec_websocket_protocol];
        owner_->on_attempt_open(std::string_view(protocol.data(), protocol.size()));
    }

    // Connect-phase time limit: cancels whatever step is running.
    void arm_deadline(std::chrono::milliseconds limit, const char* phase) {
        phase_ = phase;
        deadline_.expires_after(limit);
        deadline_.async_wait([self = this->shared_from_this()](error_code ec) {
            if (ec || self->opened_ || self->finished()) return;
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

    // The driver closes: the closing handshake once open, an abort before.
    void go_away(std::uint16_t code, std::string_view reason, bool now) {
        if (this->finished() || this->closing()) return;
        if (opened_) return now ? Ws::close_now(code, reason) : Ws::close(code, reason);
        aborted_ = true;
        resolver_.cancel();
        fail({code, std::string(reason.empty() ? "closed before open" : reason), ErrorKind::none, {}});
    }

    // WsConnection hooks
    bool deliver_message(Message&& message) {
        stats_.messages_in.fetch_add(1, std::memory_order_relaxed);
        return owner_->on_attempt_message(std::move(message));
    }
    void on_bytes_in(std::size_t bytes) { stats_.bytes_in.fetch_add(bytes, std::memory_order_relaxed); }
    void on_bytes_out(std::size_t bytes) {
        stats_.messages_out.fetch_add(1, std::memory_order_relaxed);
        stats_.bytes_out.fetch_add(bytes, std::memory_order_relaxed);
    }
    void on_rtt(std::uint64_t micros) {
        const std::uint64_t previous = stats_.rtt_us.load(std::memory_order_relaxed);
        // Smoothed like TCP's SRTT (RFC 6298): 7/8 history, 1/8 new sample.
        stats_.rtt_us.store(previous == 0 ? std::max<std::uint64_t>(micros, 1) : (previous * 7 + micros) / 8,
                            std::memory_order_relaxed);
    }
    void on_finished(const CloseInfo& info) {
        deadline_.cancel();
        owner_->on_attempt_end(info);
    }

    const ChannelOptions& options_;  // owned by the ChannelShared the owner keeps alive
    ChannelShared& stats_;
    std::shared_ptr<AttemptOwner> owner_;
    WsUrl url_;
    tcp::resolver resolver_;
    boost::asio::steady_timer deadline_;
    websocket::response_type response_;  // kept: the status of a rejected upgrade
    const char* phase_ = "connect";
    bool opened_ = false;
    bool timed_out_ = false;
    bool aborted_ = false;
};

ConnectionSettings settings_from(const ChannelOptions& options) {
    return {options.idle_timeout, options.ping_interval, options.close_timeout, options.max_message_size};
}

}  // namespace

std::shared_ptr<ssl::context> make_client_tls_context(const TlsClientOptions& tls, std::string& error) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    error_code ec;
    if (!tls.verify_peer) {
        context->set_verify_mode(ssl::verify_none, ec);
    } else {
        context->set_verify_mode(ssl::verify_peer, ec);
        if (!ec) {
            if (tls.ca_file.empty())
                context->set_default_verify_paths(ec);
            else
                context->load_verify_file(tls.ca_file, ec);
        }
    }
    if (ec) {
        error = "cannot load CA file '" + tls.ca_file + "': " + ec.message();
        return nullptr;
    }
    return context;
}

std::shared_ptr<ClientAttempt> start_client_attempt(NetworkLoop& thread, const ChannelOptions& options,
                                                    ChannelShared& stats, std::shared_ptr<AttemptOwner> owner,
                                                    const WsUrl& url, std::shared_ptr<ssl::context> tls,
                                                    std::shared_ptr<NetSimLink> netsim) {
    const ConnectionSettings settings = settings_from(options);
    if (!url.secure) {
        auto attempt = std::make_shared<ClientConnection<beast::tcp_stream>>(thread, options, stats, std::move(owner),
                                                                          nullptr, settings, thread.io);
        attempt->set_netsim(std::move(netsim));
        attempt->start(url);
        return attempt;
    }
    auto& context = *tls;
    auto attempt = std::make_shared<ClientConnection<beast::ssl_stream<beast::tcp_stream>>>(
        thread, options, stats, std::move(owner), std::move(tls), settings, thread.io, context);
    attempt->set_netsim(std::move(netsim));
    attempt->start(url);
    return attempt;
}

}  // namespace tickwire::net::detail
