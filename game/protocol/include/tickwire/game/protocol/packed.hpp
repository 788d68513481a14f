#pragma once
// Compact snapshot deltas: Snapshot.packed (game.fbs). Each changed entity is
// a handful of varints instead of the 24-byte EntityState struct; the byte
// layout is documented at the top of packed.cpp.
//
//   // server: reference = the client's acked baseline run through
//   // extrapolate(baseline, ticks) (empty for a full snapshot); `bytes` is
//   // reused, no allocation after warm-up
//   const PackedCounts n = pack(reference, current, ticks, bytes);
//
//   // client: the same reference and ticks, the bytes from the (verified) Snapshot
//   if (auto why = unpack(bytes, reference, ticks, state); !why.empty()) return drop(why);
//
// Thread: pure functions, any thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "tickwire/schemas/game_generated.h"

namespace tickwire::game::protocol {

struct PackedCounts {
    std::size_t entities = 0;  ///< entity records written (changed or new)
    std::size_t removed = 0;   ///< ids of `reference` missing from `current`
};

/// Replaces `out` with the delta from `reference` to `current` (both sorted
/// by id, ids unique and non-zero, at most kMaxSnapshotEntities each: more
/// are cut, as encode_snapshot cuts them). `ticks` is how far the reference
/// was carried forward (snapshot tick - baseline tick; it tunes the position
/// prediction). An empty reference packs a full snapshot.
/// unpack(out, reference, ticks) gives back exactly `current`.
PackedCounts pack(std::span<const EntityState> reference, std::span<const EntityState> current, std::uint32_t ticks,
                  std::vector<std::uint8_t>& out);

/// Decodes untrusted `packed` against `reference` and `ticks` (the same the
/// server packed against; `reference` sorted by id, as every
/// state unpack() or apply() produced is) into `out`, sorted by id. Empty on
/// success; otherwise the reason (static text) and `out` is left empty.
/// Every read is bounds-checked: truncated, over-long or inconsistent input
/// (ids out of order, a removal of an id the reference lacks, a field wider
/// than its type, trailing bytes, more than kMaxSnapshotEntities entities)
/// is rejected.
[[nodiscard]] std::string_view unpack(std::span<const std::uint8_t> packed, std::span<const EntityState> reference,
                                      std::uint32_t ticks, std::vector<EntityState>& out);

}  // namespace tickwire::game::protocol
