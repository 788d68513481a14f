#include "snapshot_sender.hpp"

#include <algorithm>
#include <cmath>

namespace tickwire::game::server {

using protocol::Entity;

void SnapshotAcks::on_ack(std::uint32_t tick) {
    const auto it = std::find(unacked_.begin(), unacked_.end(), tick);
    if (it == unacked_.end()) return;
    acked_tick_ = tick;
    unacked_.erase(unacked_.begin(), it + 1);
}

void SnapshotAcks::sent(std::uint32_t tick) {
    unacked_.push_back(tick);
    while (unacked_.size() > 64) unacked_.pop_front();
}

void SnapshotSender::capture(Room& room, std::uint32_t tick) {
    tick_ = tick;
    protocol::capture(room.world, full_, static_cast<std::uint32_t>(config_.snapshot_every));
    room.ring.put(tick, full_);
    deltas_used_ = 0;
}

net::Message SnapshotSender::for_client(const Room& room, SnapshotAcks& acks, const InputReport& input) {
    const bool behind = static_cast<int>(acks.unacked_.size()) >= config_.max_unacked_snapshots;
    if (behind && tick_ - acks.last_probe_tick_ < static_cast<std::uint32_t>(config_.tick_rate)) {
        ++counts_.superseded;
        return {};
    }
    if (behind) acks.last_probe_tick_ = tick_;
    if (protocol::choose_baseline(room.ring, acks.acked_tick_) == nullptr) {
        acks.acked_tick_ = 0;
        ++counts_.full;
    }
    const Delta& d = delta_against(room, acks.acked_tick_);
    const double jitter_ms = input.jitter_ticks * 1000.0 / config_.tick_rate;
    const schemas::SnapshotHeader header{tick_, d.baseline_tick, input.applied_sequence, input.lead,
                                         static_cast<std::uint8_t>(std::clamp(std::lround(jitter_ms), 0L, 255L)),
                                         input.held_ticks};
    net::Message msg = d.structs ? codec_.snapshot(header, d.changed, d.removed) : codec_.snapshot(header, d.packed);
    counts_.entities += d.counts.entities;
    counts_.bytes += msg.size();
    ++counts_.sent;
    acks.sent(tick_);
    return msg;
}

const SnapshotSender::Delta& SnapshotSender::delta_against(const Room& room, std::uint32_t baseline_tick) {
    for (std::size_t i = 0; i < deltas_used_; ++i) {
        if (deltas_[i].baseline_tick == baseline_tick) return deltas_[i];
    }
    if (deltas_used_ == deltas_.size()) deltas_.emplace_back();
    Delta& d = deltas_[deltas_used_++];
    d.baseline_tick = baseline_tick;
    // Packed against the baseline carried forward (or nothing: a full
    // snapshot); the EntityState vector only if that is smaller.
    std::span<const Entity> reference;
    std::uint32_t ticks = 0;
    if (baseline_tick != 0) {
        ticks = tick_ - baseline_tick;
        protocol::extrapolate(*room.ring.find(baseline_tick), ticks, extrapolated_);
        reference = extrapolated_;
    }
    d.counts = protocol::pack(reference, full_, ticks, d.packed);
    d.structs = d.packed.size() > d.counts.entities * sizeof(Entity) + d.counts.removed * sizeof(std::uint32_t);
    if (d.structs) protocol::diff(reference, full_, d.changed, d.removed);
    return d;
}

}  // namespace tickwire::game::server
