#pragma once
// MetricsRegistry: counters, gauges and fixed-bucket histograms, with labels,
// rendered in the Prometheus text exposition format (version 0.0.4), which is
// what GET /metrics serves and `promtool check metrics` accepts.
//
//   MetricsRegistry registry;
//   auto& refused = registry.counter("tickwire_connections_refused_total",
//                                    "Connections refused, by reason.", {{"reason", "room_full"}});
//   refused.set(stats.room_full);         // or refused.inc()
//   std::string body = registry.render();
//
// Registration (counter(), gauge(), histogram()) allocates and is meant for
// start-up or the first sight of a new label value; updating a metric never
// allocates. Asking again for the same name and labels returns the same
// metric. A name registered with two types, or an invalid name, is a
// programming error: std::invalid_argument.
//
// Thread: one thread (the game thread) owns a registry, updates and renders it.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tickwire::game::fleet {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

/// A total that only grows (Prometheus counter; its name ends in _total).
class Counter {
public:
    void inc(std::uint64_t n = 1) noexcept { value_ += n; }
    /// Mirror a total kept elsewhere (a stats struct); it must never go down.
    void set(std::uint64_t total) noexcept { value_ = total; }
    [[nodiscard]] std::uint64_t value() const noexcept { return value_; }

private:
    std::uint64_t value_ = 0;
};

/// A value that goes up and down.
class Gauge {
public:
    void set(double value) noexcept { value_ = value; }
    [[nodiscard]] double value() const noexcept { return value_; }

private:
    double value_ = 0;
};

/// Observations counted into fixed buckets (upper bounds, ascending; +Inf is implicit).
class Histogram {
public:
    explicit Histogram(std::span<const double> upper_bounds);
    void observe(double value) noexcept;
    [[nodiscard]] std::span<const double> upper_bounds() const noexcept { return bounds_; }
    /// Observations <= upper_bounds()[i] (cumulative, as Prometheus wants them).
    [[nodiscard]] std::uint64_t cumulative_count(std::size_t bucket) const noexcept;
    [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
    [[nodiscard]] double sum() const noexcept { return sum_; }

private:
    std::vector<double> bounds_;
    std::vector<std::uint64_t> counts_;  // per bucket, not cumulative; last = above every bound
    std::uint64_t count_ = 0;
    double sum_ = 0;
};

class MetricsRegistry {
public:
    MetricsRegistry();
    ~MetricsRegistry();
    MetricsRegistry(const MetricsRegistry&) = delete;
    MetricsRegistry& operator=(const MetricsRegistry&) = delete;

    Counter& counter(std::string_view name, std::string_view help, const MetricLabels& labels = {});
    Gauge& gauge(std::string_view name, std::string_view help, const MetricLabels& labels = {});
    /// Every series of one histogram name must use the same bounds.
    Histogram& histogram(std::string_view name, std::string_view help, std::span<const double> upper_bounds,
                         const MetricLabels& labels = {});

    /// The text exposition of every metric, families in registration order.
    [[nodiscard]] std::string render() const;
    void render(std::string& out) const;

    /// The Content-Type to serve render() with.
    static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

private:
    struct Family;
    Family& family(std::string_view name, std::string_view help, int type);
    std::vector<std::unique_ptr<Family>> families_;
};

}  // namespace tickwire::game::fleet
