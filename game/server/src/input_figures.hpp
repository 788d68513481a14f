#pragma once
// InputFigures: how players' input frames reached the sim over the last
// 10 seconds, across all clients (GET /status): frames applied, merged
// (late ones folded into the frame applied with them) and dropped (refused
// or rate limited), ticks a connected player's ship ran on a held input
// (and how many of those the late frames made good),
// frames received twice or never (each is sent once, and sequences run
// +1), and percentiles of how long applied frames waited past the tick they
// could first have been applied in.
//
// Ten one-second buckets of counters and a small histogram, rolled by the
// server's tick: constant memory, nothing allocated per tick.
//
// Thread: the game thread.

#include <algorithm>
#include <array>
#include <cstdint>

#include "input_queue.hpp"
#include "tickwire/game/server/match_server.hpp"

namespace tickwire::game::server {

class InputFigures {
public:
    static constexpr int kSeconds = 10;
    static constexpr int kWaitBins = 64;  ///< waits of 63 ticks or more share the last bin

    explicit InputFigures(int tick_rate) : tick_rate_(tick_rate > 0 ? tick_rate : 60) {}

    /// Call at the start of each server tick, before counting its inputs.
    void start_tick(std::uint32_t tick) noexcept;
    void applied(int wait_ticks, std::uint64_t merged) noexcept;
    void held() noexcept {
        ++current().held_ticks;
        ++totals_.held_ticks;
    }
    /// Held ticks whose guessed moves were replaced (moved again with the
    /// late frames, or undone: World::replace_held_moves).
    void replaced(int held_ticks) noexcept {
        current().held_replaced += static_cast<std::uint64_t>(held_ticks);
        totals_.held_replaced += static_cast<std::uint64_t>(held_ticks);
    }
    /// A frame that fires, judged `rewind_q8` in the past (0: the present).
    void shot(std::uint32_t rewind_q8) noexcept { max_rewind_q8_ = std::max(max_rewind_q8_, rewind_q8); }
    /// The largest rewind any shot was given (Q8 ticks).
    [[nodiscard]] std::uint32_t max_rewind_q8() const noexcept { return max_rewind_q8_; }
    void dropped(std::uint64_t frames) noexcept {
        current().dropped += frames;
        totals_.dropped += frames;
    }
    /// The frames of one message, as the player's queue took them.
    void offered(const InputQueue::Offered& o) noexcept {
        dropped(o.refused);
        current().repeated += o.repeated;
        current().skipped += o.skipped;
        totals_.repeated += o.repeated;
        totals_.skipped += o.skipped;
    }

    /// The last kSeconds (the current second included).
    [[nodiscard]] InputTiming window() const noexcept;
    /// Since the start (no percentiles).
    [[nodiscard]] const InputTiming& totals() const noexcept { return totals_; }

private:
    struct Bucket {
        std::uint32_t second = 0;
        std::uint64_t applied = 0, merged = 0, dropped = 0, held_ticks = 0, held_replaced = 0, repeated = 0, skipped = 0;
        std::array<std::uint32_t, kWaitBins> waits{};
    };
    Bucket& current() noexcept { return buckets_[second_ % kSeconds]; }

    int tick_rate_;
    std::uint32_t second_ = 0;
    std::array<Bucket, kSeconds> buckets_{};
    InputTiming totals_;
    std::uint32_t max_rewind_q8_ = 0;
};

}  // namespace tickwire::game::server
