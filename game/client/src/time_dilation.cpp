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
    spread_ = {};
}

double TimeDilation::target_ticks() const noexcept {
    // Enough lead that the reports' scatter (jitter, both ends reading the
    // network once a tick) seldom makes a frame late, and no more: every
    // tick of lead is a tick of input delay.
    return std::clamp(0.3 + 2 * spread_.value, kMinTarget, kMaxTarget);
}

int TimeDilation::frames_due() noexcept {
    if (reported_) {
        const double error = target_ticks() - lead_ticks();
        scale_ = 1 + std::clamp(error * kGain, -kMaxDilation, kMaxDilation);
    } else {
        scale_ = 1;
    }
    accumulator_ += scale_;
    const int n = static_cast<int>(accumulator_);
    accumulator_ -= n;
    return n;
}

std::uint32_t TimeDilation::stamp(std::uint32_t sequence, double arrival_tick, std::int64_t now) noexcept {
    const double clock_ticks = static_cast<double>(now) / tick_us_;
    // Without reports: the clock's estimate (frames arrive for it, plus a tick).
    const double wanted = arrival_tick + 1 + (reported_ ? target_ticks() : 0);
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

void TimeDilation::on_lead(std::optional<std::int8_t> lead, std::uint32_t sequence) noexcept {
    if (!lead) {
        reported_ = false;
        return;
    }
    reported_ = true;
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
    // One wild report (a frame late after a stall) moves the estimate by
    // at most a few ticks; a real latency step keeps reporting and gets
    // through within a few samples.
    const double deviation = sample - base_.value;
    spread_.add(std::min(std::abs(deviation), 1.0), 0.02);
    base_.add(base_.value + std::clamp(deviation, -3.0, 3.0), 0.2);
}

}  // namespace tickwire::game
