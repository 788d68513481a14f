#include "net_rates.hpp"

namespace tickwire::game {

void NetRates::update(std::int64_t now, const net::ChannelStats& channel, std::uint32_t corrections, NetStats& out) {
    if (window_start_ == 0) {
        window_start_ = now;
        corrections_ = corrections;
    }
    const double secs = static_cast<double>(now - window_start_) / 1e6;
    if (secs < 1.0) return;
    out.bytes_in_per_s = static_cast<float>(static_cast<double>(channel.bytes_in - bytes_in_) / secs);
    out.bytes_out_per_s = static_cast<float>(static_cast<double>(channel.bytes_out - bytes_out_) / secs);
    out.snapshot_rate_hz = static_cast<float>(snapshots_ / secs);
    out.corrections_per_s = static_cast<float>((corrections - corrections_) / secs);
    bytes_in_ = channel.bytes_in;
    bytes_out_ = channel.bytes_out;
    snapshots_ = 0;
    corrections_ = corrections;
    window_start_ = now;
}

}  // namespace tickwire::game
