#pragma once
// Demo game messages (game.fbs): encode helpers, verify-then-read helpers and
// the fixed-point conversions of the wire format.
//
// Same rules as session.hpp: encode_* clears the builder, builds one Message
// ("TWG1") and returns a view valid until the builder's next use; encoders
// clamp counts and strings to the limits of protocol.hpp (input frames keep
// the newest). read_* verifies everything before returning a pointer.
//
// Thread: free functions, safe on any thread; a builder belongs to one thread.
//
//   // server, once per tick, builder reused: no heap allocation after warm-up;
//   // game messages travel bare (net's session envelope goes around them)
//   auto game_bytes = encode_snapshot(snapshot_fbb, {.server_tick = tick}, entities);
//
//   // client, on the message net delivered
//   auto snap = read_snapshot(message_bytes);
//   if (!snap) return drop(snap.error);
//   for (const game::EntityState* e : *snap->entities()) ...

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "tickwire/schemas/decoded.hpp"
#include "tickwire/schemas/protocol.hpp"
#include "tickwire/schemas/game_generated.h"

namespace tickwire::schemas {

using Bytes = std::span<const std::byte>;

// ---- fixed point (see game.fbs) ---------------------------------------------

inline constexpr float kPositionScale = 256.0f;  ///< wire units per world unit
inline constexpr float kVelocityScale = 16.0f;   ///< wire units per world unit per tick
inline constexpr float kTwoPi = 6.28318530717958647692f;

/// World units to Q24.8; rounds to nearest. Caller keeps the world within
/// +-8.3 million units.
[[nodiscard]] inline std::int32_t quantise_position(float units) noexcept {
    return static_cast<std::int32_t>(std::lround(units * kPositionScale));
}
[[nodiscard]] inline float position_units(std::int32_t q) noexcept {
    return static_cast<float>(q) / kPositionScale;
}
/// Units per tick to 1/16 units per tick, saturating at the int16 range.
[[nodiscard]] inline std::int16_t quantise_velocity(float units_per_tick) noexcept {
    const long q = std::lround(units_per_tick * kVelocityScale);
    return static_cast<std::int16_t>(q < -32768 ? -32768 : (q > 32767 ? 32767 : q));
}
[[nodiscard]] inline float velocity_units(std::int16_t q) noexcept {
    return static_cast<float>(q) / kVelocityScale;
}
/// Radians (any value) to uint16 turns, 65536 = 2 pi, wrapping.
[[nodiscard]] inline std::uint16_t quantise_angle(float radians) noexcept {
    const long long q = std::llround(static_cast<double>(radians) * (65536.0 / 6.283185307179586));
    return static_cast<std::uint16_t>(static_cast<unsigned long long>(q) & 0xFFFFu);
}
/// uint16 turns to radians in [0, 2 pi).
[[nodiscard]] inline float angle_radians(std::uint16_t q) noexcept {
    return static_cast<float>(q) * (kTwoPi / 65536.0f);
}

// ---- encode (one FlatBufferBuilder per thread, reused) ---------------------

struct SnapshotHeader {
    std::uint32_t server_tick = 0;
    std::uint32_t baseline_tick = 0;        ///< 0 = full snapshot
    std::uint32_t last_input_sequence = 0;
    /// Snapshot.input_lead: ticks that frame waited (< 0: came late); empty
    /// from a server that applies frames first in, first out.
    std::optional<std::int8_t> input_lead{};
    /// Snapshot.input_jitter_ms: how much later than usual late frames arrive.
    std::uint8_t input_jitter_ms = 0;
    /// Snapshot.input_held_ticks: ticks run on a held input since that frame.
    std::uint8_t input_held_ticks = 0;
};

/// PlayerInput.view_tick / view_fraction: the interpolation time the player
/// was looking at when its newest frame was sampled (0 = nothing drawn yet).
struct ViewTime {
    std::uint32_t tick = 0;
    std::uint8_t fraction = 0;  ///< 1/256 of a tick
};

struct JoinRoomResultInfo {
    bool accepted = false;
    std::uint32_t room_id = 0;
    std::uint32_t player_id = 0;
    std::uint32_t entity_id = 0;
    std::string_view reason;
};

struct RoomMemberView {
    std::uint32_t player = 0;
    std::string_view name;
};

struct RoomInfoView {
    std::uint32_t id = 0;
    std::string_view name;
    std::uint8_t players = 0;
    std::uint8_t capacity = 0;
    bool in_progress = false;
};

/// `packed` (Snapshot.packed, see game/protocol packed.hpp) is copied as is;
/// a snapshot carries either it or entities/removed, not both.
Bytes encode_snapshot(flatbuffers::FlatBufferBuilder& fbb, const SnapshotHeader& header,
                      std::span<const game::EntityState> entities,
                      std::span<const std::uint32_t> removed = {},
                      std::span<const std::uint8_t> packed = {});
/// frames oldest first, newest last; only the newest kMaxInputFrames are kept.
Bytes encode_player_input(flatbuffers::FlatBufferBuilder& fbb, std::span<const game::InputFrame> frames,
                          std::uint32_t snapshot_ack = 0, ViewTime view = {});
Bytes encode_join_room(flatbuffers::FlatBufferBuilder& fbb, std::uint32_t room_id, std::string_view player_name);
Bytes encode_join_room_result(flatbuffers::FlatBufferBuilder& fbb, const JoinRoomResultInfo& result);
Bytes encode_leave_room(flatbuffers::FlatBufferBuilder& fbb, std::uint32_t room_id);
Bytes encode_chat_message(flatbuffers::FlatBufferBuilder& fbb, std::uint32_t from_player,
                          std::string_view from_name, std::string_view text);
Bytes encode_match_events(flatbuffers::FlatBufferBuilder& fbb, std::span<const game::KillEvent> kills,
                          std::span<const game::ScoreEvent> scores = {},
                          std::span<const game::RespawnEvent> respawns = {});
Bytes encode_list_rooms(flatbuffers::FlatBufferBuilder& fbb);
Bytes encode_room_list(flatbuffers::FlatBufferBuilder& fbb, std::span<const RoomInfoView> rooms);
/// Each list is clamped to kMaxPresenceMembers.
Bytes encode_presence(flatbuffers::FlatBufferBuilder& fbb, std::span<const RoomMemberView> present,
                      std::span<const RoomMemberView> joined = {}, std::span<const std::uint32_t> left = {});

// ---- verify, then read ------------------------------------------------------

/// Any message kind this reader knows (dispatch on body_type()); a kind added
/// by a newer peer is rejected with "unknown message kind".
Decoded<game::Message> read_message(Bytes bytes) noexcept;

Decoded<game::JoinRoom> read_join_room(Bytes bytes) noexcept;
Decoded<game::JoinRoomResult> read_join_room_result(Bytes bytes) noexcept;
Decoded<game::LeaveRoom> read_leave_room(Bytes bytes) noexcept;
/// Guarantees 1..kMaxInputFrames frames.
Decoded<game::PlayerInput> read_player_input(Bytes bytes) noexcept;
/// Guarantees entities() and removed() hold at most kMaxSnapshotEntities each
/// (either may be null when empty), and that they are empty when packed() is
/// present. packed() is only verified to be in the buffer: decode it with
/// game::protocol::unpack(), which checks every byte.
Decoded<game::Snapshot> read_snapshot(Bytes bytes) noexcept;
/// Guarantees text() is present; names and text are valid UTF-8 within limits.
Decoded<game::ChatMessage> read_chat_message(Bytes bytes) noexcept;
Decoded<game::MatchEvents> read_match_events(Bytes bytes) noexcept;
Decoded<game::ListRooms> read_list_rooms(Bytes bytes) noexcept;
Decoded<game::RoomList> read_room_list(Bytes bytes) noexcept;
/// Guarantees at most kMaxPresenceMembers per list; names valid UTF-8 within limits.
Decoded<game::Presence> read_presence(Bytes bytes) noexcept;

}  // namespace tickwire::schemas
