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
    armed_.store(false);
    std::uint64_t count = 0;
    [[maybe_unused]] const auto read = ::read(fd_, &count, sizeof count);
}

}  // namespace tickwire::game::fleet::detail
