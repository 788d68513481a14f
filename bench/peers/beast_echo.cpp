// beast_echo: the minimal Boost.Beast WebSocket echo server — what tickwire
// stands on, without its queues, its network/game thread split or its
// session management. One thread, one io_context, per connection one read
// and one write in flight: read a message, write it back, read the next.
//
//   beast_echo --port N [--address 127.0.0.1]   # prints "listening on ws://ADDR:PORT"
//
// Thread: one (main). SIGINT/SIGTERM stop it.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

class Session : public std::enable_shared_from_this<Session> {
public:
    explicit Session(tcp::socket socket) : ws_(std::move(socket)) {}

    void run() {
        ws_.next_layer().set_option(tcp::no_delay(true));
        ws_.binary(true);
        ws_.auto_fragment(false);
        ws_.read_message_max(16u << 20);
        ws_.async_accept([self = shared_from_this()](beast::error_code ec) {
            if (ec) return;
            self->do_read();
        });
    }

private:
    // Read a message
    void do_read() {
        ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    // Echo it
    void on_read(beast::error_code ec) {
        if (ec) return;
        ws_.binary(ws_.got_binary());
        ws_.async_write(buffer_.data(), [self = shared_from_this()](beast::error_code wec, std::size_t) {
            if (wec) return;
            self->buffer_.consume(self->buffer_.size());
            self->do_read();
        });
    }

    websocket::stream<tcp::socket> ws_;
    beast::flat_buffer buffer_;
};

void do_accept(tcp::acceptor& acceptor) {
    acceptor.async_accept([&acceptor](beast::error_code ec, tcp::socket socket) {
        if (!ec) std::make_shared<Session>(std::move(socket))->run();
        do_accept(acceptor);
    });
}

}  // namespace

int main(int argc, char** argv) {
    std::string address = "127.0.0.1";
    int port = -1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--port") == 0) port = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--address") == 0) address = argv[i + 1];
    }
    if (port < 0 || port > 65535) {
        std::fputs("usage: beast_echo --port N [--address A]\n", stderr);
        return 2;
    }
    asio::io_context io{1};
    tcp::acceptor acceptor(io);
    const tcp::endpoint endpoint(asio::ip::make_address(address), static_cast<unsigned short>(port));
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(4096);
    std::printf("listening on ws://%s:%u\n", address.c_str(), unsigned{acceptor.local_endpoint().port()});
    std::fflush(stdout);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&io](beast::error_code, int) { io.stop(); });
    do_accept(acceptor);
    io.run();
    return 0;
}
