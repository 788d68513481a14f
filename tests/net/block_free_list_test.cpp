// The pool's MPMC free list: every block pushed is popped exactly once, with
// producers and consumers on different threads (run under TSan in CI).
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "block_free_list.hpp"

namespace tickwire::net::detail {
namespace {

TEST(BlockFreeList, RefusesPushWhenFullAndPopsNullWhenEmpty) {
    BlockFreeList list(4);
    std::vector<Block> blocks(5);
    EXPECT_EQ(list.try_pop(), nullptr);
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(list.try_push(&blocks[i]));
    EXPECT_FALSE(list.try_push(&blocks[4]));
    for (int i = 0; i < 4; ++i) EXPECT_EQ(list.try_pop(), &blocks[i]);  // FIFO
    EXPECT_EQ(list.try_pop(), nullptr);
}

TEST(BlockFreeList, HandsEachBlockToExactlyOneConsumerAcrossThreads) {
    constexpr int kPerProducer = 20000;
    constexpr int kProducers = 2;
    BlockFreeList list(64);
    std::vector<Block> blocks(kPerProducer * kProducers);
    std::vector<std::atomic<int>> seen(blocks.size());
    std::atomic<int> consumed{0};

    std::vector<std::thread> threads;
    for (int p = 0; p < kProducers; ++p)
        threads.emplace_back([&, p] {
            for (int i = 0; i < kPerProducer; ++i)
                while (!list.try_push(&blocks[static_cast<std::size_t>(p * kPerProducer + i)])) std::this_thread::yield();
        });
    for (int c = 0; c < 2; ++c)
        threads.emplace_back([&] {
            while (consumed.load() < kPerProducer * kProducers) {
                if (Block* block = list.try_pop()) {
                    seen[static_cast<std::size_t>(block - blocks.data())].fetch_add(1);
                    consumed.fetch_add(1);
                } else {
                    std::this_thread::yield();
                }
            }
        });
    for (auto& thread : threads) thread.join();
    for (std::size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i].load(), 1) << "block " << i;
}

}  // namespace
}  // namespace tickwire::net::detail
