// Netcode over real sockets, in process: a MatchServer on 127.0.0.1:0 and
// ClientCores (or raw channels) ticked by one engine::GameLoop on the test
// thread, on an injected clock (TestClock): the server's and the clients'
// game time is exactly one tick per tick, however loaded the machine, so the
// interpolation and prediction figures below are properties of the code, not
// of the scheduler.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tickwire/engine/game_loop.hpp"
#include "tickwire/game/client_core.hpp"
#include "tickwire/game/protocol/wire.hpp"
#include "tickwire/game/sim/world.hpp"
#include "tickwire/game/server/match_server.hpp"
#include "tickwire/net/channel.hpp"
#include "tickwire/net/netsim.hpp"
#include "tcp_proxy.hpp"

namespace tickwire::game {
namespace {

using namespace std::chrono_literals;

// A hand-driven channel that speaks the match server's default (session mode).
net::ChannelOptions session_options() {
    net::ChannelOptions options;
    options.session.enabled = true;
    return options;
}

// Game time for the server and every client: one tick per frame of the
// GameLoop that drives them. Real time is only paced, never caught up: a
// frame lasts at least a tick of real time from the previous one, so the
// network threads get to run and a simulated latency keeps its length, but a
// slow frame (a loaded machine, TSan) is not followed by a burst of quick
// ones, which would starve interpolation of snapshots the network had no
// time to deliver. Game thread only.
class TestClock {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    [[nodiscard]] TimePoint now() const { return now_; }
    std::function<TimePoint()> game_clock() {
        return [this] { return now_; };
    }
    engine::LoopClock loop_clock() {
        return {[this] { return now_; },
                [this](TimePoint deadline) {
                    if (deadline <= now_) return;
                    const TimePoint real_deadline = real_wake_ + (deadline - now_);
                    if (!wait || !wait(real_deadline)) std::this_thread::sleep_until(real_deadline);
                    real_wake_ = std::chrono::steady_clock::now();
                    now_ = deadline;
                }};
    }
    /// Game time per real time so far: 1 when the machine kept up, less when
    /// frames took longer than a tick.
    [[nodiscard]] double game_per_real() const {
        const auto real = std::chrono::steady_clock::now() - start_;
        return std::chrono::duration<double>(now_ - start_) / std::chrono::duration<double>(real);
    }

    /// The real wait between frames, if not a sleep (false: sleep after all).
    std::function<bool(TimePoint real_deadline)> wait;

private:
    TimePoint start_ = std::chrono::steady_clock::now();
    TimePoint now_ = start_;
    TimePoint real_wake_ = start_;
};

struct Harness {
    TestClock clock;
    bool session_mode;
    bool network_on_game_thread;
    int served_waits = 0, slept_waits = 0;  // frames' waits: the server's network loop, or a sleep
    std::unique_ptr<server::MatchServer> server;
    std::vector<std::unique_ptr<ClientCore>> clients;
    std::function<void()> extra;  // per tick, after the clients
    engine::GameLoop loop;

    /// `session`: the server's session mode (its default; false = plain WebSocket).
    /// `network_on_game_thread`: the server's sockets are served by this
    /// thread between frames (ServerConfig::network_on_game_thread).
    explicit Harness(bool session = true, bool network_on_game_thread = false)
        : session_mode(session),
          network_on_game_thread(network_on_game_thread),
          loop({.tick_rate_hz = 60, .headless = true}, hooks(), clock.loop_clock()) {
        start_server(0);
        clock.wait = [this](TestClock::TimePoint real_deadline) {
            const bool served = server && server->serve_network_until(real_deadline);
            ++(served ? served_waits : slept_waits);
            return served;
        };
    }
    ~Harness() {
        for (auto& c : clients) c->close();
        pump(10);
    }

    void start_server(std::uint16_t port) {
        server::ServerConfig config;
        config.address = "127.0.0.1";
        config.port = port;
        config.log_level = server::LogLevel::warn;
        config.clock = clock.game_clock();
        config.session = session_mode;
        config.network_on_game_thread = network_on_game_thread;
        std::error_code ec;
        server = server::MatchServer::start(config, ec);
        EXPECT_TRUE(server) << ec.message();
    }

    // One tick of everything (the clients alone while the server is down).
    engine::GameLoopHooks hooks() {
        engine::GameLoopHooks h;
        h.network_in = [this] {
            if (server) server->network_in();
            for (auto& c : clients) c->network_in();
        };
        h.step = [this](std::uint64_t, double) {
            if (server) server->step();
            for (auto& c : clients) c->step();
            if (extra) extra();
        };
        h.network_out = [this] {
            if (server) server->network_out();
            for (auto& c : clients) c->network_out();
        };
        return h;
    }

    std::string url(const std::string& room) const {
        return "ws://127.0.0.1:" + std::to_string(server->port()) + "/room/" + room;
    }
    ClientCore& add(ClientConfig config) {
        config.clock = clock.game_clock();
        clients.push_back(std::make_unique<ClientCore>(std::move(config)));
        return *clients.back();
    }
    ClientCore& add(const std::string& room, const std::string& name, const std::string& netsim = {}) {
        ClientConfig config;
        config.url = url(room);
        config.name = name;
        config.netsim = net::parse_netsim(netsim).options;
        return add(std::move(config));
    }

    void tick() {
        loop.run_frame();
        ASSERT_EQ(loop.frame_steps(), 1) << "one step per frame, on the test clock";
    }
    void pump(int ticks) {
        for (int i = 0; i < ticks; ++i) tick();
    }
    bool pump_until(const std::function<bool()>& done, int max_ticks) {
        for (int i = 0; i < max_ticks; ++i) {
            if (done()) return true;
            tick();
        }
        return done();
    }
    bool all_joined() const {
        for (const auto& c : clients) {
            if (c->status() != ConnectionStatus::joined) return false;
        }
        return true;
    }
};

const ShipView* local_ship(const ClientView& v) {
    for (const ShipView& s : v.ships) {
        if (s.local) return &s;
    }
    return nullptr;
}

TEST(Netcode, PredictedPositionMatchesServerAfterReconciliation) {
    Harness h;
    ClientCore& c = h.add("PRED", "mover");
    ASSERT_TRUE(h.pump_until([&] { return h.all_joined() && local_ship(c.view(0)) != nullptr; }, 300));

    // Drive in a square, checking that prediction stays close while moving
    // (it runs ahead of the server by the round trip, so allow a few ticks of travel).
    const PlayerIntent moves[] = {{1, 0, 0, false}, {0, 1, 0, false}, {-1, 0, 0, false}, {0, -1, 0, false}};
    for (const PlayerIntent& m : moves) {
        c.set_intent(m);
        h.pump(40);
    }
    // Stop and let the last corrections blend out.
    c.set_intent({});
    h.pump(90);
    const ShipView* me = local_ship(c.view(0));
    ASSERT_NE(me, nullptr);
    float sx = 0, sy = 0;
    ASSERT_TRUE(h.server->ship_position("PRED", me->player_id, sx, sy));
    EXPECT_NEAR(me->x, sx, 1.0f);
    EXPECT_NEAR(me->y, sy, 1.0f);
    // It really moved (the test would pass trivially at the spawn point otherwise).
    EXPECT_GT(h.server->stats().inputs_applied, 150u);
}

const ShipView* ship_of(const ClientView& v, std::uint32_t player_id) {
    for (const ShipView& s : v.ships) {
        if (s.player_id == player_id) return &s;
    }
    return nullptr;
}

// The server's sockets served on the game thread between ticks: nothing else
// serves them (a frame's wait is the only time they are read or written), and
// a watcher sees the mover where the server has it.
TEST(Netcode, WithTheNetworkOnTheGameThreadPlayersJoinAndSeeEachOtherMove) {
    Harness h(true, true);
    ClientCore& mover = h.add("ONE", "mover");
    ClientCore& watcher = h.add("ONE", "watcher");
    ASSERT_TRUE(h.pump_until(
        [&] {
            const ShipView* me = local_ship(mover.view(0));
            return h.all_joined() && me != nullptr && ship_of(watcher.view(0), me->player_id) != nullptr;
        },
        600));
    const std::uint32_t player = local_ship(mover.view(0))->player_id;
    const float start_x = ship_of(watcher.view(0), player)->x;
    mover.set_intent({1, 0, 0, false});
    h.pump(60);
    mover.set_intent({});
    h.pump(90);  // stopped, and the watcher's interpolation caught up
    float sx = 0, sy = 0;
    ASSERT_TRUE(h.server->ship_position("ONE", player, sx, sy));
    const ShipView* seen = ship_of(watcher.view(0), player);
    ASSERT_NE(seen, nullptr);
    EXPECT_GT(seen->x, start_x + 50.0f) << "the watcher saw the mover move";
    EXPECT_NEAR(seen->x, sx, 1.0f);
    EXPECT_NEAR(seen->y, sy, 1.0f);
    EXPECT_GT(h.server->stats().inputs_applied, 100u);
    // Every frame's wait was the server's network loop (none fell back to a sleep).
    EXPECT_GT(h.served_waits, 150);
    EXPECT_EQ(h.slept_waits, 0);
}

// Both clients behind a simulated 150 ms round trip with 20 ms of jitter
// each way (net's simulator, seeded). Prediction: the mover's own ship
// answers its input at once, long before the server could have, and ends
// where the server has it. Interpolation: the watcher sees the mover glide,
// with no jumps and no freezes, from behind an adaptive delay.
TEST(Netcode, PredictionAndInterpolationHoldUpAt150MsRoundTripWithJitter) {
    Harness h;
    const std::string bad_network = "latency=75ms,jitter=20ms,seed=";
    ClientCore& mover = h.add("LAG", "mover", bad_network + "7");
    ClientCore& watcher = h.add("LAG", "watcher", bad_network + "8");
    ASSERT_TRUE(h.pump_until(
        [&] {
            const ShipView* me = local_ship(mover.view(0));
            return h.all_joined() && me != nullptr && ship_of(watcher.view(0), me->player_id) != nullptr;
        },
        600));
    h.pump(60);  // clock sync and interpolation delay settle
    const std::uint32_t player = local_ship(mover.view(0))->player_id;

    const float start_x = local_ship(mover.view(0))->x;
    mover.set_intent({1, 0, 0, false});
    h.pump(4);  // 67 ms: less than half the round trip
    EXPECT_GT(local_ship(mover.view(0))->x, start_x + 0.5f) << "the own ship must move before the server answers";

    // Around the square; the watcher's view of the mover, one sample per tick.
    // The watcher's render clock advances 0.8 to 1.2 ticks per tick of game
    // time (interpolation_buffer.cpp), and between two snapshots a ship moves
    // at most its top speed per tick: no step may exceed 1.2 ticks of top
    // (diagonal) speed, and with the delay covering the jitter none is frozen.
    constexpr float kTopSpeed = 1.4143f * static_cast<float>(sim::kMaxSpeed) / 16.0f;  // units per tick
    constexpr float kMaxStep = 1.2f * kTopSpeed;
    const PlayerIntent moves[] = {{1, 0, 0, false}, {0, 1, 0, false}, {-1, 0, 0, false}, {0, -1, 0, false}};
    float last_x = 0, last_y = 0, worst_step = 0;
    int samples = 0, still = 0;
    bool have_last = false, seen_moving = false;
    for (const PlayerIntent& m : moves) {
        mover.set_intent(m);
        for (int t = 0; t < 45; ++t) {
            h.tick();
            const ShipView* seen = ship_of(watcher.view(0), player);
            ASSERT_NE(seen, nullptr);
            if (have_last) {
                const float step = std::hypot(seen->x - last_x, seen->y - last_y);
                worst_step = std::max(worst_step, step);
                // From the watcher's first sight of the move on (it sees it a
                // round trip plus its interpolation delay late), every tick moves.
                seen_moving = seen_moving || step >= 0.01f;
                if (seen_moving) {
                    ++samples;
                    if (step < 0.01f) ++still;
                }
            }
            last_x = seen->x;
            last_y = seen->y;
            have_last = true;
        }
    }
    EXPECT_GT(samples, 150) << "the watcher saw the move within a few ticks of 180";
    EXPECT_LE(worst_step, kMaxStep) << "a jump in the watcher's view";
    EXPECT_EQ(still, 0) << "the watcher's view froze on " << still << " of " << samples << " ticks";
    const NetStats net = watcher.view(0).net;
    // 150 ms of simulated round trip, in game time (less when the machine was
    // too slow to keep a tick per 16.7 ms of real time).
    EXPECT_GT(net.clock_rtt_ms, 120.0f * static_cast<float>(h.clock.game_per_real()))
        << "the simulator was not in the path";
    // About two snapshot intervals (2 x 33 ms) plus twice the jitter.
    EXPECT_GT(net.interpolation_delay_ms, 60.0f);
    EXPECT_LT(net.interpolation_delay_ms, 250.0f);

    mover.set_intent({});
    h.pump(120);  // the last inputs land and corrections blend out
    float sx = 0, sy = 0;
    ASSERT_TRUE(h.server->ship_position("LAG", player, sx, sy));
    EXPECT_NEAR(local_ship(mover.view(0))->x, sx, 1.0f);
    EXPECT_NEAR(local_ship(mover.view(0))->y, sy, 1.0f);
    const ShipView* seen = ship_of(watcher.view(0), player);
    ASSERT_NE(seen, nullptr);
    EXPECT_NEAR(seen->x, sx, 1.0f) << "the watcher ends where the server is";
    EXPECT_NEAR(seen->y, sy, 1.0f);
}

// What the HUD and the net graph show: the transport's round trip (net's
// WebSocket pings, well under a tick on loopback) and, apart, the clock-sync
// exchange's, which a game message pays: it waits for the server's next
// network read and for the client's, two ticks on this harness's order.
TEST(Netcode, TheRoundTripShownIsTheTransportsAndClockSyncKeepsItsOwn) {
    Harness h;
    ClientCore& c = h.add("RTT", "pinger");
    ASSERT_TRUE(h.pump_until([&] { return h.all_joined() && c.view(0).net.rtt_ms > 0; }, 300))
        << "no ping answered within 5 s (net pings once a second)";
    h.pump(30);
    const NetStats net = c.view(0).net;
    EXPECT_GT(net.rtt_ms, 0.0f);
    EXPECT_LT(net.rtt_ms, 1000.0f / 60) << "loopback's round trip is far under a tick";
    EXPECT_GE(net.clock_rtt_ms, 2 * 1000.0f / 60 - 0.01f) << "a clock-sync round trip spans two network reads";
    EXPECT_GT(net.clock_rtt_ms, net.rtt_ms);
}

// A raw client speaking the protocol by hand: decodes every snapshot (full or
// delta against the baseline it acked) and compares it with what the server
// had at that tick.
TEST(Netcode, SnapshotDeltasDecodeToExactlyTheFullState) {
    Harness h;
    // Some moving, shooting company so entities change, appear and disappear.
    for (int i = 0; i < 4; ++i) h.add("DELTA", "bot" + std::to_string(i));
    ASSERT_TRUE(h.pump_until([&] { return h.all_joined(); }, 300));

    net::Channel raw = net::Channel::connect(h.url("DELTA"), session_options());
    protocol::Codec codec;
    raw.sink().add(codec.hello("checker"));
    raw.sink().flush();
    protocol::SnapshotRing ring;
    std::vector<protocol::Entity> state, expected;
    int full = 0, deltas = 0, packed = 0, mismatches = 0, removals = 0;
    int t = 0;
    h.extra = [&] {
        ++t;
        for (std::size_t i = 0; i < h.clients.size(); ++i) {
            PlayerIntent in;
            in.move_x = ((t / 30 + static_cast<int>(i)) % 3) - 1.0f;
            in.move_y = ((t / 45 + static_cast<int>(i)) % 3) - 1.0f;
            in.aim = static_cast<float>(t) * 0.05f + static_cast<float>(i);
            in.fire = true;
            h.clients[i]->set_intent(in);
        }
        net::Event ev;
        while (raw.stream().poll(ev)) {
            if (ev.type != net::EventType::message) continue;
            const protocol::Incoming in = protocol::decode(ev.message.bytes());
            ASSERT_TRUE(in.packet != nullptr || in.game != nullptr) << in.error;
            if (in.game == nullptr || in.game->body_type() != Body::Snapshot) continue;
            const Snapshot* s = in.game->body_as_Snapshot();
            if (s->baseline_tick() == 0) {
                ++full;
            } else {
                ++deltas;
                ASSERT_NE(ring.find(s->baseline_tick()), nullptr) << "server used a baseline we never acked";
            }
            if (s->packed() != nullptr) ++packed;
            // The client's own decoder: packed, or entity vectors.
            std::vector<protocol::Entity> reference;
            const auto why = protocol::decode_snapshot(*s, ring, reference, state);
            ASSERT_TRUE(why.empty()) << why;
            if (s->baseline_tick() != 0) {
                // Removals: ids of the baseline (carried forward) missing now.
                std::vector<protocol::Entity> changed;
                std::vector<std::uint32_t> gone;
                protocol::diff(reference, state, changed, gone);
                removals += static_cast<int>(gone.size());
            }
            ring.put(s->server_tick(), state);
            ASSERT_TRUE(h.server->snapshot_at("DELTA", s->server_tick(), expected));
            bool same = expected.size() == state.size();
            for (std::size_t i = 0; same && i < state.size(); ++i) same = protocol::same_entity(state[i], expected[i]);
            if (!same) ++mismatches;
            // Ack most, not all: baselines vary.
            if (s->server_tick() % 6 != 0) raw.sink().add(codec.ack(s->server_tick()), net::Delivery::latest);
        }
        raw.sink().flush();
    };
    h.pump(240);
    h.extra = nullptr;
    EXPECT_GE(full, 1) << "the first snapshot, before any ack, is full";
    EXPECT_GT(deltas, 60);
    EXPECT_GT(packed, deltas / 2) << "the server sends Snapshot.packed whenever it is the smaller form";
    EXPECT_GT(removals, 0) << "projectiles expire or hit: removals must have been exercised";
    EXPECT_EQ(mismatches, 0);
}

TEST(Netcode, SnapshotsAreSupersededForAClientThatStopsReading) {
    Harness h;
    ClientCore& live = h.add("SLOW", "live");
    ASSERT_TRUE(h.pump_until([&] { return h.all_joined(); }, 300));

    // Joins, then never polls its stream: nothing is read, nothing is acked.
    net::ChannelOptions options = session_options();
    options.receive_queue_capacity = 16;
    net::Channel stalled = net::Channel::connect(h.url("SLOW"), options);
    protocol::Codec codec;
    stalled.sink().add(codec.hello("stalled"));
    stalled.sink().flush();
    const std::uint64_t live_before = live.snapshots_received();
    h.pump(180);  // 3 s: 90 snapshots
    const server::MatchStats s = h.server->stats();
    EXPECT_GT(s.snapshots_superseded + s.snapshots_replaced, 40u)
        << "most snapshots to the stalled client must be superseded, not queued";
    EXPECT_EQ(s.bad_clients_closed, 0u);
    EXPECT_EQ(s.players, 2u) << "the stalled client is kept, not closed";
    // The live client is unaffected.
    EXPECT_EQ(live.status(), ConnectionStatus::joined);
    // Counted, not timed: a loaded machine may stretch the 3 s, but the live
    // client must still get most of the 90 snapshots of those 180 ticks.
    EXPECT_GE(live.snapshots_received() - live_before, 60u);
}

TEST(Netcode, ChatArrivesInOrderToAllRoomMembers) {
    Harness h;
    ClientCore& a = h.add("CHAT", "ann");
    ClientCore& b = h.add("CHAT", "bob");
    ClientCore& c = h.add("CHAT", "cat");
    ClientCore& other = h.add("ELSEWHERE", "dan");
    ASSERT_TRUE(h.pump_until([&] { return h.all_joined(); }, 300));
    h.pump(5);
    ClientCore* senders[] = {&a, &b, &c};
    for (int i = 0; i < 4; ++i) {
        for (int k = 0; k < 3; ++k) senders[k]->send_chat("m" + std::to_string(i) + "-" + std::to_string(k));
        h.tick();
    }
    auto spoken = [](ClientCore& x) {
        std::vector<std::string> out;
        for (const ChatLine& l : x.view(0).chat) {
            if (!l.from.empty()) out.push_back(l.from + ":" + l.text);
        }
        return out;
    };
    ASSERT_TRUE(h.pump_until([&] { return spoken(a).size() == 12 && spoken(b).size() == 12 && spoken(c).size() == 12; },
                             120));
    EXPECT_EQ(spoken(a), spoken(b));
    EXPECT_EQ(spoken(a), spoken(c));
    // Each sender's messages in the order sent.
    for (const std::string who : {"ann", "bob", "cat"}) {
        int last = -1;
        for (const std::string& line : spoken(a)) {
            if (line.rfind(who + ":", 0) != 0) continue;
            const int i = line[who.size() + 2] - '0';
            EXPECT_EQ(i, last + 1) << line;
            last = i;
        }
        EXPECT_EQ(last, 3);
    }
    EXPECT_TRUE(spoken(other).empty()) << "chat stays in its room";
}

// Presence is data (game.fbs Presence), so chat is only speech: a line that
// starts with '/' (even one that looks like the old roster's "/left") reaches
// everyone as said, and nobody's roster changes.
TEST(Netcode, AChatLineStartingWithASlashIsDeliveredLikeAnyOther) {
    Harness h;
    ClientCore& a = h.add("SLASH", "ann");
    ClientCore& b = h.add("SLASH", "bob");
    ASSERT_TRUE(h.pump_until([&] { return h.all_joined() && b.view(0).scoreboard.size() == 2; }, 300));
    a.send_chat("/me waves");
    a.send_chat("/left");
    const std::vector<std::string> said = {"ann: /me waves", "ann: /left"};
    auto spoken = [](ClientCore& x) {
        std::vector<std::string> out;
        for (const ChatLine& l : x.view(0).chat) {
            if (!l.from.empty()) out.push_back(l.from + ": " + l.text);
        }
        return out;
    };
    ASSERT_TRUE(h.pump_until([&] { return spoken(b) == said && spoken(a) == said; }, 120));
    EXPECT_EQ(h.server->stats().chat_messages, 2u);
    EXPECT_EQ(b.view(0).scoreboard.size(), 2u) << "ann is still on bob's roster";
    for (const ChatLine& l : b.view(0).chat) EXPECT_NE(l.text, "ann left");
}

TEST(Netcode, AClientSendingGarbageIsClosedWithACodeAndOthersPlayOn) {
    Harness h;
    ClientCore& good = h.add("BAD", "good");
    ASSERT_TRUE(h.pump_until([&] { return h.all_joined(); }, 300));

    net::Channel bad = net::Channel::connect(h.url("BAD"), session_options());
    protocol::Codec codec;
    bad.sink().add(codec.hello("bad"));
    const std::string junk = "TWS1 but not really a flatbuffer, is it";
    bad.sink().add(std::as_bytes(std::span(junk.data(), junk.size())));
    bad.sink().flush();
    std::uint16_t code = 0;
    std::string reason;
    h.extra = [&] {
        net::Event ev;
        while (bad.stream().poll(ev)) {
            if (ev.type == net::EventType::closed) {
                code = ev.close_code;
                reason = std::string(ev.text());
            }
        }
    };
    ASSERT_TRUE(h.pump_until([&] { return code != 0; }, 300));
    h.extra = nullptr;
    EXPECT_EQ(code, 4000);
    EXPECT_FALSE(reason.empty());
    EXPECT_EQ(h.server->stats().bad_clients_closed, 1u);
    h.pump(30);
    EXPECT_EQ(good.status(), ConnectionStatus::joined);
    EXPECT_EQ(h.server->stats().players, 1u);
}

std::uint32_t local_player(ClientCore& c) {
    for (const ScoreRow& row : c.view(0).scoreboard) {
        if (row.local) return row.player_id;
    }
    return 0;
}

std::vector<std::string> chat_of(ClientCore& c) {
    std::vector<std::string> out;
    for (const ChatLine& l : c.view(0).chat) out.push_back((l.from.empty() ? "* " : l.from + ": ") + l.text);
    return out;
}

// Session mode end to end: a connection reset (no close frame) mid-match. The
// client reconnects through net's backoff and resumes; the server sees
// `resumed`, not leave + join, so the player keeps its id and ship, nobody
// sees it leave, and chat sent before and during the outage arrives once.
TEST(Netcode, AClientWhoseConnectionDropsResumesItsPlayerAndNothingIsLostOrRepeated) {
    Harness h;
    ClientCore& stay = h.add("RESUME", "stay");
    tickwire::test::TcpProxy proxy(h.server->port());
    ClientConfig config;
    config.url = proxy.url("/room/RESUME");
    config.name = "flaky";
    ClientCore& flaky = h.add(std::move(config));
    ASSERT_TRUE(h.pump_until([&] { return h.all_joined() && local_player(flaky) != 0; }, 300));
    const std::uint32_t player = local_player(flaky);
    float x = 0, y = 0;
    ASSERT_TRUE(h.server->ship_position("RESUME", player, x, y));

    flaky.send_chat("before");
    h.pump(5);
    // RST both ways (what a dead Wi-Fi link looks like), and refuse new
    // connections for a while so the outage is long enough to see.
    proxy.refuse(true);
    proxy.drop_all();
    flaky.send_chat("in flight");  // the client has not noticed yet: written to a dying connection, or not
    ASSERT_TRUE(h.pump_until([&] { return flaky.status() == ConnectionStatus::reconnecting; }, 120));
    h.pump(30);
    EXPECT_EQ(flaky.status(), ConnectionStatus::reconnecting) << "attempts fail while the proxy refuses";
    EXPECT_EQ(h.server->stats().players, 2u) << "the server holds the seat";
    flaky.send_chat("during");  // waits in net's reliable buffer
    proxy.refuse(false);
    ASSERT_TRUE(h.pump_until([&] { return flaky.status() == ConnectionStatus::joined; }, 900));
    const std::uint64_t snapshots_at_resume = flaky.snapshots_received();
    flaky.send_chat("after");
    ASSERT_TRUE(h.pump_until(
        [&] {
            const auto lines = chat_of(stay);
            return std::count(lines.begin(), lines.end(), "flaky: after") == 1;
        },
        300));
    h.pump(10);

    EXPECT_EQ(local_player(flaky), player) << "same player, not a new join";
    EXPECT_TRUE(h.server->ship_position("RESUME", player, x, y));
    const server::MatchStats s = h.server->stats();
    EXPECT_EQ(s.sessions_resumed, 1u);
    EXPECT_EQ(s.players, 2u);
    EXPECT_GT(flaky.snapshots_received(), snapshots_at_resume) << "snapshots flow again after the resume";
    const std::vector<std::string> expected = {"flaky: before", "flaky: in flight", "flaky: during", "flaky: after"};
    std::vector<std::string> spoken;
    for (const std::string& line : chat_of(stay)) {
        if (line.rfind("flaky: ", 0) == 0) spoken.push_back(line);
        EXPECT_NE(line, "* flaky left") << "a resumed player never left";
    }
    EXPECT_EQ(spoken, expected) << "each chat line exactly once, in order";
    const auto stay_lines = chat_of(stay);
    const auto joined = std::count(stay_lines.begin(), stay_lines.end(), "* flaky joined");
    EXPECT_LE(joined, 1) << "no second join";
}

// Each input frame is sent once (reliable). Frames held in a dying
// connection die with it; net's session resends exactly the messages the
// server had not received, once, after the resume. The server counts every
// sequence it receives twice (repeated) or never (skipped: a gap in a
// player's +1 sequence, which the frames sent after the resume would show).
TEST(Netcode, NoInputIsLostOrAppliedTwiceAcrossAResume) {
    Harness h;
    tickwire::test::TcpProxy proxy(h.server->port());
    ClientConfig config;
    config.url = proxy.url("/room/INPUTS");
    config.name = "flaky";
    ClientCore& flaky = h.add(std::move(config));
    ASSERT_TRUE(h.pump_until([&] { return h.all_joined() && local_player(flaky) != 0; }, 300));
    h.pump(60);
    const server::MatchStats before = h.server->stats();
    ASSERT_GT(before.inputs_applied, 30u) << "inputs flow";
    EXPECT_EQ(before.inputs_repeated, 0u) << "no frame is sent twice within a connection";

    // The proxy stops forwarding (frames pile up in its sockets), then resets
    // both ends: what it held is lost on the wire.
    proxy.freeze(true);
    h.pump(20);
    proxy.refuse(true);
    proxy.drop_all();
    ASSERT_TRUE(h.pump_until([&] { return flaky.status() == ConnectionStatus::reconnecting; }, 120));
    const std::uint64_t applied_at_cut = h.server->stats().inputs_applied;
    proxy.freeze(false);
    proxy.refuse(false);
    ASSERT_TRUE(h.pump_until([&] { return flaky.status() == ConnectionStatus::joined; }, 900));
    h.pump(60);

    const server::MatchStats s = h.server->stats();
    EXPECT_EQ(s.sessions_resumed, 1u);
    EXPECT_GT(s.inputs_applied, applied_at_cut + 30) << "inputs flow again after the resume";
    EXPECT_GT(s.inputs_applied + s.inputs_merged, before.inputs_applied + before.inputs_merged + 70)
        << "the frames held at the cut were resent and taken, late";
    EXPECT_EQ(s.inputs_skipped, 0u) << "no frame lost: the ones held at the cut were resent";
    EXPECT_EQ(s.inputs_repeated, 0u) << "none received twice (so none applied twice)";
    EXPECT_EQ(s.inputs_dropped, 0u);
}

// Plain WebSocket on both ends (--no-session): the same reconnect mechanism as
// session mode (net's ReconnectOptions, with backoff), and since nothing is
// resumed the new connection joins afresh as a new player; the server sees the
// old one leave. Nothing the client sent for the old connection may reach the
// new one ahead of its Hello (the server would close it with 4000).
TEST(Netcode, WithoutSessionModeADroppedClientReconnectsAndJoinsAsANewPlayer) {
    Harness h(false);
    tickwire::test::TcpProxy proxy(h.server->port());
    ClientConfig config;
    config.url = proxy.url("/room/PLAIN");
    config.name = "plain";
    config.session = false;
    ClientCore& c = h.add(std::move(config));
    ASSERT_TRUE(h.pump_until([&] { return h.all_joined() && local_player(c) != 0; }, 300));
    const std::uint32_t first = local_player(c);
    c.set_intent({1, 0, 0, true});  // input goes out every tick, right up to the drop
    h.pump(30);
    proxy.drop_all();
    ASSERT_TRUE(h.pump_until([&] { return c.status() == ConnectionStatus::reconnecting; }, 120));
    ASSERT_TRUE(h.pump_until(
        [&] { return c.status() == ConnectionStatus::joined && local_player(c) != 0 && local_player(c) != first; },
        900));
    ASSERT_TRUE(h.pump_until([&] { return h.server->stats().players == 1; }, 300)) << "the old player left";
    h.pump(30);
    EXPECT_EQ(c.status(), ConnectionStatus::joined);
    EXPECT_EQ(h.server->stats().bad_clients_closed, 0u);
    EXPECT_EQ(h.server->stats().sessions_resumed, 0u);
    EXPECT_GE(proxy.accepted(), 2);
}

// A restarted server has forgotten every session: clients see reconnecting,
// then (their resume refused, or simply unknown) join afresh as new players.
TEST(Netcode, AfterAServerRestartClientsReconnectAndJoinAsNewPlayers) {
    Harness h;
    ClientCore& c = h.add("RESTART", "phoenix");
    ASSERT_TRUE(h.pump_until([&] { return h.all_joined() && local_player(c) != 0; }, 300));
    const std::uint16_t port = h.server->port();
    h.server.reset();  // clients get a close (going away), then nothing listens

    bool saw_reconnecting = false;
    ASSERT_TRUE(h.pump_until(
        [&] {
            saw_reconnecting = saw_reconnecting || c.status() == ConnectionStatus::reconnecting;
            return saw_reconnecting;
        },
        300));
    // Typed while reconnecting: it belonged to the old session, so it is
    // dropped with it, never sent ahead of the new session's hello (which
    // the new server would punish with 4000).
    c.send_chat("anyone there?");
    h.pump(5);
    h.start_server(port);
    ASSERT_TRUE(h.server);
    ASSERT_TRUE(h.pump_until([&] { return c.status() == ConnectionStatus::joined && local_player(c) != 0; }, 900));
    h.pump(10);
    EXPECT_EQ(c.status(), ConnectionStatus::joined);
    EXPECT_EQ(h.server->stats().bad_clients_closed, 0u);
    EXPECT_EQ(h.server->stats().chat_messages, 0u) << "the old session's chat must not reach the new one";
    EXPECT_EQ(h.server->stats().players, 1u);
    EXPECT_EQ(h.server->stats().sessions_resumed, 0u) << "the new server knows no session to resume";
    const auto lines = chat_of(c);
    EXPECT_NE(std::find(lines.begin(), lines.end(), "* rejoining: the server ended our session"), lines.end());
}

}  // namespace
}  // namespace tickwire::game
