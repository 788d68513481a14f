#pragma once
// The server's open WebSockets. accept_websocket takes an upgrade request
// that HttpConnection has read and lets Beast answer it (ws_upgrade.cpp);
// from then on the connection is a WsServerConnection: tickwire's own RFC 6455
// framing (websocket/frame_reader.hpp, native/frame_queue.hpp) over the plain
// socket or the TLS stream (ws_server_streams.cpp), its deadlines and pings
// checked by its WsHub's sweep.
//
// Why not Beast's websocket::stream past the upgrade (measured, see
// docs/benchmarks.md): it writes one message per async operation and system
// call, so the frames a game sends a client in one tick cannot share a write;
// it re-arms its timers on every operation; each read costs a failed probe;
// and an idle connection holds its read buffer and timer state.
//
// Thread: network thread only.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "close_info.hpp"
#include "native/frame_queue.hpp"
#include "native/server_core.hpp"
#include "native/ws_hub.hpp"
#include "netsim_pipe.hpp"
#include "websocket/frame_reader.hpp"

namespace tickwire::net::detail {

using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

void accept_websocket(std::shared_ptr<ServerCore> core, boost::beast::tcp_stream&& stream, UpgradeRequest request,
                      std::string remote, SocketSlot slot);
void accept_websocket(std::shared_ptr<ServerCore> core, boost::beast::ssl_stream<boost::beast::tcp_stream>&& stream,
                      UpgradeRequest request, std::string remote, SocketSlot slot);

/// Limits and deadlines of one server WebSocket (from ServerOptions).
struct WsServerSettings {
    std::chrono::milliseconds idle_timeout{10000};
    std::chrono::milliseconds ping_interval{1000};
    std::chrono::milliseconds close_timeout{2000};
    std::size_t max_message_size = 1u << 20;
    /// Read back-pressure: stop reading while more than this is queued to
    /// write (a peer that sends faster than it reads is held by TCP, not by
    /// our memory) ...
    std::size_t pause_reading_at = 1u << 20;
    /// ... and read again once the queue is down to this.
    std::size_t resume_reading_at = 512u << 10;
    bool piggyback_acks = true;  ///< ServerOptions::piggyback_acks (plain sockets)

    static WsServerSettings from(const ServerOptions& options);
};

/// One open server WebSocket: the protocol, independent of the socket under
/// it. The stream (plain or TLS) reads into on_bytes() and writes what
/// queue() gathers, reporting on_written(); everything else happens here.
class WsServerConnection : public ServerConnection,
                           public WsHub::Member,
                           protected FrameSink,
                           private NetSimPipe::Ends,
                           public std::enable_shared_from_this<WsServerConnection> {
public:
    WsServerConnection(std::shared_ptr<ServerCore> core, const WsServerSettings& settings, SocketSlot slot,
                       std::string remote, std::string target);
    ~WsServerConnection() override;

    /// The upgrade is answered: join the hub, meet the core, start reading.
    void open(std::shared_ptr<NetSimLink> netsim);

    // Link
    void send(Message message) override { enqueue({}, std::move(message), false); }
    bool send_latest(Message message) override { return enqueue({}, std::move(message), true); }
    /// The envelope head beside the game's buffer in one frame: never copied.
    bool send_parts(std::span<const std::byte> head, Message body, bool latest) override {
        return enqueue(head, std::move(body), latest);
    }

    // ServerConnection
    void close(std::uint16_t code, std::string_view reason) override;
    void close_now(std::uint16_t code, std::string_view reason) override;
    void resume_reading() override;
    [[nodiscard]] std::size_t queued_bytes() const noexcept override { return queue_.queued_bytes(); }
    [[nodiscard]] bool backpressured() const noexcept override { return (paused_ & kPausedByBackpressure) != 0; }
    void set_id(ConnectionId id) override { id_ = id; }
    [[nodiscard]] ConnectionId id() const noexcept override { return id_; }
    [[nodiscard]] std::string_view remote() const noexcept override { return remote_; }
    [[nodiscard]] std::string_view target() const noexcept override { return target_; }
    std::shared_ptr<ServerConnection> self() override { return shared_from_this(); }

    // WsHub::Member
    void flush() override;
    void sweep(SteadyTime now) override;

protected:
    // The stream under the connection
    /// Deliver bytes through on_bytes() until io_pause_reading().
    virtual void io_start_reading() = 0;
    virtual void io_pause_reading() = 0;
    /// Write what queue() holds (gathered), reporting on_written(); nothing
    /// if a write is still in progress (its completion continues).
    virtual void io_write() = 0;
    /// Both close frames are out: end our direction (FIN, or TLS close_notify)
    /// and keep reading until the peer ends too.
    virtual void io_shutdown_send() = 0;
    /// Close the socket now.
    virtual void io_close() noexcept = 0;

    /// Bytes read from the socket (any amount: frames may span reads).
    void on_bytes(std::span<const std::byte> bytes);
    /// The first `bytes` queue() gathered were copied into a write that
    /// completes later (TLS): those frames are no longer superseded or dropped.
    void on_handed_over(std::size_t bytes) noexcept { queue_.hand_over(bytes); }
    /// `bytes` of what queue() gathered reached the socket.
    void on_written(std::size_t bytes);
    /// The peer ended the connection (EOF) or it failed.
    void on_eof();
    void on_io_error(std::string_view what);

    [[nodiscard]] const FrameQueue& queue() const noexcept { return queue_; }
    [[nodiscard]] WsHub& hub() noexcept { return hub_; }

private:
    static constexpr std::uint8_t kPausedByGame = 1, kPausedByBackpressure = 2, kPausedByNetsim = 4;
    enum class Phase : std::uint8_t {
        open,      ///< messages both ways
        closing,   ///< our close frame is queued or out: waiting for the peer's
        teardown,  ///< both close frames done (or a violation): our side shut, draining the peer's
        closed,    ///< socket closed, left the hub
    };

    // FrameSink: what the reader found
    bool on_frame_message(Message message) override;
    void on_frame_ping(std::span<const std::byte> payload) override;
    void on_frame_pong(std::span<const std::byte> payload) override;
    void on_frame_close(std::uint16_t code, std::string_view reason) override;
    void on_frame_violation(std::uint16_t code, std::string_view why) override;

    bool enqueue(std::span<const std::byte> head, Message body, bool latest);
    void feed(std::span<const std::byte> bytes);
    bool deliver(Message message);
    void queued();
    void pause(std::uint8_t reason);
    void resume(std::uint8_t reason);
    void send_close_frame_when_ready();
    void queue_close_frame(std::uint16_t code, std::string_view reason);
    void teardown_when_written();
    void finish(CloseInfo info);
    void close_socket() noexcept;
    void send_ping(SteadyTime now);

    // NetSimPipe::Ends
    std::shared_ptr<void> keep_alive() override { return shared_from_this(); }
    void on_sim_outbound(Message message, bool latest) override;
    bool on_sim_inbound(Message message) override;
    void on_sim_outbound_drained() override { send_close_frame_when_ready(); }
    void on_sim_inbound_room() override { resume(kPausedByNetsim); }
    void sim_drop();

    std::shared_ptr<ServerCore> core_;
    WsHub& hub_;  // the core's: outlives every member
    WsServerSettings settings_;
    SocketSlot slot_;  // after core_: released first
    std::string remote_;
    std::string target_;
    ConnectionId id_ = kInvalidConnection;

    FrameReader reader_;
    FrameQueue queue_;
    std::vector<std::byte> carry_;  ///< bytes read while paused, parsed on resume
    std::uint8_t paused_ = 0;       ///< kPausedBy* bits; reading stops while any is set
    Phase phase_ = Phase::open;
    bool finished_ = false;       ///< the core has been told how it ended
    bool peer_closed_ = false;    ///< the peer's close frame arrived
    bool violated_ = false;       ///< we closed for a protocol violation
    bool flushed_since_sweep_ = false;
    bool keepalive_sent_ = false;
    std::optional<CloseInfo> local_close_;  ///< set by close(): what the core hears once it ends
    SteadyTime last_read_{};
    SteadyTime next_ping_{};
    SteadyTime deadline_{};  ///< closing: for the peer's close frame; teardown: for its EOF
    std::int64_t ping_sent_ns_ = 0;
    std::unique_ptr<NetSimPipe> sim_;  // null: a real network
    bool sim_dropped_ = false;
};

}  // namespace tickwire::net::detail
