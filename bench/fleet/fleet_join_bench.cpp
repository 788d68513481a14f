// tickwire-fleet-join-bench URL [--count 30]: how long one player takes from
// "play" to its first joined frame, one player at a time, through URL: a
// ws:// server URL (connect, Hello, join) or a matchmaking URL (ask
// /match/..., then the same with the seat ticket). Prints p50, p95, max in ms.
// Figures only: it asserts nothing (bench/fleet/fleet_bench.sh runs both).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "tickwire/cli.hpp"
#include "tickwire/game/fleet_client.hpp"

int main(int argc, char** argv) {
    using namespace tickwire::game;
    using Clock = std::chrono::steady_clock;
    std::string url;
    int count = 30;
    CLI::App app{"Time to join through a URL (direct or matchmaking).", "tickwire-fleet-join-bench"};
    app.add_option("url", url, "ws://HOST:PORT/room/CODE or http://HOST:PORT/match/CODE")->required();
    app.add_option("--count", count, "players, one after the other")->check(CLI::Range(1, 10000));
    if (const auto exit = tickwire::cli::parse(app, argc, argv)) return *exit;

    auto desk = fleet::is_matchmaking_url(url) ? std::make_shared<MatchmakingDesk>() : nullptr;
    std::vector<double> ms;
    for (int i = 0; i < count; ++i) {
        ClientConfig config;
        config.url = url;
        config.name = "join-" + std::to_string(i);
        const auto start = Clock::now();
        FleetClient player(config, desk);
        // A 1 kHz loop: the figure is the network's and the server's, not a frame's.
        while (player.status() != ConnectionStatus::joined && Clock::now() - start < std::chrono::seconds(10)) {
            player.network_in();
            player.step();
            player.network_out();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        if (player.status() != ConnectionStatus::joined) {
            std::fprintf(stderr, "player %d did not join: %s\n", i, player.view(0).status_text.c_str());
            return 1;
        }
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        player.close();
        for (int n = 0; n < 1000 && !player.finished(); ++n) {
            player.network_in();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    std::sort(ms.begin(), ms.end());
    const auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * ms.size()))]; };
    std::printf("join %s: n %zu p50 %.1f ms p95 %.1f ms max %.1f ms\n", url.c_str(), ms.size(), at(0.5), at(0.95),
                ms.back());
    return 0;
}
