#pragma once
// The client's two network-thread layers:
//  - ChannelDriver (client/channel_driver.cpp) lives as long as the channel: commands,
//    events, reconnect backoff, session mode. No Beast.
//  - A ClientAttempt (native/client_connection.cpp) is one connection: resolve, connect,
//    TLS and WebSocket handshakes, then the open WebSocket until it ends.
//
// Thread: network thread only, except start_channel (any thread).

#include <cstdint>
#include <memory>
#include <string_view>

#include "channel_shared.hpp"
#include "close_info.hpp"
#include "netsim_link.hpp"
#include "native/asio_network_loop.hpp"
#include "url.hpp"

namespace boost::asio::ssl {
class context;
}

namespace tickwire::net::detail {

/// What an attempt reports to its driver. Network thread only.
class AttemptOwner {
public:
    virtual ~AttemptOwner() = default;
    /// The WebSocket is open; `subprotocol` is the negotiated one (may be empty).
    virtual void on_attempt_open(std::string_view subprotocol) = 0;
    /// A message arrived; false = the attempt pauses reading until resume_reading().
    virtual bool on_attempt_message(Message&& message) = 0;
    /// Exactly once, the last call: how the attempt ended.
    virtual void on_attempt_end(const CloseInfo& info) = 0;
};

/// One connection attempt, as the driver drives it. Network thread only.
class ClientAttempt {
public:
    virtual ~ClientAttempt() = default;
    virtual void send(Message message) = 0;
    virtual void send_latest(Message message) = 0;
    /// Graceful: the closing handshake once open, an abort before.
    virtual void close(std::uint16_t code, std::string_view reason) = 0;
    /// Drop unsent messages, then close.
    virtual void close_now(std::uint16_t code, std::string_view reason) = 0;
    virtual void resume_reading() = 0;
    [[nodiscard]] virtual std::size_t queued_bytes() const noexcept = 0;
};

/// Starts one attempt to `url` (native/client_connection.cpp). `tls` is required for wss.
std::shared_ptr<ClientAttempt> start_client_attempt(NetworkLoop& thread, const ChannelOptions& options,
                                                    ChannelShared& stats, std::shared_ptr<AttemptOwner> owner,
                                                    const WsUrl& url, std::shared_ptr<boost::asio::ssl::context> tls,
                                                    std::shared_ptr<NetSimLink> netsim);

/// A TLS client context per the options (native/client_connection.cpp); null and `error`
/// set when the CA file cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const TlsClientOptions& tls, std::string& error);

}  // namespace tickwire::net::detail
