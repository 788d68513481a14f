// The --netsim spec parser: "latency=100ms,jitter=20ms,stall=1%,seed=7".
#include "tickwire/net/netsim.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace tickwire::net {

namespace {

bool parse_double(std::string_view text, double& out) {
    if (text.empty()) return false;
    // from_chars for double is in libstdc++ 11+; strtod needs a terminator.
    const std::string copy(text);
    char* end = nullptr;
    out = std::strtod(copy.c_str(), &end);
    return end == copy.c_str() + copy.size() && std::isfinite(out);
}

bool parse_unsigned(std::string_view text, std::uint64_t& out) {
    const auto result = std::from_chars(text.data(), text.data() + text.size(), out);
    return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

bool ends_with(std::string_view text, std::string_view suffix, std::string_view& number) {
    if (!text.ends_with(suffix)) return false;
    number = text.substr(0, text.size() - suffix.size());
    return true;
}

bool parse_duration(std::string_view text, std::chrono::milliseconds& out) {
    std::string_view number = text;
    double scale = 1;  // to ms
    if (ends_with(text, "us", number)) scale = 0.001;
    else if (ends_with(text, "ms", number)) scale = 1;
    else if (ends_with(text, "s", number)) scale = 1000;
    double value = 0;
    if (!parse_double(number, value) || value < 0 || value * scale > 3.6e6) return false;
    out = std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(value * scale)));
    return true;
}

bool parse_probability(std::string_view text, double& out) {
    std::string_view number = text;
    const bool percent = ends_with(text, "%", number);
    if (!parse_double(number, out)) return false;
    if (percent) out /= 100;
    return out >= 0 && out <= 1;
}

bool parse_bandwidth(std::string_view text, std::uint64_t& out) {
    std::string_view number = text;
    double scale = 1;  // to bytes per second
    if (ends_with(text, "kbit", number)) scale = 1000.0 / 8;
    else if (ends_with(text, "Mbit", number)) scale = 1e6 / 8;
    else if (ends_with(text, "kB", number)) scale = 1000;
    else if (ends_with(text, "MB", number)) scale = 1e6;
    else if (ends_with(text, "B", number)) scale = 1;
    double value = 0;
    if (!parse_double(number, value) || value < 0 || value * scale > 1e12) return false;
    out = static_cast<std::uint64_t>(std::llround(value * scale));
    return true;
}

std::string format_probability(double p) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g%%", p * 100);
    return buffer;
}

}  // namespace

NetSimParse parse_netsim(std::string_view spec) {
    NetSimParse result;
    NetSimOptions& o = result.options;
    while (!spec.empty()) {
        const auto comma = spec.find(',');
        std::string_view item = spec.substr(0, comma);
        spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
        if (item.empty()) continue;
        const auto equals = item.find('=');
        if (equals == std::string_view::npos) {
            result.error = "netsim: expected key=value, got '" + std::string(item) + "'";
            return result;
        }
        const std::string_view key = item.substr(0, equals);
        const std::string_view value = item.substr(equals + 1);
        std::uint64_t count = 0;
        bool ok = false;
        if (key == "latency") ok = parse_duration(value, o.latency);
        else if (key == "jitter") ok = parse_duration(value, o.jitter);
        else if (key == "stall_time") ok = parse_duration(value, o.stall_time);
        else if (key == "bandwidth") ok = parse_bandwidth(value, o.bandwidth_bytes_per_second);
        else if (key == "stall") ok = parse_probability(value, o.stall_probability);
        else if (key == "disconnect") ok = parse_probability(value, o.disconnect_probability);
        else if (key == "seed") ok = parse_unsigned(value, o.seed);
        else if (key == "max_disconnects") {
            ok = parse_unsigned(value, count) && count <= 0xffffffffu;
            o.max_disconnects = static_cast<std::uint32_t>(count);
        } else {
            result.error = "netsim: unknown key '" + std::string(key) +
                           "' (latency, jitter, bandwidth, stall, stall_time, disconnect, max_disconnects, seed)";
            return result;
        }
        if (!ok) {
            result.error = "netsim: bad value for " + std::string(key) + ": '" + std::string(value) + "'";
            return result;
        }
    }
    return result;
}

std::string to_string(const NetSimOptions& o) {
    std::string out = "latency=" + std::to_string(o.latency.count()) + "ms,jitter=" +
                      std::to_string(o.jitter.count()) + "ms,bandwidth=" +
                      std::to_string(o.bandwidth_bytes_per_second) + "B,stall=" +
                      format_probability(o.stall_probability) + ",stall_time=" +
                      std::to_string(o.stall_time.count()) + "ms,disconnect=" +
                      format_probability(o.disconnect_probability) + ",max_disconnects=" +
                      std::to_string(o.max_disconnects) + ",seed=" + std::to_string(o.seed);
    return out;
}

}  // namespace tickwire::net
