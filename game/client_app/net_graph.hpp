#pragma once
// NetGraph: the F3 panel. Keeps a rolling history of ClientView::net
// (sampled ten times a second, about 15 s kept) and draws the current
// numbers over a small graph: the transport's RTT, the clock-sync round trip
// with the snapshot jitter as a band around it, bytes in and out.
//
// Thread: the game thread.

#include <array>
#include <cstddef>

#include "draw_util.hpp"
#include "tickwire/game/client_view.hpp"

namespace tickwire::game::client_app {

class NetGraph {
public:
    /// Call every frame; records a sample when 100 ms have passed.
    void sample(const NetStats& stats, float time_s);
    /// Draws the panel with its top-left at (x, y); returns its height.
    float draw(Renderer& r, float x, float y, const NetStats& stats);

    static constexpr float kWidth = 300;

private:
    struct Sample {
        float rtt = 0, clock_rtt = 0, jitter = 0, in = 0, out = 0;
    };
    static constexpr std::size_t kSamples = 150;

    std::array<Sample, kSamples> history_{};
    std::size_t next_ = 0;
    std::size_t count_ = 0;
    float last_sample_ = -1;
};

}  // namespace tickwire::game::client_app
