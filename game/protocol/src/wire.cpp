#include "tickwire/game/protocol/wire.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "tickwire/game/protocol/packed.hpp"

namespace tickwire::game::protocol {

std::int64_t now_us() noexcept {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

namespace {
net::Message to_message(schemas::Bytes bytes) { return net::Message::copy_of(bytes); }
}  // namespace

net::Message Codec::hello(std::string_view name) {
    schemas::HelloInfo info;
    info.client_name = name;  // encode_hello cuts it to kMaxNameBytes at a character boundary
    info.protocol_version = kGameProtocolVersion;
    return to_message(schemas::encode_hello(packet_, info));
}
net::Message Codec::welcome(const schemas::WelcomeInfo& info) {
    return to_message(schemas::encode_welcome(packet_, info));
}
net::Message Codec::clock_request(std::int64_t t) { return to_message(schemas::encode_clock_sync_request(packet_, t)); }
net::Message Codec::clock_response(const schemas::ClockSyncInfo& info) {
    return to_message(schemas::encode_clock_sync_response(packet_, info));
}
net::Message Codec::ack(std::uint32_t tick) { return to_message(schemas::encode_ack(packet_, tick)); }
net::Message Codec::error(session::ErrorCode code, std::string_view text) {
    return to_message(schemas::encode_error(packet_, code, text));
}
net::Message Codec::join_result(const schemas::JoinRoomResultInfo& info) {
    return to_message(schemas::encode_join_room_result(game_, info));
}
net::Message Codec::snapshot(const schemas::SnapshotHeader& header, std::span<const Entity> entities,
                             std::span<const std::uint32_t> removed) {
    return to_message(schemas::encode_snapshot(game_, header, entities, removed));
}
net::Message Codec::snapshot(const schemas::SnapshotHeader& header, std::span<const std::uint8_t> packed) {
    return to_message(schemas::encode_snapshot(game_, header, {}, {}, packed));
}
net::Message Codec::input(std::span<const Frame> frames, std::uint32_t snapshot_ack, schemas::ViewTime view) {
    net::Message message = net::Message::allocate(kMaxInputPacketBytes);
    message.resize(write_input_packet(frames, snapshot_ack, view,
                                      message.writable().first<kMaxInputPacketBytes>()));
    return message;
}
net::Message Codec::chat(std::uint32_t from_player, std::string_view from_name, std::string_view text) {
    return to_message(schemas::encode_chat_message(game_, from_player, from_name, text));
}
net::Message Codec::events(std::span<const KillEvent> kills, std::span<const ScoreEvent> scores,
                           std::span<const RespawnEvent> respawns) {
    return to_message(schemas::encode_match_events(game_, kills, scores, respawns));
}
net::Message Codec::presence(std::span<const schemas::RoomMemberView> present,
                             std::span<const schemas::RoomMemberView> joined, std::span<const std::uint32_t> left) {
    return to_message(schemas::encode_presence(game_, present, joined, left));
}

Incoming decode(std::span<const std::byte> bytes) noexcept {
    Incoming in;
    if (is_input_packet(bytes)) {
        in.input.emplace();
        in.error = read_input_packet(bytes, *in.input);
        if (!in.error.empty()) in.input.reset();
        return in;
    }
    // Game messages travel bare ("TWG1"); everything else is a session
    // control packet ("TWS1"). The identifier picks the verifier; each
    // verifier checks it again, so a lie fails verification.
    if (bytes.size() >= 8 && flatbuffers::BufferHasIdentifier(bytes.data(), ::tickwire::game::MessageIdentifier())) {
        const auto message = schemas::read_message(bytes);
        if (!message) {
            in.error = message.error;
            return in;
        }
        in.game = message.message;
        if (const PlayerInput* input = in.game->body_as_PlayerInput()) in.input = to_input_packet(*input);
        return in;
    }
    const auto packet = schemas::read_packet(bytes);
    if (!packet) {
        in.error = packet.error;
        return in;
    }
    if (packet->body_type() == session::Body::Payload) {
        in.error = "game messages travel bare, not in a Payload";
        return in;
    }
    in.packet = packet.message;
    return in;
}

void capture(const sim::World& world, std::vector<Entity>& out, std::uint32_t teleport_window) {
    out.clear();
    for (const sim::Ship& s : world.ships()) {
        std::uint8_t flags = 0;
        if (s.alive) flags |= static_cast<std::uint8_t>(EntityFlags::Alive);
        if (world.tick() - s.spawned_tick < teleport_window) flags |= static_cast<std::uint8_t>(EntityFlags::Teleported);
        if (s.alive && s.cooldown == sim::kFireCooldown) flags |= static_cast<std::uint8_t>(EntityFlags::Firing);
        out.emplace_back(s.entity_id, s.body.x, s.body.y, static_cast<std::int16_t>(s.body.vx),
                         static_cast<std::int16_t>(s.body.vy), s.aim, static_cast<std::uint16_t>(s.player_id),
                         EntityKind::Player, static_cast<EntityFlags>(flags),
                         static_cast<std::uint8_t>(std::clamp(s.health, 0, 255)), sim::player_colour(s.player_id));
    }
    for (const sim::Projectile& p : world.projectiles()) {
        out.emplace_back(p.entity_id, p.body.x, p.body.y, static_cast<std::int16_t>(p.body.vx),
                         static_cast<std::int16_t>(p.body.vy), std::uint16_t{0}, static_cast<std::uint16_t>(p.owner),
                         EntityKind::Projectile, EntityFlags::Alive, std::uint8_t{0}, sim::player_colour(p.owner));
    }
    std::sort(out.begin(), out.end(), [](const Entity& a, const Entity& b) { return a.id() < b.id(); });
}

bool same_entity(const Entity& a, const Entity& b) noexcept {
    // A struct of scalars with explicit padding fields that the generated
    // constructors zero: comparing the bytes compares every field.
    return std::memcmp(&a, &b, sizeof(Entity)) == 0;
}

void diff(std::span<const Entity> baseline, std::span<const Entity> current, std::vector<Entity>& changed,
          std::vector<std::uint32_t>& removed) {
    changed.clear();
    removed.clear();
    std::size_t i = 0, j = 0;
    while (i < baseline.size() || j < current.size()) {
        if (j == current.size() || (i < baseline.size() && baseline[i].id() < current[j].id())) {
            removed.push_back(baseline[i++].id());
        } else if (i == baseline.size() || current[j].id() < baseline[i].id()) {
            changed.push_back(current[j++]);
        } else {
            if (!same_entity(baseline[i], current[j])) changed.push_back(current[j]);
            ++i;
            ++j;
        }
    }
}

void apply(std::span<const Entity> baseline, std::span<const Entity> changed,
           std::span<const std::uint32_t> removed, std::vector<Entity>& out) {
    out.assign(baseline.begin(), baseline.end());
    auto by_id = [](const Entity& a, const Entity& b) { return a.id() < b.id(); };
    std::sort(out.begin(), out.end(), by_id);
    for (const std::uint32_t id : removed) {
        const auto it = std::lower_bound(out.begin(), out.end(), id,
                                         [](const Entity& e, std::uint32_t v) { return e.id() < v; });
        if (it != out.end() && it->id() == id) out.erase(it);
    }
    for (const Entity& e : changed) {
        const auto it = std::lower_bound(out.begin(), out.end(), e, by_id);
        if (it != out.end() && it->id() == e.id()) {
            *it = e;
        } else {
            out.insert(it, e);
        }
    }
}

void extrapolate(std::span<const Entity> baseline, std::uint32_t ticks, std::vector<Entity>& out) {
    out.assign(baseline.begin(), baseline.end());
    const auto n = static_cast<std::int32_t>(std::min(ticks, kMaxDeltaTicks));
    for (Entity& e : out) {
        if ((static_cast<std::uint8_t>(e.flags()) & static_cast<std::uint8_t>(EntityFlags::Alive)) == 0) continue;
        if (e.vx() == 0 && e.vy() == 0) continue;
        // Wrapping arithmetic in uint32: identical on both sides whatever a
        // hostile baseline holds, and never undefined behaviour.
        const auto step = [n](std::int32_t p, std::int16_t v) {
            return static_cast<std::int32_t>(static_cast<std::uint32_t>(p) +
                                             static_cast<std::uint32_t>(v * sim::kVelocityUnit * n));
        };
        e = Entity(e.id(), step(e.x(), e.vx()), step(e.y(), e.vy()), e.vx(), e.vy(), e.angle(), e.owner(), e.kind(),
                   e.flags(), e.health(), e.team());
    }
}

void make_delta(std::span<const Entity> baseline, std::uint32_t baseline_tick, std::span<const Entity> current,
                std::uint32_t tick, std::vector<Entity>& scratch, std::vector<Entity>& changed,
                std::vector<std::uint32_t>& removed) {
    extrapolate(baseline, tick - baseline_tick, scratch);
    diff(scratch, current, changed, removed);
}

bool apply_delta(std::span<const Entity> baseline, std::uint32_t baseline_tick, std::uint32_t tick,
                 std::span<const Entity> changed, std::span<const std::uint32_t> removed,
                 std::vector<Entity>& scratch, std::vector<Entity>& out) {
    if (tick <= baseline_tick || tick - baseline_tick > kMaxDeltaTicks) return false;
    extrapolate(baseline, tick - baseline_tick, scratch);
    apply(scratch, changed, removed, out);
    return true;
}

std::string_view decode_snapshot(const Snapshot& s, const SnapshotRing& ring, std::vector<Entity>& scratch,
                                 std::vector<Entity>& out) {
    const std::uint32_t tick = s.server_tick();
    std::span<const Entity> reference;
    std::uint32_t ticks = 0;
    if (s.baseline_tick() != 0) {
        const std::vector<Entity>* base = ring.find(s.baseline_tick());
        if (base == nullptr) return "baseline not held";
        if (tick <= s.baseline_tick() || tick - s.baseline_tick() > kMaxDeltaTicks) return "baseline tick out of range";
        ticks = tick - s.baseline_tick();
        extrapolate(*base, ticks, scratch);
        reference = scratch;
    }
    if (const auto* packed = s.packed()) return unpack({packed->data(), packed->size()}, reference, ticks, out);
    std::span<const Entity> changed;
    if (s.entities() != nullptr) changed = {reinterpret_cast<const Entity*>(s.entities()->data()), s.entities()->size()};
    std::span<const std::uint32_t> removed;
    if (s.removed() != nullptr) removed = {s.removed()->data(), s.removed()->size()};
    apply(reference, changed, removed, out);
    return {};
}

void SnapshotRing::put(std::uint32_t tick, std::span<const Entity> entities) {
    Slot& slot = slots_[tick % slots_.size()];
    slot.tick = tick;
    slot.entities.assign(entities.begin(), entities.end());
}

const std::vector<Entity>* SnapshotRing::find(std::uint32_t tick) const noexcept {
    if (tick == 0) return nullptr;
    const Slot& slot = slots_[tick % slots_.size()];
    return slot.tick == tick ? &slot.entities : nullptr;
}

sim::Input to_input(const Frame& frame) noexcept {
    const bool fire = (static_cast<std::uint16_t>(frame.buttons()) & static_cast<std::uint16_t>(Buttons::Fire)) != 0;
    return sim::sanitise_wire(frame.move_x(), frame.move_y(), frame.aim(), fire);
}

}  // namespace tickwire::game::protocol
