// loop_jitter_bench: how precisely a headless GameLoop starts its ticks.
// For each sleep mode it runs N ticks (default 600 = 10 s at 60 Hz) with a
// small simulated workload and prints the tick-start lateness (how long after
// its due time each tick began: the jitter), the step time, late ticks and
// the CPU the thread burned (the price of spinning).
//
//   tickwire_loop_jitter_bench [--ticks 600] [--rate 60] [--json]

#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "tickwire/cli.hpp"
#include "tickwire/engine/game_loop.hpp"

namespace {

using namespace tickwire::engine;
using namespace std::chrono_literals;

double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double us(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e3; }

struct Result {
    std::string name;
    LoopStats stats;
    double cpu_percent = 0;
};

Result run(const std::string& name, SleepConfig sleep, int rate, std::uint64_t ticks) {
    GameLoop* loop_ptr = nullptr;
    volatile double sink = 0;
    GameLoopHooks hooks;
    hooks.step = [&](std::uint64_t tick, double dt) {
        // ~20 us of work, like a small room's simulation step.
        double x = static_cast<double>(tick);
        for (int i = 0; i < 4000; ++i) x = std::sqrt(x + dt * i);
        sink = sink + x;
        if (tick >= ticks) loop_ptr->request_stop();
    };
    GameLoopConfig config;
    config.tick_rate_hz = rate;
    config.headless = true;
    config.stats_window = static_cast<std::size_t>(ticks);
    GameLoop loop(config, std::move(hooks), LoopClock::system(sleep));
    loop_ptr = &loop;
    const double cpu0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    loop.run();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return Result{name, loop.stats(), 100.0 * (cpu_seconds() - cpu0) / wall};
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t ticks = 600;
    int rate = 60;
    bool json = false;
    CLI::App app{"How closely each sleep mode holds a fixed tick: late ticks, jitter and CPU per mode.",
                 "tickwire_loop_jitter_bench"};
    app.add_option("--ticks", ticks, "ticks per mode")->check(CLI::Range(std::uint64_t{10}, std::uint64_t{10'000'000}))
        ->capture_default_str();
    app.add_option("--rate", rate, "tick rate, Hz")->check(CLI::Range(1, 1000))->capture_default_str();
    app.add_flag("--json", json, "print JSON instead of a table");
    if (const auto exit = tickwire::cli::parse(app, argc, argv)) return *exit;

    const std::vector<std::pair<std::string, SleepConfig>> modes = {
        {"sleep_until", {SleepMode::kSleepUntil, 0ns}},
        {"clock_nanosleep_abs (default)", {SleepMode::kAbsolute, 0ns}},
        {"hybrid_250us", {SleepMode::kHybrid, 250us}},
        {"hybrid_500us", {SleepMode::kHybrid, 500us}},
        {"hybrid_1ms", {SleepMode::kHybrid, 1ms}},
    };
    std::vector<Result> results;
    for (const auto& [name, sleep] : modes) results.push_back(run(name, sleep, rate, ticks));

    if (json) {
        std::printf("{\"rate_hz\": %d, \"ticks\": %llu, \"modes\": [\n", rate, static_cast<unsigned long long>(ticks));
        for (std::size_t i = 0; i < results.size(); ++i) {
            const auto& r = results[i];
            std::printf("  {\"mode\": \"%s\", \"lateness_us\": {\"p50\": %.1f, \"p99\": %.1f, \"max\": %.1f}, "
                        "\"step_us\": {\"p50\": %.1f, \"p99\": %.1f}, \"late_ticks\": %llu, \"cpu_percent\": %.1f}%s\n",
                        r.name.c_str(), us(r.stats.tick_lateness.p50), us(r.stats.tick_lateness.p99),
                        us(r.stats.tick_lateness.max), us(r.stats.tick_time.p50), us(r.stats.tick_time.p99),
                        static_cast<unsigned long long>(r.stats.late_ticks), r.cpu_percent,
                        i + 1 < results.size() ? "," : "");
        }
        std::printf("]}\n");
        return 0;
    }
    std::printf("headless GameLoop, %d Hz, %llu ticks per mode; tick-start lateness = start - due\n\n", rate,
                static_cast<unsigned long long>(ticks));
    std::printf("%-30s %12s %12s %12s %10s %10s %6s %6s\n", "mode", "late p50 us", "late p99 us", "late max us",
                "step p50", "step p99", "late", "cpu%");
    for (const auto& r : results) {
        std::printf("%-30s %12.1f %12.1f %12.1f %10.1f %10.1f %6llu %6.1f\n", r.name.c_str(),
                    us(r.stats.tick_lateness.p50), us(r.stats.tick_lateness.p99), us(r.stats.tick_lateness.max),
                    us(r.stats.tick_time.p50), us(r.stats.tick_time.p99),
                    static_cast<unsigned long long>(r.stats.late_ticks), r.cpu_percent);
    }
    return 0;
}
