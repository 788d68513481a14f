// Every way a client channel can end, each with the right events and code.
#include <gtest/gtest.h>

#include "raw_peer.hpp"
#include "test_support.hpp"

namespace tickwire::net::test {
namespace {

/// Drains a channel until closed; returns the events seen and the closed event.
struct Ending {
    std::vector<EventType> seen;
    Event error;
    Event closed;
    bool got_closed = false;
};

Ending run_to_close(Channel& channel, std::chrono::milliseconds timeout = 5000ms) {
    Ending ending;
    Event event;
    ending.got_closed = pump_until(
        [&] {
            while (channel.stream().poll(event)) {
                ending.seen.push_back(event.type);
                if (event.type == EventType::error) ending.error = std::move(event);
                if (event.type == EventType::closed) {
                    ending.closed = std::move(event);
                    return true;
                }
            }
            return false;
        },
        timeout);
    return ending;
}

TEST(ClosePaths, ClientClosesNormally) {
    Server server = listen_local();
    Channel channel = Channel::connect(local_url(server));
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    channel.sink().close(close_code::normal, "game over");
    // Never open again from here; on loopback the handshake may already be done.
    const ChannelState right_after = channel.state();
    EXPECT_TRUE(right_after == ChannelState::closing || right_after == ChannelState::closed) << to_string(right_after);
    const Ending ending = run_to_close(channel);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.closed.close_code, close_code::normal);
    EXPECT_EQ(ending.closed.text(), "game over");
    EXPECT_EQ(channel.state(), ChannelState::closed);
    ServerEvent gone;
    ASSERT_TRUE(next_event(server, ServerEventType::disconnected, gone));
    EXPECT_EQ(gone.close_code, close_code::normal);
    EXPECT_EQ(gone.reason(), "game over");
}

TEST(ClosePaths, ServerClosesNormally) {
    Server server = listen_local();
    Channel channel = Channel::connect(local_url(server));
    ServerEvent connected;
    ASSERT_TRUE(next_event(server, ServerEventType::connected, connected));
    server.send(connected.id, bytes_of("last words"));
    server.close(connected.id, 4001, "kicked");
    server.flush();
    const Ending ending = run_to_close(channel);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.closed.close_code, 4001);
    EXPECT_EQ(ending.closed.text(), "kicked");
    ASSERT_GE(ending.seen.size(), 3u);  // opened, message, closed: queued data goes first
    EXPECT_EQ(ending.seen[1], EventType::message);
    ServerEvent gone;
    ASSERT_TRUE(next_event(server, ServerEventType::disconnected, gone));
    EXPECT_EQ(gone.close_code, 4001);
}

TEST(ClosePaths, PeerCloseFrameCodeAndReasonReachTheGame) {
    RawPeer peer(RawPeer::Mode::close_with);
    Channel channel = Channel::connect(peer.url());
    const Ending ending = run_to_close(channel);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.closed.close_code, 4000);
    EXPECT_EQ(ending.closed.text(), "bye");
}

TEST(ClosePaths, CloseBeforeOpenStillReportsClosed) {
    RawPeer peer(RawPeer::Mode::silent);
    Channel channel = Channel::connect(peer.url());
    channel.sink().close(close_code::normal, "changed my mind");
    const Ending ending = run_to_close(channel);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.closed.close_code, close_code::normal);
    EXPECT_FALSE(ending.closed.text().empty());
    EXPECT_EQ(channel.state(), ChannelState::closed);
}

TEST(ClosePaths, PeerVanishingIsAbnormalClosure) {
    RawPeer peer(RawPeer::Mode::vanish);
    Channel channel = Channel::connect(peer.url());
    const Ending ending = run_to_close(channel);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.closed.close_code, close_code::abnormal);
    EXPECT_EQ(ending.error.error, ErrorKind::io);
}

TEST(ClosePaths, ConnectRefused) {
    Channel channel = Channel::connect("ws://127.0.0.1:" + std::to_string(unused_port()) + "/");
    const Ending ending = run_to_close(channel);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.error.error, ErrorKind::refused);
    EXPECT_EQ(ending.closed.close_code, close_code::abnormal);
    EXPECT_EQ(ending.seen, (std::vector{EventType::error, EventType::closed}));
}

TEST(ClosePaths, DnsFailure) {
    ChannelOptions options;
    options.connect_timeout = 3000ms;
    Channel channel = Channel::connect("ws://no-such-host.invalid/", options);
    const Ending ending = run_to_close(channel);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.error.error, ErrorKind::dns) << ending.error.text();
    EXPECT_EQ(ending.closed.close_code, close_code::abnormal);
}

TEST(ClosePaths, InvalidUrl) {
    Channel channel = Channel::connect("http://127.0.0.1/");
    const Ending ending = run_to_close(channel);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.error.error, ErrorKind::invalid_url);
}

TEST(ClosePaths, HandshakeRejectedCarriesHttpStatus) {
    RawPeer peer(RawPeer::Mode::reject_404);
    Channel channel = Channel::connect(peer.url());
    const Ending ending = run_to_close(channel);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.error.error, ErrorKind::handshake_rejected);
    EXPECT_EQ(ending.error.http_status, 404);
    EXPECT_EQ(ending.closed.close_code, close_code::abnormal);
}

TEST(ClosePaths, TlsFailureWhenCertificateIsNotTrusted) {
    ServerOptions server_options;
    server_options.tls_certificate_file = test_certificate().certificate;
    server_options.tls_private_key_file = test_certificate().private_key;
    Server server = listen_local(server_options);
    Channel channel = Channel::connect(local_url(server));  // system CAs: self-signed is not trusted
    const Ending ending = run_to_close(channel);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.error.error, ErrorKind::tls) << ending.error.text();
}

TEST(ClosePaths, TlsVerificationOffAcceptsSelfSigned) {
    ServerOptions server_options;
    server_options.tls_certificate_file = test_certificate().certificate;
    server_options.tls_private_key_file = test_certificate().private_key;
    Server server = listen_local(server_options);
    ChannelOptions options;
    options.tls.verify_peer = false;
    Channel channel = Channel::connect(local_url(server), options);
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
}

TEST(ClosePaths, HandshakeTimeout) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor mute(io, {boost::asio::ip::make_address("127.0.0.1"), 0});  // never accepts
    ChannelOptions options;
    options.handshake_timeout = 200ms;
    Channel channel = Channel::connect("ws://127.0.0.1:" + std::to_string(mute.local_endpoint().port()) + "/", options);
    const Ending ending = run_to_close(channel, 3000ms);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.error.error, ErrorKind::timeout);
}

TEST(ClosePaths, IdleTimeoutDetectsADeadPeer) {
    RawPeer peer(RawPeer::Mode::silent);  // never reads: no pongs, no data
    ChannelOptions options;
    options.idle_timeout = 300ms;
    Channel channel = Channel::connect(peer.url(), options);
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    const auto start = std::chrono::steady_clock::now();
    const Ending ending = run_to_close(channel, 3000ms);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.error.error, ErrorKind::timeout);
    EXPECT_EQ(ending.closed.close_code, close_code::abnormal);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2000ms);
}

TEST(ClosePaths, CloseCompletesInBoundedTimeWhenPeerNeverAnswers) {
    RawPeer peer(RawPeer::Mode::silent);
    ChannelOptions options;
    options.close_timeout = 200ms;
    Channel channel = Channel::connect(peer.url(), options);
    Event event;
    ASSERT_TRUE(next_event(channel, EventType::opened, event));
    const auto start = std::chrono::steady_clock::now();
    channel.sink().close();
    const Ending ending = run_to_close(channel, 3000ms);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.closed.close_code, close_code::normal);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
}

TEST(ClosePaths, OversizeMessageClosesWith1009) {
    RawPeer peer(RawPeer::Mode::send_oversize, 4096);
    ChannelOptions options;
    options.max_message_size = 1024;
    Channel channel = Channel::connect(peer.url(), options);
    const Ending ending = run_to_close(channel);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.closed.close_code, close_code::message_too_big);
}

TEST(ClosePaths, TextFrameClosesWith1003) {
    RawPeer peer(RawPeer::Mode::send_text);
    Channel channel = Channel::connect(peer.url());
    const Ending ending = run_to_close(channel);
    ASSERT_TRUE(ending.got_closed);
    EXPECT_EQ(ending.closed.close_code, close_code::unsupported_data);
    for (EventType type : ending.seen) EXPECT_NE(type, EventType::message);  // the text never reaches the game
}

}  // namespace
}  // namespace tickwire::net::test
