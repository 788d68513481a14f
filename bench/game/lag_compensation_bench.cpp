// tickwire-lag-compensation-bench: what lag compensation costs a tick. 32
// players in one room, every one firing as fast as the sim allows (a shot
// each 10 ticks, ~50 projectiles in flight), each frame through the match
// server's InputQueue and feed_input into sim::World::step, every shot
// rewound by the 250 ms cap, against the same with compensation off.
// Prints the step's p50 / p99 / max per tick.
//
//   tickwire-lag-compensation-bench [--ticks N] [--players N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "feed_input.hpp"
#include "tickwire/cli.hpp"

namespace {

using namespace tickwire::game;
using Clock = std::chrono::steady_clock;

struct Figures {
    double p50_us = 0, p99_us = 0, max_us = 0;
    std::uint64_t shots = 0, hits = 0, rewound = 0;
};

Figures run(int players, int ticks, bool compensate) {
    sim::World world;
    std::vector<server::InputQueue> queues(static_cast<std::size_t>(players));
    for (int p = 1; p <= players; ++p) world.add_player(static_cast<std::uint32_t>(p));
    const server::LagCompensation lag({.enabled = compensate});
    server::InputFigures input_figures(60);
    std::vector<protocol::Frame> frame(1);
    std::vector<double> took;
    took.reserve(static_cast<std::size_t>(ticks));
    Figures f;
    for (std::uint32_t tick = 1; tick <= static_cast<std::uint32_t>(ticks); ++tick) {
        // The network side (queueing) is not the tick's work; feeding and stepping are.
        for (int p = 1; p <= players; ++p) {
            const auto id = static_cast<std::uint32_t>(p);
            frame[0] = protocol::Frame(tick, tick, Buttons::Fire, static_cast<std::uint16_t>(id * 2039 + tick * 97),
                                       static_cast<std::int8_t>((id * 37 + tick) % 255 - 127),
                                       static_cast<std::int8_t>((id * 91 + tick / 7) % 255 - 127));
            queues[id - 1].push(frame, tick, {std::uint64_t{tick > 20 ? tick - 20 : 1} * 256, lag.max_rewind_q8()});
        }
        const auto start = Clock::now();
        input_figures.start_tick(tick);
        for (int p = 1; p <= players; ++p) {
            const auto id = static_cast<std::uint32_t>(p);
            server::feed_input(queues[id - 1], world, id, tick, lag, input_figures);
        }
        world.step();
        took.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        f.shots += world.shots_fired();
        for (const sim::Hit& h : world.hits()) {
            ++f.hits;
            f.rewound += h.rewind_q8 != 0 ? 1 : 0;
        }
    }
    std::sort(took.begin(), took.end());
    f.p50_us = took[took.size() / 2];
    f.p99_us = took[took.size() * 99 / 100];
    f.max_us = took.back();
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    int ticks = 36000, players = 32;
    CLI::App app{"What lag compensation costs a tick: 32 players firing, every shot rewound 250 ms.",
                 "tickwire-lag-compensation-bench"};
    app.add_option("--ticks", ticks, "ticks per run (600 = 10 s)")->check(CLI::Range(100, 10000000))->capture_default_str();
    app.add_option("--players", players, "in the room, all firing")->check(CLI::Range(2, 32))->capture_default_str();
    if (const auto exit = tickwire::cli::parse(app, argc, argv)) return *exit;

    std::printf("%d players firing, %d ticks; input queue + feed_input + World::step per tick\n", players, ticks);
    std::printf("%-22s %9s %9s %9s %8s %8s %9s\n", "", "p50 us", "p99 us", "max us", "shots", "hits", "rewound");
    for (const bool compensate : {false, true}) {
        const Figures f = run(players, ticks, compensate);
        std::printf("%-22s %9.1f %9.1f %9.1f %8llu %8llu %9llu\n", compensate ? "lag compensation" : "present only",
                    f.p50_us, f.p99_us, f.max_us, static_cast<unsigned long long>(f.shots),
                    static_cast<unsigned long long>(f.hits), static_cast<unsigned long long>(f.rewound));
    }
    return 0;
}
