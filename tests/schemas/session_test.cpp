#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "sample_messages.hpp"
#include "tickwire/schemas/session.hpp"

namespace tickwire::schemas {
namespace {

using testing::Buffer;
using testing::copy;

TEST(SessionSchema, HelloRoundTrips) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto bytes = encode_hello(fbb, {.client_name = "bot-7", .session_id = 0xABCDEF0123456789ull,
                                          .received = 42});
    const auto hello = read_hello(bytes);
    ASSERT_TRUE(hello) << hello.error;
    EXPECT_EQ(hello->protocol_version(), kProtocolVersion);
    EXPECT_EQ(hello->client_name()->string_view(), "bot-7");
    EXPECT_EQ(hello->session_id(), 0xABCDEF0123456789ull);
    EXPECT_EQ(hello->received(), 42u);
}

TEST(SessionSchema, WelcomeRoundTrips) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto bytes = encode_welcome(fbb, {.session_id = 7, .tick_rate_hz = 30,
                                            .server_tick = 1234, .resumed = true, .answers_ping = true});
    const auto welcome = read_welcome(bytes);
    ASSERT_TRUE(welcome) << welcome.error;
    EXPECT_EQ(welcome->protocol_version(), kProtocolVersion);
    EXPECT_EQ(welcome->session_id(), 7u);
    EXPECT_EQ(welcome->tick_rate_hz(), 30);
    EXPECT_EQ(welcome->server_tick(), 1234u);
    EXPECT_TRUE(welcome->resumed());
    EXPECT_TRUE(welcome->answers_ping());
    EXPECT_FALSE(read_welcome(encode_welcome(fbb, {}))->answers_ping()) << "an older server's Welcome";
}

TEST(SessionSchema, ResumeProofAndReceivedRoundTripInHelloAndWelcome) {
    flatbuffers::FlatBufferBuilder fbb;
    std::byte proof[48];
    for (std::size_t i = 0; i < sizeof proof; ++i) proof[i] = static_cast<std::byte>(i * 7);
    const auto hello = read_hello(encode_hello(fbb, {.client_name = {}, .session_id = 9, .resume_proof = proof, .received = 77}));
    ASSERT_TRUE(hello) << hello.error;
    ASSERT_NE(hello->resume_proof(), nullptr);
    ASSERT_EQ(hello->resume_proof()->size(), sizeof proof);
    EXPECT_EQ(std::memcmp(hello->resume_proof()->data(), proof, sizeof proof), 0);
    EXPECT_EQ(hello->received(), 77u);

    const auto welcome = read_welcome(encode_welcome(fbb, {.session_id = 9, .resumed = true, .resume_proof = proof,
                                                           .received = 5}));
    ASSERT_TRUE(welcome) << welcome.error;
    ASSERT_NE(welcome->resume_proof(), nullptr);
    EXPECT_EQ(welcome->resume_proof()->size(), sizeof proof);
    EXPECT_EQ(welcome->received(), 5u);

    // A plain game's Hello carries no proof at all (the field stays absent).
    const auto plain = read_hello(encode_hello(fbb, {.client_name = "bot"}));
    ASSERT_TRUE(plain) << plain.error;
    EXPECT_EQ(plain->resume_proof(), nullptr);
    EXPECT_EQ(plain->received(), 0u);
}

TEST(SessionSchema, OverlongResumeProofIsRejectedByTheReader) {
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<std::uint8_t> long_proof(kMaxResumeProofBytes + 1, 1);
    auto proof = fbb.CreateVector(long_proof);
    auto hello = session::CreateHello(fbb, kProtocolVersion, 0, 1, proof, 0);
    fbb.TrackMinAlign(kBufferAlignment);
    session::FinishPacketBuffer(fbb, session::CreatePacket(fbb, session::Body::Hello, hello.Union()));
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(fbb.GetBufferPointer()), fbb.GetSize());
    const Buffer copied = copy(bytes);
    const auto read = read_hello(copied);
    EXPECT_FALSE(read);
    EXPECT_EQ(read.error, "resume_proof too long");
}

TEST(SessionSchema, ClockSyncRoundTrips) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto request = read_clock_sync_request(encode_clock_sync_request(fbb, -5));
    ASSERT_TRUE(request) << request.error;
    EXPECT_EQ(request->client_send_time_us(), -5);

    const auto response = read_clock_sync_response(
        encode_clock_sync_response(fbb, {.client_send_time_us = 100, .server_receive_time_us = 1'000'000'000'000,
                                         .server_send_time_us = 1'000'000'000'050, .server_tick = 99}));
    ASSERT_TRUE(response) << response.error;
    EXPECT_EQ(response->client_send_time_us(), 100);
    EXPECT_EQ(response->server_receive_time_us(), 1'000'000'000'000);
    EXPECT_EQ(response->server_send_time_us(), 1'000'000'000'050);
    EXPECT_EQ(response->server_tick(), 99u);
}

TEST(SessionSchema, AckRoundTrips) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto ack = read_ack(encode_ack(fbb, 0x80000001u));
    ASSERT_TRUE(ack) << ack.error;
    EXPECT_EQ(ack->ack(), 0x80000001u);
}

TEST(SessionSchema, PingAndPongRoundTripTheirStamp) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto ping = read_ping(encode_ping(fbb, 0x123456789abcull));
    ASSERT_TRUE(ping) << ping.error;
    EXPECT_EQ(ping->sent_us(), 0x123456789abcull);
    const auto pong = read_pong(encode_pong(fbb, 7));
    ASSERT_TRUE(pong) << pong.error;
    EXPECT_EQ(pong->sent_us(), 7u);
    EXPECT_FALSE(read_ping(encode_pong(fbb, 7))) << "a Pong is not a Ping";
}

TEST(SessionSchema, ErrorRoundTrips) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto error = read_error(encode_error(fbb, session::ErrorCode::ProtocolVersion, "need v1"));
    ASSERT_TRUE(error) << error.error;
    EXPECT_EQ(error->code(), session::ErrorCode::ProtocolVersion);
    EXPECT_EQ(error->text()->string_view(), "need v1");
}

TEST(SessionSchema, PayloadCarriesAnAlignedGameMessageThatReadsInPlace) {
    flatbuffers::FlatBufferBuilder game_fbb;
    flatbuffers::FlatBufferBuilder packet_fbb;
    const auto entities = testing::sample_entities(64);
    const auto game_bytes = encode_snapshot(game_fbb, {.server_tick = 5}, entities);
    const auto packet = copy(encode_payload(
        packet_fbb, {.sequence = 10, .ack = 9, .delivery = session::DeliveryClass::LatestState},
        game_bytes));

    const auto payload = read_payload(packet);
    ASSERT_TRUE(payload) << payload.error;
    EXPECT_EQ(payload->sequence(), 10u);
    EXPECT_EQ(payload->ack(), 9u);
    EXPECT_EQ(payload->delivery(), session::DeliveryClass::LatestState);
    const auto inner = payload_bytes(*payload.message);
    ASSERT_EQ(inner.size(), game_bytes.size());
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(inner.data()) % kBufferAlignment, 0u);
    EXPECT_EQ(std::memcmp(inner.data(), game_bytes.data(), inner.size()), 0);

    const auto snapshot = read_snapshot(inner);
    ASSERT_TRUE(snapshot) << snapshot.error;
    EXPECT_EQ(snapshot->server_tick(), 5u);
    EXPECT_EQ(snapshot->entities()->size(), 64u);
}

TEST(SessionSchema, EveryKindIsReadableThroughReadPacket) {
    for (const auto& sample : testing::session_samples()) {
        const auto packet = read_packet(sample.bytes);
        ASSERT_TRUE(packet) << sample.name << ": " << packet.error;
        EXPECT_NE(packet->body_type(), session::Body::NONE) << sample.name;
    }
}

TEST(SessionSchema, ReaderForOneKindRejectsAnother) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto bytes = encode_ack(fbb, 1);
    const auto hello = read_hello(bytes);
    EXPECT_FALSE(hello);
    EXPECT_EQ(hello.error, "unexpected packet kind");
}

TEST(SessionSchema, GameMessageIsNotASessionPacket) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto result = read_packet(encode_leave_room(fbb, 1));
    EXPECT_FALSE(result);
    EXPECT_EQ(result.error, "wrong file identifier");
}

TEST(SessionSchema, EmptyAndOversizedBuffersAreRejected) {
    EXPECT_EQ(read_packet({}).error, "buffer too small");
    const Buffer huge(kMaxPacketBytes + 8);
    EXPECT_EQ(read_packet(huge).error, "buffer too large");
}

TEST(SessionSchema, MisalignedBufferIsRejectedNotRead) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto bytes = encode_ack(fbb, 1);
    Buffer shifted(bytes.size() + 1);
    std::memcpy(shifted.data() + 1, bytes.data(), bytes.size());
    const auto result = read_packet(std::span<const std::byte>(shifted).subspan(1));
    EXPECT_EQ(result.error, "buffer not 8-byte aligned");
}

TEST(SessionSchema, EncoderClampsNamesAtACodePointBoundary) {
    flatbuffers::FlatBufferBuilder fbb;
    std::string name(31, 'a');
    name += "\xC3\xA9";  // 'é' straddles the 32-byte limit
    const auto hello = read_hello(encode_hello(fbb, {.client_name = name}));
    ASSERT_TRUE(hello) << hello.error;
    EXPECT_EQ(hello->client_name()->string_view(), std::string(31, 'a'));
}

TEST(SessionSchema, OverlongAndInvalidStringsFromAForeignWriterAreRejected) {
    flatbuffers::FlatBufferBuilder fbb;
    const std::string long_text(kMaxTextBytes + 1, 'x');
    auto text = fbb.CreateString(long_text);
    auto error = session::CreateError(fbb, session::ErrorCode::Unknown, text);
    session::FinishPacketBuffer(fbb, session::CreatePacket(fbb, session::Body::Error, error.Union()));
    EXPECT_EQ(read_error(copy({reinterpret_cast<const std::byte*>(fbb.GetBufferPointer()), fbb.GetSize()})).error,
              "error text too long");

    fbb.Clear();
    auto bad = fbb.CreateString("\xC0\xAF");  // overlong '/'
    auto hello = session::CreateHello(fbb, 1, bad);
    session::FinishPacketBuffer(fbb, session::CreatePacket(fbb, session::Body::Hello, hello.Union()));
    EXPECT_EQ(read_hello(copy({reinterpret_cast<const std::byte*>(fbb.GetBufferPointer()), fbb.GetSize()})).error,
              "client_name not UTF-8");
}

TEST(SessionSchema, EmptyPacketAndEmptyPayloadAreRejected) {
    flatbuffers::FlatBufferBuilder fbb;
    session::FinishPacketBuffer(fbb, session::CreatePacket(fbb));
    EXPECT_EQ(read_packet(copy({reinterpret_cast<const std::byte*>(fbb.GetBufferPointer()), fbb.GetSize()})).error,
              "empty packet");
    EXPECT_EQ(read_payload(encode_payload(fbb, {}, {})).error, "payload empty");
}

}  // namespace
}  // namespace tickwire::schemas
