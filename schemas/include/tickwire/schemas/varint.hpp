#pragma once
// LEB128 varints of 32-bit values, the one implementation every compact wire
// format of tickwire uses (net's session envelope, the game's input packet and
// snapshot deltas): 7 bits per byte, low bits first, the high bit set on every
// byte but the last; at most 5 bytes, and the value must fit 32 bits.
//
// Thread: pure functions, any thread.

#include <cstddef>
#include <cstdint>
#include <span>

namespace tickwire::schemas::varint {

/// The longest encoding of a 32-bit value.
inline constexpr std::size_t kMaxBytes = 5;

/// Writes `value` at `out` (room for kMaxBytes); returns the bytes written.
inline std::size_t write(std::uint32_t value, std::byte* out) noexcept {
    std::size_t n = 0;
    while (value >= 0x80u) {
        out[n++] = std::byte{static_cast<std::uint8_t>(value | 0x80u)};
        value >>= 7;
    }
    out[n++] = std::byte{static_cast<std::uint8_t>(value)};
    return n;
}

/// Reads the varint at `bytes[at]` and moves `at` past it. False, leaving
/// `value` alone, when it runs past the end, is over 5 bytes or over 32 bits.
inline bool read(std::span<const std::byte> bytes, std::size_t& at, std::uint32_t& value) noexcept {
    std::uint64_t result = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (at >= bytes.size()) return false;
        const auto b = std::to_integer<std::uint8_t>(bytes[at++]);
        result |= static_cast<std::uint64_t>(b & 0x7fu) << shift;
        if ((b & 0x80u) == 0) {
            if (result > 0xffffffffu) return false;
            value = static_cast<std::uint32_t>(result);
            return true;
        }
    }
    return false;
}

/// Small signed differences as small unsigned values: 0, -1, 1, -2… -> 0, 1, 2, 3…
constexpr std::uint32_t zigzag(std::int32_t v) noexcept {
    return (static_cast<std::uint32_t>(v) << 1) ^ (0u - (static_cast<std::uint32_t>(v) >> 31));
}
constexpr std::int32_t unzigzag(std::uint32_t z) noexcept {
    return static_cast<std::int32_t>((z >> 1) ^ (0u - (z & 1u)));
}

}  // namespace tickwire::schemas::varint
