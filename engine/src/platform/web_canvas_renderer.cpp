#include "tickwire/engine/platform/web_canvas_renderer.hpp"

#include <algorithm>
#include <cstdint>

#include <emscripten/emscripten.h>

namespace tickwire::engine {
namespace {

// The JavaScript side: Module.twCanvases[id] = {canvas, ctx, style, font}.
// Colours cross as one 32-bit RGBA number and become a CSS string only when
// they change (setting fillStyle parses it again).
EM_JS(int, tw_canvas_open, (const char* selector), {
    var canvas = document.querySelector(UTF8ToString(selector));
    if (!canvas || !canvas.getContext) return 0;
    var ctx = canvas.getContext('2d', {alpha: false});
    if (!ctx) return 0;
    Module.twCanvases = Module.twCanvases || [null];
    var slot = {canvas: canvas, ctx: ctx, fill: -1, stroke: -1, font: 0};
    slot.css = function(c) {
        return 'rgba(' + ((c >>> 24) & 255) + ',' + ((c >>> 16) & 255) + ',' + ((c >>> 8) & 255) + ',' +
               ((c & 255) / 255) + ')';
    };
    slot.setFill = function(c) { if (slot.fill !== c) { slot.fill = c; ctx.fillStyle = slot.css(c); } };
    slot.setStroke = function(c) { if (slot.stroke !== c) { slot.stroke = c; ctx.strokeStyle = slot.css(c); } };
    slot.setFont = function(px) {
        if (slot.font !== px) { slot.font = px; ctx.font = px + 'px "DejaVu Sans", Verdana, Arial, sans-serif'; }
    };
    Module.twCanvases.push(slot);
    return Module.twCanvases.length - 1;
});

EM_JS(void, tw_canvas_close, (int id), { Module.twCanvases[id] = null; });

EM_JS(void, tw_canvas_resize, (int id, int css_w, int css_h, double ratio), {
    var s = Module.twCanvases[id];
    s.canvas.width = Math.round(css_w * ratio);
    s.canvas.height = Math.round(css_h * ratio);
    // A resize resets the context's state: scale, styles, font.
    s.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    s.ctx.textBaseline = 'top';
    s.ctx.lineWidth = 1;
    s.fill = -1;
    s.stroke = -1;
    s.font = 0;
});

EM_JS(void, tw_canvas_fill_rect, (int id, float x, float y, float w, float h, int c), {
    var s = Module.twCanvases[id];
    s.setFill(c >>> 0);
    s.ctx.fillRect(x, y, w, h);
});

EM_JS(void, tw_canvas_stroke_rect, (int id, float x, float y, float w, float h, int c), {
    var s = Module.twCanvases[id];
    s.setStroke(c >>> 0);
    // Half-pixel offsets put a 1-pixel line on pixels, not between them.
    s.ctx.strokeRect(x + 0.5, y + 0.5, Math.max(0, w - 1), Math.max(0, h - 1));
});

EM_JS(void, tw_canvas_line, (int id, float x0, float y0, float x1, float y1, int c), {
    var s = Module.twCanvases[id];
    s.setStroke(c >>> 0);
    s.ctx.beginPath();
    s.ctx.moveTo(x0 + 0.5, y0 + 0.5);
    s.ctx.lineTo(x1 + 0.5, y1 + 0.5);
    s.ctx.stroke();
});

EM_JS(void, tw_canvas_circle, (int id, float cx, float cy, float r, int c, int filled), {
    var s = Module.twCanvases[id];
    s.ctx.beginPath();
    s.ctx.arc(cx, cy, r, 0, 2 * Math.PI);
    if (filled) {
        s.setFill(c >>> 0);
        s.ctx.fill();
    } else {
        s.setStroke(c >>> 0);
        s.ctx.stroke();
    }
});

EM_JS(void, tw_canvas_triangle, (int id, float x0, float y0, float x1, float y1, float x2, float y2, int c), {
    var s = Module.twCanvases[id];
    s.setFill(c >>> 0);
    s.ctx.beginPath();
    s.ctx.moveTo(x0, y0);
    s.ctx.lineTo(x1, y1);
    s.ctx.lineTo(x2, y2);
    s.ctx.closePath();
    s.ctx.fill();
});

// One line of text (no '\n'); returns its width in CSS pixels. draw = 0 measures only.
EM_JS(double, tw_canvas_text, (int id, float x, float y, const char* utf8, int bytes, int px, int draw, int c), {
    var s = Module.twCanvases[id];
    var text = UTF8ToString(utf8, bytes);
    s.setFont(px);
    if (draw) {
        s.setFill(c >>> 0);
        s.ctx.fillText(text, x, y);
    }
    return s.ctx.measureText(text).width;
});

std::int32_t packed(Color c) {
    return static_cast<std::int32_t>((std::uint32_t{c.r} << 24) | (std::uint32_t{c.g} << 16) |
                                     (std::uint32_t{c.b} << 8) | std::uint32_t{c.a});
}

// The native renderer's DejaVu Sans lines are about 1.17 times the pixel size.
int line_height(int pixel_size) { return (pixel_size * 117 + 50) / 100; }

}  // namespace

CanvasRenderer::CanvasRenderer(const std::string& selector) : id_(tw_canvas_open(selector.c_str())) {}

CanvasRenderer::~CanvasRenderer() {
    if (id_ > 0) tw_canvas_close(id_);
}

void CanvasRenderer::resize(int css_width, int css_height, double device_pixel_ratio) {
    width_ = std::max(css_width, 1);
    height_ = std::max(css_height, 1);
    tw_canvas_resize(id_, width_, height_, device_pixel_ratio > 0 ? device_pixel_ratio : 1.0);
}

void CanvasRenderer::clear(Color color) {
    color.a = 255;
    tw_canvas_fill_rect(id_, 0, 0, static_cast<float>(width_), static_cast<float>(height_), packed(color));
}

void CanvasRenderer::fill_rect(float x, float y, float w, float h, Color color) {
    tw_canvas_fill_rect(id_, x, y, w, h, packed(color));
}

void CanvasRenderer::draw_rect(float x, float y, float w, float h, Color color) {
    tw_canvas_stroke_rect(id_, x, y, w, h, packed(color));
}

void CanvasRenderer::draw_line(float x0, float y0, float x1, float y1, Color color) {
    tw_canvas_line(id_, x0, y0, x1, y1, packed(color));
}

void CanvasRenderer::fill_circle(float cx, float cy, float radius, Color color) {
    tw_canvas_circle(id_, cx, cy, radius, packed(color), 1);
}

void CanvasRenderer::draw_circle(float cx, float cy, float radius, Color color) {
    tw_canvas_circle(id_, cx, cy, radius, packed(color), 0);
}

void CanvasRenderer::fill_triangle(float x0, float y0, float x1, float y1, float x2, float y2, Color color) {
    tw_canvas_triangle(id_, x0, y0, x1, y1, x2, y2, packed(color));
}

TextSize CanvasRenderer::draw_text(float x, float y, std::string_view utf8, Color color, int pixel_size) {
    return text(x, y, utf8, pixel_size, &color);
}

TextSize CanvasRenderer::measure_text(std::string_view utf8, int pixel_size) {
    return text(0, 0, utf8, pixel_size, nullptr);
}

// Canvas text has no line breaks: one fillText per line.
TextSize CanvasRenderer::text(float x, float y, std::string_view utf8, int pixel_size, const Color* color) {
    pixel_size = std::clamp(pixel_size, 6, 128);
    TextSize size{0, line_height(pixel_size)};
    int lines = 0;
    while (true) {
        const std::size_t end = std::min(utf8.find('\n'), utf8.size());
        const float line_y = y + static_cast<float>(lines * size.height);
        const double w = tw_canvas_text(id_, x, line_y, utf8.data(), static_cast<int>(end), pixel_size,
                                        color != nullptr ? 1 : 0, color != nullptr ? packed(*color) : 0);
        size.width = std::max(size.width, static_cast<int>(w + 0.5));
        ++lines;
        if (end == utf8.size()) break;
        utf8.remove_prefix(end + 1);
    }
    size.height *= lines;
    return size;
}

}  // namespace tickwire::engine
