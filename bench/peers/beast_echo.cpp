// beast_echo: the minimal Boost.Beast WebSocket echo server — what tickwire
// stands on, without its queues, its network/game thread split or its
// session management. Shaped like Beast's own websocket_server_async example
// (websocket::stream<beast::tcp_stream>, the suggested server timeouts, as
// tickwire's sessions use): one thread, one io_context, per connection one
// read and one write in flight: read a message, write it back, read the next.
// --plain-socket drops tcp_stream for a bare tcp::socket and no timeouts,
// which shows what Beast's timeouts themselves cost.
//
//   beast_echo --port N [--address 127.0.0.1] [--plain-socket]   # prints "listening on ws://ADDR:PORT"
//
// Thread: one (main). SIGINT/SIGTERM stop it.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

template <class NextLayer>
class Session : public std::enable_shared_from_this<Session<NextLayer>> {
public:
    explicit Session(tcp::socket socket) : ws_(std::move(socket)) {}

    void run() {
        if constexpr (std::is_same_v<NextLayer, beast::tcp_stream>) {
            ws_.next_layer().socket().set_option(tcp::no_delay(true));
            ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        } else {
            ws_.next_layer().set_option(tcp::no_delay(true));
        }
        ws_.binary(true);
        ws_.auto_fragment(false);
        ws_.read_message_max(16u << 20);
        ws_.async_accept([self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return;
            self->do_read();
        });
    }

private:
    // Read a message
    void do_read() {
        ws_.async_read(buffer_,
                       [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    // Echo it
    void on_read(beast::error_code ec) {
        if (ec) return;
        ws_.binary(ws_.got_binary());
        ws_.async_write(buffer_.data(), [self = this->shared_from_this()](beast::error_code wec, std::size_t) {
            if (wec) return;
            self->buffer_.consume(self->buffer_.size());
            self->do_read();
        });
    }

    websocket::stream<NextLayer> ws_;
    beast::flat_buffer buffer_;
};

void do_accept(tcp::acceptor& acceptor, bool plain_socket) {
    acceptor.async_accept([&acceptor, plain_socket](beast::error_code ec, tcp::socket socket) {
        if (!ec) {
            if (plain_socket) std::make_shared<Session<tcp::socket>>(std::move(socket))->run();
            else std::make_shared<Session<beast::tcp_stream>>(std::move(socket))->run();
        }
        do_accept(acceptor, plain_socket);
    });
}

}  // namespace

int main(int argc, char** argv) {
    std::string address = "127.0.0.1";
    int port = -1;
    bool plain_socket = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--plain-socket") == 0) plain_socket = true;
        else if (i + 1 < argc && std::strcmp(argv[i], "--port") == 0) port = std::atoi(argv[++i]);
        else if (i + 1 < argc && std::strcmp(argv[i], "--address") == 0) address = argv[++i];
    }
    if (port < 0 || port > 65535) {
        std::fputs("usage: beast_echo --port N [--address A] [--plain-socket]\n", stderr);
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
    do_accept(acceptor, plain_socket);
    io.run();
    return 0;
}
