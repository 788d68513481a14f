// The session layer without sockets: two Sessions (and a SessionTable) wired
// by in-memory links, time passed in by hand. What the socket tests in
// session_test.cpp show end to end, shown here one decision at a time.
#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <string>

#include "session/session.hpp"
#include "session/session_table.hpp"
#include "test_support.hpp"
#include "tickwire/schemas/envelope.hpp"
#include "tickwire/schemas/session.hpp"

namespace tickwire::net::test {
namespace {

using detail::Link;
using detail::Session;
using detail::SessionTable;
using Kind = Session::Received::Kind;
using Sent = Session::Sent;

/// A connection in memory: what one end sends, in order.
struct MemoryLink final : Link {
    std::deque<Message> sent;
    void send(Message packet) override { sent.push_back(std::move(packet)); }
    bool send_latest(Message packet) override {
        sent.push_back(std::move(packet));
        return false;
    }
    Message pop() {
        Message front = std::move(sent.front());
        sent.pop_front();
        return front;
    }
};

const detail::SteadyTime t0{};

SessionOptions session_mode() {
    SessionOptions options;
    options.enabled = true;
    options.ack_delay = 10ms;
    return options;
}

std::vector<std::byte> secret() { return std::vector<std::byte>(32, std::byte{7}); }

namespace envelope = schemas::envelope;

/// The kind of a session.fbs Packet (Hello, Welcome, Ping, Pong), or NONE.
session::Body body_of(const Message& packet) {
    const auto decoded = schemas::read_packet(packet.bytes());
    return decoded ? decoded->body_type() : session::Body::NONE;
}

/// The envelope kind of a packet (or nothing: a session.fbs Packet).
std::optional<envelope::Kind> kind_of(const Message& packet) {
    const auto read = envelope::read(packet.bytes());
    return read ? std::optional(read.header.kind) : std::nullopt;
}

/// A reliable envelope as a peer's ReliableSession would send it.
Message reliable_envelope(detail::ReliableSession& peer, std::string_view text) {
    const Message payload = Message::copy_of(text);
    bool full = false;
    const auto head = peer.wrap_reliable(payload, full);
    return Message::copy_of(std::string(reinterpret_cast<const char*>(head.bytes.data()), head.size) + std::string(text));
}

/// A client session and a server table joined by two memory links.
struct Pair {
    explicit Pair(SessionOptions o = session_mode())
        : options(o), table(options, secret()), client(options, Session::Role::client) {}
    SessionOptions options;
    SessionTable table;
    Session client;
    MemoryLink to_server, to_client;
    SessionTable::Entry* server = nullptr;

    /// Client says hello; the table opens (or resumes) and welcomes.
    Session::Received connect(std::uint64_t now_ms = 1000) {
        client.attach(&to_server);
        const auto hello = Session::read_hello(client.hello());
        EXPECT_EQ(hello.kind, detail::ReliableSession::Incoming::Kind::hello);
        to_server.sent.clear();
        if (hello.session_id == 0) {
            server = table.open(1, &to_client, now_ms);
        } else {
            const auto check = table.check_resume(hello, now_ms);
            EXPECT_TRUE(check.refused.empty()) << check.refused;
            server = check.entry;
            table.resume(*server, &to_client, hello.received, now_ms);
        }
        return client.receive(to_client.pop(), t0);  // the Welcome
    }
    /// Everything the server wrote, into the client; returns the delivered texts.
    std::vector<std::string> to_client_all() {
        std::vector<std::string> out;
        while (!to_client.sent.empty()) {
            auto in = client.receive(to_client.pop(), t0);
            EXPECT_NE(in.kind, Kind::violation) << in.why;
            if (in.kind == Kind::deliver) out.push_back(text_of(in.payload));
        }
        return out;
    }
    std::vector<std::string> to_server_all(detail::SteadyTime now = t0) {
        std::vector<std::string> out;
        while (!to_server.sent.empty()) {
            auto in = server->session.receive(to_server.pop(), now);
            EXPECT_NE(in.kind, Kind::violation) << in.why;
            if (in.kind == Kind::deliver) out.push_back(text_of(in.payload));
        }
        return out;
    }
};

TEST(SessionLayer, PlainModePassesMessagesThroughUntouched) {
    Session plain(SessionOptions{}, Session::Role::server);
    MemoryLink link;
    EXPECT_EQ(plain.send(Message::copy_of("before"), Delivery::reliable), Sent::skipped) << "no link yet";
    plain.attach(&link);
    EXPECT_EQ(plain.send(Message::copy_of("hi"), Delivery::reliable), Sent::written);
    ASSERT_EQ(link.sent.size(), 1u);
    EXPECT_EQ(text_of(link.sent.front()), "hi");
    auto in = plain.receive(Message::copy_of("raw bytes"), t0);
    EXPECT_EQ(in.kind, Kind::deliver);
    EXPECT_EQ(text_of(in.payload), "raw bytes");
    EXPECT_FALSE(plain.ack_deadline());
}

TEST(SessionLayer, AFreshSessionIsWelcomedAndCarriesReliableMessagesBothWays) {
    Pair p;
    const auto welcome = p.connect();
    ASSERT_EQ(welcome.kind, Kind::welcome);
    EXPECT_FALSE(welcome.resumed);
    EXPECT_FALSE(welcome.replaced);
    EXPECT_TRUE(p.client.established());
    EXPECT_NE(p.client.id(), 0u);
    EXPECT_EQ(p.client.id(), p.server->session.id());

    EXPECT_EQ(p.client.send(Message::copy_of("c1"), Delivery::reliable), Sent::written);
    EXPECT_EQ(p.server->session.send(Message::copy_of("s1"), Delivery::reliable), Sent::written);
    EXPECT_EQ(p.to_server_all(), std::vector<std::string>{"c1"});
    EXPECT_EQ(p.to_client_all(), std::vector<std::string>{"s1"});
}

TEST(SessionLayer, NoPayloadCountsBeforeTheWelcome) {
    Pair p;
    p.client.attach(&p.to_server);
    detail::ReliableSession peer(p.options);
    const auto early = p.client.receive(reliable_envelope(peer, "early"), t0);
    EXPECT_EQ(early.kind, Kind::violation);
    EXPECT_EQ(early.why, "payload before the handshake");
    EXPECT_EQ(p.client.send(Message::copy_of("queued"), Delivery::reliable), Sent::kept)
        << "nothing goes out before the Welcome";
    EXPECT_TRUE(p.to_server.sent.empty());
}

TEST(SessionLayer, AckWaitsForTheDelayThenGoesBare) {
    Pair p;
    p.connect();
    p.client.send(Message::copy_of("c1"), Delivery::reliable);
    auto in = p.server->session.receive(p.to_server.pop(), t0);
    ASSERT_EQ(in.kind, Kind::deliver);
    EXPECT_TRUE(in.ack_deadline_set);
    ASSERT_TRUE(p.server->session.ack_deadline());
    EXPECT_EQ(*p.server->session.ack_deadline(), t0 + 10ms);
    p.server->session.on_deadline(t0 + 9ms);
    EXPECT_TRUE(p.to_client.sent.empty()) << "not due yet";
    p.server->session.on_deadline(t0 + 10ms);
    ASSERT_EQ(p.to_client.sent.size(), 1u);
    EXPECT_EQ(kind_of(p.to_client.sent.front()), envelope::Kind::ack);
    EXPECT_FALSE(p.server->session.ack_deadline());
    EXPECT_EQ(p.client.kept(), 1u);
    p.to_client_all();
    EXPECT_EQ(p.client.kept(), 0u) << "the ack freed the kept message";
}

TEST(SessionLayer, AnAckRidingOnDataMakesTheBareAckUnnecessary) {
    Pair p;
    p.connect();
    p.client.send(Message::copy_of("c1"), Delivery::reliable);
    p.to_server_all();
    p.server->session.send(Message::copy_of("s1"), Delivery::reliable);  // carries the ack
    p.to_client.sent.clear();
    p.server->session.on_deadline(t0 + 10ms);
    EXPECT_TRUE(p.to_client.sent.empty());
}

TEST(SessionLayer, ManyUnacknowledgedMessagesAreAckedAtOnce) {
    Pair p;
    p.connect();
    for (std::uint32_t i = 0; i < detail::kAckEagerly; ++i)
        p.client.send(Message::copy_of("c" + std::to_string(i)), Delivery::reliable);
    p.to_server_all();
    ASSERT_EQ(p.to_client.sent.size(), 1u) << "one bare ack at the threshold, before any timer";
    EXPECT_EQ(kind_of(p.to_client.sent.front()), envelope::Kind::ack);
    EXPECT_FALSE(p.server->session.ack_deadline());
}

TEST(SessionLayer, LatestStateIsNeverAcknowledgedNorKept) {
    Pair p;
    p.connect();
    EXPECT_EQ(p.client.send(Message::copy_of("input"), Delivery::latest), Sent::written);
    EXPECT_EQ(p.client.kept(), 0u);
    auto in = p.server->session.receive(p.to_server.pop(), t0);
    EXPECT_EQ(in.kind, Kind::deliver);
    EXPECT_FALSE(in.ack_deadline_set);
    EXPECT_FALSE(p.server->session.ack_deadline());
    p.server->session.detach();
    EXPECT_EQ(p.server->session.send(Message::copy_of("snapshot"), Delivery::latest), Sent::skipped);
}

// Latest-state messages pay one byte of envelope; an owed ack rides on the
// next one (then the bare ack is not needed), and a reliable message's header
// is a few bytes, not a FlatBuffer.
TEST(SessionLayer, EnvelopesAreAFewBytesAndAnOwedAckRidesOnLatestState) {
    Pair p;
    p.connect();
    const std::string input(40, 'i');
    p.client.send(Message::copy_of(input), Delivery::latest);
    ASSERT_EQ(p.to_server.sent.size(), 1u);
    EXPECT_EQ(p.to_server.sent.front().size(), input.size() + 1);
    EXPECT_EQ(kind_of(p.to_server.sent.front()), envelope::Kind::latest);
    p.to_server_all();

    p.server->session.send(Message::copy_of("event"), Delivery::reliable);
    ASSERT_EQ(p.to_client.sent.front().size(), 5u + 3u) << "kind, sequence 1, ack 0";
    p.to_client_all();
    ASSERT_TRUE(p.client.ack_deadline()) << "the client owes an ack";
    p.client.send(Message::copy_of(input), Delivery::latest);
    EXPECT_EQ(p.to_server.sent.front().size(), input.size() + 2);
    EXPECT_EQ(kind_of(p.to_server.sent.front()), envelope::Kind::latest_ack);
    p.to_server_all();
    EXPECT_EQ(p.server->session.kept(), 0u) << "the ack on the input freed the event";
    p.client.on_deadline(t0 + 1h);
    EXPECT_TRUE(p.to_server.sent.empty()) << "nothing owed: no bare ack";
    p.client.send(Message::copy_of(input), Delivery::latest);
    EXPECT_EQ(kind_of(p.to_server.sent.front()), envelope::Kind::latest) << "told once, not again";
}

// What a broadcast costs in session mode: every recipient's packet is its own
// few header bytes beside the one shared buffer, never a copy of it.
TEST(SessionLayer, ABroadcastsBufferIsSharedByEveryRecipientsEnvelope) {
    struct PartsLink final : Link {
        std::vector<const std::byte*> bodies;
        void send(Message) override {}
        bool send_latest(Message) override { return false; }
        bool send_parts(std::span<const std::byte> head, Message body, bool) override {
            EXPECT_FALSE(head.empty());
            bodies.push_back(body.data());
            return false;
        }
    };
    SessionTable table(session_mode(), secret());
    PartsLink a, b;
    auto* first = table.open(1, &a, 1000);
    auto* second = table.open(2, &b, 1000);
    const Message shared = Message::copy_of("chat for the whole room");
    EXPECT_EQ(first->session.send(shared, Delivery::reliable), Sent::written);
    EXPECT_EQ(second->session.send(shared, Delivery::reliable), Sent::written);
    EXPECT_EQ(second->session.send(shared, Delivery::latest), Sent::written);
    ASSERT_EQ(a.bodies.size(), 1u);
    ASSERT_EQ(b.bodies.size(), 2u);
    EXPECT_EQ(a.bodies[0], shared.data());
    EXPECT_EQ(b.bodies[0], shared.data());
    EXPECT_EQ(b.bodies[1], shared.data());
}

TEST(SessionLayer, AResumeResendsExactlyWhatThePeerLacksOnceInOrder) {
    Pair p;
    p.connect();
    p.server->session.send(Message::copy_of("s0"), Delivery::reliable);
    EXPECT_EQ(p.to_client_all(), std::vector<std::string>{"s0"});
    p.server->session.send(Message::copy_of("s1"), Delivery::reliable);
    p.to_client.sent.clear();  // lost with the connection
    p.server->session.detach();
    EXPECT_EQ(p.server->session.send(Message::copy_of("s2"), Delivery::reliable), Sent::kept);

    const auto again = p.connect();
    ASSERT_EQ(again.kind, Kind::welcome);
    EXPECT_TRUE(again.resumed);
    EXPECT_EQ(p.to_client_all(), (std::vector<std::string>{"s1", "s2"})) << "s0 was received: not resent";
    EXPECT_EQ(p.table.find(1), p.server);
}

TEST(SessionLayer, TheUnacknowledgedBoundIsAnOverflowNeverAGap) {
    SessionOptions options = session_mode();
    options.max_unacked_messages = 3;
    Pair p(options);
    p.connect();
    for (int i = 0; i < 3; ++i) EXPECT_EQ(p.server->session.send(Message::copy_of("s"), Delivery::reliable), Sent::written);
    EXPECT_EQ(p.server->session.send(Message::copy_of("s"), Delivery::reliable), Sent::overflow);
    EXPECT_EQ(p.server->session.send(Message(), Delivery::reliable), Sent::invalid);
}

TEST(SessionLayer, AReplayedOrForeignTokenIsRefusedAndTheSessionKeepsItsClient) {
    Pair p;
    p.connect(1000);
    const Message first_hello = p.client.hello();  // holds the first token
    p.client.send(Message::copy_of("c1"), Delivery::reliable);
    p.to_server_all();
    detail::SessionTable::confirm_token(*p.server);
    p.server->session.detach();
    p.connect(2000);  // resumed: a newer token, confirmed by the next packet
    p.client.send(Message::copy_of("c2"), Delivery::reliable);
    p.to_server_all();
    detail::SessionTable::confirm_token(*p.server);

    auto replay = Session::read_hello(first_hello);
    EXPECT_EQ(p.table.check_resume(replay, 3000).refused, "resume token replayed (the client has a newer one)");
    auto foreign = Session::read_hello(p.client.hello());
    foreign.session_id ^= 1;
    EXPECT_EQ(p.table.check_resume(foreign, 3000).refused, "resume token belongs to another session");
    p.server->closing = true;
    EXPECT_EQ(p.table.check_resume(Session::read_hello(p.client.hello()), 3000).refused, "session is closing");
}

TEST(SessionLayer, AFreshSessionAfterALostOneStartsEmpty) {
    Pair p;
    p.connect();
    p.client.send(Message::copy_of("lost"), Delivery::reliable);
    p.to_server.sent.clear();
    // The server forgot the session (a restart): the next Hello gets a fresh one.
    p.table.clear();
    p.client.attach(&p.to_server);
    const auto hello = Session::read_hello(p.client.hello());
    EXPECT_FALSE(p.table.check_resume(hello, 1000).entry);
    p.server = p.table.open(2, &p.to_client, 1000);
    const auto welcome = p.client.receive(p.to_client.pop(), t0);
    ASSERT_EQ(welcome.kind, Kind::welcome);
    EXPECT_FALSE(welcome.resumed);
    EXPECT_TRUE(welcome.replaced) << "the owner drops what the game queued for the old session";
    EXPECT_EQ(p.client.kept(), 0u);
    EXPECT_TRUE(p.to_server.sent.empty()) << "nothing of the old session is resent";
}

TEST(SessionLayer, APingComesBackAsAPongWithItsStampAndGivesTheRoundTrip) {
    Pair p;
    EXPECT_FALSE(p.client.ping(t0)) << "no ping before the Welcome says the peer answers";
    p.connect();
    ASSERT_TRUE(p.client.peer_answers_pings()) << "a Session's Welcome says it answers pings";
    ASSERT_TRUE(p.client.ping(t0 + 5ms));
    ASSERT_EQ(p.to_server.sent.size(), 1u);
    EXPECT_EQ(body_of(p.to_server.sent.front()), session::Body::Ping);
    EXPECT_EQ(p.server->session.receive(p.to_server.pop(), t0 + 6ms).kind, Kind::nothing);
    ASSERT_EQ(p.to_client.sent.size(), 1u);
    EXPECT_EQ(body_of(p.to_client.sent.front()), session::Body::Pong);
    const auto pong = p.client.receive(p.to_client.pop(), t0 + 25ms);
    EXPECT_EQ(pong.kind, Kind::nothing);
    EXPECT_EQ(pong.rtt_us, 20'000u);
}

TEST(SessionLayer, OnlyThePongOfTheLatestPingCounts) {
    Pair p;
    p.connect();
    p.client.ping(t0 + 1ms);
    p.client.ping(t0 + 2ms);
    p.to_server_all(t0 + 3ms);
    ASSERT_EQ(p.to_client.sent.size(), 2u);
    EXPECT_EQ(p.client.receive(p.to_client.pop(), t0 + 4ms).rtt_us, 0u) << "the first ping was superseded";
    EXPECT_EQ(p.client.receive(p.to_client.pop(), t0 + 4ms).rtt_us, 2'000u);
    detail::ReliableSession forger(p.options);
    EXPECT_EQ(p.client.receive(forger.make_pong(4'000), t0 + 5ms).rtt_us, 0u) << "no ping is out now";
}

TEST(SessionLayer, PingsBeyondTheBudgetAreIgnoredNeverFatal) {
    Pair p;
    p.connect();
    for (int i = 0; i < 20; ++i) p.client.ping(t0);
    p.to_server_all(t0);  // no violation among them
    EXPECT_EQ(p.to_client.sent.size(), static_cast<std::size_t>(detail::kPingsPerSecond)) << "a burst of pongs, no more";
    p.to_client.sent.clear();
    for (int i = 0; i < 20; ++i) p.client.ping(t0 + 1s);
    p.to_server_all(t0 + 1s);
    EXPECT_EQ(p.to_client.sent.size(), static_cast<std::size_t>(detail::kPingsPerSecond)) << "a second refills it";
}

TEST(SessionLayer, HeldSessionsExpireAtTheirDeadline) {
    SessionOptions options = session_mode();
    options.grace_period = 100ms;
    Pair p(options);
    p.connect();
    p.server->session.detach();
    p.table.hold(*p.server, t0);
    std::vector<ConnectionId> expired;
    bool holding = false;
    p.table.expired(t0 + 99ms, expired, holding);
    EXPECT_TRUE(expired.empty());
    EXPECT_TRUE(holding);
    p.table.expired(t0 + 100ms, expired, holding);
    EXPECT_EQ(expired, std::vector<ConnectionId>{1});
    EXPECT_FALSE(holding);
}

}  // namespace
}  // namespace tickwire::net::test
