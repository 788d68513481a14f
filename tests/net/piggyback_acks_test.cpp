// ServerOptions::piggyback_acks over real loopback sockets: the kernel's ACKs
// for a client's messages ride on the server's writes, counted at the client
// with TCP_INFO, and every byte still reaches the game once, in order.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <string>

#include "raw_client.hpp"
#include "tcp_segments.hpp"
#include "test_support.hpp"

namespace tickwire::net::test {
namespace {

using tickwire::test::tcp_segments;

ServerOptions options_with(bool piggyback_acks) {
    ServerOptions options;
    options.ping_interval = std::chrono::milliseconds(0);  // only the test's writes
    options.piggyback_acks = piggyback_acks;
    return options;
}

ConnectionId accept_one(Server& server) {
    ServerEvent event;
    EXPECT_TRUE(next_event(server, ServerEventType::connected, event));
    return event.id;
}

std::string next_message(Server& server) {
    ServerEvent event;
    if (!next_event(server, ServerEventType::message, event)) return "<none>";
    return text_of(event.message);
}

/// Rounds of a match's pattern: two client messages, each read by the server
/// before the next is sent, then one server message. Returns the pure ACKs
/// the client got during the measured rounds.
std::uint32_t pure_acks_over_rounds(bool piggyback_acks, int rounds) {
    Server server = listen_local(options_with(piggyback_acks));
    RawClient client(server.port());
    const ConnectionId id = accept_one(server);
    const auto round = [&](int i) {
        client.send("input " + std::to_string(2 * i));
        EXPECT_EQ(next_message(server), "input " + std::to_string(2 * i));
        client.send("input " + std::to_string(2 * i + 1));
        EXPECT_EQ(next_message(server), "input " + std::to_string(2 * i + 1));
        EXPECT_TRUE(server.send(id, bytes_of("snapshot " + std::to_string(i))));
        server.flush();
        EXPECT_EQ(client.receive(), "snapshot " + std::to_string(i));
    };
    // A new connection ACKs its first segments at once (quick-ACK mode).
    constexpr int kWarmUp = 20;
    for (int i = 0; i < kWarmUp; ++i) round(i);
    const auto before = tcp_segments(client.fd());
    for (int i = kWarmUp; i < kWarmUp + rounds; ++i) round(i);
    const auto after = tcp_segments(client.fd());
    if (!before || !after) {
        ADD_FAILURE() << "TCP_INFO has no segment counters on this kernel";
        return 0;
    }
    return after->pure_acks_in() - before->pure_acks_in();
}

// Without the option Linux answers every second input with an ACK of its own
// (a read that empties a socket after two small segments); the test's control.
TEST(PiggybackAcks, WithoutItTheKernelAcksEverySecondMessageAlone) {
    constexpr int kRounds = 40;
    EXPECT_GE(pure_acks_over_rounds(false, kRounds), kRounds * 3 / 4);
}

TEST(PiggybackAcks, AcksRideOnTheServersWrites) {
    constexpr int kRounds = 40;
    // The delayed-ACK timer (40 ms or more) may still answer a slow round.
    EXPECT_LE(pure_acks_over_rounds(true, kRounds), kRounds / 8);
}

// Peeked bytes are fed once: frames cut at every kind of place, some rounds
// answered and some not, arrive whole and in order. The 3 MB messages fill
// more than the server reads from a socket per wake-up (4 x 256 KB), which
// turns the socket level-triggered until it is emptied (read_now).
TEST(PiggybackAcks, EveryMessageArrivesOnceAndWholeWhateverTheReadsFind) {
    ServerOptions options = options_with(true);
    options.max_message_size = 4u << 20;
    Server server = listen_local(options);
    RawClient client(server.port());
    const ConnectionId id = accept_one(server);
    std::mt19937 random(14);
    std::vector<std::string> sent;
    for (int i = 0; i < 120; ++i) {
        const std::size_t size = i % 40 == 39 ? 3'000'000 + i : i % 10 == 9 ? 1 + random() % 3000 : 1 + random() % 200;
        std::string text(size, static_cast<char>('a' + i % 26));
        text.replace(0, std::min(size, std::to_string(i).size()), std::to_string(i).substr(0, size));
        sent.push_back(text);
    }
    std::size_t received = 0;
    std::string mismatch;
    // Takes what the server has received until `count` messages (0: none).
    const auto take = [&](std::size_t count) {
        ServerEvent event;
        return pump_until([&] {
            while (server.poll(event)) {
                if (event.type != ServerEventType::message) continue;
                if (received >= sent.size() || text_of(event.message) != sent[received]) {
                    mismatch = "message " + std::to_string(received) + " differs";
                }
                ++received;
            }
            return !mismatch.empty() || received >= count;
        });
    };
    for (std::size_t i = 0; i < sent.size(); ++i) {
        // Masked frames written by Beast in one go; every third one trickles
        // in two halves through a second client socket write.
        if (i % 3 == 0) {
            client.ws.auto_fragment(true);
            client.ws.write_buffer_bytes(std::max<std::size_t>(sent[i].size() / 2, 8));
        } else {
            client.ws.auto_fragment(false);
            client.ws.write_buffer_bytes(64 * 1024);  // Beast masks and writes a frame in pieces this big
        }
        client.send(sent[i]);
        // Most messages are waited for, so the server reads them one at a
        // time (a real read, then peeks); the rest come in bursts.
        if (i % 7 != 6) {
            ASSERT_TRUE(take(i + 1));
        }
        if (i % 5 == 0) {
            ASSERT_TRUE(server.send(id, bytes_of("ack " + std::to_string(i))));
            server.flush();
            ASSERT_EQ(client.receive(), "ack " + std::to_string(i));
        }
    }
    ASSERT_TRUE(take(sent.size()));
    EXPECT_EQ(mismatch, "");
    EXPECT_EQ(received, sent.size());
}

// A connection closed while its last bytes are peeked ends with a FIN, not a
// reset (close() with unread bytes resets, and the client would lose what was
// sent before it): here a client that goes silent after two messages and
// answers no ping, dropped at the idle timeout.
TEST(PiggybackAcks, ClosingAfterAPeekEndsTheConnectionCleanly) {
    ServerOptions options = options_with(true);
    options.idle_timeout = std::chrono::milliseconds(400);
    Server server = listen_local(options);
    RawClient client(server.port());
    const ConnectionId id = accept_one(server);
    client.send("first");
    ASSERT_EQ(next_message(server), "first");
    client.send("second");  // peeked
    ASSERT_EQ(next_message(server), "second");
    ServerEvent event;
    ASSERT_TRUE(next_event(server, ServerEventType::disconnected, event));
    EXPECT_EQ(event.id, id);
    EXPECT_EQ(event.close_code, close_code::abnormal);
    char chunk[256];
    ssize_t n = 0;
    while ((n = ::recv(client.fd(), chunk, sizeof(chunk), 0)) > 0) {
    }  // the keepalive ping, if a sweep sent one
    EXPECT_EQ(n, 0) << std::strerror(errno);  // the server's FIN, not ECONNRESET
}

}  // namespace
}  // namespace tickwire::net::test
