#pragma once
// What the game thread reads from a channel's stream or a server's stream.

#include <chrono>
#include <cstdint>
#include <string_view>

#include "tickwire/net/message.hpp"

namespace tickwire::net {

/// Opaque per-connection handle on a server; 0 is never a valid id.
using ConnectionId = std::uint32_t;
inline constexpr ConnectionId kInvalidConnection = 0;

/// Handle of one plain HTTP request the game answers (ServerEventType::http_request,
/// then Server::respond); 0 is never a valid id. Not a ConnectionId: a request
/// never becomes a connection.
using HttpRequestId = std::uint32_t;

/// WebSocket close codes (RFC 6455 §7.4) tickwire uses.
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;  ///< e.g. a text frame
inline constexpr std::uint16_t no_status = 1005;
inline constexpr std::uint16_t abnormal = 1006;  ///< no close frame: peer vanished, never opened, timed out
inline constexpr std::uint16_t invalid_payload = 1007;  ///< e.g. a close reason that is not UTF-8
inline constexpr std::uint16_t policy_violation = 1008;  ///< slow consumer, rate limits
inline constexpr std::uint16_t message_too_big = 1009;
inline constexpr std::uint16_t internal_error = 1011;
inline constexpr std::uint16_t try_again_later = 1013;
}  // namespace close_code

enum class ChannelState : std::uint8_t { connecting, open, closing, closed };

/// Why a channel failed, for the error event that precedes its closed event.
enum class ErrorKind : std::uint8_t {
    none,
    dns,                 ///< host name did not resolve
    refused,             ///< TCP connect refused / unreachable
    tls,                 ///< TLS handshake or certificate verification failed
    handshake_rejected,  ///< server answered the upgrade with an HTTP status (see http_status)
    timeout,             ///< connect, handshake, idle or close timed out
    protocol,            ///< the peer broke the WebSocket protocol
    io,                  ///< any other socket error
    invalid_url,
    overflow,            ///< session mode: the reliable send buffer hit its bound (close 1008)
    unsupported,         ///< an option this platform cannot honour (e.g. custom headers in a browser)
};
std::string_view to_string(ErrorKind kind) noexcept;
std::string_view to_string(ChannelState state) noexcept;

enum class EventType : std::uint8_t {
    opened,        ///< handshake done; text() is the negotiated sub-protocol (may be empty)
    message,       ///< message holds the bytes
    closed,        ///< close_code and text() (reason) always filled; last event of a connection
    error,         ///< error, http_status and text() (description); a closed event follows
    /// The connection was lost and another attempt follows after retry_delay:
    /// attempt (1, 2, …), close_code and text() say what ended the last one.
    /// Then opened (a fresh session), resumed, or a final closed.
    reconnecting,
    /// Session mode: the server took this client's session back after a
    /// reconnect; reliable messages continue exactly where they stopped.
    resumed,
};
std::string_view to_string(EventType type) noexcept;

/// One event of a client channel's stream. Owns its bytes until reset or overwritten.
struct Event {
    EventType type = EventType::closed;
    std::uint16_t close_code = 0;
    std::uint16_t http_status = 0;
    ErrorKind error = ErrorKind::none;
    std::uint32_t attempt = 0;               ///< reconnecting: 1 for the first retry
    std::chrono::milliseconds retry_delay{0};  ///< reconnecting: wait before the attempt
    Message message;  ///< payload of a message event
    Message detail;   ///< text of opened/closed/error/reconnecting events

    [[nodiscard]] std::string_view text() const noexcept { return detail.text(); }
};

enum class ServerEventType : std::uint8_t {
    connected,     ///< id, remote_address(), path(), query()
    message,       ///< id, message
    disconnected,  ///< id, close_code, reason(); the id is never reused afterwards
    /// Session mode: the client of `id` reconnected and resumed its session
    /// (same id, no disconnected/connected pair); remote_address() is the new one.
    resumed,
    /// ServerOptions::log_events: one line of the server's log, in reason().
    log,
    /// A plain HTTP GET (or HEAD) under one of ServerOptions::http_routes: id is
    /// the HttpRequestId to pass to Server::respond; remote_address(), path(),
    /// query(). Unanswered within http_answer_timeout, net answers 503 itself.
    http_request,
};
std::string_view to_string(ServerEventType type) noexcept;

/// One event of a server's stream.
struct ServerEvent {
    ServerEventType type = ServerEventType::disconnected;
    ConnectionId id = kInvalidConnection;
    std::uint16_t close_code = 0;
    Message message;  ///< payload of a message event
    /// connected/resumed/http_request: "address\0path\0query"; disconnected: reason; log: the line
    Message detail;

    [[nodiscard]] std::string_view remote_address() const noexcept;
    [[nodiscard]] std::string_view path() const noexcept;   ///< e.g. "/room/ABCD"
    [[nodiscard]] std::string_view query() const noexcept;  ///< without '?'
    [[nodiscard]] std::string_view reason() const noexcept { return detail.text(); }
};

}  // namespace tickwire::net
