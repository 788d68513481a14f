// Snapshot.packed: compact entity deltas.
//
// Wire format (all integers are LEB128 varints: 7 bits per byte, low first,
// high bit = more follows, at most 5 bytes for 32 bits)
// -----------
//   packed  = removed_count, removed_gap * removed_count,
//             entity_count,  entity * entity_count
//   entity  = head, [id_gap], delta * (number of field bits in head)
//   head    = bit 0: id_gap follows (else the gap is 1), bits 1..10: fields
//
// Ids ascend strictly within each list and travel as the gap from the
// previous id of that list (the first from 0), so gaps are >= 1; a run of
// consecutive ids (the ships) costs nothing. Removed ids must be ids of the
// reference; an id is never in both lists.
//
// The reference entity of an entity record is the entity with that id in the
// reference state (the client's acked baseline carried forward `ticks` by
// extrapolate()), or, for a new id, the previous new entity of this list
// (all fields zero for the first one). New entities are mostly projectiles
// fired since the baseline, with the highest, consecutive ids: each costs
// its position and velocity, and owner and team when the shooter differs.
// For an entity of the reference, x and y are predicted from the velocity
// change once vx and vy are known (they come first):
//   x_ref = x_extrapolated + (vx - vx_extrapolated) * 8 * (min(ticks, 1024) + 1)
// and the same for y, in wrapping 32-bit arithmetic (see Predictor).
// The head's field bits say which fields differ from it; each differing field
// follows, in bit order, as the zigzag-encoded (0, -1, 1, -2, ... -> 0, 1, 2,
// 3, ...) difference current - reference, wrapping in the field's own width,
// so any value round-trips exactly, INT32_MIN against INT32_MAX included:
//
//   bit 1 angle 16    bit 4 x     32    bit 7 health  8    bit 10 team 8
//   bit 2 vx    16    bit 5 y     32    bit 8 owner  16
//   bit 3 vy    16    bit 6 flags  8    bit 9 kind    8
//
// The order keeps what a steered ship changes between snapshots (measured
// with tickwire-snapshot-codec-bench: aim every time, position and velocity
// a third of the time, the firing flag a fifth) in the head's first byte;
// hit points change rarely, owner, kind and team only when an entity appears.
// A ship that only turns costs 3 bytes (head, two-byte angle); a new
// projectile 11 to 18.
//
// The decoder trusts nothing: every read is bounds-checked, a varint longer
// than its field or than 5 bytes is rejected, counts are capped at
// kMaxSnapshotEntities, arithmetic is unsigned (wrapping, never UB), and the
// bytes must be consumed exactly.
#include "tickwire/game/protocol/packed.hpp"

#include <algorithm>
#include <array>

#include "tickwire/game/protocol/wire.hpp"
#include "tickwire/schemas/protocol.hpp"
#include "tickwire/schemas/varint.hpp"

namespace tickwire::game::protocol {

namespace {

constexpr int kFieldCount = 10;
// Width in bits of each field, in field bit order (head bit = field + 1).
constexpr std::array<unsigned, kFieldCount> kFieldBits = {16, 16, 16, 32, 32, 8, 8, 16, 8, 8};
constexpr int kAngle = 0, kVx = 1, kVy = 2, kX = 3, kY = 4, kFlags = 5, kHealth = 6, kOwner = 7, kKind = 8,
              kTeam = 9;
constexpr std::uint32_t kGapFollows = 1u;
constexpr std::uint32_t kAllFields = (1u << kFieldCount) - 1u;

using Fields = std::array<std::uint32_t, kFieldCount>;

constexpr std::uint32_t width_mask(unsigned bits) noexcept {
    return bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1u;
}

Fields fields_of(const EntityState& e) noexcept {
    return {e.angle(),
            static_cast<std::uint16_t>(e.vx()),
            static_cast<std::uint16_t>(e.vy()),
            static_cast<std::uint32_t>(e.x()),
            static_cast<std::uint32_t>(e.y()),
            static_cast<std::uint8_t>(e.flags()),
            e.health(),
            e.owner(),
            static_cast<std::uint8_t>(e.kind()),
            e.team()};
}

EntityState entity_of(std::uint32_t id, const Fields& f) noexcept {
    // Every value fits its width (the decoder masks it): the narrowing casts
    // below are exact, conversions to signed types are modular (C++20).
    return EntityState(id, static_cast<std::int32_t>(f[kX]), static_cast<std::int32_t>(f[kY]),
                       static_cast<std::int16_t>(f[kVx]), static_cast<std::int16_t>(f[kVy]),
                       static_cast<std::uint16_t>(f[kAngle]), static_cast<std::uint16_t>(f[kOwner]),
                       static_cast<EntityKind>(f[kKind]), static_cast<EntityFlags>(f[kFlags]),
                       static_cast<std::uint8_t>(f[kHealth]), static_cast<std::uint8_t>(f[kTeam]));
}

const Fields kZeroFields{};

// `d` is a two's complement value `bits` wide.
std::uint32_t zigzag(std::uint32_t d, unsigned bits) noexcept {
    const std::uint32_t sign = (d >> (bits - 1)) & 1u;
    return ((d << 1) ^ (0u - sign)) & width_mask(bits);
}
std::uint32_t unzigzag(std::uint32_t z, unsigned bits) noexcept {
    return ((z >> 1) ^ (0u - (z & 1u))) & width_mask(bits);
}

void put_varint(std::vector<std::uint8_t>& out, std::uint32_t v) {
    std::byte bytes[schemas::varint::kMaxBytes];
    const std::size_t n = schemas::varint::write(v, bytes);
    for (std::size_t i = 0; i < n; ++i) out.push_back(std::to_integer<std::uint8_t>(bytes[i]));
}

// Reference positions of an entity whose velocity changed. Dead reckoning
// carried it `ticks` at the old velocity; had it accelerated steadily from
// the old velocity to the new one instead (a ship under thrust), it would
// have gone 16 * (ticks + 1) / 2 position units further per unit of velocity
// change. Predicting that leaves a one-byte residual where dead reckoning
// left two or three (codec bench: 7.3 -> 6.6 bytes per changed entity).
struct Predictor {
    std::int32_t weight = 0;  ///< 8 * (ticks + 1), ticks capped at kMaxDeltaTicks

    explicit Predictor(std::uint32_t ticks) noexcept
        : weight(8 * (static_cast<std::int32_t>(std::min(ticks, kMaxDeltaTicks)) + 1)) {}

    [[nodiscard]] std::uint32_t position(std::uint32_t position, std::uint32_t ref_v, std::uint32_t cur_v) const noexcept {
        const std::int32_t dv =
            std::int32_t{static_cast<std::int16_t>(cur_v)} - std::int32_t{static_cast<std::int16_t>(ref_v)};
        return position + static_cast<std::uint32_t>(dv * weight);  // |dv * weight| < 2^30; the sum wraps
    }
    /// `ref` with its positions predicted from the velocities of `cur`.
    [[nodiscard]] Fields apply(Fields ref, const Fields& cur) const noexcept {
        ref[kX] = position(ref[kX], ref[kVx], cur[kVx]);
        ref[kY] = position(ref[kY], ref[kVy], cur[kVy]);
        return ref;
    }
};

void put_entity(std::vector<std::uint8_t>& out, std::uint32_t id_gap, const Fields& ref, const Fields& cur) {
    std::uint32_t mask = 0;
    for (int f = 0; f < kFieldCount; ++f) {
        if (cur[f] != ref[f]) mask |= 1u << f;
    }
    put_varint(out, (mask << 1) | (id_gap == 1 ? 0u : kGapFollows));
    if (id_gap != 1) put_varint(out, id_gap);
    for (int f = 0; f < kFieldCount; ++f) {
        if ((mask >> f) & 1u) put_varint(out, zigzag((cur[f] - ref[f]) & width_mask(kFieldBits[f]), kFieldBits[f]));
    }
}

bool same_fields(const EntityState& a, const EntityState& b) noexcept { return fields_of(a) == fields_of(b); }

// Bounds-checked reading of untrusted bytes.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> bytes) noexcept : p_(bytes.data()), end_(p_ + bytes.size()) {}

    /// False when truncated or longer than 5 bytes / 32 bits; error() says which.
    bool varint(std::uint32_t& v) noexcept {
        const std::span<const std::byte> rest(reinterpret_cast<const std::byte*>(p_), remaining());
        std::size_t at = 0;
        const bool ok = schemas::varint::read(rest, at, v);
        p_ += at;
        if (ok) return true;
        // Ran out inside its first four bytes: cut short. Otherwise bits beyond 32, or a sixth byte.
        const bool cut_short = at == rest.size() && at < schemas::varint::kMaxBytes &&
                               (rest.empty() || (std::to_integer<std::uint8_t>(rest.back()) & 0x80u) != 0);
        return fail(cut_short ? "packed snapshot truncated" : "varint too long");
    }
    [[nodiscard]] std::string_view error() const noexcept { return error_; }
    [[nodiscard]] std::size_t remaining() const noexcept { return static_cast<std::size_t>(end_ - p_); }
    [[nodiscard]] const std::uint8_t* position() const noexcept { return p_; }

private:
    bool fail(std::string_view why) noexcept {
        error_ = why;
        return false;
    }
    const std::uint8_t* p_;
    const std::uint8_t* end_;
    std::string_view error_;
};

// The removed-id list, read a second time in step with the merge.
class RemovedIds {
public:
    RemovedIds(Reader reader, std::uint32_t count) noexcept : reader_(reader), left_(count) { advance(); }
    /// The next id to remove; above every uint32 when none is left.
    [[nodiscard]] std::uint64_t next() const noexcept { return next_; }
    void advance() noexcept {
        std::uint32_t gap = 0;
        // Already validated by the first pass: the reads succeed.
        next_ = left_ > 0 && reader_.varint(gap) ? next_ + gap : kNone;
        if (left_ > 0) --left_;
    }
    static constexpr std::uint64_t kNone = std::uint64_t{1} << 40;

private:
    Reader reader_;
    std::uint32_t left_;
    std::uint64_t next_ = 0;
};

// Appends reference entity `e` to `out` unless it is the next removed id.
std::string_view keep_or_remove(const EntityState& e, RemovedIds& removed, std::vector<EntityState>& out) {
    if (removed.next() < e.id()) return "removed id not in baseline";
    if (removed.next() == e.id()) {
        removed.advance();
        return {};
    }
    if (out.size() >= schemas::kMaxSnapshotEntities) return "too many entities";
    out.push_back(e);
    return {};
}

std::string_view unpack_into(std::span<const std::uint8_t> packed, std::span<const EntityState> reference,
                             std::uint32_t ticks, std::vector<EntityState>& out) {
    const Predictor predictor(ticks);
    Reader r(packed);
    // Removed ids: validated here, then read again in step with the merge.
    std::uint32_t removed_count = 0;
    if (!r.varint(removed_count)) return r.error();
    if (removed_count > schemas::kMaxSnapshotEntities) return "too many removals";
    const Reader removed_list = r;
    std::uint64_t id = 0;
    for (std::uint32_t k = 0; k < removed_count; ++k) {
        std::uint32_t gap = 0;
        if (!r.varint(gap)) return r.error();
        if (gap == 0) return "removed ids out of order";
        id += gap;
        if (id > 0xFFFFFFFFu) return "removed id out of range";
    }
    RemovedIds removed(removed_list, removed_count);

    std::uint32_t count = 0;
    if (!r.varint(count)) return r.error();
    if (count > schemas::kMaxSnapshotEntities) return "too many entities";
    if (count > r.remaining()) return "packed snapshot truncated";  // every record takes a byte or more
    out.reserve(std::min<std::size_t>(reference.size() + count, schemas::kMaxSnapshotEntities));
    std::size_t i = 0;
    id = 0;
    Fields last_new = kZeroFields;
    for (std::uint32_t k = 0; k < count; ++k) {
        std::uint32_t head = 0, gap = 1;
        if (!r.varint(head)) return r.error();
        if ((head & kGapFollows) != 0 && !r.varint(gap)) return r.error();
        if (gap == 0) return "entity ids out of order";
        id += gap;
        if (id > 0xFFFFFFFFu) return "entity id out of range";
        const std::uint32_t mask = head >> 1;
        if ((mask & ~kAllFields) != 0) return "unknown entity field";
        while (i < reference.size() && reference[i].id() < id) {
            if (auto why = keep_or_remove(reference[i++], removed, out); !why.empty()) return why;
        }
        // An id both changed and removed is caught below: the removal then
        // matches no reference entity.
        const bool known = i < reference.size() && reference[i].id() == id;
        Fields f = known ? fields_of(reference[i++]) : last_new;
        const Fields ref = f;
        for (int b = 0; b < kFieldCount; ++b) {
            // Velocities come first: the positions' reference depends on them.
            if (known && b == kX) {
                const Fields p = predictor.apply(ref, f);
                f[kX] = p[kX];
                f[kY] = p[kY];
            }
            if (((mask >> b) & 1u) == 0) continue;
            std::uint32_t z = 0;
            if (!r.varint(z)) return r.error();
            const std::uint32_t width = width_mask(kFieldBits[b]);
            if (z > width) return "entity field out of range";
            f[b] = (f[b] + unzigzag(z, kFieldBits[b])) & width;
        }
        if (out.size() >= schemas::kMaxSnapshotEntities) return "too many entities";
        out.push_back(entity_of(static_cast<std::uint32_t>(id), f));
        if (!known) last_new = f;
    }
    while (i < reference.size()) {
        if (auto why = keep_or_remove(reference[i++], removed, out); !why.empty()) return why;
    }
    if (removed.next() != RemovedIds::kNone) return "removed id not in baseline";
    if (r.remaining() != 0) return "trailing bytes after packed snapshot";
    return {};
}

}  // namespace

PackedCounts pack(std::span<const EntityState> reference, std::span<const EntityState> current,
                  std::uint32_t ticks, std::vector<std::uint8_t>& out) {
    out.clear();
    const Predictor predictor(ticks);
    if (current.size() > schemas::kMaxSnapshotEntities) current = current.first(schemas::kMaxSnapshotEntities);
    PackedCounts counts;
    // Removed: ids of the reference missing from current (both sorted).
    std::size_t removed = 0;
    for (std::size_t i = 0, j = 0; i < reference.size(); ++i) {
        while (j < current.size() && current[j].id() < reference[i].id()) ++j;
        if (j == current.size() || current[j].id() != reference[i].id()) ++removed;
    }
    put_varint(out, static_cast<std::uint32_t>(removed));
    std::uint32_t prev = 0;
    for (std::size_t i = 0, j = 0; i < reference.size(); ++i) {
        while (j < current.size() && current[j].id() < reference[i].id()) ++j;
        if (j == current.size() || current[j].id() != reference[i].id()) {
            put_varint(out, reference[i].id() - prev);
            prev = reference[i].id();
        }
    }
    counts.removed = removed;
    // Entities: counted first, then written.
    std::size_t changed = 0;
    for (std::size_t i = 0, j = 0; j < current.size(); ++j) {
        while (i < reference.size() && reference[i].id() < current[j].id()) ++i;
        if (i == reference.size() || reference[i].id() != current[j].id() || !same_fields(reference[i], current[j])) {
            ++changed;
        }
    }
    put_varint(out, static_cast<std::uint32_t>(changed));
    prev = 0;
    Fields last_new = kZeroFields;
    for (std::size_t i = 0, j = 0; j < current.size(); ++j) {
        while (i < reference.size() && reference[i].id() < current[j].id()) ++i;
        const bool known = i < reference.size() && reference[i].id() == current[j].id();
        if (known && same_fields(reference[i], current[j])) continue;
        const Fields cur = fields_of(current[j]);
        put_entity(out, current[j].id() - prev, known ? predictor.apply(fields_of(reference[i]), cur) : last_new, cur);
        if (!known) last_new = cur;
        prev = current[j].id();
    }
    counts.entities = changed;
    return counts;
}

std::string_view unpack(std::span<const std::uint8_t> packed, std::span<const EntityState> reference,
                        std::uint32_t ticks, std::vector<EntityState>& out) {
    out.clear();
    const std::string_view why = unpack_into(packed, reference, ticks, out);
    if (!why.empty()) out.clear();
    return why;
}

}  // namespace tickwire::game::protocol
