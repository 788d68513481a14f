#include "time_dilation.hpp"

#include <algorithm>
#include <cmath>

namespace tickwire::game {

void TimeDilation::reset() noexcept {
    anchored_ = false;
    reported_sequence_ = 0;
    accumulator_ = 0;
    scale_ = 1;
    base_ = {};
    wanted_ = target_ = kMinTarget;
}

int TimeDilation::frames_due() noexcept {
    // Enough lead that the late tail of arrivals seldom makes a frame late,
    // and no more: every tick of lead is a tick of input delay.
    target_ = std::max(wanted_, target_ - kTargetFall * tick_us_ / 1e6);
    if (reported_) {
        const double error = target_ + batch_lead_ - lead_ticks();
        const bool near = error <= kSlackBelow && error >= -kSlackAbove;
        scale_ = near ? 1 : 1 + std::clamp(error * kGain, -kMaxDilation, kMaxDilation);
    } else {
        scale_ = 1;
    }
    accumulator_ += scale_;
    const int n = static_cast<int>(accumulator_);
    accumulator_ -= n;
    return n;
}

std::uint32_t TimeDilation::stamp(std::uint32_t sequence, double arrival_tick, std::int64_t now) noexcept {
    // The client's clock when the frame leaves.
    const double clock_ticks = static_cast<double>(now) / tick_us_ + send_wait_;
    // Without reports: the clock's estimate (frames arrive for it, plus a tick).
    const double wanted = arrival_tick + send_wait_ + 1 + (reported_ ? target_ + batch_lead_ : 0);
    std::uint32_t s = last_stamp_ + 1;
    if (!reported_ || !anchored_ || std::abs(static_cast<double>(s) - wanted) > kReanchorTicks) {
        s = static_cast<std::uint32_t>(std::max(0.0, std::round(wanted)));
        anchored_ = reported_;
    }
    last_stamp_ = s;
    offset_ = static_cast<double>(s) - clock_ticks;
    sent_[sequence % sent_.size()] = {sequence, offset_};
    return s;
}

void TimeDilation::on_lead(std::optional<std::int8_t> lead, std::uint8_t jitter_ms, std::uint32_t sequence) noexcept {
    if (!lead) {
        reported_ = false;
        return;
    }
    reported_ = true;
    wanted_ = std::clamp(jitter_ms * 1000.0 / tick_us_, kMinTarget, kMaxTarget);
    target_ = std::max(target_, wanted_);
    // While no new frame is applied (our uplink stalls) every snapshot
    // repeats the last report: one sample per frame.
    if (sequence <= reported_sequence_) return;
    reported_sequence_ = sequence;
    const Sent& sent = sent_[sequence % sent_.size()];
    if (sent.sequence != sequence) return;  // not one we remember
    // The report is a round trip old; what the link did to it is the lead
    // minus how far ahead of our clock we had stamped that frame.
    const double sample = *lead - sent.offset;
    if (!base_.primed) {
        base_.add(sample, 1);
        return;
    }
    // Jitter (reports a tick or so apart) is averaged slowly: a noisy
    // estimate would cross the dead band and move frames back and forth. One
    // wild report (a frame late after a stall) moves it by at most a few
    // ticks; a real latency step keeps reporting and gets through within a
    // few samples.
    const double deviation = sample - base_.value;
    base_.add(base_.value + std::clamp(deviation, -3.0, 3.0), std::abs(deviation) > 1.5 ? 0.2 : 0.05);
}

}  // namespace tickwire::game
