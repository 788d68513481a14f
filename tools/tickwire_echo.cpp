// tickwire-echo: a WebSocket echo server (like echo.websocket.org) that sends
// every message back through the path a game uses: the main thread polls the
// Server, hands each message's buffer straight back to send() (no copy), and
// flushes once per loop iteration.
//
//   tickwire-echo --port 0          # first line: "listening on ws://127.0.0.1:PORT"
//   tickwire-echo --port 9001 --address 0.0.0.0 --tls-cert cert.pem --tls-key key.pem
//
// Prints one line per connection opened ("open #3 127.0.0.1:5555 /path?q") and
// closed ("close #3 1000 reason"). SIGINT/SIGTERM close every connection with
// 1001 and exit. Thread: everything here runs on the main thread.

#include <sys/prctl.h>

#include <atomic>
#include <chrono>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <utility>

#include "tickwire/net.hpp"

namespace {

namespace net = tickwire::net;
using namespace std::chrono_literals;

constexpr std::string_view kUsage =
    "usage: tickwire-echo --port N [--address A] [--tls-cert FILE --tls-key FILE]\n"
    "                     [--max-message-size BYTES] [--max-connections N] [--max-per-ip N] [--quiet]\n"
    "\n"
    "WebSocket echo server: every message received is sent back, unchanged, to\n"
    "the connection that sent it.\n"
    "\n"
    "  --port N                  port to listen on; 0 picks a free one\n"
    "  --address A               address to bind (default 127.0.0.1)\n"
    "  --tls-cert FILE           PEM certificate chain; with --tls-key serves wss://\n"
    "  --tls-key FILE            PEM private key\n"
    "  --max-message-size BYTES  larger incoming messages close with 1009 (default 1048576)\n"
    "  --max-connections N       more WebSocket upgrades get HTTP 503 (default 1024)\n"
    "  --max-per-ip N            sockets one address may hold; more are closed at accept (default 256)\n"
    "  --ping-ms MS              RTT probe (WebSocket ping) interval per connection; 0 = none (default 1000)\n"
    "  --quiet                   no open/close line per connection\n"
    "  --poll-sleep-us N         sleep between empty polls while traffic is recent (default 100)\n"
    "  --poll-yields N           after traffic, yield the core N times before sleeping (default 128)\n"
    "  --help                    show this text\n"
    "\n"
    "Prints \"listening on ws://ADDR:PORT\" first, then \"open #ID ADDR PATH\" and\n"
    "\"close #ID CODE REASON\" per connection. SIGINT or SIGTERM stops it.\n";

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
    bool help = false;
    bool quiet = false;
    std::chrono::microseconds poll_sleep = kShortIdleSleep;
    int poll_yields = kYieldsBeforeSleep;
    net::ServerOptions server;
};

std::size_t parse_number(std::string_view flag, std::string_view text, std::size_t max) {
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value > max) {
        throw std::invalid_argument(std::string(flag) + ": not a number in [0, " +
                                    std::to_string(max) + "]: '" + std::string(text) + "'");
    }
    return value;
}

// Throws std::invalid_argument for anything it cannot make sense of.
Config parse_command_line(int argc, char** argv) {
    Config config;
    config.server.address = "127.0.0.1";
    bool have_port = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            config.help = true;
            return config;
        }
        if (flag == "--quiet") {
            config.quiet = true;
            continue;
        }
        if (i + 1 >= argc) throw std::invalid_argument(std::string(flag) + " needs a value");
        const std::string_view value = argv[++i];
        if (flag == "--port") {
            config.server.port = static_cast<std::uint16_t>(parse_number(flag, value, 65535));
            have_port = true;
        } else if (flag == "--address") {
            config.server.address = value;
        } else if (flag == "--tls-cert") {
            config.server.tls_certificate_file = value;
        } else if (flag == "--tls-key") {
            config.server.tls_private_key_file = value;
        } else if (flag == "--poll-yields") {
            config.poll_yields = static_cast<int>(parse_number(flag, value, 1000000));
        } else if (flag == "--poll-sleep-us") {
            config.poll_sleep = std::chrono::microseconds(parse_number(flag, value, 1000000));
        } else if (flag == "--ping-ms") {
            config.server.ping_interval = std::chrono::milliseconds(parse_number(flag, value, 3600000));
        } else if (flag == "--max-connections") {
            config.server.max_connections = parse_number(flag, value, 1000000);
        } else if (flag == "--max-per-ip") {
            config.server.max_connections_per_ip = parse_number(flag, value, 1000000);
        } else if (flag == "--max-message-size") {
            config.server.max_message_size = parse_number(flag, value, std::size_t{1} << 40);
        } else {
            throw std::invalid_argument("unknown option " + std::string(flag));
        }
    }
    if (!have_port) throw std::invalid_argument("--port is required (0 picks a free port)");
    if (config.server.tls_certificate_file.empty() != config.server.tls_private_key_file.empty()) {
        throw std::invalid_argument("--tls-cert and --tls-key go together");
    }
    return config;
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
    EchoLoop(net::Server& server, std::size_t send_queue_capacity, bool quiet, std::chrono::microseconds poll_sleep,
             int poll_yields)
        : server_(server),
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
            if (!pump()) std::this_thread::sleep_for(kLongIdleSleep);
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
    try {
        config = parse_command_line(argc, argv);
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "tickwire-echo: %s\n\n%.*s", e.what(), static_cast<int>(kUsage.size()),
                     kUsage.data());
        return 2;
    }
    if (config.help) {
        std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
        return 0;
    }
    install_signal_handlers();

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
    EchoLoop loop(server, config.server.send_queue_capacity, config.quiet, config.poll_sleep, config.poll_yields);
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
