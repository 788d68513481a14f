// The lean WebSocket transport of tickwire-load's echo and idle modes (the
// default, `--ws-client lean`): RFC 6455 framing written here on a plain Asio
// socket, shaped like the raw mode's TCP transport. One write per message
// (header, mask and masked payload in one buffer), each read cut into as many
// frames as it holds, pings answered with pongs.
//
// Why not Beast's websocket::stream, as `--ws-client beast` still does: on a
// 2-core machine the generator has one core, and at 100 connections it was the
// limit, at 99-100 % of its core, for every WebSocket server (Beast's client
// cost 10.8-12.4 us per echo, the raw mode's 8.5-8.7: a second read per
// message, and its masking copy). A generator that costs more for WebSocket
// servers than for the raw floor makes them all look slower against the floor
// than they are. bench/compare.sh prints the generator's cost per message.
//
// Thread: everything runs on the one thread that runs the io_context.
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "echo_connection.hpp"
#include "ws_client_frames.hpp"

namespace tickwire::load {

namespace {

using boost::asio::ip::tcp;

// A response to the upgrade longer than this is not one. Also the read
// buffer's size, unless a message needs more: a closed loop has one message
// in flight per connection, and idle mode holds thousands of connections.
constexpr std::size_t kMaxHandshakeResponse = 8 * 1024;

class LeanWsConnection final : public EchoConnection {
public:
    explicit LeanWsConnection(EchoShared& shared)
        : EchoConnection(shared), socket_(shared.io),
          in_(std::max<std::size_t>(kMaxHandshakeResponse, shared.options.size + 14)),
          mask_state_(0x9e3779b9u ^ static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(this))) {}

    void connect(std::function<void(bool)> done) override {
        connect_done_ = std::move(done);
        socket_.async_connect(shared_.endpoint, [this](const boost::system::error_code& ec) {
            if (ec) return finish_connect(false, "connect: " + ec.message());
            socket_.set_option(tcp::no_delay(true));
            const std::string host = shared_.options.host + ":" + std::to_string(shared_.options.port);
            request_ = ws::upgrade_request(host, shared_.options.path);
            boost::asio::async_write(socket_, boost::asio::buffer(request_),
                                     [this](const boost::system::error_code& wec, std::size_t) {
                                         if (wec) return finish_connect(false, "handshake: " + wec.message());
                                         read_response();
                                     });
        });
    }

    void abort() override {
        boost::system::error_code ignored;
        socket_.close(ignored);
    }

private:
    // Reads until the end of the response's headers; what follows them is
    // already the server's first frames, left in in_.
    void read_response() {
        socket_.async_read_some(boost::asio::buffer(in_.data() + have_, kMaxHandshakeResponse - have_),
                                [this](const boost::system::error_code& ec, std::size_t n) {
            if (ec) return finish_connect(false, "handshake: " + ec.message());
            have_ += n;
            const std::string_view got(reinterpret_cast<const char*>(in_.data()), have_);
            const auto end = got.find("\r\n\r\n");
            if (end == std::string_view::npos) {
                if (have_ == kMaxHandshakeResponse) return finish_connect(false, "handshake: response too long");
                return read_response();
            }
            const std::string_view head = got.substr(0, end);
            if (!head.starts_with("HTTP/1.1 101") || head.find(ws::kExpectedAccept) == std::string_view::npos) {
                return finish_connect(false, "handshake: " + std::string(head.substr(0, head.find("\r\n"))));
            }
            std::memmove(in_.data(), in_.data() + end + 4, have_ - end - 4);
            have_ -= end + 4;
            finish_connect(true, {});
        });
    }

    void close_transport() override {
        if (!open_ || close_sent_) return;
        const std::uint8_t normal[2] = {0x03, 0xe8};  // 1000, network byte order
        send_control(ws::kClose, normal);
    }

    void write_payload() override {
        payload_due_ = true;
        write_next();
    }

    void start_reading() override {
        // First what is already here (the first time: what came with the 101).
        if (!cut_frames() || !open_) return;
        socket_.async_read_some(boost::asio::buffer(in_.data() + have_, in_.size() - have_),
                                [this](const boost::system::error_code& ec, std::size_t n) {
            if (ec) return on_broken("read: " + ec.message());
            have_ += n;
            start_reading();
        });
    }

    // Hands every whole frame to its handler and keeps a partial one at the
    // front; false once the connection is done (closed or broken).
    bool cut_frames() {
        std::size_t at = 0;
        for (;;) {
            const auto frame = ws::parse_server_frame({in_.data() + at, have_ - at});
            if (frame.status == ws::ServerFrame::Status::bad) {
                on_broken(std::string("read: ") + std::string(frame.why));
                return false;
            }
            if (frame.status == ws::ServerFrame::Status::need_more) {
                if (frame.payload_size > in_.size() - frame.header_size) {
                    on_broken("read: a frame larger than the read buffer");
                    return false;
                }
                break;
            }
            const std::span<const std::uint8_t> payload(in_.data() + at + frame.header_size, frame.payload_size);
            at += frame.header_size + frame.payload_size;
            switch (frame.opcode) {
            case ws::kText:
            case ws::kBinary:
                if (!frame.fin) {  // the echo servers never fragment 16 B-16 MiB messages
                    on_broken("read: a fragmented message");
                    return false;
                }
                on_echo(payload);
                break;
            case ws::kPing:
                send_control(ws::kPong, payload);
                break;
            case ws::kClose:
                send_control(ws::kClose, payload.first(payload.size() >= 2 ? 2 : 0));  // its code back, if it had one
                on_broken("read: the server closed the connection");
                return false;
            default:
                break;  // pong, continuation of nothing: ignored
            }
        }
        std::memmove(in_.data(), in_.data() + at, have_ - at);
        have_ -= at;
        return true;
    }

    // A control frame goes before the next message; a pong replaces one not
    // yet written (it answers the latest ping). The close is the last frame:
    // nothing replaces it and no message follows it.
    void send_control(std::uint8_t opcode, std::span<const std::uint8_t> payload) {
        if (close_sent_) return;
        if (opcode == ws::kClose) close_sent_ = true;
        ws::write_client_frame(control_due_, opcode, payload, next_mask());
        write_next();
    }

    // One write in flight: a due control frame first, then the due message.
    void write_next() {
        if (write_in_flight_ || !socket_.is_open()) return;
        if (!control_due_.empty()) {
            control_out_.swap(control_due_);
            control_due_.clear();
            write_in_flight_ = true;
            boost::asio::async_write(socket_, boost::asio::buffer(control_out_),
                                     [this](const boost::system::error_code& ec, std::size_t) {
                write_in_flight_ = false;
                if (ec) return on_broken("write: " + ec.message());
                write_next();
            });
            return;
        }
        if (!payload_due_ || close_sent_) return;
        payload_due_ = false;
        ws::write_client_frame(frame_, ws::kBinary, payload_, next_mask());
        write_in_flight_ = true;
        boost::asio::async_write(socket_, boost::asio::buffer(frame_),
                                 [this](const boost::system::error_code& ec, std::size_t) {
            write_in_flight_ = false;
            on_written(!ec);
            write_next();
        });
    }

    // xorshift32: masks differ per frame, at no cost worth measuring.
    std::uint32_t next_mask() noexcept {
        mask_state_ ^= mask_state_ << 13;
        mask_state_ ^= mask_state_ >> 17;
        mask_state_ ^= mask_state_ << 5;
        return mask_state_;
    }

    tcp::socket socket_;
    std::vector<std::uint8_t> in_;
    std::size_t have_ = 0;
    std::vector<std::uint8_t> frame_;        ///< the message being written
    std::vector<std::uint8_t> control_due_;  ///< a control frame waiting for the socket
    std::vector<std::uint8_t> control_out_;  ///< the control frame being written
    std::string request_;
    std::uint32_t mask_state_;
    bool write_in_flight_ = false, payload_due_ = false, close_sent_ = false;
};

}  // namespace

std::unique_ptr<EchoConnection> make_lean_ws_connection(EchoShared& shared) {
    return std::make_unique<LeanWsConnection>(shared);
}

}  // namespace tickwire::load
