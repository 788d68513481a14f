#pragma once
// Renderer: the 2D drawing a game needs for its world, HUD and chat box, as
// one interface the game's renderers draw through without knowing the
// backend: filled and outlined rectangles, circles and triangles, lines, and
// UTF-8 text. Coordinates are output pixels, (0, 0) top-left.
//
// Backends: Renderer2D over SDL2 (platform/sdl_renderer.hpp, native) and
// CanvasRenderer over a Canvas 2D context (platform/web_canvas_renderer.hpp,
// in a browser).
//
// Thread: the thread that owns the backend (normally the game thread).

#include <cstdint>
#include <string_view>

namespace tickwire::engine {

struct Color {
    std::uint8_t r = 0, g = 0, b = 0, a = 255;
};

struct TextSize {
    int width = 0;
    int height = 0;  ///< line height
};

class Renderer {
public:
    virtual ~Renderer() = default;

    virtual void clear(Color color) = 0;
    virtual void fill_rect(float x, float y, float w, float h, Color color) = 0;
    virtual void draw_rect(float x, float y, float w, float h, Color color) = 0;
    virtual void draw_line(float x0, float y0, float x1, float y1, Color color) = 0;
    virtual void fill_circle(float cx, float cy, float radius, Color color) = 0;
    virtual void draw_circle(float cx, float cy, float radius, Color color) = 0;
    virtual void fill_triangle(float x0, float y0, float x1, float y1, float x2, float y2, Color color) = 0;

    /// Draws `utf8` with its top-left corner at (x, y) at `pixel_size` (font
    /// height in pixels, 6..128); returns the size it took. '\n' starts a new
    /// line.
    virtual TextSize draw_text(float x, float y, std::string_view utf8, Color color, int pixel_size = 16) = 0;
    [[nodiscard]] virtual TextSize measure_text(std::string_view utf8, int pixel_size = 16) = 0;

    /// Shows the frame drawn so far.
    virtual void present() = 0;

    /// Output size in pixels.
    [[nodiscard]] virtual int width() const = 0;
    [[nodiscard]] virtual int height() const = 0;

protected:
    Renderer() = default;
    Renderer(const Renderer&) = default;
    Renderer& operator=(const Renderer&) = default;
};

}  // namespace tickwire::engine
