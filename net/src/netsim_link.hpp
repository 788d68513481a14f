#pragma once
// NetSimLink: the simulator's decisions for one simulated link (a channel
// across its reconnects, or one server connection): when each message may be
// delivered, and whether it kills the connection. Pure arithmetic on a seeded
// generator; NetSimPipe (netsim_pipe.hpp) applies the verdicts with timers.
//
// Thread: network thread only.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

#include "tickwire/net/netsim.hpp"

namespace tickwire::net::detail {

class NetSimLink {
public:
    using Clock = std::chrono::steady_clock;
    enum Direction : int { outbound = 0, inbound = 1 };

    struct Verdict {
        Clock::time_point due;  ///< deliver no earlier than this (never before an earlier message)
        bool disconnect = false;
    };

    NetSimLink(const NetSimOptions& options, std::uint64_t stream) : options_(options) {
        // One generator per link, derived from the seed and the link's number, so
        // a server's connections do not all draw the same sequence.
        std::seed_seq seq{static_cast<std::uint32_t>(options.seed), static_cast<std::uint32_t>(options.seed >> 32),
                          static_cast<std::uint32_t>(stream), static_cast<std::uint32_t>(stream >> 32)};
        rng_.seed(seq);
    }

    Verdict decide(Direction direction, std::size_t bytes, Clock::time_point now) {
        if (options_.disconnect_probability > 0 && uniform() < options_.disconnect_probability &&
            (options_.max_disconnects == 0 || disconnects_ < options_.max_disconnects)) {
            ++disconnects_;
            return {now, true};
        }
        Lane& lane = lanes_[direction];
        Clock::duration delay = options_.latency;
        if (options_.jitter.count() > 0)
            delay += std::chrono::duration_cast<Clock::duration>(options_.jitter * uniform());
        Clock::time_point due = now + delay;
        if (options_.stall_probability > 0 && uniform() < options_.stall_probability)
            lane.stall_until = std::max(lane.stall_until, now + options_.stall_time);
        due = std::max(due, lane.stall_until);
        if (options_.bandwidth_bytes_per_second > 0) {
            // Serialisation: the link sends one message after another at the cap.
            const auto transmit = std::chrono::duration_cast<Clock::duration>(
                std::chrono::duration<double>(static_cast<double>(bytes) /
                                              static_cast<double>(options_.bandwidth_bytes_per_second)));
            lane.link_free = std::max(lane.link_free, now) + transmit;
            due = std::max(due, lane.link_free + options_.latency);
        }
        due = std::max(due, lane.last_due);  // ordered delivery: never overtake
        lane.last_due = due;
        return {due, false};
    }

    /// A new connection starts with empty lanes (its predecessor's backlog died with it).
    void reset_lanes() noexcept { lanes_[0] = lanes_[1] = Lane{}; }

    [[nodiscard]] std::uint32_t disconnects() const noexcept { return disconnects_; }

private:
    struct Lane {
        Clock::time_point last_due{};
        Clock::time_point stall_until{};
        Clock::time_point link_free{};
    };

    double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }  // [0, 1)

    NetSimOptions options_;
    std::mt19937_64 rng_;
    Lane lanes_[2];
    std::uint32_t disconnects_ = 0;
};

}  // namespace tickwire::net::detail
