// tickwire-echo as a separate process, driven by a Channel in the test: the
// round trip through the game-thread path, its per-connection lines, TLS, and
// a clean stop on SIGTERM.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstring>
#include <iostream>
#include <random>
#include <regex>
#include <string>

#include "child_process.hpp"
#include "interop_support.hpp"
#include "tickwire/net.hpp"

namespace tickwire::test {
namespace {

namespace net = tickwire::net;

// Starts tickwire-echo with `extra` arguments and reads its port.
ChildProcess start_echo(std::uint16_t& port, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{TICKWIRE_ECHO_PATH, "--port", "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    ChildProcess echo = ChildProcess::start(std::move(argv));
    port = 0;
    read_listening_port(echo, port);
    return echo;
}

// Waits for the opened event; fails the test on anything else.
void expect_opened(net::Channel& channel, std::string_view subprotocol = {}) {
    net::Event event;
    ASSERT_TRUE(next_event(channel, event, Clock::now() + 10s)) << "no event within 10 s of connecting";
    ASSERT_EQ(event.type, net::EventType::opened)
        << net::to_string(event.type) << ": " << net::to_string(event.error) << " " << event.text();
    EXPECT_EQ(event.text(), subprotocol);
}

// Closes with 1000 and waits for the closed event, which must say 1000.
void close_normally(net::Channel& channel) {
    channel.sink().close(net::close_code::normal, "done");
    channel.sink().flush();
    net::Event event;
    const auto deadline = Clock::now() + 10s;
    while (next_event(channel, event, deadline)) {
        ASSERT_NE(event.type, net::EventType::error) << net::to_string(event.error) << " " << event.text();
        if (event.type == net::EventType::closed) {
            EXPECT_EQ(event.close_code, net::close_code::normal) << event.text();
            return;
        }
    }
    FAIL() << "no closed event within 10 s of closing";
}

// Sends every payload at once and checks the echoes, byte for byte, in order.
void expect_echoes(net::Channel& channel, const std::vector<std::vector<std::byte>>& payloads) {
    for (const auto& payload : payloads) ASSERT_TRUE(channel.sink().add(payload));
    channel.sink().flush();
    net::Event event;
    const auto deadline = Clock::now() + 30s;
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        ASSERT_TRUE(next_event(channel, event, deadline)) << "echo " << i << " missing after 30 s";
        ASSERT_EQ(event.type, net::EventType::message)
            << "at echo " << i << ": " << net::to_string(event.type) << " " << event.close_code << " "
            << event.text();
        ASSERT_TRUE(std::ranges::equal(event.message.bytes(), payloads[i]))
            << "echo " << i << " is " << describe_bytes(event.message.bytes()) << ", sent "
            << describe_bytes(payloads[i]);
    }
}

// The round trip of the brief: 10,000 messages from 0 bytes to exactly 1 MiB,
// pipelined through tickwire-echo, must come back byte-exact and in order.
TEST(EchoTool, RoundTripsTenThousandMessagesOfRandomSizesByteExactAndInOrder) {
    constexpr std::size_t kCount = 10000;
    constexpr std::size_t kMaxSize = std::size_t{1} << 20;
    constexpr std::size_t kSmallMax = 2048;
    // Up to 64 messages in flight, but at most 2 MiB of them (one larger
    // message alone is allowed): the echo server closes a connection as a slow
    // consumer once its write queue passes 4 MiB.
    constexpr std::size_t kWindowMessages = 64;
    constexpr std::size_t kWindowBytes = std::size_t{2} << 20;

    const std::uint64_t seed = test_seed(20261125);
    std::cout << "seed " << seed << " (TICKWIRE_INTEROP_SEED=" << seed << " replays it)\n";
    RecordProperty("seed", std::to_string(seed));

    // Mostly game-sized messages, one in twenty large, log-uniform within each
    // band; 0 bytes and exactly 1 MiB at fixed positions.
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto log_uniform = [&](double low, double high) {
        return static_cast<std::size_t>(std::exp(std::log(low) + unit(random) * (std::log(high) - std::log(low)))) - 1;
    };
    std::vector<std::size_t> sizes(kCount);
    std::uint64_t total_bytes = 0;
    for (auto& size : sizes) {
        size = unit(random) < 0.95 ? log_uniform(1, kSmallMax + 1) : log_uniform(kSmallMax + 1, kMaxSize + 1);
        size = std::min(size, kMaxSize);
    }
    sizes[0] = 0;
    sizes[1] = kMaxSize;
    sizes[kCount / 2] = kMaxSize;
    sizes[kCount - 1] = 0;
    for (const auto size : sizes) total_bytes += size;

    // Message i is a slice of one random pool at an offset depending on i, so
    // a reordered, duplicated or corrupted echo cannot match.
    const std::vector<std::byte> pool = random_bytes(seed, kMaxSize + 4096);
    auto payload = [&](std::size_t i) {
        return std::span(pool).subspan((i * 2654435761u) % 4096, sizes[i]);
    };

    std::uint16_t port = 0;
    ChildProcess echo = start_echo(port, {"--max-message-size", std::to_string(kMaxSize)});
    ASSERT_NE(port, 0);
    net::ChannelOptions options;
    options.max_message_size = kMaxSize;
    net::Channel channel =
        net::Channel::connect("ws://127.0.0.1:" + std::to_string(port) + "/round-trip", options);
    ASSERT_NO_FATAL_FAILURE(expect_opened(channel));

    const auto start = Clock::now();
    const auto deadline = start + 90s;
    std::size_t sent = 0, received = 0, in_flight_bytes = 0;
    net::Event event;
    while (received < kCount) {
        // Keep the window full.
        bool added = false;
        while (sent < kCount && sent - received < kWindowMessages &&
               (sent == received || in_flight_bytes + sizes[sent] <= kWindowBytes)) {
            ASSERT_TRUE(channel.sink().add(payload(sent))) << "send queue refused message " << sent;
            in_flight_bytes += sizes[sent++];
            added = true;
        }
        if (added) channel.sink().flush();

        ASSERT_TRUE(next_event(channel, event, deadline))
            << "timed out after 90 s with " << received << " of " << kCount << " echoes";
        ASSERT_EQ(event.type, net::EventType::message)
            << "at echo " << received << ": " << net::to_string(event.type) << " " << event.close_code
            << " " << net::to_string(event.error) << " " << event.text();
        const auto expected = payload(received);
        ASSERT_EQ(event.message.size(), expected.size()) << "echo " << received;
        ASSERT_TRUE(std::ranges::equal(event.message.bytes(), expected))
            << "echo " << received << " is " << describe_bytes(event.message.bytes()) << ", sent "
            << describe_bytes(expected);
        in_flight_bytes -= expected.size();
        ++received;
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::cout << kCount << " messages, " << total_bytes << " bytes each way in " << seconds << " s ("
              << static_cast<double>(2 * total_bytes) / seconds / 1e6 << " MB/s both ways)\n";
    ASSERT_NO_FATAL_FAILURE(close_normally(channel));
}

// One line per connection: what a person running the tool sees.
TEST(EchoTool, PrintsOneLinePerConnectionOpenedAndClosed) {
    std::uint16_t port = 0;
    ChildProcess echo = start_echo(port);
    ASSERT_NE(port, 0);
    net::Channel channel =
        net::Channel::connect("ws://127.0.0.1:" + std::to_string(port) + "/room/7?player=ann");
    ASSERT_NO_FATAL_FAILURE(expect_opened(channel));
    ASSERT_NO_FATAL_FAILURE(expect_echoes(channel, {random_bytes(1, 10)}));
    ASSERT_NO_FATAL_FAILURE(close_normally(channel));

    const auto opened = echo.read_line(5s);
    const auto closed = echo.read_line(5s);
    ASSERT_TRUE(opened && closed) << "expected an open and a close line";
    std::smatch open_match, close_match;
    ASSERT_TRUE(std::regex_match(*opened, open_match,
                                 std::regex(R"(open #(\d+) 127\.0\.0\.1(:\d+)? /room/7\?player=ann)")))
        << *opened;
    ASSERT_TRUE(std::regex_match(*closed, close_match, std::regex(R"(close #(\d+) 1000 done)")))
        << *closed;
    EXPECT_EQ(open_match[1], close_match[1]) << "the close line names another connection";
}

// --max-message-size is a limit, not an off-by-one: exactly the limit is
// echoed, one byte more closes the connection with 1009.
TEST(EchoTool, EchoesAMessageOfExactlyMaxMessageSizeAndClosesWith1009AboveIt) {
    std::uint16_t port = 0;
    ChildProcess echo = start_echo(port, {"--max-message-size", "1000"});
    ASSERT_NE(port, 0);
    net::Channel channel = net::Channel::connect("ws://127.0.0.1:" + std::to_string(port) + "/");
    ASSERT_NO_FATAL_FAILURE(expect_opened(channel));
    ASSERT_NO_FATAL_FAILURE(expect_echoes(channel, {random_bytes(3, 1000)}));

    ASSERT_TRUE(channel.sink().add(random_bytes(4, 1001)));
    channel.sink().flush();
    net::Event event;
    ASSERT_TRUE(next_event(channel, event, Clock::now() + 10s)) << "no event after the oversized message";
    ASSERT_EQ(event.type, net::EventType::closed)
        << net::to_string(event.type) << " " << net::to_string(event.error) << " " << event.text();
    EXPECT_EQ(event.close_code, net::close_code::message_too_big) << event.text();
}

TEST(EchoTool, EchoesOverTlsToAChannelThatVerifiesItsCertificate) {
    const TestCertificate& certificate = test_certificate();
    std::uint16_t port = 0;
    ChildProcess echo = ChildProcess::start({TICKWIRE_ECHO_PATH, "--port", "0", "--tls-cert",
                                             certificate.certificate_file, "--tls-key",
                                             certificate.key_file});
    const auto banner = echo.read_line(10s);
    ASSERT_TRUE(banner && banner->starts_with("listening on wss://127.0.0.1:")) << banner.value_or("(none)");
    port = static_cast<std::uint16_t>(std::stoi(banner->substr(banner->rfind(':') + 1)));

    net::ChannelOptions options;
    options.tls.ca_file = certificate.certificate_file;  // verify_peer stays on
    net::Channel channel = net::Channel::connect("wss://127.0.0.1:" + std::to_string(port) + "/", options);
    ASSERT_NO_FATAL_FAILURE(expect_opened(channel));
    std::vector<std::vector<std::byte>> payloads;
    const auto sizes = varied_sizes(7, 50, 64 * 1024);
    for (std::size_t i = 0; i < sizes.size(); ++i) payloads.push_back(random_bytes(i, sizes[i]));
    ASSERT_NO_FATAL_FAILURE(expect_echoes(channel, payloads));
    ASSERT_NO_FATAL_FAILURE(close_normally(channel));
}

// The other half of "verification is on": a self-signed certificate the
// channel was not told to trust must fail the handshake.
TEST(EchoTool, TlsChannelRejectsAnUntrustedCertificate) {
    const TestCertificate& certificate = test_certificate();
    std::uint16_t port = 0;
    ChildProcess echo = start_echo(port, {"--tls-cert", certificate.certificate_file, "--tls-key",
                                          certificate.key_file});
    ASSERT_NE(port, 0);
    net::Channel channel = net::Channel::connect("wss://127.0.0.1:" + std::to_string(port) + "/");
    net::Event event;
    ASSERT_TRUE(next_event(channel, event, Clock::now() + 10s));
    ASSERT_EQ(event.type, net::EventType::error) << net::to_string(event.type) << " " << event.text();
    EXPECT_EQ(event.error, net::ErrorKind::tls) << net::to_string(event.error) << " " << event.text();
    ASSERT_TRUE(next_event(channel, event, Clock::now() + 10s));
    EXPECT_EQ(event.type, net::EventType::closed);
}

TEST(EchoTool, StopsOnSigtermClosingItsConnectionsWithGoingAway) {
    std::uint16_t port = 0;
    ChildProcess echo = start_echo(port);
    ASSERT_NE(port, 0);
    net::Channel channel = net::Channel::connect("ws://127.0.0.1:" + std::to_string(port) + "/");
    ASSERT_NO_FATAL_FAILURE(expect_opened(channel));
    ASSERT_NO_FATAL_FAILURE(expect_echoes(channel, {random_bytes(2, 100)}));

    echo.send_signal(SIGTERM);
    net::Event event;
    ASSERT_TRUE(next_event(channel, event, Clock::now() + 10s)) << "no event after SIGTERM";
    EXPECT_EQ(event.type, net::EventType::closed) << net::to_string(event.type) << " " << event.text();
    EXPECT_EQ(event.close_code, net::close_code::going_away) << event.text();
    EXPECT_EQ(echo.wait(10s), 0) << "tickwire-echo did not exit cleanly within 10 s of SIGTERM";
}

}  // namespace
}  // namespace tickwire::test
