// tickwire::net's Channel in a browser (pages/channel_page.cpp, the browser
// backend in net/src/browser/) against native servers this test starts:
// tickwire-echo, an in-process net::Server (session mode, or closing with its
// own code), the tests' TCP proxy cutting the connection under the page.
// What the page saw is checked from its published result, what the native
// side saw from the server itself.

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "browser_page.hpp"
#include "child_process.hpp"
#include "interop_support.hpp"
#include "native_servers.hpp"
#include "tickwire/net.hpp"

namespace tickwire::test {
namespace {

constexpr std::size_t kSessionMessages = 500;  // each way (pages/channel_page.cpp)
constexpr std::size_t kSessionBatch = 10;      // sent per pump, as the page sends per frame

std::string channel_page(std::string_view query) { return "tests/channel_page.html?" + std::string(query); }

std::span<const std::byte> as_bytes(std::string_view text) { return std::as_bytes(std::span(text.data(), text.size())); }

// Every failed connect looks the same in a browser: one kind, one text, 1006.
constexpr std::string_view kFailedConnect = "error refused;closed 1006 connect failed";

TEST(BrowserChannel, EchoesAThousandMessagesFromZeroTo256KiBByteExact) {
    EchoServer echo;
    const PageRun run = run_page(channel_page("mode=echo&url=" + loopback_ws_url(echo.port, "/echo")), "channel_echo");
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("echoed"), "1000");
    EXPECT_EQ(run.field("messages_out"), "1000");
    EXPECT_EQ(run.field("messages_in"), "1000");
    EXPECT_EQ(run.field("events"), "opened;closed 1000 echo done");
    EXPECT_EQ(echo.wait_for_line("close #1").value_or(""), "close #1 1000 echo done");
    std::cout << "page load to opened " << run.field("open_ms") << " ms; 1000 echoes (" << run.field("bytes_out")
              << " bytes) in " << run.field("echo_ms") << " ms\n";
}

TEST(BrowserChannel, ARefusedConnectIsAnErrorThenClosed1006) {
    RefusingPort refusing;
    const PageRun run = run_page(channel_page("mode=events&url=" + loopback_ws_url(refusing.port())), "channel_refused");
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("events"), kFailedConnect);
    EXPECT_NE(run.field("error_text").find("a browser does not say which"), std::string::npos) << run.field("error_text");
}

TEST(BrowserChannel, AHostThatDoesNotResolveIsAnErrorThenClosed1006) {
    // .invalid never resolves (RFC 6761); a port Chromium does not block.
    const PageRun run = run_page(channel_page("mode=events&url=ws://tickwire-no-such-host.invalid:45678/"), "channel_dns");
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("events"), kFailedConnect);
}

TEST(BrowserChannel, AServersCloseCodeAndReasonReachTheGame) {
    ClosingServer server(4000, "reason");
    PageHooks hooks;
    hooks.on_tick = [&] { server.pump(); };
    const PageRun run = run_page(channel_page("mode=events&send=1&url=" + loopback_ws_url(server.port(), "/close")),
                                 "channel_close", hooks);
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("events"), "opened;closed 4000 reason");
    EXPECT_EQ(run.field("close_code"), "4000");
    EXPECT_EQ(run.field("close_reason"), "reason");
    EXPECT_EQ(server.await_close_code(), 4000);
}

TEST(BrowserChannel, AnOptionABrowserCannotHonourFailsConnectWithAClearError) {
    net::Server server = listen_loopback();
    const PageRun run = run_page(channel_page("mode=unsupported&url=" + loopback_ws_url(server.port())),
                                 "channel_unsupported");
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    for (const char* option : {"headers", "verify_peer", "ca_file", "subprotocol"}) {
        EXPECT_EQ(run.field(std::string(option) + "_events"), "error unsupported;closed 1006 unsupported option")
            << option;
    }
    EXPECT_NE(run.field("headers_text").find("cannot add headers"), std::string::npos) << run.field("headers_text");
    EXPECT_NE(run.field("verify_peer_text").find("always verifies"), std::string::npos);
    EXPECT_NE(run.field("ca_file_text").find("its own certificate store"), std::string::npos);
    EXPECT_NE(run.field("subprotocol_text").find("'game v1' is not a token"), std::string::npos);
    EXPECT_EQ(server.stats().connections_accepted, 0u) << "refused before any socket was opened";
}

TEST(BrowserChannel, TheNetworkSimulatorDelaysEveryRoundTripInThePage) {
    EchoServer echo;
    // 40 ms each way: no round trip can take less than 80 ms.
    const PageRun run = run_page(
        channel_page("mode=netsim&netsim=latency=40ms&url=" + loopback_ws_url(echo.port, "/netsim")), "channel_netsim");
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("round_trips"), "5");
    EXPECT_GE(run.number("shortest_round_trip_ms"), 80.0) << run.transcript();
}

// The native end of the session tests: a session-mode net::Server that sends
// "s0".."s499" in batches once the page is connected and keeps what the page
// sends, pumped from the page runner's tick.
class SessionPeer {
    static net::ServerOptions session_mode() {
        net::ServerOptions options;
        options.session.enabled = true;
        return options;
    }

public:
    SessionPeer() : server_(listen_loopback(session_mode())) {}

    void pump() {
        while (server_.poll(event_)) {
            switch (event_.type) {
            case net::ServerEventType::connected:
                ++connected;
                id_ = event_.id;
                break;
            case net::ServerEventType::message: received.emplace_back(event_.message.text()); break;
            case net::ServerEventType::resumed: ++resumed; break;
            case net::ServerEventType::disconnected: last_close = event_.close_code; break;
            case net::ServerEventType::log:
            case net::ServerEventType::http_request: break;
            }
        }
        // Held sessions keep what is sent to them and resend it on resume.
        for (std::size_t n = 0; id_ != net::kInvalidConnection && n < kSessionBatch && sent_ < kSessionMessages; ++n)
            server_.send(id_, as_bytes("s" + std::to_string(sent_++)));
        server_.flush();
    }

    /// Pumps until `done` (at most 10 s); returns it.
    template <class Condition>
    bool pump_until(Condition done) {
        const auto deadline = Clock::now() + 10s;
        while (!done() && Clock::now() < deadline) {
            pump();
            std::this_thread::sleep_for(2ms);
        }
        return done();
    }

    /// "" when `received` is "c0".."c499", each once and in order; else the first fault.
    [[nodiscard]] std::string check_received() const {
        for (std::size_t i = 0; i < received.size(); ++i)
            if (received[i] != "c" + std::to_string(i)) return "#" + std::to_string(i) + " is " + received[i];
        return received.size() == kSessionMessages ? "" : std::to_string(received.size()) + " messages";
    }

    [[nodiscard]] std::uint16_t port() const { return server_.port(); }

    std::vector<std::string> received;
    int connected = 0;
    int resumed = 0;
    std::uint16_t last_close = 0;

private:
    net::Server server_;
    net::ServerEvent event_;
    net::ConnectionId id_ = net::kInvalidConnection;
    std::size_t sent_ = 0;
};

TEST(BrowserChannel, SessionModeResumesAfterTheConnectionIsCutAndDeliversEveryMessageOnce) {
    SessionPeer peer;
    ChildProcess proxy = ChildProcess::start({TICKWIRE_PROXY_PATH, std::to_string(peer.port())});
    std::uint16_t proxy_port = 0;
    ASSERT_TRUE(read_listening_port(proxy, proxy_port));
    bool cut = false;
    PageHooks hooks;
    hooks.on_tick = [&] { peer.pump(); };
    hooks.on_line = [&](const std::string& line) {
        if (cut || line.find("CHANNEL ready-for-cut") == std::string::npos) return;
        cut = proxy.write_stdin("cut\n") && proxy.read_line(5s).value_or("") == "ok cut";
    };
    const PageRun run = run_page(channel_page("mode=session&url=" + loopback_ws_url(proxy_port, "/session")),
                                 "channel_session_cut", hooks);
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    ASSERT_TRUE(cut);
    // Resumed, not opened again: the same session carried on.
    EXPECT_EQ(run.field("events"), "opened;error io;reconnecting 1006;resumed;closed 1000 session done");
    EXPECT_EQ(run.field("received"), std::to_string(kSessionMessages));
    EXPECT_EQ(run.field("resumes"), "1");
    EXPECT_GT(run.number("rtt_us"), 0.0) << "the RTT comes from session round trips";
    // The page's close reached the server before the page saw its answer;
    // (the proxy turns the server's FIN into a reset, so the server ends that
    // connection as lost, not closed: the close code is checked without a proxy below).
    peer.pump_until([&] { return peer.received.size() >= kSessionMessages; });
    EXPECT_EQ(peer.check_received(), "");
    EXPECT_EQ(peer.connected, 1);
    EXPECT_EQ(peer.resumed, 1);
    proxy.write_stdin("accepted\n");
    EXPECT_EQ(proxy.read_line(5s).value_or(""), "accepted 2");
    std::cout << "smoothed RTT from session pings: " << run.field("rtt_us") << " us\n";
}

TEST(BrowserChannel, ASilentServerIsAnIdleTimeoutFoundBySessionPingsThenTheSessionResumes) {
    SessionPeer peer;
    ChildProcess proxy = ChildProcess::start({TICKWIRE_PROXY_PATH, std::to_string(peer.port())});
    std::uint16_t proxy_port = 0;
    ASSERT_TRUE(read_listening_port(proxy, proxy_port));
    // Freeze the relay mid-flow (the sockets stay open: only pings can tell),
    // and thaw it once the page has given up on that connection.
    bool frozen = false, thawed = false;
    const auto command = [&](const std::string& line) {
        return proxy.write_stdin(line + "\n") && proxy.read_line(5s).value_or("") == "ok " + line;
    };
    PageHooks hooks;
    hooks.on_tick = [&] { peer.pump(); };
    hooks.on_line = [&](const std::string& line) {
        if (!frozen && line.find("CHANNEL ready-for-cut") != std::string::npos) frozen = command("freeze on");
        if (frozen && !thawed && line.find("CHANNEL reconnecting") != std::string::npos) thawed = command("freeze off");
    };
    const PageRun run = run_page(channel_page("mode=session&idle_ms=1000&url=" + loopback_ws_url(proxy_port, "/idle")),
                                 "channel_session_idle", hooks);
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    ASSERT_TRUE(frozen && thawed);
    EXPECT_EQ(run.field("events"), "opened;error timeout;reconnecting 1006;resumed;closed 1000 session done");
    EXPECT_EQ(run.field("received"), std::to_string(kSessionMessages));
    peer.pump_until([&] { return peer.received.size() >= kSessionMessages; });
    EXPECT_EQ(peer.check_received(), "");
    EXPECT_EQ(peer.resumed, 1);
}

TEST(BrowserChannel, SessionModeRidesOutTheSimulatorsDisconnects) {
    SessionPeer peer;
    PageHooks hooks;
    hooks.on_tick = [&] { peer.pump(); };
    // Two abrupt drops, early: 3% of ~1000 decisions make both near certain.
    const PageRun run = run_page(channel_page("mode=session&netsim=disconnect=3%25,max_disconnects=2,seed=11&url=" +
                                              loopback_ws_url(peer.port(), "/netsim")),
                                 "channel_session_netsim", hooks);
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("received"), std::to_string(kSessionMessages));
    EXPECT_EQ(run.field("netsim_disconnects"), "2");
    EXPECT_EQ(run.field("resumes"), "2") << run.field("events");
    EXPECT_TRUE(peer.pump_until([&] { return peer.last_close != 0; }));
    EXPECT_EQ(peer.check_received(), "");
    EXPECT_EQ(peer.connected, 1);
    EXPECT_EQ(peer.resumed, 2);
    EXPECT_EQ(peer.last_close, net::close_code::normal);
}

}  // namespace
}  // namespace tickwire::test
