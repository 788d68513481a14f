// tickwire-chat-server: the chat example's server (README.md).
//
//   tickwire-chat-server [--port 7780] [--address 127.0.0.1] [--web-root DIR]
//                        [--lines-per-second 2] [--line-burst 10]
//
// --web-root serves the folder (e.g. build-web/web with chat.html) on the
// chat's own port: http://ADDR:PORT/chat.html?url=ws://ADDR:PORT/lobby.
//
// Prints "listening on ws://ADDR:PORT" first, then a line per join, leave and
// rejected client. SIGINT/SIGTERM closes every client with 1001 and exits.
//
// Thread: everything here runs on the main thread; net's sockets live on the
// network thread the Server starts.

#include <atomic>
#include <csignal>
#include <cstdio>
#include <system_error>
#include <thread>

#include "chat_protocol.hpp"
#include "chat_server.hpp"
#include "tickwire/cli.hpp"

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop.store(true); }

}  // namespace

int main(int argc, char** argv) {
    tickwire::net::ServerOptions options;
    options.address = "127.0.0.1";
    options.port = 7780;
    CLI::App app{"The chat example's server: a room per URL path (ws://HOST:PORT/lobby).", "tickwire-chat-server"};
    app.add_option("--port", options.port, "port to listen on; 0 picks a free one")->capture_default_str();
    app.add_option("--address", options.address, "address to listen on")->capture_default_str();
    app.add_option("--web-root", options.web_root, "serve the files in DIR (the web page) on the same port")
        ->check(CLI::ExistingDirectory);
    chat::LineLimit limit;
    app.add_option("--lines-per-second", limit.per_second, "lines a client may say a second, on average")
        ->capture_default_str()->check(CLI::PositiveNumber);
    app.add_option("--line-burst", limit.burst, "lines a client may say at once; more closes it with 1008")
        ->capture_default_str()->check(CLI::Range(1.0, 1e6));
    if (const auto exit = tickwire::cli::parse(app, argc, argv)) return *exit;
    // Nothing a client may send is larger: net closes bigger ones with 1009.
    options.max_message_size = chat::kMaxMessageBytes;

    std::error_code ec;
    tickwire::net::Server server = tickwire::net::Server::listen(options, ec);
    if (!server) {
        std::fprintf(stderr, "tickwire-chat-server: cannot listen on %s:%u: %s\n", options.address.c_str(),
                     unsigned{options.port}, ec.message().c_str());
        return 1;
    }
    std::printf("listening on ws://%s:%u\n", options.address.c_str(), unsigned{server.port()});
    std::fflush(stdout);
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);

    // The game-style loop: handle what arrived, sleep a little when nothing did.
    chat::ChatServer chat(server, limit);
    while (!g_stop.load()) {
        if (!chat.pump(chat::Clock::now())) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    chat.shut_down();
    return 0;
}
