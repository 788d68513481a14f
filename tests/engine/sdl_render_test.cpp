// The SDL platform layer without a display: a real SdlWindow on SDL's
// offscreen video driver, and the SoftwareCanvas; frames are read back and
// pixels checked.

#include <cstdlib>
#include <cstring>

#include <SDL.h>
#include <gtest/gtest.h>

#include "tickwire/engine/platform/sdl_renderer.hpp"
#include "tickwire/engine/platform/sdl_window.hpp"

namespace tickwire::engine {
namespace {

constexpr std::uint32_t argb(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    return 0xFF000000u | (std::uint32_t{r} << 16) | (std::uint32_t{g} << 8) | b;
}

std::uint32_t pixel_at(const SDL_Surface* s, int x, int y) {
    const auto* row = static_cast<const std::uint8_t*>(s->pixels) + static_cast<std::ptrdiff_t>(y) * s->pitch;
    std::uint32_t p = 0;
    std::memcpy(&p, row + static_cast<std::ptrdiff_t>(x) * 4, 4);
    return p | 0xFF000000u;  // the window's framebuffer may leave alpha at 0
}

std::unique_ptr<SdlWindow> offscreen_window(int w, int h) {
    // Before SDL initialises video: no display needed, on CI or a server.
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    // SDL's software renderer on a plain-memory window framebuffer, as under
    // Xvfb without GLX: exact pixels, and EGL/Mesa never load (their
    // driver-internal allocations show up as LeakSanitizer reports).
    setenv("SDL_RENDER_DRIVER", "software", 1);
    setenv("SDL_FRAMEBUFFER_ACCELERATION", "0", 1);
    WindowConfig config;
    config.title = "tickwire test";
    config.width = w;
    config.height = h;
    config.vsync = false;
    std::string error;
    auto window = SdlWindow::create(config, &error);
    EXPECT_NE(window, nullptr) << error;
    return window;
}

TEST(SdlOffscreen, RendersShapesIntoAWindowAndReadsThemBack) {
    auto window = offscreen_window(320, 200);
    ASSERT_NE(window, nullptr);
    Renderer2D& r = window->renderer();
    ASSERT_EQ(r.width(), 320);
    ASSERT_EQ(r.height(), 200);

    r.clear({10, 20, 30});
    r.fill_rect(10, 10, 50, 40, {200, 0, 0});
    r.fill_circle(200, 100, 30, {0, 200, 0});
    r.draw_line(0, 190, 319, 190, {0, 0, 255});
    r.fill_triangle(260, 10, 310, 10, 285, 60, {255, 255, 0});

    SDL_Surface* shot = r.read_pixels();
    ASSERT_NE(shot, nullptr) << SDL_GetError();
    EXPECT_EQ(pixel_at(shot, 5, 5), argb(10, 20, 30));      // background
    EXPECT_EQ(pixel_at(shot, 30, 30), argb(200, 0, 0));     // inside the rect
    EXPECT_EQ(pixel_at(shot, 60, 30), argb(10, 20, 30));    // just right of it
    EXPECT_EQ(pixel_at(shot, 200, 100), argb(0, 200, 0));   // circle centre
    EXPECT_EQ(pixel_at(shot, 200, 75), argb(0, 200, 0));    // inside, near the top
    EXPECT_EQ(pixel_at(shot, 225, 125), argb(10, 20, 30));  // outside (diagonal)
    EXPECT_EQ(pixel_at(shot, 100, 190), argb(0, 0, 255));   // the line
    EXPECT_EQ(pixel_at(shot, 285, 25), argb(255, 255, 0));  // triangle
    SDL_FreeSurface(shot);
    r.present();
}

TEST(SdlOffscreen, KeyboardTextMouseAndQuitEventsReachInputState) {
    auto window = offscreen_window(64, 64);
    ASSERT_NE(window, nullptr);
    InputState input;

    SDL_Event key{};
    key.type = SDL_KEYDOWN;
    key.key.keysym.scancode = SDL_SCANCODE_W;
    SDL_PushEvent(&key);
    key.key.keysym.scancode = SDL_SCANCODE_0;
    SDL_PushEvent(&key);
    SDL_Event text{};
    text.type = SDL_TEXTINPUT;
    std::strcpy(text.text.text, "é!");
    SDL_PushEvent(&text);
    SDL_Event click{};
    click.type = SDL_MOUSEBUTTONDOWN;
    click.button.button = SDL_BUTTON_RIGHT;
    click.button.x = 12;
    click.button.y = 34;
    SDL_PushEvent(&click);
    window->poll_events(input);

    EXPECT_TRUE(input.pressed(Key::kW));
    EXPECT_TRUE(input.down(Key::k0));
    EXPECT_EQ(input.text(), "é!");
    EXPECT_TRUE(input.mouse_pressed(MouseButton::kRight));
    EXPECT_EQ(input.mouse_x(), 12);
    EXPECT_EQ(input.mouse_y(), 34);
    EXPECT_EQ(input.window_width(), 64);
    EXPECT_FALSE(input.quit_requested());

    SDL_Event up{};
    up.type = SDL_KEYUP;
    up.key.keysym.scancode = SDL_SCANCODE_W;
    SDL_PushEvent(&up);
    SDL_Event quit{};
    quit.type = SDL_QUIT;
    SDL_PushEvent(&quit);
    window->poll_events(input);
    EXPECT_TRUE(input.released(Key::kW));
    EXPECT_FALSE(input.pressed(Key::kW));
    EXPECT_TRUE(input.text().empty());
    EXPECT_TRUE(input.quit_requested());
}

TEST(SoftwareCanvas, TrueTypeTextLightsPixelsOnlyInsideItsBox) {
    const std::string font = find_font_file();
    if (font.empty()) GTEST_SKIP() << "no TrueType font installed (fonts-dejavu-core)";
    SoftwareCanvas canvas(200, 60, font);
    ASSERT_TRUE(canvas.ok());
    Renderer2D& r = canvas.renderer();
    ASSERT_TRUE(r.has_truetype_font());
    r.clear({0, 0, 0});
    const TextSize size = r.draw_text(10, 10, "HUD 128 ms", {255, 255, 255}, 20);
    EXPECT_EQ(size.width, r.measure_text("HUD 128 ms", 20).width);
    ASSERT_GT(size.width, 60);
    ASSERT_GE(size.height, 20);

    int lit_inside = 0, lit_outside = 0;
    for (int y = 0; y < 60; ++y) {
        for (int x = 0; x < 200; ++x) {
            const bool lit = (canvas.pixel(x, y) & 0x00FFFFFFu) != 0;
            const bool inside = x >= 10 && x < 10 + size.width + 2 && y >= 10 && y < 10 + size.height;
            (inside ? lit_inside : lit_outside) += lit ? 1 : 0;
        }
    }
    EXPECT_GT(lit_inside, 150);
    EXPECT_EQ(lit_outside, 0);
}

TEST(SoftwareCanvas, AtlasHoldsAllOfAsciiEvenAtTheLargestSize) {
    const std::string font = find_font_file();
    if (font.empty()) GTEST_SKIP() << "no TrueType font installed";
    SoftwareCanvas canvas(64, 64, font);
    ASSERT_TRUE(canvas.ok());
    Renderer2D& r = canvas.renderer();
    // A full atlas would draw '?' for the last glyphs: all widths equal.
    EXPECT_NE(r.measure_text("~", 128).width, r.measure_text("?", 128).width);
    EXPECT_NE(r.measure_text("W", 128).width, r.measure_text("i", 128).width);
    EXPECT_GT(r.measure_text("W", 128).width, 3 * r.measure_text("W", 20).width);
}

TEST(SoftwareCanvas, GlyphsTheFontLacksDrawAsQuestionMarks) {
    const std::string font = find_font_file();
    if (font.empty()) GTEST_SKIP() << "no TrueType font installed";
    SoftwareCanvas canvas(64, 64, font);
    ASSERT_TRUE(canvas.ok());
    Renderer2D& r = canvas.renderer();
    // 5000 distinct CJK ideographs (DejaVu has none): more than the cache
    // keeps, as a hostile chat line could send.
    std::string text;
    for (char32_t cp = 0x4E00; cp < 0x4E00 + 5000; ++cp) {
        text += static_cast<char>(0xE0 | (cp >> 12));
        text += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        text += static_cast<char>(0x80 | (cp & 0x3F));
    }
    EXPECT_EQ(r.measure_text(text, 16).width, 5000 * r.measure_text("?", 16).width);
    r.draw_text(0, 0, text, {255, 255, 255}, 16);
}

TEST(SoftwareCanvas, TextColourIsApplied) {
    const std::string font = find_font_file();
    if (font.empty()) GTEST_SKIP() << "no TrueType font installed";
    SoftwareCanvas canvas(100, 40, font);
    ASSERT_TRUE(canvas.ok());
    canvas.renderer().clear({0, 0, 0});
    canvas.renderer().draw_text(2, 2, "IIII", {255, 0, 0}, 30);
    std::uint32_t brightest = 0;
    for (int y = 0; y < 40; ++y) {
        for (int x = 0; x < 100; ++x) brightest = std::max(brightest, canvas.pixel(x, y) & 0x00FFFFFFu);
    }
    EXPECT_EQ(brightest, 0x00FF0000u);  // full red stems, no green or blue anywhere
}

TEST(SoftwareCanvas, WithoutAFontTextFallsBackToTheBitmapFont) {
    SoftwareCanvas canvas(40, 20, "/nonexistent/font.ttf");
    ASSERT_TRUE(canvas.ok());
    Renderer2D& r = canvas.renderer();
    EXPECT_FALSE(r.has_truetype_font());
    r.clear({0, 0, 0});
    // 8 px: scale 1. 'T' is "#####" then "..#.." x6, one row below the top.
    const TextSize size = r.draw_text(0, 0, "T", {255, 255, 255}, 8);
    EXPECT_EQ(size.width, 6);
    EXPECT_EQ(size.height, 9);
    const std::uint32_t white = argb(255, 255, 255), black = argb(0, 0, 0);
    EXPECT_EQ(canvas.pixel(0, 0), black);
    for (int x = 0; x < 5; ++x) EXPECT_EQ(canvas.pixel(x, 1), white) << x;
    for (int y = 2; y < 8; ++y) {
        EXPECT_EQ(canvas.pixel(2, y), white) << y;
        EXPECT_EQ(canvas.pixel(1, y), black) << y;
    }
    EXPECT_EQ(canvas.pixel(5, 1), black);  // the blank column between glyphs

    // 16 px doubles it; non-ASCII draws as '?', never crashes.
    EXPECT_EQ(r.measure_text("ab\xE2\x82\xAC", 16).width, 36);
    EXPECT_EQ(r.measure_text("ab\nc", 16).height, 36);
    r.draw_text(0, 0, "\xFF\xFE broken UTF-8 \xE2\x82", {255, 255, 255}, 16);
}

TEST(SoftwareCanvas, OutlinesLeaveTheInsideUntouched) {
    SoftwareCanvas canvas(50, 50, "/nonexistent/font.ttf");
    ASSERT_TRUE(canvas.ok());
    Renderer2D& r = canvas.renderer();
    r.clear({0, 0, 0});
    r.draw_rect(10, 10, 20, 20, {255, 255, 255});
    r.draw_circle(25, 25, 20, {0, 255, 0});
    EXPECT_EQ(canvas.pixel(10, 20), argb(255, 255, 255));
    EXPECT_EQ(canvas.pixel(29, 20), argb(255, 255, 255));
    EXPECT_EQ(canvas.pixel(20, 20), argb(0, 0, 0));
    EXPECT_EQ(canvas.pixel(45, 25), argb(0, 255, 0));  // rightmost point of the circle
}

TEST(FontSearch, EnvironmentOverrideWinsWhenReadable) {
    const std::string found = find_font_file();
    if (found.empty()) GTEST_SKIP() << "no TrueType font installed";
    setenv("TICKWIRE_FONT", found.c_str(), 1);
    EXPECT_EQ(find_font_file(), found);
    setenv("TICKWIRE_FONT", "/nonexistent/x.ttf", 1);
    EXPECT_EQ(find_font_file(), found);  // unreadable override: the search continues
    unsetenv("TICKWIRE_FONT");
}

// SDL keeps global state (hints, the event queue) until SDL_Quit.
class SdlEnvironment : public ::testing::Environment {
public:
    void TearDown() override { SDL_Quit(); }
};
const auto* const kSdlEnvironment = ::testing::AddGlobalTestEnvironment(new SdlEnvironment);

}  // namespace
}  // namespace tickwire::engine
