// The smallest whole use of tickwire::net: a server on 127.0.0.1 (any free
// port), a channel to it, one message there and back. Exits 0 when the echo
// arrives, 1 on any failure or after 5 s.
//
// Thread: everything here runs on the main thread, as a game's tick would; the
// sockets live on the network threads the Server and Channel start.

#include <tickwire/net.hpp>

#include <chrono>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

namespace net = tickwire::net;

namespace {

std::span<const std::byte> as_bytes(std::string_view text) {
    return std::as_bytes(std::span(text.data(), text.size()));
}

int fail(std::string_view what, std::string_view detail = {}) {
    std::fprintf(stderr, "consumer: %.*s%s%.*s\n", static_cast<int>(what.size()), what.data(),
                 detail.empty() ? "" : ": ", static_cast<int>(detail.size()), detail.data());
    return 1;
}

}  // namespace

int main() {
    constexpr std::string_view kPing = "hello from an installed tickwire";
    constexpr auto kDeadline = std::chrono::seconds(5);

    // Listen on loopback only; port 0 picks a free one.
    net::ServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    std::error_code ec;
    net::Server server = net::Server::listen(options, ec);
    if (!server) return fail("listen", ec.message());

    // Connect a channel to it.
    const std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/";
    net::Channel channel = net::Channel::connect(url);

    const auto give_up = std::chrono::steady_clock::now() + kDeadline;
    net::ServerEvent server_event;
    net::Event event;
    while (std::chrono::steady_clock::now() < give_up) {
        // Server side: echo every message back to its sender.
        while (server.poll(server_event)) {
            if (server_event.type == net::ServerEventType::message) {
                server.send(server_event.id, server_event.message);
            }
        }
        server.flush();

        // Client side: send once open, succeed when the echo comes back.
        while (channel.stream().poll(event)) {
            switch (event.type) {
                case net::EventType::opened:
                    if (!channel.sink().add(as_bytes(kPing))) return fail("send refused");
                    channel.sink().flush();
                    break;
                case net::EventType::message:
                    if (event.message.text() != kPing) return fail("wrong echo", event.message.text());
                    std::printf("consumer: echo received from %s\n", url.c_str());
                    channel.sink().close();
                    return 0;
                case net::EventType::error:
                    return fail(net::to_string(event.error), event.text());
                case net::EventType::closed:
                    return fail("closed before the echo", event.text());
                default:
                    break;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return fail("timed out", url);
}
