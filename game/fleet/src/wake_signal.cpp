#include "wake_signal.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace tickwire::game::fleet::detail {

WakeSignal::WakeSignal() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

WakeSignal::~WakeSignal() { ::close(fd_); }

void WakeSignal::notify() noexcept {
    if (armed_.exchange(true)) return;
    const std::uint64_t one = 1;
    // Non-blocking; EAGAIN only if the counter would overflow, which still wakes.
    [[maybe_unused]] const auto written = ::write(fd_, &one, sizeof one);
}

void WakeSignal::wait_for(std::chrono::milliseconds timeout) noexcept {
    pollfd p{fd_, POLLIN, 0};
    const auto ms = timeout.count() < 0 ? 0 : timeout.count() > 60000 ? 60000 : static_cast<int>(timeout.count());
    if (::poll(&p, 1, ms) > 0) consume();
}

void WakeSignal::consume() noexcept {
    // Read first, then disarm. The other order lost wakeups for good: a
    // notify() between the two wrote to the counter this read then cleared,
    // leaving armed_ set with nothing to read, so every later notify() was
    // skipped (matchmaking answers stopped coming to tickwire-bots). This
    // way a notify() in between finds armed_ set and writes nothing, and its
    // item is still seen: callers drain their queue after consume().
    std::uint64_t count = 0;
    [[maybe_unused]] const auto read = ::read(fd_, &count, sizeof count);
    armed_.store(false);
}

}  // namespace tickwire::game::fleet::detail
