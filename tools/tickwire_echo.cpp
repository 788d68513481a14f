// tickwire-echo: a WebSocket echo server (like echo.websocket.org) that sends
// every message back through the path a game uses: the main thread polls the
// Server, hands each message's buffer straight back to send() (no copy), and
// flushes once per loop iteration.
//
//   tickwire-echo --port 0          # first line: "listening on ws://127.0.0.1:PORT"
//   tickwire-echo --port 9001 --address 0.0.0.0 --tls-cert cert.pem --tls-key key.pem
//   tickwire-echo --port 9001 --web-root build-web/web   # pages and WebSocket on one port
//
// Prints one line per connection opened ("open #3 127.0.0.1:5555 /path?q") and
// closed ("close #3 1000 reason"). SIGINT/SIGTERM close every connection with
// 1001 and exit. Thread: everything here runs on the main thread.

#include <sys/prctl.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <utility>

#include "tickwire/cli.hpp"
#include "tickwire/net.hpp"

namespace {

namespace net = tickwire::net;
using namespace std::chrono_literals;

// At most this many events per loop iteration, so a flood of incoming messages
// still gets its echoes flushed regularly.
constexpr int kMaxEventsPerIteration = 1024;
// Idle sleeps: short while traffic might resume any moment, longer once the
// server has been quiet for a while so an idle echo server costs no CPU.
constexpr auto kShortIdleSleep = 100us;
constexpr auto kLongIdleSleep = 1ms;
constexpr int kIdleIterationsBeforeLongSleep = 2000;
// After traffic, yield the core this many times before the first sleep: when
// the network thread shares the core and has work, it runs at once and its
// events are polled without a timer round trip. (Once asleep, no more
// yielding until traffic comes back: an idle server costs nothing.)
constexpr int kYieldsBeforeSleep = 128;
// How long shutdown waits for clients to answer our close frames.
constexpr auto kShutdownWait = 3s;

struct Config {
    bool quiet = false;
    bool network_on_main_thread = false;
    std::chrono::microseconds poll_sleep = kShortIdleSleep;
    int poll_yields = kYieldsBeforeSleep;
    net::ServerOptions server;
};

// The command line into `config`; nullopt to run, else the exit code.
std::optional<int> parse_command_line(int argc, char** argv, Config& config) {
    config.server.address = "127.0.0.1";
    long long poll_sleep_us = config.poll_sleep.count();
    long long ping_ms = config.server.ping_interval.count();
    CLI::App app{"WebSocket echo server: every message received is sent back, unchanged, to the connection "
                 "that sent it.",
                 "tickwire-echo"};
    app.add_option("--port", config.server.port, "port to listen on; 0 picks a free one (required)");
    app.add_option("--address", config.server.address, "address to bind")->capture_default_str();
    app.add_option("--tls-cert", config.server.tls_certificate_file, "PEM certificate chain; with --tls-key serves wss://");
    app.add_option("--tls-key", config.server.tls_private_key_file, "PEM private key");
    app.add_option("--web-root", config.server.web_root, "serve the files in DIR on the same port (GET/HEAD)")
        ->check(CLI::ExistingDirectory);
    app.add_option("--max-message-size", config.server.max_message_size, "larger incoming messages close with 1009")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 40))
        ->capture_default_str();
    app.add_option("--max-connections", config.server.max_connections, "more WebSocket upgrades get HTTP 503")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}))
        ->capture_default_str();
    app.add_option("--max-per-ip", config.server.max_connections_per_ip,
                   "sockets one address may hold; more are closed at accept")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}))
        ->capture_default_str();
    app.add_option("--ping-ms", ping_ms, "RTT probe (WebSocket ping) interval per connection; 0 = none")
        ->check(CLI::Range(0LL, 3600000LL))
        ->capture_default_str();
    app.add_flag("--quiet", config.quiet, "no open/close line per connection");
    app.add_flag("--network-on-main-thread", config.network_on_main_thread,
                 "serve the sockets on the thread that echoes (waiting in the network loop, not in "
                 "sleeps): no network thread, no hand-over between two");
    app.add_option("--poll-sleep-us", poll_sleep_us, "sleep between empty polls while traffic is recent")
        ->check(CLI::Range(0LL, 1000000LL))
        ->capture_default_str();
    app.add_option("--poll-yields", config.poll_yields, "after traffic, yield the core N times before sleeping")
        ->check(CLI::Range(0, 1000000))
        ->capture_default_str();
    app.footer(
        "Prints \"listening on ws://ADDR:PORT\" first, then \"open #ID ADDR PATH\" and\n"
        "\"close #ID CODE REASON\" per connection. SIGINT or SIGTERM stops it.");
    // Checked after parsing, so a mistyped option is named before a missing port.
    const auto check = [&] {
        if (app.count("--port") == 0) throw std::invalid_argument("--port is required (0 picks a free port)");
        if (config.server.tls_certificate_file.empty() != config.server.tls_private_key_file.empty()) {
            throw std::invalid_argument("--tls-cert and --tls-key go together");
        }
    };
    if (auto exit = tickwire::cli::parse(app, argc, argv, check)) return exit;
    config.poll_sleep = std::chrono::microseconds(poll_sleep_us);
    config.server.ping_interval = std::chrono::milliseconds(ping_ms);
    return std::nullopt;
}

// Set by SIGINT/SIGTERM, read by the loop. A lock-free atomic is safe to store
// from a signal handler.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int) { g_stop.store(true, std::memory_order_relaxed); }

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

class EchoLoop {
public:
    EchoLoop(net::Server& server, std::shared_ptr<net::NetworkThread> on_this_thread, std::size_t send_queue_capacity,
             bool quiet, std::chrono::microseconds poll_sleep, int poll_yields)
        : server_(server),
          on_this_thread_(std::move(on_this_thread)),
          send_queue_capacity_(send_queue_capacity),
          quiet_(quiet),
          poll_sleep_(poll_sleep),
          poll_yields_(poll_yields) {}

    // Echo until a stop signal.
    void run() {
        int idle_iterations = 0;
        while (!g_stop.load(std::memory_order_relaxed)) {
            if (pump()) {
                idle_iterations = 0;
                yields_ = 0;
                continue;
            }
            if (on_this_thread_) {  // wait in the network loop itself; look at the stop flag now and then
                on_this_thread_->run_once(std::chrono::steady_clock::now() + 10ms);
                continue;
            }
            ++idle_iterations;
            if (++yields_ <= poll_yields_) {
                --idle_iterations;
                std::this_thread::yield();
                continue;
            }
            std::this_thread::sleep_for(idle_iterations < kIdleIterationsBeforeLongSleep
                                            ? poll_sleep_
                                            : kLongIdleSleep);
        }
    }

    // Close every connection with 1001 and wait (bounded) for them to go.
    void shut_down() {
        for (const net::ConnectionId id : open_) {
            server_.close(id, net::close_code::going_away, "server shutting down");
        }
        server_.flush();
        const auto deadline = std::chrono::steady_clock::now() + kShutdownWait;
        while (!open_.empty() && std::chrono::steady_clock::now() < deadline) {
            if (pump()) continue;
            if (on_this_thread_) on_this_thread_->run_once(std::chrono::steady_clock::now() + kLongIdleSleep);
            else std::this_thread::sleep_for(kLongIdleSleep);
        }
    }

private:
    // Handle what has arrived and flush the echoes; false if there was nothing.
    bool pump() {
        // send() takes the message by value, so a send refused for a full
        // command queue would lose it. Never take more messages off the stream
        // than the queue has room for: the rest wait in the receive queue,
        // which pushes back on the clients.
        const std::size_t depth = server_.stats().send_queue_depth;
        std::size_t room = depth < send_queue_capacity_ ? send_queue_capacity_ - depth : 0;
        bool worked = false;
        for (int n = 0; n < kMaxEventsPerIteration && room > 0 && server_.poll(event_); ++n) {
            worked = true;
            switch (event_.type) {
            case net::ServerEventType::connected:
                open_.insert(event_.id);
                if (quiet_) break;
                std::printf("open #%u %.*s %.*s%s%.*s\n", event_.id,
                            static_cast<int>(event_.remote_address().size()),
                            event_.remote_address().data(),
                            static_cast<int>(event_.path().size()), event_.path().data(),
                            event_.query().empty() ? "" : "?",
                            static_cast<int>(event_.query().size()), event_.query().data());
                break;
            case net::ServerEventType::message:
                // The buffer we received is the buffer we send: no copy.
                server_.send(event_.id, std::move(event_.message));
                --room;
                break;
            case net::ServerEventType::disconnected:
                open_.erase(event_.id);
                if (quiet_) break;
                std::printf("close #%u %u %.*s\n", event_.id, unsigned{event_.close_code},
                            static_cast<int>(event_.reason().size()), event_.reason().data());
                break;
            case net::ServerEventType::resumed:  // session mode only; the echo server is plain
            case net::ServerEventType::log:      // log_events is off: net logs to stderr itself
            case net::ServerEventType::http_request:  // no http_routes
                break;
            }
        }
        if (worked) {
            server_.flush();
            std::fflush(stdout);
        }
        return worked;
    }

    net::Server& server_;
    std::shared_ptr<net::NetworkThread> on_this_thread_;  // null: the server has a network thread
    std::size_t send_queue_capacity_;
    bool quiet_;
    std::chrono::microseconds poll_sleep_;
    int poll_yields_;
    int yields_ = 0;
    std::unordered_set<net::ConnectionId> open_;
    net::ServerEvent event_;
};

}  // namespace

int main(int argc, char** argv) {
    Config config;
    if (const auto exit = parse_command_line(argc, argv, config)) return *exit;
    install_signal_handlers();

    std::shared_ptr<net::NetworkThread> on_this_thread;
    if (config.network_on_main_thread) {
        on_this_thread = net::NetworkThread::create({.run_on_caller = true});
        config.server.network_thread = on_this_thread;
    }
    std::error_code ec;
    net::Server server = net::Server::listen(config.server, ec);
    if (!server) {
        std::fprintf(stderr, "tickwire-echo: cannot listen on %s:%u: %s\n",
                     config.server.address.c_str(), unsigned{config.server.port},
                     ec.message().c_str());
        return 1;
    }
    std::printf("listening on %s://%s:%u\n", server.tls() ? "wss" : "ws",
                config.server.address.c_str(), unsigned{server.port()});
    std::fflush(stdout);

    // Sleep as long as asked, not up to the default 50 us of timer slack more.
    prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
    EchoLoop loop(server, on_this_thread, config.server.send_queue_capacity, config.quiet, config.poll_sleep, config.poll_yields);
    loop.run();
    std::printf("stopping\n");
    loop.shut_down();
    const net::ServerStats stats = server.stats();
    if (stats.dropped_out != 0) {
        std::fprintf(stderr, "tickwire-echo: %llu echoes dropped (send queue full)\n",
                     static_cast<unsigned long long>(stats.dropped_out));
    }
    std::fflush(stdout);
    return 0;
}
