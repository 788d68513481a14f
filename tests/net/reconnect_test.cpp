// Automatic reconnect: backoff with full jitter, the same Channel carrying on
// after a server restart, and when it gives up.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "test_support.hpp"

namespace tickwire::net::test {
namespace {

/// Everything a channel's stream produced, in order.
struct EventLog {
    std::vector<Event> events;
    [[nodiscard]] int count(EventType type) const {
        return static_cast<int>(std::count_if(events.begin(), events.end(), [type](const Event& e) { return e.type == type; }));
    }
    void drain(Channel& channel) {
        Event event;
        while (channel.stream().poll(event)) events.push_back(std::move(event));
    }
};

ChannelOptions reconnecting(std::chrono::milliseconds base, std::chrono::milliseconds max, std::uint32_t attempts = 0) {
    ChannelOptions options;
    options.reconnect.enabled = true;
    options.reconnect.base_delay = base;
    options.reconnect.max_delay = max;
    options.reconnect.max_attempts = attempts;
    return options;
}

Server listen_on(std::uint16_t port, bool session) {
    ServerOptions options;
    options.address = "127.0.0.1";
    options.port = port;
    options.session.enabled = session;
    std::error_code ec;
    Server server = Server::listen(std::move(options), ec);
    EXPECT_FALSE(ec) << ec.message();
    return server;
}

void server_restart(bool session) {
    auto server = std::make_unique<Server>(listen_on(0, session));
    const std::uint16_t port = server->port();
    ChannelOptions options = reconnecting(20ms, 100ms);
    options.session.enabled = session;
    Channel a = Channel::connect(local_url(*server, "/a"), options);
    Channel b = Channel::connect(local_url(*server, "/b"), options);
    EventLog log_a, log_b;
    ASSERT_TRUE(pump_until([&] {
        log_a.drain(a), log_b.drain(b);
        return log_a.count(EventType::opened) == 1 && log_b.count(EventType::opened) == 1;
    }));
    ServerEvent connected;
    ASSERT_TRUE(next_event(*server, ServerEventType::connected, connected));
    ASSERT_TRUE(next_event(*server, ServerEventType::connected, connected));

    server.reset();  // closes every connection with 1001 going away
    // While nothing listens, attempts are refused and retried with backoff.
    ASSERT_TRUE(pump_until([&] {
        log_a.drain(a), log_b.drain(b);
        return log_a.count(EventType::reconnecting) >= 3 && log_b.count(EventType::reconnecting) >= 3;
    }));
    for (const EventLog* log : {&log_a, &log_b}) {
        const auto first = std::find_if(log->events.begin(), log->events.end(),
                                        [](const Event& e) { return e.type == EventType::reconnecting; });
        ASSERT_NE(first, log->events.end());
        EXPECT_EQ(first->close_code, close_code::going_away);
        EXPECT_EQ(first->text(), "server shutting down");
        EXPECT_EQ(first->attempt, 1u);
        std::uint32_t expected_attempt = 1;
        for (const Event& e : log->events) {
            if (e.type != EventType::reconnecting) continue;
            EXPECT_EQ(e.attempt, expected_attempt);
            ++expected_attempt;
            EXPECT_LE(e.retry_delay, 100ms);
            if (e.attempt > 1) {
                EXPECT_EQ(e.error, ErrorKind::refused);
            }
        }
        EXPECT_GE(log->count(EventType::error), 2);  // each refused attempt says why
        EXPECT_EQ(log->count(EventType::closed), 0);
    }
    EXPECT_EQ(a.state(), ChannelState::connecting);
    // Added while the server is down: dropped when the next connection opens
    // afresh (plain mode always; session mode when the session could not be
    // resumed): that server knows nothing of what it belonged to, and must
    // see the game's own greeting first.
    ASSERT_TRUE(a.sink().add(bytes_of("while down")));
    a.sink().flush();

    // A new server on the same port: the clients join it, as a fresh session.
    Server restarted = listen_on(port, session);
    ASSERT_TRUE(restarted);
    ASSERT_TRUE(pump_until([&] {
        log_a.drain(a), log_b.drain(b);
        return log_a.count(EventType::opened) == 2 && log_b.count(EventType::opened) == 2;
    }));
    EXPECT_EQ(log_a.count(EventType::resumed), 0);
    EXPECT_EQ(a.state(), ChannelState::open);
    ASSERT_TRUE(next_event(restarted, ServerEventType::connected, connected));
    ASSERT_TRUE(next_event(restarted, ServerEventType::connected, connected));
    if (session) {
        EXPECT_EQ(restarted.stats().resumes_refused, 2u);  // the old tokens mean nothing here
    }

    // And the channels work as before.
    ASSERT_TRUE(a.sink().add(bytes_of("after restart")));
    a.sink().flush();
    std::vector<std::string> echoes;
    ASSERT_TRUE(pump_until([&] {
        echo_pending(restarted);
        Event echoed;
        while (a.stream().poll(echoed))
            if (echoed.type == EventType::message) echoes.push_back(text_of(echoed.message));
        return !echoes.empty() && echoes.back() == "after restart";
    }));
    // (The waits for `connected` above skip other server events, so count
    // what the restarted server received rather than what it echoed.)
    EXPECT_EQ(echoes, std::vector<std::string>{"after restart"}) << "'while down' must not precede it";
    EXPECT_EQ(restarted.stats().messages_in, 1u) << "only 'after restart'";
    EXPECT_EQ(a.stats().dropped_out, 1u);
    EXPECT_GE(a.stats().reconnects, 3u);
}

TEST(Reconnect, ServerRestartClientsReconnectWithBackoffAndJoinTheNewServer) { server_restart(false); }

TEST(Reconnect, ServerRestartInSessionModeStartsFreshSessions) { server_restart(true); }

TEST(Reconnect, GivesUpAfterTheAttemptLimitWithJitteredBackoff) {
    Channel channel = Channel::connect("ws://127.0.0.1:" + std::to_string(unused_port()) + "/",
                                       reconnecting(10ms, 25ms, 3));
    EventLog log;
    ASSERT_TRUE(pump_until([&] {
        log.drain(channel);
        return log.count(EventType::closed) == 1;
    }));
    ASSERT_EQ(log.count(EventType::reconnecting), 3);
    const std::chrono::milliseconds ceilings[] = {10ms, 20ms, 25ms};  // base × 2^(n-1), capped
    std::uint32_t attempt = 0;
    for (const Event& e : log.events) {
        if (e.type != EventType::reconnecting) continue;
        EXPECT_EQ(e.attempt, attempt + 1);
        EXPECT_LE(e.retry_delay, ceilings[attempt]);
        EXPECT_EQ(e.error, ErrorKind::refused);
        ++attempt;
    }
    EXPECT_EQ(log.count(EventType::error), 4);  // every failed attempt, the last one too
    EXPECT_EQ(log.events.back().type, EventType::closed);
    EXPECT_EQ(log.events.back().close_code, close_code::abnormal);
    EXPECT_EQ(channel.state(), ChannelState::closed);
}

TEST(Reconnect, ADeliberateCloseByTheServerIsFinal) {
    Server server = listen_local();
    Channel channel = Channel::connect(local_url(server), reconnecting(5ms, 10ms));
    ServerEvent connected;
    ASSERT_TRUE(next_event(server, ServerEventType::connected, connected));
    server.close(connected.id, close_code::normal, "match over");
    server.flush();
    EventLog log;
    ASSERT_TRUE(pump_until([&] {
        log.drain(channel);
        return log.count(EventType::closed) == 1;
    }));
    EXPECT_EQ(log.count(EventType::reconnecting), 0);
    EXPECT_EQ(log.events.back().close_code, close_code::normal);
    EXPECT_EQ(log.events.back().text(), "match over");
}

TEST(Reconnect, ClosingDuringBackoffEndsAtOnce) {
    Channel channel = Channel::connect("ws://127.0.0.1:" + std::to_string(unused_port()) + "/",
                                       reconnecting(60s, 60s));
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::reconnecting, event));
    channel.sink().close(close_code::normal, "bye");
    ASSERT_TRUE(next_event(channel, EventType::closed, event, 2000ms));
    EXPECT_EQ(event.close_code, close_code::normal);
    EXPECT_EQ(channel.state(), ChannelState::closed);
}

TEST(Reconnect, IsOffByDefault) {
    Channel channel = Channel::connect("ws://127.0.0.1:" + std::to_string(unused_port()) + "/");
    std::vector<EventType> seen;
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::closed, event, 5000ms, &seen));
    EXPECT_EQ(std::count(seen.begin(), seen.end(), EventType::reconnecting), 0);
}

}  // namespace
}  // namespace tickwire::net::test
