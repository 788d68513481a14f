// The must-show fault test: two session-mode clients exchange 10,000 reliable
// chat messages each way through a relaying server while the network-condition
// simulator drops their connections 1,000 times at random moments. Every
// message must arrive exactly once and in order, on both sides.
//
// The seed is printed; replay a failure with TICKWIRE_FAULT_SEED=<seed>.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include "test_support.hpp"

namespace tickwire::net::test {
namespace {

constexpr int kMessages = 10'000;       // each way
constexpr std::uint32_t kDropsPerClient = 500;  // 1,000 in all
constexpr int kWindow = 500;            // messages in flight per direction, as a chat would pace itself

std::uint64_t fault_seed() {
    if (const char* env = std::getenv("TICKWIRE_FAULT_SEED")) return std::strtoull(env, nullptr, 10);
    return std::random_device{}();
}

/// One chatting client: sends numbered lines, checks the other's arrive in order.
struct Chatter {
    Chatter(std::string n, Channel c) : name(std::move(n)), channel(std::move(c)) {}
    std::string name;
    Channel channel;
    int sent = 0, received = 0, out_of_order = 0, reconnecting = 0, resumed = 0, opened = 0, closed = 0;

    void poll(const std::string& peer) {
        Event event;
        while (channel.stream().poll(event)) {
            switch (event.type) {
            case EventType::message:
                if (text_of(event.message) != peer + ":" + std::to_string(received)) ++out_of_order;
                ++received;
                break;
            case EventType::reconnecting: ++reconnecting; break;
            case EventType::resumed: ++resumed; break;
            case EventType::opened: ++opened; break;
            case EventType::closed: ++closed; break;
            default: break;
            }
        }
    }

    void send_more(int peer_received) {
        bool any = false;
        while (sent < kMessages && sent - peer_received < kWindow) {
            if (!channel.sink().add(bytes_of(name + ":" + std::to_string(sent)))) break;  // queue full: next round
            ++sent;
            any = true;
        }
        if (any) channel.sink().flush();
    }
};

TEST(FaultInjection, TenThousandReliableMessagesEachWaySurviveAThousandDisconnects) {
    const std::uint64_t seed = fault_seed();
    std::printf("fault test seed: %llu (replay: TICKWIRE_FAULT_SEED=%llu)\n", static_cast<unsigned long long>(seed),
                static_cast<unsigned long long>(seed));
    std::fflush(stdout);
    RecordProperty("seed", std::to_string(seed));

    ServerOptions server_options;
    server_options.session.enabled = true;
    server_options.log = std::getenv("TICKWIRE_FAULT_LOG") != nullptr;
    Server server = listen_local(server_options);

    ChannelOptions options;
    options.session.enabled = true;
    options.reconnect.enabled = true;
    options.reconnect.base_delay = 1ms;
    options.reconnect.max_delay = 4ms;
    options.netsim.disconnect_probability = 0.05;  // per message, either direction
    options.netsim.max_disconnects = kDropsPerClient;
    options.netsim.seed = seed;
    Chatter a("a", Channel::connect(local_url(server, "/a"), options));
    options.netsim.seed = seed ^ 0x9e3779b97f4a7c15ull;
    Chatter b("b", Channel::connect(local_url(server, "/b"), options));

    // The relay: whatever one client says goes to the other, reliable.
    ConnectionId id_a = kInvalidConnection, id_b = kInvalidConnection;
    int server_resumed = 0, server_disconnected = 0;
    auto relay = [&] {
        ServerEvent event;
        while (server.poll(event)) {
            switch (event.type) {
            case ServerEventType::connected:
                (event.path() == "/a" ? id_a : id_b) = event.id;
                break;
            case ServerEventType::message:
                server.send(event.id == id_a ? id_b : id_a, std::move(event.message));
                break;
            case ServerEventType::resumed: ++server_resumed; break;
            case ServerEventType::disconnected: ++server_disconnected; break;
            case ServerEventType::log: break;           // log_events is off
            case ServerEventType::http_request: break;  // no http_routes
            }
        }
        server.flush();
    };

    const bool done = pump_until(
        [&] {
            relay();
            a.poll("b");
            b.poll("a");
            if (id_a != kInvalidConnection && id_b != kInvalidConnection) {
                a.send_more(b.received);
                b.send_more(a.received);
            }
            return a.received == kMessages && b.received == kMessages;
        },
        90s);
    ASSERT_TRUE(done) << "a got " << a.received << " (sent " << a.sent << ", opened " << a.opened << ", reconnecting "
                      << a.reconnecting << ", resumed " << a.resumed << ", closed " << a.closed << "), b got "
                      << b.received << " (sent " << b.sent << ", opened " << b.opened << ", reconnecting "
                      << b.reconnecting << ", resumed " << b.resumed << ", closed " << b.closed << "), server resumed "
                      << server_resumed << ", disconnected " << server_disconnected << ", refused "
                      << server.stats().resumes_refused << " (seed " << seed << ")";
    // Nothing more may arrive: no duplicates after the last one.
    pump_until([&] { return relay(), a.poll("b"), b.poll("a"), false; }, 50ms);

    EXPECT_EQ(a.received, kMessages) << "seed " << seed;
    EXPECT_EQ(b.received, kMessages) << "seed " << seed;
    EXPECT_EQ(a.out_of_order, 0) << "seed " << seed;
    EXPECT_EQ(b.out_of_order, 0) << "seed " << seed;
    // The faults really happened, and were all survived by resuming.
    const auto drops = a.channel.stats().netsim_disconnects + b.channel.stats().netsim_disconnects;
    EXPECT_EQ(drops, 2u * kDropsPerClient) << "seed " << seed;
    EXPECT_EQ(a.reconnecting + b.reconnecting, static_cast<int>(drops)) << "seed " << seed;
    EXPECT_EQ(a.opened, 1);  // one session each, throughout
    EXPECT_EQ(b.opened, 1);
    EXPECT_EQ(a.closed + b.closed, 0);
    EXPECT_EQ(server_disconnected, 0);
    EXPECT_EQ(server.stats().resumes_refused, 0u);
    std::printf("drops %llu, client resumes %d, server resumes %d\n", static_cast<unsigned long long>(drops),
                a.resumed + b.resumed, server_resumed);
}

}  // namespace
}  // namespace tickwire::net::test
