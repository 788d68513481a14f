// Schema evolution: game_v2.fbs and session_v2.fbs are the real schemas plus
// fields and a message kind (the build proves it with flatc --conform).
// Buffers written by either version must be read correctly by the other.

#include <gtest/gtest.h>

#include "sample_messages.hpp"
#include "tickwire/schemas/evolution/game_v2_generated.h"
#include "tickwire/schemas/evolution/session_v2_generated.h"

namespace tickwire::schemas {
namespace {

using testing::Buffer;

Buffer finished(const flatbuffers::FlatBufferBuilder& fbb) {
    return testing::copy({reinterpret_cast<const std::byte*>(fbb.GetBufferPointer()), fbb.GetSize()});
}

TEST(SchemaEvolution, OldReaderReadsASnapshotWithNewFields) {
    flatbuffers::FlatBufferBuilder fbb;
    const game_v2::EntityState entities[] = {{7, 256, -512, 16, -16, 16384, 2, game_v2::EntityKind::Player,
                                              game_v2::EntityFlags::Alive, 90, 1}};
    const game_v2::EntityExtra extras[] = {{7, 50, 30}};
    const std::uint32_t removed[] = {3};
    auto snapshot = game_v2::CreateSnapshot(fbb, 500, 490, 12, fbb.CreateVectorOfStructs(entities, 1),
                                            fbb.CreateVector(removed, 1), 0, 3, 20, 2, fbb.CreateVectorOfStructs(extras, 1),
                                            45000);
    game_v2::FinishMessageBuffer(fbb, game_v2::CreateMessage(fbb, game_v2::Body::Snapshot, snapshot.Union()));
    const Buffer bytes = finished(fbb);

    const auto v1 = read_snapshot(bytes);
    ASSERT_TRUE(v1) << v1.error;
    EXPECT_EQ(v1->server_tick(), 500u);
    EXPECT_EQ(v1->baseline_tick(), 490u);
    EXPECT_EQ(v1->last_input_sequence(), 12u);
    ASSERT_EQ(v1->entities()->size(), 1u);
    const auto* e = v1->entities()->Get(0);
    EXPECT_EQ(e->id(), 7u);
    EXPECT_EQ(e->x(), 256);
    EXPECT_EQ(e->y(), -512);
    EXPECT_EQ(e->angle(), 16384);
    EXPECT_EQ(e->health(), 90);
    ASSERT_EQ(v1->removed()->size(), 1u);
    EXPECT_EQ(v1->removed()->Get(0), 3u);
    ASSERT_TRUE(v1->input_lead().has_value());
    EXPECT_EQ(*v1->input_lead(), 3);
    EXPECT_EQ(v1->input_jitter_ms(), 20);
    EXPECT_EQ(v1->input_held_ticks(), 2);
}

TEST(SchemaEvolution, NewReaderSeesDefaultsInAnOldSnapshot) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto entities = testing::sample_entities(3);
    const Buffer bytes = testing::copy(encode_snapshot(fbb, {.server_tick = 9}, entities));

    flatbuffers::Verifier verifier(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    ASSERT_TRUE(game_v2::VerifyMessageBuffer(verifier));
    const auto* v2 = game_v2::GetMessage(bytes.data())->body_as_Snapshot();
    ASSERT_NE(v2, nullptr);
    EXPECT_EQ(v2->server_tick(), 9u);
    EXPECT_EQ(v2->entities()->size(), 3u);
    EXPECT_EQ(v2->extras(), nullptr);
    EXPECT_EQ(v2->time_left_ms(), 90000u);  // the v2 default
}

TEST(SchemaEvolution, OldReaderReadsAChatMessageWithANewField) {
    flatbuffers::FlatBufferBuilder fbb;
    auto chat = game_v2::CreateChatMessageDirect(fbb, 4, "ana", "hi", 2);
    game_v2::FinishMessageBuffer(fbb, game_v2::CreateMessage(fbb, game_v2::Body::ChatMessage, chat.Union()));
    const Buffer bytes = finished(fbb);  // the reader's result points into it
    const auto v1 = read_chat_message(bytes);
    ASSERT_TRUE(v1) << v1.error;
    EXPECT_EQ(v1->from_player(), 4u);
    EXPECT_EQ(v1->from_name()->string_view(), "ana");
    EXPECT_EQ(v1->text()->string_view(), "hi");
}

TEST(SchemaEvolution, OldReaderRejectsANewMessageKindWithoutReadingIt) {
    flatbuffers::FlatBufferBuilder fbb;
    auto emote = game_v2::CreateEmote(fbb, 4, 1);
    game_v2::FinishMessageBuffer(fbb, game_v2::CreateMessage(fbb, game_v2::Body::Emote, emote.Union()));
    const Buffer bytes = finished(fbb);
    const auto v1 = read_message(bytes);
    EXPECT_FALSE(v1);
    EXPECT_EQ(v1.error, "unknown message kind");
}

TEST(SchemaEvolution, EveryOldMessageIsReadableByTheNewSchema) {
    for (const auto& sample : testing::game_samples()) {
        flatbuffers::Verifier verifier(reinterpret_cast<const std::uint8_t*>(sample.bytes.data()), sample.bytes.size());
        EXPECT_TRUE(game_v2::VerifyMessageBuffer(verifier)) << sample.name;
        EXPECT_EQ(static_cast<int>(game_v2::GetMessage(sample.bytes.data())->body_type()),
                  static_cast<int>(read_message(sample.bytes)->body_type()))
            << sample.name;
    }
}

TEST(SchemaEvolution, TheNewSchemaReadsPresenceWhereV1PutIt) {
    // Presence was appended to the union after RoomList: a v2 reader (which
    // appends Emote after it) must see the same kind and fields.
    flatbuffers::FlatBufferBuilder fbb;
    const RoomMemberView joined[] = {{3, "cy"}};
    const Buffer bytes = testing::copy(encode_presence(fbb, {}, joined));
    flatbuffers::Verifier verifier(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    ASSERT_TRUE(game_v2::VerifyMessageBuffer(verifier));
    const auto* v2 = game_v2::GetMessage(bytes.data())->body_as_Presence();
    ASSERT_NE(v2, nullptr);
    EXPECT_EQ(v2->joined()->Get(0)->player(), 3u);
    EXPECT_EQ(v2->joined()->Get(0)->name()->string_view(), "cy");
}

TEST(SchemaEvolution, OldReaderReadsAHelloWithNewFields) {
    flatbuffers::FlatBufferBuilder fbb;
    auto hello = session_v2::CreateHelloDirect(fbb, kProtocolVersion, "bot-7", 5, nullptr, 6, "build 1234", 3);
    fbb.TrackMinAlign(kBufferAlignment);
    session_v2::FinishPacketBuffer(fbb, session_v2::CreatePacket(fbb, session_v2::Body::Hello, hello.Union()));
    const Buffer bytes = finished(fbb);
    const auto v1 = read_hello(bytes);
    ASSERT_TRUE(v1) << v1.error;
    EXPECT_EQ(v1->client_name()->string_view(), "bot-7");
    EXPECT_EQ(v1->session_id(), 5u);
    EXPECT_EQ(v1->received(), 6u);
}

TEST(SchemaEvolution, OldReaderReadsAPayloadOnANewChannelAndItsGameMessage) {
    flatbuffers::FlatBufferBuilder game_fbb;
    const auto game_bytes = encode_leave_room(game_fbb, 77);
    flatbuffers::FlatBufferBuilder fbb;
    fbb.ForceVectorAlignment(game_bytes.size(), 1, kBufferAlignment);
    auto data = fbb.CreateVector(reinterpret_cast<const std::uint8_t*>(game_bytes.data()), game_bytes.size());
    auto payload = session_v2::CreatePayload(fbb, 9, 8, session_v2::DeliveryClass::LatestState, data, 4);
    fbb.TrackMinAlign(kBufferAlignment);
    session_v2::FinishPacketBuffer(fbb, session_v2::CreatePacket(fbb, session_v2::Body::Payload, payload.Union()));
    const Buffer bytes = finished(fbb);

    const auto v1 = read_payload(bytes);
    ASSERT_TRUE(v1) << v1.error;
    EXPECT_EQ(v1->sequence(), 9u);
    EXPECT_EQ(v1->delivery(), session::DeliveryClass::LatestState);
    const auto leave = read_leave_room(payload_bytes(*v1.message));
    ASSERT_TRUE(leave) << leave.error;
    EXPECT_EQ(leave->room_id(), 77u);
}

TEST(SchemaEvolution, NewReaderSeesDefaultsInAnOldPayload) {
    const auto samples = testing::session_samples();
    const auto& payload = samples.back();
    ASSERT_EQ(payload.name, "payload");
    flatbuffers::Verifier verifier(reinterpret_cast<const std::uint8_t*>(payload.bytes.data()), payload.bytes.size());
    ASSERT_TRUE(session_v2::VerifyPacketBuffer(verifier));
    const auto* v2 = session_v2::GetPacket(payload.bytes.data())->body_as_Payload();
    ASSERT_NE(v2, nullptr);
    EXPECT_EQ(v2->sequence(), 1u);
    EXPECT_EQ(v2->channel(), 0);  // the v2 default
}

TEST(SchemaEvolution, OldReaderRejectsANewPacketKindWithoutReadingIt) {
    flatbuffers::FlatBufferBuilder fbb;
    auto emote = session_v2::CreateEmote(fbb, 1);
    fbb.TrackMinAlign(kBufferAlignment);
    session_v2::FinishPacketBuffer(fbb, session_v2::CreatePacket(fbb, session_v2::Body::Emote, emote.Union()));
    EXPECT_EQ(read_packet(finished(fbb)).error, "unknown packet kind");
}

}  // namespace
}  // namespace tickwire::schemas
