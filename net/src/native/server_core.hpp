#pragma once
// Entry point from Server::listen into the network thread.

#include <memory>
#include <system_error>

#include "native/asio_network_loop.hpp"
#include "server_shared.hpp"

namespace tickwire::net::detail {

/// Game thread: binds the listening socket (synchronously, so errors and the
/// chosen port are known at once), then starts accepting on the network thread.
std::error_code start_server(NetworkLoop& thread, const std::shared_ptr<ServerShared>& shared);

}  // namespace tickwire::net::detail

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "close_info.hpp"
#include "event_outbox.hpp"
#include "http/game_requests.hpp"
#include "http/static_files.hpp"
#include "netsim_link.hpp"
#include "session/session_table.hpp"
#include "tickwire/net/token_bucket.hpp"

namespace tickwire::net::detail {

/// One accepted WebSocket connection as the core sees it (plain or TLS): the
/// Link its session rides on. Network thread only.
class ServerConnection : public Link {
public:
    virtual void close(std::uint16_t code, std::string_view reason) = 0;
    virtual void close_now(std::uint16_t code, std::string_view reason) = 0;
    virtual void resume_reading() = 0;
    [[nodiscard]] virtual std::size_t queued_bytes() const noexcept = 0;
    /// Reading is paused because too much is queued to write to it.
    [[nodiscard]] virtual bool backpressured() const noexcept = 0;
    // Session mode: the id is known only after the Hello.
    virtual void set_id(ConnectionId id) = 0;
    [[nodiscard]] virtual ConnectionId id() const noexcept = 0;
    [[nodiscard]] virtual std::string_view remote() const noexcept = 0;
    [[nodiscard]] virtual std::string_view target() const noexcept = 0;
    virtual std::shared_ptr<ServerConnection> self() = 0;
};

/// A plain HTTP resource published by the game (e.g. GET /rooms).
struct HttpResource {
    std::string content_type;
    std::string body;
};

class ServerCore;
class WsHub;

/// One accepted socket counted against its IP address's limit for as long as
/// the slot lives; moved from the HTTP connection into the WebSocket connection, so
/// every phase of a connection counts. Network thread only.
class SocketSlot {
public:
    SocketSlot() = default;
    SocketSlot(ServerCore* core, std::string address) : core_(core), address_(std::move(address)) {}
    SocketSlot(SocketSlot&& other) noexcept : core_(std::exchange(other.core_, nullptr)), address_(std::move(other.address_)) {}
    SocketSlot& operator=(SocketSlot&&) = delete;
    ~SocketSlot();

private:
    ServerCore* core_ = nullptr;  // outlived: every connection holding a slot also holds the core
    std::string address_;
};

/// ServerCore: the listener, the table of connections, their sessions (one
/// path for plain and session mode: session/session_table.hpp) and the event
/// path to the game. Network thread only (except construction in start_server).
class ServerCore final : public Endpoint, public std::enable_shared_from_this<ServerCore> {
public:
    ServerCore(NetworkLoop& thread, std::shared_ptr<ServerShared> shared);

    std::error_code bind();
    void start();

    // Endpoint
    void on_wake() override;
    void on_shutdown() override;
    void on_abandoned() noexcept override;

    // Used by the per-socket connections.
    [[nodiscard]] const ServerOptions& options() const noexcept { return shared_->options; }
    [[nodiscard]] ServerShared& shared() noexcept { return *shared_; }
    [[nodiscard]] const std::shared_ptr<boost::asio::ssl::context>& ssl_context() const noexcept { return ssl_; }
    [[nodiscard]] bool accepting_upgrades() const noexcept;
    [[nodiscard]] bool stopping() const noexcept { return stopped_; }
    [[nodiscard]] const HttpResource* http_resource(std::string_view path) const;
    void note_rejected_over_capacity(const std::string& remote);
    // Plain HTTP beyond published paths (native/http_connection.cpp asks).
    /// ServerOptions::web_root, opened at bind; null when none.
    [[nodiscard]] const http::StaticFiles* static_files() const noexcept;
    void note_static_file_served() noexcept;
    /// True if the game answers GETs of `path` (ServerOptions::http_routes).
    [[nodiscard]] bool routed_to_game(std::string_view path) const noexcept;
    /// Hands a routed request to the game (an http_request event); `on_answer`
    /// runs with its answer. 0 when too many wait already (answer 503).
    HttpRequestId ask_game(std::string_view remote, std::string_view target,
                           http::GameRequests::OnAnswer on_answer);
    /// A routed request ended without the game's answer: it timed out
    /// (counted) or its client left.
    void forget_game_request(HttpRequestId id, bool timed_out) noexcept;
    void note_handshake_failed() noexcept;
    void http_connection_ended() noexcept { --pending_http_; }
    /// The simulator for the next accepted connection; null when disabled.
    std::shared_ptr<NetSimLink> make_netsim_link();
    void release_socket(const std::string& address) noexcept;
    /// One line to the log sink or stderr, within the log budget.
    void log(const std::string& line);

    /// A connection finished its WebSocket handshake. Plain mode: it gets its
    /// id and the game sees it connected. Session mode: it has
    /// handshake_timeout to say Hello.
    void on_accepted(const std::shared_ptr<ServerConnection>& connection);
    /// A packet from `connection` (its id is invalid until its session opens);
    /// false = the caller must pause reading until resume_reading().
    bool on_packet(ServerConnection& connection, Message packet);
    /// `connection` ended; a superseded one (its session resumed elsewhere) is ignored.
    void on_disconnected(ConnectionId id, const CloseInfo& info, const ServerConnection* connection);

    boost::asio::io_context& io() noexcept { return thread_.io; }
    /// The open WebSockets' poller, sweep and flushes.
    WsHub& hub() noexcept { return *hub_; }
    Scheduler& scheduler() noexcept { return thread_.scheduler; }

private:
    using Entry = SessionTable::Entry;

    void on_hello(const std::shared_ptr<ServerConnection>& connection, const ReliableSession::Incoming& hello);
    void open_session(const std::shared_ptr<ServerConnection>& connection);
    void resume(Entry& entry, const std::shared_ptr<ServerConnection>& connection, std::uint32_t received);
    bool deliver(ConnectionId id, Message message);
    void end_session(ConnectionId id, std::uint16_t code, std::string_view reason);
    void queue_ack(Entry& entry);
    void arm_ack_timer(SteadyTime deadline);
    void send_due_acks();
    void send_owed_acks();
    void arm_housekeeping();
    void housekeeping();
    void emit_connection_event(ServerEventType type, ConnectionId id, std::string_view remote,
                               std::string_view target);
    void check_slow_consumer(ConnectionId id, ServerConnection& connection);
    void count_open() noexcept;

    void do_accept();
    void resume_paused();
    void run_command(Command& command);
    void send_to(Entry& entry, Message message, Delivery delivery);
    void stop(std::uint16_t code, std::string_view reason);
    void admit(boost::asio::ip::tcp::socket socket);
    std::error_code open_web_root();
    void answer_game_request(HttpRequestId id, unsigned status, const Message& payload);

    NetworkLoop& thread_;
    std::shared_ptr<ServerShared> shared_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::shared_ptr<boost::asio::ssl::context> ssl_;
    std::shared_ptr<WsHub> hub_;
    std::unordered_map<ConnectionId, std::shared_ptr<ServerConnection>> connections_;
    std::unordered_map<std::string, HttpResource> http_resources_;
    std::optional<http::StaticFiles> static_files_;
    http::GameRequests game_requests_;
    ConnectionId next_id_ = 1;
    std::size_t pending_http_ = 0;
    std::uint64_t netsim_links_ = 0;

    // Every connection's session (a pass-through one in plain mode).
    SessionTable sessions_;
    // Session mode: connections that have not said Hello yet.
    std::vector<std::pair<std::chrono::steady_clock::time_point, std::weak_ptr<ServerConnection>>> awaiting_hello_;
    std::vector<ConnectionId> ack_due_;  ///< sessions with an ack deadline, oldest first
    boost::asio::steady_timer ack_timer_;
    boost::asio::steady_timer housekeeping_timer_;
    bool ack_armed_ = false;
    bool housekeeping_armed_ = false;
    std::unordered_map<std::string, std::size_t> sockets_per_ip_;

    // Log budget (see log()); the lines refused are counted and reported with
    // the next line that gets through.
    TokenBucket log_budget_;
    std::chrono::steady_clock::time_point log_refilled_;
    std::uint64_t log_suppressed_ = 0;

    // Events waiting for room in the game's queue, and connections paused meanwhile.
    EventOutbox outbox_;
    std::vector<ConnectionId> paused_;

    std::shared_ptr<ServerCore> self_;  // held while attached
    bool stopped_ = false;
};

}  // namespace tickwire::net::detail
