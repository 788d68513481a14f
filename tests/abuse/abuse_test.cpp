// The abuse suite: while three bots play a match on a real MatchServer, each
// test throws one kind of hostile input at it over raw sockets and checks the
// answer (HTTP status or close code), the server's log line, that the server
// keeps ticking and that the bots never notice: still joined, snapshots still
// arriving, never dropped.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "live_match.hpp"
#include "tickwire/game/client_core.hpp"
#include "tickwire/game/attacker/attacks.hpp"
#include "tickwire/game/protocol/wire.hpp"
#include "tickwire/net/channel.hpp"

namespace tickwire::game::test {
namespace {

using namespace std::chrono_literals;
using attacker::Attack;
using attacker::Outcome;

constexpr int kBots = 3;
constexpr std::size_t kMaxConnections = 16;  // open WebSockets, bots included
constexpr std::size_t kMaxPerIp = 6;         // the bots share 127.0.0.1 with single-socket attacks

class Abuse : public ::testing::Test {
protected:
    void SetUp() override {
        server::ServerConfig config;
        config.allow_create = false;
        config.rooms = {"arena"};
        config.log_level = server::LogLevel::warn;
        config.hello_timeout = 1000ms;
        config.handshake_timeout = 500ms;
        config.max_connections = kMaxConnections;
        config.max_connections_per_ip = kMaxPerIp;
        config.session_token_lifetime = 2000ms;  // expired_resume_token waits longer
        match_ = std::make_unique<LiveMatch>(config, kBots, "arena");
        ASSERT_TRUE(match_->started());
        ASSERT_TRUE(match_->wait_for(
            [](const MatchHealth& h) {
                if (h.bots.size() != kBots) return false;
                for (const BotHealth& b : h.bots) {
                    if (b.status != ConnectionStatus::joined || b.snapshot_tick == 0) return false;
                }
                return true;
            },
            10s))
            << "the bots never started playing";
        before_ = match_->health();
        target_.port = match_->port();
        target_.room = "arena";
        target_.missing_room = "nosuch";
        target_.trickle_interval = 100ms;  // the 500 ms deadline cuts it off after ~5 bytes
        target_.answer_timeout = 5000ms;
        target_.token_expiry_wait = 2500ms;
    }

    void TearDown() override {
        if (match_ && match_->started() && !HasFatalFailure()) expect_bots_unaffected();
        match_.reset();
    }

    Outcome attack(Attack kind) {
        const Outcome o = attacker::run_attack(kind, target_);
        EXPECT_TRUE(o.error.empty()) << o.error;
        return o;
    }

    // The log line naming this connection and all of `parts`.
    void expect_log(const std::vector<std::string>& parts) {
        const std::string line = match_->wait_for_log(parts, 3000ms);
        std::string wanted;
        for (const auto& p : parts) wanted += "[" + p + "] ";
        EXPECT_FALSE(line.empty()) << "no log line with " << wanted << "\nlog:\n" << dump_log();
    }

    std::string dump_log() {
        std::string all;
        for (const auto& l : match_->log_lines()) all += "  " + l + "\n";
        return all;
    }

    // The server kept ticking and every bot kept getting snapshots without a
    // break: at least half a second of game time after the attack.
    void expect_bots_unaffected() {
        const MatchHealth before = before_;
        const bool advanced = match_->wait_for(
            [&](const MatchHealth& h) {
                if (h.server_ticks < before.server_ticks + 30) return false;
                for (std::size_t i = 0; i < h.bots.size(); ++i) {
                    if (h.bots[i].snapshot_tick < before.bots[i].snapshot_tick + 30) return false;
                }
                return true;
            },
            5000ms);
        EXPECT_TRUE(advanced) << "the server or a bot stalled";
        const MatchHealth after = match_->health();
        for (std::size_t i = 0; i < after.bots.size(); ++i) {
            EXPECT_EQ(after.bots[i].status, ConnectionStatus::joined) << "bot " << i;
            EXPECT_FALSE(after.bots[i].left_after_joining) << "bot " << i << " was dropped";
        }
    }

    // A resume attack: `welcomes` session Welcomes of which `resumes` said
    // resumed, and the refusal's log line naming the last socket and `why`.
    void expect_fresh_session(Attack kind, int welcomes, int resumes, const std::string& why) {
        const Outcome o = attack(kind);
        EXPECT_EQ(o.welcomes, welcomes);
        EXPECT_EQ(o.resumes, resumes);
        expect_log({"resume refused for " + o.local, why});
    }

    std::unique_ptr<LiveMatch> match_;
    MatchHealth before_;
    attacker::Target target_;
};

// ---- plain HTTP and the handshake --------------------------------------------

TEST_F(Abuse, PlainHttpWithoutUpgradeGets426) {
    const Outcome o = attack(Attack::plain_get);
    EXPECT_EQ(o.http_status, 426);
    expect_log({"plain HTTP GET", o.local, "426"});
}

TEST_F(Abuse, PlainHttpPostGets405) {
    const Outcome o = attack(Attack::plain_post);
    EXPECT_EQ(o.http_status, 405);
    expect_log({"plain HTTP POST", o.local, "405"});
}

TEST_F(Abuse, RandomBytesGet400) {
    const Outcome o = attack(Attack::random_bytes);
    EXPECT_EQ(o.http_status, 400);
    expect_log({"bad request from " + o.local, "HTTP 400"});
}

TEST_F(Abuse, OversizeRequestHeadersGet431) {
    const Outcome o = attack(Attack::oversize_headers);
    EXPECT_EQ(o.http_status, 431);
    expect_log({"bad request from " + o.local, "HTTP 431"});
}

TEST_F(Abuse, RequestBodyGets413) {
    const Outcome o = attack(Attack::request_body);
    EXPECT_EQ(o.http_status, 413);
    expect_log({"bad request from " + o.local, "HTTP 413"});
}

TEST_F(Abuse, TrickledHandshakeIsCutOffAtTheDeadlineWith408) {
    const Outcome o = attack(Attack::trickled_handshake);
    EXPECT_EQ(o.http_status, 408);
    EXPECT_LT(o.bytes_sent, o.request_bytes) << "each byte must not extend the deadline";
    expect_log({"bad request from " + o.local, "handshake timeout", "HTTP 408"});
}

TEST_F(Abuse, SilentSocketGets408) {
    const Outcome o = attack(Attack::silent_tcp);
    EXPECT_EQ(o.http_status, 408);
    expect_log({"bad request from " + o.local, "HTTP 408"});
}

TEST_F(Abuse, AFirstMessageThatIsNotTheSessionHelloCloses1002) {
    const Outcome o = attack(Attack::invalid_envelope);
    EXPECT_EQ(o.close_code, 1002);
    expect_log({"closing " + o.local, "session mode expects a hello first"});
}

TEST_F(Abuse, SilenceAfterTheUpgradeCloses4008) {
    const Outcome o = attack(Attack::silent_after_upgrade);
    EXPECT_EQ(o.close_code, 4008);
    expect_log({"closing #", o.local, "4008 no hello"});
}

// ---- WebSocket framing ---------------------------------------------------------

TEST_F(Abuse, FrameClaiming2To63BytesCloses1009) {
    const Outcome o = attack(Attack::huge_frame);
    EXPECT_EQ(o.close_code, 1009);
    expect_log({"closed #", o.local, "1009"});
}

TEST_F(Abuse, EndlessContinuationFragmentsClose1009) {
    const Outcome o = attack(Attack::endless_continuation);
    EXPECT_EQ(o.close_code, 1009) << "fragments add up to the message size limit (64 KiB + 1 KiB)";
    expect_log({"closed #", o.local, "1009"});
}

TEST_F(Abuse, TextFrameCloses1003) {
    const Outcome o = attack(Attack::text_frame);
    EXPECT_EQ(o.close_code, 1003);
    expect_log({"closed #", o.local, "1003"});
}

TEST_F(Abuse, UnmaskedClientFrameCloses1002) {
    const Outcome o = attack(Attack::unmasked_frame);
    EXPECT_EQ(o.close_code, 1002);
    expect_log({"closed #", o.local, "1002"});
}

TEST_F(Abuse, ReservedBitsClose1002) {
    const Outcome o = attack(Attack::reserved_bits);
    EXPECT_EQ(o.close_code, 1002);
    expect_log({"closed #", o.local, "1002"});
}

TEST_F(Abuse, UnknownOpcodeCloses1002) {
    const Outcome o = attack(Attack::unknown_opcode);
    EXPECT_EQ(o.close_code, 1002);
    expect_log({"closed #", o.local, "1002"});
}

TEST_F(Abuse, ContinuationWithoutAMessageCloses1002) {
    const Outcome o = attack(Attack::orphan_continuation);
    EXPECT_EQ(o.close_code, 1002);
    expect_log({"closed #", o.local, "1002"});
}

// ---- the game protocol ---------------------------------------------------------

TEST_F(Abuse, InvalidFlatBuffersClose4000) {
    const Outcome o = attack(Attack::invalid_flatbuffers);
    EXPECT_EQ(o.close_code, 4000);
    expect_log({"closing #", o.local, "4000"});
}

TEST_F(Abuse, WrongProtocolVersionCloses4005) {
    const Outcome o = attack(Attack::wrong_version);
    EXPECT_EQ(o.close_code, 4005);
    expect_log({"closing #", o.local, "4005 protocol version"});
}

TEST_F(Abuse, UnknownRoomCloses4004) {
    const Outcome o = attack(Attack::unknown_room);
    EXPECT_EQ(o.close_code, 4004);
    expect_log({"closing #", o.local, "4004 no such room"});
}

TEST_F(Abuse, MalformedRoomCodeCloses4004) {
    const Outcome o = attack(Attack::malformed_room);
    EXPECT_EQ(o.close_code, 4004);
    expect_log({"closing #", o.local, "4004 bad room code"});
}

TEST_F(Abuse, InputFloodCloses1008) {
    const Outcome o = attack(Attack::input_flood);
    EXPECT_EQ(o.close_code, 1008);
    expect_log({"closing #", o.local, "1008 input rate limit"});
}

TEST_F(Abuse, ChatFloodCloses1008) {
    const Outcome o = attack(Attack::chat_flood);
    EXPECT_EQ(o.close_code, 1008);
    expect_log({"closing #", o.local, "1008 chat rate limit"});
}

TEST_F(Abuse, OversizeChatCloses4000) {
    const Outcome o = attack(Attack::oversize_chat);
    EXPECT_EQ(o.close_code, 4000);
    expect_log({"closing #", o.local, "4000 chat text too long"});
}

// Every ping must be answered, so a peer that pings and never reads makes the
// server queue pongs. They count against its write queue like any message:
// past the mark it stops reading that socket, and TCP stalls the peer. Before,
// pongs bypassed that mark: the server kept reading, and this process (the
// server runs in it) grew by ~70 MB of queued pongs for 8 MB of pings.
std::size_t resident_kb() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with("VmRSS:")) return std::stoul(line.substr(6));
    }
    return 0;
}

TEST_F(Abuse, APingFloodThatNeverReadsIsStalledByTcpNotQueuedInMemory) {
    const std::size_t before_kb = resident_kb();
    const Outcome o = attack(Attack::ping_flood);
    const std::size_t after_kb = resident_kb();
    ASSERT_TRUE(o.error.empty()) << o.error;
    std::printf("[ping flood] %zu bytes of pings before the stall; process grew %zu kB\n", o.bytes_sent,
                after_kb > before_kb ? after_kb - before_kb : 0);
    EXPECT_TRUE(o.stalled) << o.bytes_sent << " bytes of pings went in without a stall";
    EXPECT_LT(after_kb, before_kb + 24 * 1024) << "pongs queued without bound";
}

// The wire carries no floats (fixed point and integers only), so NaN and
// infinity bit patterns are just out-of-range integers: clamped like any
// other input, not a reason to close. The ships stay inside the arena.
TEST_F(Abuse, NanAndInfinityBitPatternsInInputsAreClamped) {
    target_.nan_duration = 600ms;
    const Outcome o = attack(Attack::nan_inputs);
    EXPECT_FALSE(o.closed) << "closed with " << o.close_code << " " << o.close_reason;
    EXPECT_EQ(match_->health().stats.bad_clients_closed, 0u);
    int ships = 0;
    match_->on_game_thread([&](server::MatchServer& s) {
        for (std::uint32_t id = 1; id <= 8; ++id) {
            float x = 0, y = 0;
            if (!s.ship_position("arena", id, x, y)) continue;
            ++ships;
            EXPECT_TRUE(std::isfinite(x) && std::isfinite(y)) << "player " << id;
            EXPECT_TRUE(x >= 0 && x <= 1600 && y >= 0 && y <= 1000) << "player " << id << " at " << x << "," << y;
        }
    });
    EXPECT_GE(ships, kBots);
}

// The other side of rate limits: a stall of the server itself (here 3 s on
// its game thread; in the soak, CPU starvation) while an honest client on
// another thread keeps sending one input per tick. Its input piles up and
// arrives in one drain; that must not read as a flood.
TEST_F(Abuse, AServerStallDoesNotGetHonestClientsKicked) {
    std::atomic<bool> stop{false}, joined{false}, dropped{false};
    std::thread honest([&] {
        ClientConfig config;
        config.url = "ws://127.0.0.1:" + std::to_string(match_->port()) + "/room/arena";
        config.name = "honest";
        ClientCore client(config);
        auto next = std::chrono::steady_clock::now();
        while (!stop) {
            client.network_in();
            client.set_intent({1, 0, 0, true});
            client.step();
            client.network_out();
            const ConnectionStatus status = client.view(0).status;
            if (status == ConnectionStatus::joined) joined = true;
            if (joined && status != ConnectionStatus::joined) dropped = true;
            next += std::chrono::microseconds(16667);
            std::this_thread::sleep_until(next);
        }
        client.close();
    });
    const bool got_in = match_->wait_for([&](const MatchHealth&) { return joined.load(); }, 5s);
    if (got_in) match_->on_game_thread([](server::MatchServer&) { std::this_thread::sleep_for(3s); });
    before_ = match_->health();  // TearDown: the bots play on from here
    match_->wait_for([&](const MatchHealth& h) { return h.server_ticks > before_.server_ticks + 60; }, 5s);
    stop = true;
    honest.join();
    ASSERT_TRUE(got_in);
    EXPECT_FALSE(dropped) << dump_log();
    EXPECT_EQ(match_->health().stats.bad_clients_closed, 0u) << dump_log();
}

// ---- time: a client must not speed itself up or rewind beyond the cap -------------
// A hand-driven session-mode channel that joins the arena and sends forged
// PlayerInputs, one message per tick, acking the snapshots it gets (so the
// server has an estimate of its view time to clamp a claim to).

class ForgedInputs {
public:
    explicit ForgedInputs(std::uint16_t port) {
        net::ChannelOptions options;
        options.session.enabled = true;
        channel_ = std::make_unique<net::Channel>(
            net::Channel::connect("ws://127.0.0.1:" + std::to_string(port) + "/room/arena", options));
        channel_->sink().add(codec_.hello("forger"));
        channel_->sink().flush();
    }
    // Reads what arrived; true while the connection is open.
    bool poll() {
        net::Event ev;
        while (channel_->stream().poll(ev)) {
            if (ev.type == net::EventType::closed) closed_ = true;
            if (ev.type != net::EventType::message) continue;
            const protocol::Incoming in = protocol::decode(ev.message.bytes());
            if (in.game == nullptr) continue;
            if (in.game->body_type() == Body::JoinRoomResult) player_ = in.game->body_as_JoinRoomResult()->player_id();
            if (in.game->body_type() == Body::Snapshot) tick_ = std::max(tick_, in.game->body_as_Snapshot()->server_tick());
        }
        return !closed_;
    }
    // One message of `count` new frames (full thrust, firing), the first
    // stamped `offset` ticks after the newest snapshot, claiming `view`.
    void send(int count, std::int64_t offset, schemas::ViewTime view) {
        std::vector<protocol::Frame> frames;
        for (int i = 0; i < count; ++i) {
            const std::uint32_t sequence = ++sequence_;
            frames.emplace_back(static_cast<std::uint32_t>(tick_ + offset + i), sequence, Buttons::Fire,
                                static_cast<std::uint16_t>(sequence * 4099), 127, 0);
        }
        channel_->sink().add(codec_.input(frames, tick_, view), net::Delivery::latest);
        channel_->sink().flush();
    }
    // Paced at the tick rate for `duration`, calling `each` per tick.
    bool play(std::chrono::milliseconds duration, const std::function<void()>& each) {
        auto next = std::chrono::steady_clock::now();
        const auto end = next + duration;
        while (next < end) {
            if (!poll()) return false;
            if (player_ != 0 && tick_ != 0) each();
            next += std::chrono::microseconds(16667);
            std::this_thread::sleep_until(next);
        }
        return poll();
    }
    [[nodiscard]] std::uint32_t player() const { return player_; }
    [[nodiscard]] std::uint32_t tick() const { return tick_; }

private:
    protocol::Codec codec_;
    std::unique_ptr<net::Channel> channel_;
    std::uint32_t player_ = 0, tick_ = 0, sequence_ = 0;
    bool closed_ = false;
};

TEST_F(Abuse, AViewTimeClaimedFarInThePastOrFutureIsNeverRewoundBeyondTheCap) {
    ForgedInputs forger(match_->port());
    bool past = true;
    const bool open = forger.play(2500ms, [&] {
        // A shot "seen" at tick 1 (minutes ago) or at the end of time, every tick.
        forger.send(1, 2, past ? schemas::ViewTime{1, 0} : schemas::ViewTime{0xFFFFFFFFu, 255});
        past = !past;
    });
    EXPECT_TRUE(open) << "not a reason to close\n" << dump_log();
    ASSERT_NE(forger.player(), 0u) << "never joined";
    const server::MatchStats stats = match_->health().stats;
    EXPECT_GT(stats.shots_fired, 10u) << "its shots were fired";
    EXPECT_GT(stats.shot_rewind_max_ms, 0.0) << "a claim in the past is clamped, not ignored";
    EXPECT_LE(stats.shot_rewind_max_ms, 250.0) << "never beyond the cap";
    EXPECT_EQ(stats.bad_clients_closed, 0u);
}

TEST_F(Abuse, ABurstOfFutureStampedFramesIsRefusedAndBuysNoSpeed) {
    ForgedInputs forger(match_->port());
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    std::uint64_t ticks0 = 0;
    bool started = false;
    const bool open = forger.play(2500ms, [&] {
        if (!started) {
            started = true;
            match_->on_game_thread([&](server::MatchServer& s) { s.ship_position("arena", forger.player(), x0, y0); });
            ticks0 = match_->health().server_ticks;
        }
        // Every tick 32 new frames at full thrust: the burst a speed hack
        // would send, all stamped for now and the next 31 ticks, and once a
        // second 8 more stamped a thousand ticks ahead.
        forger.send(32, 1, {});
        if (forger.tick() % 60 == 0) forger.send(8, 1000, {});
    });
    EXPECT_TRUE(open) << dump_log();
    std::uint64_t ticks1 = 0;
    match_->on_game_thread([&](server::MatchServer& s) { s.ship_position("arena", forger.player(), x1, y1); });
    ticks1 = match_->health().server_ticks;
    ASSERT_GT(ticks1, ticks0 + 60);
    // Top speed is 5 units a tick (walls only slow it down).
    const double moved = std::hypot(x1 - x0, y1 - y0);
    EXPECT_LE(moved, 5.0 * static_cast<double>(ticks1 - ticks0 + 2)) << "moved faster than one frame a tick";
    EXPECT_GT(match_->health().stats.inputs_dropped, 0u) << "the far-future frames were refused";
}

// ---- resume tokens ----------------------------------------------------------------
// A refused resume gets a fresh session (a Welcome that does not say resumed)
// and a log line; the session it named stays its owner's.

TEST_F(Abuse, AForgedResumeTokenGetsAFreshSession) {
    // Open, the forgery (refused: fresh), taking the real session back.
    expect_fresh_session(Attack::forged_resume_token, 3, 1, "signature does not match");
}

TEST_F(Abuse, AReplayedResumeTokenGetsAFreshSession) {
    // Open, the first use of the token (resumed), its replay (refused:
    // fresh), taking the session back with the newest token (resumed).
    expect_fresh_session(Attack::replayed_resume_token, 4, 2, "replayed");
}

TEST_F(Abuse, AnotherSessionsResumeTokenGetsAFreshSession) {
    expect_fresh_session(Attack::foreign_resume_token, 3, 0, "another session");
}

TEST_F(Abuse, AnExpiredResumeTokenGetsAFreshSession) {
    expect_fresh_session(Attack::expired_resume_token, 2, 0, "expired");
}

// ---- connection floods -----------------------------------------------------------

TEST_F(Abuse, ConnectionFloodFromOneAddressIsCutAtThePerIpLimit) {
    target_.flood_source = "127.0.0.3";
    target_.flood_count = 10;
    const Outcome o = attack(Attack::per_ip_flood);
    EXPECT_EQ(o.accepted, static_cast<int>(kMaxPerIp));
    EXPECT_EQ(o.refused, 10 - static_cast<int>(kMaxPerIp));
    expect_log({"rejected 127.0.0.3:", "per-address limit"});
}

TEST_F(Abuse, ConnectionFloodFromManyAddressesGets503BeyondTheGlobalLimit) {
    target_.flood_base = "127.0.1.";
    target_.flood_count = 20;
    const Outcome o = attack(Attack::global_flood);
    EXPECT_EQ(o.accepted, static_cast<int>(kMaxConnections) - kBots);
    EXPECT_EQ(o.refused, 20 - (static_cast<int>(kMaxConnections) - kBots));
    EXPECT_EQ(o.http_status, 503);
    expect_log({"rejected 127.0.1.", "server full (HTTP 503)"});
}

}  // namespace
}  // namespace tickwire::game::test
