#include <gtest/gtest.h>

#include "test_support.hpp"

namespace tickwire::net::test {
namespace {

TEST(NetworkThread, DestroyingWithOpenConnectionsClosesThemWithGoingAway) {
    Server server = listen_local();
    auto thread = NetworkThread::create();
    ChannelOptions options;
    options.network_thread = thread;
    Channel channel = Channel::connect(local_url(server), options);
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    channel = Channel::connect("ws://127.0.0.1:1/", options);  // replaces (destroys) the open one
    ServerEvent gone;
    ASSERT_TRUE(next_event(server, ServerEventType::disconnected, gone));
    EXPECT_EQ(gone.close_code, close_code::going_away);
}

TEST(NetworkThread, ServerDestructionClosesClientsWithGoingAway) {
    std::optional<Server> server(listen_local());
    Channel channel = Channel::connect(local_url(*server));
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    server.reset();
    ASSERT_TRUE(next_event(channel, EventType::closed, event));
    EXPECT_EQ(event.close_code, close_code::going_away);
}

}  // namespace
}  // namespace tickwire::net::test
