#pragma once
// RawPeer: a scripted, misbehaving WebSocket server written with plain
// synchronous Beast, for driving the channel's close and error paths.

#include <atomic>
#include <cstdint>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace tickwire::net::test {

class RawPeer {
public:
    enum class Mode {
        vanish,        ///< upgrade, then drop TCP without a close frame
        send_text,     ///< upgrade, then send a text frame
        send_oversize, ///< upgrade, then send a message of `size` bytes
        silent,        ///< upgrade, then never read or answer (no pongs, no close reply)
        reject_404,    ///< answer the upgrade request with HTTP 404
        close_with,    ///< upgrade, then close with code 4000 "bye"
    };

    explicit RawPeer(Mode mode, std::size_t size = 0) : mode_(mode), size_(size) {
        namespace asio = boost::asio;
        acceptor_.open(asio::ip::tcp::v4());
        acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this] { run(); });
    }

    ~RawPeer() {
        stop_ = true;
        // A blocking accept() is not woken by closing the acceptor from another
        // thread; a throwaway connection (closed at once) unblocks it.
        boost::system::error_code ignored;
        boost::asio::io_context io;
        boost::asio::ip::tcp::socket poke(io);
        poke.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ignored);
        poke.close(ignored);
        thread_.join();
    }

    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/"; }
    /// What a peer in close_with mode heard back (the client's answer), if anything.
    [[nodiscard]] bool saw_close_reply() const { return saw_close_reply_; }

private:
    void run() {
        namespace beast = boost::beast;
        namespace websocket = beast::websocket;
        namespace http = beast::http;
        boost::system::error_code ec;
        boost::asio::ip::tcp::socket socket(io_);
        acceptor_.accept(socket, ec);
        if (ec) return;
        if (mode_ == Mode::reject_404) {
            beast::flat_buffer buffer;
            http::request<http::string_body> request;
            http::read(socket, buffer, request, ec);
            http::response<http::string_body> response(http::status::not_found, request.version());
            response.body() = "no such room";
            response.prepare_payload();
            http::write(socket, response, ec);
            return;
        }
        websocket::stream<boost::asio::ip::tcp::socket> ws(std::move(socket));
        ws.accept(ec);
        if (ec) return;
        switch (mode_) {
        case Mode::vanish:
            ws.next_layer().close(ec);
            return;
        case Mode::send_text:
            ws.text(true);
            ws.write(boost::asio::buffer(std::string("hello")), ec);
            break;
        case Mode::send_oversize: {
            ws.binary(true);
            std::string big(size_, 'x');
            ws.write(boost::asio::buffer(big), ec);
            break;
        }
        case Mode::close_with:
            ws.close(websocket::close_reason(static_cast<websocket::close_code>(4000), "bye"), ec);
            saw_close_reply_ = !ec;
            break;
        default:
            break;
        }
        if (mode_ != Mode::silent && mode_ != Mode::close_with) {
            // Read until the client's close (answers it) or an error.
            beast::flat_buffer buffer;
            while (!ec) ws.read(buffer, ec);
        }
        while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }

    Mode mode_;
    std::size_t size_;
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_{io_};
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<bool> saw_close_reply_{false};
    std::thread thread_;
};

}  // namespace tickwire::net::test
