#include "match_mode.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "latency_histogram.hpp"
#include "server_window.hpp"
#include "tickwire/game/bot.hpp"
#include "tickwire/net/network_thread.hpp"

namespace tickwire::load {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Between ticks the bots' streams are drained this often, so a snapshot's
// arrival is timed to about this (not to a whole tick).
constexpr auto kPollInterval = 1ms;
constexpr auto kJoinTimeout = 20s;

struct Arrivals {
    std::uint64_t seen = 0;
    Clock::time_point last{};
};

}  // namespace

bool run_match(const LoadOptions& options, Report& report) {
    using namespace tickwire::game;
    auto network = tickwire::net::NetworkThread::create();
    // With a matchmaking URL every bot asks it first, through one HTTP thread.
    auto desk = fleet::is_matchmaking_url(options.url) ? std::make_shared<MatchmakingDesk>() : nullptr;
    std::vector<std::unique_ptr<Bot>> bots;
    bots.reserve(options.connections);
    for (std::size_t i = 0; i < options.connections; ++i) {
        ClientConfig config;
        config.url = options.url;
        config.name = "load-" + std::to_string(i + 1);
        config.tick_rate = options.tick_rate;
        config.network_thread = network;
        bots.push_back(std::make_unique<Bot>(std::move(config), static_cast<std::uint32_t>(7919 * (i + 1)), desk));
    }
    std::vector<Arrivals> arrivals(bots.size());
    LatencyHistogram gaps;
    double gap_sum = 0, gap_sum_sq = 0;
    std::uint64_t snapshots_in_window = 0;
    ServerWindow server(options.server_pid, options.port, options.status_url);
    std::optional<ProcSample> self_start, self_end;
    const bool tty = isatty(STDERR_FILENO) != 0;

    const auto tick = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / options.tick_rate));
    const auto started = Clock::now();
    Clock::time_point measure_start = Clock::time_point::max(), measure_end = Clock::time_point::max();
    auto next_tick = started;
    auto next_progress = started + 1s;
    std::size_t joined = 0;
    bool measuring = false, done = false;
    std::uint64_t progress_snapshots = 0;
    std::size_t ticks = 0;

    while (!done) {
        const auto now = Clock::now();
        // Drain every stream; time each new snapshot's arrival.
        std::uint64_t total = 0;
        for (std::size_t i = 0; i < bots.size(); ++i) {
            FleetClient& core = bots[i]->core();
            core.network_in();
            const std::uint64_t n = core.snapshots_received();
            total += n;
            Arrivals& a = arrivals[i];
            if (n != a.seen) {
                if (measuring && a.last != Clock::time_point{}) {
                    const auto gap = std::chrono::duration_cast<std::chrono::nanoseconds>(now - a.last).count();
                    gaps.record(gap);
                    const double ms = static_cast<double>(gap) / 1e6;
                    gap_sum += ms;
                    gap_sum_sq += ms * ms;
                    // Several in one poll: the rest arrived with no gap at all.
                    for (std::uint64_t k = a.seen + 1; k < n; ++k) gaps.record(0);
                }
                if (measuring) snapshots_in_window += n - a.seen;
                a.seen = n;
                a.last = now;
            }
        }
        if (now >= next_tick) {
            // Re-planning reads the whole interpolated view (the costliest part
            // of a bot): staggered, every think_every ticks. Input goes out
            // every tick regardless, as a player's would.
            const auto every = static_cast<std::size_t>(options.think_every);
            for (std::size_t i = 0; i < bots.size(); ++i) {
                if ((ticks + i) % every == 0) bots[i]->think();
                bots[i]->core().step();
                bots[i]->core().network_out();
            }
            ++ticks;
            next_tick += tick;
            if (now - next_tick > 250ms) next_tick = now;  // fell far behind: do not spiral
        }
        if (measure_start == Clock::time_point::max()) {
            joined = static_cast<std::size_t>(std::count_if(bots.begin(), bots.end(), [](const auto& b) {
                return b->core().status() == ConnectionStatus::joined;
            }));
            if (joined == bots.size() || now - started > kJoinTimeout) {
                measure_start = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.warmup_s));
                measure_end = measure_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.duration_s));
            }
        } else if (!measuring && now >= measure_start) {
            measuring = true;
            server.begin();
            self_start = sample_process(0);
        } else if (measuring && now >= measure_end) {
            self_end = sample_process(0);
            server.end();
            done = true;
        }
        if (options.progress && now >= next_progress) {
            const char* phase = measure_start == Clock::time_point::max() ? "joining" : measuring ? "measuring" : "warm-up";
            std::size_t in = 0;
            for (const auto& b : bots) in += b->core().status() == ConnectionStatus::joined ? 1 : 0;
            std::fprintf(stderr, "%s%-10s joined %zu/%zu  snapshots %.0f/s per bot%s", tty ? "\r" : "", phase, in,
                         bots.size(), static_cast<double>(total - progress_snapshots) / static_cast<double>(bots.size()),
                         tty ? "   " : "\n");
            std::fflush(stderr);
            progress_snapshots = total;
            next_progress += 1s;
        }
        std::this_thread::sleep_until(std::min(next_tick, Clock::now() + kPollInterval));
    }
    if (options.progress && tty) std::fputs("\n", stderr);

    std::size_t still_joined = 0;
    for (const auto& b : bots) still_joined += b->core().status() == ConnectionStatus::joined ? 1 : 0;
    // Leave cleanly (bounded).
    for (auto& b : bots) b->core().close();
    for (int i = 0; i < 200; ++i) {
        bool all = true;
        for (auto& b : bots) {
            b->core().network_in();
            all = all && b->core().finished();
        }
        if (all) break;
        std::this_thread::sleep_for(10ms);
    }

    Report& r = report;
    r.add_text("mode", "match");
    if (!options.label.empty()) r.add_text("label", options.label);
    r.add("bots", static_cast<double>(bots.size()));
    r.add("joined", static_cast<double>(joined));
    r.add("joined_at_end", static_cast<double>(still_joined));
    r.add("duration_s", options.duration_s, 1, "s");
    const double per_bot = static_cast<double>(snapshots_in_window) / static_cast<double>(std::max<std::size_t>(1, still_joined)) / options.duration_s;
    r.add("snapshot_rate_hz", per_bot, 1, "Hz per bot");
    const auto ms = [](std::int64_t ns) { return static_cast<double>(ns) / 1e6; };
    r.add("snapshot_gap_p50_ms", ms(gaps.quantile(0.5)), 2, "ms");
    r.add("snapshot_gap_p99_ms", ms(gaps.quantile(0.99)), 2, "ms");
    r.add("snapshot_gap_max_ms", ms(gaps.max()), 2, "ms");
    if (gaps.count() > 1) {
        const double n = static_cast<double>(gaps.count());
        const double mean = gap_sum / n;
        r.add("snapshot_jitter_ms", std::sqrt(std::max(0.0, gap_sum_sq / n - mean * mean)), 2, "ms (std dev of gaps)");
    }
    if (self_start && self_end) {
        const double span = self_end->wall_s - self_start->wall_s;
        r.add("self_cpu_pct", (self_end->user_s + self_end->system_s - self_start->user_s - self_start->system_s) / span * 100, 1, "% of a core");
    }
    server.report(r, std::max<std::size_t>(1, still_joined));
    return joined > 0;
}

}  // namespace tickwire::load
