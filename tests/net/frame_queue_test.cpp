// FrameQueue (net/src/native/frame_queue.hpp): what a write has touched, by
// writev or by a TLS write still under way (hand_over), is never superseded or
// dropped; what it has not touched is.
#include "native/frame_queue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <sys/uio.h>

namespace tickwire::net::test {
namespace {

using detail::FrameQueue;

Message text(std::string_view s) { return Message::copy_of(s); }

// Everything gather() would hand to a write, as one string.
std::string gathered(const FrameQueue& q) {
    iovec buffers[64];
    const std::size_t n = q.gather(buffers, 64);
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out.append(static_cast<const char*>(buffers[i].iov_base), buffers[i].iov_len);
    return out;
}

TEST(FrameQueue, ALatestFrameNoWriteTouchedIsSuperseded) {
    FrameQueue q;
    EXPECT_FALSE(q.push_message({}, text("snapshot 1"), true));
    EXPECT_TRUE(q.push_message({}, text("snapshot 2"), true));
    const std::string bytes = gathered(q);
    EXPECT_EQ(bytes.find("snapshot 1"), std::string::npos);
    EXPECT_NE(bytes.find("snapshot 2"), std::string::npos);
    EXPECT_EQ(q.queued_bytes(), bytes.size());
}

TEST(FrameQueue, AFramePartlyWrittenIsFinishedNotSuperseded) {
    FrameQueue q;
    q.push_message({}, text("snapshot 1"), true);
    const std::size_t first = q.queued_bytes();
    q.consume(3);  // writev sent its 2-byte header and one byte of it
    EXPECT_FALSE(q.push_message({}, text("snapshot 2"), true));
    const std::string rest = gathered(q);
    EXPECT_EQ(rest.find("napshot 1"), 0u) << "the rest of snapshot 1 goes first";
    EXPECT_NE(rest.find("snapshot 2"), std::string::npos);
    EXPECT_EQ(q.consume(first - 3).messages, 1u);
}

TEST(FrameQueue, FramesHandedToAWriteUnderWayAreNeitherSupersededNorDropped) {
    FrameQueue q;
    q.push_message({}, text("snapshot 1"), true);
    q.push_message({}, text("chat"), false);
    const std::size_t in_flight = q.queued_bytes();
    q.hand_over(in_flight);  // TLS copied both into its buffer; the write completes later

    EXPECT_FALSE(q.push_message({}, text("snapshot 2"), true)) << "snapshot 1 is being sent";
    EXPECT_TRUE(q.push_message({}, text("snapshot 3"), true)) << "snapshot 2 was never touched";
    q.clear_unstarted();  // a close: drop what no write has touched
    EXPECT_EQ(q.queued_bytes(), in_flight) << "the write under way keeps its frames";

    EXPECT_EQ(q.consume(in_flight).messages, 2u);  // it completes
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.queued_bytes(), 0u);
}

TEST(FrameQueue, OnceTheHandedOverWriteCompletesTheNextLatestFrameIsReplaceableAgain) {
    FrameQueue q;
    q.push_message({}, text("snapshot 1"), true);
    const std::size_t one = q.queued_bytes();
    q.hand_over(one);
    EXPECT_FALSE(q.push_message({}, text("snapshot 2"), true));
    q.consume(one);
    EXPECT_TRUE(q.push_message({}, text("snapshot 3"), true)) << "snapshot 2 was never touched";
    const std::string left = gathered(q);
    EXPECT_EQ(left.find("snapshot 2"), std::string::npos);
    EXPECT_NE(left.find("snapshot 3"), std::string::npos);
}

}  // namespace
}  // namespace tickwire::net::test
