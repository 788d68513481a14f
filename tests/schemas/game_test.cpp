#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sample_messages.hpp"
#include "tickwire/schemas/game.hpp"

namespace tickwire::schemas {
namespace {

using testing::Buffer;
using testing::copy;

Buffer finished(const flatbuffers::FlatBufferBuilder& fbb) {
    return copy({reinterpret_cast<const std::byte*>(fbb.GetBufferPointer()), fbb.GetSize()});
}

TEST(GameSchema, SnapshotRoundTripsEveryEntityField) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto entities = testing::sample_entities(64);
    const std::uint32_t removed[] = {900, 901, 902};
    const auto bytes = encode_snapshot(
        fbb, {.server_tick = 1000, .baseline_tick = 990, .last_input_sequence = 77}, entities, removed);
    const auto snapshot = read_snapshot(bytes);
    ASSERT_TRUE(snapshot) << snapshot.error;
    EXPECT_EQ(snapshot->server_tick(), 1000u);
    EXPECT_EQ(snapshot->baseline_tick(), 990u);
    EXPECT_EQ(snapshot->last_input_sequence(), 77u);
    ASSERT_EQ(snapshot->entities()->size(), entities.size());
    for (std::size_t i = 0; i < entities.size(); ++i) {
        const auto& in = entities[i];
        const auto* out = snapshot->entities()->Get(static_cast<flatbuffers::uoffset_t>(i));
        EXPECT_EQ(out->id(), in.id());
        EXPECT_EQ(out->x(), in.x());
        EXPECT_EQ(out->y(), in.y());
        EXPECT_EQ(out->vx(), in.vx());
        EXPECT_EQ(out->vy(), in.vy());
        EXPECT_EQ(out->angle(), in.angle());
        EXPECT_EQ(out->owner(), in.owner());
        EXPECT_EQ(out->kind(), in.kind());
        EXPECT_EQ(out->flags(), in.flags());
        EXPECT_EQ(out->health(), in.health());
        EXPECT_EQ(out->team(), in.team());
    }
    ASSERT_EQ(snapshot->removed()->size(), 3u);
    EXPECT_EQ(snapshot->removed()->Get(2), 902u);
}

TEST(GameSchema, EmptySnapshotHasNoVectors) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto snapshot = read_snapshot(encode_snapshot(fbb, {.server_tick = 1}, {}));
    ASSERT_TRUE(snapshot) << snapshot.error;
    EXPECT_EQ(snapshot->entities(), nullptr);
    EXPECT_EQ(snapshot->removed(), nullptr);
}

TEST(GameSchema, PackedSnapshotCarriesItsBytesAndNoVectors) {
    flatbuffers::FlatBufferBuilder fbb;
    const std::vector<std::uint8_t> packed = {0, 1, 7, 1, 0x10, 0x80, 0x01};
    const auto snapshot =
        read_snapshot(encode_snapshot(fbb, {.server_tick = 30, .baseline_tick = 28}, {}, {}, packed));
    ASSERT_TRUE(snapshot) << snapshot.error;
    EXPECT_EQ(snapshot->baseline_tick(), 28u);
    EXPECT_EQ(snapshot->entities(), nullptr);
    EXPECT_EQ(snapshot->removed(), nullptr);
    ASSERT_NE(snapshot->packed(), nullptr);
    EXPECT_EQ(std::vector<std::uint8_t>(snapshot->packed()->begin(), snapshot->packed()->end()), packed);

    // A writer mixing both forms is rejected: a reader could not know which is right.
    const auto entities = testing::sample_entities(2);
    EXPECT_EQ(read_snapshot(encode_snapshot(fbb, {.server_tick = 31}, entities, {}, packed)).error,
              "snapshot both packed and unpacked");
    const std::uint32_t removed[] = {5};
    EXPECT_EQ(read_snapshot(encode_snapshot(fbb, {.server_tick = 31}, {}, removed, packed)).error,
              "snapshot both packed and unpacked");
}

TEST(GameSchema, PlayerInputRoundTripsWithRedundantFrames) {
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<game::InputFrame> frames;
    for (std::uint32_t i = 1; i <= 4; ++i) {
        frames.emplace_back(100 + i, i, game::Buttons::Fire | game::Buttons::Sprint,
                            static_cast<std::uint16_t>(i * 16384 - 1), static_cast<std::int8_t>(-127),
                            static_cast<std::int8_t>(i));
    }
    const auto input = read_player_input(encode_player_input(fbb, frames));
    ASSERT_TRUE(input) << input.error;
    ASSERT_EQ(input->frames()->size(), 4u);
    const auto* last = input->frames()->Get(3);
    EXPECT_EQ(last->tick(), 104u);
    EXPECT_EQ(last->sequence(), 4u);
    EXPECT_EQ(last->buttons(), game::Buttons::Fire | game::Buttons::Sprint);
    EXPECT_EQ(last->aim(), 65535);
    EXPECT_EQ(last->move_x(), -127);
    EXPECT_EQ(last->move_y(), 4);
}

TEST(GameSchema, PlayerInputEncoderKeepsTheNewestFrames) {
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<game::InputFrame> frames;
    for (std::uint32_t i = 1; i <= kMaxInputFrames + 8; ++i) frames.emplace_back(i, i, game::Buttons::NONE, 0, 0, 0);
    const auto input = read_player_input(encode_player_input(fbb, frames));
    ASSERT_TRUE(input) << input.error;
    ASSERT_EQ(input->frames()->size(), kMaxInputFrames);
    EXPECT_EQ(input->frames()->Get(0)->sequence(), 9u);
    EXPECT_EQ(input->frames()->Get(kMaxInputFrames - 1)->sequence(), kMaxInputFrames + 8);
}

TEST(GameSchema, RoomMessagesRoundTrip) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto join = read_join_room(encode_join_room(fbb, 0, "ana"));
    ASSERT_TRUE(join) << join.error;
    EXPECT_EQ(join->room_id(), 0u);
    EXPECT_EQ(join->player_name()->string_view(), "ana");

    const auto result = read_join_room_result(encode_join_room_result(
        fbb, {.accepted = true, .room_id = 4, .player_id = 12, .entity_id = 99, .reason = {}}));
    ASSERT_TRUE(result) << result.error;
    EXPECT_TRUE(result->accepted());
    EXPECT_EQ(result->room_id(), 4u);
    EXPECT_EQ(result->player_id(), 12u);
    EXPECT_EQ(result->entity_id(), 99u);
    EXPECT_EQ(result->reason(), nullptr);

    const auto leave = read_leave_room(encode_leave_room(fbb, 4));
    ASSERT_TRUE(leave) << leave.error;
    EXPECT_EQ(leave->room_id(), 4u);

    EXPECT_TRUE(read_list_rooms(encode_list_rooms(fbb)));

    const RoomInfoView rooms[] = {{1, "lobby", 3, 8, false}, {2, "arena", 8, 8, true}};
    const auto list = read_room_list(encode_room_list(fbb, rooms));
    ASSERT_TRUE(list) << list.error;
    ASSERT_EQ(list->rooms()->size(), 2u);
    EXPECT_EQ(list->rooms()->Get(1)->id(), 2u);
    EXPECT_EQ(list->rooms()->Get(1)->name()->string_view(), "arena");
    EXPECT_EQ(list->rooms()->Get(1)->players(), 8);
    EXPECT_EQ(list->rooms()->Get(1)->capacity(), 8);
    EXPECT_TRUE(list->rooms()->Get(1)->in_progress());
    EXPECT_FALSE(list->rooms()->Get(0)->in_progress());
}

TEST(GameSchema, PresenceRoundTripsTheRosterJoinsAndLeaves) {
    flatbuffers::FlatBufferBuilder fbb;
    const RoomMemberView present[] = {{1, "ana"}, {2, "bó"}};
    const RoomMemberView joined[] = {{3, "/cy"}};
    const std::uint32_t left[] = {4, 5};
    const auto p = read_presence(encode_presence(fbb, present, joined, left));
    ASSERT_TRUE(p) << p.error;
    ASSERT_EQ(p->present()->size(), 2u);
    EXPECT_EQ(p->present()->Get(1)->player(), 2u);
    EXPECT_EQ(p->present()->Get(1)->name()->string_view(), "bó");
    ASSERT_EQ(p->joined()->size(), 1u);
    EXPECT_EQ(p->joined()->Get(0)->name()->string_view(), "/cy") << "a name is data, whatever it starts with";
    ASSERT_EQ(p->left()->size(), 2u);
    EXPECT_EQ(p->left()->Get(1), 5u);

    const auto only_left = read_presence(encode_presence(fbb, {}, {}, left));
    ASSERT_TRUE(only_left) << only_left.error;
    EXPECT_EQ(only_left->present(), nullptr);
    EXPECT_EQ(only_left->joined(), nullptr);
}

TEST(GameSchema, ChatMessageRoundTripsUtf8) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto chat = read_chat_message(encode_chat_message(fbb, 5, "zoë", "gg — ça va? 🎮"));
    ASSERT_TRUE(chat) << chat.error;
    EXPECT_EQ(chat->from_player(), 5u);
    EXPECT_EQ(chat->from_name()->string_view(), "zoë");
    EXPECT_EQ(chat->text()->string_view(), "gg — ça va? 🎮");
}

TEST(GameSchema, ChatEncoderClampsTextToTheLimit) {
    flatbuffers::FlatBufferBuilder fbb;
    std::string text;
    while (text.size() < kMaxTextBytes + 10) text += "€";  // 3-byte sequences
    const auto chat = read_chat_message(encode_chat_message(fbb, 1, {}, text));
    ASSERT_TRUE(chat) << chat.error;
    EXPECT_EQ(chat->text()->size(), 255u);  // 85 whole euro signs
    EXPECT_EQ(chat->from_name(), nullptr);
}

TEST(GameSchema, MatchEventsRoundTrip) {
    flatbuffers::FlatBufferBuilder fbb;
    const game::KillEvent kills[] = {{100, 1, 2, 3}, {101, 2, 1, 0}};
    const game::ScoreEvent scores[] = {{100, 1, 10, 1}};
    const game::RespawnEvent respawns[] = {{160, 2, 22, -256, 512}};
    const auto events = read_match_events(encode_match_events(fbb, kills, scores, respawns));
    ASSERT_TRUE(events) << events.error;
    ASSERT_EQ(events->kills()->size(), 2u);
    EXPECT_EQ(events->kills()->Get(1)->tick(), 101u);
    EXPECT_EQ(events->kills()->Get(0)->killer(), 1u);
    EXPECT_EQ(events->kills()->Get(0)->victim(), 2u);
    EXPECT_EQ(events->kills()->Get(0)->weapon(), 3);
    ASSERT_EQ(events->scores()->size(), 1u);
    EXPECT_EQ(events->scores()->Get(0)->score(), 10);
    EXPECT_EQ(events->scores()->Get(0)->delta(), 1);
    ASSERT_EQ(events->respawns()->size(), 1u);
    EXPECT_EQ(events->respawns()->Get(0)->entity(), 22u);
    EXPECT_EQ(events->respawns()->Get(0)->x(), -256);
    EXPECT_EQ(events->respawns()->Get(0)->y(), 512);
}

TEST(GameSchema, EveryKindIsReadableThroughReadMessage) {
    for (const auto& sample : testing::game_samples()) {
        const auto message = read_message(sample.bytes);
        ASSERT_TRUE(message) << sample.name << ": " << message.error;
        EXPECT_NE(testing::walk(*message.message), 0u) << sample.name;
    }
}

TEST(GameSchema, ReaderForOneKindRejectsAnother) {
    flatbuffers::FlatBufferBuilder fbb;
    EXPECT_EQ(read_snapshot(encode_leave_room(fbb, 1)).error, "unexpected message kind");
}

TEST(GameSchema, ForeignWriterBreakingTheLimitsIsRejected) {
    flatbuffers::FlatBufferBuilder fbb;
    // 33 input frames.
    std::vector<game::InputFrame> frames(kMaxInputFrames + 1);
    auto input = game::CreatePlayerInput(fbb, fbb.CreateVectorOfStructs(frames));
    game::FinishMessageBuffer(fbb, game::CreateMessage(fbb, game::Body::PlayerInput, input.Union()));
    EXPECT_EQ(read_player_input(finished(fbb)).error, "too many input frames");

    fbb.Clear();
    input = game::CreatePlayerInput(fbb);
    game::FinishMessageBuffer(fbb, game::CreateMessage(fbb, game::Body::PlayerInput, input.Union()));
    EXPECT_EQ(read_player_input(finished(fbb)).error, "input without frames");

    fbb.Clear();
    std::vector<game::EntityState> entities(kMaxSnapshotEntities + 1);
    auto snapshot = game::CreateSnapshot(fbb, 1, 0, 0, fbb.CreateVectorOfStructs(entities));
    game::FinishMessageBuffer(fbb, game::CreateMessage(fbb, game::Body::Snapshot, snapshot.Union()));
    EXPECT_EQ(read_snapshot(finished(fbb)).error, "too many entities");

    fbb.Clear();
    auto chat = game::CreateChatMessage(fbb, 1, 0, fbb.CreateString("\xED\xA0\x80"));  // a surrogate
    game::FinishMessageBuffer(fbb, game::CreateMessage(fbb, game::Body::ChatMessage, chat.Union()));
    EXPECT_EQ(read_chat_message(finished(fbb)).error, "chat text not UTF-8");

    fbb.Clear();
    chat = game::CreateChatMessage(fbb, 1);
    game::FinishMessageBuffer(fbb, game::CreateMessage(fbb, game::Body::ChatMessage, chat.Union()));
    EXPECT_EQ(read_chat_message(finished(fbb)).error, "chat without text");

    fbb.Clear();
    const std::string long_name(kMaxNameBytes + 1, 'n');
    auto room = game::CreateRoomInfo(fbb, 1, fbb.CreateString(long_name));
    auto list = game::CreateRoomList(fbb, fbb.CreateVector(&room, 1));
    game::FinishMessageBuffer(fbb, game::CreateMessage(fbb, game::Body::RoomList, list.Union()));
    EXPECT_EQ(read_room_list(finished(fbb)).error, "room name too long");

    fbb.Clear();
    std::vector<flatbuffers::Offset<game::RoomMember>> members;
    for (std::size_t i = 0; i <= kMaxPresenceMembers; ++i) members.push_back(game::CreateRoomMember(fbb, 1));
    auto presence = game::CreatePresence(fbb, fbb.CreateVector(members));
    game::FinishMessageBuffer(fbb, game::CreateMessage(fbb, game::Body::Presence, presence.Union()));
    EXPECT_EQ(read_presence(finished(fbb)).error, "too many room members");

    fbb.Clear();
    auto member = game::CreateRoomMember(fbb, 1, fbb.CreateString(long_name));
    presence = game::CreatePresence(fbb, 0, fbb.CreateVector(&member, 1));
    game::FinishMessageBuffer(fbb, game::CreateMessage(fbb, game::Body::Presence, presence.Union()));
    EXPECT_EQ(read_presence(finished(fbb)).error, "member name too long");
}

TEST(GameSchema, LargestMessagesTheEncodersWriteAreAcceptedEvenInsideAPacket) {
    // The limits must agree: whatever an encoder produces at its clamps, the
    // readers (size caps, Verifier table limit, field limits) accept.
    flatbuffers::FlatBufferBuilder fbb;
    flatbuffers::FlatBufferBuilder packet_fbb;
    const auto check = [&](Bytes game_bytes, const char* what) {
        EXPECT_TRUE(read_message(game_bytes)) << what << ": " << read_message(game_bytes).error;
        const auto packet = read_payload(encode_payload(packet_fbb, {.sequence = 1}, game_bytes));
        ASSERT_TRUE(packet) << what << ": " << packet.error;
        EXPECT_TRUE(read_message(payload_bytes(*packet.message))) << what;
    };

    const std::string name(kMaxNameBytes + 10, 'n');
    std::vector<RoomInfoView> rooms(kMaxRooms + 5, RoomInfoView{7, name, 8, 8, true});
    check(encode_room_list(fbb, rooms), "room list");
    EXPECT_EQ(read_room_list(encode_room_list(fbb, rooms))->rooms()->size(), kMaxRooms);

    const auto entities = testing::sample_entities(kMaxSnapshotEntities + 5);
    const std::vector<std::uint32_t> removed(kMaxSnapshotEntities + 5, 9);
    check(encode_snapshot(fbb, {.server_tick = 1}, entities, removed), "snapshot");

    const std::vector<game::KillEvent> kills(kMaxEventsPerKind + 1);
    const std::vector<game::ScoreEvent> scores(kMaxEventsPerKind + 1);
    const std::vector<game::RespawnEvent> respawns(kMaxEventsPerKind + 1);
    check(encode_match_events(fbb, kills, scores, respawns), "match events");

    check(encode_chat_message(fbb, 1, name, std::string(kMaxTextBytes * 2, 'x')), "chat");

    const std::vector<RoomMemberView> members(kMaxPresenceMembers + 3, RoomMemberView{7, name});
    const std::vector<std::uint32_t> left(kMaxPresenceMembers + 3, 9);
    check(encode_presence(fbb, members, members, left), "presence");
    EXPECT_EQ(read_presence(encode_presence(fbb, members, members, left))->joined()->size(), kMaxPresenceMembers);
}

TEST(GameSchema, KindWithoutItsTableIsRejected) {
    // The Verifier treats an absent table as fine; the reader must not.
    flatbuffers::FlatBufferBuilder fbb;
    game::MessageBuilder message(fbb);
    message.add_body_type(game::Body::Snapshot);
    game::FinishMessageBuffer(fbb, message.Finish());
    EXPECT_EQ(read_message(finished(fbb)).error, "message kind without body");
}

TEST(GameSchema, VerifierTableLimitStopsAHugeRoomList) {
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<flatbuffers::Offset<game::RoomInfo>> rooms;
    for (int i = 0; i < 2000; ++i) rooms.push_back(game::CreateRoomInfo(fbb, 1));
    auto list = game::CreateRoomList(fbb, fbb.CreateVector(rooms));
    game::FinishMessageBuffer(fbb, game::CreateMessage(fbb, game::Body::RoomList, list.Union()));
    EXPECT_EQ(read_room_list(finished(fbb)).error, "message failed verification");
}

TEST(GameSchema, FixedPointConversionsFollowTheDocumentedUnits) {
    EXPECT_EQ(quantise_position(1.0f), 256);
    EXPECT_EQ(quantise_position(-2.5f), -640);
    EXPECT_FLOAT_EQ(position_units(384), 1.5f);
    EXPECT_EQ(quantise_velocity(1.0f), 16);
    EXPECT_EQ(quantise_velocity(1e6f), 32767);
    EXPECT_EQ(quantise_velocity(-1e6f), -32768);
    EXPECT_EQ(quantise_angle(0.0f), 0);
    EXPECT_EQ(quantise_angle(kTwoPi / 4), 16384);
    EXPECT_EQ(quantise_angle(kTwoPi), 0);        // a full turn wraps
    EXPECT_EQ(quantise_angle(-kTwoPi / 4), 49152);
    EXPECT_NEAR(angle_radians(32768), kTwoPi / 2, 1e-6);
}

TEST(GameMessages, TheSnapshotSaysHowEarlyInputArrivesAndTheInputWhatWasSeen) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto with = read_snapshot(
        encode_snapshot(fbb, {.server_tick = 9, .input_lead = std::int8_t{-2}, .input_jitter_ms = 33, .input_held_ticks = 4},
                        {}));
    ASSERT_TRUE(with) << with.error;
    ASSERT_TRUE(with->input_lead().has_value());
    EXPECT_EQ(*with->input_lead(), -2);
    EXPECT_EQ(with->input_jitter_ms(), 33);
    EXPECT_EQ(with->input_held_ticks(), 4);
    const auto without = read_snapshot(encode_snapshot(fbb, {.server_tick = 9}, {}));
    ASSERT_TRUE(without) << without.error;
    EXPECT_FALSE(without->input_lead().has_value()) << "absent: a server applying frames first in, first out";
    EXPECT_EQ(without->input_jitter_ms(), 0) << "none measured";
    EXPECT_EQ(without->input_held_ticks(), 0) << "nothing held";

    const game::InputFrame frames[] = {{100, 1, game::Buttons::Fire, 0, 0, 0}};
    const auto input = read_player_input(encode_player_input(fbb, frames, 90, {.tick = 84, .fraction = 200}));
    ASSERT_TRUE(input) << input.error;
    EXPECT_EQ(input->view_tick(), 84u);
    EXPECT_EQ(input->view_fraction(), 200);
}

}  // namespace
}  // namespace tickwire::schemas
