// tickwire-load's lean WebSocket client (tools/load/ws_lean_connection.cpp):
// its framing byte for byte; echo and idle loops against tickwire's Server
// over loopback, pings answered, a clean close; and a scripted server for
// what tickwire's never sends (bytes glued to the 101, split frames, refusals).
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

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

TEST(WsClientFrames, EachLengthTakesItsShortestForm) {
    Bytes frame;
    const auto header_of = [&](std::size_t n) {
        ws::write_client_frame(frame, ws::kBinary, Bytes(n, 0xab), 0);
        EXPECT_EQ(frame.back(), n == 0 ? 0 : 0xab);  // a zero mask leaves the bytes as they were
        return frame.size() - n - 4;  // less the mask
    };
    EXPECT_EQ(header_of(0), 2u);
    EXPECT_EQ(header_of(125), 2u);
    EXPECT_EQ(frame[1], 0x80 | 125);
    EXPECT_EQ(header_of(126), 4u);
    EXPECT_EQ(frame[1], 0x80 | 126);
    EXPECT_EQ((frame[2] << 8) | frame[3], 126);
    EXPECT_EQ(header_of(65535), 4u);
    EXPECT_EQ((frame[2] << 8) | frame[3], 65535);
    EXPECT_EQ(header_of(65536), 10u);
    EXPECT_EQ(frame[1], 0x80 | 127);
    EXPECT_EQ(Bytes(frame.begin() + 2, frame.begin() + 10), (Bytes{0, 0, 0, 0, 0, 1, 0, 0}));  // big-endian
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

    Bytes big = {0x82, 127, 0, 0, 0, 0, 0x01, 0x00, 0x00, 0x07};  // 2^24 + 7 bytes, all eight length bytes read
    frame = ws::parse_server_frame(big);
    EXPECT_EQ(frame.status, ws::ServerFrame::Status::need_more);
    EXPECT_EQ(frame.header_size, 10u);
    EXPECT_EQ(frame.payload_size, (std::uint64_t{1} << 24) + 7);
    big.resize(10 + (std::size_t{1} << 24) + 7);
    EXPECT_EQ(ws::parse_server_frame(big).status, ws::ServerFrame::Status::ok);
}

TEST(WsClientFrames, WhatNoServerSendsIsRefused) {
    const auto bad = [](Bytes bytes) { return ws::parse_server_frame(bytes).status == ws::ServerFrame::Status::bad; };
    EXPECT_TRUE(bad({0x82, 0x81, 1, 2, 3, 4, 0}));  // masked
    EXPECT_TRUE(bad({0xc2, 0x00}));                 // RSV1 without an extension
    EXPECT_TRUE(bad({0x83, 0x00}));                 // opcode 3
    EXPECT_TRUE(bad({0x09, 0x00}));                 // a fragmented ping
    EXPECT_TRUE(bad({0x89, 126, 0, 200}));          // a 200-byte ping
    EXPECT_TRUE(bad({0x82, 126, 0, 125}));                    // 125 fits in the first byte
    EXPECT_TRUE(bad({0x82, 127, 0, 0, 0, 0, 0, 0, 0xff, 0xff}));  // 65535 fits in two
    // The top bit of a 64-bit length must be 0: 2^64 - 1 would wrap the
    // reader's "header + payload" to 9 bytes.
    EXPECT_TRUE(bad({0x82, 127, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
    EXPECT_FALSE(bad({0x89, 0x00}));
}

// One lean client on the test's thread: its io_context is run there, with
// the fixture's own work (a server's game side) in pump().
class LeanClientTest : public ::testing::Test {
protected:
    LeanClientTest() {
        load_options_.size = 300;  // a 16-bit length each way
        shared_.measure_start_ns = 0;
        shared_.measure_end_ns = std::numeric_limits<std::int64_t>::max();
    }

    virtual void pump() {}

    // Runs the client (and pump()) until `done` or 5 s.
    bool run_until(const std::function<bool()>& done) {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            io_.run_for(200us);
            pump();
        }
        return true;
    }

    // Connects `client` to shared_.endpoint; the connect's result.
    bool connect(EchoConnection& client) {
        int connected = -1;
        client.connect([&](bool ok) { connected = ok ? 1 : 0; });
        if (!run_until([&] { return connected >= 0; }) || connected == 0) return false;
        ++shared_.open;
        return true;
    }

    boost::asio::io_context io_;
    // run_for() does nothing once the context has run out of work (between
    // the handshake and start(), say) unless it is restarted: keep it working.
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ = boost::asio::make_work_guard(io_);
    LoadOptions load_options_;
    EchoShared shared_{io_, load_options_};
};

// A tickwire Server on its own network thread, pinging every 20 ms; pump()
// is the game side's echo.
class LeanClientAgainstServer : public LeanClientTest {
protected:
    void SetUp() override { ASSERT_NO_FATAL_FAILURE(listen(/*idle_timeout=*/10s)); }

    void listen(std::chrono::milliseconds idle_timeout) {
        net::ServerOptions options;
        options.address = "127.0.0.1";
        options.port = 0;
        options.ping_interval = 20ms;
        options.idle_timeout = idle_timeout;
        std::error_code ec;
        server_ = std::make_unique<net::Server>(net::Server::listen(std::move(options), ec));
        ASSERT_FALSE(ec) << ec.message();
        load_options_.port = server_->port();
        shared_.endpoint = {boost::asio::ip::make_address("127.0.0.1"), server_->port()};
    }

    void pump() override {
        net::ServerEvent event;
        while (server_->poll(event)) {
            if (event.type == net::ServerEventType::message) server_->send(event.id, std::move(event.message));
            if (event.type == net::ServerEventType::disconnected) close_codes_.push_back(event.close_code);
        }
        server_->flush();
    }

    std::unique_ptr<net::Server> server_;
    std::vector<std::uint16_t> close_codes_;
};

TEST_F(LeanClientAgainstServer, EchoesInAClosedLoopThroughPingsAndClosesWith1000) {
    auto client = make_lean_ws_connection(shared_);
    ASSERT_TRUE(connect(*client)) << shared_.first_error;

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
    ASSERT_NO_FATAL_FAILURE(listen(/*idle_timeout=*/200ms));

    auto client = make_lean_ws_connection(shared_);
    ASSERT_TRUE(connect(*client)) << shared_.first_error;
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

// A scripted server on a thread of its own: plain blocking sockets, to send
// what tickwire's Server never would (bytes glued to the 101, a frame in two
// halves, a refusal) and to read exactly what the client wrote.
class ScriptedServer {
public:
    using Script = std::function<void(boost::asio::ip::tcp::socket&)>;

    explicit ScriptedServer(Script script) : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
        thread_ = std::thread([this, script = std::move(script)] {
            try {
                boost::asio::ip::tcp::socket socket(io_);
                acceptor_.accept(socket);
                socket.set_option(boost::asio::ip::tcp::no_delay(true));
                socket_fd_ = socket.native_handle();
                script(socket);
            } catch (const std::exception& e) {
                error_ = e.what();
            }
            finished_ = true;
        });
    }
    // A script still blocked (on a client that never answered) is woken by
    // shutting its sockets down: the test fails instead of hanging.
    ~ScriptedServer() {
        ::shutdown(acceptor_fd_, SHUT_RDWR);
        if (const int fd = socket_fd_; fd >= 0) ::shutdown(fd, SHUT_RDWR);
        join();
    }

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    bool finished() const { return finished_; }
    /// Waits for the script (one that finishes); what it threw, if anything.
    std::string join() {
        if (thread_.joinable()) thread_.join();
        return error_;
    }

    static void write(boost::asio::ip::tcp::socket& socket, const Bytes& bytes) {
        boost::asio::write(socket, boost::asio::buffer(bytes));
    }
    static void write(boost::asio::ip::tcp::socket& socket, std::string_view text) {
        boost::asio::write(socket, boost::asio::buffer(text.data(), text.size()));
    }
    /// The upgrade request, read up to its blank line.
    static std::string read_request(boost::asio::ip::tcp::socket& socket) {
        std::string request;
        boost::asio::read_until(socket, boost::asio::dynamic_buffer(request), "\r\n\r\n");
        return request;
    }
    /// One client frame (at most 125 bytes): its opcode and unmasked payload.
    static std::pair<std::uint8_t, Bytes> read_frame(boost::asio::ip::tcp::socket& socket) {
        std::uint8_t head[6];
        boost::asio::read(socket, boost::asio::buffer(head));
        if ((head[1] & 0x80) == 0) throw std::runtime_error("an unmasked client frame");
        Bytes payload(head[1] & 0x7f);
        if (payload.size() > 125) throw std::runtime_error("a longer frame than the script expects");
        boost::asio::read(socket, boost::asio::buffer(payload));
        for (std::size_t i = 0; i < payload.size(); ++i) payload[i] ^= head[2 + (i & 3)];
        return {static_cast<std::uint8_t>(head[0] & 0x0f), payload};
    }

private:
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    const int acceptor_fd_ = acceptor_.native_handle();
    std::atomic<int> socket_fd_{-1};
    std::atomic<bool> finished_{false};
    std::thread thread_;
    std::string error_;
};

constexpr std::string_view kSwitching =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

class LeanClientAgainstAScript : public LeanClientTest {
protected:
    bool connect_to(const ScriptedServer& server) {
        shared_.endpoint = {boost::asio::ip::make_address("127.0.0.1"), server.port()};
        client_ = make_lean_ws_connection(shared_);
        return connect(*client_);
    }

    std::unique_ptr<EchoConnection> client_;
};

TEST_F(LeanClientAgainstAScript, KeepsBytesThatCameWithThe101AndFramesSplitAcrossReads) {
    Bytes pong, close_payload;
    std::uint8_t pong_opcode = 0, close_opcode = 0;
    ScriptedServer server([&](boost::asio::ip::tcp::socket& socket) {
        const std::string request = ScriptedServer::read_request(socket);
        if (request.find("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==") == std::string::npos) {
            throw std::runtime_error("no key in " + request);
        }
        std::string response(kSwitching);
        response += "\x89\x02" "ab";  // a ping, in the same segment as the 101
        ScriptedServer::write(socket, response);
        std::tie(pong_opcode, pong) = ScriptedServer::read_frame(socket);

        Bytes message = {0x82, 126, 0x01, 0x2c};  // a 300-byte echo, in two halves
        message.resize(4 + 300, 'e');
        ScriptedServer::write(socket, Bytes(message.begin(), message.begin() + 150));
        std::this_thread::sleep_for(20ms);
        ScriptedServer::write(socket, Bytes(message.begin() + 150, message.end()));

        ScriptedServer::write(socket, Bytes{0x88, 0x02, 0x03, 0xe9});  // close, 1001
        std::tie(close_opcode, close_payload) = ScriptedServer::read_frame(socket);
    });
    ASSERT_TRUE(connect_to(server)) << shared_.first_error;
    client_->start(/*send=*/false, now_ns());
    ASSERT_TRUE(run_until([&] { return shared_.received == 1 && shared_.errors == 1 && server.finished(); }))
        << "received " << shared_.received << ", errors " << shared_.errors << " (" << shared_.first_error
        << "), script " << (server.finished() ? "done" : "waiting for the client");
    EXPECT_EQ(server.join(), "");
    EXPECT_EQ(pong_opcode, ws::kPong);
    EXPECT_EQ(pong, (Bytes{'a', 'b'}));
    EXPECT_EQ(close_opcode, ws::kClose);
    EXPECT_EQ(close_payload, (Bytes{0x03, 0xe9}));  // the server's code, back
    EXPECT_NE(shared_.first_error.find("server closed"), std::string::npos) << shared_.first_error;  // as Beast counts it
}

TEST_F(LeanClientAgainstAScript, ARefusedUpgradeFailsTheConnect) {
    ScriptedServer server([](boost::asio::ip::tcp::socket& socket) {
        ScriptedServer::read_request(socket);
        ScriptedServer::write(socket, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    });
    EXPECT_FALSE(connect_to(server));
    EXPECT_NE(shared_.first_error.find("403"), std::string::npos) << shared_.first_error;
}

TEST_F(LeanClientAgainstAScript, A101WithoutTheRightAcceptFailsTheConnect) {
    ScriptedServer server([](boost::asio::ip::tcp::socket& socket) {
        ScriptedServer::read_request(socket);
        ScriptedServer::write(socket, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                      "Sec-WebSocket-Accept: bm90IHRoZSByaWdodCBvbmU=\r\n\r\n");
    });
    EXPECT_FALSE(connect_to(server));
}

}  // namespace
}  // namespace tickwire::load
