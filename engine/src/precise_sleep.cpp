#include "tickwire/engine/precise_sleep.hpp"

#include <cerrno>
#include <thread>

#if defined(__linux__)
#include <time.h>
#endif

namespace tickwire::engine {

namespace {

using Clock = std::chrono::steady_clock;

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
}

void sleep_absolute(Clock::time_point deadline) {
#if defined(__linux__)
    // libstdc++ and libc++ implement steady_clock with CLOCK_MONOTONIC on
    // Linux, so its time_since_epoch is directly a CLOCK_MONOTONIC time.
    const auto since_epoch = deadline.time_since_epoch();
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(secs.count());
    ts.tv_nsec = static_cast<long>(std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - secs).count());
    // A signal interrupts the sleep; the deadline is absolute, so just retry.
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
#else
    std::this_thread::sleep_until(deadline);
#endif
}

}  // namespace

void sleep_until_precise(Clock::time_point deadline, const SleepConfig& config) {
    switch (config.mode) {
    case SleepMode::kSleepUntil: std::this_thread::sleep_until(deadline); break;
    case SleepMode::kAbsolute: sleep_absolute(deadline); break;
    case SleepMode::kHybrid:
        if (Clock::now() < deadline - config.spin_window) sleep_absolute(deadline - config.spin_window);
        break;
    }
    // Every mode ends here: a sleep may return early on some platforms, and
    // the hybrid mode spends its last spin_window here. Spin, do not yield:
    // on a busy machine sched_yield hands the CPU to another runnable task
    // for its whole slice (3-4 ms), which is exactly the lateness we are
    // avoiding; a thread that just woke keeps the CPU for the short spin.
    while (Clock::now() < deadline) cpu_relax();
}

}  // namespace tickwire::engine
