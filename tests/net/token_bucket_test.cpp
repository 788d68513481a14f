#include "tickwire/net/token_bucket.hpp"

#include <gtest/gtest.h>

namespace tickwire::net {
namespace {

using Seconds = std::chrono::duration<double>;

TEST(TokenBucket, StartsWithAFullBurstAndRefusesBeyondIt) {
    TokenBucket bucket(1.0, 5.0);
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(bucket.try_take()) << i;
    EXPECT_FALSE(bucket.try_take());
    EXPECT_EQ(bucket.tokens(), 0.0) << "a refused try_take takes nothing";
}

TEST(TokenBucket, RefillsAtItsRate) {
    TokenBucket bucket(4.0, 10.0, 0.0);
    bucket.refill(Seconds(0.5));
    EXPECT_DOUBLE_EQ(bucket.tokens(), 2.0);
    EXPECT_TRUE(bucket.try_take());
    EXPECT_TRUE(bucket.try_take());
    EXPECT_FALSE(bucket.try_take());
    bucket.refill(Seconds(-3.0));
    EXPECT_DOUBLE_EQ(bucket.tokens(), 0.0) << "time running backwards earns nothing";
}

TEST(TokenBucket, SavedCreditIsCappedButTheLatestIntervalIsGrantedInFull) {
    TokenBucket bucket(60.0, 120.0, 0.0);
    bucket.refill(Seconds(10.0));  // a long quiet spell: 600 earned...
    bucket.refill(Seconds(0.0));   // ...but only the burst is kept
    EXPECT_DOUBLE_EQ(bucket.tokens(), 120.0);
    // A server that stalled for a second still grants that second on top of
    // the saved burst: its peers kept sending honestly meanwhile.
    bucket.refill(Seconds(1.0));
    EXPECT_DOUBLE_EQ(bucket.tokens(), 180.0);
}

TEST(TokenBucket, TakeRunsIntoDebtThatRefillsPayBackFirst) {
    TokenBucket bucket(10.0, 10.0, 1.0);
    EXPECT_TRUE(bucket.take());
    EXPECT_FALSE(bucket.take());
    EXPECT_FALSE(bucket.take());
    EXPECT_DOUBLE_EQ(bucket.debt(), 2.0);
    bucket.refill(Seconds(0.1));  // one token: pays back half the debt
    EXPECT_DOUBLE_EQ(bucket.debt(), 1.0);
    EXPECT_FALSE(bucket.try_take());
    bucket.refill(Seconds(0.2));
    EXPECT_EQ(bucket.debt(), 0.0);
    EXPECT_TRUE(bucket.try_take());
}

TEST(TokenBucket, OverdrawForfeitsPartialCreditAndGrowsTheDebt) {
    TokenBucket bucket(1.0, 5.0, 0.5);
    EXPECT_FALSE(bucket.try_take());
    bucket.overdraw();
    EXPECT_DOUBLE_EQ(bucket.tokens(), -1.0) << "the half token is forfeit";
    bucket.overdraw();
    EXPECT_DOUBLE_EQ(bucket.debt(), 2.0);
}

}  // namespace
}  // namespace tickwire::net
