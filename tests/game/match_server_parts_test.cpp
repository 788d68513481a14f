// The match server's parts, each alone, without sockets: rate limits,
// the input queue, rooms, admission, snapshot acks and the status documents.
#include <chrono>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "admission.hpp"
#include "input_queue.hpp"
#include "rate_limits.hpp"
#include "rooms.hpp"
#include "snapshot_sender.hpp"
#include "status_report.hpp"

namespace tickwire::game::server {
namespace {

using namespace std::chrono_literals;
using Seconds = std::chrono::duration<double>;

// ---- rate limits ---------------------------------------------------------------

TEST(RateLimits, InputAllowsATickRateBurstThenDropsThenClosesAFlood) {
    RateLimits limits(60);
    int accepted = 0, refused = 0;
    Verdict v = Verdict::accept;
    while ((v = limits.input()) != Verdict::close) {
        (v == Verdict::accept ? accepted : refused)++;
        ASSERT_LT(accepted + refused, 10000) << "a flood must be closed";
    }
    EXPECT_EQ(accepted, 60) << "one second of input at once";
    EXPECT_EQ(refused, 600) << "dropped, unread, for ten seconds' worth before closing";
}

TEST(RateLimits, InputAtTheTickRateIsNeverRefused) {
    RateLimits limits(60);
    for (int tick = 0; tick < 6000; ++tick) {
        limits.refill(Seconds(1.0 / 60));
        ASSERT_EQ(limits.input(), Verdict::accept) << tick;
    }
}

TEST(RateLimits, AServerStallDoesNotCountAgainstHonestInput) {
    RateLimits limits(60);
    limits.refill(Seconds(3.0));  // the server stalled 3 s; the client sent 180 messages meanwhile
    for (int i = 0; i < 180; ++i) ASSERT_EQ(limits.input(), Verdict::accept) << i;
}

TEST(RateLimits, ChatRefusesTheSixthWithOneNoticeAndClosesAFlood) {
    RateLimits limits(60);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(limits.chat(), Verdict::accept);
    EXPECT_EQ(limits.chat(), Verdict::refuse_notify);
    for (int i = 0; i < 19; ++i) EXPECT_EQ(limits.chat(), Verdict::refuse) << i;
    EXPECT_EQ(limits.chat(), Verdict::close);
}

TEST(RateLimits, ChatRecoversAfterASilence) {
    RateLimits limits(60);
    for (int i = 0; i < 6; ++i) (void)limits.chat();
    limits.refill(Seconds(3.0));  // pays back the debt of one, then two tokens
    EXPECT_EQ(limits.chat(), Verdict::accept);
    EXPECT_EQ(limits.chat(), Verdict::accept);
    EXPECT_EQ(limits.chat(), Verdict::refuse_notify) << "a new refusal streak gets a new notice";
}

TEST(RateLimits, ClockSyncAnswersTenAtOnceThenFourASecond) {
    RateLimits limits(60);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(limits.clock_sync(), Verdict::accept);
    EXPECT_EQ(limits.clock_sync(), Verdict::refuse);
    limits.refill(Seconds(1.0));
    for (int i = 0; i < 4; ++i) EXPECT_EQ(limits.clock_sync(), Verdict::accept);
    EXPECT_EQ(limits.clock_sync(), Verdict::refuse);
}

// ---- input queue -----------------------------------------------------------------

std::vector<protocol::Frame> frames(std::uint32_t first, std::uint32_t last) {
    std::vector<protocol::Frame> out;
    for (std::uint32_t s = first; s <= last; ++s) out.emplace_back(s, s, Buttons::NONE, 0, 0, 0);
    return out;
}
std::vector<const protocol::Frame*> pointers(const std::vector<protocol::Frame>& f) {
    std::vector<const protocol::Frame*> out;
    for (const auto& x : f) out.push_back(&x);
    return out;
}

TEST(InputQueue, QueuesOnlyNewFramesAndHandsOneAPerTick) {
    InputQueue q;
    const auto a = frames(1, 3), b = frames(2, 5);  // b repeats 2 and 3 (redundancy)
    EXPECT_EQ(q.push(pointers(a)), 0u);
    EXPECT_EQ(q.push(pointers(b)), 0u);
    EXPECT_EQ(q.size(), 5u);
    for (std::uint32_t s = 1; s <= 5; ++s) {
        const auto n = q.next();
        ASSERT_EQ(n.kind, InputQueue::Next::Kind::frame);
        EXPECT_EQ(n.frame.sequence(), s);
        EXPECT_EQ(q.applied_sequence(), s);
    }
}

TEST(InputQueue, CannotBeBankedBeyondItsBound) {
    InputQueue q;
    const auto many = frames(1, 20);
    EXPECT_EQ(q.push(pointers(many)), 20u - InputQueue::kMaxQueuedFrames) << "the oldest are dropped";
    EXPECT_EQ(q.next().frame.sequence(), 20u - InputQueue::kMaxQueuedFrames + 1);
}

TEST(InputQueue, HoldsTheLastInputThenGoesIdleOnce) {
    InputQueue q;
    const auto one = frames(1, 1);
    q.push(pointers(one));
    EXPECT_EQ(q.next().kind, InputQueue::Next::Kind::frame);
    for (int i = 1; i < InputQueue::kHoldTicks; ++i) EXPECT_EQ(q.next().kind, InputQueue::Next::Kind::hold) << i;
    EXPECT_EQ(q.next().kind, InputQueue::Next::Kind::idle);
    EXPECT_EQ(q.next().kind, InputQueue::Next::Kind::hold) << "idle is set once, then held";
}

// ---- rooms and admission -------------------------------------------------------------

Rooms::Limits limits(int capacity, bool allow_create = true, int max_rooms = 64) {
    return {.max_rooms = max_rooms, .capacity = capacity, .allow_create = allow_create, .linger = 10s};
}

TEST(Rooms, AutoPicksTheFullestRoomWithSpace) {
    Rooms rooms(limits(3), 1);
    Refusal why;
    bool created = false;
    Room* a = rooms.choose("A", why, created);
    ASSERT_TRUE(a && created);
    Room* b = rooms.choose("B", why, created);
    a->members = {1, 2};
    b->members = {3};
    EXPECT_EQ(rooms.choose("auto", why, created), a);
    EXPECT_FALSE(created);
    a->members = {1, 2, 3};
    EXPECT_EQ(rooms.choose("auto", why, created), b) << "A is full";
    EXPECT_EQ(rooms.choose("A", why, created), nullptr);
    EXPECT_EQ(why.close_code, kCloseRoomFull);
}

TEST(Rooms, RefusesUnknownCodesWhenCreatingIsOff) {
    Rooms rooms(limits(32, false), 1);
    Refusal why;
    bool created = false;
    EXPECT_EQ(rooms.choose("NEW", why, created), nullptr);
    EXPECT_EQ(why.close_code, kCloseNoSuchRoom);
    EXPECT_EQ(rooms.choose("auto", why, created), nullptr);
    EXPECT_EQ(why.close_code, kCloseRoomFull);
}

TEST(Rooms, RemovesEmptyRoomsAfterTheLingerButNotPermanentOnes) {
    Rooms rooms(limits(32), 1);
    Refusal why;
    const auto t0 = Rooms::Clock::time_point{} + 1h;
    rooms.create("GONE", why)->empty_since = t0;
    Room* kept = rooms.create("KEPT", why);
    kept->permanent = true;
    std::vector<std::string> removed;
    rooms.remove_idle(t0 + 5s, removed);
    EXPECT_TRUE(removed.empty());
    rooms.remove_idle(t0 + 11s, removed);
    EXPECT_EQ(removed, std::vector<std::string>{"GONE"});
    EXPECT_EQ(rooms.size(), 1u);
}

JoinRequest hello(std::string_view room, std::string_view name = "ann") {
    return {.room = room, .query = {}, .protocol_version = protocol::kGameProtocolVersion, .name = name};
}

TEST(Admission, SeatsAPlayerInTheRoomItAskedFor) {
    Rooms rooms(limits(32), 1);
    Admission admission(rooms, 5s);
    Refusal why;
    const auto seat = admission.admit(hello("ARENA", "a\tb"), why);
    ASSERT_TRUE(seat);
    EXPECT_EQ(seat->room->code, "ARENA");
    EXPECT_TRUE(seat->room_created);
    EXPECT_EQ(seat->player_id, 1u);
    EXPECT_EQ(seat->name, "a b") << "control characters blanked";
    EXPECT_NE(seat->room->world.find_ship(1), nullptr);
    EXPECT_EQ(admission.admit(hello("ARENA", ""), why)->name, "player");
    EXPECT_EQ(admission.admit(hello("ARENA", "/cy"), why)->name, "/cy") << "a name is data, '/' and all";
}

TEST(Admission, RefusesAnotherProtocolVersion) {
    Rooms rooms(limits(32), 1);
    Admission admission(rooms, 5s);
    JoinRequest old = hello("ARENA");
    old.protocol_version = protocol::kGameProtocolVersion - 1;
    Refusal why;
    EXPECT_FALSE(admission.admit(old, why));
    EXPECT_EQ(why.close_code, kCloseVersion);
    EXPECT_EQ(rooms.size(), 0u) << "refused before any room is made";
}

TEST(Admission, RunsTheChecksADeploymentAdds) {
    Rooms rooms(limits(32), 1);
    Admission admission(rooms, 5s);
    admission.add_check([](const JoinRequest& r) -> std::optional<Refusal> {
        if (r.query == "ticket=good") return std::nullopt;
        return Refusal{4001, session::ErrorCode::Unknown, "no seat ticket"};
    });
    JoinRequest request = hello("ARENA");
    Refusal why;
    EXPECT_FALSE(admission.admit(request, why));
    EXPECT_EQ(why.close_code, 4001);
    EXPECT_EQ(why.reason, "no seat ticket");
    request.query = "ticket=good";
    EXPECT_TRUE(admission.admit(request, why));
}

TEST(Admission, AConnectionWithoutHelloIsOverdueAfterTheTimeout) {
    Rooms rooms(limits(32), 1);
    const Admission admission(rooms, 5s);
    const auto t0 = Admission::Clock::time_point{} + 1h;
    EXPECT_FALSE(admission.hello_overdue(t0, t0 + 5s));
    EXPECT_TRUE(admission.hello_overdue(t0, t0 + 5001ms));
}

// ---- snapshots -----------------------------------------------------------------------

TEST(SnapshotSender, DeltasFollowTheAckAndALieCannotPickABaseline) {
    Rooms rooms(limits(32), 1);
    Refusal why;
    Room& room = *rooms.create("R", why);
    ASSERT_TRUE(room.world.add_player(1));
    protocol::Codec codec;
    SnapshotSender sender({.snapshot_every = 1, .tick_rate = 60, .max_unacked_snapshots = 15}, codec);
    SnapshotAcks acks;
    auto baseline_of = [](const net::Message& m) {
        const auto in = protocol::decode(m.bytes());
        return in.game->body_as_Snapshot()->baseline_tick();
    };
    sender.capture(room, 1);
    EXPECT_EQ(baseline_of(sender.for_client(room, acks, 0)), 0u) << "nothing acked: full";
    acks.on_ack(7);  // never sent
    EXPECT_EQ(acks.acked_tick(), 0u);
    acks.on_ack(1);
    EXPECT_EQ(acks.acked_tick(), 1u);
    room.world.step();
    sender.capture(room, 2);
    EXPECT_EQ(baseline_of(sender.for_client(room, acks, 0)), 1u);
    EXPECT_EQ(sender.counts().sent, 2u);
    EXPECT_EQ(sender.counts().full, 1u);
}

TEST(SnapshotSender, AClientThatStopsAckingIsSkippedAndProbedOnceASecond) {
    Rooms rooms(limits(32), 1);
    Refusal why;
    Room& room = *rooms.create("R", why);
    protocol::Codec codec;
    SnapshotSender sender({.snapshot_every = 1, .tick_rate = 60, .max_unacked_snapshots = 15}, codec);
    SnapshotAcks acks;
    int sent = 0;
    for (std::uint32_t tick = 1; tick <= 120; ++tick) {
        sender.capture(room, tick);
        if (sender.for_client(room, acks, 0)) ++sent;
    }
    EXPECT_EQ(sent, 15 + 2) << "15 unacked, then one probe a second";
    EXPECT_EQ(sender.counts().superseded, 120u - 17u);
}

// ---- documents -------------------------------------------------------------------------

TEST(StatusReport, RoomsAndStatusAreJsonWithTheDocumentedFields) {
    Rooms rooms(limits(8), 1);
    Refusal why;
    rooms.create("B\"x", why)->members = {1, 2};  // not a valid code, but JSON must not care
    rooms.create("A", why);
    const auto list = boost::json::parse(rooms_json(rooms)).as_array();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].at("code").as_string(), "A");
    EXPECT_EQ(list[1].at("code").as_string(), "B\"x");
    EXPECT_EQ(list[1].at("players").to_number<int>(), 2);
    EXPECT_EQ(list[1].at("capacity").to_number<int>(), 8);

    MatchStats stats;
    stats.rooms = 2;
    stats.players = 17;
    stats.bytes_out = 1ull << 40;
    const auto status =
        boost::json::parse(status_json(stats, {.tick_p99 = 310us, .tick_max = 1ms, .work_p99 = 2ms, .work_max = 3ms}))
            .as_object();
    EXPECT_EQ(status.at("players").to_number<int>(), 17);
    EXPECT_DOUBLE_EQ(status.at("tick_p99_ms").to_number<double>(), 0.31);
    EXPECT_DOUBLE_EQ(status.at("work_max_ms").to_number<double>(), 3.0);
    EXPECT_EQ(status.at("bytes_out").to_number<std::uint64_t>(), 1ull << 40);
    for (const char* key : {"rooms", "tick_max_ms", "work_p99_ms", "snapshots_sent", "superseded", "replaced",
                            "bytes_in", "closed"})
        EXPECT_TRUE(status.contains(key)) << key;
}

}  // namespace
}  // namespace tickwire::game::server
