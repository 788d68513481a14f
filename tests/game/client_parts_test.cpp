// ClientCore's parts, each alone, without sockets and on made-up time: clock
// sync, the interpolation buffer, prediction, time dilation, input sampling
// and the roster.
#include <cmath>
#include <deque>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "clock_sync.hpp"
#include "input_sampler.hpp"
#include "input_sender.hpp"
#include "interpolation_buffer.hpp"
#include "prediction.hpp"
#include "roster.hpp"
#include "time_dilation.hpp"

namespace tickwire::game {
namespace {

constexpr double kTickUs = 1e6 / 60;

// ---- clock sync ----------------------------------------------------------------------

TEST(ClockSync, EstimatesTheServerTickHalfARoundTripAfterTheReply) {
    ClockSync clock(kTickUs);
    EXPECT_FALSE(clock.known());
    // Sent at 1 s; the server at tick 600 answered instantly; back at 1.1 s.
    clock.on_response({.client_send_time_us = 1'000'000,
                       .server_receive_time_us = 7,
                       .server_send_time_us = 7,
                       .server_tick = 600},
                      1'100'000);
    ASSERT_TRUE(clock.known());
    EXPECT_DOUBLE_EQ(clock.rtt_us(), 100'000);
    // At 1.05 s (half a round trip after sending) the server was at 600.
    EXPECT_NEAR(clock.server_tick(1'050'000), 600.0, 1e-9);
    EXPECT_NEAR(clock.server_tick(1'050'000 + 1'000'000), 660.0, 1e-6) << "60 ticks a second";
}

TEST(ClockSync, SmallDifferencesMoveTheClockALittleLargeOnesResetIt) {
    ClockSync clock(kTickUs);
    clock.on_welcome(1000, 0);
    // A reply saying the server is 5 ticks ahead of our estimate: a fifth of it.
    clock.on_response({.client_send_time_us = 0, .server_receive_time_us = 0, .server_send_time_us = 0, .server_tick = 1005}, 0);
    EXPECT_NEAR(clock.server_tick(0), 1001.0, 1e-9);
    // 100 ticks off: taken as is.
    clock.on_response({.client_send_time_us = 0, .server_receive_time_us = 0, .server_send_time_us = 0, .server_tick = 1101}, 0);
    EXPECT_NEAR(clock.server_tick(0), 1101.0, 1e-9);
}

TEST(ClockSync, IgnoresAbsurdRepliesAndOnesThatSpanAResume) {
    ClockSync clock(kTickUs);
    clock.on_response({.client_send_time_us = 500, .server_receive_time_us = 0, .server_send_time_us = 0, .server_tick = 9}, 100);
    EXPECT_FALSE(clock.known()) << "a negative round trip is not ours";
    clock.on_resumed(2'000'000);
    clock.on_response({.client_send_time_us = 1'000'000, .server_receive_time_us = 0, .server_send_time_us = 0, .server_tick = 9},
                      2'100'000);
    EXPECT_FALSE(clock.known()) << "its round trip includes the outage";
}

TEST(ClockSync, AsksFiveTimesQuicklyThenTwiceASecond) {
    ClockSync clock(kTickUs);
    std::vector<std::int64_t> sent;
    for (std::int64_t t = 0; t <= 3'000'000; t += 10'000) {
        if (clock.request_due(t)) sent.push_back(t);
    }
    const std::vector<std::int64_t> expected = {0, 100'000, 200'000, 300'000, 400'000, 500'000, 1'000'000,
                                                1'500'000, 2'000'000, 2'500'000, 3'000'000};
    EXPECT_EQ(sent, expected);
}

// ---- interpolation buffer --------------------------------------------------------------

std::vector<protocol::Entity> ship_at(float x) {
    return {protocol::Entity(1, static_cast<std::int32_t>(x * 256), 0, 0, 0, 0, 1, EntityKind::Player, EntityFlags::Alive,
                             100, 1)};
}

// Snapshots every 2 ticks arriving exactly on time, the ship moving one unit
// per tick: after settling, the render clock steps one tick per tick, never
// starves, and draws the ship between the two snapshots around it.
TEST(InterpolationBuffer, ASteadyStreamIsDrawnSmoothlyBehindTheNewestSnapshot) {
    InterpolationBuffer buffer(kTickUs);
    std::int64_t now = 1;
    double last_render = 0;
    int checked = 0;
    for (std::uint32_t tick = 1; tick <= 600; ++tick) {
        now += static_cast<std::int64_t>(kTickUs);
        if (tick % 2 == 0) buffer.push(tick, ship_at(static_cast<float>(tick)), now);
        buffer.advance(now);
        if (tick < 300) {
            last_render = buffer.render_tick();
            continue;
        }
        EXPECT_NEAR(buffer.render_tick() - last_render, 1.0, 1e-3) << "tick " << tick;
        last_render = buffer.render_tick();
        const auto span = buffer.at(0.5);
        ASSERT_NE(span.from, nullptr);
        EXPECT_LE(span.from->tick, buffer.render_tick() + 0.5);
        EXPECT_GT(span.to->tick, buffer.render_tick() + 0.5) << "starved at tick " << tick;
        ++checked;
    }
    EXPECT_EQ(checked, 301);
    EXPECT_NEAR(buffer.delay_ticks(), 3.0, 0.01) << "a snapshot interval and a tick, no jitter";
    EXPECT_NEAR(buffer.jitter_us(), 0.0, 1.0);
}

TEST(InterpolationBuffer, ArrivalJitterLengthensTheDelay) {
    InterpolationBuffer steady(kTickUs), jittery(kTickUs);
    for (std::uint32_t tick = 2; tick <= 600; tick += 2) {
        const auto on_time = static_cast<std::int64_t>(tick * kTickUs);
        steady.push(tick, ship_at(0), on_time);
        jittery.push(tick, ship_at(0), on_time + (tick % 4 == 0 ? 20'000 : 0));
    }
    EXPECT_GT(jittery.jitter_us(), 10'000.0);
    EXPECT_GT(jittery.delay_ticks(), steady.delay_ticks() + 1.0);
}

TEST(InterpolationBuffer, DrawingPastTheNewestSnapshotLengthensTheDelayForAWhile) {
    InterpolationBuffer buffer(kTickUs);
    std::int64_t now = 1;
    const auto run = [&](std::uint32_t from, std::uint32_t to, std::uint32_t held_until) {
        for (std::uint32_t tick = from; tick <= to; ++tick) {
            now += static_cast<std::int64_t>(kTickUs);
            // Snapshots every 2 ticks; those before `held_until` come with it.
            if (tick >= held_until && tick % 2 == 0) {
                for (std::uint32_t s = std::max(from, tick - 8) & ~1u; s <= tick; s += 2) {
                    if (s > buffer.newest_tick()) buffer.push(s, ship_at(0), now);
                }
            }
            buffer.advance(now);
        }
    };
    run(1, 300, 0);
    ASSERT_EQ(buffer.starved_ticks(), 0u);
    const double steady = buffer.delay_ticks();
    run(301, 400, 310);  // nothing from 301 to 309, a late machine
    ASSERT_GT(buffer.starved_ticks(), 0u) << "the view stood still";
    const double from_jitter = (2 * kTickUs + kTickUs + 3 * buffer.jitter_us()) / kTickUs;
    EXPECT_GT(buffer.delay_ticks(), from_jitter + 0.5) << "a margin on top of the jitter's share";
    run(401, 4000, 0);
    EXPECT_NEAR(buffer.delay_ticks(), steady, 0.2) << "and back once nothing starves for a minute";
}

TEST(InterpolationBuffer, KeepsABoundedNumberOfSnapshotsAndForgetsThemOnReset) {
    InterpolationBuffer buffer(kTickUs);
    for (std::uint32_t tick = 1; tick <= 100; ++tick) buffer.push(tick, ship_at(0), tick * 1000);
    EXPECT_EQ(buffer.newest()->tick, 100u);
    buffer.advance(100 * 1000);
    EXPECT_GE(buffer.at(0).from->tick, 100u - InterpolationBuffer::kCapacity + 1);
    buffer.reset();
    EXPECT_EQ(buffer.newest(), nullptr);
    EXPECT_EQ(buffer.newest_tick(), 0u);
    EXPECT_EQ(buffer.at(0).from, nullptr);
}

// ---- prediction ----------------------------------------------------------------------------

protocol::Entity own_ship(const sim::Body& b, EntityFlags flags = EntityFlags::Alive) {
    return protocol::Entity(7, b.x, b.y, static_cast<std::int16_t>(b.vx), static_cast<std::int16_t>(b.vy), 0, 1,
                            EntityKind::Player, flags, 100, 1);
}

TEST(Prediction, MovesAtOnceAndAgreesWithTheServerWhenItReplaysTheSameInputs) {
    const sim::Arena arena = sim::Arena::standard();
    Prediction p(arena);
    sim::Body server{200 * sim::kUnit, 200 * sim::kUnit, 0, 0};
    p.reconcile(nullptr, 0, 0);
    EXPECT_FALSE(p.known());
    const auto start = own_ship(server);
    p.reconcile(&start, 0, 0);
    ASSERT_TRUE(p.known());
    const float x0 = p.x();
    const sim::Input right = sim::sanitise_intent(1, 0, 0, false);
    for (int i = 0; i < 10; ++i) p.record(right, 0);
    EXPECT_GT(p.x(), x0 + 1.0f) << "the own ship moves before any server answer";
    // The server applied the first 6 of those inputs: prediction replays the
    // other 4 on top and lands exactly where it already was.
    for (int i = 0; i < 6; ++i) sim::step_movement(server, right, arena);
    const auto snapshot = own_ship(server);
    const float before = p.x();
    p.reconcile(&snapshot, 6, 0);
    EXPECT_FLOAT_EQ(p.x(), before);
    EXPECT_EQ(p.corrections(), 0u);
    protocol::Frame frames[32];
    EXPECT_EQ(p.unconfirmed(frames), 4u) << "the frames the server has not applied are replayed";
    EXPECT_EQ(frames[0].sequence(), 7u);
}

// The server's ship at rest at (200, 200), reconciled into `p`.
sim::Body at_rest_known_to(Prediction& p) {
    const sim::Body server{200 * sim::kUnit, 200 * sim::kUnit, 0, 0};
    const auto start = own_ship(server);
    p.reconcile(&start, 0, 0);
    return server;
}

TEST(Prediction, KeepsItsCourseWhileTheServerHoldsMovesItWillMakeGood) {
    const sim::Arena arena = sim::Arena::standard();
    Prediction p(arena);
    sim::Body server = at_rest_known_to(p);
    const sim::Input right = sim::sanitise_intent(1, 0, 0, false), down = sim::sanitise_intent(0, 1, 0, false);
    for (int i = 0; i < 4; ++i) p.record(down, 0);
    // The frames are late: the server ran 4 ticks on a held "right" (the
    // player had turned down) and says so.
    for (int i = 0; i < 4; ++i) sim::step_movement(server, right, arena);
    const float x = p.x(), y = p.y();
    const auto held = own_ship(server);
    p.reconcile(&held, 0, 4);
    EXPECT_EQ(p.x(), x);
    EXPECT_EQ(p.y(), y);
    EXPECT_EQ(p.corrections(), 0u) << "no correction towards a move the server will undo";
    // Beyond what the server makes good, the hold stands and is corrected.
    p.reconcile(&held, 0, sim::kMaxReplacedHeldTicks + 1);
    EXPECT_EQ(p.corrections(), 1u);
    // And a ship that died meanwhile is not kept flying.
    const auto dead = own_ship(server, EntityFlags::NONE);
    p.reconcile(&dead, 0, 4);
    EXPECT_FALSE(p.alive());
}

TEST(Prediction, StopsKeepingItsCourseWhenTheHeldMovesAreNeverMadeGood) {
    const sim::Arena arena = sim::Arena::standard();
    Prediction p(arena);
    sim::Body server = at_rest_known_to(p);
    const sim::Input down = sim::sanitise_intent(0, 1, 0, false);
    p.record(down, 0);
    // A server that says "held, 1 tick" in every snapshot and never makes
    // it good: the client listens again after kMaxKeptCourse snapshots.
    const auto elsewhere = own_ship({server.x + 20 * sim::kUnit, server.y, 0, 0});
    for (int i = 0; i < Prediction::kMaxKeptCourse; ++i) p.reconcile(&elsewhere, 0, 1);
    EXPECT_EQ(p.corrections(), 0u);
    p.reconcile(&elsewhere, 0, 1);
    EXPECT_EQ(p.corrections(), 1u) << "corrected after " << Prediction::kMaxKeptCourse << " snapshots";
}

// ---- input sender ------------------------------------------------------------------

TEST(InputSender, SendsEachFrameOnceEveryInterval) {
    const sim::Arena arena = sim::Arena::standard();
    Prediction p(arena);
    InputSender every_tick(1), every_third(3);
    protocol::Frame frames[32];
    const sim::Input move = sim::sanitise_intent(1, 0, 0, false), fire = sim::sanitise_intent(1, 0, 0, true);
    std::vector<std::uint32_t> sent_each, sent_batched, batch_sizes;
    for (std::uint32_t tick = 1; tick <= 12; ++tick) {
        EXPECT_EQ(every_third.ticks_until_send(), 2 - static_cast<int>((tick - 1) % 3)) << "stamped for when it leaves";
        p.record(tick == 8 ? fire : move, tick);
        for (std::size_t i = 0, n = every_tick.due(p, frames); i < n; ++i) sent_each.push_back(frames[i].sequence());
        const std::size_t n = every_third.due(p, frames);
        if (n > 0) batch_sizes.push_back(static_cast<std::uint32_t>(n));
        for (std::size_t i = 0; i < n; ++i) sent_batched.push_back(frames[i].sequence());
    }
    const std::vector<std::uint32_t> all = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    EXPECT_EQ(sent_each, all) << "each frame once, though none was confirmed";
    EXPECT_EQ(sent_batched, all) << "each frame once, in order";
    EXPECT_EQ(batch_sizes, (std::vector<std::uint32_t>{3, 3, 3, 3})) << "3 ticks a message, a shot (8) too";
}

TEST(Prediction, ASmallErrorBlendsOutALargeOneSnaps) {
    const sim::Arena arena = sim::Arena::standard();
    Prediction p(arena);
    const sim::Body at{300 * sim::kUnit, 300 * sim::kUnit, 0, 0};
    const auto here = own_ship(at);
    p.reconcile(&here, 0, 0);
    const auto near = own_ship({at.x + 10 * sim::kUnit, at.y, 0, 0});
    p.reconcile(&near, 0, 0);
    EXPECT_EQ(p.corrections(), 1u);
    EXPECT_NEAR(p.x(), 300.0f, 1e-3) << "shown where it was, then blended";
    for (int i = 0; i < 60; ++i) p.decay();
    EXPECT_NEAR(p.x(), 310.0f, 0.01f);
    const auto far = own_ship({at.x + 500 * sim::kUnit, at.y, 0, 0});
    p.reconcile(&far, 0, 0);
    EXPECT_NEAR(p.x(), 800.0f, 1e-3) << "a large error snaps";
}

// ---- time dilation and input sampling ----------------------------------------------

// A client stamping frames with TimeDilation against a server that reads
// them `latency` ticks after they are sent, one tick later every third frame,
// and reports each frame's lead 10 ticks later (a round trip).
struct DilatedLink {
    TimeDilation dilation{kTickUs};
    Prediction prediction{arena};
    InputSampler sampler;
    int latency = 5;
    std::uint8_t jitter_ms = 0;
    struct Report {
        int due;
        std::uint32_t sequence;
        int lead;
    };
    std::deque<Report> reports;
    int tick = 0;
    std::vector<int> leads;         // of every frame, as the server saw it
    std::vector<int> frames_per_tick;

    // One loop tick; returns the sequences sampled.
    std::vector<std::uint32_t> step() {
        ++tick;
        const auto now = static_cast<std::int64_t>(tick * kTickUs);
        while (!reports.empty() && reports.front().due <= tick) {
            const Report r = reports.front();
            reports.pop_front();
            dilation.on_lead(static_cast<std::int8_t>(r.lead), jitter_ms, r.sequence);
        }
        const auto sampled = sampler.step(dilation, prediction, tick + latency, now);
        protocol::Frame frames[32];
        const std::size_t n = prediction.unconfirmed(frames);
        for (std::size_t i = n - sampled.size(); i < n; ++i) {
            const int arrival = tick + latency + (tick % 3 == 0 ? 1 : 0);
            leads.push_back(static_cast<int>(frames[i].tick()) - arrival);
            reports.push_back({tick + 10, frames[i].sequence(), leads.back()});
        }
        frames_per_tick.push_back(static_cast<int>(sampled.size()));
        return {sampled.begin(), sampled.end()};
    }
    static inline const sim::Arena arena = sim::Arena::standard();
};

TEST(TimeDilation, KeepsTheLeadJustAboveTheTargetWithoutDitheringFrames) {
    DilatedLink link;
    for (int i = 0; i < 900; ++i) link.step();
    // After settling: one frame every tick (moving frames by a whole tick to
    // chase a fraction made some frames late), every frame on time, and the
    // lead within the dead band of the 1-tick target.
    int dithered = 0, late = 0;
    for (std::size_t t = 300; t < link.frames_per_tick.size(); ++t) dithered += link.frames_per_tick[t] != 1 ? 1 : 0;
    for (std::size_t f = 300; f < link.leads.size(); ++f) late += link.leads[f] < 0 ? 1 : 0;
    EXPECT_EQ(dithered, 0);
    EXPECT_EQ(late, 0);
    EXPECT_DOUBLE_EQ(link.dilation.target_ticks(), TimeDilation::kMinTarget);
    EXPECT_GE(link.dilation.lead_ticks(), link.dilation.target_ticks() - TimeDilation::kSlackBelow);
    EXPECT_LE(link.dilation.lead_ticks(), link.dilation.target_ticks() + TimeDilation::kSlackAbove);
}

TEST(TimeDilation, TheTargetFollowsTheReportedJitterUpAtOnceAndDownSlowly) {
    DilatedLink link;
    for (int i = 0; i < 120; ++i) link.step();
    link.jitter_ms = 50;  // 3 ticks
    for (int i = 0; i < 12; ++i) link.step();
    EXPECT_DOUBLE_EQ(link.dilation.target_ticks(), 3.0) << "at the first report";
    for (int i = 0; i < 240; ++i) link.step();
    EXPECT_GE(link.dilation.lead_ticks(), 3.0 - TimeDilation::kSlackBelow) << "the lead followed";
    link.jitter_ms = 0;
    for (int i = 0; i < 60; ++i) link.step();
    EXPECT_NEAR(link.dilation.target_ticks(), 3.0 - TimeDilation::kTargetFall, 0.1) << "a second later";
    for (int i = 0; i < 300; ++i) link.step();
    EXPECT_DOUBLE_EQ(link.dilation.target_ticks(), TimeDilation::kMinTarget);
    link.jitter_ms = 250;
    for (int i = 0; i < 12; ++i) link.step();
    EXPECT_DOUBLE_EQ(link.dilation.target_ticks(), TimeDilation::kMaxTarget) << "bounded: 100 ms of input delay";
}

// Whether the newest `sampled.size()` frames fire.
std::vector<bool> fires(const Prediction& p, std::size_t count) {
    protocol::Frame frames[32];
    const std::size_t n = p.unconfirmed(frames);
    std::vector<bool> out;
    for (std::size_t i = n - count; i < n; ++i) out.push_back(protocol::to_input(frames[i]).fire);
    return out;
}

TEST(InputSampler, AClickShorterThanATickIsCarriedByTheNextFrame) {
    const sim::Arena arena = sim::Arena::standard();
    Prediction prediction(arena);
    TimeDilation dilation(kTickUs);
    InputSampler sampler;
    sampler.set_intent({0, 0, 0, true});
    sampler.set_intent({0, 0, 0, false});  // released before the step
    ASSERT_EQ(sampler.step(dilation, prediction, std::nullopt, 0).size(), 1u) << "clock unknown: one frame a tick";
    EXPECT_EQ(fires(prediction, 1), std::vector<bool>{true});
    sampler.step(dilation, prediction, std::nullopt, 0);
    EXPECT_EQ(fires(prediction, 1), std::vector<bool>{false}) << "once";
    sampler.set_intent({0, 0, 0, true});  // held: every frame fires
    sampler.step(dilation, prediction, std::nullopt, 0);
    sampler.step(dilation, prediction, std::nullopt, 0);
    EXPECT_EQ(fires(prediction, 2), (std::vector<bool>{true, true}));
}

TEST(InputSampler, AClickInATickWithoutAFrameIsNeverLost) {
    // The link gets faster and faster: frames arrive earlier than the client
    // wants, and it slows down, sampling no frame in one tick of twenty.
    DilatedLink link;
    int clicks = 0, fired = 0, across_empty_ticks = 0;
    bool pending = false;
    for (int i = 0; i < 600; ++i) {
        if (i % 15 == 0) --link.latency;
        if (!pending) {
            link.sampler.set_intent({0, 0, 0, true});
            link.sampler.set_intent({0, 0, 0, false});
            ++clicks;
            pending = true;
        }
        const auto sampled = link.step();
        if (sampled.empty()) {
            across_empty_ticks += pending ? 1 : 0;
            continue;
        }
        for (const bool f : fires(link.prediction, sampled.size())) fired += f ? 1 : 0;
        pending = false;
    }
    EXPECT_GT(across_empty_ticks, 5) << "clicks fell in ticks that sampled no frame";
    EXPECT_EQ(fired, clicks - (pending ? 1 : 0)) << "each click fired exactly once";
}

// ---- roster ---------------------------------------------------------------------------------

TEST(Roster, TracksPresenceAndTellsTheChat) {
    std::vector<ChatLine> lines;
    ChatLog chat(lines);
    Roster roster;
    roster.set_local(3, "me");
    roster.present(1, "ann");
    roster.joined(2, "bob", chat);
    EXPECT_EQ(roster.name_of(2), "bob");
    EXPECT_EQ(roster.name_of(9), "player 9");
    std::vector<ScoreRow> board;
    roster.scoreboard(board);
    EXPECT_EQ(board.size(), 3u);
    roster.left(1, chat);
    roster.left(42, chat);  // never present: nothing to say
    roster.scoreboard(board);
    EXPECT_EQ(board.size(), 2u);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].text, "bob joined");
    EXPECT_EQ(lines[1].text, "ann left");
    EXPECT_TRUE(lines[0].from.empty()) << "notices have no sender";
}

TEST(Roster, KillsAndScoresMakeTheScoreboardAndTheLocalRespawn) {
    std::vector<ChatLine> lines;
    ChatLog chat(lines);
    Roster roster;
    roster.set_local(1, "me");
    roster.present(2, "bob");
    flatbuffers::FlatBufferBuilder fbb;
    const KillEvent kills[] = {KillEvent(100, 2, 1, 0)};
    const ScoreEvent scores[] = {ScoreEvent(100, 2, 5, 1)};
    const auto bytes = schemas::encode_match_events(fbb, kills, scores);
    const auto events = schemas::read_match_events(bytes);
    ASSERT_TRUE(events);
    roster.on_events(*events.message, chat);
    std::vector<ScoreRow> board;
    roster.scoreboard(board);
    ASSERT_EQ(board.size(), 2u);
    EXPECT_EQ(board[0].name, "bob");
    EXPECT_EQ(board[0].score, 5);
    EXPECT_EQ(board[0].kills, 1);
    EXPECT_EQ(board[1].deaths, 1);
    EXPECT_TRUE(board[1].local);
    EXPECT_EQ(roster.local_respawn_tick(), 100 + sim::kRespawnDelay);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, "bob destroyed me");
}

TEST(ChatLog, KeepsTheMostRecentLines) {
    std::vector<ChatLine> lines;
    ChatLog chat(lines);
    for (int i = 0; i < 80; ++i) chat.say("ann", std::to_string(i), 1);
    ASSERT_EQ(lines.size(), ChatLog::kLines);
    EXPECT_EQ(lines.front().text, "30");
    EXPECT_EQ(lines.back().text, "79");
}

}  // namespace
}  // namespace tickwire::game
