// ClientCore: wires the netcode client's parts to a net::Channel and the tick.
// Each part has one job and its own file:
//
//   clock_sync.*            the server's tick, estimated from round trips
//   prediction.*            the own ship, predicted and reconciled
//   time_dilation.*         input stamps, and the rate frames are sampled at
//   input_sampler.*         the intent into frames (fire presses latched)
//   input_sender.*          which frames go in this tick's message (each once)
//   interpolation_buffer.*  recent snapshots and the render clock
//   world_view.*            ships and projectiles to draw
//   roster.*                names and scores; chat_log.hpp the chat box
//   net_rates.*             the net graph's per-second figures
//
// This file reads each message (verified by protocol::decode before any field
// is touched), hands it to the part concerned, and keeps the connection's
// status for the presentation.
#include "tickwire/game/client_core.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <functional>

#include "chat_log.hpp"
#include "clock_sync.hpp"
#include "input_sampler.hpp"
#include "input_sender.hpp"
#include "interpolation_buffer.hpp"
#include "net_rates.hpp"
#include "prediction.hpp"
#include "roster.hpp"
#include "time_dilation.hpp"
#include "tickwire/game/protocol/room_code.hpp"
#include "tickwire/game/protocol/wire.hpp"
#include "tickwire/net/channel.hpp"
#include "tickwire/net/url.hpp"
#include "units.hpp"
#include "world_view.hpp"

namespace tickwire::game {

namespace {

using protocol::Entity;
using Clock = std::chrono::steady_clock;

// One policy for both modes: with session mode the player, its score and the
// room survive a dropped connection; without, a new connection joins afresh.
// 12 attempts with this backoff take ~18 s on average, inside the server's
// 30 s session grace.
constexpr std::uint32_t kMaxReconnects = 12;
constexpr auto kReconnectBaseDelay = std::chrono::milliseconds(250);
constexpr auto kReconnectMaxDelay = std::chrono::milliseconds(4000);

// The room a URL asks for ("auto" when it names none), read the way the
// server reads it.
std::string room_of(std::string_view url) {
    const auto parsed = net::parse_ws_url(url);
    if (!parsed) return "auto";
    return std::string(protocol::room_code_from_path(net::split_target(parsed->target).first));
}

}  // namespace

struct ClientCore::Impl {
    explicit Impl(ClientConfig c)
        : config(std::move(c)),
          now(config.clock ? config.clock : [] { return Clock::now(); }),
          tick_us(1e6 / std::max(1, config.tick_rate)),
          clock(tick_us),
          prediction(arena),
          interpolation(tick_us),
          dilation(tick_us),
          chat(view.chat) {
        view.room = room_of(config.url);
        view.arena_w = units(arena.width);
        view.arena_h = units(arena.height);
        for (const sim::Rect& r : arena.obstacles) view.obstacles.push_back({units(r.x), units(r.y), units(r.w), units(r.h)});
        dilation.set_send_interval(sender.interval());
        connect();
    }

    ClientConfig config;
    ClientView view;  // filled by view(); chat lines are written into it as they come
    std::function<Clock::time_point()> now;
    double tick_us;
    std::unique_ptr<net::Channel> channel;
    protocol::Codec codec;
    sim::Arena arena = sim::Arena::standard();

    // Connection
    ConnectionStatus status = ConnectionStatus::connecting;
    std::string status_text;
    bool closing_by_us = false;
    bool was_joined = false;
    bool opened = false;       // the current connection can carry game messages
    bool ever_opened = false;  // a later `opened` means the server forgot us (or, plain, a new connection)

    // Identity
    std::uint32_t entity_id = 0;

    // The parts
    ClockSync clock;
    Prediction prediction;
    InterpolationBuffer interpolation;
    TimeDilation dilation;
    Roster roster;
    ChatLog chat;
    NetRates rates;

    // Input and snapshots
    InputSampler sampler;
    InputSender sender{config.input_send_interval};
    bool input_pending = false;
    schemas::ViewTime view_time;  // what the player saw when the newest frame was sampled
    protocol::SnapshotRing ring;
    std::vector<Entity> decoded, extrapolated;
    std::uint32_t ack_to_send = 0;
    std::uint64_t total_snapshots = 0;

    std::int64_t now_us() const {
        return std::chrono::duration_cast<std::chrono::microseconds>(now().time_since_epoch()).count();
    }

    void connect() {
        net::ChannelOptions options;
        options.network_thread = config.network_thread;
        options.netsim = config.netsim;
        options.max_message_size = schemas::kMaxPacketBytes;
        options.session.enabled = config.session;
        options.reconnect.enabled = true;
        options.reconnect.base_delay = kReconnectBaseDelay;
        options.reconnect.max_delay = kReconnectMaxDelay;
        options.reconnect.max_attempts = kMaxReconnects;
        channel = std::make_unique<net::Channel>(net::Channel::connect(config.url, options));
        status = ConnectionStatus::connecting;
        status_text = "connecting to " + config.url + "…";
        forget_session();
    }

    // Everything that belonged to the server's idea of us: a fresh session
    // starts from a Hello and a full snapshot.
    void forget_session() {
        entity_id = 0;
        roster.reset();  // the server re-sends the roster and scores on join
        prediction.reset();
        interpolation.reset();
        dilation.reset();
        sampler.reset();
        sender.reset();
        clock.reset();
        ack_to_send = 0;
        ring = protocol::SnapshotRing();
    }

    // ---- receive -----------------------------------------------------------

    void on_join(const JoinRoomResult& r) {
        if (!r.accepted()) {
            status = ConnectionStatus::closed;
            status_text = "refused: " + (r.reason() ? r.reason()->str() : std::string("no reason"));
            return;
        }
        entity_id = r.entity_id();
        if (r.reason() != nullptr && r.reason()->size() > 0) view.room = r.reason()->str();
        status = ConnectionStatus::joined;
        status_text.clear();
        was_joined = true;
        roster.set_local(r.player_id(), config.name);
    }

    void on_chat(const ChatMessage& c) {
        const std::uint32_t from = c.from_player();
        std::string name = from != 0 && c.from_name() ? c.from_name()->str() : std::string();
        chat.say(std::move(name), c.text()->str(), from == 0 ? 0 : sim::player_colour(from));
    }

    void on_presence(const Presence& p) {
        if (p.present() != nullptr) {
            for (const RoomMember* m : *p.present()) roster.present(m->player(), name_of(*m));
        }
        if (p.joined() != nullptr) {
            for (const RoomMember* m : *p.joined()) roster.joined(m->player(), name_of(*m), chat);
        }
        if (p.left() != nullptr) {
            for (const std::uint32_t player : *p.left()) roster.left(player, chat);
        }
    }
    static std::string_view name_of(const RoomMember& m) {
        return m.name() != nullptr ? m.name()->string_view() : std::string_view();
    }

    void on_snapshot(const Snapshot& s) {
        const std::uint32_t tick = s.server_tick();
        if (tick <= interpolation.newest_tick()) return;  // latest-state: older ones are worthless
        // Not decodable (baseline gone, bad bytes): not acked either, so the
        // server falls back to a full one.
        if (!protocol::decode_snapshot(s, ring, extrapolated, decoded).empty()) return;
        ring.put(tick, decoded);
        ack_to_send = tick;
        rates.count_snapshot();
        ++total_snapshots;
        const std::int64_t t = now_us();
        clock.on_snapshot(tick, t);
        interpolation.push(tick, decoded, t);
        const auto own = std::find_if(decoded.begin(), decoded.end(), [&](const Entity& e) {
            return e.id() == entity_id && e.kind() == EntityKind::Player;
        });
        prediction.reconcile(own != decoded.end() ? &*own : nullptr, s.last_input_sequence(), s.input_held_ticks());
        const auto lead = s.input_lead();
        dilation.on_lead(lead ? std::optional<std::int8_t>(*lead) : std::nullopt, s.input_jitter_ms(), s.last_input_sequence());
    }

    void on_packet(const session::Packet& packet) {
        switch (packet.body_type()) {
        case session::Body::Welcome: {
            const auto* w = packet.body_as_Welcome();
            if (w->tick_rate_hz() != config.tick_rate) {
                std::fprintf(stderr, "[client] server ticks at %u Hz, client at %d Hz\n", w->tick_rate_hz(),
                             config.tick_rate);
            }
            return clock.on_welcome(w->server_tick(), now_us());
        }
        case session::Body::ClockSyncResponse: {
            const auto* r = packet.body_as_ClockSyncResponse();
            return clock.on_response({r->client_send_time_us(), r->server_receive_time_us(), r->server_send_time_us(),
                                      r->server_tick()},
                                     now_us());
        }
        case session::Body::Error: {
            const auto* e = packet.body_as_Error();
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
        case Body::Presence: return on_presence(*game.body_as_Presence());
        case Body::MatchEvents: return roster.on_events(*game.body_as_MatchEvents(), chat);
        default: return;
        }
    }

    void on_message(const net::Message& m) {
        const protocol::Incoming in = protocol::decode(m.bytes());
        if (in.game != nullptr) return on_game_message(*in.game);
        if (in.packet != nullptr) return on_packet(*in.packet);
        std::fprintf(stderr, "[client] dropped a bad message: %.*s\n", static_cast<int>(in.error.size()), in.error.data());
    }

    // ---- connection events ------------------------------------------------------

    void on_opened() {
        if (ever_opened) {
            // We reconnected but the server holds nothing of us (plain mode; or
            // in session mode it restarted, or the grace period ran out): join afresh.
            forget_session();
            if (was_joined && config.session) chat.notice("rejoining: the server ended our session");
        }
        opened = ever_opened = true;
        channel->sink().add(codec.hello(config.name));
        status_text = "joining…";
    }

    // The connection dropped; net retries with backoff.
    void on_reconnecting(const net::Event& ev) {
        opened = false;
        status = ConnectionStatus::reconnecting;
        const std::string reason(ev.text());
        char line[160];
        std::snprintf(line, sizeof(line), "reconnecting in %.1f s (attempt %u of %u): %s",
                      static_cast<double>(ev.retry_delay.count()) / 1000.0, ev.attempt, kMaxReconnects,
                      reason.empty() ? "connection lost" : reason.c_str());
        status_text = line;
        if (was_joined && ev.attempt == 1) chat.notice("connection lost");
    }

    // Session mode: the server took our session back. Player, room, score,
    // prediction and the snapshot ring are all still valid.
    void on_resumed() {
        opened = true;
        status = roster.local_player() != 0 ? ConnectionStatus::joined : ConnectionStatus::connecting;
        status_text.clear();
        clock.on_resumed(now_us());
        interpolation.on_resumed();
        dilation.reset();  // the outage ran the server's tick on: re-stamp from the clock
        if (was_joined) chat.notice("connection restored");
    }

    // Final: net has given up retrying, or the close was not one to retry.
    void on_closed(const net::Event& ev) {
        const std::string reason(ev.text());
        opened = false;
        status = ConnectionStatus::closed;
        if (closing_by_us) {
            status_text = "closed";
        } else if (status_text.rfind("server: ", 0) == 0) {
            status_text = "server closed: " + status_text.substr(8) + " (" + std::to_string(ev.close_code) + ")";
        } else {
            status_text = "server closed: " + (reason.empty() ? std::string("no reason") : reason) + " (" +
                          std::to_string(ev.close_code) + ")";
        }
        if (was_joined) chat.notice(status_text);
    }

    void network_in() {
        net::Event ev;
        while (channel->stream().poll(ev)) {
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

    void step() {
        const std::int64_t t = now_us();
        interpolation.advance(t);
        rates.update(t, channel->stats(), prediction.corrections(), view.net);
        prediction.decay();
        if (status != ConnectionStatus::joined) return;
        view_time = interpolation.view_time();
        // Stamped with the server tick each frame is for; sampled a little
        // faster or slower than the loop ticks (time dilation); it leaves
        // in this tick's message or a few ticks later (input_send_interval).
        const std::optional<double> arrival =
            clock.known() ? std::optional(clock.server_tick(t) + clock.rtt_us() / 2 / tick_us) : std::nullopt;
        dilation.set_send_wait(sender.ticks_until_send());
        sampler.step(dilation, prediction, arrival, t);
        input_pending = true;
    }


    void network_out() {
        net::Sink& sink = channel->sink();
        // opened follows the stream, which lags the network thread: a
        // connection that dropped since network_in reads as open there but not
        // here. Without session mode, net would hand what we add now to the
        // next connection ahead of its Hello (and the server closes a game
        // message before Hello with 4000), so add nothing then.
        if (!opened || (!config.session && channel->state() != net::ChannelState::open)) return sink.flush();
        if (clock.request_due(now_us())) sink.add(codec.clock_request(now_us()));
        // Each input frame goes once, reliable (input_sender.hpp). While
        // joined the snapshot ack rides on the next input (within
        // input_send_interval ticks); a bare Ack (latest-state: an unsent one
        // is replaced by the next) only otherwise. What a message does not
        // need stays out (the input packet writes a 0 byte for each, where the
        // value would cost 2-3): the ack when no newer snapshot came, the view
        // time when no frame fires (lag compensation judges shots only).
        if (status == ConnectionStatus::joined) {
            protocol::Frame frames[schemas::kMaxInputFrames];
            const std::size_t n = input_pending ? sender.due(prediction, frames) : 0;
            input_pending = false;
            if (n > 0) {
                const bool fires = std::any_of(frames, frames + n, [](const protocol::Frame& f) {
                    return protocol::to_input(f).fire;
                });
                sink.add(codec.input({frames, n}, ack_to_send, fires ? view_time : schemas::ViewTime{}));
                ack_to_send = 0;
            }
        } else if (ack_to_send != 0) {
            sink.add(codec.ack(ack_to_send), net::Delivery::latest);
            ack_to_send = 0;
        }
        sink.flush();
    }

    // ---- view ------------------------------------------------------------------

    void fill_view(float alpha) {
        ClientView& v = view;
        v.status = status;
        v.status_text = status_text;
        fill_world_view(interpolation, alpha, roster, {entity_id, &prediction, sampler.intent().aim}, v);
        roster.scoreboard(v.scoreboard);

        const std::int64_t t = now_us();
        v.net.rtt_ms = static_cast<float>(static_cast<double>(channel->stats().rtt_us) / 1000.0);
        v.net.clock_rtt_ms = static_cast<float>(clock.rtt_us() / 1000.0);
        v.net.jitter_ms = static_cast<float>(interpolation.jitter_us() / 1000.0);
        v.net.interpolation_delay_ms = static_cast<float>(interpolation.delay_ticks() * tick_us / 1000.0);
        v.net.snapshot_tick = interpolation.newest_tick();
        v.net.time_scale = static_cast<float>(dilation.scale());
        v.net.input_lead_ticks = static_cast<float>(dilation.lead_ticks());
        v.net.server_tick = clock.known() ? static_cast<std::uint32_t>(std::max(0.0, clock.server_tick(t))) : 0;
        v.respawn_in_s = 0;
        if (prediction.known() && !prediction.alive() && clock.known()) {
            const double ticks_left = static_cast<double>(roster.local_respawn_tick()) - clock.server_tick(t);
            v.respawn_in_s = static_cast<float>(std::max(0.0, ticks_left * tick_us / 1e6));
        }
    }
};

ClientCore::ClientCore(ClientConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
ClientCore::~ClientCore() {
    if (impl_->status != ConnectionStatus::closed) impl_->channel->sink().close(net::close_code::going_away, "client exit");
}

void ClientCore::network_in() { impl_->network_in(); }
void ClientCore::set_intent(const PlayerIntent& intent) { impl_->sampler.set_intent(intent); }
void ClientCore::step() { impl_->step(); }
void ClientCore::network_out() { impl_->network_out(); }

void ClientCore::send_chat(std::string_view text) {
    // While reconnecting in session mode, chat waits in the channel's send
    // queue: it goes out if the session resumes, and is dropped if a fresh
    // one starts (the new session's server never knew this player).
    const bool can_send =
        impl_->status == ConnectionStatus::joined ||
        (impl_->config.session && impl_->status == ConnectionStatus::reconnecting && impl_->roster.local_player() != 0);
    if (!can_send || text.empty()) return;
    impl_->channel->sink().add(impl_->codec.chat(0, {}, text.substr(0, schemas::kMaxTextBytes)));
}

void ClientCore::close() {
    impl_->closing_by_us = true;
    impl_->channel->sink().close(net::close_code::normal, "bye");
    impl_->channel->sink().flush();
}

const ClientView& ClientCore::view(float alpha) {
    impl_->fill_view(std::clamp(alpha, 0.0f, 1.0f));
    return impl_->view;
}

ConnectionStatus ClientCore::status() const noexcept { return impl_->status; }
bool ClientCore::finished() const noexcept { return impl_->status == ConnectionStatus::closed; }
std::uint64_t ClientCore::snapshots_received() const noexcept { return impl_->total_snapshots; }

}  // namespace tickwire::game
