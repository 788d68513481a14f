#pragma once
// SnapshotSender: each client's snapshot, a delta against the last snapshot
// it acknowledged (or a full one), packed (Snapshot.packed) or as the
// EntityState vector, whichever is smaller.
//
// The delta cache: most of a room acks the same one or two ticks, so a delta
// is packed once per snapshot tick and baseline and shared by every client
// that acked that baseline, not once per client. Its storage is reused across
// ticks and rooms: no allocation per snapshot after warm-up.
//
// Superseding, game side: a client this far behind on acks has not read what
// was sent (net supersedes the unsent one anyway); don't spend CPU encoding
// ever-growing deltas for it. Skip, but probe once a second so a client that
// recovers catches up.
//
// Thread: the game thread.

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "input_queue.hpp"
#include "rooms.hpp"
#include "tickwire/game/protocol/packed.hpp"
#include "tickwire/game/protocol/wire.hpp"
#include "tickwire/net/message.hpp"

namespace tickwire::game::server {

/// One client's side of the delta protocol: which snapshot it holds.
class SnapshotAcks {
public:
    /// A snapshot ack from the client. Only a tick we actually sent counts:
    /// a lie cannot pick a baseline.
    void on_ack(std::uint32_t tick);
    /// Its connection dropped and the session resumed: snapshots in flight
    /// were lost (latest class, never resent); the next one is a delta
    /// against the last acked tick, which the client still holds.
    void forget_in_flight() noexcept { unacked_.clear(); }

    [[nodiscard]] std::uint32_t acked_tick() const noexcept { return acked_tick_; }
    [[nodiscard]] std::size_t unacked() const noexcept { return unacked_.size(); }

private:
    friend class SnapshotSender;
    void sent(std::uint32_t tick);

    std::uint32_t acked_tick_ = 0;
    std::deque<std::uint32_t> unacked_;  // ticks sent, not yet acked, oldest first
    std::uint32_t last_probe_tick_ = 0;
};

struct SnapshotCounts {
    std::uint64_t sent = 0, full = 0;
    std::uint64_t superseded = 0;  ///< skipped by the ack gap (never encoded)
    std::uint64_t entities = 0;    ///< entity records in snapshots
    std::uint64_t bytes = 0;       ///< bytes of snapshot packets
};

class SnapshotSender {
public:
    struct Config {
        int snapshot_every = 2;        ///< ticks between snapshots (the teleport window)
        int tick_rate = 60;            ///< a skipped client is probed once a second
        int max_unacked_snapshots = 15;
    };

    SnapshotSender(Config config, protocol::Codec& codec) : config_(config), codec_(codec) {}

    /// The room's state at snapshot `tick`, kept in its ring as the baseline
    /// of later deltas. Call once per room per snapshot tick, before for_client().
    void capture(Room& room, std::uint32_t tick);
    /// The snapshot for one member of the room last captured, with how its
    /// inputs are doing (InputQueue::report()); an empty Message when it is
    /// skipped (superseded). Send it with send_latest.
    net::Message for_client(const Room& room, SnapshotAcks& acks, const InputReport& input = {});

    [[nodiscard]] const SnapshotCounts& counts() const noexcept { return counts_; }

private:
    struct Delta {
        std::uint32_t baseline_tick = 0;  // 0: a full snapshot
        protocol::PackedCounts counts;
        std::vector<std::uint8_t> packed;
        bool structs = false;  // the EntityState vector is the smaller form
        std::vector<protocol::Entity> changed;
        std::vector<std::uint32_t> removed;
    };
    const Delta& delta_against(const Room& room, std::uint32_t baseline_tick);

    Config config_;
    protocol::Codec& codec_;
    SnapshotCounts counts_;
    std::uint32_t tick_ = 0;  // of the last capture
    std::vector<protocol::Entity> full_, extrapolated_;
    std::vector<Delta> deltas_;  // the cache, for the room last captured
    std::size_t deltas_used_ = 0;
};

}  // namespace tickwire::game::server
