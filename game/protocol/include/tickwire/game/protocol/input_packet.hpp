#pragma once
// The input packet: how a client's input frames travel (issue 14). A game.fbs
// PlayerInput holding one frame is about 80 bytes, 60 times a second; the
// same in this format is about 15 (the byte layout is at the top of
// input_packet.cpp), which brings the uplink under Colyseus's. The server
// takes both: PlayerInput stays for clients written against the schema alone
// (to_input_packet converts it), this one is what ClientCore sends.
//
//   // client
//   std::array<std::byte, kMaxInputPacketBytes> buffer;
//   const std::size_t n = write_input_packet(frames, snapshot_ack, view, buffer);
//
//   // server, on a received message (decode() does this for it)
//   InputPacket input;
//   if (auto why = read_input_packet(bytes, input); !why.empty()) return kick(why);
//
// Thread: plain values and pure functions, any thread.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "tickwire/schemas/game.hpp"
#include "tickwire/schemas/game_generated.h"
#include "tickwire/schemas/protocol.hpp"

namespace tickwire::game::protocol {

/// The first byte of every input packet ('I'). A FlatBuffer's first byte is
/// the low byte of its 4-aligned root offset, so the two never mix up.
inline constexpr std::byte kInputPacketTag{0x49};
/// The largest packet write_input_packet can produce (kMaxInputFrames frames).
/// Tag; count (1 byte: at most 32); tick, sequence, ack and view (5 bytes each
/// at most); the view fraction; per frame two gaps (5 each; the newest has none),
/// buttons (3) and aim and movement (4).
inline constexpr std::size_t kMaxInputPacketBytes = 1 + 1 + 4 * 5 + 1 + schemas::kMaxInputFrames * (5 + 5 + 3 + 4);

/// One input message, read: what a PlayerInput carries.
struct InputPacket {
    std::array<InputFrame, schemas::kMaxInputFrames> storage{};
    std::size_t count = 0;           ///< frames in storage, oldest first, newest last (1..kMaxInputFrames)
    std::uint32_t snapshot_ack = 0;  ///< newest Snapshot.server_tick decoded (0 = none)
    schemas::ViewTime view;          ///< what the player saw when sampling the newest frame (tick 0 = none)

    [[nodiscard]] std::span<const InputFrame> frames() const noexcept { return {storage.data(), count}; }
};

[[nodiscard]] inline bool is_input_packet(std::span<const std::byte> bytes) noexcept {
    return !bytes.empty() && bytes[0] == kInputPacketTag;
}

/// Encodes 1..kMaxInputFrames `frames` (oldest first; only the newest
/// kMaxInputFrames are kept, sequences ascending) into `out`; returns its size.
std::size_t write_input_packet(std::span<const InputFrame> frames, std::uint32_t snapshot_ack, schemas::ViewTime view,
                               std::span<std::byte, kMaxInputPacketBytes> out) noexcept;

/// Decodes untrusted `bytes` into `out`. Empty on success; otherwise the
/// reason (static text), and `out` is not to be used. Every read is
/// bounds-checked; a truncated varint or one over 5 bytes or 32 bits, a frame
/// count outside 1..kMaxInputFrames, a sequence before 1, sequences not ascending, a
/// field wider than its type and trailing bytes are refused.
[[nodiscard]] std::string_view read_input_packet(std::span<const std::byte> bytes, InputPacket& out) noexcept;

/// A verified PlayerInput (the schema's form of the same message) as a packet.
[[nodiscard]] InputPacket to_input_packet(const PlayerInput& input) noexcept;

}  // namespace tickwire::game::protocol
