#pragma once
// EventBatch: one room's kills, scores and respawns since the last batch went
// out. Sent at ServerConfig::events_rate, not with every snapshot: each batch
// is a message of its own (reliable, while snapshots are latest-state), and in
// a busy room one per snapshot doubled what every client receives and the
// server writes.
//
// Thread: the game thread.

#include <vector>

#include "tickwire/game/sim/world.hpp"
#include "tickwire/schemas/game.hpp"

namespace tickwire::game::server {

class EventBatch {
public:
    /// What the world's last step produced.
    void collect(const sim::World& world);

    [[nodiscard]] bool empty() const noexcept { return kills_.empty() && scores_.empty() && respawns_.empty(); }
    [[nodiscard]] const std::vector<KillEvent>& kills() const noexcept { return kills_; }
    [[nodiscard]] const std::vector<ScoreEvent>& scores() const noexcept { return scores_; }
    [[nodiscard]] const std::vector<RespawnEvent>& respawns() const noexcept { return respawns_; }
    /// After sending (keeps the capacity: no allocation per batch after warm-up).
    void clear() noexcept;

private:
    std::vector<KillEvent> kills_;
    std::vector<ScoreEvent> scores_;
    std::vector<RespawnEvent> respawns_;
};

}  // namespace tickwire::game::server
