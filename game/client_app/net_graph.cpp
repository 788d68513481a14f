#include "net_graph.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "palette.hpp"

namespace tickwire::game::client_app {
namespace {

constexpr Color kRtt{110, 200, 255};
constexpr Color kClockRtt{150, 150, 190};
constexpr Color kIn{120, 230, 140};
constexpr Color kOut{250, 170, 90};

// "4.2 KB/s" style.
void format_rate(char* out, std::size_t size, float bytes_per_s) {
    if (bytes_per_s >= 1024.0f * 1024.0f) {
        std::snprintf(out, size, "%.2f MB/s", static_cast<double>(bytes_per_s / (1024.0f * 1024.0f)));
    } else if (bytes_per_s >= 1024.0f) {
        std::snprintf(out, size, "%.1f KB/s", static_cast<double>(bytes_per_s / 1024.0f));
    } else {
        std::snprintf(out, size, "%.0f B/s", static_cast<double>(bytes_per_s));
    }
}

}  // namespace

void NetGraph::sample(const NetStats& stats, float time_s) {
    if (last_sample_ >= 0 && time_s - last_sample_ < 0.1f) return;
    last_sample_ = time_s;
    history_[next_] = {stats.rtt_ms, stats.clock_rtt_ms, stats.jitter_ms, stats.bytes_in_per_s, stats.bytes_out_per_s};
    next_ = (next_ + 1) % kSamples;
    count_ = std::min(count_ + 1, kSamples);
}

float NetGraph::draw(Renderer2D& r, float x, float y, const NetStats& stats) {
    constexpr float kPad = 10;
    constexpr float kLine = 18;
    constexpr float kGraphH = 56;
    constexpr float kBarsH = 26;
    const float height = kPad * 2 + kLine * 6 + 8 + kGraphH + 6 + kBarsH + 4;
    panel(r, x, y, kWidth, height, theme::kPanel, theme::kPanelEdge);

    char line[96];
    char in[24], out[24];
    float ty = y + kPad;
    std::snprintf(line, sizeof line, "RTT %.2f ms   jitter %.1f ms", static_cast<double>(stats.rtt_ms),
                  static_cast<double>(stats.jitter_ms));
    r.draw_text(x + kPad, ty, line, kRtt, 14);
    ty += kLine;
    // The game messages' own round trip: includes tick waits and any --netsim.
    std::snprintf(line, sizeof line, "clock sync RTT %.1f ms", static_cast<double>(stats.clock_rtt_ms));
    r.draw_text(x + kPad, ty, line, kClockRtt, 14);
    ty += kLine;
    std::snprintf(line, sizeof line, "snapshots %.1f/s   interp %.0f ms", static_cast<double>(stats.snapshot_rate_hz),
                  static_cast<double>(stats.interpolation_delay_ms));
    r.draw_text(x + kPad, ty, line, theme::kText, 14);
    ty += kLine;
    format_rate(in, sizeof in, stats.bytes_in_per_s);
    format_rate(out, sizeof out, stats.bytes_out_per_s);
    const engine::TextSize w = r.draw_text(x + kPad, ty, std::string("in ") + in, kIn, 14);
    r.draw_text(x + kPad + static_cast<float>(w.width) + 16, ty, std::string("out ") + out, kOut, 14);
    ty += kLine;
    std::snprintf(line, sizeof line, "corrections %.1f/s   tick %u", static_cast<double>(stats.corrections_per_s),
                  stats.server_tick);
    r.draw_text(x + kPad, ty, line, stats.corrections_per_s > 2 ? theme::kWarning : theme::kText, 14);
    ty += kLine;
    // Time dilation: how fast inputs are sampled (1.000 = the tick rate) to
    // keep them arriving input_lead ticks early; off against an old server.
    if (stats.input_lead_ticks != 0) {
        std::snprintf(line, sizeof line, "time scale %.3f   input lead %.1f ticks", static_cast<double>(stats.time_scale),
                      static_cast<double>(stats.input_lead_ticks));
    } else {
        std::snprintf(line, sizeof line, "time scale %.3f   input lead n/a", static_cast<double>(stats.time_scale));
    }
    const bool dilating = stats.time_scale < 0.995f || stats.time_scale > 1.005f;
    r.draw_text(x + kPad, ty, line, dilating ? theme::kWarning : theme::kText, 14);
    ty += kLine + 8;

    // Round-trip graph: the transport's RTT (bright) under the clock-sync
    // round trip (dim) with the snapshot jitter as a band around it, scaled
    // to the window's max.
    const float gx = x + kPad, gw = kWidth - 2 * kPad;
    r.fill_rect(gx, ty, gw, kGraphH, {0, 0, 0, 120});
    // Scale to the 90th percentile, so one spike (the first samples before
    // clock sync settles) does not flatten the rest; spikes clip at the top.
    std::array<float, kSamples> tops{};
    float max_rate = 1024;
    for (std::size_t i = 0; i < count_; ++i) {
        const Sample& s = history_[i];
        tops[i] = std::max(s.rtt, s.clock_rtt + s.jitter);
        max_rate = std::max({max_rate, s.in, s.out});
    }
    float max_rtt = 2;  // ms: loopback's RTT is well under 1 ms
    if (count_ > 0) {
        const auto p90 = tops.begin() + static_cast<std::ptrdiff_t>(count_ * 9 / 10);
        std::nth_element(tops.begin(), p90, tops.begin() + static_cast<std::ptrdiff_t>(count_));
        max_rtt = std::max(max_rtt, *p90 * 1.3f);
    }
    const auto y_of = [&](float ms) { return ty + kGraphH - std::clamp(ms, 0.0f, max_rtt) / max_rtt * kGraphH; };
    const float step = gw / static_cast<float>(kSamples - 1);
    const std::size_t first = (next_ + kSamples - count_) % kSamples;
    float px = 0, py = 0, pcy = 0;
    for (std::size_t k = 0; k < count_; ++k) {
        const Sample& s = history_[(first + k) % kSamples];
        const float sx = gx + gw - static_cast<float>(count_ - 1 - k) * step;
        const float top = y_of(s.clock_rtt + s.jitter), bottom = y_of(s.clock_rtt - s.jitter);
        r.fill_rect(sx - step / 2, top, std::max(step, 1.0f), std::max(bottom - top, 1.0f), with_alpha(kClockRtt, 40));
        const float sy = y_of(s.rtt), cy = y_of(s.clock_rtt);
        if (k > 0) {
            thick_line(r, px, pcy, sx, cy, 1.2f, with_alpha(kClockRtt, 160));
            thick_line(r, px, py, sx, sy, 1.6f, kRtt);
        }
        px = sx;
        py = sy;
        pcy = cy;
    }
    std::snprintf(line, sizeof line, max_rtt < 10 ? "%.1f ms" : "%.0f ms", static_cast<double>(max_rtt));
    r.draw_text(gx + 3, ty + 2, line, theme::kTextDim, 11);
    ty += kGraphH + 6;

    // Bytes in (up) and out (down) per sample, around a midline.
    r.fill_rect(gx, ty, gw, kBarsH, {0, 0, 0, 120});
    const float mid = ty + kBarsH / 2;
    for (std::size_t k = 0; k < count_; ++k) {
        const Sample& s = history_[(first + k) % kSamples];
        const float sx = gx + gw - static_cast<float>(count_ - k) * step;
        const float hi = s.in / max_rate * (kBarsH / 2 - 1);
        const float ho = s.out / max_rate * (kBarsH / 2 - 1);
        r.fill_rect(sx, mid - hi, std::max(step - 0.5f, 1.0f), hi, with_alpha(kIn, 190));
        r.fill_rect(sx, mid, std::max(step - 0.5f, 1.0f), ho, with_alpha(kOut, 190));
    }
    r.draw_line(gx, mid, gx + gw, mid, {255, 255, 255, 40});
    return height;
}

}  // namespace tickwire::game::client_app
