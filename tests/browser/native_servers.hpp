#pragma once
// The native ends the browser tests start for a page to talk to: tickwire-echo
// as a process, and a loopback port that refuses every connection.
//
// Thread: the test thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "child_process.hpp"

namespace tickwire::test {

/// A native tickwire-echo on a free loopback port.
struct EchoServer {
    explicit EchoServer(std::vector<std::string> extra_args = {});
    /// The first line of the echo server's output that starts with `prefix`
    /// (within 10 s).
    std::optional<std::string> wait_for_line(std::string_view prefix);

    std::optional<ChildProcess> process;
    std::uint16_t port = 0;
};

/// A loopback port bound but never listening: connecting to it is refused.
class RefusingPort {
public:
    RefusingPort();
    ~RefusingPort();
    RefusingPort(const RefusingPort&) = delete;
    RefusingPort& operator=(const RefusingPort&) = delete;
    [[nodiscard]] std::uint16_t port() const { return port_; }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace tickwire::test
