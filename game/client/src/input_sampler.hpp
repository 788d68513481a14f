#pragma once
// InputSampler: the player's intent, sampled into input frames for the
// server: as many a loop tick as time dilation asks for (0, 1 or 2), each
// stamped with the server tick it is for and recorded by prediction (which
// moves the own ship and keeps the frames until the server confirms them).
//
// A fire press is latched until a frame has carried it. Intent is polled
// every rendered frame but sampled once a loop tick, and dilation samples no
// frame in one tick of twenty when it slows down: a click shorter than a
// tick would otherwise fall between two frames and be lost. A button held
// down fires in every frame, as before.
//
// Thread: the game thread.

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "prediction.hpp"
#include "tickwire/game/client_view.hpp"
#include "time_dilation.hpp"

namespace tickwire::game {

class InputSampler {
public:
    /// The player's intent now; call whenever input is polled. A fire press is
    /// kept until a frame carries it, even if released before the next step.
    void set_intent(const PlayerIntent& intent) noexcept;
    [[nodiscard]] const PlayerIntent& intent() const noexcept { return intent_; }

    /// Once per loop tick: records the frames due into `prediction` and
    /// returns their sequences. `arrival_tick` is the clock's estimate of
    /// the server tick a frame sent now is read in; without it (the clock is
    /// not synchronised yet) one frame goes, undilated and unstamped.
    std::span<const std::uint32_t> step(TimeDilation& dilation, Prediction& prediction,
                                        std::optional<double> arrival_tick, std::int64_t now);

    /// A fresh session: nothing latched.
    void reset() noexcept { fire_latched_ = false; }

private:
    PlayerIntent intent_;
    bool fire_latched_ = false;            // pressed since the last frame was sampled
    std::array<std::uint32_t, 2> sampled_{};  // sequences of this step's frames
};

}  // namespace tickwire::game
