// The plain and TLS sockets under the server's WebSockets.
#include "native/ws_server_streams.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/buffers_prefix.hpp>

namespace tickwire::net::detail {
namespace {

// Frames per sendmsg (two buffers each); more wait for the next call.
constexpr std::size_t kMaxBuffers = 256;
// A socket that keeps filling the read buffer is read this many times per
// wake-up, then the others get their turn (level-triggered: it comes back).
constexpr int kReadsPerWake = 4;
constexpr std::size_t kTlsReadBufferBytes = 16 * 1024;
// piggyback_acks: Linux ACKs at once, peek or not, when more than rcv_mss
// bytes (536 at the least) came since its last ACK, so a peek saves the ACK
// only below that. Small peeks also cannot pin enough of the client's window
// to shut it, which would bring no more bytes, so no edge to read them by.
// Inputs are a few dozen bytes.
constexpr std::size_t kAckFreeBytes = 512;

std::size_t total_of(const iovec* buffers, std::size_t count) {
    std::size_t total = 0;
    for (std::size_t i = 0; i < count; ++i) total += buffers[i].iov_len;
    return total;
}

}  // namespace

// ---- plain ---------------------------------------------------------------------

PlainWsConnection::PlainWsConnection(std::shared_ptr<ServerCore> core, const WsServerSettings& settings,
                                     SocketSlot slot, std::string remote, std::string target, int fd)
    : WsServerConnection(std::move(core), settings, std::move(slot), std::move(remote), std::move(target)),
      fd_(fd),
      piggyback_acks_(settings.piggyback_acks) {
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

PlainWsConnection::~PlainWsConnection() {
    if (fd_ < 0) return;
    discard_peeked();
    ::close(fd_);  // abandoned with the loop: epoll forgets a closed socket by itself
}

void PlainWsConnection::io_start_reading() {
    want_read_ = true;
    watch();
}

void PlainWsConnection::io_pause_reading() {
    want_read_ = false;
    watch();
}

// Tell the poller what we wait for now (a system call only when it changes).
void PlainWsConnection::watch() {
    if (fd_ < 0) return;
    // EPOLLRDHUP: a FIN that comes with the peer's last bytes brings no
    // wake-up of its own; reported with them, one wake-up reads both.
    std::uint32_t wanted = (want_read_ ? EPOLLIN | EPOLLRDHUP : 0u) | (blocked_ ? EPOLLOUT : 0u);
    if (wanted != 0 && piggyback_acks_ && !flooding_) wanted |= EPOLLET;
    if (hung_up_) {
        if (wanted == 0) return;
        hung_up_ = false;
        registered_ = false;  // back into the set: the hang-up is read like any EOF
    }
    if (!registered_) {
        if (!hub().poller().add(fd_, this, wanted)) return on_io_error("cannot watch the socket");
        registered_ = true;
        watched_ = wanted;
        return;
    }
    if (wanted == watched_) return;
    hub().poller().modify(fd_, this, wanted, watched_);
    watched_ = wanted;
}

bool PlainWsConnection::on_ready(std::uint32_t events) {
    const bool failed = (events & (EPOLLHUP | EPOLLERR)) != 0;
    if ((events & EPOLLOUT) != 0 || (failed && blocked_)) write_now();
    if (fd_ < 0) return false;
    if (want_read_) {
        if ((events & (EPOLLIN | EPOLLRDHUP)) != 0 || failed) return read_now((events & EPOLLRDHUP) != 0 || failed);
    } else if (failed) {
        // Not reading (paused): epoll reports a hang-up whatever we ask for,
        // again and again. Leave the set until reading resumes and finds it.
        hub().poller().remove(fd_);
        hung_up_ = true;
    }
    return false;
}

// Read what the socket holds into the shared buffer; a short read means it is
// empty, so no read is made that would fail with EAGAIN, unless the peer has
// ended the stream (`ending`): then read on to the end (or the error) behind
// the bytes, which no later wake-up would report. True if the socket kept
// filling the buffer and was left with bytes for the next turn.
//
// piggyback_acks: a wake-up's first read, after a read since our last write,
// peeks if little came (the bytes stay queued, so the read does not empty the
// socket and the kernel sends no ACK; see ServerOptions::piggyback_acks). The
// next real read takes them out and skips what was fed already.
// Edge-triggered, the bytes a peek leaves are not reported again; a socket
// still full after kReadsPerWake reads turns level-triggered for the poller
// to come back to it.
bool PlainWsConnection::read_now(bool ending) {
    const std::span<std::byte> buffer = hub().read_buffer();
    for (int i = 0; i < kReadsPerWake && fd_ >= 0 && want_read_; ++i) {
        const bool peek = i == 0 && piggyback_acks_ && !flooding_ && !ending && peeked_ == 0 &&
                          taken_since_write_ > 0 && taken_since_write_ < kAckFreeBytes;
        if (peek) {
            const std::size_t room = kAckFreeBytes - taken_since_write_ + 1;
            const ssize_t n = ::recv(fd_, buffer.data(), room, MSG_DONTWAIT | MSG_PEEK);
            if (n > 0 && static_cast<std::size_t>(n) < room) {
                peeked_ = static_cast<std::size_t>(n);  // before feeding: that may close the socket
                on_bytes(buffer.first(peeked_));
                return false;  // all it holds is fed
            }
            if (n > 0) continue;  // too much for the ACK to wait: a real read instead
            // else EOF or an error, which the real read below reports
        }
        const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (n > 0) {
            const auto got = static_cast<std::size_t>(n);
            const std::size_t seen = std::min(got, peeked_);
            peeked_ -= seen;
            taken_since_write_ += got;
            if (got > seen) on_bytes(buffer.subspan(seen, got - seen));
            if (got < buffer.size() && !ending) {
                if (flooding_) {
                    flooding_ = false;  // emptied: edge-triggered again
                    watch();
                }
                return false;
            }
            continue;
        }
        if (n == 0) {
            on_eof();
            return false;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) on_io_error(std::strerror(errno));
        return false;
    }
    if (fd_ < 0 || !want_read_) return false;
    if (piggyback_acks_ && !flooding_) {
        flooding_ = true;
        watch();
    }
    return true;
}

// Peeked bytes are read already; left in the socket, close() would reset the
// connection (unread data) instead of ending it.
void PlainWsConnection::discard_peeked() noexcept {
    if (peeked_ > 0) ::recv(fd_, nullptr, peeked_, MSG_DONTWAIT | MSG_TRUNC);
    peeked_ = 0;
}

void PlainWsConnection::io_write() {
    if (!blocked_) write_now();
}

// Everything queued in one sendmsg (more only past kMaxBuffers frames).
void PlainWsConnection::write_now() {
    iovec buffers[kMaxBuffers];
    while (fd_ >= 0 && !queue().empty()) {
        const std::size_t count = queue().gather(buffers, kMaxBuffers);
        msghdr message{};
        message.msg_iov = buffers;
        message.msg_iovlen = count;
        const ssize_t n = ::sendmsg(fd_, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) taken_since_write_ = 0;  // the segment carried the ACK
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) return on_io_error(std::strerror(errno));
        } else {
            const bool all = static_cast<std::size_t>(n) == total_of(buffers, count);
            on_written(static_cast<std::size_t>(n));
            if (all) continue;
        }
        // The send buffer is full. Watch for room, then try once more: room
        // that came before the watch is not reported (SocketPoller::modify).
        if (blocked_ || fd_ < 0) break;
        blocked_ = true;
        watch();
    }
    if (fd_ < 0) return;
    blocked_ = !queue().empty();
    watch();
}

void PlainWsConnection::io_shutdown_send() {
    if (fd_ < 0) return;
    ::shutdown(fd_, SHUT_WR);
    io_start_reading();  // drain until the peer's EOF
}

void PlainWsConnection::io_close() noexcept {
    if (fd_ < 0) return;
    if (registered_ && !hung_up_) hub().poller().remove(fd_);
    discard_peeked();
    ::close(fd_);
    fd_ = -1;
}

// ---- TLS -----------------------------------------------------------------------

TlsWsConnection::TlsWsConnection(std::shared_ptr<ServerCore> core, const WsServerSettings& settings,
                                 SocketSlot slot, std::string remote, std::string target, Stream&& stream)
    : WsServerConnection(std::move(core), settings, std::move(slot), std::move(remote), std::move(target)),
      stream_(std::move(stream)) {}

std::shared_ptr<TlsWsConnection> TlsWsConnection::self_tls() {
    return std::static_pointer_cast<TlsWsConnection>(shared_from_this());
}

void TlsWsConnection::io_start_reading() {
    want_read_ = true;
    if (!reading_ && !closed_ && !shutting_down_) do_read();
}

void TlsWsConnection::do_read() {
    if (read_buffer_.empty()) read_buffer_.resize(kTlsReadBufferBytes);
    reading_ = true;
    stream_.async_read_some(boost::asio::buffer(read_buffer_),
                            [self = self_tls()](boost::system::error_code ec, std::size_t n) {
                                self->reading_ = false;
                                if (self->closed_) return;
                                if (self->shutting_down_) return self->shutdown_when_idle();
                                if (ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated)
                                    return self->on_eof();
                                if (ec) return self->on_io_error(ec.message());
                                self->on_bytes(std::span(self->read_buffer_).first(n));
                                if (self->want_read_ && !self->closed_ && !self->shutting_down_ && !self->reading_)
                                    self->do_read();
                            });
}

void TlsWsConnection::io_write() {
    if (writing_ || closed_ || shutting_down_ || queue().empty()) return;
    // TLS writes one buffer at a time: copy the frames into one, so they are
    // encrypted and sent together.
    iovec buffers[kMaxBuffers];
    const std::size_t count = queue().gather(buffers, kMaxBuffers);
    write_buffer_.resize(total_of(buffers, count));
    std::byte* out = write_buffer_.data();
    for (std::size_t i = 0; i < count; ++i) {
        if (buffers[i].iov_len != 0) std::memcpy(out, buffers[i].iov_base, buffers[i].iov_len);
        out += buffers[i].iov_len;
    }
    on_handed_over(write_buffer_.size());
    writing_ = true;
    boost::asio::async_write(stream_, boost::asio::buffer(write_buffer_),
                             [self = self_tls()](boost::system::error_code ec, std::size_t n) {
                                 self->writing_ = false;
                                 if (self->closed_) return;
                                 if (ec) return self->on_io_error(ec.message());
                                 self->on_written(n);
                                 if (self->shutting_down_) return self->shutdown_when_idle();
                                 self->io_write();
                             });
}

// TLS close_notify. Asio's TLS stream allows no shutdown beside a pending
// read or write: a pending read is cancelled, and the shutdown starts once
// nothing is in flight. The sweep's deadline bounds a peer that never answers.
void TlsWsConnection::io_shutdown_send() {
    if (closed_ || shutting_down_) return;
    shutting_down_ = true;
    want_read_ = false;
    if (reading_) {
        boost::system::error_code ignored;
        boost::beast::get_lowest_layer(stream_).socket().cancel(ignored);
    }
    shutdown_when_idle();
}

void TlsWsConnection::shutdown_when_idle() {
    if (reading_ || writing_ || closed_) return;
    stream_.async_shutdown([self = self_tls()](boost::system::error_code) {
        if (!self->closed_) self->on_eof();  // in teardown: closes the socket
    });
    reading_ = writing_ = true;  // the shutdown owns the stream now
}

void TlsWsConnection::io_close() noexcept {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    boost::beast::get_lowest_layer(stream_).socket().close(ignored);
}

}  // namespace tickwire::net::detail
