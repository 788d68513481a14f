#pragma once
// The arena game's wire protocol, shared by tickwire-server and ClientCore.
//
// Every WebSocket message is either one game.fbs Message ("TWG1", sent bare)
// or one session.fbs Packet ("TWS1") for the control messages below. With
// tickwire's session mode on (the default: net/session.hpp), each of them
// travels inside the net layer's own envelope, which numbers, acknowledges
// and resends the reliable ones across reconnects; the game never sees it.
//
//   client                                   server
//   Hello(name, kGameProtocolVersion)   ->
//                                       <-   Welcome(session id, tick rate, tick)
//                                       <-   JoinRoomResult(player id, entity id,
//                                                    room name = the room code as reason)
//                                       <-   Presence(present = everyone already
//                                            there), MatchEvents scores
//   ClockSyncRequest(client time)       ->   (any time; ~2/s; reliable: never in the
//                                            latest slot that input and snapshots use)
//                                       <-   ClockSyncResponse(4 stamps, server tick;
//                                            reliable; at most 4/s answered)
//   input packet every tick (latest)    ->   the frames sampled since the last one
//                                            (each frame once; input_packet.hpp, or a
//                                            game.fbs PlayerInput), snapshot_ack =
//                                            newest snapshot tick decoded, and the
//                                            view time (what the player saw)
//                                       <-   Snapshot at the snapshot rate (latest),
//                                            a delta against baseline_tick, with how
//                                            early this player's frames arrive (input_lead)
//   Ack(ack = newest snapshot tick)     ->   only when no input goes out that tick
//   ChatMessage(text) (reliable)        ->
//                                       <-   ChatMessage(from, name, text) to the whole
//                                            room, in one order (reliable)
//                                       <-   Presence(joined / left) to the whole room
//                                            as players come and go (reliable)
//                                       <-   MatchEvents kills/scores/respawns (reliable;
//                                            batched, 10 a second by default)
//   Error(code, text), close            <->
//
// Reliable messages arrive once and in order; latest ones may be lost (a
// reconnect) or superseded and are never resent: the next one replaces them.
// Each connection has one latest slot (net supersedes per connection), so
// every input repeats the newest snapshot tick decoded.
// A session that resumes after a dropped connection keeps its player, seat,
// score and room; the server sees net's `resumed`, not leave + join.
//
// Names travel as data: Presence lists who is in the room (on join), who
// joined and who left. A ChatMessage is always speech, whatever its text
// starts with; one with from_player 0 is a server notice.
//
// Snapshots: entities sorted by id, sent as Snapshot.packed (packed.hpp: a
// few varints per changed entity) or, when that would be larger, as the
// EntityState vector (which older servers always send). A delta holds the entities that differ
// from the baseline carried forward at constant velocity (extrapolate(): x +=
// vx * 16 per tick for living entities) and the ids removed since it. The server
// keeps a ring of the room's recent snapshots (identical for all its
// clients; Quake III keeps one per client) and a per-client last-acked tick:
// no ack, or a baseline that has left the ring, gets a full snapshot
// (baseline_tick 0). decode_snapshot() is the client's side of all of it.
//
// Thread: Codec belongs to one thread; the free functions are pure.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "tickwire/game/protocol/input_packet.hpp"
#include "tickwire/game/sim/world.hpp"
#include "tickwire/net/message.hpp"
#include "tickwire/schemas/game.hpp"
#include "tickwire/schemas/session.hpp"

namespace tickwire::game::protocol {

using Entity = ::tickwire::game::EntityState;
using Frame = ::tickwire::game::InputFrame;

/// What the game's Hello carries in protocol_version; the server refuses
/// others with close 4005. 2: bare game messages, snapshot_ack in PlayerInput,
/// Snapshot.packed. 3: presence as Presence messages, not roster chat lines.
/// 4: InputFrame.tick is the server tick the frame is applied in (inputs on
/// time, Snapshot.input_lead), and PlayerInput carries the view time that
/// lag compensation judges shots by. 5: clients send input packets
/// (input_packet.hpp; the server still reads a PlayerInput).
inline constexpr std::uint16_t kGameProtocolVersion = 5;

/// Microseconds on the steady clock, the clock every time stamp uses.
[[nodiscard]] std::int64_t now_us() noexcept;

/// Builds outgoing messages as net::Messages, reusing its builders.
class Codec {
public:
    net::Message hello(std::string_view name);
    net::Message welcome(const schemas::WelcomeInfo& info);
    net::Message clock_request(std::int64_t client_send_time_us);
    net::Message clock_response(const schemas::ClockSyncInfo& info);
    net::Message ack(std::uint32_t snapshot_tick);
    net::Message error(session::ErrorCode code, std::string_view text);
    net::Message join_result(const schemas::JoinRoomResultInfo& info);
    net::Message snapshot(const schemas::SnapshotHeader& header, std::span<const Entity> entities,
                          std::span<const std::uint32_t> removed);
    /// A snapshot carrying Snapshot.packed (packed.hpp) instead of entities.
    net::Message snapshot(const schemas::SnapshotHeader& header, std::span<const std::uint8_t> packed);
    net::Message input(std::span<const Frame> frames, std::uint32_t snapshot_ack = 0, schemas::ViewTime view = {});
    net::Message chat(std::uint32_t from_player, std::string_view from_name, std::string_view text);
    net::Message events(std::span<const KillEvent> kills, std::span<const ScoreEvent> scores,
                        std::span<const RespawnEvent> respawns);
    net::Message presence(std::span<const schemas::RoomMemberView> present,
                          std::span<const schemas::RoomMemberView> joined = {},
                          std::span<const std::uint32_t> left = {});

private:
    flatbuffers::FlatBufferBuilder game_{1024};
    flatbuffers::FlatBufferBuilder packet_{512};
};

/// A received message, verified: a game message, a control packet or input.
struct Incoming {
    const session::Packet* packet = nullptr;           ///< control packets
    const ::tickwire::game::Message* game = nullptr;  ///< game messages
    /// Input, in either form: an input packet (input_packet.hpp; then `game`
    /// is null) or a game message holding a PlayerInput.
    std::optional<InputPacket> input;
    std::string_view error;  ///< why it was rejected (then all are empty)
};
/// Verify everything, then give typed pointers into `bytes` (which must be
/// 8-byte aligned, as every net::Message is) and the input read out of it.
[[nodiscard]] Incoming decode(std::span<const std::byte> bytes) noexcept;

// ---- snapshots ----------------------------------------------------------

/// The world quantised for the wire, sorted by entity id. A ship that
/// (re)spawned within the last `teleport_window` ticks is flagged Teleported,
/// so a snapshot rate below the tick rate cannot miss the flag.
void capture(const sim::World& world, std::vector<Entity>& out, std::uint32_t teleport_window = 1);
[[nodiscard]] bool same_entity(const Entity& a, const Entity& b) noexcept;
/// Entities of `current` that differ from `baseline` (or are new), and the ids
/// of `baseline` missing from `current`. Both inputs sorted by id.
void diff(std::span<const Entity> baseline, std::span<const Entity> current, std::vector<Entity>& changed,
          std::vector<std::uint32_t>& removed);
/// baseline + delta = full state, sorted by id. Tolerates unsorted or
/// duplicated input (last one wins) since it comes from the network.
void apply(std::span<const Entity> baseline, std::span<const Entity> changed,
           std::span<const std::uint32_t> removed, std::vector<Entity>& out);

/// Dead reckoning: every living entity of `baseline` carried `ticks` ticks on
/// at its velocity. Deltas are taken against this rather than the baseline
/// itself, so what moves in a straight line at constant speed (every
/// projectile, a ship cruising at top speed) costs nothing on the wire.
void extrapolate(std::span<const Entity> baseline, std::uint32_t ticks, std::vector<Entity>& out);

/// Longest baseline gap a delta may span (the ring holds ~2 s anyway).
inline constexpr std::uint32_t kMaxDeltaTicks = 1024;

/// Server side: the delta of `current` (at `tick`) against `baseline` (at
/// `baseline_tick`), through extrapolate(). `scratch` is reused storage.
void make_delta(std::span<const Entity> baseline, std::uint32_t baseline_tick, std::span<const Entity> current,
                std::uint32_t tick, std::vector<Entity>& scratch, std::vector<Entity>& changed,
                std::vector<std::uint32_t>& removed);
/// Client side: the inverse. False (and `out` untouched) for a tick gap that
/// is not 1..kMaxDeltaTicks.
bool apply_delta(std::span<const Entity> baseline, std::uint32_t baseline_tick, std::uint32_t tick,
                 std::span<const Entity> changed, std::span<const std::uint32_t> removed,
                 std::vector<Entity>& scratch, std::vector<Entity>& out);

/// Ring of recent full snapshots by tick.
class SnapshotRing {
public:
    explicit SnapshotRing(std::size_t capacity = 128) : slots_(capacity) {}
    void put(std::uint32_t tick, std::span<const Entity> entities);
    /// Null if `tick` is 0 or no longer held.
    [[nodiscard]] const std::vector<Entity>* find(std::uint32_t tick) const noexcept;

private:
    struct Slot {
        std::uint32_t tick = 0;
        std::vector<Entity> entities;
    };
    std::vector<Slot> slots_;
};

/// Client side of any verified Snapshot: `out` = the full state it describes,
/// from Snapshot.packed (packed.hpp) or, from older servers, the entities and
/// removed vectors; a delta is applied to the ring's state at baseline_tick
/// carried forward by extrapolate(). Empty on success, else why not (static
/// text: baseline no longer held, tick gap out of range, packed bytes
/// rejected); `out` is then unspecified.
[[nodiscard]] std::string_view decode_snapshot(const Snapshot& snapshot, const SnapshotRing& ring,
                                               std::vector<Entity>& scratch, std::vector<Entity>& out);

/// The baseline a client's next snapshot is a delta against: its last acked
/// snapshot if the ring still holds it, else none (a full snapshot).
[[nodiscard]] inline const std::vector<Entity>* choose_baseline(const SnapshotRing& ring,
                                                               std::uint32_t acked_tick) noexcept {
    return ring.find(acked_tick);
}

/// Wire frame to sim input (clamped; buttons other than Fire ignored).
[[nodiscard]] sim::Input to_input(const Frame& frame) noexcept;

}  // namespace tickwire::game::protocol
