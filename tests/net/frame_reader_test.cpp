// FrameReader against frames built byte by byte: whatever way the bytes are
// cut into reads, the same messages come out, and every malformed frame gets
// the close code the abuse suite pins on the live server.
#include "websocket/frame_reader.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "tickwire/net/events.hpp"

namespace tickwire::net::test {
namespace {

using detail::FrameReader;
using Bytes = std::vector<std::byte>;

constexpr std::uint8_t kFin = 0x80;
constexpr std::uint8_t kContinuation = 0x0, kText = 0x1, kBinary = 0x2, kClose = 0x8, kPing = 0x9, kPong = 0xa;

// A client frame: masked with a fixed key unless `masked` is false; the
// length in the given form (0 = shortest, 126 or 127 = forced).
Bytes frame(std::uint8_t first, const std::string& payload, bool masked = true, int form = 0) {
    Bytes out{std::byte{first}};
    const std::uint64_t n = payload.size();
    const std::uint8_t mask_bit = masked ? 0x80 : 0;
    if (form == 0 && n < 126) {
        out.push_back(std::byte{static_cast<std::uint8_t>(mask_bit | n)});
    } else if (form == 126 || (form == 0 && n <= 0xffff)) {
        out.push_back(std::byte{static_cast<std::uint8_t>(mask_bit | 126)});
        for (int i = 1; i >= 0; --i) out.push_back(std::byte{static_cast<std::uint8_t>(n >> (8 * i))});
    } else {
        out.push_back(std::byte{static_cast<std::uint8_t>(mask_bit | 127)});
        for (int i = 7; i >= 0; --i) out.push_back(std::byte{static_cast<std::uint8_t>(n >> (8 * i))});
    }
    const std::uint8_t key[4] = {0x37, 0xfa, 0x21, 0x3d};
    if (masked) for (const std::uint8_t k : key) out.push_back(std::byte{k});
    for (std::size_t i = 0; i < payload.size(); ++i) {
        const auto c = static_cast<std::uint8_t>(payload[i]);
        out.push_back(std::byte{static_cast<std::uint8_t>(masked ? c ^ key[i % 4] : c)});
    }
    return out;
}

// A header alone, claiming `length` bytes.
Bytes header_claiming(std::uint8_t first, std::uint64_t length) {
    Bytes out{std::byte{first}, std::byte{0x80 | 127}};
    for (int i = 7; i >= 0; --i) out.push_back(std::byte{static_cast<std::uint8_t>(length >> (8 * i))});
    for (int i = 0; i < 4; ++i) out.push_back(std::byte{0});
    return out;
}

Bytes operator+(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::string close_payload(std::uint16_t code, const std::string& reason) {
    return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)} + reason;
}

// Records what the reader reports, as text.
class Recorder : public detail::FrameSink {
public:
    std::vector<std::string> seen;
    int pause_after = -1;  ///< return false from this message on

    bool on_frame_message(Message m) override {
        seen.push_back("message " + std::string(m.text()));
        return static_cast<int>(messages_++) != pause_after;
    }
    void on_frame_ping(std::span<const std::byte> p) override { seen.push_back("ping " + text(p)); }
    void on_frame_pong(std::span<const std::byte> p) override { seen.push_back("pong " + text(p)); }
    void on_frame_close(std::uint16_t code, std::string_view reason) override {
        seen.push_back("close " + std::to_string(code) + " " + std::string(reason));
    }
    void on_frame_violation(std::uint16_t code, std::string_view) override {
        seen.push_back("violation " + std::to_string(code));
    }

private:
    static std::string text(std::span<const std::byte> p) { return {reinterpret_cast<const char*>(p.data()), p.size()}; }
    std::size_t messages_ = 0;
};

// What the reader reports for `bytes` fed at once (it stops early at a close or violation).
std::vector<std::string> read_all(const Bytes& bytes, std::size_t max = 1 << 20) {
    FrameReader reader(max);
    Recorder sink;
    const std::size_t used = reader.feed(bytes, sink);
    EXPECT_TRUE(used == bytes.size() || reader.stopped()) << "stopped short without a reason";
    return sink.seen;
}

using Seen = std::vector<std::string>;

TEST(FrameReader, ReadsEveryFrameOfOneBufferInOrder) {
    const Bytes bytes = frame(kFin | kBinary, "one") + frame(kFin | kPing, "p") + frame(kFin | kBinary, "") +
                        frame(kFin | kBinary, std::string(300, 'x')) + frame(kFin | kPong, "q");
    EXPECT_EQ(read_all(bytes), (Seen{"message one", "ping p", "message ", "message " + std::string(300, 'x'), "pong q"}));
}

TEST(FrameReader, GivesTheSameMessagesHoweverTheBytesAreCut) {
    const std::string big(70000, 'b');  // a 64-bit length
    const Bytes bytes = frame(kBinary, "frag") + frame(kFin | kPing, "mid") + frame(kFin | kContinuation, "mented") +
                        frame(kFin | kBinary, big) + frame(kFin | kBinary, std::string(200, 'm'));
    const Seen expected{"ping mid", "message fragmented", "message " + big, "message " + std::string(200, 'm')};
    for (const std::size_t step : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, std::size_t{4096}}) {
        FrameReader reader(1 << 20);
        Recorder sink;
        for (std::size_t at = 0; at < bytes.size(); at += step) {
            const std::size_t n = std::min(step, bytes.size() - at);
            ASSERT_EQ(reader.feed(std::span(bytes).subspan(at, n), sink), n);
        }
        EXPECT_EQ(sink.seen, expected) << "in pieces of " << step;
        EXPECT_FALSE(reader.mid_frame());
    }
}

TEST(FrameReader, StopsAfterAMessageWhenTheSinkSaysWaitAndGoesOnFromThere) {
    const Bytes first = frame(kFin | kBinary, "a");
    const Bytes bytes = first + frame(kFin | kBinary, "b") + frame(kFin | kBinary, "c");
    FrameReader reader(1024);
    Recorder sink;
    sink.pause_after = 0;
    const std::size_t used = reader.feed(bytes, sink);
    EXPECT_EQ(used, first.size());
    EXPECT_EQ(sink.seen, Seen{"message a"});
    EXPECT_EQ(reader.feed(std::span(bytes).subspan(used), sink), bytes.size() - used);
    EXPECT_EQ(sink.seen, (Seen{"message a", "message b", "message c"}));
}

TEST(FrameReader, AMessageOfExactlyTheLimitPassesAndOneByteMoreCloses1009) {
    EXPECT_EQ(read_all(frame(kFin | kBinary, std::string(1000, 'x')), 1000), Seen{"message " + std::string(1000, 'x')});
    EXPECT_EQ(read_all(frame(kFin | kBinary, std::string(1001, 'x')), 1000), Seen{"violation 1009"});
}

TEST(FrameReader, AClaimOf2To63BytesCloses1009FromTheHeaderAlone) {
    EXPECT_EQ(read_all(header_claiming(kFin | kBinary, std::uint64_t{1} << 63)), Seen{"violation 1009"});
    EXPECT_EQ(read_all(header_claiming(kFin | kBinary, ~std::uint64_t{0})), Seen{"violation 1009"});
}

TEST(FrameReader, FragmentsAddingUpPastTheLimitClose1009) {
    Bytes bytes = frame(kBinary, std::string(400, 'x'));
    for (int i = 0; i < 3; ++i) bytes = bytes + frame(kContinuation, std::string(400, 'x'));
    EXPECT_EQ(read_all(bytes, 1000), Seen{"violation 1009"});
}

TEST(FrameReader, MalformedFramesClose1002) {
    EXPECT_EQ(read_all(frame(kFin | kBinary, "naked", false)), Seen{"violation 1002"}) << "unmasked";
    EXPECT_EQ(read_all(frame(kFin | 0x20 | kBinary, "rsv")), Seen{"violation 1002"}) << "reserved bit";
    EXPECT_EQ(read_all(frame(kFin | 0x3, "?")), Seen{"violation 1002"}) << "unknown opcode";
    EXPECT_EQ(read_all(frame(kFin | 0xb, "?")), Seen{"violation 1002"}) << "unknown control opcode";
    EXPECT_EQ(read_all(frame(kFin | kContinuation, "tail")), Seen{"violation 1002"}) << "orphan continuation";
    EXPECT_EQ(read_all(frame(kBinary, "a") + frame(kFin | kBinary, "b")), Seen{"violation 1002"}) << "new message mid-way";
    EXPECT_EQ(read_all(frame(kPing, "p")), Seen{"violation 1002"}) << "fragmented ping";
    EXPECT_EQ(read_all(frame(kFin | kPing, std::string(126, 'p'))), Seen{"violation 1002"}) << "long ping";
    EXPECT_EQ(read_all(frame(kFin | kBinary, "short", true, 126)), Seen{"violation 1002"}) << "16-bit length < 126";
    EXPECT_EQ(read_all(frame(kFin | kBinary, "short", true, 127)), Seen{"violation 1002"}) << "64-bit length < 65536";
}

TEST(FrameReader, ATextFrameCloses1003) {
    EXPECT_EQ(read_all(frame(kFin | kText, "hello")), Seen{"violation 1003"});
}

TEST(FrameReader, ReadsNothingAfterACloseFrameOrAViolation) {
    FrameReader reader(1024);
    Recorder sink;
    const Bytes closing = frame(kFin | kClose, close_payload(4000, "bye"));
    const Bytes bytes = closing + frame(kFin | kBinary, "after");
    EXPECT_EQ(reader.feed(bytes, sink), closing.size());
    EXPECT_TRUE(reader.stopped());
    EXPECT_EQ(reader.feed(bytes, sink), 0u);
    EXPECT_EQ(sink.seen, Seen{"close 4000 bye"});
}

TEST(FrameReader, CloseFramesAreCheckedLikeAnyOther) {
    EXPECT_EQ(read_all(frame(kFin | kClose, "")), Seen{"close 1005 "}) << "no code";
    EXPECT_EQ(read_all(frame(kFin | kClose, close_payload(1000, "done"))), Seen{"close 1000 done"});
    EXPECT_EQ(read_all(frame(kFin | kClose, "x")), Seen{"violation 1002"}) << "one byte";
    EXPECT_EQ(read_all(frame(kFin | kClose, close_payload(1005, ""))), Seen{"violation 1002"}) << "1005 on the wire";
    EXPECT_EQ(read_all(frame(kFin | kClose, close_payload(999, ""))), Seen{"violation 1002"});
    EXPECT_EQ(read_all(frame(kFin | kClose, close_payload(5000, ""))), Seen{"violation 1002"});
    EXPECT_EQ(read_all(frame(kFin | kClose, close_payload(1000, "\xc3\xa9t\xc3\xa9"))), Seen{"close 1000 \xc3\xa9t\xc3\xa9"});
    EXPECT_EQ(read_all(frame(kFin | kClose, close_payload(1000, "\xc3"))), Seen{"violation 1007"}) << "truncated";
    EXPECT_EQ(read_all(frame(kFin | kClose, close_payload(1000, "\xc0\xaf"))), Seen{"violation 1007"}) << "overlong";
    EXPECT_EQ(read_all(frame(kFin | kClose, close_payload(1000, "\xed\xa0\x80"))), Seen{"violation 1007"}) << "surrogate";
}

}  // namespace
}  // namespace tickwire::net::test
