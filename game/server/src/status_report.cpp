#include "status_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <boost/json.hpp>

namespace tickwire::game::server {

namespace {

// Milliseconds to the microsecond: more digits would be noise.
double ms(std::chrono::nanoseconds d) { return std::round(static_cast<double>(d.count()) / 1e3) / 1e3; }

// Ticks run on a held input per tick a player ran on any input.
double held_percent(const InputTiming& t) {
    const double ticks = static_cast<double>(t.applied + t.held_ticks);
    return ticks > 0 ? 100.0 * static_cast<double>(t.held_ticks) / ticks : 0.0;
}

}  // namespace

std::string rooms_json(const Rooms& rooms, const std::function<std::string_view(net::ConnectionId)>& name_of) {
    boost::json::array list;
    for (const auto& [code, r] : rooms) {
        boost::json::array names;
        for (const net::ConnectionId member : r.members) names.emplace_back(name_of(member));
        list.push_back({{"code", code},
                        {"players", r.members.size()},
                        {"capacity", rooms.capacity()},
                        {"tick", r.world.tick()},
                        {"names", std::move(names)}});
    }
    return boost::json::serialize(list) + "\n";
}

std::string status_json(const MatchStats& s, const LoopFigures& loop) {
    const boost::json::object status{
        {"rooms", s.rooms},
        {"players", s.players},
        {"tick_p99_ms", ms(loop.tick_p99)},
        {"tick_max_ms", ms(loop.tick_max)},
        {"work_p99_ms", ms(loop.work_p99)},
        {"work_max_ms", ms(loop.work_max)},
        {"snapshots_sent", s.snapshots_sent},
        {"superseded", s.snapshots_superseded},
        {"replaced", s.snapshots_replaced},
        {"bytes_out", s.bytes_out},
        {"bytes_in", s.bytes_in},
        {"closed", s.bad_clients_closed},
        // How inputs reached the sim over the last 10 s (InputTiming).
        {"inputs_applied", s.inputs_10s.applied},
        {"inputs_merged", s.inputs_10s.merged},
        {"inputs_dropped", s.inputs_10s.dropped},
        {"inputs_held_ticks", s.inputs_10s.held_ticks},
        {"inputs_held_ticks_replaced", s.inputs_10s.held_replaced},
        {"inputs_repeated", s.inputs_10s.repeated},
        {"inputs_skipped", s.inputs_10s.skipped},
        {"input_wait_p50_ticks", s.inputs_10s.wait_p50_ticks},
        {"input_wait_p95_ticks", s.inputs_10s.wait_p95_ticks},
        // Totals: shots fired, hits, hits judged in the past.
        {"shots_fired", s.shots_fired},
        {"shots_hit", s.shots_hit},
        {"shots_hit_rewound", s.shots_hit_rewound},
        {"shot_rewind_max_ms", s.shot_rewind_max_ms},
    };
    return boost::json::serialize(status) + "\n";
}

std::string StatusLine::next(const MatchStats& s, std::chrono::nanoseconds tick_p99, Clock::time_point now) {
    const double secs = std::max(1e-3, std::chrono::duration<double>(now - last_at_).count());
    const MatchStats& p = last_;
    char buf[384];
    std::snprintf(buf, sizeof(buf),
                  "rooms %llu players %llu tick p99 %.2f ms out %.1f kB/s in %.1f kB/s snapshots %.0f/s "
                  "(%.1f B/entity) superseded %llu+%llu closed %llu resumed %llu "
                  "inputs held %.2f%% wait p95 %.0f ticks",
                  static_cast<unsigned long long>(s.rooms), static_cast<unsigned long long>(s.players),
                  std::chrono::duration<double, std::milli>(tick_p99).count(),
                  static_cast<double>(s.bytes_out - p.bytes_out) / secs / 1000.0,
                  static_cast<double>(s.bytes_in - p.bytes_in) / secs / 1000.0,
                  static_cast<double>(s.snapshots_sent - p.snapshots_sent) / secs,
                  s.entities_sent == p.entities_sent
                      ? 0.0
                      : static_cast<double>(s.snapshot_bytes - p.snapshot_bytes) /
                            static_cast<double>(s.entities_sent - p.entities_sent),
                  static_cast<unsigned long long>(s.snapshots_superseded),
                  static_cast<unsigned long long>(s.snapshots_replaced),
                  static_cast<unsigned long long>(s.bad_clients_closed),
                  static_cast<unsigned long long>(s.sessions_resumed),
                  held_percent(s.inputs_10s), s.inputs_10s.wait_p95_ticks);
    last_ = s;
    last_at_ = now;
    return buf;
}

}  // namespace tickwire::game::server
