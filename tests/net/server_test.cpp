// Server behaviour against real clients: limits, broadcast, plain HTTP and abuse.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "raw_client.hpp"
#include "raw_http.hpp"
#include "test_support.hpp"

namespace tickwire::net::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

TEST(Server, BroadcastReachesEveryClient) {
    Server server = listen_local();
    std::vector<Channel> channels;
    for (int i = 0; i < 10; ++i) channels.push_back(Channel::connect(local_url(server)));
    int connected = 0;
    ServerEvent event;
    ASSERT_TRUE(pump_until([&] {
        while (server.poll(event)) connected += event.type == ServerEventType::connected;
        return connected == 10;
    }));
    const Message state = Message::copy_of(std::string_view("snapshot 1"));
    ASSERT_TRUE(server.broadcast(state));
    server.flush();
    for (auto& channel : channels) {
        Event received;
        ASSERT_TRUE(next_event(channel, EventType::message, received));
        EXPECT_EQ(text_of(received.message), "snapshot 1");
    }
}

TEST(Server, SendsToAListOfConnections) {
    Server server = listen_local();
    Channel a = Channel::connect(local_url(server));
    Channel b = Channel::connect(local_url(server));
    Channel c = Channel::connect(local_url(server));
    std::vector<ConnectionId> ids;
    ServerEvent event;
    ASSERT_TRUE(pump_until([&] {
        while (server.poll(event))
            if (event.type == ServerEventType::connected) ids.push_back(event.id);
        return ids.size() == 3;
    }));
    EXPECT_NE(ids[0], kInvalidConnection);
    const Message message = Message::copy_of(std::string_view("team"));
    ASSERT_TRUE(server.send(std::span(ids).first(3), message));
    server.flush();
    for (Channel* channel : {&a, &b, &c}) {
        Event received;
        ASSERT_TRUE(next_event(*channel, EventType::message, received));
        EXPECT_EQ(text_of(received.message), "team");
    }
}

TEST(Server, RefusesConnectionsBeyondCapacityWith503) {
    ServerOptions options;
    options.max_connections = 1;
    Server server = listen_local(options);
    Channel first = Channel::connect(local_url(server));
    ServerEvent event;
    ASSERT_TRUE(next_event(server, ServerEventType::connected, event));
    Channel second = Channel::connect(local_url(server));
    Event error;
    ASSERT_TRUE(next_event(second, EventType::error, error));
    EXPECT_EQ(error.error, ErrorKind::handshake_rejected);
    EXPECT_EQ(error.http_status, 503);
    EXPECT_EQ(server.stats().rejected_over_capacity, 1u);
}

// log_events: net's log lines reach the game thread as events (through the
// same queue as every other event), and the network-thread sink is never called.
TEST(Server, LogLinesCanTravelToTheGameThreadAsEvents) {
    ServerOptions options;
    options.max_connections = 1;
    options.log_events = true;
    std::atomic<bool> sink_called{false};
    options.log_sink = [&](std::string_view) { sink_called = true; };
    Server server = listen_local(options);
    Channel first = Channel::connect(local_url(server));
    ServerEvent event;
    ASSERT_TRUE(next_event(server, ServerEventType::connected, event));
    Channel second = Channel::connect(local_url(server));
    ASSERT_TRUE(next_event(server, ServerEventType::log, event));
    EXPECT_NE(event.reason().find("server full (HTTP 503)"), std::string_view::npos) << event.reason();
    EXPECT_EQ(event.id, kInvalidConnection);
    EXPECT_FALSE(sink_called.load());
}

TEST(Server, ClosesASlowConsumerWith1008) {
    ServerOptions options;
    options.write_queue_limit_bytes = 256 * 1024;
    options.log = false;
    Server server = listen_local(options);
    RawClient client(server.port());  // never reads: its socket buffers fill up
    ServerEvent event;
    ASSERT_TRUE(next_event(server, ServerEventType::connected, event));
    const ConnectionId id = event.id;
    const Message chunk = Message::allocate(64 * 1024);
    bool disconnected = false;
    ASSERT_TRUE(pump_until([&] {
        for (int i = 0; i < 4; ++i) server.send(id, chunk);
        server.flush();
        while (server.poll(event))
            if (event.type == ServerEventType::disconnected) {
                disconnected = true;
                EXPECT_EQ(event.close_code, close_code::policy_violation);
                EXPECT_EQ(event.reason(), "slow consumer");
            }
        return disconnected;
    }, 10s));
    EXPECT_EQ(server.stats().slow_consumers_closed, 1u);
}

TEST(Server, SupersedesUnsentLatestStateButNeverOrdinaryMessages) {
    Server server = listen_local();
    RawClient client(server.port());  // not reading yet: the server's writes back up
    ServerEvent event;
    ASSERT_TRUE(next_event(server, ServerEventType::connected, event));
    const ConnectionId id = event.id;
    constexpr int kSnapshots = 200;
    for (int i = 0; i < kSnapshots; ++i) {
        Message snapshot = Message::allocate(64 * 1024);
        std::memset(snapshot.writable().data(), 0, snapshot.size());
        std::memcpy(snapshot.writable().data(), &i, sizeof i);
        ASSERT_TRUE(server.send_latest(id, std::move(snapshot)));
        ASSERT_TRUE(server.send(id, bytes_of("chat " + std::to_string(i))));
        server.flush();
        std::this_thread::sleep_for(100us);
    }
    ASSERT_TRUE(pump_until([&] { return server.stats().superseded > 0; }));

    // Now read: every chat line in order; snapshots only ever newer, ending with the last.
    beast::flat_buffer buffer;
    int next_chat = 0, last_snapshot = -1, snapshots = 0;
    while (next_chat < kSnapshots || last_snapshot < kSnapshots - 1) {
        client.ws.read(buffer);
        const auto data = buffer.data();
        if (data.size() == 64 * 1024) {
            int index = 0;
            std::memcpy(&index, data.data(), sizeof index);
            EXPECT_GT(index, last_snapshot);
            last_snapshot = index;
            ++snapshots;
        } else {
            EXPECT_EQ(beast::buffers_to_string(data), "chat " + std::to_string(next_chat));
            ++next_chat;
        }
        buffer.consume(buffer.size());
    }
    EXPECT_LT(snapshots, kSnapshots);
    EXPECT_EQ(static_cast<std::uint64_t>(kSnapshots - snapshots), server.stats().superseded);
}

TEST(Server, TextFrameFromClientClosesWith1003) {
    ServerOptions options;
    options.log = false;
    Server server = listen_local(options);
    RawClient client(server.port());
    client.ws.text(true);
    client.ws.write(asio::buffer(std::string("not binary")));
    EXPECT_EQ(client.read_until_closed(), close_code::unsupported_data);
    ServerEvent event;
    ASSERT_TRUE(next_event(server, ServerEventType::disconnected, event));
    EXPECT_EQ(event.close_code, close_code::unsupported_data);
}

TEST(Server, OversizeMessageFromClientClosesWith1009) {
    ServerOptions options;
    options.max_message_size = 1000;
    options.log = false;
    Server server = listen_local(options);
    RawClient client(server.port());
    client.ws.binary(true);
    boost::system::error_code ec;
    client.ws.write(asio::buffer(std::string(5000, 'x')), ec);
    // The server stops reading mid-message, so TCP may reset the connection
    // before our side sees the close frame; when it does arrive it says 1009.
    const std::uint16_t code = client.read_until_closed();
    if (code != 0) {
        EXPECT_EQ(code, close_code::message_too_big);
    }
    ServerEvent event;
    ASSERT_TRUE(next_event(server, ServerEventType::disconnected, event));
    EXPECT_EQ(event.close_code, close_code::message_too_big);
}

TEST(Server, DropsSilentClientsAfterHandshakeTimeout) {
    ServerOptions options;
    options.handshake_timeout = 200ms;
    Server server = listen_local(options);
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), server.port()});
    std::string answer;
    boost::system::error_code ec;
    const auto start = std::chrono::steady_clock::now();
    asio::read(socket, asio::dynamic_buffer(answer), ec);  // returns when the server hangs up
    EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 408")) << answer;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    EXPECT_EQ(server.stats().handshakes_failed, 1u);
}

TEST(Server, ServesPublishedHttpResources) {
    Server server = listen_local();
    ASSERT_TRUE(server.publish_http("/rooms", R"([{"code":"ABCD","players":3}])"));
    server.flush();
    auto get = [&](const std::string& target) {
        asio::io_context io;
        beast::tcp_stream stream(io);
        stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
        http::request<http::empty_body> request(http::verb::get, target, 11);
        request.set(http::field::host, "127.0.0.1");
        http::write(stream, request);
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        http::read(stream, buffer, response);
        return response;
    };
    // The publish crosses threads; the first GET may race it.
    http::response<http::string_body> response;
    ASSERT_TRUE(pump_until([&] {
        response = get("/rooms");
        return response.result() == http::status::ok;
    }));
    EXPECT_EQ(response.body(), R"([{"code":"ABCD","players":3}])");
    EXPECT_EQ(response[http::field::content_type], "application/json");
    EXPECT_EQ(get("/nothing").result(), http::status::upgrade_required);  // a WebSocket port, not a web server
}

TEST(Server, PeerVanishingIsReportedAsAbnormal) {
    Server server = listen_local();
    {
        RawClient client(server.port());
        ServerEvent event;
        ASSERT_TRUE(next_event(server, ServerEventType::connected, event));
        client.ws.next_layer().close();  // no close frame
    }
    ServerEvent event;
    ASSERT_TRUE(next_event(server, ServerEventType::disconnected, event));
    EXPECT_EQ(event.close_code, close_code::abnormal);
}

// The peer's last message and its FIN arrive together, before the server
// looks: one wake-up must read both. Nothing new would wake the server for
// the FIN behind the bytes (the sockets sit level-triggered in one epoll set),
// so a missed one waits for the idle timeout. The loop runs on this thread,
// so the server sees the socket only once both are in it.
TEST(Server, APeerSendingItsLastMessageAndLeavingIsSeenLeavingAtOnce) {
    auto net = NetworkThread::create({.shutdown_timeout = 1000ms, .run_on_caller = true});
    ServerOptions options;
    options.network_thread = net;
    options.idle_timeout = 60s;  // the test's 5 s wait must not be ended by it
    options.ping_interval = 0ms;  // nor by a ping's reset from the closed peer
    Server server = listen_local(options);

    std::unique_ptr<RawClient> client;
    std::thread handshake([&] { client = std::make_unique<RawClient>(server.port()); });
    ServerEvent event;
    const bool connected =
        serve_until(*net, [&] { return server.poll(event) && event.type == ServerEventType::connected; });
    handshake.join();
    ASSERT_TRUE(connected);

    client->ws.binary(true);
    client->ws.write(asio::buffer(std::string_view("last words")));
    client->ws.next_layer().shutdown(tcp::socket::shutdown_send);  // FIN, right behind the frame
    std::this_thread::sleep_for(20ms);                             // both in the server's socket

    bool got_message = false;
    ASSERT_TRUE(serve_until(*net, [&] {
        while (server.poll(event)) {
            if (event.type == ServerEventType::message) got_message = text_of(event.message) == "last words";
            if (event.type == ServerEventType::disconnected) return true;
        }
        return false;
    })) << "the end of stream behind the last message was not read";
    EXPECT_TRUE(got_message);
    EXPECT_EQ(event.close_code, close_code::abnormal);  // no close frame
}

TEST(Server, StopsReadingWhenTheGameFallsBehindAndLosesNothing) {
    ServerOptions options;
    options.receive_queue_capacity = 32;
    Server server = listen_local(options);
    Channel channel = Channel::connect(local_url(server));
    constexpr int kCount = 3000;
    int sent = 0;
    ASSERT_TRUE(pump_until([&] {
        while (sent < kCount && channel.sink().add(bytes_of(std::to_string(sent)))) ++sent;
        channel.sink().flush();
        return sent == kCount;
    }));
    // The game polls nothing: the connection must stop reading, not drop.
    ASSERT_TRUE(pump_until([&] { return server.stats().reads_paused > 0; }));
    EXPECT_EQ(server.stats().receive_queue_depth, 32u);
    int next = 0;
    ServerEvent event;
    ASSERT_TRUE(pump_until([&] {
        while (server.poll(event)) {
            if (event.type == ServerEventType::message) {
                EXPECT_EQ(text_of(event.message), std::to_string(next++));
            }
        }
        return next == kCount;
    }));
}

TEST(Server, LogLinesAreRateLimitedAndSayHowManyWereSuppressed) {
    std::mutex mutex;  // the sink runs on the network thread
    std::vector<std::string> lines;
    ServerOptions options;
    options.max_connections_per_ip = 50;  // the rest are refused at accept: cheap, and each is a log line
    options.log_sink = [&](std::string_view line) {
        const std::lock_guard lock(mutex);
        lines.emplace_back(line);
    };
    Server server = listen_local(options);
    // A flood of 300 loggable events at once (50 plain GETs answered 426, 250
    // refused), far past the burst of 200.
    constexpr int kFlood = 300;
    {
        asio::io_context io;
        std::vector<tcp::socket> sockets;
        const std::string request = "GET /flood HTTP/1.1\r\nHost: x\r\n\r\n";
        for (int i = 0; i < kFlood; ++i) {
            boost::system::error_code ec;
            tcp::socket& socket = sockets.emplace_back(io);
            socket.connect({asio::ip::make_address("127.0.0.1"), server.port()}, ec);
            if (!ec) asio::write(socket, asio::buffer(request), ec);  // a refused one may be reset already
        }
        // Every one answered or closed.
        for (tcp::socket& socket : sockets) {
            boost::system::error_code ec;
            char sink[512];
            while (!ec) socket.read_some(asio::buffer(sink), ec);
        }
    }
    // The flood's sockets are closed; wait until the server has seen them all go,
    // or the per-address limit would refuse the probes below.
    ASSERT_TRUE(pump_until([&] { return server.stats().connections_open == 0; }));
    // Then one more at a time until a line gets through: it reports what was dropped.
    int afters = 0;
    ASSERT_TRUE(pump_until([&] {
        ++afters;
        // 426, or 0 when a loaded machine still holds the address's flood
        // sockets at the limit: a refusal is a loggable event too, and counted.
        const unsigned status = fetch(server.port(), "GET", "/after").status;
        EXPECT_TRUE(status == 426u || status == 0u) << status;
        const std::lock_guard lock(mutex);
        return lines.back().find("/after") != std::string::npos;
    }));
    // Every event is either a line or counted in the next line's "(N lines suppressed)".
    const std::lock_guard lock(mutex);
    std::size_t suppressed = 0, reports = 0;
    for (const std::string& line : lines) {
        if (!line.starts_with("(")) continue;
        suppressed += std::stoul(line.substr(1));
        EXPECT_NE(line.find(" lines suppressed) "), std::string::npos) << line;
        ++reports;
    }
    EXPECT_EQ(lines.size() + suppressed, static_cast<std::size_t>(kFlood + afters));
    EXPECT_GE(reports, 1u) << "a flood of " << kFlood << " must exceed the burst of 200";
    EXPECT_LT(lines.size(), static_cast<std::size_t>(kFlood));
}

TEST(Server, ReportsBindFailure) {
    Server first = listen_local();
    ServerOptions options;
    options.address = "127.0.0.1";
    options.port = first.port();
    std::error_code ec;
    Server second = Server::listen(options, ec);
    EXPECT_TRUE(ec);
    EXPECT_FALSE(second);
}

}  // namespace
}  // namespace tickwire::net::test
