#pragma once
// What the match server tells operators and load generators: the /rooms and
// /status JSON documents (Boost.JSON) and the periodic status line on stdout.
//
// Thread: the game thread.

#include <chrono>
#include <string>

#include "rooms.hpp"
#include "tickwire/game/server/match_server.hpp"

namespace tickwire::game::server {

/// The loop's figures main measures (MatchServer::publish_status).
struct LoopFigures {
    std::chrono::nanoseconds tick_p99{0}, tick_max{0};  ///< step() alone
    std::chrono::nanoseconds work_p99{0}, work_max{0};  ///< network_in + step + network_out
};

/// [{"code":"demo","players":6,"capacity":32,"tick":1234}, ...] in code order.
[[nodiscard]] std::string rooms_json(const Rooms& rooms);
/// {"rooms":..,"players":..,"tick_p99_ms":..,"tick_max_ms":..,"work_p99_ms":..,
///  "work_max_ms":..,"snapshots_sent":..,"superseded":..,"replaced":..,
///  "bytes_out":..,"bytes_in":..,"closed":..,"inputs_applied":..,"inputs_merged":..,
///  "inputs_dropped":..,"inputs_held_ticks":..,"input_wait_p50_ticks":..,
///  "input_wait_p95_ticks":..,"shots_fired":..,"shots_hit":..,"shots_hit_rewound":..,"shot_rewind_max_ms":..}:
/// totals, the inputs of the last 10 s, plus the loop's figures.
[[nodiscard]] std::string status_json(const MatchStats& stats, const LoopFigures& loop);

/// "rooms 2 players 17 tick p99 0.31 ms out 123.4 kB/s ..." with rates since
/// the previous line.
class StatusLine {
public:
    using Clock = std::chrono::steady_clock;
    explicit StatusLine(Clock::time_point start) : last_at_(start) {}
    std::string next(const MatchStats& stats, std::chrono::nanoseconds tick_p99, Clock::time_point now);

private:
    MatchStats last_;
    Clock::time_point last_at_;
};

}  // namespace tickwire::game::server
