#pragma once
// ServerMetrics: the match server's GET /metrics (issue 13's list), from plain
// values the server passes in, so this file knows nothing of MatchServer or net.
//
//   ServerMetrics metrics;
//   every tick:      metrics.observe_tick(step_time); metrics.observe_frame(frame_time);
//   about 1/s:       metrics.update(values); server.publish_http("/metrics", metrics.render(),
//                                                                 MetricsRegistry::kContentType);
//
// Thread: the game thread owns it. observe_*() never allocate; update()
// allocates only the first time it sees a refusal reason.

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tickwire/game/fleet/metrics_registry.hpp"

namespace tickwire::game::fleet {

/// One refusal reason and its running total ("room_full", "ticket_forged", ...):
/// a short snake_case word, since it becomes a label value.
struct ReasonCount {
    std::string_view reason;
    std::uint64_t total = 0;
};

/// Totals only grow (counters); the first block are current levels (gauges).
struct ServerMetricsValues {
    std::uint64_t rooms = 0, players = 0, capacity = 0;  ///< capacity: players this process takes
    std::uint64_t connections = 0;                       ///< open WebSockets
    bool draining = false;
    bool directory_up = false;     ///< directory configured and answering
    std::uint64_t connections_accepted = 0;
    std::span<const ReasonCount> connections_refused;
    std::uint64_t messages_in = 0, messages_out = 0;
    std::uint64_t bytes_in = 0, bytes_out = 0;
    std::uint64_t snapshots_not_encoded = 0;  ///< superseded by the ack gap (MatchStats::snapshots_superseded)
    std::uint64_t snapshots_replaced = 0;     ///< replaced unsent inside net (send_latest)
    std::uint64_t slow_consumer_closes = 0;
    std::uint64_t sessions_resumed = 0, sessions_expired = 0;
    std::uint64_t directory_errors = 0;
};

class ServerMetrics {
public:
    ServerMetrics();

    /// Duration of one simulation step (MatchServer::step).
    void observe_tick(std::chrono::nanoseconds duration) noexcept;
    /// Duration of one whole tick: network_in + step + network_out.
    void observe_frame(std::chrono::nanoseconds duration) noexcept;
    void update(const ServerMetricsValues& values);

    [[nodiscard]] std::string render() const { return registry_.render(); }
    /// For metrics of the caller's own next to these.
    MetricsRegistry& registry() noexcept { return registry_; }

    /// Bucket upper bounds of both duration histograms, in seconds: a 60 Hz
    /// tick has 16.7 ms, and the interesting part is far below it.
    static constexpr double kDurationBuckets[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                  0.01,   0.0167,  0.025,  0.05,  0.1};

private:
    Counter& refused_counter(std::string_view reason);

    MetricsRegistry registry_;
    Gauge &rooms_, &players_, &capacity_, &connections_, &draining_, &directory_up_;
    Counter &accepted_, &messages_in_, &messages_out_, &bytes_in_, &bytes_out_;
    Counter &not_encoded_, &replaced_, &slow_consumer_closes_, &resumed_, &expired_, &directory_errors_;
    Histogram &tick_, &frame_;
    std::vector<std::pair<std::string, Counter*>> refused_;  // reasons seen so far
};

}  // namespace tickwire::game::fleet
