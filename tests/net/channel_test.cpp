// Client channel over real sockets against an in-process tickwire Server.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include <boost/asio/ip/tcp.hpp>

#include "test_support.hpp"

namespace tickwire::net::test {
namespace {

TEST(Channel, OpensAndExchangesMessagesInOrder) {
    Server server = listen_local();
    Channel channel = Channel::connect(local_url(server, "/room/ABCD?name=alice"));
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    EXPECT_EQ(channel.state(), ChannelState::open);

    ServerEvent connected;
    ASSERT_TRUE(next_event(server, ServerEventType::connected, connected));
    EXPECT_EQ(connected.path(), "/room/ABCD");
    EXPECT_EQ(connected.query(), "name=alice");
    EXPECT_TRUE(connected.remote_address().starts_with("127.0.0.1:")) << connected.remote_address();

    constexpr int kCount = 500;
    for (int i = 0; i < kCount; ++i) ASSERT_TRUE(channel.sink().add(bytes_of("msg " + std::to_string(i))));
    channel.sink().flush();

    int received = 0;
    ASSERT_TRUE(pump_until([&] {
        echo_pending(server);
        while (channel.stream().poll(event)) {
            EXPECT_EQ(event.type, EventType::message);
            EXPECT_EQ(text_of(event.message), "msg " + std::to_string(received));
            ++received;
        }
        return received == kCount;
    }));
    const ChannelStats stats = channel.stats();
    EXPECT_EQ(stats.messages_out, kCount);
    EXPECT_EQ(stats.messages_in, kCount);
    EXPECT_EQ(stats.dropped_out, 0u);
    EXPECT_EQ(server.stats().messages_in, kCount);
}

TEST(Channel, SendsMessagesAddedWhileConnectingOnceOpen) {
    Server server = listen_local();
    Channel channel = Channel::connect(local_url(server));
    ASSERT_TRUE(channel.sink().add(bytes_of("early")));  // before the handshake can have finished
    channel.sink().flush();
    ServerEvent event;
    ASSERT_TRUE(next_event(server, ServerEventType::message, event));
    EXPECT_EQ(text_of(event.message), "early");
}

TEST(Channel, SendsPrebuiltMessageWithoutCopy) {
    Server server = listen_local();
    Channel channel = Channel::connect(local_url(server));
    Message message = Message::allocate(4);
    std::memcpy(message.writable().data(), "abcd", 4);
    const std::byte* storage = message.data();
    ASSERT_TRUE(channel.sink().add(std::move(message)));
    channel.sink().flush();
    ServerEvent event;
    ASSERT_TRUE(next_event(server, ServerEventType::message, event));
    EXPECT_EQ(text_of(event.message), "abcd");
    EXPECT_NE(storage, nullptr);
}

TEST(Channel, ReportsFullSendQueueAndCountsTheDrop) {
    // A listener that never accepts: the channel stays connecting, so nothing
    // drains the queue while the test fills it (an open channel would send
    // whatever was queued the moment it opened).
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor never_accepts(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    ChannelOptions options;
    options.send_queue_capacity = 8;
    Channel channel =
        Channel::connect("ws://127.0.0.1:" + std::to_string(never_accepts.local_endpoint().port()) + "/", options);
    int accepted = 0;
    for (int i = 0; i < 20; ++i) accepted += channel.sink().add(bytes_of("x")) ? 1 : 0;
    EXPECT_EQ(accepted, 8);
    EXPECT_EQ(channel.stats().dropped_out, 12u);
    EXPECT_EQ(channel.stats().send_queue_depth, 8u);
}

TEST(Channel, NegotiatesSubprotocolAndSendsHeaders) {
    ServerOptions server_options;
    server_options.subprotocols = {"tickwire.v1"};
    Server server = listen_local(server_options);
    ChannelOptions options;
    options.subprotocols = {"chat.v0", "tickwire.v1"};
    options.headers = {{"X-Game", "arena"}};
    Channel channel = Channel::connect(local_url(server), options);
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    EXPECT_EQ(event.text(), "tickwire.v1");
}

TEST(Channel, MeasuresRoundTripTime) {
    ServerOptions server_options;
    server_options.ping_interval = std::chrono::milliseconds(20);
    Server server = listen_local(server_options);
    ChannelOptions options;
    options.ping_interval = std::chrono::milliseconds(20);
    Channel channel = Channel::connect(local_url(server), options);
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    EXPECT_TRUE(pump_until([&] { return channel.stats().rtt_us > 0; }));
    EXPECT_LT(channel.stats().rtt_us, 1'000'000u);  // loopback: far below a second
}

TEST(Channel, StopsReadingWhenStreamIsFullAndLosesNothing) {
    Server server = listen_local();
    ChannelOptions options;
    options.receive_queue_capacity = 16;
    Channel channel = Channel::connect(local_url(server), options);
    ServerEvent connected;
    ASSERT_TRUE(next_event(server, ServerEventType::connected, connected));
    constexpr int kCount = 2000;
    for (int i = 0; i < kCount; ++i) server.send(connected.id, bytes_of(std::to_string(i)));
    server.flush();
    // The game is busy (polls nothing): the network thread must stop reading, not drop.
    ASSERT_TRUE(pump_until([&] { return channel.stats().reads_paused > 0; }));
    EXPECT_EQ(channel.stats().receive_queue_depth, 16u);
    int next = 0;
    Event event;
    ASSERT_TRUE(pump_until([&] {
        while (channel.stream().poll(event)) {
            if (event.type == EventType::message) {
                EXPECT_EQ(text_of(event.message), std::to_string(next++));
            }
        }
        return next == kCount;
    }));
    EXPECT_EQ(channel.stats().messages_in, static_cast<std::uint64_t>(kCount));
}

TEST(Channel, ManyChannelsShareOneNetworkThread) {
    Server server = listen_local();
    auto thread = NetworkThread::create();
    ChannelOptions options;
    options.network_thread = thread;
    std::vector<Channel> channels;
    for (int i = 0; i < 100; ++i) channels.push_back(Channel::connect(local_url(server), options));
    for (auto& channel : channels) {
        channel.sink().add(bytes_of("hello"));
        channel.sink().flush();
    }
    std::vector<int> replies(channels.size(), 0);
    ASSERT_TRUE(pump_until([&] {
        echo_pending(server);
        int done = 0;
        Event event;
        for (std::size_t i = 0; i < channels.size(); ++i) {
            while (channels[i].stream().poll(event))
                if (event.type == EventType::message && text_of(event.message) == "hello") ++replies[i];
            done += replies[i] == 1;
        }
        return done == static_cast<int>(channels.size());
    }, 10s));
}

TEST(Channel, CoalescesFlushesIntoOneWakeUp) {
    Server server = listen_local();
    auto thread = NetworkThread::create();
    ChannelOptions options;
    options.network_thread = thread;
    Channel channel = Channel::connect(local_url(server), options);
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    std::this_thread::sleep_for(20ms);
    const auto before = thread->wakeups();
    for (int i = 0; i < 50; ++i) channel.sink().add(bytes_of("tick"));
    channel.sink().flush();
    int got = 0;
    ServerEvent server_event;
    ASSERT_TRUE(pump_until([&] {
        while (server.poll(server_event)) got += server_event.type == ServerEventType::message;
        return got == 50;
    }));
    EXPECT_EQ(thread->wakeups() - before, 1u);
    EXPECT_EQ(channel.stats().flushes, 1u);
}

TEST(Channel, DestroyedAtAnyMomentLeavesNothingBehind) {
    Server server = listen_local();
    const std::size_t blocks_before = buffer_pool_stats().in_use;
    const std::size_t descriptors_before = open_descriptors();
    std::mt19937 random(42);
    for (int round = 0; round < 40; ++round) {
        Channel channel = Channel::connect(local_url(server));
        const int polls = static_cast<int>(random() % 40);
        Event event;
        for (int i = 0; i < polls; ++i) {
            channel.stream().poll(event);
            if (i % 7 == 0) {
                channel.sink().add(bytes_of("payload"));
                channel.sink().flush();
            }
            std::this_thread::sleep_for(std::chrono::microseconds(random() % 500));
            echo_pending(server);
        }
    }  // each destructor joins its own network thread
    // Every channel's thread, sockets and buffers are gone, and so is the
    // server's side of each connection once it has seen the close.
    ASSERT_TRUE(pump_until([&] {
        echo_pending(server);
        return server.stats().connections_open == 0 && open_descriptors() == descriptors_before &&
               buffer_pool_stats().in_use == blocks_before;
    })) << "descriptors " << open_descriptors() << " (before " << descriptors_before << "), pooled blocks in use "
        << buffer_pool_stats().in_use << " (before " << blocks_before << ")";
}

TEST(Channel, WorksOverTls) {
    ServerOptions server_options;
    server_options.tls_certificate_file = test_certificate().certificate;
    server_options.tls_private_key_file = test_certificate().private_key;
    Server server = listen_local(server_options);
    ASSERT_TRUE(server.tls());
    ChannelOptions options;
    options.tls.ca_file = test_certificate().certificate;
    Channel channel = Channel::connect("wss://localhost:" + std::to_string(server.port()) + "/", options);
    channel.sink().add(bytes_of("secret"));
    channel.sink().flush();
    Event event;
    ASSERT_TRUE(pump_until([&] {
        echo_pending(server);
        while (channel.stream().poll(event))
            if (event.type == EventType::message) return true;
        return false;
    }));
    EXPECT_EQ(text_of(event.message), "secret");
}

}  // namespace
}  // namespace tickwire::net::test
