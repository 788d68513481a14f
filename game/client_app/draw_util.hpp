#pragma once
// Small drawing helpers over engine::Renderer (any backend) that the world and the HUD
// share: thick lines, text with a drop shadow, centred text, panels, bars.
//
// Thread: the renderer's thread (the game thread).

#include <string_view>

#include "tickwire/engine/renderer.hpp"

namespace tickwire::game::client_app {

using engine::Color;
using engine::Renderer;

/// A line `width` pixels wide (two triangles).
void thick_line(Renderer& r, float x0, float y0, float x1, float y1, float width, Color color);
/// A rectangle outline `width` pixels wide, drawn inside the rectangle.
void thick_rect(Renderer& r, float x, float y, float w, float h, float width, Color color);
/// Text with a 1-pixel dark shadow, so it reads over anything.
engine::TextSize shadow_text(Renderer& r, float x, float y, std::string_view text, Color color, int size);
/// Text centred horizontally on `cx`.
engine::TextSize centered_text(Renderer& r, float cx, float y, std::string_view text, Color color, int size);
/// Translucent panel with a 1-pixel edge.
void panel(Renderer& r, float x, float y, float w, float h, Color fill, Color edge);
/// A horizontal bar filled `fraction` (0..1) of its width.
void bar(Renderer& r, float x, float y, float w, float h, float fraction, Color fill, Color back);

}  // namespace tickwire::game::client_app
