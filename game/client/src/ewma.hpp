#pragma once
// Exponentially weighted moving average: the client's smoothed figures (round
// trip, jitter, snapshot interval). The first sample is taken as is.
//
// Thread: a plain value.

namespace tickwire::game {

struct Ewma {
    double value = 0;
    bool primed = false;

    void add(double sample, double weight) noexcept {
        value = primed ? value + (sample - value) * weight : sample;
        primed = true;
    }
};

}  // namespace tickwire::game
