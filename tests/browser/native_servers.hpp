#pragma once
// The native ends the browser tests start for a page to talk to: tickwire-echo
// as a process, an in-process net::Server, one that closes every connection
// with a code of its own, and a loopback port that refuses every connection.
//
// Thread: the test thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "child_process.hpp"
#include "tickwire/net.hpp"

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

/// A net::Server on a free loopback port; fails the test if it cannot listen.
net::Server listen_loopback(net::ServerOptions options = {});

/// A server that closes each connection with `code` and `reason` when its
/// first message comes, and remembers the code the connection ended with.
class ClosingServer {
public:
    ClosingServer(std::uint16_t code, std::string reason);
    /// Handles what arrived; call it from the page runner's tick.
    void pump();
    /// Pumps until a connection ended (at most 5 s); its close code, or 0.
    std::uint16_t await_close_code();
    [[nodiscard]] std::uint16_t port() const { return server_.port(); }

private:
    std::uint16_t code_;
    std::string reason_;
    net::Server server_;
    net::ServerEvent event_;
    std::uint16_t seen_ = 0;
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
