#pragma once
// UTF-8 as the wire formats need it, in one place: schemas' string checks,
// net's WebSocket text frames and close reasons (native and browser), and the
// tools that print what they receive. Well-formed means RFC 3629: no
// overlong forms, no UTF-16 surrogates, nothing past U+10FFFF.
//
// Thread: pure functions, any thread. Header-only, so net's fuzz targets,
// which compile only the sources they test, get it too.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tickwire::schemas::utf8 {

/// The well-formed sequence starting at `text[at]`: its length (1-4) and code
/// point, or length 0 when the bytes there are ill-formed or cut short.
struct Sequence {
    std::size_t length = 0;
    char32_t code_point = 0;
};
inline Sequence sequence_at(std::string_view text, std::size_t at) noexcept {
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead < 0x80) return {1, lead};
    std::size_t length = 0;
    char32_t code_point = 0, minimum = 0;
    if ((lead & 0xe0) == 0xc0) {
        length = 2, code_point = lead & 0x1fu, minimum = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
        length = 3, code_point = lead & 0x0fu, minimum = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
        length = 4, code_point = lead & 0x07u, minimum = 0x10000;
    } else {
        return {};
    }
    if (text.size() - at < length) return {};
    for (std::size_t k = 1; k < length; ++k) {
        const auto continuation = static_cast<unsigned char>(text[at + k]);
        if ((continuation & 0xc0) != 0x80) return {};
        code_point = (code_point << 6) | (continuation & 0x3fu);
    }
    if (code_point < minimum || code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) return {};
    return {length, code_point};
}

/// Calls `visit(code_point)` for each character; false at the first
/// ill-formed byte or when `visit` returns false.
template <class Visit>
bool each_code_point(std::string_view text, Visit&& visit) {
    for (std::size_t at = 0; at < text.size();) {
        const Sequence s = sequence_at(text, at);
        if (s.length == 0 || !visit(s.code_point)) return false;
        at += s.length;
    }
    return true;
}

[[nodiscard]] inline bool valid(std::string_view text) noexcept {
    return each_code_point(text, [](char32_t) { return true; });
}
[[nodiscard]] inline bool valid(std::span<const std::byte> bytes) noexcept {
    return valid(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

/// The longest prefix of `text` of at most `max_bytes` that does not cut a
/// sequence in half (for text already known to be well-formed).
[[nodiscard]] inline std::string_view clamp(std::string_view text, std::size_t max_bytes) noexcept {
    if (text.size() <= max_bytes) return text;
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;  // back to the cut sequence's start
    return text.substr(0, cut);
}

/// `text` made well-formed within `max_bytes`: each ill-formed byte becomes
/// '?', and the cut falls between characters. For text from anywhere that must
/// go out as UTF-8 (a close reason a browser encodes again, where one bad
/// byte would come out as three: U+FFFD).
[[nodiscard]] inline std::string sanitized(std::string_view text, std::size_t max_bytes) {
    std::string out;
    for (std::size_t at = 0; at < text.size();) {
        const Sequence s = sequence_at(text, at);
        const std::size_t length = s.length == 0 ? 1 : s.length;
        if (out.size() + length > max_bytes) break;
        if (s.length == 0)
            out += '?';
        else
            out.append(text.substr(at, length));
        at += length;
    }
    return out;
}

}  // namespace tickwire::schemas::utf8
