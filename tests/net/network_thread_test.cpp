#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <thread>

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

// run_on_caller: the sockets are served only inside run_until/run_once, on the
// thread that created the NetworkThread.

std::shared_ptr<NetworkThread> caller_run_thread() {
    return NetworkThread::create({.shutdown_timeout = 1000ms, .run_on_caller = true});
}

ServerOptions on(const std::shared_ptr<NetworkThread>& thread) {
    ServerOptions options;
    options.network_thread = thread;
    return options;
}

// Closes `channel` while the caller serves its server, as a game would, and
// checks the handshake completes (else the channel's own thread would wait
// out its shutdown timeout at the end of the test).
void close_while_serving(Channel& channel, NetworkThread& net) {
    channel.sink().close();
    Event event;
    EXPECT_TRUE(serve_until(net, [&] {
        return channel.stream().poll(event) && event.type == EventType::closed;
    }));
    EXPECT_EQ(event.close_code, close_code::normal);
}

TEST(NetworkThreadOnTheCaller, ServesNothingUntilTheCallerRunsIt) {
    auto net = caller_run_thread();
    Server server = listen_local(on(net));
    Channel channel = Channel::connect(local_url(server));
    // Nobody runs the server's loop: the upgrade cannot be answered.
    std::this_thread::sleep_for(100ms);
    Event event;
    EXPECT_FALSE(channel.stream().poll(event)) << "opened with no thread serving the server";
    ASSERT_TRUE(serve_until(*net, [&] {
        return channel.stream().poll(event);
    }));
    EXPECT_EQ(event.type, EventType::opened);
    close_while_serving(channel, *net);
}

TEST(NetworkThreadOnTheCaller, EchoesThroughTheQueuesWhileTheGameWaitsInRunUntil) {
    auto net = caller_run_thread();
    Server server = listen_local(on(net));
    Channel channel = Channel::connect(local_url(server));
    std::vector<std::string> echoes;
    int sent = 0;
    ASSERT_TRUE(serve_until(*net, [&] {
        echo_pending(server);                                      // the tick's work
        Event event;
        while (channel.stream().poll(event)) {
            if (event.type == EventType::opened)
                {
                for (; sent < 100; ++sent) channel.sink().add(bytes_of("m" + std::to_string(sent)));
                channel.sink().flush();
            }
            if (event.type == EventType::message) echoes.push_back(text_of(event.message));
        }
        return echoes.size() == 100;
    }));
    for (int i = 0; i < 100; ++i) EXPECT_EQ(echoes[static_cast<std::size_t>(i)], "m" + std::to_string(i));
    close_while_serving(channel, *net);
}

TEST(NetworkThreadOnTheCaller, RunOnceReturnsWhenAMessageArrives) {
    auto net = caller_run_thread();
    Server server = listen_local(on(net));
    Channel channel = Channel::connect(local_url(server));
    ServerEvent event;
    ASSERT_TRUE(pump_until([&] {
        net->run_once(std::chrono::steady_clock::now() + 10ms);
        return server.poll(event) && event.type == ServerEventType::connected;
    }));
    Event opened;
    ASSERT_TRUE(next_event(channel, EventType::opened, opened));
    channel.sink().add(bytes_of("hello"));
    channel.sink().flush();
    // A far deadline: run_once comes back with the message, not at the deadline.
    const auto start = std::chrono::steady_clock::now();
    const auto far = start + 5s;
    while (!server.poll(event) && std::chrono::steady_clock::now() - start < 3s) net->run_once(far);
    ASSERT_EQ(event.type, ServerEventType::message);
    EXPECT_EQ(text_of(event.message), "hello");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << "run_once waited for its deadline";
    close_while_serving(channel, *net);
}

TEST(NetworkThreadOnTheCaller, RunUntilReturnsAtItsDeadlineNotBefore) {
    auto net = caller_run_thread();
    Server server = listen_local(on(net));
    for (int i = 0; i < 20; ++i) {
        const auto deadline = std::chrono::steady_clock::now() + 2ms;
        ASSERT_TRUE(net->run_until(deadline));
        EXPECT_GE(std::chrono::steady_clock::now(), deadline);
    }
}

TEST(NetworkThreadOnTheCaller, RunUntilIsRefusedOnAThreadOfItsOwnAndOnAnotherThread) {
    auto threaded = NetworkThread::create();
    EXPECT_FALSE(threaded->run_until(std::chrono::steady_clock::now() + 1ms));
    EXPECT_FALSE(threaded->run_once(std::chrono::steady_clock::now() + 1ms));
    auto net = caller_run_thread();
    bool ran_elsewhere = true;
    std::thread([&] { ran_elsewhere = net->run_until(std::chrono::steady_clock::now() + 1ms); }).join();
    EXPECT_FALSE(ran_elsewhere);
}

TEST(NetworkThreadOnTheCaller, AChannelOnItConnectsSendsAndHearsItsEchoes) {
    Server server = listen_local();  // a network thread of its own
    auto net = caller_run_thread();
    ChannelOptions options;
    options.network_thread = net;
    Channel channel = Channel::connect(local_url(server), options);
    std::vector<std::string> echoes;
    ASSERT_TRUE(serve_until(*net, [&] {
        echo_pending(server);
        Event event;
        while (channel.stream().poll(event)) {
            if (event.type == EventType::opened) {
                for (int i = 0; i < 10; ++i) channel.sink().add(bytes_of("c" + std::to_string(i)));
                channel.sink().flush();
            }
            if (event.type == EventType::message) echoes.push_back(text_of(event.message));
        }
        return echoes.size() == 10;
    }));
    EXPECT_EQ(echoes.front(), "c0");
    EXPECT_EQ(echoes.back(), "c9");
    channel.sink().close();
    Event event;
    ASSERT_TRUE(serve_until(*net, [&] {
        echo_pending(server);
        return channel.stream().poll(event) && event.type == EventType::closed;
    }));
    EXPECT_EQ(event.close_code, close_code::normal);
}

// The game's last frame flushed and then let everything go without waiting
// again: what it flushed still leaves, before the close.
TEST(NetworkThreadOnTheCaller, DestroyingItSendsWhatTheLastFrameFlushedBeforeTheClose) {
    auto net = caller_run_thread();
    std::optional<Server> server(listen_local(on(net)));
    Channel channel = Channel::connect(local_url(*server));
    ServerEvent connected;
    ASSERT_TRUE(serve_until(*net, [&] {
        return server->poll(connected) && connected.type == ServerEventType::connected;
    }));
    ASSERT_TRUE(server->send(connected.id, bytes_of("last words")));
    server->flush();
    server.reset();
    net.reset();
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::message, event));
    EXPECT_EQ(text_of(event.message), "last words");
    ASSERT_TRUE(next_event(channel, EventType::closed, event));
    EXPECT_EQ(event.close_code, close_code::going_away);
}

TEST(NetworkThreadOnTheCaller, DestroyingItClosesItsClientsWithGoingAway) {
    auto net = caller_run_thread();
    std::optional<Server> server(listen_local(on(net)));
    Channel channel = Channel::connect(local_url(*server));
    Event event;
    ASSERT_TRUE(serve_until(*net, [&] {
        return channel.stream().poll(event);
    }));
    ASSERT_EQ(event.type, EventType::opened);
    server.reset();
    net.reset();  // runs the close handshakes itself, bounded by shutdown_timeout
    ASSERT_TRUE(next_event(channel, EventType::closed, event));
    EXPECT_EQ(event.close_code, close_code::going_away);
}

}  // namespace
}  // namespace tickwire::net::test
