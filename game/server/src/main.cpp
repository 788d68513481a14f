// tickwire-server: the authoritative arena match server.
//
//   tickwire-server [--port 7777] [--address 0.0.0.0] [--tick-rate 60] [--snapshot-rate 30]
//                   [--max-players 32] [--max-rooms 64] [--no-create] [--room CODE]...
//                   [--max-connections N] [--max-per-ip 256] [--handshake-timeout-ms 5000]
//                   [--no-session] [--session-grace-ms 30000]
//                   [--tls-cert cert.pem --tls-key key.pem] [--web-root DIR] [--log-level info]
//                   [--status-interval 5] [--duration S]
#include <chrono>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "tickwire/cli.hpp"
#include "tickwire/engine/game_loop.hpp"
#include "tickwire/engine/rolling_stats.hpp"
#include "tickwire/game/server/match_server.hpp"

namespace {

tickwire::engine::GameLoop* g_loop = nullptr;

extern "C" void on_signal(int) {
    if (g_loop != nullptr) g_loop->request_stop();  // an atomic store: signal-safe
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tickwire::game::server;
    ServerConfig config;
    int status_interval = 5, duration = 0;
    int handshake_timeout_ms = static_cast<int>(config.handshake_timeout.count());
    int session_grace_ms = static_cast<int>(config.session_grace.count());
    int max_rewind_ms = static_cast<int>(config.max_rewind.count());
    std::string log_level = to_string(config.log_level);
    CLI::App app{"The authoritative arena match server.", "tickwire-server"};
    app.add_option("--port", config.port, "TCP port (0 picks one)")->capture_default_str();
    app.add_option("--address", config.address, "bind address")->capture_default_str();
    app.add_option("--tick-rate", config.tick_rate, "simulation rate, Hz")->check(CLI::Range(1, 240))->capture_default_str();
    app.add_option("--snapshot-rate", config.snapshot_rate, "snapshots per second per client")
        ->check(CLI::Range(1, 240))
        ->capture_default_str();
    app.add_option("--max-players", config.max_players, "per room")->check(CLI::Range(1, 32))->capture_default_str();
    app.add_option("--max-rooms", config.max_rooms)->check(CLI::Range(1, 10000))->capture_default_str();
    app.add_flag_callback("--no-create", [&] { config.allow_create = false; },
                          "refuse unknown room codes (and /room/auto with no space)");
    app.add_option("--room", config.rooms, "a room that exists from the start, kept while empty (repeatable)");
    app.add_option("--max-connections", config.max_connections,
                   "open WebSockets; more get HTTP 503 (default max-rooms x max-players + 16)")
        ->check(CLI::Range(1, 1000000));
    app.add_option("--max-per-ip", config.max_connections_per_ip, "sockets one IP address may hold; more are closed")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();
    app.add_option("--handshake-timeout-ms", handshake_timeout_ms,
                   "whole deadline from accept to upgrade request; then 408")
        ->check(CLI::Range(1, 600000))
        ->capture_default_str();
    app.add_flag_callback("--no-session", [&] { config.session = false; },
                          "plain WebSocket: no resume after a dropped connection (clients must then use "
                          "--no-session too)");
    app.add_option("--session-grace-ms", session_grace_ms, "how long a dropped client's player waits for it")
        ->check(CLI::Range(0, 3600000))
        ->capture_default_str();
    app.add_flag_callback("--fifo-inputs", [&] { config.inputs_on_time = false; },
                          "the old fixed input buffer: frames first in first out, one a tick, 8 at most, no "
                          "lead reported to clients (for comparisons)");
    app.add_flag_callback("--no-lag-compensation", [&] { config.lag_compensation = false; },
                          "judge every shot in the present, not where its shooter saw the target");
    app.add_option("--max-rewind-ms", max_rewind_ms,
                   "lag compensation's cap on the round trip a shot is compensated for (the shooter's "
                   "interpolation delay, up to 100 ms, comes on top)")
        ->check(CLI::Range(0, 500))
        ->capture_default_str();
    app.add_flag("--max-rewind-includes-interpolation", config.max_rewind_includes_interpolation,
                 "make --max-rewind-ms the bound of the whole rewind, interpolation delay included");
    app.add_option("--tls-cert", config.tls_certificate_file, "PEM certificate; with --tls-key serves wss://");
    app.add_option("--tls-key", config.tls_private_key_file, "PEM private key");
    app.add_option("--web-root", config.web_root, "serve the files in DIR (the web client) on the same port")
        ->check(CLI::ExistingDirectory);
    app.add_option("--log-level", log_level, "error | warn | info | debug")
        ->check(CLI::IsMember({"error", "warn", "info", "debug"}))
        ->capture_default_str();
    app.add_option("--status-interval", status_interval, "seconds between status lines (0 = none)")
        ->check(CLI::Range(0, 3600))
        ->capture_default_str();
    app.add_option("--duration", duration, "stop after S seconds (0: until Ctrl-C)")->check(CLI::Range(0, 1000000));
    app.footer(
        "Rooms: ws://HOST:PORT/room/CODE joins or creates CODE; /room/auto joins the\n"
        "fullest room with space. GET http://HOST:PORT/rooms lists rooms as JSON.");
    const auto check = [&] {
        if (config.snapshot_rate > config.tick_rate) throw std::invalid_argument("--snapshot-rate above --tick-rate");
        if (config.tls_certificate_file.empty() != config.tls_private_key_file.empty()) {
            throw std::invalid_argument("--tls-cert and --tls-key go together");
        }
    };
    if (const auto exit = tickwire::cli::parse(app, argc, argv, check)) return *exit;
    parse_log_level(log_level, config.log_level);
    config.handshake_timeout = std::chrono::milliseconds(handshake_timeout_ms);
    config.session_grace = std::chrono::milliseconds(session_grace_ms);
    config.max_rewind = std::chrono::milliseconds(max_rewind_ms);

    std::error_code ec;
    auto server = MatchServer::start(config, ec);
    if (!server) {
        std::fprintf(stderr, "tickwire-server: cannot start on %s:%u: %s\n", config.address.c_str(), config.port,
                     ec.message().c_str());
        return 1;
    }
    std::printf("listening on %s://%s:%u (tick %d Hz, snapshots %d Hz)\n",
                config.tls_certificate_file.empty() ? "ws" : "wss", config.address.c_str(), server->port(),
                config.tick_rate, config.snapshot_rate);
    std::fflush(stdout);

    const auto status_ticks = static_cast<std::uint64_t>(status_interval * config.tick_rate);
    // The whole frame's work (network in, steps, network out: snapshot encoding
    // is in network_out), for GET /status next to the loop's step-only figure.
    tickwire::engine::RollingStats work_time(static_cast<std::size_t>(config.tick_rate) * 10);
    auto work_start = std::chrono::steady_clock::now();
    const auto publish_ticks = static_cast<std::uint64_t>(config.tick_rate);
    const auto stop_tick = static_cast<std::uint64_t>(duration * config.tick_rate);
    tickwire::engine::GameLoop* loop_ptr = nullptr;
    tickwire::engine::GameLoopHooks hooks;
    hooks.network_in = [&] {
        work_start = std::chrono::steady_clock::now();
        server->network_in();
    };
    hooks.step = [&](std::uint64_t tick, double) {
        server->step();
        if (status_ticks != 0 && tick % status_ticks == 0) {
            std::printf("%s\n", server->status_line(loop_ptr->stats().tick_time.p99).c_str());
            std::fflush(stdout);
        }
        if (tick % publish_ticks == 0) {
            const auto loop_stats = loop_ptr->stats();
            const auto work = work_time.summary();
            server->publish_status(loop_stats.tick_time.p99, loop_stats.tick_time.max, work.p99, work.max);
        }
        if (stop_tick != 0 && tick >= stop_tick) loop_ptr->request_stop();
    };
    hooks.network_out = [&] {
        server->network_out();
        work_time.add(std::chrono::steady_clock::now() - work_start);
    };
    tickwire::engine::GameLoop loop({.tick_rate_hz = config.tick_rate, .headless = true}, std::move(hooks));
    loop_ptr = &loop;
    g_loop = &loop;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    loop.run();
    g_loop = nullptr;
    server->shutdown();
    std::printf("%s\nstopped\n", server->status_line(loop.stats().tick_time.p99).c_str());
    return 0;
}
