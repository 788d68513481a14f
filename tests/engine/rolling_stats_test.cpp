#include <gtest/gtest.h>

#include "tickwire/engine/rolling_stats.hpp"

namespace tickwire::engine {
namespace {

using namespace std::chrono_literals;

TEST(RollingStats, EmptyWindowReportsZeros) {
    RollingStats stats(10);
    const auto p = stats.summary();
    EXPECT_EQ(p.samples, 0u);
    EXPECT_EQ(p.p50, 0ns);
    EXPECT_EQ(p.max, 0ns);
}

TEST(RollingStats, NearestRankPercentilesOfOneToHundred) {
    RollingStats stats(100);
    for (int i = 100; i >= 1; --i) stats.add(std::chrono::microseconds(i));
    const auto p = stats.summary();
    EXPECT_EQ(p.samples, 100u);
    EXPECT_EQ(p.p50, 50us);
    EXPECT_EQ(p.p99, 99us);
    EXPECT_EQ(p.max, 100us);
}

TEST(RollingStats, OnlyTheLastWindowCounts) {
    RollingStats stats(4);
    stats.add(1s);  // pushed out below
    for (int i = 0; i < 4; ++i) stats.add(1ms);
    const auto p = stats.summary();
    EXPECT_EQ(p.samples, 4u);
    EXPECT_EQ(p.max, 1ms);
    stats.clear();
    EXPECT_EQ(stats.summary().samples, 0u);
}

}  // namespace
}  // namespace tickwire::engine
