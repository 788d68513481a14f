#pragma once
// Channel: a client WebSocket connection seen from the game thread as a sink
// (what the game sends) and a stream (what it receives), like Dart's
// web_socket_channel. All socket work happens on a NetworkThread; the two sides
// share only bounded lock-free SPSC queues and atomics. In a browser (the
// Emscripten build) the page's event loop plays the network thread; what a
// page cannot do is marked "browser:" below (docs/web.md).
//
// Thread: a Channel and its Sink/Stream belong to one game thread; every member
// function below is non-blocking except the destructor (bounded, see
// NetworkThread). stats() and state() may be read from any thread.
//
//   auto ch = tickwire::net::Channel::connect("ws://127.0.0.1:7777/room/auto");
//   ch.sink().add(bytes);  ch.sink().flush();        // once per tick
//   tickwire::net::Event ev;
//   while (ch.stream().poll(ev)) { ... }

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tickwire/net/events.hpp"
#include "tickwire/net/message.hpp"
#include "tickwire/net/netsim.hpp"
#include "tickwire/net/network_thread.hpp"
#include "tickwire/net/session.hpp"

namespace tickwire::net {

/// Browser: only the defaults; anything else fails connect (ErrorKind::unsupported).
struct TlsClientOptions {
    bool verify_peer = true;  ///< false only for local testing with self-signed certificates
    std::string ca_file;      ///< PEM file of trusted CAs; empty = system default paths
};

struct ChannelOptions {
    std::chrono::milliseconds connect_timeout{5000};    ///< DNS + TCP connect (browser: the two add up)
    std::chrono::milliseconds handshake_timeout{5000};  ///< TLS + WebSocket upgrade
    /// No frame from the peer for this long closes the connection (1006, timeout).
    /// Pings go out at a third of it, so a live peer never trips it. Browser:
    /// session mode only (its pings are session Pings; a page cannot ping).
    std::chrono::milliseconds idle_timeout{10000};
    /// RTT probes (0 disables): WebSocket pings; browser: session Pings, session mode only.
    std::chrono::milliseconds ping_interval{1000};
    std::chrono::milliseconds close_timeout{2000};  ///< bound on the closing handshake
    std::size_t max_message_size = 1u << 20;        ///< larger incoming messages: close 1009
    std::size_t send_queue_capacity = 4096;         ///< messages game → network
    std::size_t receive_queue_capacity = 4096;      ///< events network → game
    /// Extra upgrade headers. Browser: none allowed (ErrorKind::unsupported).
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<std::string> subprotocols;  ///< offered in Sec-WebSocket-Protocol
    TlsClientOptions tls;
    /// Simulated network conditions for this channel (disabled by default).
    NetSimOptions netsim;
    /// Reconnect after a lost connection (off by default): the same Channel,
    /// Sink and Stream carry on; the stream shows reconnecting, then opened
    /// (fresh) or resumed (session mode), or a final closed.
    ReconnectOptions reconnect;
    /// Session mode (off by default; the server must enable it too).
    SessionOptions session;
    /// Share a network thread (e.g. many bots); null gives this channel its own.
    std::shared_ptr<NetworkThread> network_thread;
};

/// Counters readable from any thread without locks.
struct ChannelStats {
    std::uint64_t messages_out = 0, bytes_out = 0;  ///< written to the socket
    std::uint64_t messages_in = 0, bytes_in = 0;    ///< read from the socket
    /// add() refused (send queue full), or dropped by a reconnect: what was queued for the
    /// lost connection is not sent ahead of the game's own greeting on the new one
    /// (a fresh session, or any reconnect in plain mode)
    std::uint64_t dropped_out = 0;
    std::size_t send_queue_depth = 0, receive_queue_depth = 0;
    std::uint64_t rtt_us = 0;        ///< smoothed ping RTT, 0 until measured (browser: session mode only)
    std::uint64_t flushes = 0;       ///< flush() calls that woke the network thread
    std::uint64_t reconnects = 0;    ///< connection attempts after a lost connection
    std::uint64_t resumes = 0;       ///< session mode: sessions taken back after a reconnect
    std::uint64_t netsim_disconnects = 0;  ///< connections the simulator dropped
    /// Times the connection stopped reading because the stream (the game's
    /// receive queue) was full: TCP back-pressure on the server until the game polls.
    std::uint64_t reads_paused = 0;
};

struct ChannelShared;  // the state both threads see (net internals)

/// The sending half. Game thread only.
class Sink {
public:
    /// Queue a binary message (copied into a pooled buffer). False if the send
    /// queue is full or the channel is closing/closed; the drop is counted.
    /// Messages added while connecting for the first time wait for the connection;
    /// those added while reconnecting are dropped when it opens (not resumes),
    /// as the game then greets the new connection afresh.
    bool add(std::span<const std::byte> bytes, Delivery delivery = Delivery::reliable);
    /// Queue a pre-built message without copying.
    bool add(Message message, Delivery delivery = Delivery::reliable);
    /// Wake the network thread to write what was added: one wake-up however
    /// many messages were added since the last flush. Call once per tick.
    void flush();
    /// Start the closing handshake (queued after pending messages). Idempotent.
    void close(std::uint16_t code = close_code::normal, std::string_view reason = {});

private:
    friend class Channel;
    explicit Sink(ChannelShared* shared) : shared_(shared) {}
    ChannelShared* shared_;
};

/// The receiving half. Game thread only.
class Stream {
public:
    /// Move the next event into `event`; false when there is none.
    bool poll(Event& event);

private:
    friend class Channel;
    explicit Stream(ChannelShared* shared) : shared_(shared) {}
    ChannelShared* shared_;
};

class Channel {
public:
    /// Start connecting to a ws:// or wss:// URL. Never blocks and never throws
    /// for network reasons: a bad URL or failure arrives as error + closed events.
    static Channel connect(std::string_view url, ChannelOptions options = {});

    Channel(Channel&&) noexcept;
    Channel& operator=(Channel&&) noexcept;
    ~Channel();

    Sink& sink() noexcept { return sink_; }
    Stream& stream() noexcept { return stream_; }
    [[nodiscard]] ChannelState state() const noexcept;
    [[nodiscard]] ChannelStats stats() const noexcept;

private:
    Channel(std::shared_ptr<ChannelShared> shared, std::shared_ptr<NetworkThread> thread);
    std::shared_ptr<ChannelShared> shared_;
    std::shared_ptr<NetworkThread> thread_;  // released last: may join an owned thread
    Sink sink_;
    Stream stream_;
};

}  // namespace tickwire::net
