#pragma once
// RawSocket: a blocking IPv4 TCP socket with deadlines, bound to a chosen
// source address (any 127.x.y.z works on Linux loopback, which lets one
// process look like many hosts). Plus the bytes of HTTP requests and
// WebSocket frames written by hand, so they can be wrong on purpose.
//
// Thread: one thread per RawSocket.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace tickwire::game::attacker {

class RawSocket {
public:
    enum class Read { data, timeout, closed };

    RawSocket() = default;
    ~RawSocket();
    RawSocket(RawSocket&& other) noexcept;
    RawSocket& operator=(RawSocket&& other) noexcept;
    RawSocket(const RawSocket&) = delete;
    RawSocket& operator=(const RawSocket&) = delete;

    /// False (and `error` set) if the socket cannot be bound or connected.
    bool connect(const std::string& source, const std::string& address, std::uint16_t port, std::string& error);
    /// False once the peer is gone (no SIGPIPE).
    bool send_all(std::string_view bytes);
    /// Sends what the socket takes within `timeout`; returns how many bytes
    /// (fewer than asked: the peer stopped reading, or is gone).
    std::size_t send_within(std::string_view bytes, std::chrono::milliseconds timeout);
    /// Appends what arrives within `timeout`.
    Read read_some(std::string& into, std::chrono::milliseconds timeout);
    void close();
    /// Close with RST (SO_LINGER 0): no FIN, no close frame, as when a link dies.
    void reset();

    [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }
    /// "address:port" of our end, as the server sees (and logs) it.
    [[nodiscard]] const std::string& local() const noexcept { return local_; }

private:
    int fd_ = -1;
    std::string local_;
};

/// An HTTP/1.1 WebSocket upgrade request for `path`.
[[nodiscard]] std::string upgrade_request(std::string_view host, std::string_view path);

/// The status code of an HTTP response whose head is in `bytes`; 0 if not there yet.
[[nodiscard]] int http_status(std::string_view bytes) noexcept;
/// Where the head of an HTTP response ends (after the blank line), or npos.
[[nodiscard]] std::size_t http_head_end(std::string_view bytes) noexcept;

/// One WebSocket frame header: `first` is FIN|RSV|opcode, `length` as claimed
/// (any 64-bit value), masked with a fixed key when `mask`.
[[nodiscard]] std::string frame_header(std::uint8_t first, std::uint64_t length, bool mask);
/// A whole frame: header plus `payload`, masked (XOR with the key) when `mask`.
[[nodiscard]] std::string frame(std::uint8_t first, std::string_view payload, bool mask = true);

inline constexpr std::uint8_t kFin = 0x80;
inline constexpr std::uint8_t kRsv2 = 0x20;
inline constexpr std::uint8_t kContinuation = 0x0, kText = 0x1, kBinary = 0x2, kClose = 0x8, kPing = 0x9, kPong = 0xA;

/// A server frame parsed off the front of `buffer`: false until a whole one is there.
struct ServerFrame {
    std::uint8_t opcode = 0;
    std::string payload;
};
bool take_frame(std::string& buffer, ServerFrame& out);

}  // namespace tickwire::game::attacker
