// The facts docs/web.md states about Emscripten 3.1.6's <emscripten/websocket.h>
// in Chromium, checked on both sides: the page (pages/websocket_spike.cpp)
// publishes the callbacks it saw, and the native server says what it saw.

#include <gtest/gtest.h>

#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "browser_page.hpp"
#include "child_process.hpp"
#include "interop_support.hpp"
#include "native_servers.hpp"
#include "tickwire/net.hpp"

namespace tickwire::test {
namespace {

std::string spike_page(std::string_view mode, const std::string& url) {
    return "tests/websocket_spike.html?mode=" + std::string(mode) + "&url=" + url;
}

// Every failed connect looks the same to a page: one error callback (no
// detail), then close 1006, not clean, no reason.
constexpr std::string_view kFailedConnectEvents = "error;close 1006 clean=0 reason=";

// tickwire-echo --web-root serves the page, its .js and .wasm, and the
// WebSocket on one port, as tickwire-server does for the web client.
TEST(WebSocketSpike, ThePageAndItsWebSocketShareTheNativeServersPort) {
    EchoServer echo({"--web-root", TICKWIRE_WEB_PAGES_DIR});
    const std::string origin = "http://127.0.0.1:" + std::to_string(echo.port) + "/";
    const PageRun run =
        run_page(origin + spike_page("echo", loopback_ws_url(echo.port, "/spike")), "spike_same_port");
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("messages"), "200");
    EXPECT_EQ(run.field("events"), "open;all 200 echoes;close 1000 clean=1 reason=");
    // Served as application/wasm, Chromium compiles while downloading and says nothing.
    EXPECT_EQ(run.transcript().find("MIME type"), std::string::npos) << run.transcript();
    EXPECT_TRUE(echo.wait_for_line("open #1 127.0.0.1:"));
}

TEST(WebSocketSpike, EchoesEveryMessageFromZeroTo256KiBByteExact) {
    EchoServer echo;
    const PageRun run = run_page(spike_page("echo", loopback_ws_url(echo.port, "/spike")), "spike_echo");
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("messages"), "200");
    EXPECT_EQ(run.field("failure"), "");
    EXPECT_EQ(run.field("zero_byte_data_is_null"), "false");  // a 0-byte message still has a data pointer
    // The page closes with 1000 "spike done": tickwire answers with the code
    // and no reason, and the browser reports the server's frame.
    EXPECT_EQ(run.field("events"), "open;all 200 echoes;close 1000 clean=1 reason=");
    EXPECT_TRUE(echo.wait_for_line("open #1 127.0.0.1:"));
    EXPECT_EQ(echo.wait_for_line("close #1").value_or(""), "close #1 1000 spike done");
    std::cout << "page load to open " << run.field("open_ms") << " ms (connect " << run.field("connect_ms")
              << " ms); 200 echoes, " << run.field("bytes") << " bytes, in " << run.field("echo_ms") << " ms\n";
}

TEST(WebSocketSpike, RefusedConnectIsAnErrorThenClose1006) {
    RefusingPort refusing;
    const PageRun run = run_page(spike_page("connect", loopback_ws_url(refusing.port())), "spike_refused");
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("events"), kFailedConnectEvents) << run.transcript();
}

TEST(WebSocketSpike, UnresolvableHostIsAnErrorThenClose1006) {
    // .invalid never resolves (RFC 6761); a high port, since Chromium blocks
    // "unsafe" low ports such as 1 or 9 before it even resolves.
    const PageRun run = run_page(spike_page("connect", "ws://tickwire-no-such-host.invalid:45678/"), "spike_dns");
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("events"), kFailedConnectEvents) << run.transcript();
}

TEST(WebSocketSpike, UpgradeRejectedWithHttp503LooksLikeAnyFailedConnect) {
    EchoServer echo({"--max-connections", "0"});  // every upgrade: HTTP 503
    const PageRun run = run_page(spike_page("connect", loopback_ws_url(echo.port, "/full")), "spike_503");
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("events"), kFailedConnectEvents) << run.transcript();
}

TEST(WebSocketSpike, ServerCloseCodeAndReasonReachThePage) {
    ClosingServer server(4000, "reason");
    PageHooks hooks;
    hooks.on_tick = [&] { server.pump(); };
    const PageRun run = run_page(spike_page("close", loopback_ws_url(server.port(), "/close")), "spike_close", hooks);
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("events"), "open;close 4000 clean=1 reason=reason");
    EXPECT_EQ(run.field("close_code"), "4000");
    EXPECT_EQ(run.field("close_reason"), "reason");
    EXPECT_EQ(server.await_close_code(), 4000);
}

TEST(WebSocketSpike, ConnectionCutUnderThePageIsClose1006) {
    EchoServer echo;
    ChildProcess proxy = ChildProcess::start({TICKWIRE_PROXY_PATH, std::to_string(echo.port)});
    std::uint16_t proxy_port = 0;
    ASSERT_TRUE(read_listening_port(proxy, proxy_port));
    bool cut = false;
    PageHooks hooks;
    hooks.on_line = [&](const std::string& line) {
        if (cut || line.find("SPIKE ready-for-cut") == std::string::npos) return;
        cut = proxy.write_stdin("cut\n") && proxy.read_line(5s).value_or("") == "ok cut";
    };
    const PageRun run = run_page(spike_page("cut", loopback_ws_url(proxy_port, "/cut")), "spike_cut", hooks);
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_TRUE(cut);
    EXPECT_EQ(run.field("events"), "open;message 5 binary;close 1006 clean=0 reason=") << run.transcript();
    const auto closed = echo.wait_for_line("close #1 ");
    ASSERT_TRUE(closed);
    EXPECT_TRUE(closed->starts_with("close #1 1006")) << *closed;
}

TEST(WebSocketSpike, MessageOverTheServersLimitClosesWith1009) {
    EchoServer echo;  // max message 1 MiB; the page sends 1 MiB + 1
    const PageRun run = run_page(spike_page("too-big", loopback_ws_url(echo.port, "/big")), "spike_too_big");
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    // The server's own frame reader says why in the close frame (Beast's stream sent no reason).
    EXPECT_EQ(run.field("events"), "open;close 1009 clean=1 reason=message too big");
    EXPECT_EQ(echo.wait_for_line("close #1").value_or(""), "close #1 1009 message too big");
}

// Misuse throws JavaScript exceptions straight through the calling C++ (a
// backend must never make these calls), and delete() forgets nothing.
TEST(WebSocketSpike, MisuseThrowsJavaScriptExceptions) {
    EchoServer echo;
    const PageRun run = run_page(spike_page("misuse", loopback_ws_url(echo.port, "/misuse")), "spike_misuse");
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("new_with_ftp_url"), "threw SyntaxError");
    EXPECT_EQ(run.field("send_while_connecting"), "threw InvalidStateError");
    EXPECT_EQ(run.field("close_1001_from_page"), "threw InvalidAccessError");
    EXPECT_EQ(run.field("close_reason_124_bytes"), "threw SyntaxError");
    EXPECT_EQ(run.field("ready_state_open"), "1");
    // A text frame: tickwire closes with 1003, and the reason reaches the page.
    EXPECT_EQ(run.field("events"), "open;close 1003 clean=1 reason=text frames are not accepted");
    EXPECT_EQ(run.field("ready_state_closed"), "3");
    EXPECT_EQ(run.field("send_after_close"), "returned 0");  // no throw: the bytes are dropped
    // delete() succeeds, yet the handle still answers: 3.1.6 deletes the
    // wrong key (WS.sockets[socket] with the object, not the id).
    EXPECT_EQ(run.field("delete"), "0");
    EXPECT_EQ(run.field("ready_state_after_delete_result"), "0");
}

}  // namespace
}  // namespace tickwire::test
