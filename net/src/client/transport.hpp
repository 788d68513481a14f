#pragma once
// Transport: one WebSocket connection attempt under a channel, as the
// portable channel driver drives it. A backend implements it (native: DNS,
// TCP, TLS, the upgrade and pings over Beast; a browser: <emscripten/websocket.h>)
// and a Connector that starts one per attempt. The driver decides everything
// else: sessions, reconnects, events, stats. No Boost here.
//
// Thread: the backend's loop only.

#include <cstdint>
#include <memory>
#include <string_view>

#include "close_info.hpp"
#include "session/session.hpp"
#include "tickwire/net/message.hpp"

namespace tickwire::net::detail {

/// What a transport reports to the driver. open and message never run inside
/// Connector::connect or a Transport call; closed may run inside close() or
/// close_now() (an attempt closed before it opened ends at once).
class TransportHandler {
public:
    virtual ~TransportHandler() = default;
    /// The WebSocket is open; `subprotocol` is the negotiated one (may be empty).
    virtual void on_transport_open(std::string_view subprotocol) = 0;
    /// A binary message arrived; false = pause reading until resume_reading().
    virtual bool on_transport_message(Message&& message) = 0;
    /// Exactly once, the last call: how the attempt ended (code and reason always filled).
    virtual void on_transport_closed(const CloseInfo& info) = 0;
    /// Counters: bytes read from the wire, one message written, a measured round trip.
    virtual void on_transport_bytes_in(std::size_t bytes) noexcept = 0;
    virtual void on_transport_sent(std::size_t bytes) noexcept = 0;
    virtual void on_transport_rtt(std::uint64_t micros) noexcept = 0;
    /// writable() turned true again: more may be sent.
    virtual void on_transport_writable() {}
};

/// One attempt: connecting, then the open WebSocket. A Link for the session.
class Transport : public Link {
public:
    /// Graceful: the closing handshake once open (after queued messages), an abort before.
    virtual void close(std::uint16_t code, std::string_view reason) = 0;
    /// Drop unsent messages, then close.
    virtual void close_now(std::uint16_t code, std::string_view reason) = 0;
    virtual void resume_reading() = 0;
    /// False while the attempt holds as much unsent data as it will take: the
    /// driver then leaves the game's messages in their queue (which pushes
    /// back on Sink::add) until on_transport_writable(), except before a
    /// close, which goes after all of them. A transport whose socket pushes
    /// back by itself (TCP under Beast) may always say true.
    [[nodiscard]] virtual bool writable() const noexcept { return true; }
    /// False when the transport cannot measure round trips itself (a browser
    /// hides WebSocket pings): the driver then probes with the session
    /// layer's Ping (session mode), which also keeps idle_timeout.
    [[nodiscard]] virtual bool measures_rtt() const noexcept { return true; }
};

/// Starts the attempts of one channel (its URL and options are the backend's).
class Connector {
public:
    virtual ~Connector() = default;
    /// Starts an attempt that reports to `handler`. Null, and `failure` filled,
    /// when no attempt can ever succeed (bad URL, TLS setup, an option the
    /// backend cannot honour): the channel then closes without retrying.
    virtual std::shared_ptr<Transport> connect(std::shared_ptr<TransportHandler> handler, CloseInfo& failure) = 0;
    /// Connections the network simulator dropped so far (0 without one).
    [[nodiscard]] virtual std::uint32_t netsim_disconnects() const noexcept { return 0; }
};

}  // namespace tickwire::net::detail
