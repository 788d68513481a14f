// queue_bench: the bridge between the game thread and the network thread, in
// isolation. The same 32-byte trivially copyable item as net's RawEvent crosses
// from a producer thread to a consumer thread through
//   - boost::lockfree::spsc_queue (what net/src/spsc.hpp uses), capacity set at run time,
//   - a std::mutex + std::deque queue of the same bound (the obvious baseline),
//   - moodycamel::ReaderWriterQueue, when Debian's libreaderwriterqueue-dev is installed.
//
// BM_Throughput/<queue>/<capacity>: the producer pushes kBatch items per
//   iteration while a consumer thread pops them; items_per_second is the rate
//   at which items get through, the iteration ending when the last one is popped.
// BM_PingPong/<queue>: one item bounces between two queues (main thread → echo
//   thread → main thread); time per iteration is one round trip.
//
// The two threads are pinned to the first two CPUs the process may use, and
// both busy-wait with a CPU pause, falling back to yielding so that another
// process sharing a core still gets it. On a loaded machine, run under
// `nice -n -10` with --benchmark_repetitions=5. TICKWIRE_BENCH_NO_PIN=1
// turns the pinning off.
//
//   build/bin/tickwire-bench-queue [Google Benchmark flags]

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>
#include <type_traits>

#include <benchmark/benchmark.h>
#include <boost/lockfree/spsc_queue.hpp>

#if TICKWIRE_HAVE_READERWRITERQUEUE
#include <readerwriterqueue/readerwriterqueue.h>
#endif

namespace {

/// Shaped like net's RawEvent: 32 bytes, trivially copyable, two pointers.
struct Item {
    std::uint8_t type = 0;
    std::uint8_t error = 0;
    std::uint16_t close_code = 0;
    std::uint16_t http_status = 0;
    std::uint32_t id = 0;
    void* message = nullptr;
    std::uint64_t sequence = 0;  // stands in for RawEvent::detail; checked by the consumer
};
static_assert(sizeof(Item) == 32);
static_assert(std::is_trivially_copyable_v<Item>);

constexpr std::int64_t kBatch = 1 << 14;  // items per throughput iteration

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

/// Spin briefly, then yield: on 2 cores the peer thread may need this core.
class Backoff {
public:
    void pause() noexcept {
        if (spins_ < kSpins) {
            ++spins_;
            cpu_relax();
        } else {
            std::this_thread::yield();
        }
    }
    void reset() noexcept { spins_ = 0; }

private:
    static constexpr unsigned kSpins = 128;
    unsigned spins_ = 0;
};

/// The n-th CPU this process may run on, or -1 if there are not that many.
int allowed_cpu(int n) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &set) && n-- == 0) return cpu;
    return -1;
}

/// Pins the calling thread to the n-th allowed CPU for its lifetime, so the two
/// sides of a queue always run on different cores (left unpinned with one CPU).
/// Unpinned, the scheduler sometimes stacks both threads on one core, and the
/// figure then measures the spin budget and a context switch, not the queue.
class ScopedPin {
public:
    explicit ScopedPin(int n) {
        // TICKWIRE_BENCH_NO_PIN=1 leaves placement to the scheduler, to compare.
        const char* no_pin = std::getenv("TICKWIRE_BENCH_NO_PIN");
        pinned_ = !(no_pin && *no_pin && *no_pin != '0') && allowed_cpu(1) >= 0 &&
                  pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_) == 0;
        if (!pinned_) return;
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(allowed_cpu(n), &one);
        pthread_setaffinity_np(pthread_self(), sizeof one, &one);
    }
    ~ScopedPin() {
        if (pinned_) pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_);
    }
    ScopedPin(const ScopedPin&) = delete;
    ScopedPin& operator=(const ScopedPin&) = delete;

private:
    cpu_set_t saved_{};
    bool pinned_ = false;
};

// Queue adapters: try_push from the producer thread only, try_pop from the
// consumer thread only; both non-blocking.

/// boost::lockfree::spsc_queue with its capacity fixed at construction, as in net.
class BoostSpsc {
public:
    explicit BoostSpsc(std::size_t capacity) : queue_(capacity) {}
    bool try_push(const Item& item) noexcept { return queue_.push(item); }
    bool try_pop(Item& item) noexcept { return queue_.pop(item); }

private:
    boost::lockfree::spsc_queue<Item> queue_;
};

/// std::mutex + std::deque, bounded like the others so a full queue pushes back.
class MutexDeque {
public:
    explicit MutexDeque(std::size_t capacity) : capacity_(capacity) {}
    bool try_push(const Item& item) {
        const std::lock_guard lock(mutex_);
        if (items_.size() >= capacity_) return false;
        items_.push_back(item);
        return true;
    }
    bool try_pop(Item& item) {
        const std::lock_guard lock(mutex_);
        if (items_.empty()) return false;
        item = items_.front();
        items_.pop_front();
        return true;
    }

private:
    std::mutex mutex_;
    std::deque<Item> items_;
    const std::size_t capacity_;
};

#if TICKWIRE_HAVE_READERWRITERQUEUE
/// moodycamel::ReaderWriterQueue; try_enqueue never allocates past the initial capacity.
class MoodycamelRwq {
public:
    explicit MoodycamelRwq(std::size_t capacity) : queue_(capacity) {}
    bool try_push(const Item& item) noexcept { return queue_.try_enqueue(item); }
    bool try_pop(Item& item) noexcept { return queue_.try_dequeue(item); }

private:
    moodycamel::ReaderWriterQueue<Item> queue_;
};
#endif

/// Pops until told to stop; counts what it popped and checks the order.
template <class Queue>
class Consumer {
public:
    explicit Consumer(Queue& queue) : queue_(queue), thread_([this] { run(); }) {}
    ~Consumer() {
        stop_.store(true, std::memory_order_relaxed);
        thread_.join();
    }
    [[nodiscard]] std::uint64_t popped() const noexcept { return popped_.load(std::memory_order_acquire); }
    [[nodiscard]] bool in_order() const noexcept { return in_order_.load(std::memory_order_relaxed); }

private:
    void run() {
        const ScopedPin pin(1);
        Backoff backoff;
        Item item;
        std::uint64_t count = 0;
        while (true) {
            if (queue_.try_pop(item)) {
                if (item.sequence != count) in_order_.store(false, std::memory_order_relaxed);
                popped_.store(++count, std::memory_order_release);
                backoff.reset();
            } else if (stop_.load(std::memory_order_relaxed)) {
                return;
            } else {
                backoff.pause();
            }
        }
    }

    Queue& queue_;
    std::atomic<std::uint64_t> popped_{0};
    std::atomic<bool> stop_{false};
    std::atomic<bool> in_order_{true};
    std::thread thread_;  // last: starts once the members above exist
};

template <class Queue>
void BM_Throughput(benchmark::State& state) {
    const ScopedPin pin(0);
    Queue queue(static_cast<std::size_t>(state.range(0)));
    Consumer<Queue> consumer(queue);
    std::uint64_t pushed = 0;
    std::uint64_t full = 0;
    Backoff backoff;
    for (auto _ : state) {
        for (std::int64_t i = 0; i < kBatch; ++i) {
            Item item;
            item.sequence = pushed;
            while (!queue.try_push(item)) {
                ++full;
                backoff.pause();
            }
            backoff.reset();
            ++pushed;
        }
        // The iteration ends when the consumer has everything.
        while (consumer.popped() != pushed) backoff.pause();
        backoff.reset();
    }
    if (!consumer.in_order()) state.SkipWithError("items arrived out of order");
    state.SetItemsProcessed(state.iterations() * kBatch);
    state.counters["full_per_item"] = static_cast<double>(full) / static_cast<double>(pushed ? pushed : 1);
}

/// Bounces every item straight back: pops from `in`, pushes to `out`.
template <class Queue>
class Echo {
public:
    Echo(Queue& in, Queue& out) : in_(in), out_(out), thread_([this] { run(); }) {}
    ~Echo() {
        stop_.store(true, std::memory_order_relaxed);
        thread_.join();
    }

private:
    void run() {
        const ScopedPin pin(1);
        Backoff backoff;
        Item item;
        while (!stop_.load(std::memory_order_relaxed)) {
            if (!in_.try_pop(item)) {
                backoff.pause();
                continue;
            }
            backoff.reset();
            while (!out_.try_push(item)) backoff.pause();
            backoff.reset();
        }
    }

    Queue& in_;
    Queue& out_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

template <class Queue>
void BM_PingPong(benchmark::State& state) {
    const ScopedPin pin(0);
    Queue there(64), back(64);
    Echo<Queue> echo(there, back);
    Backoff backoff;
    Item item;
    std::uint64_t sequence = 0;
    bool ok = true;
    for (auto _ : state) {
        item.sequence = sequence;
        while (!there.try_push(item)) backoff.pause();
        backoff.reset();
        while (!back.try_pop(item)) backoff.pause();
        backoff.reset();
        ok = ok && item.sequence == sequence;
        ++sequence;
    }
    if (!ok) state.SkipWithError("the wrong item came back");
}

// Capacities: net's defaults (Channel 4096, Server 65536) and a small one
// where the producer often finds the queue full.
BENCHMARK_TEMPLATE(BM_Throughput, BoostSpsc)->Arg(256)->Arg(4096)->Arg(65536)->UseRealTime();
BENCHMARK_TEMPLATE(BM_Throughput, MutexDeque)->Arg(256)->Arg(4096)->Arg(65536)->UseRealTime();
#if TICKWIRE_HAVE_READERWRITERQUEUE
BENCHMARK_TEMPLATE(BM_Throughput, MoodycamelRwq)->Arg(256)->Arg(4096)->Arg(65536)->UseRealTime();
#endif

BENCHMARK_TEMPLATE(BM_PingPong, BoostSpsc)->UseRealTime();
BENCHMARK_TEMPLATE(BM_PingPong, MutexDeque)->UseRealTime();
#if TICKWIRE_HAVE_READERWRITERQUEUE
BENCHMARK_TEMPLATE(BM_PingPong, MoodycamelRwq)->UseRealTime();
#endif

}  // namespace

BENCHMARK_MAIN();
