#pragma once
// RedisServer: a real redis-server for one test, on a free loopback port, with
// nothing on disk (no RDB, no AOF, log to /dev/null). Killed and reaped when
// the object goes away, and by the kernel if the test process dies first
// (ChildProcess), so a failing test leaks no server.
//
// Thread: the test thread that made it calls all of it.

#include <cstdint>
#include <optional>
#include <string>

#include "child_process.hpp"

namespace tickwire::test {

class RedisServer {
public:
    /// Starts and waits until it answers PING; throws std::runtime_error if it cannot.
    RedisServer();
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    /// SIGKILL, as a crash: no goodbye to clients, every key gone.
    void kill();
    /// A new, empty redis-server on the same port (after kill()).
    void restart();

    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
    [[nodiscard]] std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

private:
    /// Starts on port_; false if it exited (the port was taken meanwhile).
    bool launch();
    std::uint16_t port_ = 0;
    std::optional<ChildProcess> process_;
};

/// A TCP port on 127.0.0.1 that was free a moment ago (bound, read, closed).
std::uint16_t free_loopback_port();

}  // namespace tickwire::test
