// The metrics registry's text format, and /metrics as issue 13 lists it,
// checked by Prometheus's own linter (promtool check metrics).
#include <gtest/gtest.h>

#include <chrono>

#include "child_process.hpp"
#include "tickwire/game/fleet/metrics_registry.hpp"
#include "tickwire/game/fleet/server_metrics.hpp"

namespace tickwire::game::fleet {
namespace {

using namespace std::chrono_literals;

struct PromtoolResult {
    int exit_status = -1;
    std::string output;
};

/// `promtool check metrics` on `text` (stdin); its exit status and what it said.
PromtoolResult promtool_check(const std::string& text) {
    auto promtool = test::ChildProcess::start({TICKWIRE_PROMTOOL, "check", "metrics"},
                                              test::ChildOptions{.merge_stderr = true});
    EXPECT_TRUE(promtool.write_stdin(text));
    promtool.close_stdin();
    PromtoolResult result;
    for (const std::string& line : promtool.read_remaining_lines(30s)) result.output += line + "\n";
    result.exit_status = promtool.wait(30s).value_or(-1);
    return result;
}

TEST(MetricsRegistry, RendersTheTextExpositionFormat) {
    MetricsRegistry registry;
    registry.counter("jobs_done_total", "Jobs done.").inc(3);
    registry.counter("jobs_refused_total", "Jobs refused, by reason.", {{"reason", "full"}}).set(2);
    registry.counter("jobs_refused_total", "Jobs refused, by reason.", {{"reason", "say \"no\"\\\n"}}).inc();
    registry.gauge("queue_depth", "Jobs waiting.\nSecond line \\ here.").set(1.5);
    const double bounds[] = {0.1, 1};
    Histogram& latency = registry.histogram("latency_seconds", "How long.", bounds);
    latency.observe(0.05);
    latency.observe(0.1);  // on a bound: counts in that bucket (le = less or equal)
    latency.observe(0.5);
    latency.observe(7);
    // Asking again returns the same series.
    registry.counter("jobs_done_total", "Jobs done.").inc();

    EXPECT_EQ(registry.render(),
              "# HELP jobs_done_total Jobs done.\n"
              "# TYPE jobs_done_total counter\n"
              "jobs_done_total 4\n"
              "# HELP jobs_refused_total Jobs refused, by reason.\n"
              "# TYPE jobs_refused_total counter\n"
              "jobs_refused_total{reason=\"full\"} 2\n"
              "jobs_refused_total{reason=\"say \\\"no\\\"\\\\\\n\"} 1\n"
              "# HELP queue_depth Jobs waiting.\\nSecond line \\\\ here.\n"
              "# TYPE queue_depth gauge\n"
              "queue_depth 1.5\n"
              "# HELP latency_seconds How long.\n"
              "# TYPE latency_seconds histogram\n"
              "latency_seconds_bucket{le=\"0.1\"} 2\n"
              "latency_seconds_bucket{le=\"1\"} 3\n"
              "latency_seconds_bucket{le=\"+Inf\"} 4\n"
              "latency_seconds_sum 7.65\n"
              "latency_seconds_count 4\n");
    EXPECT_EQ(promtool_check(registry.render()).exit_status, 0);
}

TEST(MetricsRegistry, RefusesInvalidNamesAndMixedTypes) {
    MetricsRegistry registry;
    EXPECT_THROW(registry.counter("9lives_total", "x"), std::invalid_argument);
    EXPECT_THROW(registry.counter("has-dash_total", "x"), std::invalid_argument);
    EXPECT_THROW(registry.counter("ok_total", "x", {{"__reserved", "v"}}), std::invalid_argument);
    EXPECT_THROW(registry.counter("ok_total", "x", {{"le", "v"}}), std::invalid_argument);
    registry.counter("thing_total", "x");
    EXPECT_THROW(registry.gauge("thing_total", "x"), std::invalid_argument);
    const double ascending[] = {1, 2};
    const double descending[] = {2, 1};
    EXPECT_THROW(registry.histogram("h_seconds", "x", descending), std::invalid_argument);
    registry.histogram("h_seconds", "x", ascending, {{"k", "a"}});
    const double other[] = {1, 3};
    EXPECT_THROW(registry.histogram("h_seconds", "x", other, {{"k", "b"}}), std::invalid_argument);
}

TEST(ServerMetrics, RendersIssue13sSetAndPassesPromtool) {
    ServerMetrics metrics;
    const ReasonCount refused[] = {{"room_full", 4}, {"ticket_forged", 2}, {"ticket_reused", 1}, {"draining", 9}};
    ServerMetricsValues values;
    values.rooms = 3;
    values.players = 70;
    values.capacity = 2048;
    values.connections = 71;
    values.draining = true;
    values.directory_up = true;
    values.connections_accepted = 120;
    values.connections_refused = refused;
    values.messages_in = 5000;
    values.messages_out = 9000;
    values.bytes_in = 1 << 20;
    values.bytes_out = 3 << 20;
    values.snapshots_not_encoded = 12;
    values.snapshots_replaced = 30;
    values.slow_consumer_closes = 1;
    values.sessions_resumed = 6;
    values.sessions_expired = 2;
    values.directory_errors = 5;
    metrics.update(values);
    for (int i = 0; i < 100; ++i) {
        metrics.observe_tick(std::chrono::microseconds(200 + 10 * i));
        metrics.observe_frame(std::chrono::microseconds(400 + 20 * i));
    }
    const std::string text = metrics.render();

    for (std::string_view line :
         {"tickwire_rooms 3\n", "tickwire_players 70\n", "tickwire_player_capacity 2048\n", "tickwire_connections 71\n",
          "tickwire_draining 1\n", "tickwire_directory_up 1\n", "tickwire_connections_accepted_total 120\n",
          "tickwire_connections_refused_total{reason=\"room_full\"} 4\n",
          "tickwire_connections_refused_total{reason=\"ticket_forged\"} 2\n",
          "tickwire_connections_refused_total{reason=\"draining\"} 9\n", "tickwire_messages_received_total 5000\n",
          "tickwire_messages_sent_total 9000\n", "tickwire_received_bytes_total 1048576\n",
          "tickwire_sent_bytes_total 3145728\n", "tickwire_snapshots_superseded_total{stage=\"not_encoded\"} 12\n",
          "tickwire_snapshots_superseded_total{stage=\"replaced_unsent\"} 30\n",
          "tickwire_slow_consumer_closes_total 1\n", "tickwire_sessions_resumed_total 6\n",
          "tickwire_sessions_expired_total 2\n", "tickwire_directory_errors_total 5\n",
          "tickwire_tick_duration_seconds_count 100\n", "tickwire_frame_duration_seconds_count 100\n",
          "tickwire_tick_duration_seconds_bucket{le=\"0.001\"} 81\n",
          "tickwire_frame_duration_seconds_bucket{le=\"+Inf\"} 100\n"}) {
        EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "in:\n" << text;
    }
    // One HELP/TYPE per family, even with several label sets.
    std::size_t helps = 0;
    for (std::size_t at = text.find("# TYPE tickwire_connections_refused_total"); at != std::string::npos;
         at = text.find("# TYPE tickwire_connections_refused_total", at + 1))
        ++helps;
    EXPECT_EQ(helps, 1u);

    const PromtoolResult check = promtool_check(text);
    EXPECT_EQ(check.exit_status, 0) << check.output << text;

    // A second update moves the same series (no duplicates, no new families).
    values.connections_accepted = 121;
    metrics.update(values);
    EXPECT_NE(metrics.render().find("tickwire_connections_accepted_total 121\n"), std::string::npos);
    EXPECT_EQ(metrics.render().size(), text.size());
}

TEST(ServerMetrics, PromtoolCatchesWhatItShould) {
    // The check above could pass vacuously if promtool accepted anything.
    EXPECT_NE(promtool_check("# HELP bytes Sent.\n# TYPE bytes counter\nbytes 1\n").exit_status, 0);
    EXPECT_NE(promtool_check("garbage{\n").exit_status, 0);
}

}  // namespace
}  // namespace tickwire::game::fleet
