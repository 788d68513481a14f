// The match server's parts, each alone, without sockets: rate limits,
// the input queue, rooms, admission, snapshot acks and the status documents.
#include <chrono>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "admission.hpp"
#include "arrival_jitter.hpp"
#include "input_figures.hpp"
#include "input_queue.hpp"
#include "lag_compensation.hpp"
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

using Kind = InputQueue::Next::Kind;

// Frames with sequences first..last, each for the tick of its sequence plus `offset`.
std::vector<protocol::Frame> frames(std::uint32_t first, std::uint32_t last, std::int32_t offset = 0,
                                    Buttons buttons = Buttons::NONE) {
    std::vector<protocol::Frame> out;
    for (std::uint32_t s = first; s <= last; ++s) {
        out.emplace_back(static_cast<std::uint32_t>(static_cast<std::int32_t>(s) + offset), s, buttons, 0, 0, 0);
    }
    return out;
}

TEST(InputQueue, AppliesEachFrameInTheTickItNamesAndTellsHowEarlyItCame) {
    InputQueue q;
    // Frames for ticks 11..13 arrive before tick 10: two, three and four early.
    const auto a = frames(1, 3, 10), b = frames(2, 3, 10);  // b repeats 2 and 3 (an older client's redundancy)
    EXPECT_EQ(q.push(a, 10, {}), InputQueue::Offered{});
    EXPECT_EQ(q.push(b, 10, {}), InputQueue::Offered{.repeated = 2}) << "copies counted, never queued";
    EXPECT_EQ(q.size(), 3u);
    EXPECT_FALSE(q.lead()) << "nothing applied yet";
    EXPECT_EQ(q.next(10).kind, Kind::hold) << "early frames wait for their tick";
    for (std::uint32_t s = 1; s <= 3; ++s) {
        const auto n = q.next(10 + s);
        ASSERT_EQ(n.kind, Kind::frame);
        EXPECT_EQ(n.sequence, s);
        EXPECT_EQ(n.wait, static_cast<int>(s)) << "waited from tick 10 to its own";
        EXPECT_EQ(n.merged, 0u);
        EXPECT_EQ(q.applied_sequence(), s);
        EXPECT_EQ(q.lead(), static_cast<std::int8_t>(s));
    }
}

TEST(InputQueue, DrainsTheBacklogAfterAStallAtOnceKeepingItsShots) {
    InputQueue q;
    q.push(frames(1, 1, 99), 100, {});  // for tick 100, on time
    ASSERT_EQ(q.next(100).kind, Kind::frame);
    for (std::uint32_t t = 101; t < 116; ++t) {
        EXPECT_TRUE(q.next(t).counted_hold) << "a stall: held at " << t;
        EXPECT_EQ(q.report().held_ticks, t - 100) << "the client is told its moves are held";
    }
    // The stall ends: the frames for ticks 101..115 arrive late, one of them
    // firing, with those for 116..117 on time.
    auto burst = frames(2, 18, 99);
    burst[5] = protocol::Frame(106, 7, Buttons::Fire, 0, 0, 0);
    EXPECT_EQ(q.push(burst, 116, {}), InputQueue::Offered{}) << "nothing dropped";
    const auto n = q.next(116);
    ASSERT_EQ(n.kind, Kind::frame);
    EXPECT_EQ(n.sequence, 17u) << "the frame for this tick";
    EXPECT_EQ(n.merged, 15u) << "the late ones merged into it";
    EXPECT_TRUE(n.input.fire) << "the shot in a merged frame is fired";
    EXPECT_EQ(n.held_ticks, 15) << "the ticks whose moves the late frames make good";
    ASSERT_EQ(n.late_count, 15u);
    EXPECT_TRUE(n.late[5].fire) << "the late inputs, oldest first";
    EXPECT_FALSE(n.late[4].fire);
    EXPECT_EQ(q.report().held_ticks, 0) << "nothing held now";
    EXPECT_EQ(q.size(), 1u) << "back to the client's lead at once";
    EXPECT_EQ(q.next(117).sequence, 18u);
}

TEST(InputQueue, MakesHoldsGoodOnlyWhenTheLateFramesCoverThemAndWithinABudget) {
    InputQueue q;
    std::uint32_t seq = 1, t = 100;
    q.push(frames(seq, seq, 99), t, {});  // for tick 100, on time
    ASSERT_EQ(q.next(t).kind, Kind::frame);
    const auto hold = [&](int ticks) {
        for (int i = 0; i < ticks; ++i) ASSERT_EQ(q.next(++t).kind, Kind::hold);
    };
    // `late` frames for the ticks just gone, with the one for this tick.
    const auto arrive = [&](int late) {
        ++t;
        const auto n = static_cast<std::uint32_t>(late);
        q.push(frames(seq + 1, seq + n + 1, static_cast<std::int32_t>(t - seq - n - 1)), t, {});
        seq += n + 1;
        return q.next(t);
    };
    const auto stall = [&](int held, int late) {
        hold(held);
        return arrive(late).held_ticks;
    };
    EXPECT_EQ(stall(15, 15), 15) << "a stall's frames make its hold good";
    EXPECT_EQ(stall(2, 0), 0) << "a lone frame may undo one held step, not two";
    EXPECT_EQ(stall(1, 0), 1);
    EXPECT_EQ(stall(14, 14), 14);
    // 30 ticks of credit, a tick back every 20: 30 were spent, 1.5 came back.
    hold(5);
    EXPECT_EQ(q.report().held_ticks, 0) << "a hold the budget cannot cover is not announced";
    EXPECT_EQ(arrive(5).held_ticks, 0) << "and stands";
    // After 20 s of play the credit is whole again: two full stalls, not three.
    for (int i = 0; i < 1200; ++i) ASSERT_EQ(arrive(0).kind, Kind::frame);
    hold(15);
    EXPECT_EQ(q.report().held_ticks, 15);
    EXPECT_EQ(arrive(15).held_ticks, 15);
    EXPECT_EQ(stall(15, 15), 15);
    EXPECT_EQ(stall(15, 15), 0);
}

TEST(InputQueue, ALateFrameIsAppliedTheTickItArrivesAndSaysHowLate) {
    InputQueue q;
    q.push(frames(1, 1, 49), 53, {});  // for tick 50, arriving for 53
    const auto n = q.next(53);
    ASSERT_EQ(n.kind, Kind::frame);
    EXPECT_EQ(n.wait, 0);
    EXPECT_EQ(q.lead(), -3);
}

TEST(InputQueue, AppliesAtMostOneFrameATickHoweverManyAreSent) {
    InputQueue q;
    // A client that stamps every frame for "now" and sends 32 of them at once
    // gets one applied (and the rest merged): no extra movement.
    q.push(frames(1, 32, 0), 40, {});
    EXPECT_EQ(q.next(40).kind, Kind::frame);
    EXPECT_EQ(q.size(), 0u);
    EXPECT_EQ(q.next(41).kind, Kind::hold);
}

TEST(InputQueue, RefusesFramesTooFarAheadAndBeyondItsRoom) {
    InputQueue q;
    const auto far = frames(1, 1, 10 + InputQueue::kMaxLeadTicks);
    EXPECT_EQ(q.push(far, 10, {}).refused, 1u) << "more than kMaxLeadTicks ahead";
    const auto near = frames(2, 2 + InputQueue::kCapacity, 5);  // 33 frames within the lead
    EXPECT_EQ(q.push(near, 10, {}).refused, 1u) << "the one beyond kCapacity";
    EXPECT_EQ(q.size(), InputQueue::kCapacity);
}

TEST(InputQueue, CountsFramesThatNeverCameAndFramesThatCameTwice) {
    InputQueue q;
    // Sequences 40.. for ticks 10..: a first frame may start anywhere (a rejoin).
    EXPECT_EQ(q.push(frames(40, 41, -30), 10, {}), InputQueue::Offered{});
    EXPECT_EQ(q.push(frames(45, 45, -30), 10, {}), InputQueue::Offered{.skipped = 3}) << "42..44 never came";
    EXPECT_EQ(q.push(frames(44, 46, -30), 10, {}), InputQueue::Offered{.repeated = 2})
        << "44 after 45, and 45 again";
    EXPECT_EQ(q.size(), 4u) << "40, 41, 45 and 46 wait for their ticks";
}

TEST(InputQueue, GivesOlderFramesOfAMessageTheirOwnViewTime) {
    InputQueue q;
    q.push(frames(1, 3, 10), 12, {200 * 256 + 128, 20 * 256});  // ticks 11..13, newest seen at 200.5
    EXPECT_EQ(q.next(11).view.tick_q8, 198u * 256 + 128);
    EXPECT_EQ(q.next(12).view.tick_q8, 199u * 256 + 128);
    const auto newest = q.next(13).view;
    EXPECT_EQ(newest.tick_q8, 200u * 256 + 128);
    EXPECT_EQ(newest.max_rewind_q8, 20u * 256) << "the cap goes with the view";
}

TEST(InputQueue, HoldsTheLastInputThenGoesIdleOnce) {
    InputQueue q;
    EXPECT_FALSE(q.next(1).counted_hold) << "not a held input before the first frame";
    q.push(frames(1, 1, 1), 2, {});
    EXPECT_EQ(q.next(2).kind, Kind::frame);
    for (int i = 1; i < InputQueue::kHoldTicks; ++i) {
        const auto n = q.next(2 + static_cast<std::uint32_t>(i));
        EXPECT_EQ(n.kind, Kind::hold) << i;
        EXPECT_TRUE(n.counted_hold) << i;
    }
    EXPECT_EQ(q.next(100).kind, Kind::idle);
    const auto after = q.next(101);
    EXPECT_EQ(after.kind, Kind::hold) << "idle is set once, then held";
    EXPECT_FALSE(after.counted_hold) << "a client gone quiet is not counted as held";
    EXPECT_EQ(q.report().held_ticks, 0) << "nor are its moves made good when it comes back";
    q.push(frames(2, 3, 99), 102, {});
    const auto back = q.next(102);
    ASSERT_EQ(back.kind, Kind::frame);
    EXPECT_EQ(back.held_ticks, 0);
}

TEST(InputQueue, FifoModeIsTheOldFixedBuffer) {
    InputQueue q(InputQueue::Mode::fifo);
    const auto many = frames(1, 20, 1000);  // ticks ignored
    EXPECT_EQ(q.push(many, 5, {}).refused, 20u - InputQueue::kFifoFrames) << "the oldest are dropped";
    const auto n = q.next(5);
    EXPECT_EQ(n.sequence, 20u - InputQueue::kFifoFrames + 1);
    EXPECT_EQ(q.size(), InputQueue::kFifoFrames - 1) << "one a tick: the standing queue stays";
    EXPECT_FALSE(q.lead()) << "no lead reported: clients do not dilate";
    for (std::uint32_t t = 6; t < 20; ++t) (void)q.next(t);  // drained, then held
    EXPECT_EQ(q.report().held_ticks, 0) << "nor held moves: the old buffer never makes them good";
}

// ---- arrival jitter ------------------------------------------------------------

// One frame a tick with these leads, from tick 1000 on; returns the figure.
int jitter_of(const std::vector<int>& leads) {
    ArrivalJitter j;
    std::uint32_t tick = 1000;
    for (const int lead : leads) j.arrived(++tick, lead);
    j.arrived(++tick, 0);  // the last sample is taken when the next tick's arrivals start
    return j.ticks();
}

TEST(ArrivalJitter, FramesArrivingWithASteadyLeadHaveNoJitter) {
    EXPECT_EQ(ArrivalJitter().ticks(), 0) << "nothing measured yet";
    EXPECT_EQ(jitter_of(std::vector<int>(300, 2)), 0);
    std::vector<int> alternating;
    for (int i = 0; i < 300; ++i) alternating.push_back(1 + i % 2);
    EXPECT_EQ(jitter_of(alternating), 1) << "every other frame a tick behind the usual";
}

TEST(ArrivalJitter, IsTheLateTailThatKeepsComingBack) {
    // One arrival in ten two ticks later than usual, one in twenty-five three.
    std::vector<int> leads;
    for (int i = 0; i < 300; ++i) leads.push_back(i % 25 == 7 ? -1 : i % 10 == 3 ? 0 : 2);
    EXPECT_EQ(jitter_of(leads), 3) << "the 98th percentile: late by three";
    // The same tail, rarer than one arrival in fifty, is not worth the delay.
    for (int& l : leads) l = 2;
    for (int i = 0; i < 300; i += 60) leads[static_cast<std::size_t>(i)] = -3;
    EXPECT_EQ(jitter_of(leads), 0);
}

TEST(ArrivalJitter, AStallOrALatencyStepIsNotJitter) {
    // A stall: nothing for 12 ticks, then the held frames in one burst.
    ArrivalJitter j;
    std::uint32_t tick = 1000;
    for (int i = 0; i < 100; ++i) j.arrived(++tick, 2);
    tick += 12;
    for (int late = -10; late <= 2; ++late) j.arrived(tick, late);
    for (int i = 0; i < 100; ++i) j.arrived(++tick, 2);
    EXPECT_EQ(j.ticks(), 0) << "the burst is one late arrival";
    // Latency up by 5 ticks: frames come 5 ticks later until the client
    // catches up, a tick every 20.
    std::vector<int> leads(100, 2);
    for (int i = 0; i < 140; ++i) leads.push_back(-3 + i / 20);
    EXPECT_EQ(jitter_of(leads), 0) << "the usual lead moves with the step within a few arrivals";
}

TEST(ArrivalJitter, FallsAsLateArrivalsAgeOut) {
    std::vector<int> leads;
    for (int i = 0; i < 300; ++i) leads.push_back(i % 10 == 3 ? -2 : 2);
    EXPECT_EQ(jitter_of(leads), 4);
    leads.insert(leads.end(), ArrivalJitter::kWindow, 2);
    EXPECT_EQ(jitter_of(leads), 0) << "a window later";
}

TEST(InputQueue, ReportsTheArrivalJitterOnTimeAndNothingFirstInFirstOut) {
    InputQueue on_time, fifo(InputQueue::Mode::fifo);
    // Frames two ticks early, one message a tick, except that every ten ticks
    // two messages are held and arrive with the third: its oldest frame two
    // ticks later than usual.
    std::vector<protocol::Frame> pending;
    for (std::uint32_t t = 101; t <= 400; ++t) {
        pending.emplace_back(t + 2, t - 100, Buttons::NONE, 0, 0, 0);
        if (t % 10 == 3 || t % 10 == 4) continue;
        for (InputQueue* q : {&on_time, &fifo}) {
            q->push(pending, t, {});
            q->next(t);
        }
        pending.clear();
    }
    const InputReport r = on_time.report();
    EXPECT_EQ(r.applied_sequence, on_time.applied_sequence());
    EXPECT_EQ(r.lead, on_time.lead());
    EXPECT_EQ(r.jitter_ticks, 2);
    EXPECT_FALSE(fifo.report().lead);
    EXPECT_EQ(fifo.report().jitter_ticks, 0);
}

// ---- lag compensation ------------------------------------------------------------

constexpr std::uint64_t q8(double ticks) { return static_cast<std::uint64_t>(ticks * 256); }

TEST(LagCompensation, BelievesAViewNearTheNewestAckedSnapshotAndCapsItsRoundTripAt250Ms) {
    const LagCompensation lag({});
    EXPECT_EQ(lag.max_rewind_q8(), q8(15));
    // Drawing 5.5 ticks behind the acked snapshot 1000: that much
    // interpolation delay comes on top of the 250 ms (15 ticks) round trip.
    const ShotView view = lag.trusted_view({994, 128}, 1000);
    EXPECT_EQ(view.tick_q8, q8(994.5));
    EXPECT_EQ(view.max_rewind_q8, q8(20.5));
    EXPECT_EQ(lag.rewind(view, 1010), q8(15.5)) << "a 10-tick round trip: all of it";
    EXPECT_EQ(lag.rewind(view, 1030), q8(20.5)) << "a 30-tick one: 15 of it";
    EXPECT_EQ(lag.rewind(lag.trusted_view({1000, 0}, 1000), 1030), q8(15)) << "no interpolation delay, none added";
    // The cap of old: the whole rewind, interpolation delay included.
    const LagCompensation whole({.max_rewind_includes_interpolation = true});
    EXPECT_EQ(whole.rewind(whole.trusted_view({994, 128}, 1000), 1010), q8(15));
}

TEST(LagCompensation, AViewClaimedFarInThePastOrFutureIsClampedToTheEstimate) {
    const LagCompensation lag({});
    const ShotView past = lag.trusted_view({1, 0}, 1000);
    EXPECT_EQ(past.tick_q8, q8(1000 - 6)) << "100 ms before the acked snapshot at most";
    EXPECT_EQ(lag.rewind(past, 1003), q8(9));
    EXPECT_EQ(lag.rewind(past, 2000), q8(21)) << "and never beyond the cap: 250 + 100 ms";
    const ShotView future = lag.trusted_view({0xFFFFFFFF, 255}, 1000);
    EXPECT_EQ(future.tick_q8, q8(1001)) << "never ahead of what it was sent";
    EXPECT_EQ(future.max_rewind_q8, q8(15)) << "nothing added";
    EXPECT_EQ(lag.rewind(future, 1001), 0u);
    EXPECT_EQ(lag.rewind(future, 990), 0u) << "no rewind into the future";
}

TEST(LagCompensation, NothingIsRewoundWithoutAnAckAViewOrWhenOff) {
    const LagCompensation lag({});
    EXPECT_EQ(lag.trusted_view({994, 0}, 0).tick_q8, 0u);
    EXPECT_EQ(lag.trusted_view({0, 0}, 1000).tick_q8, 0u);
    EXPECT_EQ(lag.rewind({}, 1000), 0u);
    const LagCompensation off({.enabled = false});
    EXPECT_EQ(off.trusted_view({994, 0}, 1000).tick_q8, 0u);
    EXPECT_EQ(off.rewind({q8(994), q8(15)}, 1000), 0u);
}

// ---- input figures ---------------------------------------------------------------

TEST(InputFigures, CountsTheLastTenSecondsWithWaitPercentiles) {
    InputFigures f(60);
    std::uint32_t tick = 1;
    // 20 s: first 10 s of long waits, then 10 s of short ones.
    for (; tick <= 1200; ++tick) {
        f.start_tick(tick);
        f.applied(tick <= 600 ? 8 : (tick % 10 == 0 ? 3 : 1), 0);
        if (tick % 100 == 0) f.held();
    }
    const InputTiming w = f.window();
    EXPECT_NEAR(static_cast<double>(w.applied), 600, 60) << "ten seconds' worth";
    EXPECT_NEAR(static_cast<double>(w.held_ticks), 6, 1);
    EXPECT_EQ(w.wait_p50_ticks, 1);
    EXPECT_EQ(w.wait_p95_ticks, 3) << "the old long waits are out of the window";
    f.dropped(5);
    EXPECT_EQ(f.window().dropped, 5u);
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
    EXPECT_EQ(baseline_of(sender.for_client(room, acks)), 0u) << "nothing acked: full";
    acks.on_ack(7);  // never sent
    EXPECT_EQ(acks.acked_tick(), 0u);
    acks.on_ack(1);
    EXPECT_EQ(acks.acked_tick(), 1u);
    room.world.step();
    sender.capture(room, 2);
    EXPECT_EQ(baseline_of(sender.for_client(room, acks)), 1u);
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
        if (sender.for_client(room, acks)) ++sent;
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
    const auto name_of = [](net::ConnectionId id) { return id == 1 ? std::string_view("ana \"1\"") : "bo"; };
    const auto list = boost::json::parse(rooms_json(rooms, name_of)).as_array();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].at("code").as_string(), "A");
    EXPECT_EQ(list[1].at("code").as_string(), "B\"x");
    EXPECT_EQ(list[1].at("players").to_number<int>(), 2);
    EXPECT_EQ(list[1].at("names"), (boost::json::array{"ana \"1\"", "bo"}));
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
                            "bytes_in", "closed", "inputs_applied", "inputs_merged", "inputs_dropped",
                            "inputs_held_ticks", "inputs_held_ticks_replaced", "input_wait_p50_ticks", "input_wait_p95_ticks", "shots_fired",
                            "shots_hit", "shots_hit_rewound"})
        EXPECT_TRUE(status.contains(key)) << key;
}

}  // namespace
}  // namespace tickwire::game::server
