#pragma once
// RFC 6455 framing shared by the reader and the writers: opcodes and the
// header of a frame a server sends (never masked). The wire format is
// described atop frame_reader.cpp.
//
// Thread: any (pure functions).

#include <cstddef>
#include <cstdint>

namespace tickwire::net::detail::ws {

inline constexpr std::uint8_t kContinuation = 0x0, kText = 0x1, kBinary = 0x2;
inline constexpr std::uint8_t kClose = 0x8, kPing = 0x9, kPong = 0xa;
/// Control frames carry at most this much payload.
inline constexpr std::size_t kMaxControlPayload = 125;
/// The longest header a server writes (64-bit length, no mask).
inline constexpr std::size_t kMaxServerHeader = 10;

/// Writes the header of a final, unmasked frame of `length` payload bytes
/// into `out` (room for kMaxServerHeader); returns its size: 2, 4 or 10.
inline std::size_t write_server_header(std::byte* out, std::uint8_t opcode, std::uint64_t length) noexcept {
    out[0] = std::byte{static_cast<std::uint8_t>(0x80 | opcode)};
    if (length < 126) {
        out[1] = std::byte{static_cast<std::uint8_t>(length)};
        return 2;
    }
    if (length <= 0xffff) {
        out[1] = std::byte{126};
        out[2] = std::byte{static_cast<std::uint8_t>(length >> 8)};
        out[3] = std::byte{static_cast<std::uint8_t>(length)};
        return 4;
    }
    out[1] = std::byte{127};
    for (int i = 0; i < 8; ++i) out[2 + i] = std::byte{static_cast<std::uint8_t>(length >> (56 - 8 * i))};
    return 10;
}

}  // namespace tickwire::net::detail::ws
