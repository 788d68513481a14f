#pragma once
// What the interop tests share: where the peers and tools are, whether a peer
// can run here, a self-signed certificate, deterministic payloads, and a way
// to wait for a channel's next event without blocking forever.
//
// Thread: the test thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "tickwire/net.hpp"

namespace tickwire::test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Interpreters by absolute path: the python3 first on PATH may be another
// install without Debian's python3-websockets.
inline constexpr const char* kNodePath = "/usr/bin/node";
inline constexpr const char* kPythonPath = "/usr/bin/python3";

/// tests/peers in the source tree.
std::string peers_dir();

/// Why the npm `ws` peer cannot run here, or empty when it can.
std::string node_ws_unavailable();
/// Why the Python `websockets` peer cannot run here, or empty when it can.
std::string python_websockets_unavailable();

struct TestCertificate {
    std::string certificate_file;  ///< self-signed, so also its own CA file
    std::string key_file;
};
/// A self-signed certificate for localhost and 127.0.0.1, made with openssl
/// once per test process in a temporary directory removed at exit. Throws if
/// openssl fails.
const TestCertificate& test_certificate();

/// The seed for randomised tests: TICKWIRE_INTEROP_SEED if set, else `fallback`.
std::uint64_t test_seed(std::uint64_t fallback);

/// `size` bytes from a seeded generator.
std::vector<std::byte> random_bytes(std::uint64_t seed, std::size_t size);

/// Sizes for an exchange of `count` messages: the frame-length boundaries
/// (0, 1, 125, 126, 127, 65535, 65536, 65537) first, then log-uniform up to `max`.
std::vector<std::size_t> varied_sizes(std::uint64_t seed, std::size_t count, std::size_t max);

/// Poll `channel` until it yields an event or `deadline` passes.
bool next_event(net::Channel& channel, net::Event& event, Clock::time_point deadline);

/// Read the first line of a server child, "listening ... PORT" (an echo
/// server's banner), into `port`; adds a test failure and returns false if
/// no such line comes within 10 s.
bool read_listening_port(ChildProcess& child, std::uint16_t& port);

/// "hex(first bytes)..." for failure messages about binary data.
std::string describe_bytes(std::span<const std::byte> bytes);

}  // namespace tickwire::test
