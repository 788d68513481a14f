// The room directory against a real redis-server started by each test on a
// free loopback port: registration, expiry of a process that stops its
// heartbeat, atomic claims under a race, and surviving a Redis restart.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <thread>

#include <hiredis/hiredis.h>

#include "directory_store.hpp"
#include "redis_server.hpp"
#include "tickwire/game/fleet/room_directory.hpp"

namespace tickwire::game::fleet {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

/// A RoomDirectory and everything it reported so far; the test thread is its game thread.
struct Probe {
    std::unique_ptr<RoomDirectory> directory;
    std::shared_ptr<const FleetView> view;
    std::map<DirectoryRequestId, ClaimResult> claims;
    std::vector<DirectoryStateChange> changes;
    std::vector<RoomLost> lost;

    Probe(const test::RedisServer& redis, std::string id, std::chrono::milliseconds heartbeat = 200ms,
          std::chrono::milliseconds ttl = 1000ms) {
        DirectoryConfig config;
        std::string error;
        EXPECT_TRUE(parse_redis_url(redis.url(), config, error)) << error;
        config.process_id = "proc-" + id;
        config.public_url = "ws://" + id + ".test:7777";
        config.capacity = 64;
        config.heartbeat = heartbeat;
        config.ttl = ttl;
        directory = RoomDirectory::start(config);
    }

    void pump() {
        DirectoryResult result;
        while (directory->poll(result)) {
            if (auto* claim = std::get_if<ClaimResult>(&result)) claims[claim->request] = *claim;
            if (auto* update = std::get_if<FleetUpdate>(&result)) view = update->view;
            if (auto* change = std::get_if<DirectoryStateChange>(&result)) changes.push_back(*change);
            if (auto* room = std::get_if<RoomLost>(&result)) lost.push_back(*room);
        }
    }

    ClaimResult claim(std::string_view code) {
        const DirectoryRequestId id = directory->claim_room(code);
        EXPECT_NE(id, 0u);
        EXPECT_TRUE(eventually([&] { return claims.contains(id); }, 5s)) << "no answer to the claim of " << code;
        return claims[id];
    }

    /// Asks for a fresh fleet view until `predicate` holds on it.
    bool view_eventually(const std::function<bool(const FleetView&)>& predicate, std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        while (Clock::now() < deadline) {
            view.reset();
            directory->refresh_fleet();
            if (eventually([&] { return view != nullptr; }, 500ms) && predicate(*view)) return true;
        }
        return false;
    }

    bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            pump();
            if (condition()) return true;
            if (Clock::now() >= deadline) return false;
            std::this_thread::sleep_for(2ms);
        }
    }

    // Up as the game thread hears it: the state change delivered through the
    // queue (state() turns up a moment before its change is delivered).
    bool up(std::chrono::milliseconds timeout = 5s) {
        return eventually([&] { return !changes.empty() && changes.back().state == DirectoryState::up; }, timeout);
    }
};

TEST(RoomDirectory, RegistersTheProcessAndItsRoomsWithTheirLoad) {
    test::RedisServer redis;
    Probe a(redis, "a");
    ASSERT_TRUE(a.up());
    ASSERT_EQ(a.changes.size(), 1u);
    EXPECT_NE(a.changes[0].message.find("connected to " + redis.url()), std::string::npos)
        << a.changes[0].message;

    EXPECT_EQ(a.claim("alpha").outcome, ClaimResult::Outcome::won);
    EXPECT_EQ(a.claim("beta").outcome, ClaimResult::Outcome::won);
    ASSERT_TRUE(a.directory->report({{"alpha", 5, 32}, {"beta", 2, 32}}, false));

    ASSERT_TRUE(a.view_eventually(
        [](const FleetView& view) {
            const RoomRecord* alpha = view.find_room("alpha");
            return alpha != nullptr && alpha->players == 5 && view.find_process("proc-a") != nullptr &&
                   view.find_process("proc-a")->players == 7;
        },
        5s));
    const ProcessRecord* process = a.view->find_process("proc-a");
    EXPECT_EQ(process->url, a.directory->public_url());
    EXPECT_EQ(process->rooms, 2u);
    EXPECT_EQ(process->capacity, 64u);
    EXPECT_FALSE(process->draining);
    const RoomRecord* beta = a.view->find_room("beta");
    ASSERT_NE(beta, nullptr);
    EXPECT_EQ(beta->owner, "proc-a");
    EXPECT_EQ(beta->players, 2u);
    EXPECT_EQ(beta->capacity, 32u);

    // Draining reaches the directory without waiting for a heartbeat period.
    ASSERT_TRUE(a.directory->report({{"alpha", 5, 32}, {"beta", 2, 32}}, true));
    EXPECT_TRUE(a.view_eventually([](const FleetView& view) { return view.find_process("proc-a")->draining; }, 5s));

    // A released room leaves the listing; the other stays.
    ASSERT_TRUE(a.directory->release_room("beta"));
    EXPECT_TRUE(a.view_eventually(
        [](const FleetView& view) { return view.find_room("beta") == nullptr && view.find_room("alpha"); }, 5s));
}

TEST(RoomDirectory, ASecondProcessLearnsTheOwnerOfATakenCode) {
    test::RedisServer redis;
    Probe a(redis, "a"), b(redis, "b");
    ASSERT_TRUE(a.up());
    ASSERT_TRUE(b.up());
    ASSERT_EQ(a.claim("lobby").outcome, ClaimResult::Outcome::won);
    const ClaimResult taken = b.claim("lobby");
    EXPECT_EQ(taken.outcome, ClaimResult::Outcome::taken);
    EXPECT_EQ(taken.owner_id, "proc-a");
    EXPECT_EQ(taken.owner_url, a.directory->public_url());
    // Claiming a code one already owns is a win, not a conflict.
    EXPECT_EQ(a.claim("lobby").outcome, ClaimResult::Outcome::won);
}

TEST(RoomDirectory, AProcessWhoseHeartbeatStopsExpiresWithItsRooms) {
    test::RedisServer redis;
    Probe watcher(redis, "watcher");
    Probe dying(redis, "dying", 200ms, 1500ms);
    ASSERT_TRUE(watcher.up());
    ASSERT_TRUE(dying.up());
    ASSERT_EQ(dying.claim("doomed").outcome, ClaimResult::Outcome::won);
    ASSERT_TRUE(watcher.view_eventually([](const FleetView& v) { return v.find_room("doomed") != nullptr; }, 5s));

    // As kill -9 would: the heartbeat stops and nobody deregisters.
    const auto stopped = Clock::now();
    dying.directory->stop(false);
    {
        // The keys are still there right after: only their TTL removes them.
        std::string error;
        auto direct = detail::RedisConnection::connect("127.0.0.1", redis.port(), 1s, 1s, error);
        ASSERT_TRUE(direct) << error;
        auto reply = direct->command({"EXISTS", "tickwire:proc:proc-dying", "tickwire:room:doomed"}, error);
        ASSERT_TRUE(reply) << error;
        EXPECT_EQ(reply->integer, 2);
    }
    ASSERT_TRUE(watcher.view_eventually(
        [](const FleetView& v) { return v.find_process("proc-dying") == nullptr && v.find_room("doomed") == nullptr; },
        10s))
        << "a process without heartbeat is still listed";
    const auto gone_after = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - stopped);
    // Not before its TTL (1.5 s, less the up to 0.2 s since the last
    // heartbeat): expiry, not a goodbye, removed it.
    EXPECT_GE(gone_after.count(), 1250) << "gone after " << gone_after.count() << " ms";
    EXPECT_NE(watcher.view->find_process("proc-watcher"), nullptr);

    // Its code is free again for a live process.
    EXPECT_EQ(watcher.claim("doomed").outcome, ClaimResult::Outcome::won);
}

TEST(RoomDirectory, AStoppedProcessDeregistersAtOnce) {
    test::RedisServer redis;
    Probe watcher(redis, "watcher");
    Probe leaving(redis, "leaving", 200ms, 60000ms);
    ASSERT_TRUE(watcher.up());
    ASSERT_TRUE(leaving.up());
    ASSERT_EQ(leaving.claim("short").outcome, ClaimResult::Outcome::won);
    leaving.directory->stop(true);
    // With a one-minute TTL only the goodbye can remove it this fast.
    EXPECT_TRUE(watcher.view_eventually(
        [](const FleetView& v) { return v.find_process("proc-leaving") == nullptr && v.find_room("short") == nullptr; },
        5s));
}

TEST(RoomDirectory, TwoProcessesRacingForOneCodeHaveExactlyOneWinner100Times) {
    test::RedisServer redis;
    Probe a(redis, "a"), b(redis, "b");
    ASSERT_TRUE(a.up());
    ASSERT_TRUE(b.up());
    int a_wins = 0, b_wins = 0;
    for (int round = 0; round < 100; ++round) {
        const std::string code = "race" + std::to_string(round);
        // Both directory threads send their claim at once; Redis orders them.
        const DirectoryRequestId from_a = a.directory->claim_room(code);
        const DirectoryRequestId from_b = b.directory->claim_room(code);
        ASSERT_TRUE(a.eventually([&] { return a.claims.contains(from_a); }, 5s));
        ASSERT_TRUE(b.eventually([&] { return b.claims.contains(from_b); }, 5s));
        const ClaimResult& ra = a.claims[from_a];
        const ClaimResult& rb = b.claims[from_b];
        ASSERT_NE(ra.outcome, ClaimResult::Outcome::unavailable) << ra.reason;
        ASSERT_NE(rb.outcome, ClaimResult::Outcome::unavailable) << rb.reason;
        ASSERT_NE(ra.outcome, rb.outcome) << "round " << round << ": both " << (ra.outcome == ClaimResult::Outcome::won ? "won" : "lost");
        // Both send their players to the same place: the winner.
        ASSERT_EQ(ra.owner_id, rb.owner_id) << "round " << round;
        ASSERT_EQ(ra.owner_url, rb.owner_url) << "round " << round;
        (ra.outcome == ClaimResult::Outcome::won ? a_wins : b_wins) += 1;
    }
    EXPECT_EQ(a_wins + b_wins, 100);
}

TEST(RoomDirectory, RedisRestartFailsRequestsFastThenReRegistersEverything) {
    test::RedisServer redis;
    Probe a(redis, "a"), observer(redis, "observer");
    ASSERT_TRUE(a.up());
    ASSERT_TRUE(observer.up());
    ASSERT_EQ(a.claim("keep1").outcome, ClaimResult::Outcome::won);
    ASSERT_EQ(a.claim("keep2").outcome, ClaimResult::Outcome::won);
    ASSERT_TRUE(a.directory->report({{"keep1", 3, 32}, {"keep2", 4, 32}}, false));

    redis.kill();
    ASSERT_TRUE(a.eventually([&] { return a.directory->state() == DirectoryState::down; }, 5s));

    // Requests fail at once, with a reason, while Redis is away.
    const auto asked = Clock::now();
    const ClaimResult refused = a.claim("newroom");
    const auto answered_in = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - asked);
    EXPECT_EQ(refused.outcome, ClaimResult::Outcome::unavailable);
    EXPECT_NE(refused.reason.find("room directory unavailable"), std::string::npos) << refused.reason;
    EXPECT_LT(answered_in.count(), 1000) << "a request waited for Redis";

    // Reconnection keeps failing, and says so once, not per attempt.
    const std::uint64_t errors_before = a.directory->errors();
    ASSERT_TRUE(a.eventually([&] { return a.directory->errors() >= errors_before + 3; }, 10s));
    ASSERT_EQ(a.changes.size(), 2u);
    EXPECT_EQ(a.changes[1].state, DirectoryState::down);
    EXPECT_NE(a.changes[1].message.find("lost"), std::string::npos) << a.changes[1].message;

    // A new, empty Redis: both processes come back and re-register on their own.
    redis.restart();
    const auto restarted = Clock::now();
    ASSERT_TRUE(observer.up(10s));
    EXPECT_TRUE(observer.view_eventually(
        [](const FleetView& v) {
            const RoomRecord* keep1 = v.find_room("keep1");
            const RoomRecord* keep2 = v.find_room("keep2");
            const ProcessRecord* proc = v.find_process("proc-a");
            return keep1 && keep2 && proc && keep1->owner == "proc-a" && keep2->players == 4 && proc->players == 7 &&
                   v.find_process("proc-observer") != nullptr;
        },
        10s))
        << "the directory is not whole again within 10 s of the restart";
    EXPECT_LT(Clock::now() - restarted, 10s);
    ASSERT_TRUE(a.eventually([&] { return a.changes.size() >= 3; }, 5s));
    ASSERT_EQ(a.changes.size(), 3u);
    EXPECT_EQ(a.changes[2].state, DirectoryState::up);
    EXPECT_NE(a.changes[2].message.find("back"), std::string::npos) << a.changes[2].message;
    EXPECT_NE(a.changes[2].message.find("2 rooms"), std::string::npos) << a.changes[2].message;
    // And the code that failed while Redis was down can be claimed now.
    EXPECT_EQ(a.claim("newroom").outcome, ClaimResult::Outcome::won);
}

TEST(RoomDirectory, StartingWithoutRedisSaysSoOnceAndConnectsWhenItAppears) {
    test::RedisServer redis;
    redis.kill();
    Probe a(redis, "a");
    ASSERT_TRUE(a.eventually([&] { return a.directory->state() == DirectoryState::down; }, 5s));
    const ClaimResult refused = a.claim("early");
    EXPECT_EQ(refused.outcome, ClaimResult::Outcome::unavailable);
    EXPECT_NE(refused.reason.find("unavailable"), std::string::npos);
    redis.restart();
    ASSERT_TRUE(a.up(10s));
    ASSERT_EQ(a.changes.size(), 2u);
    EXPECT_NE(a.changes[0].message.find("cannot reach"), std::string::npos) << a.changes[0].message;
    EXPECT_NE(a.changes[1].message.find("back"), std::string::npos) << a.changes[1].message;
}

TEST(DirectoryStore, AHeartbeatReportsARoomThatAnotherLiveProcessTookMeanwhile) {
    // After a Redis restart another process may claim a code before its old
    // owner re-registers: the old owner must hear that, not overwrite it.
    test::RedisServer redis;
    std::string error;
    auto connection = detail::RedisConnection::connect("127.0.0.1", redis.port(), 1s, 1s, error);
    ASSERT_TRUE(connection) << error;
    detail::DirectoryStore store("tickwire", 5000ms);
    ASSERT_TRUE(store.load_scripts(*connection, error)) << error;

    detail::ProcessState b{"proc-b", "ws://b:1", 64, false, {}};
    std::vector<detail::LostRoom> lost;
    ASSERT_TRUE(store.heartbeat(*connection, b, lost, error)) << error;
    detail::ClaimReply reply;
    ASSERT_TRUE(store.claim(*connection, "proc-b", "shared", 32, reply, error)) << error;
    ASSERT_TRUE(reply.won);

    detail::ProcessState a{"proc-a", "ws://a:1", 64, false, {{"shared", 9, 32}, {"mine", 1, 32}}};
    ASSERT_TRUE(store.heartbeat(*connection, a, lost, error)) << error;
    ASSERT_EQ(lost.size(), 1u);
    EXPECT_EQ(lost[0].code, "shared");
    EXPECT_EQ(lost[0].owner, "proc-b");
    EXPECT_EQ(lost[0].owner_url, "ws://b:1");

    FleetView view;
    ASSERT_TRUE(store.list(*connection, view, error)) << error;
    ASSERT_NE(view.find_room("shared"), nullptr);
    EXPECT_EQ(view.find_room("shared")->owner, "proc-b");
    EXPECT_EQ(view.find_room("shared")->players, 0u);  // a's 9 players were not written over b's room
    ASSERT_NE(view.find_room("mine"), nullptr);
    EXPECT_EQ(view.find_process("proc-a")->rooms, 1u);
    EXPECT_EQ(view.find_process("proc-a")->players, 1u);

    // Scripts flushed (as by a restart that kept the data): reloaded on NOSCRIPT.
    ASSERT_TRUE(connection->command({"SCRIPT", "FLUSH"}, error)) << error;
    EXPECT_TRUE(store.list(*connection, view, error)) << error;
}

TEST(RoomDirectory, ParsesRedisUrlsAndRefusesEverythingElse) {
    DirectoryConfig config;
    std::string error;
    ASSERT_TRUE(parse_redis_url("redis://10.1.2.3:6380", config, error)) << error;
    EXPECT_EQ(config.redis_host, "10.1.2.3");
    EXPECT_EQ(config.redis_port, 6380);
    ASSERT_TRUE(parse_redis_url("redis://redis.default.svc", config, error)) << error;
    EXPECT_EQ(config.redis_host, "redis.default.svc");
    EXPECT_EQ(config.redis_port, 6379);
    ASSERT_TRUE(parse_redis_url("redis://[::1]:7000/", config, error)) << error;
    EXPECT_EQ(config.redis_host, "::1");
    for (const char* bad : {"", "10.1.2.3:6379", "http://h:1", "redis://", "redis://h:0", "redis://u:p@h:1",
                            "redis://h:1/2", "redis://h:1?x=1", "redis://h:99999"}) {
        error.clear();
        EXPECT_FALSE(parse_redis_url(bad, config, error)) << bad;
        EXPECT_FALSE(error.empty()) << bad;
    }
}

TEST(RoomDirectory, MakesProcessIdsThatAreSafeAndDistinct) {
    const std::string a = make_process_id(), b = make_process_id();
    EXPECT_NE(a, b);
    EXPECT_LE(a.size(), 64u);
    for (char c : a) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') << a;
}

TEST(RoomDirectory, RefusesABadConfigAtStart) {
    DirectoryConfig config;
    config.public_url = "ws://127.0.0.1:1";
    config.process_id = "has space";
    EXPECT_THROW(RoomDirectory::start(config), std::invalid_argument);
    config.process_id = "fine";
    config.ttl = config.heartbeat;
    EXPECT_THROW(RoomDirectory::start(config), std::invalid_argument);
}

}  // namespace
}  // namespace tickwire::game::fleet
