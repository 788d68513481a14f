// tickwire-bots: N headless players in one process — N ClientCores on one
// shared network thread, stepped by one headless GameLoop. They wander, avoid
// walls, aim at the nearest enemy, fire, and chat now and then; one line of
// totals per second. Used to fill a demo match and to load-test the server.
//
// URL is a server's ws://HOST:PORT/room/CODE, or a matchmaking URL
// (http://HOST:PORT/match/auto or /match/CODE): each bot asks it, plays where
// it is sent, and asks again if that server goes away.
//
//   tickwire-bots [URL] [--count N] [--duration S] [--seed K] [--name PREFIX] [--quiet] [--netsim SPEC]
//                [--no-session] [--input-interval TICKS]
#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tickwire/cli.hpp"
#include "tickwire/engine/game_loop.hpp"
#include "tickwire/game/bot.hpp"
#include "tickwire/game/client_core.hpp"
#include "tickwire/net/netsim.hpp"
#include "tickwire/net/network_thread.hpp"

namespace {

using namespace tickwire::game;

tickwire::engine::GameLoop* g_loop = nullptr;
extern "C" void on_signal(int) {
    if (g_loop != nullptr) g_loop->request_stop();
}


}  // namespace

int main(int argc, char** argv) {
    std::string url = "ws://127.0.0.1:7777/room/auto", prefix = "bot";
    int count = 3, duration = 0, seed = 1, tick_rate = 60, input_interval = 1;
    bool quiet = false;
    bool session = true;
    bool network_on_game_thread = false;
    tickwire::net::NetSimOptions netsim;
    std::string netsim_spec;
    CLI::App app{"N headless players in one process: they wander, aim, fire and chat.", "tickwire-bots"};
    app.add_option("url", url, "ws://HOST:PORT/room/CODE, or matchmaking: http://HOST:PORT/match/auto")
        ->capture_default_str();
    app.add_option("--count", count, "bots")->check(CLI::Range(1, 1000))->capture_default_str();
    app.add_option("--duration", duration, "seconds (0: until Ctrl-C)")->check(CLI::Range(0, 1000000));
    app.add_option("--seed", seed, "of the bots' choices")->check(CLI::Range(0, 1 << 30))->capture_default_str();
    app.add_option("--name", prefix, "name prefix")->capture_default_str();
    app.add_option("--tick-rate", tick_rate, "Hz (must match the server's)")
        ->check(CLI::Range(1, 240))
        ->capture_default_str();
    app.add_option("--netsim", netsim_spec,
                   "simulate a bad network per bot, e.g. latency=100ms,jitter=20ms,stall=1%,seed=7 "
                   "(also bandwidth=64kB, stall_time=250ms, disconnect=0.1%, max_disconnects=N)");
    app.add_flag_callback("--no-session", [&] { session = false; },
                          "for a server run with --no-session (plain WebSocket, no resume)");
    app.add_option("--input-interval", input_interval,
                   "send input every this many ticks, the frames sampled since in one message")
        ->check(CLI::Range(1, tickwire::game::ClientConfig::kMaxInputSendInterval))
        ->capture_default_str();
    app.add_flag("--quiet", quiet, "no line of totals per second");
    app.add_flag("--network-on-game-thread", network_on_game_thread,
                 "serve the bots' sockets on their game thread between ticks, not on a network thread "
                 "(one thread in all)");
    const auto check = [&] {
        const auto parsed = tickwire::net::parse_netsim(netsim_spec);
        if (!parsed) throw std::invalid_argument(parsed.error);
        netsim = parsed.options;
    };
    if (const auto exit = tickwire::cli::parse(app, argc, argv, check)) return *exit;

    auto thread = tickwire::net::NetworkThread::create({.run_on_caller = network_on_game_thread});
    // The loop's wait, and the close's: serve the sockets if they are ours to serve.
    const auto wait_until = [&thread](std::chrono::steady_clock::time_point deadline) {
        if (!thread->run_until(deadline)) tickwire::engine::sleep_until_precise(deadline);
    };
    // One matchmaking HTTP thread for every bot (when the URL asks matchmaking).
    auto desk = tickwire::game::fleet::is_matchmaking_url(url) ? std::make_shared<MatchmakingDesk>() : nullptr;
    std::vector<std::unique_ptr<Bot>> bots;
    for (int i = 0; i < count; ++i) {
        ClientConfig config;
        config.url = url;
        config.name = prefix + "-" + std::to_string(i + 1);
        config.tick_rate = tick_rate;
        config.network_thread = thread;
        config.session = session;
        config.input_send_interval = input_interval;
        config.netsim = netsim;
        config.netsim.seed = netsim.seed + static_cast<std::uint64_t>(i);  // each bot its own weather
        bots.push_back(std::make_unique<Bot>(std::move(config), static_cast<std::uint32_t>(seed * 7919 + i), desk));
    }

    tickwire::engine::GameLoop* loop_ptr = nullptr;
    tickwire::engine::GameLoopHooks hooks;
    hooks.network_in = [&] {
        for (auto& b : bots) b->core().network_in();
    };
    hooks.step = [&](std::uint64_t tick, double) {
        for (auto& b : bots) {
            b->think();
            b->core().step();
        }
        if (tick % static_cast<std::uint64_t>(tick_rate) == 0) {
            int joined = 0, closed = 0, rematches = 0;
            double in = 0, out = 0, snaps = 0, rtt = 0, corr = 0, lead = 0;
            double slowest = 1e9;  // the bot receiving the fewest snapshots: is everyone served?
            std::string waiting;   // why the first bot not playing is not
            for (auto& b : bots) {
                const ClientView& v = b->core().view(0);
                if (v.status == ConnectionStatus::joined) ++joined;
                else if (waiting.empty()) waiting = " waiting: " + v.status_text;
                if (v.status == ConnectionStatus::closed) ++closed;
                rematches += static_cast<int>(b->core().rematches());
                in += v.net.bytes_in_per_s;
                out += v.net.bytes_out_per_s;
                snaps += v.net.snapshot_rate_hz;
                slowest = std::min(slowest, static_cast<double>(v.net.snapshot_rate_hz));
                rtt += v.net.rtt_ms;
                corr += v.net.corrections_per_s;
                lead += v.net.input_lead_ticks;
            }
            if (!quiet) {
                std::printf("t=%llus bots %d joined %d closed %d in %.1f kB/s out %.1f kB/s snapshots %.0f/s "
                            "(slowest bot %.0f/s) rtt avg %.1f ms corrections %.1f/s lead %.2f rematches %d%s\n",
                            static_cast<unsigned long long>(tick / static_cast<std::uint64_t>(tick_rate)), count, joined,
                            closed, in / 1000, out / 1000, snaps, slowest, rtt / count, corr, lead / count, rematches, waiting.c_str());
                std::fflush(stdout);
            }
            if (closed == count) loop_ptr->request_stop();
        }
        if (duration > 0 && tick >= static_cast<std::uint64_t>(duration) * static_cast<std::uint64_t>(tick_rate)) {
            loop_ptr->request_stop();
        }
    };
    hooks.network_out = [&] {
        for (auto& b : bots) b->core().network_out();
    };
    auto clock = tickwire::engine::LoopClock::system();
    clock.sleep_until = wait_until;
    tickwire::engine::GameLoop loop({.tick_rate_hz = tick_rate, .headless = true}, std::move(hooks), std::move(clock));
    loop_ptr = &loop;
    g_loop = &loop;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    loop.run();
    g_loop = nullptr;
    // Leave cleanly: close every channel, wait (bounded) for the closes.
    for (auto& b : bots) b->core().close();
    for (int i = 0; i < 100; ++i) {
        bool all = true;
        for (auto& b : bots) {
            b->core().network_in();
            all = all && b->core().finished();
        }
        if (all) break;
        wait_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(10));
    }
    return 0;
}
