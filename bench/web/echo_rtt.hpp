#pragma once
// EchoRtt: the closed-loop echo round trip the web benchmark measures, the
// same code in a page (echo_rtt_page.cpp) and natively (echo_rtt_native.cpp):
// a Channel to tickwire-echo, one message of `size` bytes in flight, its round
// trip timed from Sink::add to the Stream::poll that returns its echo. The
// caller's loop calls step() as a game calls its frame; how often it does
// (busy, or once per animation frame) is part of what is measured.
//
// Thread: the caller's (game) thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tickwire/net.hpp"

namespace tickwire::bench {

struct EchoRttConfig {
    std::size_t messages = 2000;  ///< timed round trips
    std::size_t warmup = 200;     ///< untimed ones first
    std::size_t size = 32;        ///< bytes per message
};

struct EchoRttResult {
    double open_ms = 0;  ///< from start to the opened event
    std::size_t round_trips = 0;
    double p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0, mean_us = 0;
    std::string failure;  ///< empty when every echo came back intact
};

class EchoRtt {
public:
    EchoRtt(const std::string& url, EchoRttConfig config);
    /// One pass of the loop; true once finished (see result()).
    bool step();
    [[nodiscard]] EchoRttResult result() const;

private:
    using Clock = std::chrono::steady_clock;
    void send_next();
    void fail(std::string why);

    EchoRttConfig config_;
    Clock::time_point started_;
    net::Channel channel_;
    net::Event event_;
    std::vector<std::byte> payload_;
    std::vector<double> samples_us_;
    std::size_t echoed_ = 0;
    Clock::time_point sent_at_;
    double open_ms_ = 0;
    std::string failure_;
    bool done_ = false;
};

}  // namespace tickwire::bench
