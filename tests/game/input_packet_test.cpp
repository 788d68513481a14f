// The input packet (game/protocol/input_packet.hpp): every frame, ack and view
// time round-trips exactly, through decode() as the server reads it; what a
// client sends every tick is small; and malformed bytes are refused with a
// reason, never read past their end.
#include "tickwire/game/protocol/input_packet.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "tickwire/game/protocol/wire.hpp"

namespace tickwire::game::protocol {
namespace {

std::vector<std::byte> packet_of(std::span<const InputFrame> frames, std::uint32_t ack = 0, schemas::ViewTime view = {}) {
    std::array<std::byte, kMaxInputPacketBytes> buffer;
    const std::size_t n = write_input_packet(frames, ack, view, buffer);
    return {buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n)};
}

bool same(const InputFrame& a, const InputFrame& b) {
    return a.tick() == b.tick() && a.sequence() == b.sequence() && a.buttons() == b.buttons() && a.aim() == b.aim() &&
           a.move_x() == b.move_x() && a.move_y() == b.move_y();
}

TEST(InputPacket, EveryFieldRoundTripsThroughDecodeIncludingTheExtremes) {
    constexpr std::uint32_t kTop = std::numeric_limits<std::uint32_t>::max();
    struct Case {
        std::vector<InputFrame> frames;
        std::uint32_t ack;
        schemas::ViewTime view;
    };
    const std::vector<Case> cases = {
        {{InputFrame(101, 1, Buttons::Fire, 0x1234, -1, 1)}, 95, {93, 200}},
        {{InputFrame(7, 1, Buttons::NONE, 0, 0, 0)}, 0, {}},                       // nothing acked, no view
        {{InputFrame(kTop, kTop, static_cast<Buttons>(0xffff), 0xffff, -128, 127)}, 1, {kTop, 255}},
        {{InputFrame(3, 9, Buttons::Jump, 1, 0, 0)}, kTop, {kTop - 5, 1}},       // ack and view "ahead": wrap
        {{InputFrame(50, 10, Buttons::NONE, 10, 1, 1), InputFrame(51, 11, Buttons::Fire, 20, 2, 2),
          InputFrame(60, 15, Buttons::AltFire, 30, 3, 3)},  // gaps in ticks and sequences
         40, {44, 0}},
        {{InputFrame(70, 20, Buttons::NONE, 1, 0, 0), InputFrame(68, 21, Buttons::NONE, 2, 0, 0),
          InputFrame(1, 22, Buttons::NONE, 3, 0, 0)},  // a corrected clock: ticks going back
         0, {}},
    };
    for (const Case& c : cases) {
        const std::vector<std::byte> bytes = packet_of(c.frames, c.ack, c.view);
        const net::Message message = net::Message::copy_of(std::span<const std::byte>(bytes));
        const Incoming in = decode(message.bytes());
        ASSERT_TRUE(in.input) << in.error;
        EXPECT_EQ(in.game, nullptr);
        ASSERT_EQ(in.input->frames().size(), c.frames.size());
        for (std::size_t i = 0; i < c.frames.size(); ++i) {
            EXPECT_TRUE(same(in.input->frames()[i], c.frames[i])) << "frame " << i;
        }
        EXPECT_EQ(in.input->snapshot_ack, c.ack);
        EXPECT_EQ(in.input->view.tick, c.view.tick);
        EXPECT_EQ(in.input->view.fraction, c.view.tick == 0 ? 0 : c.view.fraction);
    }
}

TEST(InputPacket, AnAckOrViewExactly2To31TicksAwayTravelsAsNone) {
    const InputFrame frame(0x8000'0005u, 1, Buttons::Fire, 0, 0, 0);
    InputPacket out;
    ASSERT_EQ(read_input_packet(packet_of({&frame, 1}, 5, {5, 7}), out), "");
    EXPECT_EQ(out.snapshot_ack, 0u);
    EXPECT_EQ(out.view.tick, 0u);
    ASSERT_EQ(read_input_packet(packet_of({&frame, 1}, 6, {4, 7}), out), "");
    EXPECT_EQ(out.snapshot_ack, 6u) << "one tick nearer: a gap like any other";
    EXPECT_EQ(out.view.tick, 4u);
}

TEST(InputPacket, AFullPacketKeepsTheNewest32Frames) {
    std::vector<InputFrame> frames;
    for (std::uint32_t s = 1; s <= 40; ++s) frames.emplace_back(1000 + s, s, Buttons::Fire, s, 1, -1);
    InputPacket out;
    ASSERT_EQ(read_input_packet(packet_of(frames), out), "");
    ASSERT_EQ(out.count, schemas::kMaxInputFrames);
    EXPECT_EQ(out.frames().front().sequence(), 9u);
    EXPECT_EQ(out.frames().back().sequence(), 40u);
    EXPECT_LE(packet_of(frames).size(), kMaxInputPacketBytes);
}

TEST(InputPacket, WhatAClientSendsEveryTickIsAboutFifteenBytesNotEighty) {
    // One frame an hour into a match, its shot's view time, a snapshot ack.
    const InputFrame frame(216'000, 215'990, Buttons::Fire, 40'000, 1, -1);
    const std::size_t packet = packet_of({&frame, 1}, 215'980, {215'975, 128}).size();
    flatbuffers::FlatBufferBuilder fbb;
    const std::size_t flatbuffer = schemas::encode_player_input(fbb, {&frame, 1}, 215'980, {215'975, 128}).size();
    EXPECT_LE(packet, 16u);
    EXPECT_GE(flatbuffer, 4 * packet) << "the schema's form of the same input";
}

TEST(InputPacket, APlayerInputFlatBufferDecodesToTheSamePacket) {
    const std::array frames = {InputFrame(20, 4, Buttons::NONE, 5, 0, 1), InputFrame(21, 5, Buttons::Fire, 6, 1, 0)};
    flatbuffers::FlatBufferBuilder fbb;
    const net::Message message = net::Message::copy_of(schemas::encode_player_input(fbb, frames, 18, {17, 9}));
    const Incoming in = decode(message.bytes());
    ASSERT_TRUE(in.input) << in.error;
    ASSERT_NE(in.game, nullptr);
    ASSERT_EQ(in.input->count, 2u);
    EXPECT_TRUE(same(in.input->frames()[1], frames[1]));
    EXPECT_EQ(in.input->snapshot_ack, 18u);
    EXPECT_EQ(in.input->view.tick, 17u);
    EXPECT_EQ(in.input->view.fraction, 9);
}

std::string_view refusal(std::vector<std::byte> bytes) {
    InputPacket out;
    return read_input_packet(bytes, out);
}
std::vector<std::byte> raw(std::initializer_list<int> values) {
    std::vector<std::byte> out;
    for (const int v : values) out.push_back(std::byte{static_cast<std::uint8_t>(v)});
    return out;
}

TEST(InputPacket, MalformedBytesAreRefusedWithAReason) {
    const std::array frames = {InputFrame(50, 10, Buttons::Fire, 7, 1, 1), InputFrame(51, 11, Buttons::NONE, 8, 0, 0)};
    const std::vector<std::byte> good = packet_of(frames, 45, {44, 3});
    ASSERT_EQ(refusal(good), "");
    for (std::size_t n = 0; n < good.size(); ++n) {
        EXPECT_NE(refusal({good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)}), "") << "cut at " << n;
    }
    std::vector<std::byte> longer = good;
    longer.push_back(std::byte{0});
    EXPECT_EQ(refusal(longer), "bytes after an input packet");

    // tag, count, tick, sequence, ack, view, then the newest frame: buttons, aim (2), move (2)
    EXPECT_EQ(refusal(raw({0x49, 1, 5, 1, 0, 0, 0, 0, 0, 0, 0})), "") << "the smallest valid packet";
    EXPECT_EQ(refusal(raw({0x49, 0, 5, 1, 0, 0})), "input packet frame count out of range");
    EXPECT_EQ(refusal(raw({0x49, 33, 5, 40, 0, 0})), "input packet frame count out of range");
    EXPECT_EQ(refusal(raw({0x49, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0})), "input sequence before 1");
    EXPECT_EQ(refusal(raw({0x49, 1, 5, 1, 0, 0, 0x80, 0x80, 0x04, 0, 0, 0, 0})), "input buttons wider than 16 bits");
    EXPECT_EQ(refusal(raw({0x49, 1, 0xff, 0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0, 0, 0, 0, 0})),
              "input packet truncated or over-long varint")
        << "a tick over 32 bits";
    // Two frames: the older one's gaps (zigzag tick, sequence) come first.
    EXPECT_EQ(refusal(raw({0x49, 2, 5, 9, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})), "input sequences not ascending");
    EXPECT_EQ(refusal(raw({0x49, 2, 5, 9, 0, 0, 1, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})), "input sequences not ascending")
        << "the older frame would be sequence 0";
    EXPECT_EQ(refusal(raw({0x48, 1, 5, 1, 0, 0, 0, 0, 0, 0, 0})), "not an input packet");
}

}  // namespace
}  // namespace tickwire::game::protocol
