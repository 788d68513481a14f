#include "echo_rtt.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace tickwire::bench {

EchoRtt::EchoRtt(const std::string& url, EchoRttConfig config)
    : config_(config), started_(Clock::now()), channel_(net::Channel::connect(url)), payload_(config.size) {
    for (std::size_t i = 0; i < payload_.size(); ++i) payload_[i] = static_cast<std::byte>(i * 131 + 7);
    samples_us_.reserve(config_.messages);
}

void EchoRtt::send_next() {
    sent_at_ = Clock::now();
    if (!channel_.sink().add(payload_)) return fail("add refused");
    channel_.sink().flush();
}

void EchoRtt::fail(std::string why) {
    if (failure_.empty()) failure_ = std::move(why);
    done_ = true;
}

bool EchoRtt::step() {
    while (!done_ && channel_.stream().poll(event_)) {
        switch (event_.type) {
        case net::EventType::opened:
            open_ms_ = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
            send_next();
            break;
        case net::EventType::message: {
            const auto now = Clock::now();
            if (event_.message.size() != payload_.size() ||
                (!payload_.empty() && std::memcmp(event_.message.data(), payload_.data(), payload_.size()) != 0)) {
                fail("an echo differs from what was sent");
                break;
            }
            if (echoed_++ >= config_.warmup)
                samples_us_.push_back(std::chrono::duration<double, std::micro>(now - sent_at_).count());
            if (echoed_ == config_.warmup + config_.messages) {
                done_ = true;
                channel_.sink().close();
                channel_.sink().flush();
            } else {
                send_next();
            }
            break;
        }
        case net::EventType::closed:
            fail("closed " + std::to_string(event_.close_code) + " " + std::string(event_.text()));
            break;
        case net::EventType::error:
        case net::EventType::reconnecting:
        case net::EventType::resumed: break;
        }
    }
    return done_;
}

EchoRttResult EchoRtt::result() const {
    EchoRttResult out;
    out.open_ms = open_ms_;
    out.failure = failure_;
    std::vector<double> sorted = samples_us_;
    std::sort(sorted.begin(), sorted.end());
    out.round_trips = sorted.size();
    if (sorted.empty()) return out;
    const auto at = [&](double q) { return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(q * static_cast<double>(sorted.size())))]; };
    out.p50_us = at(0.50);
    out.p90_us = at(0.90);
    out.p99_us = at(0.99);
    out.max_us = sorted.back();
    out.mean_us = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
    return out;
}

}  // namespace tickwire::bench
