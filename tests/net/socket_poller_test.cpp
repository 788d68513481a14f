// SocketPoller (net/src/native/socket_poller.hpp): the server's plain sockets
// in one level-triggered epoll set, waited on as one descriptor of the Asio
// loop. A socket is served when it has something, again when it was left
// ready or re-watched while ready, and at no other time; the wait never
// outlives the poller's owner or the loop.
#include "native/socket_poller.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tickwire::net::test {
namespace {

using detail::SocketPoller;

// A connected pair of stream sockets: `ours` is watched, `theirs` writes.
struct SocketPair {
    int ours = -1;
    int theirs = -1;
    SocketPair() {
        int fds[2] = {-1, -1};
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
        ours = fds[0];
        theirs = fds[1];
    }
    ~SocketPair() {
        ::close(ours);
        ::close(theirs);
    }
    void send(std::string_view bytes) const {
        ASSERT_EQ(::write(theirs, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    }
};

// Reads what it is told to per wake-up, and counts the wake-ups.
class Reader final : public SocketPoller::Target {
public:
    explicit Reader(int fd) : fd_(fd) {}
    std::size_t bytes_per_wake = 4096;
    std::function<void()> on_wake;  // runs before reading
    int wakes = 0;
    std::string read;

    bool on_ready(std::uint32_t) override {
        ++wakes;
        if (on_wake) on_wake();
        if (bytes_per_wake == 0) return false;
        char buffer[4096];
        const ssize_t n = ::recv(fd_, buffer, std::min(bytes_per_wake, sizeof buffer), MSG_DONTWAIT);
        if (n <= 0) return false;
        read.append(buffer, static_cast<std::size_t>(n));
        return static_cast<std::size_t>(n) == bytes_per_wake;  // maybe more: left ready on purpose
    }

private:
    int fd_;
};

// Runs the loop until `done` or pump_until's deadline (a failure, not a wait).
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done) {
    return pump_until([&] {
        io.run_one_for(10ms);
        return done();
    });
}

// Serves what is ready now, without waiting for anything new.
void run_ready(boost::asio::io_context& io) {
    for (int i = 0; i < 10; ++i) io.poll();
}

TEST(SocketPoller, ServesASocketWhenBytesArriveAndNotAgainUntilMoreArrive) {
    boost::asio::io_context io;
    int batches = 0;
    SocketPoller poller(io, [&] { ++batches; });
    SocketPair pair;
    Reader reader(pair.ours);
    ASSERT_TRUE(poller.add(pair.ours, &reader, EPOLLIN));

    pair.send("one");
    ASSERT_TRUE(run_until(io, [&] { return reader.read == "one"; }));
    run_ready(io);
    EXPECT_EQ(reader.wakes, 1);

    pair.send("two");
    ASSERT_TRUE(run_until(io, [&] { return reader.read == "onetwo"; }));
    run_ready(io);
    EXPECT_EQ(reader.wakes, 2);
    EXPECT_GE(batches, 2);
}

TEST(SocketPoller, ASocketLeftReadyOnPurposeIsServedAgainWithoutNewBytes) {
    boost::asio::io_context io;
    SocketPoller poller(io, {});
    SocketPair pair;
    Reader reader(pair.ours);
    reader.bytes_per_wake = 1;  // its fair share, then the others' turn
    ASSERT_TRUE(poller.add(pair.ours, &reader, EPOLLIN));

    pair.send("abcdef");
    ASSERT_TRUE(run_until(io, [&] { return reader.read == "abcdef"; })) << "read only: " << reader.read;
}

// Paused while the set still lists it (epoll_wait just reported it), then
// watched again: the bytes it holds have no new edge to announce them.
TEST(SocketPoller, ASocketWatchedAgainWhileHoldingBytesIsServed) {
    boost::asio::io_context io;
    SocketPoller poller(io, {});
    SocketPair pair;
    Reader reader(pair.ours);
    reader.bytes_per_wake = 0;
    reader.on_wake = [&] { poller.modify(pair.ours, &reader, 0, EPOLLIN); };
    ASSERT_TRUE(poller.add(pair.ours, &reader, EPOLLIN));

    pair.send("held");
    ASSERT_TRUE(run_until(io, [&] { return reader.wakes == 1; }));
    run_ready(io);
    EXPECT_EQ(reader.wakes, 1) << "a paused socket is not served";

    reader.on_wake = nullptr;
    reader.bytes_per_wake = 4096;
    boost::asio::post(io, [&] { poller.modify(pair.ours, &reader, EPOLLIN, 0); });
    ASSERT_TRUE(run_until(io, [&] { return reader.read == "held"; }));
}

TEST(SocketPoller, StopEndsTheWaitSoTheLoopRunsOutOfWork) {
    boost::asio::io_context io;
    SocketPoller poller(io, {});
    SocketPair pair;
    Reader reader(pair.ours);
    ASSERT_TRUE(poller.add(pair.ours, &reader, EPOLLIN));
    poller.stop();
    io.run_for(5s);
    EXPECT_TRUE(io.stopped()) << "the loop still had work";

    pair.send("late");
    io.restart();
    run_ready(io);
    EXPECT_EQ(reader.wakes, 0);
}

TEST(SocketPoller, APollerDestroyedWhileWaitingLeavesTheLoopWithNoWork) {
    boost::asio::io_context io;
    SocketPair pair;
    Reader reader(pair.ours);
    {
        SocketPoller poller(io, {});
        ASSERT_TRUE(poller.add(pair.ours, &reader, EPOLLIN));
        run_ready(io);
    }
    pair.send("after");
    io.run_for(5s);
    EXPECT_TRUE(io.stopped()) << "the loop still had work";
    EXPECT_EQ(reader.wakes, 0);
}

// The wait outlives both the poller and the loop's run: the io_context frees
// it when it shuts down (AddressSanitizer reports it otherwise).
TEST(SocketPoller, AWaitLeftQueuedIsFreedWithTheLoop) {
    SocketPair pair;
    Reader reader(pair.ours);
    auto io = std::make_unique<boost::asio::io_context>();
    auto poller = std::make_unique<SocketPoller>(*io, std::function<void()>{});
    ASSERT_TRUE(poller->add(pair.ours, &reader, EPOLLIN));
    poller.reset();
    io.reset();
    EXPECT_EQ(reader.wakes, 0);
}


// Paced (ServerOptions::read_pace): while sockets keep having bytes, the set
// is served once per pace, with whatever came meanwhile on every socket.
TEST(SocketPoller, PacedBytesThatComeMeanwhileAreServedTogetherAPaceLater) {
    constexpr auto kPace = 300ms;
    boost::asio::io_context io;
    std::vector<std::chrono::steady_clock::time_point> batches;
    SocketPoller poller(io, [&] { batches.push_back(std::chrono::steady_clock::now()); }, kPace);
    SocketPair a, b;
    Reader reader_a(a.ours), reader_b(b.ours);
    ASSERT_TRUE(poller.add(a.ours, &reader_a, EPOLLIN));
    ASSERT_TRUE(poller.add(b.ours, &reader_b, EPOLLIN));

    const auto sent = std::chrono::steady_clock::now();  // before the first serve, which the pace counts from
    a.send("1");  // the set was idle: served at its edge
    ASSERT_TRUE(run_until(io, [&] { return reader_a.read == "1"; }));
    ASSERT_EQ(batches.size(), 1u);
    a.send("2");
    b.send("x");
    ASSERT_TRUE(run_until(io, [&] { return reader_a.read == "12" && reader_b.read == "x"; }));
    EXPECT_EQ(batches.size(), 2u) << "both sockets in one serve";
    EXPECT_EQ(reader_b.wakes, 1);
    EXPECT_GE(batches[1] - sent, kPace) << "served again before the pace had passed";
}

// Bytes that come after the paced serve found nothing, but before the gate
// opens again: shut, the gate did not hear of them, and opening it does not
// announce bytes the set already has (the gate's entry for the set is still
// on its ready list from the first batch).
TEST(SocketPoller, BytesThatComeAsAPacedPollerGoesIdleAreServed) {
    boost::asio::io_context io;
    SocketPair pair;
    Reader reader(pair.ours);
    int batches = 0;
    SocketPoller poller(io, [&] {
        // The second batch is the paced serve that finds nothing; the gate
        // is still shut while it runs.
        if (++batches == 2) pair.send("2");
    }, 20ms);
    ASSERT_TRUE(poller.add(pair.ours, &reader, EPOLLIN));

    pair.send("1");
    ASSERT_TRUE(run_until(io, [&] { return reader.read == "12"; })) << "read only: " << reader.read;
}

TEST(SocketPoller, APacedServeThatFindsNothingWaitsForTheNextBytesWithoutPolling) {
    constexpr auto kPace = 20ms;
    boost::asio::io_context io;
    int batches = 0;
    SocketPoller poller(io, [&] { ++batches; }, kPace);
    SocketPair pair;
    Reader reader(pair.ours);
    ASSERT_TRUE(poller.add(pair.ours, &reader, EPOLLIN));

    pair.send("1");
    ASSERT_TRUE(run_until(io, [&] { return reader.read == "1"; }));
    ASSERT_TRUE(run_until(io, [&] { return batches == 2; }));  // the paced serve after it: nothing there
    io.run_for(10 * kPace);
    EXPECT_EQ(batches, 2) << "an idle paced poller went on serving";

    pair.send("2");
    ASSERT_TRUE(run_until(io, [&] { return reader.read == "12"; }));
    EXPECT_EQ(batches, 3) << "served at its edge, as an idle set is";
}

TEST(SocketPoller, StoppedWhilePacedTheLoopRunsOutOfWork) {
    boost::asio::io_context io;
    SocketPoller poller(io, {}, std::chrono::seconds(30));
    SocketPair pair;
    Reader reader(pair.ours);
    ASSERT_TRUE(poller.add(pair.ours, &reader, EPOLLIN));
    pair.send("1");
    ASSERT_TRUE(run_until(io, [&] { return reader.read == "1"; }));  // the next serve is 30 s away
    poller.stop();
    io.run_for(5s);
    EXPECT_TRUE(io.stopped()) << "the paced serve was still due";
}

// The paced serve's timer outlives the poller: its handler must not touch it
// (AddressSanitizer reports it otherwise).
TEST(SocketPoller, APollerDestroyedWhilePacedLeavesTheLoopWithNoWork) {
    boost::asio::io_context io;
    SocketPair pair;
    Reader reader(pair.ours);
    {
        SocketPoller poller(io, {}, std::chrono::seconds(30));
        ASSERT_TRUE(poller.add(pair.ours, &reader, EPOLLIN));
        pair.send("1");
        ASSERT_TRUE(run_until(io, [&] { return reader.read == "1"; }));
    }
    pair.send("2");
    io.run_for(5s);
    EXPECT_TRUE(io.stopped()) << "the loop still had work";
    EXPECT_EQ(reader.read, "1");
}

}  // namespace
}  // namespace tickwire::net::test
