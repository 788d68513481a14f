#pragma once
// The session envelope: the few bytes net's session mode puts before each game
// message (sequence and ack for reliable ones, nothing but a kind byte for
// latest-state ones), and the bare ack. The wire format is described atop
// schemas/src/envelope.cpp and in session.fbs; Hello, Welcome, Ping and
// Pong stay session.fbs Packets.
//
// Thread: free functions, any thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tickwire::schemas::envelope {

enum class Kind : std::uint8_t {
    reliable = 0x01,    ///< varint sequence, varint ack, the game's message
    latest = 0x02,      ///< the game's message
    ack = 0x03,         ///< varint ack
    latest_ack = 0x05,  ///< varint ack, the game's message
};

/// The longest header: a kind byte and two 5-byte varints.
inline constexpr std::size_t kMaxHeaderBytes = 11;

struct Header {
    Kind kind = Kind::latest;
    std::uint32_t sequence = 0;  ///< reliable: 1, 2, 3… per direction
    std::uint32_t ack = 0;       ///< reliable, ack, latest_ack: newest reliable sequence received in order
};

/// Writes `header` into `out` (room for kMaxHeaderBytes); returns its size.
std::size_t write_header(const Header& header, std::byte* out) noexcept;

/// An envelope rather than a session.fbs Packet: the first byte of a
/// FlatBuffer is the low byte of its 4-aligned root offset, never one of ours.
inline bool is_envelope(std::span<const std::byte> message) noexcept {
    return !message.empty() && (std::to_integer<std::uint8_t>(message[0]) & 0x03) != 0;
}

struct Read {
    Header header;
    std::span<const std::byte> body;  ///< the game's message (points into the input)
    std::string_view error;           ///< empty when the envelope is valid (static text)
    explicit operator bool() const noexcept { return error.empty(); }
};
/// Checks every length against the input before reading it.
Read read(std::span<const std::byte> message) noexcept;

}  // namespace tickwire::schemas::envelope
