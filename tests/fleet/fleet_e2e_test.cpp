// Issue 13 end to end: real tickwire-server processes sharing a real
// redis-server on loopback, real tickwire-bots joining through matchmaking.
// Every wait is on a condition with a deadline; the deadlines are the issue's.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "fleet_processes.hpp"
#include "redis_server.hpp"
#include "tickwire/game/client_core.hpp"
#include "tickwire/game/fleet/seat_ticket.hpp"

namespace tickwire::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::int64_t players_on(const std::vector<ListedRoom>& rooms, std::string_view process = {}) {
    std::int64_t n = 0;
    for (const ListedRoom& r : rooms)
        if (process.empty() || r.process == process) n += r.players;
    return n;
}

std::string describe(const std::optional<std::vector<ListedRoom>>& rooms) {
    if (!rooms) return "(no answer)";
    std::string out;
    for (const ListedRoom& r : *rooms)
        out += r.code + "@" + r.process + " " + std::to_string(r.players) + "/" + std::to_string(r.capacity) + "; ";
    return out;
}

// A room claimed on `owner` through its own /match/CODE, then visible to
// `entry`'s fleet view: bots asking `entry` for CODE are sent to `owner`.
void place_room_on(const FleetServer& owner, const FleetServer& entry, const std::string& code) {
    const HttpAnswer claim = http_get(owner.http("/match/" + code));
    ASSERT_EQ(claim.status, 200) << claim.body;
    ASSERT_EQ(claim.json().at("process").as_string(), owner.id) << claim.body;
    ASSERT_TRUE(wait_for(5s, [&] {
        const auto rooms = fleet_rooms(entry);
        return rooms && std::any_of(rooms->begin(), rooms->end(), [&](const ListedRoom& r) { return r.code == code; });
    })) << "the entry server never saw room " << code;
}

TEST(FleetEndToEnd, EightyBotsJoinThroughOneServersMatchmakingAndSpreadOverProcesses) {
    RedisServer redis;
    SecretFile secret;
    FleetServer a = start_server("a", redis.url(), secret);
    FleetServer b = start_server("b", redis.url(), secret);
    FleetServer c = start_server("c", redis.url(), secret);
    // The entry server has read the fleet since the last one registered.
    place_room_on(c, a, "PROBE");
    WatchedProcess bots = start_bots(a.http("/match/auto"), 80, "spread");

    std::int64_t largest = 0;
    std::optional<std::vector<ListedRoom>> rooms;
    const bool all_in = wait_for(
        40s,
        [&] {
            rooms = fleet_rooms(a);
            if (!rooms) return false;
            for (const ListedRoom& r : *rooms) largest = std::max(largest, r.players);
            return bots_joined(bots) == 80 && players_on(*rooms) == 80;
        },
        {&bots, &a.process, &b.process, &c.process});
    ASSERT_TRUE(all_in) << describe(rooms) << bots.transcript();
    EXPECT_LE(largest, 32) << describe(rooms);
    std::set<std::string> processes;
    for (const ListedRoom& r : *rooms) {
        EXPECT_LE(r.players, r.capacity) << r.code;
        if (r.players > 0) processes.insert(r.process);
    }
    EXPECT_GE(processes.size(), 2u) << describe(rooms);
    EXPECT_EQ(bots.count("rematches 0"), bots.count(" joined ")) << "no bot had to ask twice:\n" << bots.transcript();
}

TEST(FleetEndToEnd, TwoServersAskedForOneNewCodeAtOnceAgreeOnItsOwner100Times) {
    RedisServer redis;
    SecretFile secret;
    FleetServer a = start_server("a", redis.url(), secret);
    FleetServer b = start_server("b", redis.url(), secret);
    // Both must know the fleet before racing (they claim only with a view).
    ASSERT_TRUE(wait_for(5s, [&] { return fleet_rooms(a).has_value() && fleet_rooms(b).has_value(); }));
    std::map<std::string, int> owners;
    for (int i = 0; i < 100; ++i) {
        const std::string code = "RACE" + std::to_string(i);
        auto from_b = std::async(std::launch::async, [&] { return http_get(b.http("/match/" + code)); });
        const HttpAnswer answer_a = http_get(a.http("/match/" + code));
        const HttpAnswer answer_b = from_b.get();
        ASSERT_EQ(answer_a.status, 200) << answer_a.body;
        ASSERT_EQ(answer_b.status, 200) << answer_b.body;
        const auto ja = answer_a.json(), jb = answer_b.json();
        ASSERT_EQ(ja.at("process"), jb.at("process")) << code << ": " << answer_a.body << " vs " << answer_b.body;
        ASSERT_EQ(ja.at("room"), jb.at("room"));
        // The same room on the same server: only the ticket differs.
        const std::string ua(ja.at("url").as_string()), ub(jb.at("url").as_string());
        ASSERT_EQ(ua.substr(0, ua.find('?')), ub.substr(0, ub.find('?')));
        ++owners[std::string(ja.at("process").as_string())];
    }
    // Each code once in the directory, owned where the answers said.
    std::optional<std::vector<ListedRoom>> rooms;
    ASSERT_TRUE(wait_for(5s, [&] {
        rooms = fleet_rooms(a);
        return rooms && rooms->size() == 100;
    })) << describe(rooms);
    std::set<std::string> codes;
    for (const ListedRoom& r : *rooms) EXPECT_TRUE(codes.insert(r.code).second) << r.code << " listed twice";
    EXPECT_EQ(owners["a"] + owners["b"], 100);
}

TEST(FleetEndToEnd, AKilledServersRoomsExpireAndItsBotsPlayElsewhere) {
    RedisServer redis;
    SecretFile secret;
    FleetServer entry = start_server("entry", redis.url(), secret);
    FleetServer victim = start_server("victim", redis.url(), secret);
    place_room_on(victim, entry, "DOOMED");
    WatchedProcess bots = start_bots(entry.http("/match/DOOMED"), 12, "doomed");
    std::optional<std::vector<ListedRoom>> rooms;
    ASSERT_TRUE(wait_for(
        20s,
        [&] {
            rooms = fleet_rooms(entry);
            return bots_joined(bots) == 12 && rooms && players_on(*rooms, "victim") == 12;
        },
        {&bots, &entry.process, &victim.process}))
        << describe(rooms) << bots.transcript() << victim.process.transcript() << entry.process.transcript();

    victim.process.child().send_signal(SIGKILL);
    const auto killed = Clock::now();
    EXPECT_TRUE(wait_for(10s, [&] {
        rooms = fleet_rooms(entry);
        return rooms && std::none_of(rooms->begin(), rooms->end(), [](const ListedRoom& r) { return r.process == "victim"; });
    }, {&bots, &entry.process})) << "the dead server's rooms are still listed: " << describe(rooms);
    const auto gone_after = Clock::now() - killed;
    ASSERT_TRUE(wait_for(std::chrono::duration_cast<std::chrono::milliseconds>(30s - gone_after), [&] {
        rooms = fleet_rooms(entry);
        return rooms && players_on(*rooms, "entry") == 12 && bots_joined(bots) == 12;
    }, {&bots, &entry.process})) << describe(rooms) << "\nasked now: " << http_get(entry.http("/match/DOOMED")).body << "\n"
                                 << bots.transcript() << entry.process.transcript();
    EXPECT_GE(bots_rematches(bots), 12) << "every bot asked matchmaking again:\n" << bots.transcript();
}

TEST(FleetEndToEnd, MatchesGoOnWhileRedisIsDownAndTheDirectoryHealsAfterItsRestart) {
    RedisServer redis;
    SecretFile secret;
    FleetServer a = start_server("a", redis.url(), secret);
    FleetServer b = start_server("b", redis.url(), secret);
    place_room_on(b, a, "ONB");
    WatchedProcess on_a = start_bots(a.http("/match/ONA"), 6, "on-a");
    WatchedProcess on_b = start_bots(a.http("/match/ONB"), 6, "on-b");
    std::vector<WatchedProcess*> all{&on_a, &on_b, &a.process, &b.process};
    std::optional<std::vector<ListedRoom>> rooms;
    ASSERT_TRUE(wait_for(20s, [&] {
        rooms = fleet_rooms(a);
        return bots_joined(on_a) == 6 && bots_joined(on_b) == 6 && rooms && players_on(*rooms, "a") == 6 &&
               players_on(*rooms, "b") == 6;
    }, all)) << describe(rooms);

    redis.kill();
    ASSERT_TRUE(wait_for(5s, [&] { return a.process.count("room directory: lost") == 1; }, all))
        << a.process.transcript();
    EXPECT_EQ(http_get(a.http("/rooms?all=1")).status, 503) << "the fleet is unknown while Redis is down";
    // Three whole seconds of totals lines with Redis down: every bot still joined and fed.
    const std::size_t lines_before = on_a.count(" joined ");
    ASSERT_TRUE(wait_for(8s, [&] { return on_a.count(" joined ") >= lines_before + 3; }, all));
    for (WatchedProcess* bots : {&on_a, &on_b}) {
        EXPECT_EQ(bots_joined(*bots), 6) << bots->transcript();
        EXPECT_GE(bots_slowest(*bots), 10) << "a bot stopped receiving snapshots:\n" << bots->transcript();
    }
    EXPECT_EQ(a.process.count("room directory: lost"), 1u) << "logged once per change, not per request";

    redis.restart();
    const auto restarted = Clock::now();
    ASSERT_TRUE(wait_for(10s, [&] {
        rooms = fleet_rooms(a);
        return rooms && players_on(*rooms, "a") == 6 && players_on(*rooms, "b") == 6;
    }, all)) << "the directory is not whole again: " << describe(rooms) << a.process.transcript();
    EXPECT_LT(Clock::now() - restarted, 10s);
    // Logged once, on the game thread, just after the re-registration landed.
    for (FleetServer* server : {&a, &b})
        EXPECT_TRUE(wait_for(3s, [&] { return server->process.count("is back after") == 1; }, all))
            << server->process.transcript();
}

// Drives a ClientCore on this thread until `done` or `timeout`.
bool drive(game::ClientCore& core, std::chrono::milliseconds timeout, const std::function<bool()>& done) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        core.network_in();
        core.step();
        core.network_out();
        if (done()) return true;
        std::this_thread::sleep_for(5ms);  // a 200 Hz client loop
    }
    return false;
}

struct JoinOutcome {
    bool joined = false;
    std::string status_text;
};

JoinOutcome join_with(const std::string& url) {
    game::ClientConfig config;
    config.url = url;
    config.name = "ticket-test";
    game::ClientCore core(config);
    JoinOutcome out;
    drive(core, 10s, [&] {
        out.joined = core.status() == game::ConnectionStatus::joined;
        return out.joined || core.status() == game::ConnectionStatus::closed;
    });
    out.status_text = core.view(0).status_text;
    return out;
}

TEST(FleetEndToEnd, SeatTicketsForgedExpiredReusedOrForAnotherProcessAreRefused) {
    SecretFile secret;
    FleetServer server = start_server("gate", "", secret);  // one process: /match answers for itself
    const HttpAnswer answer = http_get(server.http("/match/GATE"));
    ASSERT_EQ(answer.status, 200) << answer.body;
    const std::string url(answer.json().at("url").as_string());
    const std::string base = url.substr(0, url.find('?'));
    const std::string ticket(answer.json().at("ticket").as_string());

    const JoinOutcome first = join_with(url);
    EXPECT_TRUE(first.joined) << first.status_text;

    const auto refused = [&](const std::string& with_ticket, std::string_view log_text) {
        const JoinOutcome outcome = join_with(base + "?ticket=" + with_ticket);
        EXPECT_FALSE(outcome.joined);
        EXPECT_NE(outcome.status_text.find("(4010)"), std::string::npos) << outcome.status_text;
        EXPECT_TRUE(wait_for(3s, [&] { return server.process.count(log_text) == 1; }, {&server.process}))
            << log_text << "\n" << server.process.transcript();
    };
    refused(ticket, "seat ticket already used");
    std::string forged = ticket;
    forged[forged.size() - 10] = forged[forged.size() - 10] == 'A' ? 'B' : 'A';  // inside the MAC
    refused(forged, "signature does not match");
    const std::uint64_t now = game::fleet::unix_now_ms();
    game::fleet::TicketNonce nonce{};
    ASSERT_TRUE(game::fleet::random_nonce(nonce));
    refused(game::fleet::issue_seat_ticket(secret.key(), {"GATE", "gate", now - 1000, nonce}), "seat ticket expired");
    ASSERT_TRUE(game::fleet::random_nonce(nonce));
    refused(game::fleet::issue_seat_ticket(secret.key(), {"GATE", "elsewhere", now + 5000, nonce}),
            "seat ticket is for another server process");

    const HttpAnswer metrics = http_get(server.http("/metrics"));
    for (const char* reason : {"ticket_reused", "ticket_forged", "ticket_expired", "ticket_wrong_process"})
        EXPECT_NE(metrics.body.find(std::string("reason=\"") + reason + "\"} 1"), std::string::npos)
            << reason << "\n" << metrics.body;
}

TEST(FleetEndToEnd, SigtermDrainsNoNewPlayerCloses1001AfterTheTimeoutAndBotsRejoinElsewhere) {
    RedisServer redis;
    SecretFile secret;
    FleetServer entry = start_server("entry", redis.url(), secret);
    FleetServer drained = start_server("drained", redis.url(), secret, {"--drain-timeout", "2"});
    place_room_on(drained, entry, "SUNSET");
    WatchedProcess bots = start_bots(entry.http("/match/SUNSET"), 8, "sunset");
    std::vector<WatchedProcess*> all{&bots, &entry.process, &drained.process};
    std::optional<std::vector<ListedRoom>> rooms;
    ASSERT_TRUE(wait_for(20s, [&] {
        rooms = fleet_rooms(entry);
        return bots_joined(bots) == 8 && rooms && players_on(*rooms, "drained") == 8;
    }, all)) << describe(rooms) << bots.transcript();
    // A player that went straight to the server: it sees the 1001.
    game::ClientConfig direct;
    direct.url = drained.ws("/room/SUNSET");
    game::ClientCore watcher(direct);
    ASSERT_TRUE(drive(watcher, 10s, [&] { return watcher.status() == game::ConnectionStatus::joined; }));
    ASSERT_TRUE(wait_for(3s, [&] { return drained.process.count(" joined room ") == 9; }, all));

    const std::size_t joins_before = drained.process.count(" joined room ");
    drained.process.child().send_signal(SIGTERM);
    ASSERT_TRUE(wait_for(3s, [&] { return drained.process.count("draining:") >= 1; }, all));
    const HttpAnswer health = http_get(drained.http("/healthz"));
    EXPECT_EQ(health.status, 503);
    EXPECT_EQ(health.body, "draining\n");
    // New players: matchmaking sends none there, and a direct join is refused.
    ASSERT_TRUE(wait_for(3s, [&] { return http_get(entry.http("/match/SUNSET")).status == 503; }, all));
    const JoinOutcome late = join_with(drained.ws("/room/SUNSET"));
    EXPECT_FALSE(late.joined);
    EXPECT_NE(late.status_text.find("(4012)"), std::string::npos) << late.status_text;

    // The matches go on until the drain timeout, then 1001 "server shutting down".
    EXPECT_TRUE(drive(watcher, 6s, [&] {
        return watcher.view(0).status_text.find("server shutting down") != std::string::npos;
    })) << watcher.view(0).status_text;
    EXPECT_TRUE(drained.process.child().wait(5s).has_value()) << "it exits after the drain";
    drained.process.pump();
    EXPECT_EQ(drained.process.count(" joined room "), joins_before) << "no new player reached it";
    ASSERT_TRUE(wait_for(25s, [&] {
        rooms = fleet_rooms(entry);
        return rooms && players_on(*rooms, "entry") == 8 && bots_joined(bots) == 8;
    }, {&bots, &entry.process})) << describe(rooms) << bots.transcript();
}

}  // namespace
}  // namespace tickwire::test
