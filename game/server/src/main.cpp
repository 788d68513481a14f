// tickwire-server: the authoritative arena match server.
//
//   tickwire-server [--port 7777] [--address 0.0.0.0] [--tick-rate 60] [--snapshot-rate 30]
//                   [--max-players 32] [--max-rooms 64] [--no-create] [--room CODE]...
//                   [--max-connections N] [--max-per-ip 256] [--handshake-timeout-ms 5000]
//                   [--no-session] [--session-grace-ms 30000]
//                   [--tls-cert cert.pem --tls-key key.pem] [--log-level info]
//                   [--status-interval 5] [--duration S]
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>

#include "tickwire/engine/game_loop.hpp"
#include "tickwire/game/cli.hpp"
#include "tickwire/engine/rolling_stats.hpp"
#include "tickwire/game/server/match_server.hpp"

namespace {

tickwire::engine::GameLoop* g_loop = nullptr;

extern "C" void on_signal(int) {
    if (g_loop != nullptr) g_loop->request_stop();  // an atomic store: signal-safe
}

void usage(std::FILE* out) {
    std::fputs(
        "usage: tickwire-server [options]\n"
        "  --port N             TCP port (default 7777; 0 picks one)\n"
        "  --address A          bind address (default 0.0.0.0)\n"
        "  --tick-rate HZ       simulation rate (default 60)\n"
        "  --snapshot-rate HZ   snapshots per second per client (default 30)\n"
        "  --max-players N      per room, 1..32 (default 32)\n"
        "  --max-rooms N        (default 64)\n"
        "  --no-create          refuse unknown room codes (and /room/auto with no space)\n"
        "  --room CODE          a room that exists from the start, kept while empty (repeatable)\n"
        "  --max-connections N  open WebSockets; more get HTTP 503 (default max-rooms x max-players + 16)\n"
        "  --max-per-ip N       sockets one IP address may hold; more are closed (default 256)\n"
        "  --handshake-timeout-ms MS  whole deadline from accept to upgrade request; then 408 (default 5000)\n"
        "  --no-session         plain WebSocket: no resume after a dropped connection (clients\n"
        "                       must then use --no-session too)\n"
        "  --session-grace-ms MS  how long a dropped client's player waits for it (default 30000)\n"
        "  --tls-cert FILE      PEM certificate; with --tls-key serves wss://\n"
        "  --tls-key FILE       PEM private key\n"
        "  --log-level L        error | warn | info | debug (default info)\n"
        "  --status-interval S  seconds between status lines (default 5; 0 = none)\n"
        "  --duration S         stop after S seconds (default: until Ctrl-C)\n"
        "Rooms: ws://HOST:PORT/room/CODE joins or creates CODE; /room/auto joins the\n"
        "fullest room with space. GET http://HOST:PORT/rooms lists rooms as JSON.\n",
        out);
}


}  // namespace

int main(int argc, char** argv) {
    using namespace tickwire::game::server;
    ServerConfig config;
    double status_interval = 5, duration = 0;
    try {
        for (tickwire::game::cli::Args args(argc, argv); args.next();) {
            if (args.is("--help") || args.is("-h")) {
                usage(stdout);
                return 0;
            } else if (args.is("--port")) {
                config.port = args.number<std::uint16_t>(0, 65535);
            } else if (args.is("--address")) {
                config.address = args.value();
            } else if (args.is("--tick-rate")) {
                config.tick_rate = args.number(1, 240);
            } else if (args.is("--snapshot-rate")) {
                config.snapshot_rate = args.number(1, 240);
            } else if (args.is("--max-players")) {
                config.max_players = args.number(1, 32);
            } else if (args.is("--max-rooms")) {
                config.max_rooms = args.number(1, 10000);
            } else if (args.is("--no-create")) {
                config.allow_create = false;
            } else if (args.is("--room")) {
                config.rooms.emplace_back(args.value());
            } else if (args.is("--max-connections")) {
                config.max_connections = args.number<std::size_t>(1, 1000000);
            } else if (args.is("--max-per-ip")) {
                config.max_connections_per_ip = args.number<std::size_t>(1, 1000000);
            } else if (args.is("--handshake-timeout-ms")) {
                config.handshake_timeout = std::chrono::milliseconds(args.number(1, 600000));
            } else if (args.is("--no-session")) {
                config.session = false;
            } else if (args.is("--session-grace-ms")) {
                config.session_grace = std::chrono::milliseconds(args.number(0, 3600000));
            } else if (args.is("--tls-cert")) {
                config.tls_certificate_file = args.value();
            } else if (args.is("--tls-key")) {
                config.tls_private_key_file = args.value();
            } else if (args.is("--log-level")) {
                const std::string v = args.value();
                if (!parse_log_level(v, config.log_level)) throw std::invalid_argument("--log-level: " + v);
            } else if (args.is("--status-interval")) {
                status_interval = args.number(0, 3600);
            } else if (args.is("--duration")) {
                duration = args.number(0, 1000000);
            } else {
                args.unknown();
            }
        }
        if (config.snapshot_rate > config.tick_rate) throw std::invalid_argument("--snapshot-rate above --tick-rate");
        if (config.tls_certificate_file.empty() != config.tls_private_key_file.empty()) {
            throw std::invalid_argument("--tls-cert and --tls-key go together");
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tickwire-server: %s\n", e.what());
        usage(stderr);
        return 2;
    }

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
