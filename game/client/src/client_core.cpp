// ClientCore: the netcode client. Reads packets from the channel (verified by
// protocol::decode before any field is touched), keeps the clock in sync,
// predicts the own ship with the sim's own movement code and reconciles it
// against each snapshot, and interpolates everything else between snapshots.
#include "tickwire/game/client_core.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <unordered_map>

#include "tickwire/game/protocol/wire.hpp"
#include "tickwire/net/channel.hpp"

namespace tickwire::game {

namespace {

using protocol::Entity;
using protocol::Frame;

constexpr std::size_t kChatLines = 50;
constexpr std::size_t kInputHistory = 128;    // frames kept for replay (~2 s)
constexpr std::size_t kSnapshotBuffer = 32;   // for interpolation
constexpr float kSnapDistance = 64.0f;        // world units: larger errors snap, smaller blend
constexpr float kCorrectionDecay = 0.85f;     // per tick: ~100 ms to absorb an error
constexpr std::int64_t kClockSyncPeriodUs = 500'000;
constexpr std::int64_t kReconnectDelayUs = 2'000'000;
constexpr std::uint32_t kMaxReconnects = 12;  // session mode: ~18 s of backoff on average, inside the 30 s grace
constexpr int kMaxPlainReconnects = 5;         // --no-session: every 2 s

bool has_flag(const Entity& e, EntityFlags f) {
    return (static_cast<std::uint8_t>(e.flags()) & static_cast<std::uint8_t>(f)) != 0;
}

float units(std::int32_t q) { return static_cast<float>(q) / static_cast<float>(sim::kUnit); }

std::string room_of(const std::string& url) {
    const auto at = url.find("/room/");
    if (at == std::string::npos) return "auto";
    std::string code = url.substr(at + 6);
    const auto q = code.find_first_of("?#");
    return q == std::string::npos ? code : code.substr(0, q);
}

struct Received {
    std::uint32_t tick = 0;
    std::vector<Entity> entities;
};

// Exponentially weighted moving average.
struct Ewma {
    double value = 0;
    bool primed = false;
    void add(double v, double weight) {
        value = primed ? value + (v - value) * weight : v;
        primed = true;
    }
};

}  // namespace

struct ClientCore::Impl {
    ClientConfig config;
    std::unique_ptr<net::Channel> channel;
    protocol::Codec codec;
    sim::Arena arena = sim::Arena::standard();

    // Connection
    ConnectionStatus status = ConnectionStatus::connecting;
    std::string status_text;
    bool closing_by_us = false;
    bool was_joined = false;
    int reconnects = 0;
    std::int64_t reconnect_at_us = 0;
    bool opened = false;       // the current session can carry game messages
    bool ever_opened = false;  // session mode: a later `opened` means the server forgot us
    std::int64_t resumed_at_us = 0;  // clock replies to requests older than this are stale

    // Identity
    std::uint32_t player_id = 0, entity_id = 0;
    std::string room;
    std::unordered_map<std::uint32_t, std::string> names;

    // Clock: estimated server tick = base_tick + (now - base_time) / dt.
    double dt_us = 1e6 / 60.0;
    double server_tick_base = 0;
    std::int64_t server_tick_base_time = 0;
    bool clock_known = false;
    Ewma rtt_us, jitter_us;
    std::int64_t next_clock_sync_us = 0;
    int clock_syncs_sent = 0;

    // Input
    PlayerIntent intent;
    std::uint32_t sequence = 0;
    std::deque<std::pair<Frame, sim::Input>> history;  // unacknowledged, oldest first
    std::uint32_t acked_input = 0;
    bool input_pending = false;

    // Snapshots
    protocol::SnapshotRing ring;
    std::vector<Entity> decoded, extrapolated;
    std::vector<std::uint32_t> scratch_removed;
    std::uint32_t newest_tick = 0;
    std::uint32_t ack_to_send = 0;
    std::deque<Received> buffer;  // for interpolation, oldest first
    std::int64_t last_snapshot_us = 0;
    bool outage_gap = false;  // resumed: the next snapshot gap is the outage, not the network's rhythm
    Ewma snapshot_interval_us;

    // Prediction
    bool own_known = false, own_alive = false;
    sim::Body predicted;
    float correction_x = 0, correction_y = 0;
    std::uint32_t corrections = 0;
    std::int64_t own_dead_until_tick = 0;

    // Interpolation
    double render_tick = 0;
    double delay_ticks = 4;

    // Scores
    struct Score {
        int score = 0, kills = 0, deaths = 0;
    };
    std::map<std::uint32_t, Score> scores;

    // Rates
    std::int64_t rate_window_start = 0;
    std::uint64_t window_bytes_in = 0, window_bytes_out = 0;
    std::uint32_t window_snapshots = 0, window_corrections = 0;
    std::uint64_t total_snapshots = 0;

    ClientView view;

    explicit Impl(ClientConfig c) : config(std::move(c)) {
        dt_us = 1e6 / std::max(1, config.tick_rate);
        room = room_of(config.url);
        view.room = room;
        view.arena_w = units(arena.width);
        view.arena_h = units(arena.height);
        for (const sim::Rect& r : arena.obstacles) view.obstacles.push_back({units(r.x), units(r.y), units(r.w), units(r.h)});
        connect();
    }

    void connect() {
        net::ChannelOptions options;
        options.network_thread = config.network_thread;
        options.netsim = config.netsim;
        options.max_message_size = schemas::kMaxPacketBytes;
        if (config.session) {
            // net reconnects with backoff and resumes the session; the player,
            // its score and the room survive a dropped connection.
            options.session.enabled = true;
            options.reconnect.enabled = true;
            options.reconnect.base_delay = std::chrono::milliseconds(250);
            options.reconnect.max_delay = std::chrono::milliseconds(4000);
            options.reconnect.max_attempts = kMaxReconnects;
        }
        channel = std::make_unique<net::Channel>(net::Channel::connect(config.url, options));
        status = reconnects == 0 ? ConnectionStatus::connecting : ConnectionStatus::reconnecting;
        status_text = "connecting to " + config.url + "…";
        opened = ever_opened = false;
        forget_session();
    }

    // Everything that belonged to the server's idea of us: a fresh session
    // starts from a Hello and a full snapshot.
    void forget_session() {
        player_id = entity_id = 0;
        names.clear();   // the server re-sends the roster and scores on join
        scores.clear();
        own_known = false;
        history.clear();
        buffer.clear();
        newest_tick = ack_to_send = 0;
        last_snapshot_us = 0;
        ring = protocol::SnapshotRing();
        clock_known = false;
        clock_syncs_sent = 0;
        next_clock_sync_us = 0;
        window_bytes_in = window_bytes_out = 0;  // a new channel counts from zero
        rate_window_start = 0;
    }

    void notice(std::string text) { chat_line({}, std::move(text), 0); }
    void chat_line(std::string from, std::string text, std::uint8_t colour) {
        view.chat.push_back({std::move(from), std::move(text), colour});
        if (view.chat.size() > kChatLines) view.chat.erase(view.chat.begin());
    }

    double estimated_server_tick(std::int64_t now) const {
        return server_tick_base + static_cast<double>(now - server_tick_base_time) / dt_us;
    }

    // ---- receive -----------------------------------------------------------

    void on_clock(const session::ClockSyncResponse& r) {
        const std::int64_t now = protocol::now_us();
        const std::int64_t rtt = (now - r.client_send_time_us()) - (r.server_send_time_us() - r.server_receive_time_us());
        if (rtt < 0 || rtt > 10'000'000) return;  // not ours, or absurd
        // A request sent before a resume may be answered (and resent) after
        // it: its round trip includes the outage.
        if (r.client_send_time_us() < resumed_at_us) return;
        if (rtt_us.primed) jitter_us.add(std::abs(static_cast<double>(rtt) - rtt_us.value), 0.1);
        rtt_us.add(static_cast<double>(rtt), clock_known ? 0.1 : 0.5);
        // The server's tick when it replied, half a round trip ago.
        const std::int64_t then = now - static_cast<std::int64_t>(rtt_us.value / 2);
        const double fresh = r.server_tick();
        const double old = clock_known ? estimated_server_tick(then) : fresh;
        // Smooth: small differences move the clock a little, large ones reset it.
        server_tick_base = std::abs(fresh - old) > 10 ? fresh : old + (fresh - old) * 0.2;
        server_tick_base_time = then;
        clock_known = true;
    }

    void on_join(const JoinRoomResult& r) {
        if (!r.accepted()) {
            status = ConnectionStatus::closed;
            status_text = "refused: " + (r.reason() ? r.reason()->str() : std::string("no reason"));
            return;
        }
        player_id = r.player_id();
        entity_id = r.entity_id();
        if (r.reason() != nullptr && r.reason()->size() > 0) room = r.reason()->str();
        view.room = room;
        status = ConnectionStatus::joined;
        status_text.clear();
        was_joined = true;
        reconnects = 0;
        names[player_id] = config.name;
        scores[player_id];
    }

    void on_chat(const ChatMessage& c) {
        const std::string text = c.text()->str();
        const std::string name = c.from_name() ? c.from_name()->str() : std::string();
        const std::uint32_t from = c.from_player();
        if (!text.empty() && text.front() == '/') {
            // Roster entries from the server (see protocol/wire.hpp).
            if (from == 0) return;
            if (text == "/left") {
                names.erase(from);
                scores.erase(from);
                notice(name + " left");
            } else {
                names[from] = name;
                scores[from];
                if (text == "/joined") notice(name + " joined");
            }
            return;
        }
        if (from != 0) names[from] = name;
        chat_line(from == 0 ? std::string() : name, text, from == 0 ? 0 : sim::player_colour(from));
    }

    void on_events(const MatchEvents& e) {
        if (e.kills() != nullptr) {
            for (const KillEvent* k : *e.kills()) {
                scores[k->victim()].deaths++;
                if (k->killer() != k->victim()) scores[k->killer()].kills++;
                if (k->victim() == player_id) own_dead_until_tick = static_cast<std::int64_t>(k->tick()) + sim::kRespawnDelay;
                const auto killer = names.find(k->killer());
                const auto victim = names.find(k->victim());
                if (killer != names.end() && victim != names.end()) notice(killer->second + " destroyed " + victim->second);
            }
        }
        if (e.scores() != nullptr) {
            for (const ScoreEvent* s : *e.scores()) scores[s->player()].score = s->score();
        }
    }

    void on_snapshot(const Snapshot& s) {
        const std::uint32_t tick = s.server_tick();
        if (tick <= newest_tick) return;  // latest-state: older ones are worthless
        // Not decodable (baseline gone, bad bytes): not acked either, so the
        // server falls back to a full one.
        if (!protocol::decode_snapshot(s, ring, extrapolated, decoded).empty()) return;
        ring.put(tick, decoded);
        newest_tick = tick;
        ack_to_send = tick;
        ++window_snapshots;
        ++total_snapshots;

        const std::int64_t now = protocol::now_us();
        if (last_snapshot_us != 0 && !outage_gap) {
            const double gap = static_cast<double>(now - last_snapshot_us);
            if (snapshot_interval_us.primed) jitter_us.add(std::abs(gap - snapshot_interval_us.value), 0.05);
            snapshot_interval_us.add(gap, 0.05);
        }
        last_snapshot_us = now;
        outage_gap = false;
        if (!clock_known) {
            server_tick_base = tick;
            server_tick_base_time = now;
            clock_known = true;
        }

        buffer.push_back({tick, decoded});
        while (buffer.size() > kSnapshotBuffer) buffer.pop_front();
        reconcile(s.last_input_sequence());
        adapt_delay();
    }

    void reconcile(std::uint32_t last_input_sequence) {
        const Entity* own = nullptr;
        for (const Entity& e : decoded) {
            if (e.id() == entity_id && e.kind() == EntityKind::Player) own = &e;
        }
        if (own == nullptr) {
            own_known = false;
            return;
        }
        while (!history.empty() && history.front().first.sequence() <= last_input_sequence) history.pop_front();
        acked_input = std::max(acked_input, last_input_sequence);
        own_alive = has_flag(*own, EntityFlags::Alive);
        sim::Body corrected{own->x(), own->y(), own->vx(), own->vy()};
        if (own_alive) {
            for (const auto& [frame, input] : history) sim::step_movement(corrected, input, arena);
        }
        if (own_known && own_alive && !has_flag(*own, EntityFlags::Teleported)) {
            const float ex = units(predicted.x - corrected.x) + correction_x;
            const float ey = units(predicted.y - corrected.y) + correction_y;
            if (predicted.x != corrected.x || predicted.y != corrected.y) {
                ++corrections;
                ++window_corrections;
            }
            if (std::hypot(ex, ey) < kSnapDistance) {
                // Show the old position and blend towards the corrected one.
                correction_x = ex;
                correction_y = ey;
            } else {
                correction_x = correction_y = 0;
            }
        } else {
            correction_x = correction_y = 0;
        }
        predicted = corrected;
        own_known = true;
    }

    void adapt_delay() {
        // About two snapshot intervals plus twice the jitter, in ticks.
        const double interval = snapshot_interval_us.primed ? snapshot_interval_us.value : 2 * dt_us;
        const double target = (2 * interval + 2 * jitter_us.value) / dt_us;
        delay_ticks += (std::clamp(target, 1.0, 30.0) - delay_ticks) * 0.1;
    }

    void on_message(const net::Message& m) {
        const protocol::Incoming in = protocol::decode(m.bytes());
        if (in.game != nullptr) return on_game_message(*in.game);
        if (in.packet == nullptr) {
            std::fprintf(stderr, "[client] dropped a bad message: %.*s\n", static_cast<int>(in.error.size()),
                         in.error.data());
            return;
        }
        switch (in.packet->body_type()) {
        case session::Body::Welcome: {
            const auto* w = in.packet->body_as_Welcome();
            if (w->tick_rate_hz() != config.tick_rate) {
                std::fprintf(stderr, "[client] server ticks at %u Hz, client at %d Hz\n", w->tick_rate_hz(),
                             config.tick_rate);
            }
            server_tick_base = w->server_tick();
            server_tick_base_time = protocol::now_us();
            clock_known = true;
            return;
        }
        case session::Body::ClockSyncResponse: return on_clock(*in.packet->body_as_ClockSyncResponse());
        case session::Body::Error: {
            const auto* e = in.packet->body_as_Error();
            status_text = "server: " + (e->text() ? e->text()->str() : std::string("error"));
            return;
        }
        default: return;
        }
    }

    void on_game_message(const Message& game) {
        switch (game.body_type()) {
        case Body::JoinRoomResult: return on_join(*game.body_as_JoinRoomResult());
        case Body::Snapshot: return on_snapshot(*game.body_as_Snapshot());
        case Body::ChatMessage: return on_chat(*game.body_as_ChatMessage());
        case Body::MatchEvents: return on_events(*game.body_as_MatchEvents());
        default: return;
        }
    }

    void on_opened() {
        if (ever_opened) {
            // Session mode: we reconnected but the server no longer held our
            // session (it restarted, or the grace period ran out): join afresh.
            forget_session();
            if (was_joined) notice("rejoining: the server ended our session");
        }
        opened = ever_opened = true;
        channel->sink().add(codec.hello(config.name));
        status_text = "joining…";
    }

    // Session mode: the connection dropped; net retries with backoff.
    void on_reconnecting(const net::Event& ev) {
        opened = false;
        status = ConnectionStatus::reconnecting;
        const std::string reason(ev.text());
        char line[160];
        std::snprintf(line, sizeof(line), "reconnecting in %.1f s (attempt %u of %u): %s",
                      static_cast<double>(ev.retry_delay.count()) / 1000.0, ev.attempt, kMaxReconnects,
                      reason.empty() ? "connection lost" : reason.c_str());
        status_text = line;
        if (was_joined && ev.attempt == 1) notice("connection lost");
    }

    // Session mode: the server took our session back. Player, room, score,
    // prediction and the snapshot ring are all still valid.
    void on_resumed() {
        opened = true;
        status = player_id != 0 ? ConnectionStatus::joined : ConnectionStatus::connecting;
        status_text.clear();
        resumed_at_us = protocol::now_us();
        outage_gap = true;
        clock_syncs_sent = 0;  // re-measure the round trip quickly
        next_clock_sync_us = 0;
        if (was_joined) notice("connection restored");
    }

    void on_closed(const net::Event& ev) {
        const std::string reason(ev.text());
        const bool kicked = ev.close_code >= 4000 || ev.close_code == net::close_code::policy_violation ||
                            ev.close_code == net::close_code::normal || ev.close_code == net::close_code::going_away;
        // Session mode: net already retried (the stream said reconnecting);
        // this closed is final.
        if (!config.session && !closing_by_us && !kicked && reconnects < kMaxPlainReconnects) {
            ++reconnects;
            status = ConnectionStatus::reconnecting;
            status_text = "reconnecting in 2 s… (" + (reason.empty() ? std::string("connection lost") : reason) + ")";
            reconnect_at_us = protocol::now_us() + kReconnectDelayUs;
            if (was_joined) notice("connection lost");
            channel.reset();
            return;
        }
        status = ConnectionStatus::closed;
        if (closing_by_us) {
            status_text = "closed";
        } else if (status_text.rfind("server: ", 0) == 0) {
            status_text = "server closed: " + status_text.substr(8) + " (" + std::to_string(ev.close_code) + ")";
        } else {
            status_text = "server closed: " + (reason.empty() ? std::string("no reason") : reason) + " (" +
                          std::to_string(ev.close_code) + ")";
        }
        if (was_joined) notice(status_text);
    }

    void network_in() {
        if (!channel) {
            if (status == ConnectionStatus::reconnecting && protocol::now_us() >= reconnect_at_us) connect();
            return;
        }
        net::Event ev;
        while (channel && channel->stream().poll(ev)) {
            switch (ev.type) {
            case net::EventType::opened: on_opened(); break;
            case net::EventType::reconnecting: on_reconnecting(ev); break;
            case net::EventType::resumed: on_resumed(); break;
            case net::EventType::message: on_message(ev.message); break;
            case net::EventType::error:
                status_text = std::string(net::to_string(ev.error)) + ": " + std::string(ev.text());
                break;
            case net::EventType::closed: on_closed(ev); break;
            default: break;
            }
        }
    }

    // ---- tick ------------------------------------------------------------------

    // Per-second rates for the net graph, over one-second windows.
    void update_rates() {
        ClientView& v = view;
        const std::int64_t now = protocol::now_us();
        if (rate_window_start == 0) rate_window_start = now;
        const double secs = static_cast<double>(now - rate_window_start) / 1e6;
        if (secs >= 1.0 && channel) {
            const net::ChannelStats cs = channel->stats();
            v.net.bytes_in_per_s = static_cast<float>(static_cast<double>(cs.bytes_in - window_bytes_in) / secs);
            v.net.bytes_out_per_s = static_cast<float>(static_cast<double>(cs.bytes_out - window_bytes_out) / secs);
            v.net.snapshot_rate_hz = static_cast<float>(window_snapshots / secs);
            v.net.corrections_per_s = static_cast<float>(window_corrections / secs);
            window_bytes_in = cs.bytes_in;
            window_bytes_out = cs.bytes_out;
            window_snapshots = window_corrections = 0;
            rate_window_start = now;
        }
    }

    void step() {
        // Interpolation clock: one tick per tick, nudged towards
        // "newest snapshot's tick minus the delay" so it neither starves nor lags.
        if (newest_tick != 0) {
            const double since = static_cast<double>(protocol::now_us() - last_snapshot_us) / dt_us;
            const double target = newest_tick + std::min(since, 10.0) - delay_ticks;
            const double error = target - render_tick;
            if (std::abs(error) > 30) {
                render_tick = target;
            } else {
                render_tick += std::clamp(1.0 + error * 0.05, 0.8, 1.2);
            }
        }
        update_rates();
        correction_x *= kCorrectionDecay;
        correction_y *= kCorrectionDecay;
        if (status != ConnectionStatus::joined) return;

        const sim::Input input = sim::sanitise_intent(intent.move_x, intent.move_y, intent.aim, intent.fire);
        ++sequence;
        // Stamped with the server tick it should run at: now plus half a round trip.
        const double arrive = clock_known ? estimated_server_tick(protocol::now_us()) + rtt_us.value / 2 / dt_us : 0;
        const Frame frame(static_cast<std::uint32_t>(std::max(0.0, arrive)), sequence,
                          input.fire ? Buttons::Fire : static_cast<Buttons>(0), input.aim, input.move_x, input.move_y);
        history.emplace_back(frame, input);
        while (history.size() > kInputHistory) history.pop_front();
        input_pending = true;
        if (own_known && own_alive) sim::step_movement(predicted, input, arena);
    }

    void network_out() {
        if (!channel || !opened) {
            if (channel) channel->sink().flush();
            return;
        }
        net::Sink& sink = channel->sink();
        const std::int64_t now = protocol::now_us();
        // Clock sync: a quick burst of five at the start, then twice a second.
        if (now >= next_clock_sync_us) {
            sink.add(codec.clock_request(now));
            next_clock_sync_us = now + (clock_syncs_sent++ < 5 ? 100'000 : kClockSyncPeriodUs);
        }
        // Input and the snapshot ack are latest-state: never resent, and an
        // unsent one is replaced by the next. So every input carries the
        // newest decoded tick (repeating an ack is harmless; a replaced input
        // must not take the only copy of one with it). A bare Ack goes only
        // for a new snapshot in a tick without input.
        bool ack_sent = false;
        if (input_pending && status == ConnectionStatus::joined) {
            // Every frame the server has not confirmed, newest last (redundancy
            // instead of resends: a lost message costs nothing).
            Frame frames[schemas::kMaxInputFrames];
            std::size_t n = 0;
            const std::size_t skip = history.size() > schemas::kMaxInputFrames ? history.size() - schemas::kMaxInputFrames : 0;
            for (std::size_t i = skip; i < history.size(); ++i) frames[n++] = history[i].first;
            if (n > 0) {
                sink.add(codec.input({frames, n}, newest_tick), net::Delivery::latest);
                ack_sent = true;
            }
            input_pending = false;
        }
        if (ack_to_send != 0 && !ack_sent) sink.add(codec.ack(ack_to_send), net::Delivery::latest);
        ack_to_send = 0;
        sink.flush();
    }

    // ---- view ------------------------------------------------------------------

    static float lerp(float a, float b, float t) { return a + (b - a) * t; }
    static float lerp_angle(std::uint16_t a, std::uint16_t b, float t) {
        const int d = static_cast<std::int16_t>(static_cast<std::uint16_t>(b - a));
        return schemas::angle_radians(static_cast<std::uint16_t>(a + static_cast<int>(std::lround(d * t))));
    }

    void fill_view(float alpha) {
        ClientView& v = view;
        v.status = status;
        v.status_text = status_text;
        v.ships.clear();
        v.projectiles.clear();

        // Pick the two buffered snapshots around the render time.
        const double t = render_tick + alpha;
        const Received* a = nullptr;
        const Received* b = nullptr;
        for (std::size_t i = 0; i < buffer.size(); ++i) {
            if (buffer[i].tick <= t) a = &buffer[i];
            if (buffer[i].tick > t) {
                b = &buffer[i];
                break;
            }
        }
        if (a == nullptr) a = b;
        if (b == nullptr) b = a;
        if (a != nullptr) {
            const float f = b->tick == a->tick ? 0.0f
                                               : static_cast<float>(std::clamp((t - a->tick) / (b->tick - a->tick), 0.0, 1.0));
            for (const Entity& eb : b->entities) {
                const auto it = std::lower_bound(a->entities.begin(), a->entities.end(), eb.id(),
                                                 [](const Entity& e, std::uint32_t id) { return e.id() < id; });
                const Entity& ea = (it != a->entities.end() && it->id() == eb.id()) ? *it : eb;
                const bool jump = has_flag(eb, EntityFlags::Teleported) || &ea == &eb;
                const float k = jump ? 1.0f : f;
                const float x = lerp(units(ea.x()), units(eb.x()), k), y = lerp(units(ea.y()), units(eb.y()), k);
                if (eb.kind() == EntityKind::Projectile) {
                    if (&ea == &eb && f < 0.5f) continue;  // not fired yet at render time
                    v.projectiles.push_back({x, y, units(sim::kProjectileRadius), eb.team()});
                } else if (eb.kind() == EntityKind::Player) {
                    ShipView s;
                    s.entity_id = eb.id();
                    s.player_id = eb.owner();
                    s.x = x;
                    s.y = y;
                    s.angle = jump ? schemas::angle_radians(eb.angle()) : lerp_angle(ea.angle(), eb.angle(), f);
                    s.radius = units(sim::kShipRadius);
                    s.health = static_cast<std::uint8_t>(std::min<int>(eb.health(), sim::kMaxHealth));
                    s.colour = eb.team();
                    s.alive = has_flag(eb, EntityFlags::Alive);
                    const auto name = names.find(eb.owner());
                    s.name = name != names.end() ? name->second : "player " + std::to_string(eb.owner());
                    if (eb.id() == entity_id && own_known) {
                        // The own ship: predicted now, not interpolated in the past.
                        const auto& newest = buffer.back().entities;
                        const auto own = std::find_if(newest.begin(), newest.end(),
                                                      [&](const Entity& e) { return e.id() == entity_id; });
                        s.local = true;
                        s.alive = own_alive;
                        if (own != newest.end()) s.health = own->health();
                        s.x = units(predicted.x) + correction_x;
                        s.y = units(predicted.y) + correction_y;
                        s.angle = sim::sanitise_intent(0, 0, intent.aim, false).aim * (schemas::kTwoPi / 65536.0f);
                    }
                    v.ships.push_back(std::move(s));
                }
            }
        }

        v.scoreboard.clear();
        for (const auto& [pid, sc] : scores) {
            const auto name = names.find(pid);
            if (name == names.end()) continue;
            v.scoreboard.push_back({pid, name->second, sim::player_colour(pid), sc.score, sc.kills, sc.deaths, pid == player_id});
        }
        std::stable_sort(v.scoreboard.begin(), v.scoreboard.end(),
                         [](const ScoreRow& x, const ScoreRow& y) { return x.score > y.score; });

        const std::int64_t now = protocol::now_us();
        v.net.rtt_ms = static_cast<float>(rtt_us.value / 1000.0);
        v.net.jitter_ms = static_cast<float>(jitter_us.value / 1000.0);
        v.net.interpolation_delay_ms = static_cast<float>(delay_ticks * dt_us / 1000.0);
        v.net.snapshot_tick = newest_tick;
        v.net.server_tick = clock_known ? static_cast<std::uint32_t>(std::max(0.0, estimated_server_tick(now))) : 0;
        v.respawn_in_s = 0;
        if (own_known && !own_alive && clock_known) {
            v.respawn_in_s = static_cast<float>(std::max(0.0, (own_dead_until_tick - estimated_server_tick(now)) * dt_us / 1e6));
        }
    }
};

ClientCore::ClientCore(ClientConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
ClientCore::~ClientCore() {
    if (impl_->channel && impl_->status != ConnectionStatus::closed) impl_->channel->sink().close(net::close_code::going_away, "client exit");
}

void ClientCore::network_in() { impl_->network_in(); }
void ClientCore::set_intent(const PlayerIntent& intent) { impl_->intent = intent; }
void ClientCore::step() { impl_->step(); }
void ClientCore::network_out() { impl_->network_out(); }

void ClientCore::send_chat(std::string_view text) {
    // While reconnecting in session mode, chat waits in the channel's send
    // queue: it goes out if the session resumes, and is dropped if a fresh
    // one starts (the new session's server never knew this player).
    const bool can_send = impl_->status == ConnectionStatus::joined ||
                          (impl_->config.session && impl_->status == ConnectionStatus::reconnecting && impl_->player_id != 0);
    if (!impl_->channel || !can_send || text.empty()) return;
    impl_->channel->sink().add(impl_->codec.chat(0, {}, text.substr(0, schemas::kMaxTextBytes)));
}

void ClientCore::close() {
    impl_->closing_by_us = true;
    if (impl_->channel) {
        impl_->channel->sink().close(net::close_code::normal, "bye");
        impl_->channel->sink().flush();
    } else {
        impl_->status = ConnectionStatus::closed;
        impl_->status_text = "closed";
    }
}

const ClientView& ClientCore::view(float alpha) {
    impl_->fill_view(std::clamp(alpha, 0.0f, 1.0f));
    return impl_->view;
}

ConnectionStatus ClientCore::status() const noexcept { return impl_->status; }
bool ClientCore::finished() const noexcept { return impl_->status == ConnectionStatus::closed; }
std::uint64_t ClientCore::snapshots_received() const noexcept { return impl_->total_snapshots; }

}  // namespace tickwire::game
