// The network-condition simulator: spec parsing, seeded reproducibility, and
// its effects on real channels and server connections over loopback.
#include <gtest/gtest.h>

#include "netsim_link.hpp"
#include "test_support.hpp"

namespace tickwire::net::test {
namespace {

using Clock = std::chrono::steady_clock;

TEST(NetSimSpec, ParsesTheCommandLineForm) {
    const auto parsed = parse_netsim("latency=100ms,jitter=20ms,stall=1%,seed=7");
    ASSERT_TRUE(parsed) << parsed.error;
    EXPECT_EQ(parsed.options.latency, 100ms);
    EXPECT_EQ(parsed.options.jitter, 20ms);
    EXPECT_DOUBLE_EQ(parsed.options.stall_probability, 0.01);
    EXPECT_EQ(parsed.options.seed, 7u);
    EXPECT_TRUE(parsed.options.enabled());
}

TEST(NetSimSpec, ParsesUnitsAndRoundTrips) {
    const auto parsed =
        parse_netsim("latency=0.5s,jitter=1500us,bandwidth=64kbit,stall=0.02,stall_time=300,disconnect=0.5%,"
                     "max_disconnects=3,seed=18446744073709551615");
    ASSERT_TRUE(parsed) << parsed.error;
    const NetSimOptions& o = parsed.options;
    EXPECT_EQ(o.latency, 500ms);
    EXPECT_EQ(o.jitter, 2ms);  // rounded to whole milliseconds
    EXPECT_EQ(o.bandwidth_bytes_per_second, 8000u);
    EXPECT_DOUBLE_EQ(o.stall_probability, 0.02);
    EXPECT_EQ(o.stall_time, 300ms);
    EXPECT_DOUBLE_EQ(o.disconnect_probability, 0.005);
    EXPECT_EQ(o.max_disconnects, 3u);
    EXPECT_EQ(o.seed, 18446744073709551615ull);

    const auto again = parse_netsim(to_string(o));
    ASSERT_TRUE(again) << again.error << " in " << to_string(o);
    EXPECT_EQ(to_string(again.options), to_string(o));
}

TEST(NetSimSpec, EmptySpecDisablesAndBadSpecsSayWhy) {
    const auto empty = parse_netsim("");
    ASSERT_TRUE(empty);
    EXPECT_FALSE(empty.options.enabled());
    for (const char* bad : {"latency", "latency=fast", "stall=101%", "loss=1%", "jitter=-5ms", "seed=x",
                            "bandwidth=1GB/s", "disconnect=2"}) {
        const auto parsed = parse_netsim(bad);
        EXPECT_FALSE(parsed) << bad;
        EXPECT_FALSE(parsed.error.empty()) << bad;
    }
}

TEST(NetSimLink, SameSeedSameVerdictsAndOrderIsKept) {
    NetSimOptions options;
    options.latency = 10ms;
    options.jitter = 50ms;
    options.stall_probability = 0.05;
    options.disconnect_probability = 0.01;
    options.seed = 42;
    detail::NetSimLink a(options, 3), b(options, 3), other(options, 4);
    const Clock::time_point start{};
    int differences_from_other = 0, disconnects = 0;
    Clock::time_point last{};
    for (int i = 0; i < 2000; ++i) {
        const auto now = start + std::chrono::microseconds(i * 100);
        const auto va = a.decide(detail::NetSimLink::outbound, 100, now);
        const auto vb = b.decide(detail::NetSimLink::outbound, 100, now);
        const auto vo = other.decide(detail::NetSimLink::outbound, 100, now);
        ASSERT_EQ(va.disconnect, vb.disconnect);
        ASSERT_EQ(va.due, vb.due);
        differences_from_other += va.due != vo.due || va.disconnect != vo.disconnect;
        if (va.disconnect) {
            ++disconnects;
            continue;
        }
        EXPECT_GE(va.due, now + 10ms);
        EXPECT_LE(va.due < last ? 1 : 0, 0) << "message " << i << " overtook an earlier one";
        last = va.due;
    }
    EXPECT_GT(differences_from_other, 1000);  // another link draws another sequence
    EXPECT_GT(disconnects, 0);
    EXPECT_EQ(a.disconnects(), static_cast<std::uint32_t>(disconnects));
}

TEST(NetSimLink, BandwidthCapSpacesMessages) {
    NetSimOptions options;
    options.bandwidth_bytes_per_second = 10'000;
    detail::NetSimLink link(options, 0);
    const Clock::time_point now{};
    Clock::time_point due{};
    for (int i = 0; i < 10; ++i) due = link.decide(detail::NetSimLink::inbound, 1000, now).due;
    EXPECT_EQ(due - now, std::chrono::seconds(1));  // 10 kB at 10 kB/s
}

// Round trip of one message through an echo server.
Clock::duration echo_round_trip(Server& server, Channel& channel, std::string_view text) {
    const auto sent = Clock::now();
    EXPECT_TRUE(channel.sink().add(bytes_of(text)));
    channel.sink().flush();
    Event event;
    const bool echoed = pump_until([&] {
        echo_pending(server);
        while (channel.stream().poll(event))
            if (event.type == EventType::message) return true;
        return false;
    });
    EXPECT_TRUE(echoed);
    EXPECT_EQ(text_of(event.message), text);
    return Clock::now() - sent;
}

TEST(NetSimChannel, LatencyDelaysBothDirections) {
    Server server = listen_local();
    ChannelOptions options;
    options.netsim = parse_netsim("latency=60ms").options;
    Channel channel = Channel::connect(local_url(server), options);
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    // The simulator only ever adds delay: out and back each wait 60 ms.
    EXPECT_GE(echo_round_trip(server, channel, "ping"), 120ms);
}

TEST(NetSimServer, LatencyAppliesToServerConnections) {
    ServerOptions server_options;
    server_options.netsim = parse_netsim("latency=50ms").options;
    Server server = listen_local(server_options);
    Channel channel = Channel::connect(local_url(server));
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    EXPECT_GE(echo_round_trip(server, channel, "ping"), 100ms);
}

TEST(NetSimChannel, JitterAndStallsKeepOrder) {
    Server server = listen_local();
    ChannelOptions options;
    options.netsim = parse_netsim("latency=5ms,jitter=20ms,stall=2%,stall_time=30ms,seed=9").options;
    Channel channel = Channel::connect(local_url(server), options);
    constexpr int kCount = 300;
    for (int i = 0; i < kCount; ++i) ASSERT_TRUE(channel.sink().add(bytes_of(std::to_string(i))));
    channel.sink().flush();
    int received = 0;
    Event event;
    ASSERT_TRUE(pump_until(
        [&] {
            echo_pending(server);
            while (channel.stream().poll(event)) {
                if (event.type != EventType::message) continue;
                EXPECT_EQ(text_of(event.message), std::to_string(received));
                ++received;
            }
            return received == kCount;
        },
        10s));
}

TEST(NetSimChannel, StallHoldsMessagesBack) {
    Server server = listen_local();
    ChannelOptions options;
    options.netsim = parse_netsim("stall=100%,stall_time=80ms").options;
    Channel channel = Channel::connect(local_url(server), options);
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    EXPECT_GE(echo_round_trip(server, channel, "held"), 160ms);
}

TEST(NetSimChannel, DisconnectDropsTheConnectionAbruptly) {
    Server server = listen_local();
    ChannelOptions options;
    options.netsim = parse_netsim("disconnect=100%,max_disconnects=1").options;
    Channel channel = Channel::connect(local_url(server), options);
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    ASSERT_TRUE(channel.sink().add(bytes_of("lost")));
    channel.sink().flush();
    std::vector<EventType> seen;
    ASSERT_TRUE(next_event(channel, EventType::closed, event, 5000ms, &seen));
    EXPECT_EQ(event.close_code, close_code::abnormal);
    EXPECT_EQ(std::count(seen.begin(), seen.end(), EventType::message), 0);
    ServerEvent server_event;
    ASSERT_TRUE(next_event(server, ServerEventType::disconnected, server_event));
    EXPECT_EQ(server_event.close_code, close_code::abnormal);  // no close frame reached the server
    EXPECT_EQ(server.stats().messages_in, 0u);                 // the message died with the connection
}

}  // namespace
}  // namespace tickwire::net::test
