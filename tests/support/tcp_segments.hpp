#pragma once
// The kernel's segment counters of a TCP socket (TCP_INFO), to count what
// crossed the wire in a test: pure ACKs are the segments without data.
// Kept apart from the tests because <linux/tcp.h>, which has these fields,
// clashes with glibc's <netinet/tcp.h>, which Asio includes.

#include <cstdint>
#include <optional>

namespace tickwire::test {

struct TcpSegments {
    std::uint32_t in = 0;       ///< segments received, pure ACKs included
    std::uint32_t data_in = 0;  ///< segments received that carried data
    [[nodiscard]] std::uint32_t pure_acks_in() const noexcept { return in - data_in; }
};

/// Nothing if the kernel does not report them.
std::optional<TcpSegments> tcp_segments(int fd);

}  // namespace tickwire::test
