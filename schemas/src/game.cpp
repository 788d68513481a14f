#include "tickwire/schemas/game.hpp"

#include <algorithm>
#include <array>

#include "checks.hpp"

namespace tickwire::schemas {

namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

Bytes finish(FlatBufferBuilder& fbb, game::Body kind, Offset<void> body) {
    game::MessageBuilder message(fbb);
    message.add_body(body);
    message.add_body_type(kind);
    // Pad the whole buffer to a multiple of 8 so that it starts 8-byte aligned
    // in the builder (and in any copy at an 8-aligned address), whether or not
    // this message kind has a 64-bit field: readers demand kBufferAlignment.
    fbb.TrackMinAlign(kBufferAlignment);
    game::FinishMessageBuffer(fbb, message.Finish());
    return detail::finished(fbb);
}

template <class T>
std::span<const T> clamp_count(std::span<const T> items, std::size_t max) noexcept {
    return items.size() <= max ? items : items.first(max);
}

std::string_view check_room_list(const game::RoomList& list) noexcept {
    const auto* rooms = list.rooms();
    if (detail::size_of(rooms) > kMaxRooms) return "too many rooms";
    if (rooms == nullptr) return {};
    for (const game::RoomInfo* room : *rooms) {
        if (const auto why = detail::check_string(room->name(), kMaxNameBytes, false, {},
                                                  "room name too long", "room name not UTF-8");
            !why.empty()) {
            return why;
        }
    }
    return {};
}

std::string_view check_members(const flatbuffers::Vector<flatbuffers::Offset<game::RoomMember>>* members) noexcept {
    if (detail::size_of(members) > kMaxPresenceMembers) return "too many room members";
    if (members == nullptr) return {};
    for (const game::RoomMember* m : *members) {
        if (const auto why = detail::check_string(m->name(), kMaxNameBytes, false, {}, "member name too long",
                                                  "member name not UTF-8");
            !why.empty()) {
            return why;
        }
    }
    return {};
}

std::string_view check_presence(const game::Presence& presence) noexcept {
    if (const auto why = check_members(presence.present()); !why.empty()) return why;
    if (const auto why = check_members(presence.joined()); !why.empty()) return why;
    if (detail::size_of(presence.left()) > kMaxPresenceMembers) return "too many room members";
    return {};
}

// Field limits per kind, after the Verifier has passed the buffer.
std::string_view check_body(const game::Message& message) noexcept {
    if (message.body_type() == game::Body::NONE) return "empty message";
    // The Verifier accepts a kind whose table is absent (null is "not
    // present" to it), so a corrupt buffer can name a kind with no body.
    if (message.body() == nullptr) return "message kind without body";
    switch (message.body_type()) {
    case game::Body::NONE: return "empty message";
    case game::Body::JoinRoom:
        return detail::check_string(message.body_as_JoinRoom()->player_name(), kMaxNameBytes, false,
                                    {}, "player_name too long", "player_name not UTF-8");
    case game::Body::JoinRoomResult:
        return detail::check_string(message.body_as_JoinRoomResult()->reason(), kMaxTextBytes,
                                    false, {}, "reason too long", "reason not UTF-8");
    case game::Body::PlayerInput: {
        const std::size_t frames = detail::size_of(message.body_as_PlayerInput()->frames());
        if (frames == 0) return "input without frames";
        if (frames > kMaxInputFrames) return "too many input frames";
        return {};
    }
    case game::Body::Snapshot: {
        const auto* snapshot = message.body_as_Snapshot();
        if (detail::size_of(snapshot->entities()) > kMaxSnapshotEntities) return "too many entities";
        if (detail::size_of(snapshot->removed()) > kMaxSnapshotEntities) return "too many removals";
        if (snapshot->packed() != nullptr &&
            detail::size_of(snapshot->entities()) + detail::size_of(snapshot->removed()) != 0) {
            return "snapshot both packed and unpacked";
        }
        return {};
    }
    case game::Body::ChatMessage: {
        const auto* chat = message.body_as_ChatMessage();
        if (const auto why = detail::check_string(chat->from_name(), kMaxNameBytes, false, {},
                                                  "from_name too long", "from_name not UTF-8");
            !why.empty()) {
            return why;
        }
        return detail::check_string(chat->text(), kMaxTextBytes, true, "chat without text",
                                    "chat text too long", "chat text not UTF-8");
    }
    case game::Body::MatchEvents: {
        const auto* events = message.body_as_MatchEvents();
        if (detail::size_of(events->kills()) > kMaxEventsPerKind ||
            detail::size_of(events->scores()) > kMaxEventsPerKind ||
            detail::size_of(events->respawns()) > kMaxEventsPerKind) {
            return "too many events";
        }
        return {};
    }
    case game::Body::RoomList: return check_room_list(*message.body_as_RoomList());
    case game::Body::Presence: return check_presence(*message.body_as_Presence());
    case game::Body::LeaveRoom:
    case game::Body::ListRooms: return {};
    }
    // A kind appended by a newer peer: the Verifier skips unknown union
    // members, so it must never be read.
    return "unknown message kind";
}

template <class T>
Decoded<T> read_as(Bytes bytes) noexcept {
    const auto message = read_message(bytes);
    if (!message) return Decoded<T>::reject(message.error);
    if (message->body_type() != game::BodyTraits<T>::enum_value) {
        return Decoded<T>::reject("unexpected message kind");
    }
    return Decoded<T>::accept(static_cast<const T*>(message->body()));
}

}  // namespace

// ---- encode ------------------------------------------------------------------

Bytes encode_snapshot(FlatBufferBuilder& fbb, const SnapshotHeader& header,
                      std::span<const game::EntityState> entities,
                      std::span<const std::uint32_t> removed, std::span<const std::uint8_t> packed) {
    fbb.Clear();
    entities = clamp_count(entities, kMaxSnapshotEntities);
    removed = clamp_count(removed, kMaxSnapshotEntities);
    // Vectors before the table that refers to them (FlatBuffers builds back to
    // front); both are plain copies of contiguous structs and integers.
    Offset<flatbuffers::Vector<const game::EntityState*>> entity_vector;
    if (!entities.empty()) entity_vector = fbb.CreateVectorOfStructs(entities.data(), entities.size());
    Offset<flatbuffers::Vector<std::uint32_t>> removed_vector;
    if (!removed.empty()) removed_vector = fbb.CreateVector(removed.data(), removed.size());
    Offset<flatbuffers::Vector<std::uint8_t>> packed_vector;
    if (!packed.empty()) packed_vector = fbb.CreateVector(packed.data(), packed.size());
    const auto body = game::CreateSnapshot(fbb, header.server_tick, header.baseline_tick,
                                           header.last_input_sequence, entity_vector,
                                           removed_vector, packed_vector,
                                           header.input_lead ? flatbuffers::Optional<std::int8_t>(*header.input_lead)
                                                             : flatbuffers::nullopt,
                                           header.input_jitter_ms, header.input_held_ticks);
    return finish(fbb, game::Body::Snapshot, body.Union());
}

Bytes encode_player_input(FlatBufferBuilder& fbb, std::span<const game::InputFrame> frames,
                          std::uint32_t snapshot_ack, ViewTime view) {
    fbb.Clear();
    if (frames.size() > kMaxInputFrames) frames = frames.last(kMaxInputFrames);
    const auto vector = fbb.CreateVectorOfStructs(frames.data(), frames.size());
    const auto body = game::CreatePlayerInput(fbb, vector, snapshot_ack, view.tick, view.fraction);
    return finish(fbb, game::Body::PlayerInput, body.Union());
}

Bytes encode_join_room(FlatBufferBuilder& fbb, std::uint32_t room_id, std::string_view player_name) {
    fbb.Clear();
    const auto name = detail::create_string(fbb, player_name, kMaxNameBytes);
    const auto body = game::CreateJoinRoom(fbb, room_id, name);
    return finish(fbb, game::Body::JoinRoom, body.Union());
}

Bytes encode_join_room_result(FlatBufferBuilder& fbb, const JoinRoomResultInfo& result) {
    fbb.Clear();
    Offset<flatbuffers::String> reason;
    if (!result.reason.empty()) reason = detail::create_string(fbb, result.reason, kMaxTextBytes);
    const auto body = game::CreateJoinRoomResult(fbb, result.accepted, result.room_id,
                                                 result.player_id, result.entity_id, reason);
    return finish(fbb, game::Body::JoinRoomResult, body.Union());
}

Bytes encode_leave_room(FlatBufferBuilder& fbb, std::uint32_t room_id) {
    fbb.Clear();
    const auto body = game::CreateLeaveRoom(fbb, room_id);
    return finish(fbb, game::Body::LeaveRoom, body.Union());
}

Bytes encode_chat_message(FlatBufferBuilder& fbb, std::uint32_t from_player,
                          std::string_view from_name, std::string_view text) {
    fbb.Clear();
    Offset<flatbuffers::String> name;
    if (!from_name.empty()) name = detail::create_string(fbb, from_name, kMaxNameBytes);
    const auto body_text = detail::create_string(fbb, text, kMaxTextBytes);
    const auto body = game::CreateChatMessage(fbb, from_player, name, body_text);
    return finish(fbb, game::Body::ChatMessage, body.Union());
}

Bytes encode_match_events(FlatBufferBuilder& fbb, std::span<const game::KillEvent> kills,
                          std::span<const game::ScoreEvent> scores,
                          std::span<const game::RespawnEvent> respawns) {
    fbb.Clear();
    kills = clamp_count(kills, kMaxEventsPerKind);
    scores = clamp_count(scores, kMaxEventsPerKind);
    respawns = clamp_count(respawns, kMaxEventsPerKind);
    Offset<flatbuffers::Vector<const game::KillEvent*>> kill_vector;
    if (!kills.empty()) kill_vector = fbb.CreateVectorOfStructs(kills.data(), kills.size());
    Offset<flatbuffers::Vector<const game::ScoreEvent*>> score_vector;
    if (!scores.empty()) score_vector = fbb.CreateVectorOfStructs(scores.data(), scores.size());
    Offset<flatbuffers::Vector<const game::RespawnEvent*>> respawn_vector;
    if (!respawns.empty()) {
        respawn_vector = fbb.CreateVectorOfStructs(respawns.data(), respawns.size());
    }
    const auto body = game::CreateMatchEvents(fbb, kill_vector, score_vector, respawn_vector);
    return finish(fbb, game::Body::MatchEvents, body.Union());
}

Bytes encode_list_rooms(FlatBufferBuilder& fbb) {
    fbb.Clear();
    const auto body = game::CreateListRooms(fbb);
    return finish(fbb, game::Body::ListRooms, body.Union());
}

Bytes encode_room_list(FlatBufferBuilder& fbb, std::span<const RoomInfoView> rooms) {
    fbb.Clear();
    rooms = clamp_count(rooms, kMaxRooms);
    // Offsets on the stack (1 KiB): the room list allocates nothing either.
    std::array<Offset<game::RoomInfo>, kMaxRooms> offsets;
    for (std::size_t i = 0; i < rooms.size(); ++i) {
        const auto name = detail::create_string(fbb, rooms[i].name, kMaxNameBytes);
        offsets[i] = game::CreateRoomInfo(fbb, rooms[i].id, name, rooms[i].players,
                                          rooms[i].capacity, rooms[i].in_progress);
    }
    const auto vector = fbb.CreateVector(offsets.data(), rooms.size());
    const auto body = game::CreateRoomList(fbb, vector);
    return finish(fbb, game::Body::RoomList, body.Union());
}

Bytes encode_presence(FlatBufferBuilder& fbb, std::span<const RoomMemberView> present,
                      std::span<const RoomMemberView> joined, std::span<const std::uint32_t> left) {
    fbb.Clear();
    // Offsets on the stack: presence allocates nothing beyond the builder.
    std::array<Offset<game::RoomMember>, kMaxPresenceMembers> offsets;
    const auto members = [&](std::span<const RoomMemberView> list) {
        list = clamp_count(list, kMaxPresenceMembers);
        if (list.empty()) return Offset<flatbuffers::Vector<Offset<game::RoomMember>>>();
        for (std::size_t i = 0; i < list.size(); ++i) {
            const auto name = detail::create_string(fbb, list[i].name, kMaxNameBytes);
            offsets[i] = game::CreateRoomMember(fbb, list[i].player, name);
        }
        return fbb.CreateVector(offsets.data(), list.size());
    };
    const auto present_vector = members(present);
    const auto joined_vector = members(joined);
    left = clamp_count(left, kMaxPresenceMembers);
    Offset<flatbuffers::Vector<std::uint32_t>> left_vector;
    if (!left.empty()) left_vector = fbb.CreateVector(left.data(), left.size());
    const auto body = game::CreatePresence(fbb, present_vector, joined_vector, left_vector);
    return finish(fbb, game::Body::Presence, body.Union());
}

// ---- read --------------------------------------------------------------------

Decoded<game::Message> read_message(Bytes bytes) noexcept {
    if (const auto why = detail::precheck(bytes, kMaxGameMessageBytes, game::MessageIdentifier());
        !why.empty()) {
        return Decoded<game::Message>::reject(why);
    }
    flatbuffers::Verifier verifier(detail::u8(bytes), bytes.size(), detail::verifier_options());
    if (!game::VerifyMessageBuffer(verifier)) {
        return Decoded<game::Message>::reject("message failed verification");
    }
    const auto* message = game::GetMessage(bytes.data());
    if (const auto why = check_body(*message); !why.empty()) {
        return Decoded<game::Message>::reject(why);
    }
    return Decoded<game::Message>::accept(message);
}

Decoded<game::JoinRoom> read_join_room(Bytes bytes) noexcept { return read_as<game::JoinRoom>(bytes); }
Decoded<game::JoinRoomResult> read_join_room_result(Bytes bytes) noexcept {
    return read_as<game::JoinRoomResult>(bytes);
}
Decoded<game::LeaveRoom> read_leave_room(Bytes bytes) noexcept { return read_as<game::LeaveRoom>(bytes); }
Decoded<game::PlayerInput> read_player_input(Bytes bytes) noexcept {
    return read_as<game::PlayerInput>(bytes);
}
Decoded<game::Snapshot> read_snapshot(Bytes bytes) noexcept { return read_as<game::Snapshot>(bytes); }
Decoded<game::ChatMessage> read_chat_message(Bytes bytes) noexcept {
    return read_as<game::ChatMessage>(bytes);
}
Decoded<game::MatchEvents> read_match_events(Bytes bytes) noexcept {
    return read_as<game::MatchEvents>(bytes);
}
Decoded<game::ListRooms> read_list_rooms(Bytes bytes) noexcept { return read_as<game::ListRooms>(bytes); }
Decoded<game::RoomList> read_room_list(Bytes bytes) noexcept { return read_as<game::RoomList>(bytes); }
Decoded<game::Presence> read_presence(Bytes bytes) noexcept { return read_as<game::Presence>(bytes); }

}  // namespace tickwire::schemas
