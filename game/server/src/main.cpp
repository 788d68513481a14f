// tickwire-server: the authoritative arena match server.
//
//   tickwire-server [--port 7777] [--address 0.0.0.0] [--tick-rate 60] [--snapshot-rate 30]
//                   [--max-players 32] [--max-rooms 64] [--no-create] [--room CODE]...
//                   [--max-connections N] [--max-per-ip 256] [--handshake-timeout-ms 5000]
//                   [--no-session] [--session-grace-ms 30000]
//                   [--tls-cert cert.pem --tls-key key.pem] [--web-root DIR] [--log-level info]
//                   [--status-interval 5] [--duration S]
//                   [--directory redis://HOST:PORT] [--public-url ws://HOST:PORT] [--fleet-secret-file F]
//                   [--process-id ID] [--require-ticket] [--drain-timeout S] [--agones]
//
// Signals: the first SIGTERM or Ctrl-C drains (no new players, the matches go
// on up to --drain-timeout, then every client is closed with 1001); a second
// one ends at once, as cleanly.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>

#include "tickwire/cli.hpp"
#include "tickwire/engine/game_loop.hpp"
#include "tickwire/engine/rolling_stats.hpp"
#include "tickwire/game/fleet/agones_client.hpp"
#include "tickwire/game/fleet/fleet_secret.hpp"
#include "tickwire/game/fleet/matchmaking.hpp"
#include "tickwire/game/server/match_server.hpp"

namespace {

tickwire::engine::GameLoop* g_loop = nullptr;
// Signals seen: the first drains (read by the loop), the second stops.
std::atomic<int> g_signals{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_signal(int) {
    // Atomic operations only: signal-safe.
    if (g_signals.fetch_add(1) >= 1 && g_loop != nullptr) g_loop->request_stop();
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tickwire::game::server;
    ServerConfig config;
    int status_interval = 5, duration = 0;
    int handshake_timeout_ms = static_cast<int>(config.handshake_timeout.count());
    int session_grace_ms = static_cast<int>(config.session_grace.count());
    int max_rewind_ms = static_cast<int>(config.max_rewind.count());
    long long read_pace_us = config.read_pace.count();
    std::string log_level = to_string(config.log_level);
    std::string fleet_secret_file;
    int drain_timeout = 30;
    bool agones = false;
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
    app.add_flag("--network-on-game-thread", config.network_on_game_thread,
                 "serve the sockets on the game thread between ticks, not on a network thread (one "
                 "thread in all; on the demo's match it saved no CPU measurably)");
    app.add_option("--read-pace-us", read_pace_us,
                   "while players keep sending, read their sockets once per this many microseconds, not "
                   "at every message (0: at every message); fewer network-thread wake-ups")
        ->check(CLI::Range(0, 16000))
        ->capture_default_str();
    app.add_flag_callback("--no-piggyback-acks", [&] { config.piggyback_acks = false; },
                          "ACK every second input in a segment of its own, as Linux does when a read "
                          "empties the socket, instead of on the next snapshot (to compare)");
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
    app.add_option("--directory", config.directory_url,
                   "redis://HOST:PORT: share rooms with the other servers of a fleet (docs/scaling.md)");
    app.add_option("--public-url", config.public_url,
                   "ws://HOST:PORT players reach this server at (default: ws://ADDRESS:PORT as bound)");
    app.add_option("--fleet-secret-file", fleet_secret_file,
                   "the key seat tickets are signed with, the same for the whole fleet (16+ bytes)");
    app.add_option("--process-id", config.process_id, "this server's id in the fleet (default: hostname-random)");
    app.add_flag("--require-ticket", config.require_ticket, "refuse joins that did not come through /match");
    app.add_option("--drain-timeout", drain_timeout,
                   "seconds matches may go on after SIGTERM before every client is closed (1001)")
        ->check(CLI::Range(0, 86400))
        ->capture_default_str();
    app.add_flag("--agones", agones, "run as an Agones GameServer: Ready, Health and Shutdown through the SDK sidecar");
    app.footer(
        "Rooms: ws://HOST:PORT/room/CODE joins or creates CODE; /room/auto joins the\n"
        "fullest room with space. GET http://HOST:PORT/rooms lists rooms as JSON,\n"
        "/rooms?all=1 the fleet's; /match/auto and /match/CODE answer where to play\n"
        "(URL and seat ticket); /metrics (Prometheus), /healthz, /status.");
    const auto check = [&] {
        if (config.snapshot_rate > config.tick_rate) throw std::invalid_argument("--snapshot-rate above --tick-rate");
        if (config.tls_certificate_file.empty() != config.tls_private_key_file.empty()) {
            throw std::invalid_argument("--tls-cert and --tls-key go together");
        }
        if (!fleet_secret_file.empty()) {
            const auto secret = tickwire::game::fleet::read_fleet_secret(fleet_secret_file);
            if (!secret.ok()) throw std::invalid_argument("--fleet-secret-file: " + secret.error);
            config.fleet_secret = secret.key;
        } else if (!config.directory_url.empty()) {
            throw std::invalid_argument("--directory needs --fleet-secret-file: the fleet's servers check each "
                                        "other's seat tickets");
        }
    };
    if (const auto exit = tickwire::cli::parse(app, argc, argv, check)) return *exit;
    parse_log_level(log_level, config.log_level);
    config.handshake_timeout = std::chrono::milliseconds(handshake_timeout_ms);
    config.session_grace = std::chrono::milliseconds(session_grace_ms);
    config.max_rewind = std::chrono::milliseconds(max_rewind_ms);
    config.read_pace = std::chrono::microseconds(read_pace_us);

    // Agones: Ready once listening, Health every second from the loop (a
    // stuck loop stops them), Shutdown after the drain. The calls never block
    // the loop; only this start-up question (where players reach us) waits.
    std::unique_ptr<tickwire::game::fleet::AgonesClient> agones_sdk;
    if (agones) {
        agones_sdk = std::make_unique<tickwire::game::fleet::AgonesClient>();
        if (config.public_url.empty() && agones_sdk->game_server("game")) {
            tickwire::game::fleet::AgonesResult where;
            for (int i = 0; i < 500 && !agones_sdk->poll(where); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            if (where.ok)
                config.public_url = tickwire::game::fleet::public_ws_url(where.address, where.port,
                                                                         !config.tls_certificate_file.empty());
            else std::fprintf(stderr, "agones: GET /gameserver failed (%s); advertising the bound address\n",
                              where.error.c_str());
        }
    }

    std::error_code ec;
    std::unique_ptr<MatchServer> server;
    try {
        server = MatchServer::start(config, ec);
    } catch (const std::exception& e) {  // a bad --directory URL: start-up configuration
        std::fprintf(stderr, "tickwire-server: %s\n", e.what());
        return 2;
    }
    if (!server) {
        std::fprintf(stderr, "tickwire-server: cannot start on %s:%u: %s\n", config.address.c_str(), config.port,
                     ec.message().c_str());
        return 1;
    }
    std::printf("listening on %s://%s:%u (tick %d Hz, snapshots %d Hz) as process %s\n",
                config.tls_certificate_file.empty() ? "ws" : "wss", config.address.c_str(), server->port(),
                config.tick_rate, config.snapshot_rate, server->process_id().c_str());
    std::fflush(stdout);
    if (agones_sdk) agones_sdk->ready();
    std::string agones_error;  // logged once per change
    const auto agones_poll = [&] {
        tickwire::game::fleet::AgonesResult result;
        while (agones_sdk && agones_sdk->poll(result)) {
            if (result.ok == agones_error.empty()) continue;
            agones_error = result.ok ? std::string() : result.error;
            std::fprintf(stderr, "agones: %s %s\n", std::string(to_string(result.call)).c_str(),
                         result.ok ? "answered again" : ("failed: " + result.error).c_str());
        }
    };

    const auto status_ticks = static_cast<std::uint64_t>(status_interval * config.tick_rate);
    // The whole frame's work (network in, steps, network out: snapshot encoding
    // is in network_out), for GET /status next to the loop's step-only figure.
    tickwire::engine::RollingStats work_time(static_cast<std::size_t>(config.tick_rate) * 10);
    auto work_start = std::chrono::steady_clock::now();
    const auto publish_ticks = static_cast<std::uint64_t>(config.tick_rate);
    const auto stop_tick = static_cast<std::uint64_t>(duration * config.tick_rate);
    const auto drain_ticks = static_cast<std::uint64_t>(drain_timeout) * static_cast<std::uint64_t>(config.tick_rate);
    std::uint64_t drain_started = 0;  // tick; 0 = not draining
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
        if (drain_started == 0 && g_signals.load() >= 1) {
            drain_started = tick;
            server->drain();
            std::printf("draining: up to %d s for the matches to end\n", drain_timeout);
            std::fflush(stdout);
        }
        // Drained: time is up, or every player has left.
        if (drain_started != 0 && (tick - drain_started >= drain_ticks || server->stats().players == 0))
            loop_ptr->request_stop();
        if (agones_sdk && tick % publish_ticks == 0) agones_sdk->health();
        agones_poll();
    };
    hooks.network_out = [&] {
        server->network_out();
        work_time.add(std::chrono::steady_clock::now() - work_start);
    };
    auto clock = tickwire::engine::LoopClock::system();
    clock.sleep_until = [&server, sleep = std::move(clock.sleep_until)](auto deadline) {
        if (!server->serve_network_until(deadline)) sleep(deadline);
    };
    tickwire::engine::GameLoop loop({.tick_rate_hz = config.tick_rate, .headless = true}, std::move(hooks),
                                    std::move(clock));
    loop_ptr = &loop;
    g_loop = &loop;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    loop.run();
    g_loop = nullptr;
    server->shutdown();
    if (agones_sdk && agones_sdk->shutdown()) {
        // Tell the sidecar before exiting (bounded: a missing sidecar does not hold the exit).
        tickwire::game::fleet::AgonesResult result;
        for (int i = 0; i < 200; ++i) {
            if (agones_sdk->poll(result) && result.call == tickwire::game::fleet::AgonesCall::shutdown) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    std::printf("%s\nstopped\n", server->status_line(loop.stats().tick_time.p99).c_str());
    std::fflush(stdout);
    // Deregisters from the directory and lets net send the 1001 closes (bounded).
    server.reset();
    return 0;
}
