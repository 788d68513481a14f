// tickwire-bots: N headless players in one process — N ClientCores on one
// shared network thread, stepped by one headless GameLoop. They wander, avoid
// walls, aim at the nearest enemy, fire, and chat now and then; one line of
// totals per second. Used to fill a demo match and to load-test the server.
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
    tickwire::net::NetSimOptions netsim;
    std::string netsim_spec;
    CLI::App app{"N headless players in one process: they wander, aim, fire and chat.", "tickwire-bots"};
    app.add_option("url", url, "server URL")->capture_default_str();
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
    const auto check = [&] {
        const auto parsed = tickwire::net::parse_netsim(netsim_spec);
        if (!parsed) throw std::invalid_argument(parsed.error);
        netsim = parsed.options;
    };
    if (const auto exit = tickwire::cli::parse(app, argc, argv, check)) return *exit;

    auto thread = tickwire::net::NetworkThread::create();
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
        bots.push_back(std::make_unique<Bot>(std::move(config), static_cast<std::uint32_t>(seed * 7919 + i)));
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
            int joined = 0, closed = 0;
            double in = 0, out = 0, snaps = 0, rtt = 0, corr = 0, lead = 0;
            for (auto& b : bots) {
                const ClientView& v = b->core().view(0);
                if (v.status == ConnectionStatus::joined) ++joined;
                if (v.status == ConnectionStatus::closed) ++closed;
                in += v.net.bytes_in_per_s;
                out += v.net.bytes_out_per_s;
                snaps += v.net.snapshot_rate_hz;
                rtt += v.net.rtt_ms;
                corr += v.net.corrections_per_s;
                lead += v.net.input_lead_ticks;
            }
            if (!quiet) {
                std::printf("t=%llus bots %d joined %d closed %d in %.1f kB/s out %.1f kB/s snapshots %.0f/s "
                            "rtt avg %.1f ms corrections %.1f/s lead %.2f\n",
                            static_cast<unsigned long long>(tick / static_cast<std::uint64_t>(tick_rate)), count, joined,
                            closed, in / 1000, out / 1000, snaps, rtt / count, corr, lead / count);
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
    tickwire::engine::GameLoop loop({.tick_rate_hz = tick_rate, .headless = true}, std::move(hooks));
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
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return 0;
}
