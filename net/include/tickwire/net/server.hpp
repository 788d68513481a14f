#pragma once
// Server: accepts WebSocket connections on a network thread (or on the game's
// own, NetworkThreadOptions::run_on_caller) and gives the game
// thread one stream of events and a way to send, addressing peers by
// ConnectionId. Also answers plain HTTP on the same port: paths the game
// publishes, GETs the game answers one by one (http_routes + respond), and
// static files from a folder (web_root).
//
// Thread: one game thread owns the Server and calls every member function; none
// blocks except listen() (binding) and the destructor (bounded). stats() may be
// read from any thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "tickwire/net/events.hpp"
#include "tickwire/net/message.hpp"
#include "tickwire/net/netsim.hpp"
#include "tickwire/net/network_thread.hpp"
#include "tickwire/net/session.hpp"

namespace tickwire::net {

struct ServerOptions {
    std::string address = "0.0.0.0";
    std::uint16_t port = 0;  ///< 0 picks a free port; see Server::port()
    std::string tls_certificate_file;  ///< PEM; both set = wss
    std::string tls_private_key_file;
    std::size_t max_connections = 1024;  ///< open WebSockets; excess upgrades get HTTP 503
    /// Sockets one IP address may hold in any phase (handshake, open, plain
    /// HTTP); more are closed at accept, so one host cannot use up the server.
    std::size_t max_connections_per_ip = 256;
    /// From accept to a complete request (TLS included): a whole deadline that
    /// trickled bytes do not extend. Expired: HTTP 408, close.
    std::chrono::milliseconds handshake_timeout{5000};
    std::chrono::milliseconds idle_timeout{10000};      ///< dead peers dropped (1006)
    std::chrono::milliseconds ping_interval{1000};      ///< RTT probes (0 disables)
    std::chrono::milliseconds close_timeout{2000};
    std::size_t max_message_size = 1u << 20;  ///< larger: close 1009
    /// Plain ws:// sockets: while some keep having bytes, read them at most
    /// once per `read_pace` (0: whenever one has bytes). A game that takes its
    /// messages on a fixed tick loses nothing it would notice by waiting up to
    /// this long for them, and the network thread then wakes at most once per
    /// read_pace instead of once or more per client message, which is most of
    /// a busy server's wake-ups (the match server reads every 1 ms:
    /// docs/benchmarks.md, section 11). Every message's arrival may be later
    /// by up to this much; what the game sends is not paced. wss:// is not paced.
    std::chrono::microseconds read_pace{0};
    /// Plain ws:// sockets: the kernel's ACK for a client's bytes rides on the
    /// server's next write to it instead of going in a segment of its own.
    /// Linux sends a bare ACK when a read empties a socket that got two small
    /// segments since its last ACK: a match server that reads two inputs per
    /// snapshot sends one per snapshot, as many segments as the snapshots
    /// themselves (docs/benchmarks.md, sections 7 and 12). With this on, a
    /// second read before the next write, while under 512 bytes came since
    /// it, takes the bytes with MSG_PEEK, which leaves them queued, so the
    /// kernel waits; the write carries the ACK, and the next read takes them
    /// out. Every byte still reaches the game at once, and once. More bytes,
    /// or a server that stops writing to a client, get the kernel's ACKs as
    /// before. wss:// is not affected.
    bool piggyback_acks = true;
    /// Sub-protocols this server speaks, in preference order; the first one the
    /// client also offers is selected.
    std::vector<std::string> subprotocols;
    /// Log one line per rejected/closed-for-cause connection (rate limited: a
    /// flood of bad clients is not a flood of log lines).
    bool log = true;
    /// Deliver those lines to the game thread as ServerEventType::log events
    /// (in order with everything else), for a game whose logger is game code.
    bool log_events = false;
    /// Otherwise, where they go; empty = stderr. Called on the network thread:
    /// it must be thread-safe and quick, and must not touch game state.
    std::function<void(std::string_view line)> log_sink;
    /// Bytes queued for one connection beyond which it is a slow consumer and is
    /// closed with 1008.
    std::size_t write_queue_limit_bytes = 4u << 20;
    std::size_t send_queue_capacity = 65536;     ///< commands game → network
    std::size_t receive_queue_capacity = 65536;  ///< events network → game
    /// Simulated network conditions for every connection (disabled by default);
    /// each connection draws from its own generator, seeded from `seed` and its
    /// accept order.
    NetSimOptions netsim;
    /// Session mode (off by default; clients must enable it too): connection
    /// ids survive reconnects within the grace period (ServerEventType::resumed),
    /// send() is reliable and exactly-once, send_latest() latest-state.
    SessionOptions session;
    /// A folder served as static files on the WebSocket's own port (GET and
    /// HEAD; content types, caching and the traversal rules are in docs/web.md);
    /// empty = none. listen() fails if it is not a readable folder.
    std::string web_root;
    std::uint64_t web_max_file_bytes = 64u << 20;  ///< larger files under web_root: 403
    /// Path prefixes whose GETs (and HEADs) the game answers itself: each
    /// arrives as a ServerEventType::http_request, answered with
    /// Server::respond. "/match" covers "/match" and "/match/auto", not
    /// "/matches". A published path (publish_http) and the WebSocket upgrade
    /// come first; web_root after.
    std::vector<std::string> http_routes;
    /// A routed request the game has not answered by then gets 503 from net.
    std::chrono::milliseconds http_answer_timeout{3000};
    /// Routed requests waiting for the game at once; more get 503 at once.
    std::size_t max_pending_http_requests = 64;
    std::shared_ptr<NetworkThread> network_thread;  ///< null = its own
};

/// One extra header of an answer to an http_request (Server::respond).
struct HttpHeader {
    std::string_view name;
    std::string_view value;
};

struct ServerStats {
    std::uint64_t connections_accepted = 0, connections_open = 0;
    std::uint64_t rejected_over_capacity = 0, slow_consumers_closed = 0;
    std::uint64_t rejected_per_ip = 0;     ///< closed at accept: the address holds its limit
    std::uint64_t handshakes_failed = 0;   ///< timeouts, bad requests, failed TLS or upgrade
    std::uint64_t messages_in = 0, bytes_in = 0, messages_out = 0, bytes_out = 0;
    std::uint64_t dropped_out = 0;  ///< send() refused: command queue full
    std::uint64_t superseded = 0;   ///< send_latest() messages replaced before being written
    // Session mode
    std::uint64_t sessions_resumed = 0;   ///< reconnects that took their session back
    std::uint64_t sessions_expired = 0;   ///< held sessions whose grace period ran out
    std::uint64_t resumes_refused = 0;    ///< bad, expired, replayed or unknown tokens (a new session instead)
    std::uint64_t sessions_held = 0;      ///< sessions waiting for their client right now
    /// Times a connection stopped reading because the game's event queue was
    /// full (TCP back-pressure on its client; it resumes once the game catches up).
    std::uint64_t reads_paused = 0;
    // Plain HTTP
    std::uint64_t http_requests = 0;             ///< routed requests handed to the game
    std::uint64_t http_requests_unanswered = 0;  ///< answered 503 by net: too many pending, timeout, stopping
    std::uint64_t static_files_served = 0;       ///< 200 and 304 answers from web_root
    std::size_t send_queue_depth = 0, receive_queue_depth = 0;
};

struct ServerShared;

class Server {
public:
    /// Bind and start accepting. On failure returns an empty Server (!server)
    /// and sets `ec`.
    static Server listen(ServerOptions options, std::error_code& ec);

    Server() = default;
    Server(Server&&) noexcept;
    Server& operator=(Server&&) noexcept;
    ~Server();
    explicit operator bool() const noexcept { return shared_ != nullptr; }

    [[nodiscard]] std::uint16_t port() const noexcept;
    [[nodiscard]] bool tls() const noexcept;

    /// Move the next event into `event`; false when there is none.
    bool poll(ServerEvent& event);

    /// Queue a message for one connection (no copy of a Message). False if the
    /// command queue is full (counted in stats).
    bool send(ConnectionId id, Message message);
    bool send(ConnectionId id, std::span<const std::byte> bytes);
    /// send() or send_latest() by class.
    bool send(ConnectionId id, Message message, Delivery delivery);
    /// Queue latest-state data (a snapshot) for one connection: if the previous
    /// latest-state message to it has not started writing yet, it is dropped
    /// (superseded, counted in stats) so a backed-up client never receives
    /// stale state queued behind fresh. Ordinary messages are never dropped.
    bool send_latest(ConnectionId id, Message message);
    /// The same buffer to several connections (shared, never copied).
    bool send(std::span<const ConnectionId> ids, const Message& message);
    /// The same buffer to every open connection.
    bool broadcast(const Message& message);
    /// Close one connection with a code and reason; a disconnected event follows.
    bool close(ConnectionId id, std::uint16_t code = close_code::normal,
               std::string_view reason = {});
    /// Serve `body` with `content_type` for plain HTTP GET `path` (e.g. "/rooms").
    bool publish_http(std::string_view path, std::string_view body,
                      std::string_view content_type = "application/json");
    /// Game thread, never blocks: answer the http_request event `request`
    /// (at once or frames later; the game may ask another thread first).
    /// `status` 200-599 (204 and 304
    /// send no body); `headers` are added as given (no CR, LF or NUL, at most
    /// 8 KiB each; Content-Length and Connection are net's). False if the
    /// command queue is full or the answer is malformed. An answer after net
    /// gave up on the request (timeout, the client left) is dropped.
    bool respond(HttpRequestId request, unsigned status, std::string_view content_type, std::string_view body,
                 std::span<const HttpHeader> headers = {});
    /// Wake the network thread once for everything queued since the last flush.
    void flush();

    [[nodiscard]] ServerStats stats() const noexcept;

private:
    Server(std::shared_ptr<ServerShared> shared, std::shared_ptr<NetworkThread> thread);
    std::shared_ptr<ServerShared> shared_;
    std::shared_ptr<NetworkThread> thread_;  // released last: may join an owned thread
};

}  // namespace tickwire::net
