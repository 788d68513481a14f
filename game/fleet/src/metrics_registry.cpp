#include "tickwire/game/fleet/metrics_registry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <variant>

namespace tickwire::game::fleet {

namespace {

enum Type : int { kCounter, kGauge, kHistogram };
constexpr std::string_view kTypeNames[] = {"counter", "gauge", "histogram"};

bool valid_name(std::string_view name, bool colon_allowed) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_allowed && c == ':');
        if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
    }
    return true;
}

void check_labels(const MetricLabels& labels, std::string_view metric) {
    for (const auto& [name, value] : labels) {
        // "__" names are Prometheus's own; "le" is the histogram bucket's.
        if (!valid_name(name, false) || name.starts_with("__") || name == "le")
            throw std::invalid_argument("metric " + std::string(metric) + ": invalid label name '" + name + "'");
    }
}

void append_number(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
    } else if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
    } else {
        char buffer[32];
        const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
        out.append(buffer, result.ptr);
    }
}

void append_number(std::string& out, std::uint64_t value) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

// HELP text escapes backslash and newline; label values also the double quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
    for (char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (quote && c == '"') {
            out += "\\\"";
        } else {
            out += c;
        }
    }
}

/// `{a="x",b="y"}` (plus an `le` bucket label when given); nothing if empty.
void append_labels(std::string& out, const MetricLabels& labels, const std::string* le = nullptr) {
    if (labels.empty() && le == nullptr) return;
    out += '{';
    bool first = true;
    for (const auto& [name, value] : labels) {
        if (!first) out += ',';
        first = false;
        out += name;
        out += "=\"";
        append_escaped(out, value, true);
        out += '"';
    }
    if (le != nullptr) {
        if (!first) out += ',';
        out += "le=\"";
        out += *le;
        out += '"';
    }
    out += '}';
}

/// One line: name{labels} value
template <class Value>
void append_sample(std::string& out, std::string_view name, std::string_view suffix, const MetricLabels& labels,
                   Value value, const std::string* le = nullptr) {
    out += name;
    out += suffix;
    append_labels(out, labels, le);
    out += ' ';
    append_number(out, value);
    out += '\n';
}

}  // namespace

Histogram::Histogram(std::span<const double> upper_bounds)
    : bounds_(upper_bounds.begin(), upper_bounds.end()), counts_(bounds_.size() + 1, 0) {
    if (bounds_.empty() || !std::is_sorted(bounds_.begin(), bounds_.end()) ||
        std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end() ||
        std::any_of(bounds_.begin(), bounds_.end(), [](double b) { return !std::isfinite(b); }))
        throw std::invalid_argument("histogram bounds must be finite and strictly ascending");
}

void Histogram::observe(double value) noexcept {
    // A dozen buckets: a linear scan beats a binary search and never allocates.
    std::size_t bucket = 0;
    while (bucket < bounds_.size() && value > bounds_[bucket]) ++bucket;
    ++counts_[bucket];
    ++count_;
    sum_ += value;
}

std::uint64_t Histogram::cumulative_count(std::size_t bucket) const noexcept {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i <= bucket && i < counts_.size(); ++i) total += counts_[i];
    return total;
}

struct MetricsRegistry::Family {
    struct Series {
        MetricLabels labels;
        std::variant<Counter, Gauge, Histogram> metric;
    };
    std::string name, help;
    int type = kCounter;
    std::vector<std::unique_ptr<Series>> series;  // stable addresses for the references handed out

    Series* find(const MetricLabels& labels) {
        for (auto& s : series)
            if (s->labels == labels) return s.get();
        return nullptr;
    }
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family& MetricsRegistry::family(std::string_view name, std::string_view help, int type) {
    for (auto& f : families_) {
        if (f->name != name) continue;
        if (f->type != type)
            throw std::invalid_argument("metric " + std::string(name) + " registered as " +
                                        std::string(kTypeNames[f->type]) + " and " + std::string(kTypeNames[type]));
        return *f;
    }
    if (!valid_name(name, true)) throw std::invalid_argument("invalid metric name '" + std::string(name) + "'");
    auto f = std::make_unique<Family>();
    f->name.assign(name);
    f->help.assign(help);
    f->type = type;
    families_.push_back(std::move(f));
    return *families_.back();
}

Counter& MetricsRegistry::counter(std::string_view name, std::string_view help, const MetricLabels& labels) {
    check_labels(labels, name);
    Family& f = family(name, help, kCounter);
    if (auto* s = f.find(labels)) return std::get<Counter>(s->metric);
    f.series.push_back(std::make_unique<Family::Series>(Family::Series{labels, Counter{}}));
    return std::get<Counter>(f.series.back()->metric);
}

Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help, const MetricLabels& labels) {
    check_labels(labels, name);
    Family& f = family(name, help, kGauge);
    if (auto* s = f.find(labels)) return std::get<Gauge>(s->metric);
    f.series.push_back(std::make_unique<Family::Series>(Family::Series{labels, Gauge{}}));
    return std::get<Gauge>(f.series.back()->metric);
}

Histogram& MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                      std::span<const double> upper_bounds, const MetricLabels& labels) {
    check_labels(labels, name);
    Family& f = family(name, help, kHistogram);
    if (auto* s = f.find(labels)) return std::get<Histogram>(s->metric);
    Histogram histogram(upper_bounds);
    if (!f.series.empty()) {
        const auto first = std::get<Histogram>(f.series.front()->metric).upper_bounds();
        if (!std::equal(first.begin(), first.end(), upper_bounds.begin(), upper_bounds.end()))
            throw std::invalid_argument("histogram " + std::string(name) + " registered with two sets of bounds");
    }
    f.series.push_back(std::make_unique<Family::Series>(Family::Series{labels, std::move(histogram)}));
    return std::get<Histogram>(f.series.back()->metric);
}

std::string MetricsRegistry::render() const {
    std::string out;
    render(out);
    return out;
}

void MetricsRegistry::render(std::string& out) const {
    for (const auto& f : families_) {
        out += "# HELP ";
        out += f->name;
        out += ' ';
        append_escaped(out, f->help, false);
        out += "\n# TYPE ";
        out += f->name;
        out += ' ';
        out += kTypeNames[f->type];
        out += '\n';
        for (const auto& s : f->series) {
            if (const auto* counter = std::get_if<Counter>(&s->metric)) {
                append_sample(out, f->name, "", s->labels, counter->value());
            } else if (const auto* gauge = std::get_if<Gauge>(&s->metric)) {
                append_sample(out, f->name, "", s->labels, gauge->value());
            } else {
                const auto& histogram = std::get<Histogram>(s->metric);
                const auto bounds = histogram.upper_bounds();
                std::string le;
                for (std::size_t i = 0; i <= bounds.size(); ++i) {
                    le.clear();
                    append_number(le, i < bounds.size() ? bounds[i] : INFINITY);
                    append_sample(out, f->name, "_bucket", s->labels, histogram.cumulative_count(i), &le);
                }
                append_sample(out, f->name, "_sum", s->labels, histogram.sum());
                append_sample(out, f->name, "_count", s->labels, histogram.count());
            }
        }
    }
}

}  // namespace tickwire::game::fleet
