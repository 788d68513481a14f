#include "report.hpp"

#include <cmath>

#include <boost/json.hpp>

namespace tickwire::load {

void Report::add(std::string key, double value, int decimals, std::string unit) {
    entries_.push_back({std::move(key), value, decimals, std::move(unit), {}, false});
}

void Report::add_text(std::string key, std::string value) {
    entries_.push_back({std::move(key), 0, 0, {}, std::move(value), true});
}

void Report::print_table(std::FILE* out) const {
    for (const Entry& e : entries_) {
        if (e.is_text) {
            std::fprintf(out, "  %-28s %s\n", e.key.c_str(), e.text.c_str());
        } else {
            std::fprintf(out, "  %-28s %.*f %s\n", e.key.c_str(), e.decimals, e.value, e.unit.c_str());
        }
    }
}

void Report::print_json(std::FILE* out) const {
    // Insertion order is kept: the keys come out in the table's order.
    boost::json::object report;
    for (const Entry& e : entries_) {
        if (e.is_text) {
            report[e.key] = e.text;
        } else if (std::isfinite(e.value)) {
            // Two more decimals than the table shows; more would be noise.
            const double scale = std::pow(10.0, e.decimals + 2);
            report[e.key] = std::round(e.value * scale) / scale;
        } else {
            report[e.key] = nullptr;
        }
    }
    std::fprintf(out, "%s\n", boost::json::serialize(report).c_str());
}

}  // namespace tickwire::load
