#pragma once
// The embedded 5x7 fallback font (internal to the SDL platform layer).

namespace tickwire::engine::detail {

inline constexpr int kBitmapGlyphWidth = 5;
inline constexpr int kBitmapGlyphHeight = 7;
inline constexpr int kBitmapAdvance = 6;      // one blank column between glyphs
inline constexpr int kBitmapLineHeight = 9;   // two blank rows between lines

/// Rows of '#' (lit) and '.' for characters 32..126.
extern const char* const kBitmapGlyphs[95][7];

/// Rows to draw a glyph lower than the others: g p q y hang below the
/// baseline into the line's spare rows.
inline constexpr int bitmap_glyph_drop(char32_t c) {
    return c == 'g' || c == 'p' || c == 'q' || c == 'y' ? 2 : 0;
}

}  // namespace tickwire::engine::detail
