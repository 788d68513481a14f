#include "draw_util.hpp"

#include <algorithm>
#include <cmath>

namespace tickwire::game::client_app {

void thick_line(Renderer& r, float x0, float y0, float x1, float y1, float width, Color color) {
    const float dx = x1 - x0;
    const float dy = y1 - y0;
    const float len = std::sqrt(dx * dx + dy * dy);
    if (len < 1e-3f) return;
    const float nx = -dy / len * width / 2;
    const float ny = dx / len * width / 2;
    r.fill_triangle(x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, color);
    r.fill_triangle(x0 + nx, y0 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny, color);
}

void thick_rect(Renderer& r, float x, float y, float w, float h, float width, Color color) {
    r.fill_rect(x, y, w, width, color);
    r.fill_rect(x, y + h - width, w, width, color);
    r.fill_rect(x, y + width, width, h - 2 * width, color);
    r.fill_rect(x + w - width, y + width, width, h - 2 * width, color);
}

engine::TextSize shadow_text(Renderer& r, float x, float y, std::string_view text, Color color, int size) {
    r.draw_text(x + 1, y + 1, text, {0, 0, 0, static_cast<std::uint8_t>(color.a * 3 / 4)}, size);
    return r.draw_text(x, y, text, color, size);
}

engine::TextSize centered_text(Renderer& r, float cx, float y, std::string_view text, Color color, int size) {
    const engine::TextSize s = r.measure_text(text, size);
    return shadow_text(r, std::round(cx - static_cast<float>(s.width) / 2), y, text, color, size);
}

void panel(Renderer& r, float x, float y, float w, float h, Color fill, Color edge) {
    r.fill_rect(x, y, w, h, fill);
    r.draw_rect(x, y, w, h, edge);
}

void bar(Renderer& r, float x, float y, float w, float h, float fraction, Color fill, Color back) {
    r.fill_rect(x, y, w, h, back);
    const float f = std::clamp(fraction, 0.0f, 1.0f);
    if (f > 0) r.fill_rect(x, y, w * f, h, fill);
}

}  // namespace tickwire::game::client_app
