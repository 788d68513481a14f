#pragma once
// CanvasRenderer: the browser backend of engine::Renderer (renderer.hpp),
// drawing into a page's <canvas> through its Canvas 2D context: paths for
// shapes, fillText for text (the browser's own fonts and shaping, so any
// UTF-8 shows). Coordinates are CSS pixels: the canvas's backing store is
// devicePixelRatio times larger and the context is scaled to match, so a HUD
// laid out for a desktop window reads the same on a high-DPI screen and stays
// sharp.
//
// Each call crosses into JavaScript once (EM_JS); the context and its last
// colour live on the JavaScript side, so a frame allocates nothing here.
//
// Thread: the page's thread (the only one a single-threaded page has).

#include <string>
#include <string_view>

#include "tickwire/engine/renderer.hpp"

namespace tickwire::engine {

class CanvasRenderer final : public Renderer {
public:
    /// Draws into the canvas `selector` names (e.g. "#canvas"); ok() is false
    /// when the page has none (or no 2D context).
    explicit CanvasRenderer(const std::string& selector);
    ~CanvasRenderer() override;
    CanvasRenderer(const CanvasRenderer&) = delete;
    CanvasRenderer& operator=(const CanvasRenderer&) = delete;

    [[nodiscard]] bool ok() const noexcept { return id_ > 0; }

    /// Sizes the backing store for a canvas of `css_width` x `css_height` CSS
    /// pixels on a screen of `device_pixel_ratio`; drawing stays in CSS pixels.
    void resize(int css_width, int css_height, double device_pixel_ratio);

    void clear(Color color) override;
    void fill_rect(float x, float y, float w, float h, Color color) override;
    void draw_rect(float x, float y, float w, float h, Color color) override;
    void draw_line(float x0, float y0, float x1, float y1, Color color) override;
    void fill_circle(float cx, float cy, float radius, Color color) override;
    void draw_circle(float cx, float cy, float radius, Color color) override;
    void fill_triangle(float x0, float y0, float x1, float y1, float x2, float y2, Color color) override;
    TextSize draw_text(float x, float y, std::string_view utf8, Color color, int pixel_size = 16) override;
    [[nodiscard]] TextSize measure_text(std::string_view utf8, int pixel_size = 16) override;
    /// The browser shows the canvas when the animation frame returns.
    void present() override {}

    [[nodiscard]] int width() const override { return width_; }
    [[nodiscard]] int height() const override { return height_; }

private:
    // Draws `utf8` (when `color` is set) and measures it.
    TextSize text(float x, float y, std::string_view utf8, int pixel_size, const Color* color);

    int id_ = 0;  // the context's slot on the JavaScript side; 0 = none
    int width_ = 0, height_ = 0;
};

}  // namespace tickwire::engine
