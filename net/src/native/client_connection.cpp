// One client connection attempt: resolve, connect, TLS and WebSocket
// handshakes, then the open connection (WsConnection) until it ends. What it
// receives and how it ended go to its TransportHandler (the channel driver),
// which decides what the game sees and whether to try again.
#include "native/client_connection.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "channel_shared.hpp"
#include "client/channel_driver.hpp"
#include "native/ws_connection.hpp"
#include "netsim_link.hpp"
#include "tickwire/net/url.hpp"

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
                            public Transport,
                            public WsConnection<ClientConnection<NextLayer>, NextLayer> {
    using Ws = WsConnection<ClientConnection<NextLayer>, NextLayer>;
    static constexpr bool kTls = std::is_same_v<NextLayer, beast::ssl_stream<beast::tcp_stream>>;
    friend Ws;

public:
    template <class... StreamArgs>
    ClientConnection(NetworkLoop& thread, const ChannelOptions& options, std::shared_ptr<TransportHandler> owner,
                     std::shared_ptr<ssl::context> ssl_context, const ConnectionSettings& settings,
                     StreamArgs&&... stream_args)
        : TlsContextHolder{std::move(ssl_context)},
          Ws(settings, std::forward<StreamArgs>(stream_args)...),
          options_(options),
          owner_(std::move(owner)),
          resolver_(thread.io),
          deadline_(thread.io) {}

    void start(const Url& url) {
        url_ = url;
        arm_deadline(options_.connect_timeout, "connect");
        resolver_.async_resolve(url_.host, url_.port,
                                [self = this->shared_from_this()](error_code ec, tcp::resolver::results_type r) {
                                    self->on_resolve(ec, std::move(r));
                                });
    }

    // Transport
    void send(Message message) override { Ws::send(std::move(message)); }
    bool send_latest(Message message) override { return Ws::send_latest(std::move(message)); }
    void close(std::uint16_t code, std::string_view reason) override { go_away(code, reason, false); }
    void close_now(std::uint16_t code, std::string_view reason) override { go_away(code, reason, true); }
    void resume_reading() override { Ws::resume_reading(); }

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
        owner_->on_transport_open(std::string_view(protocol.data(), protocol.size()));
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
    bool deliver_message(Message&& message) { return owner_->on_transport_message(std::move(message)); }
    void on_bytes_in(std::size_t bytes) { owner_->on_transport_bytes_in(bytes); }
    void on_bytes_out(std::size_t bytes) { owner_->on_transport_sent(bytes); }
    void on_rtt(std::uint64_t micros) { owner_->on_transport_rtt(micros); }
    void on_finished(const CloseInfo& info) {
        deadline_.cancel();
        owner_->on_transport_closed(info);
    }

    const ChannelOptions& options_;  // owned by the ChannelShared the owner keeps alive
    std::shared_ptr<TransportHandler> owner_;
    Url url_;
    tcp::resolver resolver_;
    boost::asio::steady_timer deadline_;
    websocket::response_type response_;  // kept: the status of a rejected upgrade
    const char* phase_ = "connect";
    bool opened_ = false;
    bool timed_out_ = false;
    bool aborted_ = false;
};


// A TLS client context per the options; null and `error` set when the CA file cannot be loaded.
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

class NativeConnector final : public Connector {
public:
    NativeConnector(NetworkLoop& loop, std::string url, const ChannelOptions& options)
        : loop_(loop), url_text_(std::move(url)), options_(options) {}

    std::shared_ptr<Transport> connect(std::shared_ptr<TransportHandler> handler, CloseInfo& failure) override {
        if (!prepared_ && !prepare(failure)) return nullptr;
        const ConnectionSettings settings{options_.idle_timeout, options_.ping_interval, options_.close_timeout,
                                          options_.max_message_size};
        if (!url_.secure) {
            auto attempt = std::make_shared<ClientConnection<beast::tcp_stream>>(loop_, options_, std::move(handler),
                                                                                 nullptr, settings, loop_.io);
            attempt->set_netsim(netsim_, loop_.scheduler);
            attempt->start(url_);
            return attempt;
        }
        auto& context = *tls_;
        auto attempt = std::make_shared<ClientConnection<beast::ssl_stream<beast::tcp_stream>>>(
            loop_, options_, std::move(handler), tls_, settings, loop_.io, context);
        attempt->set_netsim(netsim_, loop_.scheduler);
        attempt->start(url_);
        return attempt;
    }

    [[nodiscard]] std::uint32_t netsim_disconnects() const noexcept override {
        return netsim_ ? netsim_->disconnects() : 0;
    }

private:
    bool prepare(CloseInfo& failure) {
        auto url = parse_ws_url(url_text_);
        if (!url) {
            failure = {close_code::abnormal, "invalid url", ErrorKind::invalid_url,
                       "not a ws:// or wss:// URL: " + url_text_};
            return false;
        }
        url_ = std::move(*url);
        if (url_.secure) {
            std::string error;
            tls_ = make_client_tls_context(options_.tls, error);
            if (!tls_) {
                failure = {close_code::abnormal, "tls setup failed", ErrorKind::tls, error};
                return false;
            }
        }
        // One simulated link for the channel's whole life, across its reconnects.
        if (options_.netsim.enabled()) netsim_ = std::make_shared<NetSimLink>(options_.netsim, 0);
        prepared_ = true;
        return true;
    }

    NetworkLoop& loop_;
    std::string url_text_;
    const ChannelOptions& options_;  // owned by the ChannelShared the driver keeps alive
    Url url_;
    std::shared_ptr<ssl::context> tls_;
    std::shared_ptr<NetSimLink> netsim_;
    bool prepared_ = false;
};

}  // namespace

std::unique_ptr<Connector> make_native_connector(NetworkLoop& loop, std::string url, const ChannelOptions& options) {
    return std::make_unique<NativeConnector>(loop, std::move(url), options);
}

// The native backend's channel start: on the network thread, a driver with Beast attempts.
void start_channel(NetworkLoop& loop, std::shared_ptr<ChannelShared> shared) {
    boost::asio::post(loop.io, [&loop, shared = std::move(shared)]() mutable {
        auto connector = make_native_connector(loop, shared->url, shared->options);
        run_channel_driver(loop, std::move(shared), std::move(connector));
    });
}

}  // namespace tickwire::net::detail
