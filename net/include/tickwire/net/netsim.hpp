#pragma once
// Network-condition simulator: what a bad network does to a game, applied to a
// channel (ChannelOptions::netsim) or to every connection of a server
// (ServerOptions::netsim) on the network thread. Seeded, so a run can be
// replayed; messages keep their order whatever the delays.
//
// Each direction of a connection is simulated on its own: `latency` and
// `jitter` are one-way (a channel with latency=75ms sees about 150 ms more RTT),
// `bandwidth` caps each direction, a `stall` holds back the message that
// triggers it and everything after it for `stall_time` (what TCP loss recovery
// looks like to a game), and `disconnect` drops the connection abruptly — no
// close frame, the message that triggered it is lost.
//
//   auto sim = tickwire::net::parse_netsim("latency=100ms,jitter=20ms,stall=1%,seed=7");
//   if (!sim) fail(sim.error);
//   options.netsim = sim.options;
//
// Thread: plain values and free functions, any thread.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace tickwire::net {

struct NetSimOptions {
    std::chrono::milliseconds latency{0};  ///< added one-way delay
    std::chrono::milliseconds jitter{0};   ///< uniform extra delay in [0, jitter]
    std::uint64_t bandwidth_bytes_per_second = 0;  ///< 0 = unlimited
    double stall_probability = 0;  ///< per message, 0..1
    std::chrono::milliseconds stall_time{250};
    double disconnect_probability = 0;  ///< per message, 0..1
    /// Stop dropping connections after this many (0 = no limit); counts every
    /// connection of one channel, or of one server connection.
    std::uint32_t max_disconnects = 0;
    std::uint64_t seed = 1;

    /// False when nothing would be simulated (the fast path stays untouched).
    [[nodiscard]] bool enabled() const noexcept {
        return latency.count() > 0 || jitter.count() > 0 || bandwidth_bytes_per_second > 0 ||
               stall_probability > 0 || disconnect_probability > 0;
    }
};

struct NetSimParse {
    NetSimOptions options;
    std::string error;  ///< empty on success
    explicit operator bool() const noexcept { return error.empty(); }
};

/// Parses "key=value,key=value": latency=100ms, jitter=20ms, bandwidth=64kB
/// (bytes per second; B, kB, MB, or kbit/Mbit), stall=1% (or 0.01),
/// stall_time=300ms, disconnect=0.5%, max_disconnects=10, seed=7. Durations
/// take us, ms or s (a bare number is ms). An empty spec disables the simulator.
NetSimParse parse_netsim(std::string_view spec);

/// The spec that parse_netsim reads back to the same options.
std::string to_string(const NetSimOptions& options);

}  // namespace tickwire::net
