#pragma once
// The sockets under a WsServerConnection:
//  - PlainWsConnection: the bare socket, read through the hub's SocketPoller
//    into the hub's shared buffer when epoll says it has bytes, written with
//    one sendmsg of gathered frames per flush (EPOLLOUT only while blocked);
//    with piggyback_acks, a second small read before the next write peeks, so
//    the kernel's ACK waits for that write (ServerOptions::piggyback_acks);
//  - TlsWsConnection: Asio's TLS stream, one read and one write in flight,
//    the frames of a flush copied into one buffer and encrypted together.
//
// Thread: network thread only.

#include <cstdint>
#include <memory>
#include <vector>

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "native/socket_poller.hpp"
#include "native/ws_server_connection.hpp"

namespace tickwire::net::detail {

class PlainWsConnection final : public WsServerConnection, private SocketPoller::Target {
public:
    /// Takes ownership of `fd`, a connected TCP socket.
    PlainWsConnection(std::shared_ptr<ServerCore> core, const WsServerSettings& settings, SocketSlot slot,
                      std::string remote, std::string target, int fd);
    ~PlainWsConnection() override;

private:
    void io_start_reading() override;
    void io_pause_reading() override;
    void io_write() override;
    void io_shutdown_send() override;
    void io_close() noexcept override;

    bool on_ready(std::uint32_t events) override;
    bool read_now(bool ending);
    void write_now();
    void watch();
    void discard_peeked() noexcept;

    int fd_;
    // piggyback_acks: the socket is watched edge-triggered, since bytes left
    // queued by a peek must not be reported again until more come; a socket
    // that keeps filling the buffer goes level-triggered (flooding_) until a
    // read empties it, so the poller comes back for the rest.
    const bool piggyback_acks_;
    bool flooding_ = false;
    std::size_t taken_since_write_ = 0;  ///< bytes read out since our last write carried an ACK
    std::size_t peeked_ = 0;             ///< bytes at the head of the socket already peeked and fed
    std::uint32_t watched_ = 0;   ///< events registered with the poller
    bool registered_ = false;     ///< in the poller's set
    bool want_read_ = false;
    bool blocked_ = false;        ///< the socket's send buffer is full: EPOLLOUT
    bool hung_up_ = false;        ///< HUP/ERR seen while not reading: out of the set until reading resumes
};

class TlsWsConnection final : public WsServerConnection {
public:
    using Stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

    TlsWsConnection(std::shared_ptr<ServerCore> core, const WsServerSettings& settings, SocketSlot slot,
                    std::string remote, std::string target, Stream&& stream);

private:
    void io_start_reading() override;
    void io_pause_reading() override { want_read_ = false; }
    void io_write() override;
    void io_shutdown_send() override;
    void io_close() noexcept override;

    void do_read();
    void shutdown_when_idle();
    std::shared_ptr<TlsWsConnection> self_tls();

    Stream stream_;
    std::vector<std::byte> read_buffer_;
    std::vector<std::byte> write_buffer_;  ///< one flush's frames, encrypted in one go
    bool want_read_ = false;
    bool reading_ = false;
    bool writing_ = false;
    bool shutting_down_ = false;
    bool closed_ = false;
};

}  // namespace tickwire::net::detail
