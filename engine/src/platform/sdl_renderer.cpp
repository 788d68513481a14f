#include "tickwire/engine/platform/sdl_renderer.hpp"

#include <SDL.h>
#include <SDL_ttf.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <unordered_map>
#include <utility>

#include "bitmap_font.hpp"

namespace tickwire::engine {

namespace {

constexpr float kPi = 3.14159265358979f;
constexpr int kMinTextSize = 6;
constexpr int kMaxTextSize = 128;
// One atlas texture per pixel size, big enough for a few hundred glyphs:
// 512 px holds ~300 glyphs of 32 px text (1 MiB), 2048 px the same at 128 px.
int atlas_dimension(int pixel_size) { return pixel_size <= 32 ? 512 : pixel_size <= 64 ? 1024 : 2048; }
constexpr char32_t kReplacement = 0xFFFD;
constexpr std::size_t kMaxCachedGlyphs = 4096;  // per pixel size

bool readable(const std::string& path) {
    return !path.empty() && std::ifstream(path, std::ios::binary).good();
}

// Next code point of `text` from `pos`; invalid sequences give U+FFFD and
// consume one byte.
char32_t next_code_point(std::string_view text, std::size_t& pos) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(pos);
    if (lead < 0x80) {
        ++pos;
        return lead;
    }
    const int extra = (lead >> 5) == 0x6 ? 1 : (lead >> 4) == 0xE ? 2 : (lead >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || text.size() - pos <= static_cast<std::size_t>(extra)) {
        ++pos;
        return kReplacement;
    }
    char32_t cp = lead & (0x3F >> extra);
    for (int i = 1; i <= extra; ++i) {
        const unsigned char c = byte(pos + static_cast<std::size_t>(i));
        if ((c & 0xC0) != 0x80) {
            ++pos;
            return kReplacement;
        }
        cp = (cp << 6) | (c & 0x3F);
    }
    pos += static_cast<std::size_t>(extra) + 1;
    return cp;
}

int clamp_size(int pixel_size) { return std::clamp(pixel_size, kMinTextSize, kMaxTextSize); }

}  // namespace

std::string find_font_file() {
    if (const char* env = std::getenv("TICKWIRE_FONT"); env != nullptr && readable(env)) return env;
    static constexpr const char* kKnown[] = {
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",      // Debian, Ubuntu: fonts-dejavu-core
        "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",                   // Arch
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",                // Fedora
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",     // newer Fedora
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/System/Library/Fonts/Supplemental/Arial.ttf",          // macOS
        "C:/Windows/Fonts/arial.ttf",
    };
    for (const char* path : kKnown) {
        if (readable(path)) return path;
    }
    return {};
}

// ---- text: TrueType glyph atlases, or the bitmap fallback -------------------

class Renderer2D::Text {
public:
    Text(SDL_Renderer* renderer, std::string font_file) : renderer_(renderer), font_file_(std::move(font_file)) {
        cells_.reserve(detail::kBitmapGlyphWidth * detail::kBitmapGlyphHeight);
        if (font_file_.empty()) font_file_ = find_font_file();
        if (font_file_.empty()) {
            SDL_Log("tickwire: no TrueType font found (set TICKWIRE_FONT); using the bitmap font");
            return;
        }
        if (TTF_Init() != 0) {
            SDL_Log("tickwire: TTF_Init failed (%s); using the bitmap font", TTF_GetError());
            font_file_.clear();
            return;
        }
        ttf_initialised_ = true;
        // Probe the file once so a broken font degrades here, not mid-frame.
        if (TTF_Font* probe = TTF_OpenFont(font_file_.c_str(), 16)) {
            TTF_CloseFont(probe);
        } else {
            SDL_Log("tickwire: cannot load font %s (%s); using the bitmap font", font_file_.c_str(), TTF_GetError());
            font_file_.clear();
        }
    }

    ~Text() {
        for (auto& atlas : atlases_) {
            if (atlas.texture != nullptr) SDL_DestroyTexture(atlas.texture);
            if (atlas.font != nullptr) TTF_CloseFont(atlas.font);
        }
        if (ttf_initialised_) TTF_Quit();
    }

    [[nodiscard]] bool truetype() const noexcept { return !font_file_.empty(); }
    [[nodiscard]] const std::string& file() const noexcept { return font_file_; }

    TextSize draw(float x, float y, std::string_view text, Color color, int size, bool measure_only) {
        size = clamp_size(size);
        if (truetype()) {
            if (Atlas* atlas = atlas_for(size)) return draw_truetype(*atlas, x, y, text, color, measure_only);
        }
        return draw_bitmap(x, y, text, color, size, measure_only);
    }

private:
    struct Glyph {
        SDL_Rect source{0, 0, 0, 0};  // in the atlas; w == 0 for blank glyphs
        int advance = 0;
    };

    struct Atlas {
        int size = 0;
        int dimension = 0;  // the atlas texture is dimension x dimension
        TTF_Font* font = nullptr;
        SDL_Texture* texture = nullptr;
        int line_height = 0;
        int pen_x = 1, pen_y = 1, row_height = 0;
        bool full = false;
        std::unordered_map<char32_t, Glyph> glyphs;
    };

    Atlas* atlas_for(int size) {
        for (auto& atlas : atlases_) {
            if (atlas.size == size) return atlas.font != nullptr ? &atlas : nullptr;
        }
        Atlas& atlas = atlases_.emplace_back();
        atlas.size = size;
        atlas.font = TTF_OpenFont(font_file_.c_str(), size);
        if (atlas.font == nullptr) return nullptr;
        atlas.line_height = TTF_FontLineSkip(atlas.font);
        atlas.dimension = atlas_dimension(size);
        atlas.texture = SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC,
                                          atlas.dimension, atlas.dimension);
        if (atlas.texture == nullptr) {
            TTF_CloseFont(atlas.font);
            atlas.font = nullptr;
            return nullptr;
        }
        SDL_SetTextureBlendMode(atlas.texture, SDL_BLENDMODE_BLEND);
        // Printable ASCII up front: a HUD never waits for its digits.
        for (char32_t c = 32; c < 127; ++c) (void)glyph(atlas, c);
        return &atlas;
    }

    // The glyph for `cp`, rasterised into the atlas on first use.
    const Glyph* glyph(Atlas& atlas, char32_t cp) {
        if (auto it = atlas.glyphs.find(cp); it != atlas.glyphs.end()) return &it->second;
        // Missing from the font, or no room left: draw '?' instead (cached
        // under its own code point, so the miss is not retried every frame).
        if (atlas.full || !TTF_GlyphIsProvided32(atlas.font, cp)) return missing(atlas, cp);

        Glyph g;
        int minx = 0, maxx = 0, miny = 0, maxy = 0;
        if (TTF_GlyphMetrics32(atlas.font, cp, &minx, &maxx, &miny, &maxy, &g.advance) != 0) return nullptr;
        SDL_Surface* surface = TTF_RenderGlyph32_Blended(atlas.font, cp, SDL_Color{255, 255, 255, 255});
        if (surface != nullptr && surface->w > 0 && surface->h > 0) {
            if (atlas.pen_x + surface->w + 1 > atlas.dimension) {
                atlas.pen_x = 1;
                atlas.pen_y += atlas.row_height + 1;
                atlas.row_height = 0;
            }
            if (atlas.pen_y + surface->h + 1 > atlas.dimension || surface->w + 2 > atlas.dimension) {
                atlas.full = true;
                SDL_FreeSurface(surface);
                return missing(atlas, cp);
            }
            SDL_Surface* argb = surface->format->format == SDL_PIXELFORMAT_ARGB8888
                                    ? surface
                                    : SDL_ConvertSurfaceFormat(surface, SDL_PIXELFORMAT_ARGB8888, 0);
            g.source = SDL_Rect{atlas.pen_x, atlas.pen_y, surface->w, surface->h};
            if (argb != nullptr) SDL_UpdateTexture(atlas.texture, &g.source, argb->pixels, argb->pitch);
            if (argb != nullptr && argb != surface) SDL_FreeSurface(argb);
            atlas.pen_x += surface->w + 1;
            atlas.row_height = std::max(atlas.row_height, surface->h);
        }
        if (surface != nullptr) SDL_FreeSurface(surface);
        return &atlas.glyphs.emplace(cp, g).first->second;
    }

    const Glyph* missing(Atlas& atlas, char32_t cp) {
        if (cp == '?') return nullptr;
        const Glyph* question = glyph(atlas, '?');
        if (question == nullptr) return nullptr;
        // Chat text comes from other players: a flood of distinct code points
        // must not grow the cache without bound.
        if (atlas.glyphs.size() >= kMaxCachedGlyphs) return question;
        return &atlas.glyphs.emplace(cp, *question).first->second;
    }

    TextSize draw_truetype(Atlas& atlas, float x, float y, std::string_view text, Color color, bool measure_only) {
        if (!measure_only) {
            SDL_SetTextureColorMod(atlas.texture, color.r, color.g, color.b);
            SDL_SetTextureAlphaMod(atlas.texture, color.a);
        }
        int pen = 0, width = 0, lines = 1;
        for (std::size_t pos = 0; pos < text.size();) {
            const char32_t cp = next_code_point(text, pos);
            if (cp == '\n') {
                width = std::max(width, pen);
                pen = 0;
                ++lines;
                continue;
            }
            const Glyph* g = glyph(atlas, cp);
            if (g == nullptr) continue;
            if (!measure_only && g->source.w > 0) {
                const SDL_FRect dest{x + static_cast<float>(pen), y + static_cast<float>((lines - 1) * atlas.line_height),
                                     static_cast<float>(g->source.w), static_cast<float>(g->source.h)};
                SDL_RenderCopyF(renderer_, atlas.texture, &g->source, &dest);
            }
            pen += g->advance;
        }
        return TextSize{std::max(width, pen), lines * atlas.line_height};
    }

    TextSize draw_bitmap(float x, float y, std::string_view text, Color color, int size, bool measure_only) {
        using namespace detail;
        // Whole-pixel scale keeps the cells crisp: 16 px text is 2x (10x14 glyphs).
        const int scale = std::max(1, size / 8);
        const int advance = kBitmapAdvance * scale;
        const int line_height = kBitmapLineHeight * scale;
        if (!measure_only) SDL_SetRenderDrawColor(renderer_, color.r, color.g, color.b, color.a);
        if (!measure_only) SDL_SetRenderDrawBlendMode(renderer_, color.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
        int pen = 0, width = 0, lines = 1;
        for (std::size_t pos = 0; pos < text.size();) {
            char32_t cp = next_code_point(text, pos);
            if (cp == '\n') {
                width = std::max(width, pen);
                pen = 0;
                ++lines;
                continue;
            }
            if (cp < 32 || cp > 126) cp = '?';
            if (!measure_only) {
                const auto& rows = kBitmapGlyphs[cp - 32];
                const int top = (lines - 1) * line_height + (1 + bitmap_glyph_drop(cp)) * scale;
                cells_.clear();
                for (int row = 0; row < kBitmapGlyphHeight; ++row) {
                    for (int col = 0; col < kBitmapGlyphWidth; ++col) {
                        if (rows[row][col] != '#') continue;
                        cells_.push_back(SDL_FRect{x + static_cast<float>(pen + col * scale),
                                                   y + static_cast<float>(top + row * scale),
                                                   static_cast<float>(scale), static_cast<float>(scale)});
                    }
                }
                SDL_RenderFillRectsF(renderer_, cells_.data(), static_cast<int>(cells_.size()));
            }
            pen += advance;
        }
        return TextSize{std::max(width, pen), lines * line_height};
    }

    SDL_Renderer* renderer_;
    std::string font_file_;
    bool ttf_initialised_ = false;
    std::vector<Atlas> atlases_;
    std::vector<SDL_FRect> cells_;  // one glyph's lit cells, reused
};

// ---- Renderer2D ---------------------------------------------------------------

Renderer2D::Renderer2D(SDL_Renderer* renderer, std::string font_file)
    : renderer_(renderer), text_(std::make_unique<Text>(renderer, std::move(font_file))) {
    vertices_.reserve(256);
}

Renderer2D::~Renderer2D() = default;

void Renderer2D::set_color(Color color) {
    SDL_SetRenderDrawColor(renderer_, color.r, color.g, color.b, color.a);
    SDL_SetRenderDrawBlendMode(renderer_, color.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
}

void Renderer2D::clear(Color color) {
    SDL_SetRenderDrawColor(renderer_, color.r, color.g, color.b, color.a);
    SDL_RenderClear(renderer_);
}

void Renderer2D::fill_rect(float x, float y, float w, float h, Color color) {
    set_color(color);
    const SDL_FRect rect{x, y, w, h};
    SDL_RenderFillRectF(renderer_, &rect);
}

void Renderer2D::draw_rect(float x, float y, float w, float h, Color color) {
    set_color(color);
    const SDL_FRect rect{x, y, w, h};
    SDL_RenderDrawRectF(renderer_, &rect);
}

void Renderer2D::draw_line(float x0, float y0, float x1, float y1, Color color) {
    set_color(color);
    SDL_RenderDrawLineF(renderer_, x0, y0, x1, y1);
}

namespace {
// Enough segments that the polygon is within a quarter pixel of the circle.
int circle_segments(float radius) {
    if (radius <= 0.5f) return 8;
    const float step = 2.0f * std::acos(std::max(0.0f, 1.0f - 0.25f / radius));
    return std::clamp(static_cast<int>(std::ceil(2.0f * kPi / step)), 8, 256);
}
}  // namespace

void Renderer2D::fill_circle(float cx, float cy, float radius, Color color) {
    const SDL_Color c{color.r, color.g, color.b, color.a};
    const int segments = circle_segments(radius);
    vertices_.clear();
    for (int i = 0; i < segments; ++i) {
        const float a0 = 2.0f * kPi * static_cast<float>(i) / static_cast<float>(segments);
        const float a1 = 2.0f * kPi * static_cast<float>(i + 1) / static_cast<float>(segments);
        vertices_.push_back(SDL_Vertex{SDL_FPoint{cx, cy}, c, SDL_FPoint{0, 0}});
        vertices_.push_back(SDL_Vertex{SDL_FPoint{cx + radius * std::cos(a0), cy + radius * std::sin(a0)}, c, SDL_FPoint{0, 0}});
        vertices_.push_back(SDL_Vertex{SDL_FPoint{cx + radius * std::cos(a1), cy + radius * std::sin(a1)}, c, SDL_FPoint{0, 0}});
    }
    fill_geometry();
}

void Renderer2D::draw_circle(float cx, float cy, float radius, Color color) {
    set_color(color);
    const int segments = circle_segments(radius);
    float px = cx + radius, py = cy;
    for (int i = 1; i <= segments; ++i) {
        const float a = 2.0f * kPi * static_cast<float>(i) / static_cast<float>(segments);
        const float x = cx + radius * std::cos(a), y = cy + radius * std::sin(a);
        SDL_RenderDrawLineF(renderer_, px, py, x, y);
        px = x;
        py = y;
    }
}

void Renderer2D::fill_triangle(float x0, float y0, float x1, float y1, float x2, float y2, Color color) {
    const SDL_Color c{color.r, color.g, color.b, color.a};
    vertices_.clear();
    vertices_.push_back(SDL_Vertex{SDL_FPoint{x0, y0}, c, SDL_FPoint{0, 0}});
    vertices_.push_back(SDL_Vertex{SDL_FPoint{x1, y1}, c, SDL_FPoint{0, 0}});
    vertices_.push_back(SDL_Vertex{SDL_FPoint{x2, y2}, c, SDL_FPoint{0, 0}});
    fill_geometry();
}

void Renderer2D::fill_geometry() {
    SDL_SetRenderDrawBlendMode(renderer_, SDL_BLENDMODE_BLEND);
    SDL_RenderGeometry(renderer_, nullptr, vertices_.data(), static_cast<int>(vertices_.size()), nullptr, 0);
}

TextSize Renderer2D::draw_text(float x, float y, std::string_view utf8, Color color, int pixel_size) {
    return text_->draw(x, y, utf8, color, pixel_size, false);
}

TextSize Renderer2D::measure_text(std::string_view utf8, int pixel_size) {
    return text_->draw(0, 0, utf8, Color{}, pixel_size, true);
}

void Renderer2D::present() { SDL_RenderPresent(renderer_); }

int Renderer2D::width() const {
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(renderer_, &w, &h);
    return w;
}

int Renderer2D::height() const {
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(renderer_, &w, &h);
    return h;
}

bool Renderer2D::has_truetype_font() const noexcept { return text_->truetype(); }
const std::string& Renderer2D::font_file() const noexcept { return text_->file(); }

SDL_Surface* Renderer2D::read_pixels(SDL_Surface* surface) {
    const int w = width(), h = height();
    SDL_Surface* target = surface != nullptr ? surface
                                             : SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (target == nullptr) return nullptr;
    if (SDL_RenderReadPixels(renderer_, nullptr, target->format->format, target->pixels, target->pitch) != 0) {
        if (surface == nullptr) SDL_FreeSurface(target);
        return nullptr;
    }
    return target;
}

// ---- SoftwareCanvas -------------------------------------------------------------

SoftwareCanvas::SoftwareCanvas(int width, int height, std::string font_file) {
    surface_ = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
    if (surface_ == nullptr) return;
    sdl_renderer_ = SDL_CreateSoftwareRenderer(surface_);
    if (sdl_renderer_ == nullptr) return;
    renderer2d_ = std::make_unique<Renderer2D>(sdl_renderer_, std::move(font_file));
}

SoftwareCanvas::~SoftwareCanvas() {
    renderer2d_.reset();  // its textures belong to sdl_renderer_
    if (sdl_renderer_ != nullptr) SDL_DestroyRenderer(sdl_renderer_);
    if (surface_ != nullptr) SDL_FreeSurface(surface_);
}

std::uint32_t SoftwareCanvas::pixel(int x, int y) const {
    if (surface_ == nullptr || x < 0 || y < 0 || x >= surface_->w || y >= surface_->h) return 0;
    const auto* row = static_cast<const std::uint8_t*>(surface_->pixels) + static_cast<std::ptrdiff_t>(y) * surface_->pitch;
    return reinterpret_cast<const std::uint32_t*>(row)[x];
}

bool SoftwareCanvas::save_bmp(const std::string& path) const {
    return surface_ != nullptr && SDL_SaveBMP(surface_, path.c_str()) == 0;
}

}  // namespace tickwire::engine
