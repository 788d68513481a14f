// tickwire-load's lean WebSocket client (tools/load/ws_lean_connection.cpp):
// its framing byte for byte, then whole echo loops against tickwire's Server
// over loopback, with the server's pings answered and a clean close.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "echo_connection.hpp"
#include "tickwire/net.hpp"
#include "ws_client_frames.hpp"

namespace tickwire::load {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

TEST(WsClientFrames, ASmallMessageIsOneMaskedFinalFrame) {
    Bytes frame;
    const Bytes payload = {'H', 'e', 'l', 'l', 'o'};
    ws::write_client_frame(frame, ws::kBinary, payload, 0x37fa213d);
    // RFC 6455 section 5.7's masked "Hello", as a binary frame.
    const Bytes expected = {0x82, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
    EXPECT_EQ(frame, expected);
}

TEST(WsClientFrames, LongerMessagesTakeTheExtendedLengths) {
    Bytes frame;
    ws::write_client_frame(frame, ws::kBinary, Bytes(600, 0xab), 0);
    ASSERT_EQ(frame.size(), 4u + 4u + 600u);
    EXPECT_EQ(frame[1], 0x80 | 126);
    EXPECT_EQ((frame[2] << 8) | frame[3], 600);
    EXPECT_EQ(frame.back(), 0xab);  // a zero mask leaves the bytes as they were

    ws::write_client_frame(frame, ws::kBinary, Bytes(70000, 1), 0);
    ASSERT_EQ(frame.size(), 10u + 4u + 70000u);
    EXPECT_EQ(frame[1], 0x80 | 127);
    EXPECT_EQ((frame[7] << 16) | (frame[8] << 8) | frame[9], 70000);
}

TEST(WsClientFrames, AServerFrameIsWholeOnlyWithItsPayload) {
    Bytes bytes = {0x82, 126, 0x01, 0x00};  // 256 bytes announced
    auto frame = ws::parse_server_frame(bytes);
    EXPECT_EQ(frame.status, ws::ServerFrame::Status::need_more);
    EXPECT_EQ(frame.header_size + frame.payload_size, 4u + 256u);
    bytes.resize(4 + 256);
    frame = ws::parse_server_frame(bytes);
    EXPECT_EQ(frame.status, ws::ServerFrame::Status::ok);
    EXPECT_EQ(frame.opcode, ws::kBinary);
    EXPECT_TRUE(frame.fin);

    EXPECT_EQ(ws::parse_server_frame(Bytes{0x82}).status, ws::ServerFrame::Status::need_more);
    EXPECT_EQ(ws::parse_server_frame(Bytes{0x82, 127, 0, 0}).status, ws::ServerFrame::Status::need_more);
}

TEST(WsClientFrames, WhatNoServerSendsIsRefused) {
    const auto bad = [](Bytes bytes) { return ws::parse_server_frame(bytes).status == ws::ServerFrame::Status::bad; };
    EXPECT_TRUE(bad({0x82, 0x81, 1, 2, 3, 4, 0}));  // masked
    EXPECT_TRUE(bad({0xc2, 0x00}));                 // RSV1 without an extension
    EXPECT_TRUE(bad({0x83, 0x00}));                 // opcode 3
    EXPECT_TRUE(bad({0x09, 0x00}));                 // a fragmented ping
    EXPECT_TRUE(bad({0x89, 126, 0, 200}));          // a 200-byte ping
    EXPECT_FALSE(bad({0x89, 0x00}));
}

// A tickwire Server on its own network thread, pinging every 20 ms; the
// test's thread runs both the client's io_context and the game side's echo.
class LeanClientAgainstServer : public ::testing::Test {
protected:
    void SetUp() override {
        net::ServerOptions options;
        options.address = "127.0.0.1";
        options.port = 0;
        options.ping_interval = 20ms;
        std::error_code ec;
        server_ = std::make_unique<net::Server>(net::Server::listen(std::move(options), ec));
        ASSERT_FALSE(ec) << ec.message();
        load_options_.port = server_->port();
        load_options_.size = 300;  // a 16-bit length each way
        shared_.endpoint = {boost::asio::ip::make_address("127.0.0.1"), server_->port()};
        shared_.measure_start_ns = 0;
        shared_.measure_end_ns = std::numeric_limits<std::int64_t>::max();
    }

    // Runs the client and echoes until `done` or 5 s.
    bool run_until(const std::function<bool()>& done) {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            io_.poll();
            net::ServerEvent event;
            while (server_->poll(event)) {
                if (event.type == net::ServerEventType::message) server_->send(event.id, std::move(event.message));
                if (event.type == net::ServerEventType::disconnected) close_codes_.push_back(event.close_code);
            }
            server_->flush();
        }
        return true;
    }

    boost::asio::io_context io_;
    // poll() does nothing once the context has run out of work (between the
    // handshake and start(), say) unless it is restarted: keep it working.
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ = boost::asio::make_work_guard(io_);
    LoadOptions load_options_;
    EchoShared shared_{io_, load_options_};
    std::unique_ptr<net::Server> server_;
    std::vector<std::uint16_t> close_codes_;
};

TEST_F(LeanClientAgainstServer, EchoesInAClosedLoopThroughPingsAndClosesWith1000) {
    auto client = make_lean_ws_connection(shared_);
    int connected = -1;
    client->connect([&](bool ok) { connected = ok ? 1 : 0; });
    ASSERT_TRUE(run_until([&] { return connected >= 0; }));
    ASSERT_EQ(connected, 1) << shared_.first_error;
    ++shared_.open;

    client->start(/*send=*/true, now_ns());
    // Long enough for several pings among the echoes: a frame cut wrongly
    // would count an error or close the connection.
    const auto until = std::chrono::steady_clock::now() + 300ms;
    ASSERT_TRUE(run_until([&] { return std::chrono::steady_clock::now() > until && shared_.received >= 200; }));
    EXPECT_EQ(shared_.errors, 0u) << shared_.first_error;
    EXPECT_EQ(shared_.sent, shared_.received + 1);  // closed loop: one message in flight, none lost or doubled

    shared_.stop_sending = true;
    client->shut_down();
    ASSERT_TRUE(run_until([&] { return !close_codes_.empty(); }));
    EXPECT_EQ(close_codes_.front(), 1000);
    EXPECT_EQ(shared_.errors, 0u) << shared_.first_error;
}

TEST_F(LeanClientAgainstServer, AnIdleClientAnswersPingsAndIsKeptOpen) {
    // SetUp's server drops a peer silent for 10 s; this one after 200 ms, so
    // only the pongs keep an idle client open.
    net::ServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.ping_interval = 20ms;
    options.idle_timeout = 200ms;
    std::error_code ec;
    server_ = std::make_unique<net::Server>(net::Server::listen(std::move(options), ec));
    ASSERT_FALSE(ec) << ec.message();
    shared_.endpoint.port(server_->port());

    auto client = make_lean_ws_connection(shared_);
    int connected = -1;
    client->connect([&](bool ok) { connected = ok ? 1 : 0; });
    ASSERT_TRUE(run_until([&] { return connected >= 0; }));
    ASSERT_EQ(connected, 1) << shared_.first_error;
    ++shared_.open;
    client->start(/*send=*/false, now_ns());

    const auto until = std::chrono::steady_clock::now() + 800ms;  // four idle timeouts
    ASSERT_TRUE(run_until([&] { return std::chrono::steady_clock::now() > until || !close_codes_.empty(); }));
    EXPECT_TRUE(close_codes_.empty()) << "closed with " << close_codes_.front();
    EXPECT_EQ(shared_.errors, 0u) << shared_.first_error;

    shared_.stop_sending = true;
    client->shut_down();
    ASSERT_TRUE(run_until([&] { return !close_codes_.empty(); }));
    EXPECT_EQ(close_codes_.front(), 1000);
}

}  // namespace
}  // namespace tickwire::load
