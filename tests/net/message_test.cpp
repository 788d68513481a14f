#include <gtest/gtest.h>

#include <cstring>

#include "tickwire/net/message.hpp"

namespace tickwire::net {
namespace {

TEST(Message, CopiesShareOneBuffer) {
    Message a = Message::copy_of(std::string_view("hello"));
    EXPECT_TRUE(a.unique());
    Message b = a;
    EXPECT_FALSE(a.unique());
    EXPECT_EQ(a.data(), b.data());
    b.reset();
    EXPECT_TRUE(a.unique());
    EXPECT_EQ(a.text(), "hello");
}

TEST(Message, EmptyMessageIsValidAndZeroSized) {
    Message empty = Message::allocate(0);
    EXPECT_TRUE(empty);
    EXPECT_EQ(empty.size(), 0u);
    Message none;
    EXPECT_FALSE(none);
    EXPECT_TRUE(none.bytes().empty());
}

TEST(Message, ResizeStaysWithinCapacity) {
    Message m = Message::allocate(10);
    EXPECT_GE(m.capacity(), 10u);
    EXPECT_TRUE(m.resize(m.capacity()));
    EXPECT_FALSE(m.resize(m.capacity() + 1));
    EXPECT_TRUE(m.resize(3));
    EXPECT_EQ(m.size(), 3u);
}

TEST(Message, SteadyTrafficReusesPooledBuffers) {
    // Warm up every size class this traffic uses, then no new heap blocks.
    for (int i = 0; i < 64; ++i) Message::allocate(static_cast<std::size_t>(i) * 100);
    const auto before = buffer_pool_stats().heap_allocations;
    for (int round = 0; round < 10000; ++round) {
        Message m = Message::allocate(static_cast<std::size_t>(round % 64) * 100);
        if (m.size()) std::memset(m.writable().data(), 1, m.size());
    }
    EXPECT_EQ(buffer_pool_stats().heap_allocations, before);
}

TEST(Message, HugeMessagesBypassThePool) {
    Message m = Message::allocate(16u << 20);
    EXPECT_EQ(m.size(), 16u << 20);
    m.writable()[m.size() - 1] = std::byte{7};
    EXPECT_EQ(m.bytes()[m.size() - 1], std::byte{7});
}

}  // namespace
}  // namespace tickwire::net
