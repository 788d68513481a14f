#pragma once
// EchoConnection: one client connection of tickwire-load's echo, raw and idle
// modes: the pacing (closed loop, or a fixed rate from a schedule of intended
// send times), the time stamp in each payload, and recording each echo's
// round trip into the shared histogram. Subclasses move bytes: WebSocket framed
// by hand (ws_lean_connection.cpp) or over Beast (ws_connection.cpp), or
// length-prefixed frames over TCP (tcp_connection.cpp).
//
// Payload layout (little-endian, `size` bytes): [0, 8) intended send time in
// ns on this process's steady clock, [8, 16) sequence number, then filler.
//
// Thread: everything runs on the one thread that runs the io_context.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "latency_histogram.hpp"
#include "load_options.hpp"

namespace tickwire::load {

inline std::int64_t now_ns() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// State every connection of one run shares.
struct EchoShared {
    explicit EchoShared(boost::asio::io_context& context, const LoadOptions& o) : io(context), options(o) {}
    boost::asio::io_context& io;
    const LoadOptions& options;
    boost::asio::ip::tcp::endpoint endpoint;
    std::int64_t period_ns = 0;        ///< 0: closed loop
    std::int64_t measure_start_ns = 0;  ///< window [start, end) by intended send time
    std::int64_t measure_end_ns = 0;
    bool stop_sending = false;

    LatencyHistogram window_rtt;  ///< round trips of messages sent in the window
    LatencyHistogram second_rtt;  ///< since the last progress line
    std::uint64_t sent = 0, received = 0;           ///< all, including warm-up
    std::uint64_t sent_in_window = 0, received_in_window = 0;  ///< by intended send time
    std::uint64_t arrived_in_window = 0;  ///< by arrival time: the throughput achieved
    std::uint64_t errors = 0;        ///< connections that failed after connecting, bad echoes
    std::uint64_t connected = 0, connect_failed = 0, open = 0;
    std::string first_error;

    void fail(const std::string& what);
};

class EchoConnection {
public:
    explicit EchoConnection(EchoShared& shared);
    virtual ~EchoConnection() = default;
    EchoConnection(const EchoConnection&) = delete;
    EchoConnection& operator=(const EchoConnection&) = delete;

    /// Connect (TCP, then the WebSocket handshake if any); `done(ok)` once.
    virtual void connect(std::function<void(bool)> done) = 0;
    /// Start the read loop and, unless `send` is false (idle), the pacing.
    void start(bool send, std::int64_t first_intended_ns);
    /// Stop pacing and close (WebSocket: close handshake); pending operations end.
    void shut_down();
    /// Drop the socket at once (after shut_down had its chance).
    virtual void abort() = 0;

protected:
    virtual void close_transport() = 0;
    /// Write one message whose payload is `payload_`; call on_written() when done.
    virtual void write_payload() = 0;
    /// Start reading; call on_echo() per message.
    virtual void start_reading() = 0;

    /// The end of connect(): marks the connection open, or keeps `why` as the
    /// run's first error; then calls connect_done_ (taken out first, as it may
    /// start the next connect).
    void finish_connect(bool ok, const std::string& why);
    void on_written(bool ok);
    void on_echo(std::span<const std::uint8_t> payload);
    void on_broken(const std::string& what);  ///< read or write failed while running

    EchoShared& shared_;
    std::vector<std::uint8_t> payload_;
    std::function<void(bool)> connect_done_;  ///< connect()'s callback, until finish_connect
    bool open_ = false;

private:
    void pump();
    void stamp(std::int64_t intended_ns);

    boost::asio::steady_timer timer_;
    std::int64_t next_intended_ns_ = 0;
    std::uint64_t sequence_ = 0;
    bool sending_ = false, writing_ = false, timer_armed_ = false, owed_ = false;
};

/// WebSocket over Beast's websocket::stream (`--ws-client beast`).
std::unique_ptr<EchoConnection> make_ws_connection(EchoShared& shared);
/// WebSocket framed by hand on a plain socket (`--ws-client lean`, the default): ws_lean_connection.cpp.
std::unique_ptr<EchoConnection> make_lean_ws_connection(EchoShared& shared);
std::unique_ptr<EchoConnection> make_tcp_connection(EchoShared& shared);

}  // namespace tickwire::load
