// The session envelope (session protocol 2): every kind round-trips, its
// header is as short as the format promises, and whatever is malformed is
// refused with a reason before any of it is read as a sequence or an ack.
#include "tickwire/schemas/envelope.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sample_messages.hpp"
#include "tickwire/schemas/session.hpp"

namespace tickwire::schemas::testing {
namespace {

namespace envelope = schemas::envelope;
using envelope::Kind;

std::vector<std::byte> bytes(std::initializer_list<int> values) {
    std::vector<std::byte> out;
    for (int v : values) out.push_back(std::byte{static_cast<std::uint8_t>(v)});
    return out;
}

std::vector<std::byte> with_body(const envelope::Header& header, std::string_view body) {
    std::vector<std::byte> out(envelope::kMaxHeaderBytes);
    out.resize(envelope::write_header(header, out.data()));
    for (char c : body) out.push_back(static_cast<std::byte>(c));
    return out;
}

TEST(Envelope, EveryKindRoundTripsWithTheMessageAfterIt) {
    const envelope::Header headers[] = {{Kind::reliable, 1, 0}, {Kind::reliable, 0xffffffffu, 0xffffffffu},
                                        {Kind::latest, 0, 0},   {Kind::latest_ack, 0, 300}};
    for (const auto& header : headers) {
        const auto packet = with_body(header, "the game's message");
        const auto read = envelope::read(packet);
        ASSERT_TRUE(read) << read.error;
        EXPECT_EQ(read.header.kind, header.kind);
        EXPECT_EQ(read.header.sequence, header.sequence);
        EXPECT_EQ(read.header.ack, header.ack);
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(read.body.data()), read.body.size()), "the game's message");
    }
    const auto ack = envelope::read(with_body({Kind::ack, 0, 77}, ""));
    ASSERT_TRUE(ack) << ack.error;
    EXPECT_EQ(ack.header.ack, 77u);
}

TEST(Envelope, HeadersAreAsShortAsTheFormatSays) {
    EXPECT_EQ(with_body({Kind::latest, 0, 0}, "").size(), 1u);
    EXPECT_EQ(with_body({Kind::latest_ack, 0, 127}, "").size(), 2u);
    EXPECT_EQ(with_body({Kind::latest_ack, 0, 128}, "").size(), 3u);
    EXPECT_EQ(with_body({Kind::reliable, 5, 4}, "").size(), 3u);
    EXPECT_EQ(with_body({Kind::reliable, 0xffffffffu, 0xffffffffu}, "").size(), envelope::kMaxHeaderBytes);
}

TEST(Envelope, IsToldApartFromEverySessionPacket) {
    for (const auto& sample : session_samples()) {
        EXPECT_FALSE(envelope::is_envelope(sample.bytes)) << sample.name;
        EXPECT_FALSE(envelope::read(sample.bytes)) << sample.name;
    }
    for (const Kind kind : {Kind::reliable, Kind::latest, Kind::ack, Kind::latest_ack})
        EXPECT_TRUE(envelope::is_envelope(with_body({kind, 1, 1}, "")));
}

TEST(Envelope, MalformedOnesAreRefusedWithAReason) {
    const std::pair<const char*, std::vector<std::byte>> cases[] = {
        {"empty", {}},
        {"reserved kind 0x07", bytes({0x07, 0x01})},
        {"a FlatBuffer's first byte", bytes({0x10, 0, 0, 0})},
        {"reliable without its varints", bytes({0x01})},
        {"reliable with half a varint", bytes({0x01, 0x81})},
        {"varint of six bytes", bytes({0x03, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})},
        {"varint over 32 bits", bytes({0x03, 0xff, 0xff, 0xff, 0xff, 0x1f})},
        {"reliable sequence 0", bytes({0x01, 0x00, 0x00, 'x'})},
        {"ack with bytes after it", bytes({0x03, 0x01, 'x'})},
        {"latest+ack without its ack", bytes({0x05})},
    };
    for (const auto& [what, packet] : cases) {
        const auto read = envelope::read(packet);
        EXPECT_FALSE(read) << what;
        EXPECT_FALSE(read.error.empty()) << what;
    }
}

}  // namespace
}  // namespace tickwire::schemas::testing
