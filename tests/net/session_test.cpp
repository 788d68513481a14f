// Session mode over real sockets: resume with the same ConnectionId and
// exactly-once reliable delivery, latest-state never resent, the held session
// expiring, the reliable bound, dead peers on both sides. A TcpProxy between
// client and server breaks connections on cue.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include "session/reliable_session.hpp"
#include "session/resume_token.hpp"
#include "test_support.hpp"
#include "tickwire/schemas/session.hpp"

namespace tickwire::net::test {
namespace {

ServerOptions session_server(std::chrono::milliseconds grace = 30s) {
    ServerOptions options;
    options.session.enabled = true;
    options.session.grace_period = grace;
    return options;
}

ChannelOptions session_client(bool reconnect = true) {
    ChannelOptions options;
    options.session.enabled = true;
    options.reconnect.enabled = reconnect;
    options.reconnect.base_delay = 5ms;
    options.reconnect.max_delay = 50ms;
    return options;
}

/// The game thread of a test server: counts events, keeps message texts.
struct ServerSide {
    explicit ServerSide(Server& s) : server(s) {}
    Server& server;
    std::vector<ServerEvent> events;
    std::vector<std::string> messages;
    void poll() {
        ServerEvent event;
        while (server.poll(event)) {
            if (event.type == ServerEventType::message) messages.push_back(text_of(event.message));
            events.push_back(std::move(event));
        }
    }
    [[nodiscard]] int count(ServerEventType type) const {
        return static_cast<int>(std::count_if(events.begin(), events.end(), [type](const auto& e) { return e.type == type; }));
    }
};

struct ClientSide {
    explicit ClientSide(Channel& c) : channel(c) {}
    Channel& channel;
    std::vector<EventType> types;
    std::vector<std::string> messages;
    void poll() {
        Event event;
        while (channel.stream().poll(event)) {
            types.push_back(event.type);
            if (event.type == EventType::message) messages.push_back(text_of(event.message));
        }
    }
    [[nodiscard]] int count(EventType type) const { return static_cast<int>(std::count(types.begin(), types.end(), type)); }
};

std::string describe(const ServerSide& s, const ClientSide& c, const Channel& channel, const Server& server,
                     const TcpProxy& proxy) {
    std::string out = "server got " + std::to_string(s.messages.size()) + ", events:";
    for (const auto& e : s.events)
        if (e.type != ServerEventType::message) out += " " + std::string(to_string(e.type)) + "#" + std::to_string(e.id);
    out += "; client got " + std::to_string(c.messages.size()) + ", events:";
    for (const auto t : c.types)
        if (t != EventType::message) out += " " + std::string(to_string(t));
    for (std::size_t i = 0; i < c.messages.size(); ++i)
        if (c.messages[i] != "s" + std::to_string(i)) {
            out += " (first wrong: #" + std::to_string(i) + " = " + c.messages[i] + ")";
            break;
        }
    out += "; state " + std::string(to_string(channel.state())) + ", proxy accepted " +
           std::to_string(proxy.accepted()) + ", server open " + std::to_string(server.stats().connections_open) +
           ", held " + std::to_string(server.stats().sessions_held);
    return out;
}

std::vector<std::string> numbered(const std::string& prefix, int from, int to) {
    std::vector<std::string> out;
    for (int i = from; i < to; ++i) out.push_back(prefix + std::to_string(i));
    return out;
}

void send_all(Channel& channel, const std::vector<std::string>& texts) {
    for (const auto& text : texts) ASSERT_TRUE(channel.sink().add(bytes_of(text)));
    channel.sink().flush();
}

void send_all(Server& server, ConnectionId id, const std::vector<std::string>& texts) {
    for (const auto& text : texts) ASSERT_TRUE(server.send(id, bytes_of(text)));
    server.flush();
}

TEST(Session, ResumeKeepsTheConnectionIdAndDeliversEveryMessageOnceInOrder) {
    Server server = listen_local(session_server());
    TcpProxy proxy(server.port());
    Channel channel = Channel::connect(proxy.url("/room/x"), session_client());
    ServerSide s(server);
    ClientSide c(channel);
    ASSERT_TRUE(pump_until([&] {
        s.poll(), c.poll();
        return s.count(ServerEventType::connected) == 1 && c.count(EventType::opened) == 1;
    }));
    const ConnectionId id = s.events.front().id;
    EXPECT_EQ(s.events.front().path(), "/room/x");

    send_all(channel, numbered("c", 0, 50));
    send_all(server, id, numbered("s", 0, 50));
    ASSERT_TRUE(pump_until([&] {
        s.poll(), c.poll();
        return s.messages.size() == 50 && c.messages.size() == 50;
    }));

    // The network breaks; both sides keep sending meanwhile.
    proxy.drop_all();
    send_all(channel, numbered("c", 50, 100));
    send_all(server, id, numbered("s", 50, 100));
    ASSERT_TRUE(pump_until([&] {
        s.poll(), c.poll();
        return s.messages.size() == 100 && c.messages.size() == 100;
    })) << describe(s, c, channel, server, proxy);
    EXPECT_EQ(s.messages, numbered("c", 0, 100));
    EXPECT_EQ(c.messages, numbered("s", 0, 100));

    EXPECT_GE(c.count(EventType::reconnecting), 1);
    EXPECT_EQ(c.count(EventType::resumed), 1);
    EXPECT_EQ(c.count(EventType::opened), 1);  // one session throughout
    EXPECT_EQ(c.count(EventType::closed), 0);
    EXPECT_EQ(s.count(ServerEventType::resumed), 1);
    EXPECT_EQ(s.count(ServerEventType::connected), 1);
    EXPECT_EQ(s.count(ServerEventType::disconnected), 0);
    for (const auto& e : s.events) EXPECT_EQ(e.id, id);
    EXPECT_EQ(server.stats().sessions_resumed, 1u);
    EXPECT_EQ(channel.stats().resumes, 1u);
    EXPECT_EQ(proxy.accepted(), 2);
}

TEST(Session, LatestStateIsNeverResent) {
    Server server = listen_local(session_server());
    TcpProxy proxy(server.port());
    Channel channel = Channel::connect(proxy.url(), session_client());
    ServerSide s(server);
    ClientSide c(channel);
    ASSERT_TRUE(pump_until([&] {
        s.poll(), c.poll();
        return s.count(ServerEventType::connected) == 1 && c.count(EventType::opened) == 1;
    }));
    const ConnectionId id = s.events.front().id;
    ASSERT_TRUE(server.send_latest(id, Message::copy_of(std::string_view("snapshot 1"))));
    server.flush();
    ASSERT_TRUE(pump_until([&] { return c.poll(), c.messages.size() == 1; }));

    proxy.refuse(true);  // keep the client out while the server sends
    proxy.drop_all();
    ASSERT_TRUE(pump_until([&] { return c.poll(), c.count(EventType::reconnecting) >= 1; }));
    ASSERT_TRUE(pump_until([&] { return server.stats().sessions_held == 1; }));
    ASSERT_TRUE(server.send_latest(id, Message::copy_of(std::string_view("snapshot 2"))));
    ASSERT_TRUE(server.send(id, Message::copy_of(std::string_view("chat")), Delivery::reliable));
    server.flush();
    proxy.refuse(false);
    ASSERT_TRUE(pump_until([&] { return c.poll(), c.count(EventType::resumed) == 1 && c.messages.size() == 2; }))
        << describe(s, c, channel, server, proxy) << " last: " << (c.messages.empty() ? "" : c.messages.back());
    pump_until([&] { return c.poll(), false; }, 100ms);  // nothing else may come
    EXPECT_EQ(c.messages, (std::vector<std::string>{"snapshot 1", "chat"}));
}

TEST(Session, HeldSessionExpiresAfterTheGracePeriodAndFreesItsSeat) {
    Server server = listen_local(session_server(300ms));
    TcpProxy proxy(server.port());
    Channel channel = Channel::connect(proxy.url(), session_client(false));
    ServerSide s(server);
    ASSERT_TRUE(pump_until([&] { return s.poll(), s.count(ServerEventType::connected) == 1; }));
    const auto dropped_at = std::chrono::steady_clock::now();
    proxy.drop_all();
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::closed, event));
    EXPECT_EQ(event.close_code, close_code::abnormal);
    ASSERT_TRUE(pump_until([&] { return server.stats().sessions_held == 1; }));
    EXPECT_EQ(server.stats().connections_open, 0u);  // the socket is gone, the seat is held
    ASSERT_TRUE(pump_until([&] { return s.poll(), s.count(ServerEventType::disconnected) == 1; }));
    EXPECT_GE(std::chrono::steady_clock::now() - dropped_at, 300ms);
    EXPECT_EQ(s.events.back().close_code, close_code::abnormal);
    EXPECT_EQ(s.events.back().reason(), "session expired");
    const ServerStats stats = server.stats();
    EXPECT_EQ(stats.sessions_held, 0u);
    EXPECT_EQ(stats.sessions_expired, 1u);
}

TEST(Session, ACleanCloseEndsTheSessionAtOnce) {
    Server server = listen_local(session_server());
    Channel channel = Channel::connect(local_url(server), session_client());
    ServerSide s(server);
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    channel.sink().close(close_code::normal, "leaving");
    ASSERT_TRUE(pump_until([&] { return s.poll(), s.count(ServerEventType::disconnected) == 1; }));
    EXPECT_EQ(s.events.back().close_code, close_code::normal);
    EXPECT_EQ(s.events.back().reason(), "leaving");
    EXPECT_EQ(server.stats().sessions_held, 0u);
}

// The global limit counts a session once, from its Hello on: not also as a
// connection still awaiting its Hello until the next housekeeping sweep.
TEST(Session, AnOpenSessionTakesOneSlotOfTheConnectionLimit) {
    ServerOptions options = session_server();
    options.max_connections = 2;
    Server server = listen_local(options);
    Channel first = Channel::connect(local_url(server), session_client(false));
    Event event;
    ASSERT_TRUE(next_event(first, EventType::opened, event));
    Channel second = Channel::connect(local_url(server), session_client(false));
    ASSERT_TRUE(next_event(second, EventType::opened, event)) << "refused: the first session counted twice";
    Channel third = Channel::connect(local_url(server), session_client(false));
    ASSERT_TRUE(next_event(third, EventType::error, event));
    EXPECT_EQ(event.http_status, 503) << "the limit still holds";
}

TEST(Session, HittingTheReliableBoundEndsTheSessionWithAClearReason) {
    ServerOptions options = session_server();
    options.session.max_unacked_messages = 5;
    options.close_timeout = 200ms;  // the frozen client never answers the close
    Server server = listen_local(options);
    TcpProxy proxy(server.port());
    Channel channel = Channel::connect(proxy.url(), session_client(false));
    ServerSide s(server);
    ASSERT_TRUE(pump_until([&] { return s.poll(), s.count(ServerEventType::connected) == 1; }));
    const ConnectionId id = s.events.front().id;
    proxy.freeze(true);  // no acks come back
    send_all(server, id, numbered("m", 0, 6));
    ASSERT_TRUE(pump_until([&] { return s.poll(), s.count(ServerEventType::disconnected) == 1; }));
    EXPECT_EQ(s.events.back().close_code, close_code::policy_violation);
    EXPECT_EQ(s.events.back().reason(), "reliable send buffer full");
}

TEST(Session, DeadPeerIsDetectedOnBothSidesWithinTheIdleTimeout) {
    ServerOptions server_options;
    server_options.idle_timeout = 400ms;
    Server server = listen_local(server_options);
    TcpProxy proxy(server.port());
    ChannelOptions options;
    options.idle_timeout = 400ms;
    Channel channel = Channel::connect(proxy.url(), options);
    ServerSide s(server);
    ASSERT_TRUE(pump_until([&] { return s.poll(), s.count(ServerEventType::connected) == 1; }));
    // The client too must be open: frozen before the 101 passes the proxy, it
    // would wait out the handshake timeout instead of the idle timeout.
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    proxy.freeze(true);  // sockets stay open, nothing passes: a peer that died silently
    ASSERT_TRUE(next_event(channel, EventType::closed, event, 3000ms));
    EXPECT_EQ(event.close_code, close_code::abnormal);
    ASSERT_TRUE(pump_until([&] { return s.poll(), s.count(ServerEventType::disconnected) == 1; }, 3000ms));
    EXPECT_EQ(s.events.back().close_code, close_code::abnormal);
    EXPECT_EQ(server.stats().connections_open, 0u);
}

TEST(Session, APlainClientIsRefusedBySessionMode) {
    Server server = listen_local(session_server());
    Channel channel = Channel::connect(local_url(server));  // no session mode
    ASSERT_TRUE(channel.sink().add(bytes_of("not a hello")));
    channel.sink().flush();
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::closed, event));
    EXPECT_EQ(event.close_code, close_code::protocol_error);
    EXPECT_EQ(server.stats().connections_accepted, 0u);
}

/// A hand-driven session client on a plain channel: sends the Hello it is
/// given and returns the server's Welcome (session id, resumed, token).
struct WelcomeSeen {
    std::uint64_t session_id = 0;
    bool resumed = false;
    std::vector<std::byte> token;
};

WelcomeSeen hello_and_welcome(Channel& raw, const Message& hello) {
    WelcomeSeen seen;
    EXPECT_TRUE(raw.sink().add(hello));
    raw.sink().flush();
    Event event;
    if (!next_event(raw, EventType::message, event)) {
        ADD_FAILURE() << "no welcome";
        return seen;
    }
    const auto packet = schemas::read_packet(event.message.bytes());
    if (!packet || packet->body_type() != session::Body::Welcome) {
        ADD_FAILURE() << "the first reply is not a welcome";
        return seen;
    }
    const auto* welcome = packet->body_as_Welcome();
    seen.session_id = welcome->session_id();
    seen.resumed = welcome->resumed();
    if (const auto* proof = welcome->resume_proof()) {
        const auto* bytes = reinterpret_cast<const std::byte*>(proof->data());
        seen.token.assign(bytes, bytes + proof->size());
    }
    return seen;
}

TEST(Session, ForgedExpiredAndForeignResumeTokensGetAFreshSessionNeverTheOldOne) {
    ServerOptions options = session_server();
    options.session.secret = "known to this test only";
    std::mutex log_mutex;  // the sink runs on the network thread
    std::vector<std::string> log;
    options.log_sink = [&](std::string_view line) {
        const std::lock_guard lock(log_mutex);
        log.emplace_back(line);
    };
    Server server = listen_local(options);
    ServerSide s(server);

    Channel victim = Channel::connect(local_url(server));
    const WelcomeSeen original = hello_and_welcome(victim, detail::ReliableSession::make_hello(0, {}, 0));
    ASSERT_NE(original.session_id, 0u);
    ASSERT_EQ(original.token.size(), detail::kResumeTokenBytes);
    const std::span<const std::byte> secret(reinterpret_cast<const std::byte*>(options.session.secret.data()),
                                            options.session.secret.size());

    std::vector<std::byte> forged = original.token;
    forged.back() ^= std::byte{1};
    const detail::ResumeToken expired =
        detail::issue_resume_token(secret, original.session_id, detail::unix_now_ms() - 1000);
    const detail::ResumeToken foreign = detail::issue_resume_token(secret, original.session_id + 1,
                                                                   detail::unix_now_ms() + 60'000);
    const std::vector<std::span<const std::byte>> attempts{forged, expired, foreign};
    std::vector<Channel> attackers;
    for (const auto token : attempts) {
        attackers.push_back(Channel::connect(local_url(server)));
        const WelcomeSeen got =
            hello_and_welcome(attackers.back(), detail::ReliableSession::make_hello(original.session_id, token, 0));
        EXPECT_FALSE(got.resumed);
        EXPECT_NE(got.session_id, original.session_id) << "a refused resume must never hand over the session";
    }
    ASSERT_TRUE(pump_until([&] {
        s.poll();
        return s.count(ServerEventType::connected) == 4;
    }));
    EXPECT_EQ(s.count(ServerEventType::resumed), 0);
    EXPECT_EQ(server.stats().resumes_refused, 3u);
    EXPECT_EQ(server.stats().sessions_resumed, 0u);
    EXPECT_EQ(victim.state(), ChannelState::open) << "the victim keeps its session";
    const std::lock_guard lock(log_mutex);
    const auto refused = std::count_if(log.begin(), log.end(), [](const std::string& line) {
        return line.find("resume refused") != std::string::npos;
    });
    EXPECT_EQ(refused, 3) << "one log line per refused resume";
}

TEST(Session, TheServerAnswersASessionPingWithItsStamp) {
    Server server = listen_local(session_server());
    Channel raw = Channel::connect(local_url(server));  // speaks the envelope by hand
    ASSERT_TRUE(raw.sink().add(detail::ReliableSession::make_hello(0, {}, 0)));
    raw.sink().flush();
    Event event;
    ASSERT_TRUE(next_event(raw, EventType::message, event));
    const auto welcome = schemas::read_welcome(event.message.bytes());
    ASSERT_TRUE(welcome) << welcome.error;
    EXPECT_TRUE(welcome->answers_ping());
    ASSERT_TRUE(raw.sink().add(detail::ReliableSession::make_ping(424242)));
    raw.sink().flush();
    ASSERT_TRUE(next_event(raw, EventType::message, event));
    const auto packet = schemas::read_packet(event.message.bytes());
    ASSERT_TRUE(packet) << packet.error;
    ASSERT_EQ(packet->body_type(), session::Body::Pong);
    EXPECT_EQ(packet->body_as_Pong()->sent_us(), 424242u);
    EXPECT_EQ(raw.state(), ChannelState::open);
}

TEST(Session, SinkDeliveryClassesWorkWithoutSessionMode) {
    Server server = listen_local();
    Channel channel = Channel::connect(local_url(server));
    ASSERT_TRUE(channel.sink().add(bytes_of("reliable"), Delivery::reliable));
    ASSERT_TRUE(channel.sink().add(bytes_of("latest"), Delivery::latest));
    channel.sink().flush();
    ServerSide s(server);
    ASSERT_TRUE(pump_until([&] { return s.poll(), s.messages.size() == 2; }));
    EXPECT_EQ(s.messages, (std::vector<std::string>{"reliable", "latest"}));
}

}  // namespace
}  // namespace tickwire::net::test
