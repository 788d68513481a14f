#include "tickwire/game/fleet/server_metrics.hpp"

namespace tickwire::game::fleet {

namespace {

constexpr std::string_view kRefused = "tickwire_connections_refused_total";
constexpr std::string_view kRefusedHelp = "WebSocket joins refused, by reason.";
constexpr std::string_view kSuperseded = "tickwire_snapshots_superseded_total";
constexpr std::string_view kSupersededHelp =
    "Snapshots never delivered because a newer one replaced them: not_encoded (the client's acks lag), "
    "replaced_unsent (still queued when the next was sent).";

double seconds(std::chrono::nanoseconds d) noexcept { return std::chrono::duration<double>(d).count(); }

}  // namespace

ServerMetrics::ServerMetrics()
    : rooms_(registry_.gauge("tickwire_rooms", "Rooms this process runs.")),
      players_(registry_.gauge("tickwire_players", "Players in this process's rooms.")),
      capacity_(registry_.gauge("tickwire_player_capacity", "Players this process accepts at most.")),
      connections_(registry_.gauge("tickwire_connections", "Open WebSocket connections.")),
      draining_(registry_.gauge("tickwire_draining", "1 while the process drains (SIGTERM), else 0.")),
      directory_up_(registry_.gauge("tickwire_directory_up", "1 while the room directory (Redis) answers, else 0.")),
      accepted_(registry_.counter("tickwire_connections_accepted_total", "WebSocket joins accepted.")),
      messages_in_(registry_.counter("tickwire_messages_received_total", "Messages received from clients.")),
      messages_out_(registry_.counter("tickwire_messages_sent_total", "Messages sent to clients.")),
      bytes_in_(registry_.counter("tickwire_received_bytes_total", "Payload bytes received from clients.")),
      bytes_out_(registry_.counter("tickwire_sent_bytes_total", "Payload bytes sent to clients.")),
      not_encoded_(registry_.counter(kSuperseded, kSupersededHelp, {{"stage", "not_encoded"}})),
      replaced_(registry_.counter(kSuperseded, kSupersededHelp, {{"stage", "replaced_unsent"}})),
      slow_consumer_closes_(registry_.counter("tickwire_slow_consumer_closes_total",
                                              "Connections closed because they read too slowly.")),
      resumed_(registry_.counter("tickwire_sessions_resumed_total", "Sessions taken back after a dropped connection.")),
      expired_(registry_.counter("tickwire_sessions_expired_total",
                                 "Sessions whose grace period ended without a resume.")),
      directory_errors_(registry_.counter("tickwire_directory_errors_total",
                                          "Room directory requests that failed (Redis down, timeouts).")),
      tick_(registry_.histogram("tickwire_tick_duration_seconds", "Time of one simulation step of every room.",
                                kDurationBuckets)),
      frame_(registry_.histogram("tickwire_frame_duration_seconds",
                                 "Time of one whole tick: network in, simulation, network out.", kDurationBuckets)) {
    // Present from the first scrape, so a rate() over it has a start.
    refused_counter("room_full");
}

Counter& ServerMetrics::refused_counter(std::string_view reason) {
    for (auto& [known, counter] : refused_)
        if (known == reason) return *counter;
    Counter& counter = registry_.counter(kRefused, kRefusedHelp, {{"reason", std::string(reason)}});
    refused_.emplace_back(std::string(reason), &counter);
    return counter;
}

void ServerMetrics::observe_tick(std::chrono::nanoseconds duration) noexcept { tick_.observe(seconds(duration)); }

void ServerMetrics::observe_frame(std::chrono::nanoseconds duration) noexcept { frame_.observe(seconds(duration)); }

void ServerMetrics::update(const ServerMetricsValues& v) {
    rooms_.set(static_cast<double>(v.rooms));
    players_.set(static_cast<double>(v.players));
    capacity_.set(static_cast<double>(v.capacity));
    connections_.set(static_cast<double>(v.connections));
    draining_.set(v.draining ? 1 : 0);
    directory_up_.set(v.directory_up ? 1 : 0);
    accepted_.set(v.connections_accepted);
    for (const ReasonCount& refused : v.connections_refused) refused_counter(refused.reason).set(refused.total);
    messages_in_.set(v.messages_in);
    messages_out_.set(v.messages_out);
    bytes_in_.set(v.bytes_in);
    bytes_out_.set(v.bytes_out);
    not_encoded_.set(v.snapshots_not_encoded);
    replaced_.set(v.snapshots_replaced);
    slow_consumer_closes_.set(v.slow_consumer_closes);
    resumed_.set(v.sessions_resumed);
    expired_.set(v.sessions_expired);
    directory_errors_.set(v.directory_errors);
}

}  // namespace tickwire::game::fleet
