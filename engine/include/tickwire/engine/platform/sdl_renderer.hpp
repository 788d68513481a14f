#pragma once
// Renderer2D: the native backend of engine::Renderer (renderer.hpp), over an
// SDL_Renderer: filled and outlined rectangles, circles and triangles, lines,
// and text.
//
// Text is UTF-8. With a TrueType font (SDL2_ttf; the file is found at run
// time, see find_font_file) glyphs are rasterised once per pixel size into a
// texture atlas and drawn as textured quads, so a HUD redrawn every frame
// costs no allocation once its glyphs are cached. Without any font file, text
// falls back to an embedded 5x7 bitmap font (ASCII; other characters as '?'),
// scaled to the requested size, so a HUD still shows.
//
// Thread: the thread that created the SDL_Renderer (SDL's rule), normally the
// game thread.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tickwire/engine/renderer.hpp"

struct SDL_Renderer;
struct SDL_Surface;
struct SDL_Vertex;

namespace tickwire::engine {

/// A TrueType font path: $TICKWIRE_FONT if it names a readable file, else the
/// first readable one of a list of well-known locations (DejaVu from Debian's
/// fonts-dejavu-core first, then Liberation, FreeFont, other distributions'
/// paths). Empty if none: text then uses the bitmap font.
[[nodiscard]] std::string find_font_file();

class Renderer2D final : public Renderer {
public:
    /// Draws with `renderer` (not owned; must outlive this). `font_file`
    /// empty = find_font_file(); a file that fails to load falls back to the
    /// bitmap font (logged once through SDL_Log).
    explicit Renderer2D(SDL_Renderer* renderer, std::string font_file = {});
    ~Renderer2D() override;

    Renderer2D(const Renderer2D&) = delete;
    Renderer2D& operator=(const Renderer2D&) = delete;

    void clear(Color color) override;
    void fill_rect(float x, float y, float w, float h, Color color) override;
    void draw_rect(float x, float y, float w, float h, Color color) override;
    void draw_line(float x0, float y0, float x1, float y1, Color color) override;
    void fill_circle(float cx, float cy, float radius, Color color) override;
    void draw_circle(float cx, float cy, float radius, Color color) override;
    void fill_triangle(float x0, float y0, float x1, float y1, float x2, float y2, Color color) override;

    /// Invalid UTF-8 draws as U+FFFD.
    TextSize draw_text(float x, float y, std::string_view utf8, Color color, int pixel_size = 16) override;
    [[nodiscard]] TextSize measure_text(std::string_view utf8, int pixel_size = 16) override;

    void present() override;

    [[nodiscard]] int width() const override;
    [[nodiscard]] int height() const override;

    /// True when text comes from a TrueType font, false for the bitmap fallback.
    [[nodiscard]] bool has_truetype_font() const noexcept;
    [[nodiscard]] const std::string& font_file() const noexcept;

    /// Copies the current target into `surface` (created by the caller at the
    /// output size) or, if null, a new ARGB8888 surface the caller frees with
    /// SDL_FreeSurface. For screenshots and tests. Null on failure.
    SDL_Surface* read_pixels(SDL_Surface* surface = nullptr);

    [[nodiscard]] SDL_Renderer* native() const noexcept { return renderer_; }

private:
    class Text;

    void set_color(Color color);
    void fill_geometry();

    SDL_Renderer* renderer_;
    std::unique_ptr<Text> text_;
    std::vector<SDL_Vertex> vertices_;  // reused: shapes allocate nothing after warm-up
};

/// A Renderer2D drawing into a memory surface with SDL's software renderer:
/// no window and no video driver needed. For tests, screenshots and tools.
/// Thread: one thread at a time.
class SoftwareCanvas {
public:
    /// Check ok() after construction (fails only on out-of-memory or SDL errors).
    SoftwareCanvas(int width, int height, std::string font_file = {});
    ~SoftwareCanvas();
    SoftwareCanvas(const SoftwareCanvas&) = delete;
    SoftwareCanvas& operator=(const SoftwareCanvas&) = delete;

    [[nodiscard]] bool ok() const noexcept { return renderer2d_ != nullptr; }
    Renderer2D& renderer() { return *renderer2d_; }
    /// The pixels drawn so far, ARGB8888.
    [[nodiscard]] SDL_Surface* surface() const noexcept { return surface_; }
    /// Pixel at (x, y) as 0xAARRGGBB.
    [[nodiscard]] std::uint32_t pixel(int x, int y) const;
    /// Writes a BMP file; false on failure.
    bool save_bmp(const std::string& path) const;

private:
    SDL_Surface* surface_ = nullptr;
    SDL_Renderer* sdl_renderer_ = nullptr;
    std::unique_ptr<Renderer2D> renderer2d_;
};

}  // namespace tickwire::engine
