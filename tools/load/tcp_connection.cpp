// Plain TCP transport of tickwire-load's raw mode: each message is a 4-byte
// little-endian length and the payload, written with one send; reads take
// whatever has arrived (64 KiB at a time) and cut it into frames. Pointed at
// bench/peers/tcp_echo it measures the floor: the kernel's loopback cost with
// nothing above it.
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cstring>

#include "echo_connection.hpp"

namespace tickwire::load {

namespace {

using boost::asio::ip::tcp;

class TcpConnection final : public EchoConnection {
public:
    explicit TcpConnection(EchoShared& shared)
        : EchoConnection(shared), socket_(shared.io), frame_(shared.options.size + 4),
          in_(std::max<std::size_t>(64 * 1024, shared.options.size + 4)) {}

    void connect(std::function<void(bool)> done) override {
        socket_.async_connect(shared_.endpoint, [this, done = std::move(done)](const boost::system::error_code& ec) {
            if (ec) {
                if (shared_.first_error.empty()) shared_.first_error = "connect: " + ec.message();
                return done(false);
            }
            socket_.set_option(tcp::no_delay(true));
            open_ = true;
            done(true);
        });
    }

    void abort() override {
        boost::system::error_code ignored;
        socket_.close(ignored);
    }

private:
    void close_transport() override {
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
    }

    void write_payload() override {
        const auto n = static_cast<std::uint32_t>(payload_.size());
        std::memcpy(frame_.data(), &n, 4);
        std::memcpy(frame_.data() + 4, payload_.data(), payload_.size());
        boost::asio::async_write(socket_, boost::asio::buffer(frame_),
                                 [this](const boost::system::error_code& ec, std::size_t) { on_written(!ec); });
    }

    void start_reading() override {
        socket_.async_read_some(boost::asio::buffer(in_.data() + have_, in_.size() - have_),
                                [this](const boost::system::error_code& ec, std::size_t n) {
                                    if (ec) return on_broken("read: " + ec.message());
                                    have_ += n;
                                    cut_frames();
                                    if (open_) start_reading();
                                });
    }

    // Hand every complete frame to on_echo; keep a partial one at the front.
    void cut_frames() {
        std::size_t at = 0;
        while (have_ - at >= 4) {
            std::uint32_t n = 0;
            std::memcpy(&n, in_.data() + at, 4);
            if (n > in_.size() - 4) return on_broken("frame too large");
            if (have_ - at - 4 < n) break;
            on_echo({in_.data() + at + 4, n});
            at += 4 + n;
        }
        std::memmove(in_.data(), in_.data() + at, have_ - at);
        have_ -= at;
    }

    tcp::socket socket_;
    std::vector<std::uint8_t> frame_;
    std::vector<std::uint8_t> in_;
    std::size_t have_ = 0;
};

}  // namespace

std::unique_ptr<EchoConnection> make_tcp_connection(EchoShared& shared) {
    return std::make_unique<TcpConnection>(shared);
}

}  // namespace tickwire::load
