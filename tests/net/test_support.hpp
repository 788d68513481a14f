#pragma once
// Helpers for net tests: bounded waits that pump the game-thread side, byte
// helpers, and a self-signed certificate made once per test binary.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tcp_proxy.hpp"
#include "tickwire/net.hpp"

namespace tickwire::net::test {

using namespace std::chrono_literals;

/// Calls `step` until it returns true or `timeout` passes; sleeps 200 µs between tries.
bool pump_until(const std::function<bool()>& step, std::chrono::milliseconds timeout = 5000ms);
/// pump_until for a NetworkThread run on the caller (run_on_caller), with the
/// caller's wait first on each try: a frame's tick sleep (1 ms) serving the
/// loop, then the frame's own work in `done`.
bool serve_until(NetworkThread& net, const std::function<bool()>& done);

std::vector<std::byte> bytes_of(std::string_view text);
std::string text_of(const Message& message);

/// Polls `channel` until an event of `type` arrives (others are appended to `seen`).
bool next_event(Channel& channel, EventType type, Event& out, std::chrono::milliseconds timeout = 5000ms,
                std::vector<EventType>* seen = nullptr);
bool next_event(Server& server, ServerEventType type, ServerEvent& out, std::chrono::milliseconds timeout = 5000ms);

/// A server on 127.0.0.1:0 with test-friendly options.
Server listen_local(ServerOptions options = {});
std::string local_url(const Server& server, std::string_view target = "/");

/// Echo everything the server has received so far back to its sender; returns events seen.
int echo_pending(Server& server);

/// Paths of a self-signed certificate for CN=localhost / IP 127.0.0.1 (made once).
struct TestCertificate {
    std::string certificate;
    std::string private_key;
};
const TestCertificate& test_certificate();

/// A port on 127.0.0.1 where nothing listens.
std::uint16_t unused_port();

/// File descriptors this process holds open right now (/proc/self/fd).
std::size_t open_descriptors();

using ::tickwire::test::TcpProxy;

}  // namespace tickwire::net::test
