#pragma once
// Protocol constants shared by every reader and writer of the tickwire wire
// format: the version, the size limits the readers enforce, and the verifier
// limits. See the comment blocks at the top of session.fbs and game.fbs.

#include <cstddef>
#include <cstdint>

namespace tickwire::schemas {

/// Bumped only for a change that cannot be made by adding fields. 2: game
/// messages travel in the compact envelope (envelope.hpp), no longer in
/// session.fbs Payload packets; acks likewise.
inline constexpr std::uint16_t kProtocolVersion = 2;

/// Every buffer handed to a reader must start on this boundary (any heap or
/// pool allocation does). FlatBuffers reads scalars in place, and the
/// session schema has 64-bit fields.
inline constexpr std::size_t kBufferAlignment = 8;

/// Whole-buffer limits: larger buffers are rejected before verification.
inline constexpr std::size_t kMaxGameMessageBytes = 64 * 1024;
inline constexpr std::size_t kMaxPacketBytes = kMaxGameMessageBytes + 1024;

/// Field limits (bytes of UTF-8, or elements). Readers reject more; encoders
/// clamp to them, so what tickwire writes tickwire can always read.
inline constexpr std::size_t kMaxNameBytes = 32;
inline constexpr std::size_t kMaxTextBytes = 256;
inline constexpr std::size_t kMaxInputFrames = 32;
inline constexpr std::size_t kMaxSnapshotEntities = 1024;
inline constexpr std::size_t kMaxEventsPerKind = 256;
inline constexpr std::size_t kMaxRooms = 256;
/// Per vector of a Presence (present, joined, left).
inline constexpr std::size_t kMaxPresenceMembers = 64;
/// Hello/Welcome resume_proof: net's signed resume token (48 bytes today).
inline constexpr std::size_t kMaxResumeProofBytes = 64;

/// Verifier limits. Our schemas nest at most three deep (root, body, vector
/// of tables); the table limit covers a full room list. A hostile buffer
/// cannot make verification cost more than these allow.
inline constexpr unsigned kMaxVerifyDepth = 8;
inline constexpr unsigned kMaxVerifyTables = kMaxRooms + 16;

}  // namespace tickwire::schemas
