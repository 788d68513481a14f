// tickwire against WebSocket implementations nobody here wrote — npm `ws`
// (Node) and Python `websockets` — in both directions, over ws and wss:
//   - our Channel to the peer's echo server,
//   - the peer's client to our Server (driven by this test thread), which
//     echoes and then closes with 4000 "bye", or sees the client close 1000,
//   - sub-protocol negotiation and extra headers, seen from the peer's side.
// The peer scripts live in tests/peers; a peer missing here skips its tests
// and says why.

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "child_process.hpp"
#include "interop_support.hpp"
#include "tickwire/net.hpp"

namespace tickwire::test {
namespace {

namespace net = tickwire::net;

enum class Peer { node_ws, python_websockets };
enum class Transport { ws, wss };

// Test names and failure messages show these instead of raw bytes.
void PrintTo(Peer peer, std::ostream* out) {
    *out << (peer == Peer::node_ws ? "NodeWs" : "PythonWebsockets");
}
void PrintTo(Transport transport, std::ostream* out) { *out << (transport == Transport::wss ? "wss" : "ws"); }

// Messages per exchange; with sizes up to 256 KiB that is a few MB each way.
constexpr std::size_t kExchangeCount = 200;
constexpr std::size_t kExchangeMaxSize = 256 * 1024;

std::string lines_of(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += "  | " + line + "\n";
    return text;
}

class PeerInterop : public ::testing::TestWithParam<std::tuple<Peer, Transport>> {
protected:
    void SetUp() override {
        const std::string why = peer() == Peer::node_ws ? node_ws_unavailable() : python_websockets_unavailable();
        if (!why.empty()) GTEST_SKIP() << why;
    }

    Peer peer() const { return std::get<0>(GetParam()); }
    bool tls() const { return std::get<1>(GetParam()) == Transport::wss; }
    std::string scheme() const { return tls() ? "wss" : "ws"; }

    // interpreter + tests/peers/<script> + args
    std::vector<std::string> peer_command(std::string_view node_script, std::string_view python_script,
                                          std::vector<std::string> args) const {
        std::vector<std::string> argv;
        if (peer() == Peer::node_ws) {
            argv = {kNodePath, peers_dir() + "/" + std::string(node_script)};
        } else {
            argv = {kPythonPath, peers_dir() + "/" + std::string(python_script)};
        }
        argv.insert(argv.end(), args.begin(), args.end());
        return argv;
    }

    // Starts the peer's echo server (with TLS when the transport says so).
    ChildProcess start_echo_server(std::uint16_t& port, std::vector<std::string> args = {}) const {
        if (tls()) {
            const TestCertificate& certificate = test_certificate();
            args.insert(args.end(), {"--cert", certificate.certificate_file, "--key", certificate.key_file});
        }
        ChildProcess server = ChildProcess::start(peer_command("ws_echo_server.js", "py_echo_server.py", args));
        port = 0;
        read_listening_port(server, port);
        return server;
    }

    // A channel to the peer's echo server, trusting our certificate for wss.
    net::Channel connect(std::uint16_t port, std::string_view target, net::ChannelOptions options = {}) const {
        if (tls()) options.tls.ca_file = test_certificate().certificate_file;
        return net::Channel::connect(scheme() + "://127.0.0.1:" + std::to_string(port) + std::string(target),
                                     std::move(options));
    }

    // Runs the peer's client against an in-process Server that echoes the
    // first kExchangeCount messages. With close_by_server, the next message
    // makes the server close with 4000 "bye"; otherwise the client closes with
    // 1000 "done". Fills in what the server saw, the client's output lines and
    // its exit status.
    struct ServerSide {
        std::uint16_t close_code = 0;
        std::string close_reason;
        std::size_t echoed = 0;
        std::string path, query;
    };
    void exchange_with_peer_client(bool close_by_server, ServerSide& seen, std::vector<std::string>& output,
                                   std::optional<int>& exit_status) const {
        net::ServerOptions options;
        options.address = "127.0.0.1";
        if (tls()) {
            options.tls_certificate_file = test_certificate().certificate_file;
            options.tls_private_key_file = test_certificate().key_file;
        }
        std::error_code ec;
        net::Server server = net::Server::listen(options, ec);
        ASSERT_TRUE(server) << ec.message();

        std::vector<std::string> args{scheme() + "://127.0.0.1:" + std::to_string(server.port()) +
                                          "/echo?peer=" + std::to_string(static_cast<int>(peer())),
                                      "--count", std::to_string(kExchangeCount), "--seed", "7", "--close",
                                      close_by_server ? "server" : "client"};
        if (tls()) args.insert(args.end(), {"--ca", test_certificate().certificate_file});
        ChildProcess client = ChildProcess::start(peer_command("ws_client.js", "py_client.py", args));

        // The game loop: poll, echo the same buffer back, flush once per pass.
        const auto deadline = Clock::now() + 30s;
        net::ServerEvent event;
        bool disconnected = false;
        while (!disconnected && Clock::now() < deadline) {
            bool worked = false;
            while (server.poll(event)) {
                worked = true;
                switch (event.type) {
                case net::ServerEventType::connected:
                    seen.path = event.path();
                    seen.query = event.query();
                    break;
                case net::ServerEventType::message:
                    if (seen.echoed < kExchangeCount) {
                        ASSERT_TRUE(server.send(event.id, std::move(event.message)));
                        ++seen.echoed;
                    } else {
                        ASSERT_TRUE(server.close(event.id, 4000, "bye"));
                    }
                    break;
                case net::ServerEventType::disconnected:
                    seen.close_code = event.close_code;
                    seen.close_reason = event.reason();
                    disconnected = true;
                    break;
                case net::ServerEventType::resumed:  // session mode only
                case net::ServerEventType::log:      // log_events is off
                case net::ServerEventType::http_request:  // no http_routes
                    break;
                }
            }
            if (worked) {
                server.flush();
            } else if (auto status = client.wait(0ms); status && *status != 0) {
                break;  // the client gave up; its output says why
            } else {
                std::this_thread::sleep_for(100us);
            }
        }
        output = client.read_remaining_lines(15s);
        exit_status = client.wait(10s);
        ASSERT_TRUE(disconnected) << "no disconnected event within 30 s; client said:\n" << lines_of(output);
    }
};

TEST_P(PeerInterop, ChannelExchangesMessagesWithThePeersEchoServerAndClosesNormally) {
    std::uint16_t port = 0;
    ChildProcess server = start_echo_server(port);
    ASSERT_NE(port, 0);
    net::Channel channel = connect(port, "/echo");
    net::Event event;
    ASSERT_TRUE(next_event(channel, event, Clock::now() + 10s)) << "no event within 10 s of connecting";
    ASSERT_EQ(event.type, net::EventType::opened)
        << net::to_string(event.type) << ": " << net::to_string(event.error) << " " << event.text();
    EXPECT_EQ(event.text(), "") << "no sub-protocol was offered";

    const auto sizes = varied_sizes(11, kExchangeCount, kExchangeMaxSize);
    std::vector<std::vector<std::byte>> payloads;
    for (std::size_t i = 0; i < sizes.size(); ++i) payloads.push_back(random_bytes(100 + i, sizes[i]));
    for (const auto& payload : payloads) ASSERT_TRUE(channel.sink().add(payload));
    channel.sink().flush();

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

    channel.sink().close(net::close_code::normal, "done");
    channel.sink().flush();
    ASSERT_TRUE(next_event(channel, event, Clock::now() + 10s)) << "no closed event within 10 s";
    ASSERT_EQ(event.type, net::EventType::closed) << net::to_string(event.type) << " " << event.text();
    EXPECT_EQ(event.close_code, net::close_code::normal) << event.text();
}

TEST_P(PeerInterop, PeerClientExchangesMessagesWithOurServerAndReceivesItsCloseCode) {
    ServerSide seen;
    std::vector<std::string> output;
    std::optional<int> exit_status;
    ASSERT_NO_FATAL_FAILURE(exchange_with_peer_client(true, seen, output, exit_status));
    EXPECT_EQ(seen.path, "/echo");
    EXPECT_EQ(seen.query, "peer=" + std::to_string(static_cast<int>(peer())));
    EXPECT_EQ(seen.echoed, kExchangeCount);
    EXPECT_EQ(seen.close_code, 4000);
    EXPECT_EQ(seen.close_reason, "bye");
    const std::vector<std::string> expected{"open -", "verified 200", "closed 4000 bye"};
    EXPECT_EQ(output, expected) << lines_of(output);
    EXPECT_EQ(exit_status, 0);
}

TEST_P(PeerInterop, PeerClientClosingNormallyIsSeenByOurServerAsDisconnected1000) {
    ServerSide seen;
    std::vector<std::string> output;
    std::optional<int> exit_status;
    ASSERT_NO_FATAL_FAILURE(exchange_with_peer_client(false, seen, output, exit_status));
    EXPECT_EQ(seen.echoed, kExchangeCount);
    EXPECT_EQ(seen.close_code, net::close_code::normal);
    EXPECT_EQ(seen.close_reason, "done");
    // The reason need not come back (RFC 6455 §5.5.1 asks only for the code).
    ASSERT_EQ(output.size(), 3u) << lines_of(output);
    EXPECT_EQ(output[0], "open -");
    EXPECT_EQ(output[1], "verified 200");
    EXPECT_TRUE(output[2].starts_with("closed 1000")) << output[2];
    EXPECT_EQ(exit_status, 0);
}

// Issue 15's "a peer that pipelines gets killed": the peer's client sends
// 2,000 messages of up to 256 KiB back to back to tickwire-echo (the game
// thread's path) while reading the echoes as they come, as Node's own ws echo
// server serves it. tickwire-echo stops reading from it while echoes back up
// (read back-pressure) instead of closing it as a slow consumer (1008).
TEST_P(PeerInterop, PeerClientPipeliningTwoThousandLargeMessagesToTickwireEchoGetsEveryEcho) {
    std::vector<std::string> echo_argv{TICKWIRE_ECHO_PATH, "--port", "0"};
    if (tls()) {
        echo_argv.insert(echo_argv.end(), {"--tls-cert", test_certificate().certificate_file, "--tls-key",
                                           test_certificate().key_file});
    }
    ChildProcess echo = ChildProcess::start(std::move(echo_argv));
    std::uint16_t port = 0;
    ASSERT_TRUE(read_listening_port(echo, port));
    std::vector<std::string> args{scheme() + "://127.0.0.1:" + std::to_string(port) + "/", "--count", "2000",
                                  "--seed", "15", "--close", "client", "--timeout", "90"};
    if (tls()) args.insert(args.end(), {"--ca", test_certificate().certificate_file});
    ChildProcess client = ChildProcess::start(peer_command("ws_client.js", "py_client.py", args));
    const std::vector<std::string> output = client.read_remaining_lines(100s);
    const std::optional<int> status = client.wait(10s);
    ASSERT_EQ(output.size(), 3u) << lines_of(output);
    EXPECT_EQ(output[1], "verified 2000") << lines_of(output);
    EXPECT_TRUE(output[2].starts_with("closed 1000")) << lines_of(output);
    EXPECT_EQ(status, 0);
}

// The opened event's text is the sub-protocol the peer chose, and the peer
// saw our extra header; it reports its view of the upgrade on /info.
TEST_P(PeerInterop, ChannelNegotiatesASubprotocolAndSendsExtraHeaders) {
    std::uint16_t port = 0;
    ChildProcess server = start_echo_server(port, {"--protocols", "tickwire.v1,tickwire.v0"});
    ASSERT_NE(port, 0);
    net::ChannelOptions options;
    options.subprotocols = {"tickwire.v2", "tickwire.v1"};
    options.headers = {{"X-Tickwire-Token", "abc123"}};
    net::Channel channel = connect(port, "/info?room=7", options);

    net::Event event;
    ASSERT_TRUE(next_event(channel, event, Clock::now() + 10s)) << "no event within 10 s of connecting";
    ASSERT_EQ(event.type, net::EventType::opened)
        << net::to_string(event.type) << ": " << net::to_string(event.error) << " " << event.text();
    EXPECT_EQ(event.text(), "tickwire.v1");

    ASSERT_TRUE(next_event(channel, event, Clock::now() + 10s)) << "no /info report within 10 s";
    ASSERT_EQ(event.type, net::EventType::message) << net::to_string(event.type) << " " << event.text();
    const std::string info(event.message.text());
    EXPECT_NE(info.find("path=/info?room=7\n"), std::string::npos) << info;
    EXPECT_NE(info.find("protocol=tickwire.v1\n"), std::string::npos) << info;
    EXPECT_NE(info.find("h.x-tickwire-token=abc123\n"), std::string::npos) << info;

    channel.sink().close(net::close_code::normal);
    channel.sink().flush();
    ASSERT_TRUE(next_event(channel, event, Clock::now() + 10s)) << "no closed event within 10 s";
    ASSERT_EQ(event.type, net::EventType::closed) << net::to_string(event.type) << " " << event.text();
    EXPECT_EQ(event.close_code, net::close_code::normal) << event.text();
}

INSTANTIATE_TEST_SUITE_P(
    Peers, PeerInterop,
    ::testing::Combine(::testing::Values(Peer::node_ws, Peer::python_websockets),
                       ::testing::Values(Transport::ws, Transport::wss)),
    [](const ::testing::TestParamInfo<PeerInterop::ParamType>& info) {
        return ::testing::PrintToString(std::get<0>(info.param)) + "_" +
               ::testing::PrintToString(std::get<1>(info.param));
    });

}  // namespace
}  // namespace tickwire::test
