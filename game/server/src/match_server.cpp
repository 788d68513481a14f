// MatchServer: wires the match server's parts to net::Server and the tick.
// Each part has one job and its own file:
//
//   client.hpp         what is kept per connection
//   admission.*        who gets a seat (Hello: version, checks, room)
//   rooms.*            rooms by code, their worlds and members
//   rate_limits.*      per-client token buckets (input, chat, clock sync)
//   input_queue.*      per-client input frames, each applied in its tick
//   lag_compensation.* how far back a shot may be judged
//   input_figures.*    how inputs reached the sim over the last 10 s
//   snapshot_sender.*  per-client delta snapshots, the per-room delta cache
//   event_batch.*      kills, scores and respawns, batched per room
//   http_endpoints.*   plain GET documents; status_report.* renders them
//   fleet_link.*       the fleet: room directory, claims, /match, drain
//   join_refusals.*    seat tickets at admission, refusals counted for /metrics
//   server_log.*       log lines
//   net_options.*      what the game asks of net::Server
//
// This file reads each message (verified by protocol::decode before any field
// is touched), asks the part concerned, and sends or closes accordingly.
#include "tickwire/game/server/match_server.hpp"

#include <algorithm>
#include <random>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "admission.hpp"
#include "clean_text.hpp"
#include "client.hpp"
#include "event_batch.hpp"
#include "feed_input.hpp"
#include "fleet_link.hpp"
#include "join_refusals.hpp"
#include "http_endpoints.hpp"
#include "input_figures.hpp"
#include "lag_compensation.hpp"
#include "net_options.hpp"
#include "refusal.hpp"
#include "rooms.hpp"
#include "server_log.hpp"
#include "status_report.hpp"
#include "tickwire/game/fleet/metrics_registry.hpp"
#include "tickwire/game/fleet/seat_ticket.hpp"
#include "tickwire/game/fleet/server_metrics.hpp"
#include "tickwire/game/protocol/room_code.hpp"
#include "tickwire/game/protocol/wire.hpp"
#include "tickwire/net/server.hpp"
#include "tickwire/net/url.hpp"

namespace tickwire::game::server {

using Clock = std::chrono::steady_clock;

struct MatchServer::Impl {
    explicit Impl(const ServerConfig& c)
        : config(c),
          now(c.clock ? c.clock : [] { return Clock::now(); }),
          log(c.log_level, c.log_sink),
          rooms({.max_rooms = c.max_rooms,
                 .capacity = c.max_players,
                 .allow_create = c.allow_create,
                 .linger = c.room_linger}),
          admission(rooms, c.hello_timeout),
          snapshot_every(std::max(1, c.tick_rate / std::max(1, c.snapshot_rate))),
          events_every(std::max(1, c.tick_rate / std::max(1, c.events_rate))),
          snapshots({.snapshot_every = snapshot_every,
                     .tick_rate = c.tick_rate,
                     .max_unacked_snapshots = c.max_unacked_snapshots},
                    codec),
          endpoints(server),
          status_line(now()),
          lag({.enabled = c.lag_compensation,
               .tick_rate = c.tick_rate,
               .max_rewind = c.max_rewind,
               .max_rewind_includes_interpolation = c.max_rewind_includes_interpolation}),
          input_figures(c.tick_rate),
          input_mode(c.inputs_on_time ? InputQueue::Mode::on_time : InputQueue::Mode::fifo) {}

    ServerConfig config;
    std::function<Clock::time_point()> now;
    ServerLog log;
    std::shared_ptr<net::NetworkThread> network;  // network_on_game_thread: run by serve_network_until
    net::Server server;
    protocol::Codec codec;
    Rooms rooms;
    Admission admission;
    std::unordered_map<net::ConnectionId, Client> clients;
    std::uint32_t tick = 0;
    int snapshot_every;
    int events_every;
    SnapshotSender snapshots;
    HttpEndpoints endpoints;
    LoopFigures loop_figures;
    StatusLine status_line;
    Clock::time_point last_drain;  // refill_limits()
    MatchStats stats;              // what the parts do not count themselves
    LagCompensation lag;
    InputFigures input_figures;
    InputQueue::Mode input_mode;
    std::mt19937 rng{std::random_device{}()};
    std::vector<std::string> removed_rooms;         // reused
    std::vector<schemas::RoomMemberView> present;  // reused

    // The fleet (fleet_link.hpp): made by start() once the port is known.
    std::unique_ptr<FleetLink> fleet;
    std::unique_ptr<JoinRefusals> refusals;
    fleet::ServerMetrics metrics;
    Clock::time_point frame_start;  // real time, for the histograms
    Clock::time_point last_report;
    std::vector<fleet::RoomLoad> loads;                 // reused: the rooms as the fleet sees them
    std::vector<JoinClaimSettled> settled;              // reused
    std::vector<fleet::RoomLost> lost;                  // reused
    // Hellos waiting for their room's code to be claimed.
    struct HeldHello {
        std::uint16_t version = 0;
        std::string name;
    };
    std::unordered_map<net::ConnectionId, HeldHello> held;

    const std::vector<fleet::RoomLoad>& room_loads() {
        loads.clear();
        for (const auto& [code, room] : rooms)
            loads.push_back({code, static_cast<std::uint32_t>(room.members.size()),
                             static_cast<std::uint32_t>(rooms.capacity())});
        return loads;
    }

    std::int64_t now_us() const {
        return std::chrono::duration_cast<std::chrono::microseconds>(now().time_since_epoch()).count();
    }

    void kick(Client& c, std::uint16_t code, session::ErrorCode error, std::string_view why) {
        if (c.closing) return;
        c.closing = true;
        log(LogLevel::warn, "closing #%u %s (%s): %d %.*s", c.id, c.remote.c_str(), c.name.c_str(), code,
            static_cast<int>(why.size()), why.data());
        if (c.player_id == 0) refusals->count(code);
        server.send(c.id, codec.error(error, why));
        server.close(c.id, code, why);
        ++stats.bad_clients_closed;
    }
    void kick(Client& c, const Refusal& r) { kick(c, r.close_code, r.error, r.reason); }

    void send_room(const Room& room, const net::Message& message) {
        server.send(std::span<const net::ConnectionId>(room.members), message);
    }

    // MatchStats from the parts' own counters, net's and ours.
    MatchStats totals() const noexcept {
        MatchStats s = stats;
        s.rooms = rooms.size();
        s.players = rooms.players();
        const SnapshotCounts& sent = snapshots.counts();
        s.snapshots_sent = sent.sent;
        s.snapshots_full = sent.full;
        s.snapshots_superseded = sent.superseded;
        s.entities_sent = sent.entities;
        s.snapshot_bytes = sent.bytes;
        const net::ServerStats ns = server.stats();
        s.bytes_out = ns.bytes_out;
        s.bytes_in = ns.bytes_in;
        s.snapshots_replaced = ns.superseded;
        s.sessions_resumed = ns.sessions_resumed;
        s.resumes_refused = ns.resumes_refused;
        const InputTiming& inputs = input_figures.totals();
        s.inputs_applied = inputs.applied;
        s.inputs_merged = inputs.merged;
        s.inputs_dropped = inputs.dropped;
        s.inputs_held_ticks = inputs.held_ticks;
        s.inputs_repeated = inputs.repeated;
        s.inputs_skipped = inputs.skipped;
        s.inputs_10s = input_figures.window();
        s.shot_rewind_max_ms = input_figures.max_rewind_q8() * 1000.0 / (sim::kTickQ8 * config.tick_rate);
        return s;
    }

    // ---- connections ----------------------------------------------------------

    void on_connected(const net::ServerEvent& ev) {
        const std::string_view path = ev.path();
        const std::string_view code = protocol::room_code_from_path(path);
        const bool valid = protocol::valid_room_code(code);
        Client& c = clients.try_emplace(ev.id, ev.id, config.tick_rate, input_mode).first->second;
        if (valid) c.room = code;
        c.query = ev.query();
        c.remote = ev.remote_address();
        c.connected_at = now();
        log(LogLevel::debug, "open #%u %.*s", ev.id, static_cast<int>(std::min<std::size_t>(path.size(), 64)),
            path.data());
        if (!valid) {
            kick(c, kCloseNoSuchRoom, session::ErrorCode::Unknown, "bad room code (1-16 of A-Z a-z 0-9 - _)");
        }
    }

    // Session mode: the client's connection dropped and it came back within
    // the grace period. Same ConnectionId, same Client: its player never left
    // the room.
    void on_resumed(const net::ServerEvent& ev) {
        const auto it = clients.find(ev.id);
        if (it == clients.end()) return;
        Client& c = it->second;
        c.snapshots.forget_in_flight();
        c.remote = std::string(ev.remote_address());
        log(LogLevel::info, "#%u %s resumed its session in room %s as player %u (from %s)", c.id, c.name.c_str(),
            c.room.c_str(), c.player_id, c.remote.c_str());
    }

    void on_disconnected(const net::ServerEvent& ev) {
        const auto it = clients.find(ev.id);
        if (it == clients.end()) return;
        Client& c = it->second;
        log(LogLevel::debug, "close #%u %d %.*s", ev.id, ev.close_code, static_cast<int>(ev.reason().size()),
            ev.reason().data());
        held.erase(ev.id);
        if (Room* room = c.player_id != 0 ? rooms.find(c.room) : nullptr) {
            room->world.remove_player(c.player_id);
            std::erase(room->members, c.id);
            if (room->members.empty()) room->empty_since = now();
            const std::uint32_t left[] = {c.player_id};
            send_room(*room, codec.presence({}, {}, left));
            log(LogLevel::info, "%s left room %s (%zu players)", c.name.c_str(), room->code.c_str(),
                room->members.size());
        }
        clients.erase(it);
    }

    // ---- messages -------------------------------------------------------------

    void on_hello(Client& c, const session::Hello& hello) {
        if (c.player_id != 0 || held.contains(c.id))
            return kick(c, kCloseBadMessage, session::ErrorCode::Malformed, "second hello");
        const JoinRequest request{
            .room = c.room,
            .query = c.query,
            .protocol_version = hello.protocol_version(),
            .name = hello.client_name() != nullptr ? hello.client_name()->string_view() : std::string_view(),
        };
        Refusal refusal;
        if (!admission.check(request, refusal)) return kick(c, refusal);
        if (fleet->draining())
            return kick(c, kCloseDraining, session::ErrorCode::ServerFull, "server draining: ask matchmaking again");
        // A room this process does not run yet: its code is claimed in the
        // fleet's directory first (the Hello waits; network_in settles it).
        if (c.room != "auto" && rooms.find(c.room) == nullptr) {
            switch (fleet->claim_for_join(c.room, c.id)) {
            case JoinClaim::ready: break;
            case JoinClaim::waiting: held[c.id] = {request.protocol_version, std::string(request.name)}; return;
            case JoinClaim::unavailable:
                return kick(c, net::close_code::try_again_later, session::ErrorCode::Unknown,
                            "room directory unavailable: try again later");
            }
        }
        seat(c, request);
    }

    // A join whose room's code was claimed (or needed no claim): seat it.
    void on_claim_settled(const JoinClaimSettled& claim) {
        for (const net::ConnectionId id : claim.waiting) {
            const auto it = clients.find(id);
            const auto hello = held.find(id);
            if (it == clients.end() || hello == held.end()) continue;  // gone meanwhile
            const HeldHello waiting = std::move(hello->second);
            held.erase(hello);
            Client& c = it->second;
            if (claim.unavailable) {
                kick(c, net::close_code::try_again_later, session::ErrorCode::Unknown,
                     "room directory unavailable: try again later");
            } else if (!claim.won) {
                kick(c, kCloseRoomElsewhere, session::ErrorCode::Unknown,
                     "room is on another server: ask matchmaking again");
            } else {
                seat(c, {.room = c.room, .query = c.query, .protocol_version = waiting.version, .name = waiting.name});
            }
        }
    }

    void seat(Client& c, const JoinRequest& request) {
        Refusal refusal;
        auto seat = admission.seat(request, refusal);
        if (!seat) return kick(c, refusal);
        Room& room = *seat->room;
        if (seat->room_created) {
            log(LogLevel::info, "room %s created", room.code.c_str());
            fleet->room_created(room.code);
        }
        if (!net::query_value(c.query, "ticket").empty()) fleet->seat_taken(room.code);
        c.room = room.code;
        c.name = std::move(seat->name);
        c.player_id = seat->player_id;
        room.members.push_back(c.id);

        schemas::WelcomeInfo welcome;
        welcome.session_id = (std::uint64_t{rng()} << 32) | rng();
        welcome.tick_rate_hz = static_cast<std::uint16_t>(config.tick_rate);
        welcome.server_tick = tick;
        server.send(c.id, codec.welcome(welcome));
        schemas::JoinRoomResultInfo result;
        result.accepted = true;
        result.room_id = room.id;
        result.player_id = c.player_id;
        result.entity_id = room.world.find_ship(c.player_id)->entity_id;
        result.reason = room.code;
        server.send(c.id, codec.join_result(result));
        // Who is already here, and their scores; then everyone learns of the newcomer.
        present.clear();
        std::vector<ScoreEvent> scores;
        for (const net::ConnectionId other : room.members) {
            if (other == c.id) continue;
            const Client& o = clients.at(other);
            present.push_back({o.player_id, o.name});
            if (const sim::Ship* s = room.world.find_ship(o.player_id)) {
                scores.emplace_back(tick, o.player_id, s->score, 0);
            }
        }
        server.send(c.id, codec.presence(present));
        if (!scores.empty()) server.send(c.id, codec.events({}, scores, {}));
        const schemas::RoomMemberView joined[] = {{c.player_id, c.name}};
        send_room(room, codec.presence({}, joined));
        log(LogLevel::info, "#%u %s joined room %s as player %u (%zu players)", c.id, c.name.c_str(),
            room.code.c_str(), c.player_id, room.members.size());
    }

    void on_input(Client& c, const protocol::InputPacket& input) {
        if (c.player_id == 0) return kick(c, kCloseBadMessage, session::ErrorCode::Malformed, "input before hello");
        // The ack first: an input dropped by the limit still tells us which
        // snapshot the client holds (cheap, and only a tick we sent counts).
        if (input.snapshot_ack != 0) c.snapshots.on_ack(input.snapshot_ack);
        switch (c.limits.input()) {
        case Verdict::accept: break;
        case Verdict::close:
            count_dropped(1);
            return kick(c, net::close_code::policy_violation, session::ErrorCode::RateLimited, "input rate limit");
        default: count_dropped(1); return;
        }
        // What the player was looking at, as far as we believe it; the
        // frames are for `tick + 1` at the earliest (this drain precedes it).
        const ShotView view =
            lag.trusted_view(input.view, c.snapshots.acked_tick());
        input_figures.offered(c.input.push(input.frames(), tick + 1, view));
    }

    void count_dropped(std::uint64_t frames) { input_figures.dropped(frames); }

    void on_chat(Client& c, const ChatMessage& chat) {
        switch (c.limits.chat()) {
        case Verdict::accept: break;
        case Verdict::refuse_notify:
            server.send(c.id, codec.chat(0, "", "slow down: at most 5 messages in 5 seconds"));
            return;
        case Verdict::close:
            return kick(c, net::close_code::policy_violation, session::ErrorCode::RateLimited, "chat rate limit");
        case Verdict::refuse: return;
        }
        const std::string text = clean_text(chat.text()->string_view());
        if (text.empty()) return;
        Room* room = rooms.find(c.room);
        if (room == nullptr) return;
        ++stats.chat_messages;
        send_room(*room, codec.chat(c.player_id, c.name, text));
    }

    // Each reply is a reliable message the session keeps until acked: the
    // limit keeps a client that never acks from pinning memory with them.
    void on_clock_request(Client& c, const session::ClockSyncRequest& request) {
        if (c.limits.clock_sync() != Verdict::accept) return;
        schemas::ClockSyncInfo sync;
        sync.client_send_time_us = request.client_send_time_us();
        sync.server_receive_time_us = now_us();
        sync.server_send_time_us = sync.server_receive_time_us;
        sync.server_tick = tick;
        server.send(c.id, codec.clock_response(sync));
    }

    void on_game_message(Client& c, const Message& game) {
        if (c.player_id == 0) return kick(c, kCloseBadMessage, session::ErrorCode::Malformed, "game message before hello");
        switch (game.body_type()) {
        case Body::ChatMessage: return on_chat(c, *game.body_as_ChatMessage());
        case Body::LeaveRoom: server.close(c.id, net::close_code::normal, "left"); return;
        default: return kick(c, kCloseBadMessage, session::ErrorCode::Malformed, "unexpected game message");
        }
    }

    void on_message(Client& c, const net::Message& message) {
        const protocol::Incoming in = protocol::decode(message.bytes());
        if (in.input) return on_input(c, *in.input);  // either form: a packet or a PlayerInput
        if (in.game != nullptr) return on_game_message(c, *in.game);
        if (in.packet == nullptr) return kick(c, kCloseBadMessage, session::ErrorCode::Malformed, in.error);
        switch (in.packet->body_type()) {
        case session::Body::Hello: return on_hello(c, *in.packet->body_as_Hello());
        case session::Body::ClockSyncRequest: return on_clock_request(c, *in.packet->body_as_ClockSyncRequest());
        case session::Body::Ack: return c.snapshots.on_ack(in.packet->body_as_Ack()->ack());
        default: return kick(c, kCloseBadMessage, session::ErrorCode::Malformed, "unexpected packet kind");
        }
    }

    // ---- the tick ---------------------------------------------------------------

    // Refilled by the time since the last drain (see rate_limits.hpp: a
    // per-tick refill punished clients for the server's own stalls).
    void refill_limits() {
        const Clock::time_point t = now();
        const auto elapsed = last_drain == Clock::time_point{} ? Clock::duration{} : t - last_drain;
        last_drain = t;
        for (auto& [id, c] : clients) c.limits.refill(elapsed);
    }

    void network_in() {
        frame_start = Clock::now();
        refill_limits();
        net::ServerEvent ev;
        while (server.poll(ev)) {
            switch (ev.type) {
            case net::ServerEventType::connected: on_connected(ev); break;
            case net::ServerEventType::disconnected: on_disconnected(ev); break;
            case net::ServerEventType::resumed: on_resumed(ev); break;
            case net::ServerEventType::http_request: on_http(ev); break;
            case net::ServerEventType::log:
                log(LogLevel::warn, "%.*s", static_cast<int>(ev.reason().size()), ev.reason().data());
                break;
            case net::ServerEventType::message: {
                const auto it = clients.find(ev.id);
                if (it != clients.end() && !it->second.closing) on_message(it->second, ev.message);
                break;
            }
            }
        }
        if (!fleet->has_directory()) return;  // nothing comes back without one
        settled.clear();
        lost.clear();
        fleet->poll(room_loads(), settled, lost);
        for (const JoinClaimSettled& claim : settled) on_claim_settled(claim);
        for (const fleet::RoomLost& room : lost) on_room_lost(room);
    }

    // After a Redis restart another process re-registered this room's code
    // first: its players go there through matchmaking.
    void on_room_lost(const fleet::RoomLost& lost_room) {
        log(LogLevel::warn, "room %s: process %s now holds its code; sending its players there", lost_room.code.c_str(),
            lost_room.owner_id.c_str());
        Room* room = rooms.find(lost_room.code);
        if (room == nullptr) return;
        for (const net::ConnectionId id : std::vector<net::ConnectionId>(room->members))
            kick(clients.at(id), kCloseRoomElsewhere, session::ErrorCode::Unknown, "room moved: ask matchmaking again");
    }

    // GET /match, /rooms, /metrics, /healthz (net_options: http_routes).
    void on_http(const net::ServerEvent& ev) {
        const std::string_view path = ev.path();
        if (path.starts_with("/match")) return fleet->answer_match(ev.id, path, room_loads());
        if (path == "/rooms") {
            if (net::query_value(ev.query(), "all") == "1") return fleet->answer_fleet_rooms(ev.id, room_loads());
            server.respond(ev.id, 200, "application/json", rooms_json(rooms, [this](net::ConnectionId id) {
                               const auto found = clients.find(id);
                               return found != clients.end() ? std::string_view(found->second.name) : std::string_view();
                           }));
            return;
        }
        if (path == "/metrics") {
            metrics.update(metrics_values());
            server.respond(ev.id, 200, fleet::MetricsRegistry::kContentType, metrics.render());
            return;
        }
        if (path == "/healthz") {
            server.respond(ev.id, fleet->ready() ? 200 : 503, "text/plain; charset=utf-8", fleet->health());
            return;
        }
        server.respond(ev.id, 404, "text/plain; charset=utf-8", "not found\n");
    }

    fleet::ServerMetricsValues metrics_values() const {
        const MatchStats s = totals();
        const net::ServerStats ns = server.stats();
        fleet::ServerMetricsValues v;
        v.rooms = s.rooms;
        v.players = s.players;
        v.capacity = static_cast<std::uint64_t>(config.max_rooms) * static_cast<std::uint64_t>(rooms.capacity());
        v.connections = ns.connections_open;
        v.draining = fleet->draining();
        v.directory_up = fleet->directory_up();
        v.connections_accepted = ns.connections_accepted;
        v.connections_refused = refusals->totals(ns);
        v.messages_in = ns.messages_in;
        v.messages_out = ns.messages_out;
        v.bytes_in = ns.bytes_in;
        v.bytes_out = ns.bytes_out;
        v.snapshots_not_encoded = s.snapshots_superseded;
        v.snapshots_replaced = s.snapshots_replaced;
        v.slow_consumer_closes = ns.slow_consumers_closed;
        v.sessions_resumed = ns.sessions_resumed;
        v.sessions_expired = ns.sessions_expired;
        v.directory_errors = fleet->directory_errors();
        return v;
    }

    void step() {
        const Clock::time_point step_start = Clock::now();
        step_rooms();
        metrics.observe_tick(Clock::now() - step_start);
    }

    void step_rooms() {
        ++tick;
        input_figures.start_tick(tick);
        const Clock::time_point t = now();
        for (auto& [id, c] : clients) {
            if (c.player_id == 0 && admission.hello_overdue(c.connected_at, t)) {
                kick(c, kCloseHelloTimeout, session::ErrorCode::Timeout, "no hello");
            }
            if (c.player_id == 0) continue;
            if (Room* room = rooms.find(c.room)) feed_input(c.input, room->world, c.player_id, tick, lag, input_figures);
        }
        removed_rooms.clear();
        rooms.remove_idle(t, removed_rooms);
        for (const std::string& code : removed_rooms) {
            log(LogLevel::info, "room %s removed (empty)", code.c_str());
            fleet->room_removed(code);
        }
        for (auto& [code, r] : rooms) {
            r.world.step();
            r.events.collect(r.world);
            stats.shots_fired += r.world.shots_fired();
            for (const sim::Hit& hit : r.world.hits()) {
                ++stats.shots_hit;
                if (hit.rewind_q8 != 0) ++stats.shots_hit_rewound;
            }
        }
    }

    void send_snapshots(Room& room) {
        snapshots.capture(room, tick);
        for (const net::ConnectionId id : room.members) {
            Client& c = clients.at(id);
            net::Message snapshot = snapshots.for_client(room, c.snapshots, c.input.report());
            // send_latest: if the previous snapshot to this client has not
            // started writing, net drops it for this one (counted in
            // ServerStats::superseded); chat and events keep their order.
            if (snapshot) server.send_latest(id, std::move(snapshot));
        }
    }

    void send_events(Room& room) {
        if (room.events.empty()) return;
        send_room(room, codec.events(room.events.kills(), room.events.scores(), room.events.respawns()));
        room.events.clear();
    }

    void network_out() {
        if (tick % static_cast<std::uint32_t>(snapshot_every) == 0) {
            for (auto& [code, room] : rooms) send_snapshots(room);
        }
        if (tick % static_cast<std::uint32_t>(events_every) == 0) {
            for (auto& [code, room] : rooms) send_events(room);
        }
        const Clock::time_point t = now();
        if (t - last_report >= std::chrono::seconds(1)) {
            last_report = t;
            fleet->report(room_loads());
        }
        server.flush();
        if (frame_start != Clock::time_point{}) metrics.observe_frame(Clock::now() - frame_start);
    }
};

MatchServer::MatchServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MatchServer::~MatchServer() = default;

std::unique_ptr<MatchServer> MatchServer::start(const ServerConfig& config, std::error_code& ec) {
    ServerConfig clamped = config;
    clamped.max_players = std::clamp(config.max_players, 1, sim::kMaxPlayers);
    auto impl = std::make_unique<Impl>(clamped);
    net::ServerOptions options = net_options(clamped);
    if (clamped.network_on_game_thread) {
        impl->network = net::NetworkThread::create({.run_on_caller = true});
        options.network_thread = impl->network;
    }
    impl->server = net::Server::listen(std::move(options), ec);
    if (!impl->server) return nullptr;
    for (const std::string& code : config.rooms) {
        Refusal refused;  // claimed in the fleet below, once the fleet link exists
        Room* room = protocol::valid_room_code(code) ? impl->rooms.create(code, refused) : nullptr;
        if (room == nullptr) {
            ec = std::make_error_code(std::errc::invalid_argument);
            return nullptr;
        }
        room->permanent = true;
        impl->log(LogLevel::info, "room %s created", code.c_str());
    }
    Impl& i = *impl;
    i.fleet = std::make_unique<FleetLink>(fleet_link_config(clamped, impl->server.port()), i.server, i.log);
    i.refusals = std::make_unique<JoinRefusals>(i.fleet->fleet_secret(), i.fleet->process_id(), clamped.require_ticket);
    i.admission.add_check([&i](const JoinRequest& request) { return i.refusals->check_ticket(request); });
    for (const auto& [code, room] : i.rooms) i.fleet->room_created(code);
    i.endpoints.add("/status", [&i] { return status_json(i.totals(), i.loop_figures); });
    return std::unique_ptr<MatchServer>(new MatchServer(std::move(impl)));
}

std::uint16_t MatchServer::port() const noexcept { return impl_->server.port(); }
void MatchServer::network_in() { impl_->network_in(); }
void MatchServer::step() { impl_->step(); }
void MatchServer::network_out() { impl_->network_out(); }
bool MatchServer::serve_network_until(std::chrono::steady_clock::time_point deadline) {
    return impl_->network && impl_->network->run_until(deadline);
}

MatchStats MatchServer::stats() const noexcept { return impl_->totals(); }

void MatchServer::publish_status(std::chrono::nanoseconds tick_p99, std::chrono::nanoseconds tick_max,
                                 std::chrono::nanoseconds work_p99, std::chrono::nanoseconds work_max) {
    impl_->loop_figures = {tick_p99, tick_max, work_p99, work_max};
    impl_->endpoints.publish("/status");
}

std::string MatchServer::status_line(std::chrono::nanoseconds tick_p99) {
    return impl_->status_line.next(stats(), tick_p99, impl_->now());
}

bool MatchServer::ship_position(const std::string& room, std::uint32_t player_id, float& x, float& y) const {
    const Room* r = impl_->rooms.find(room);
    const sim::Ship* s = r != nullptr ? r->world.find_ship(player_id) : nullptr;
    if (s == nullptr) return false;
    x = static_cast<float>(s->body.x) / sim::kUnit;
    y = static_cast<float>(s->body.y) / sim::kUnit;
    return true;
}

bool MatchServer::snapshot_at(const std::string& room, std::uint32_t tick, std::vector<EntityState>& out) const {
    const Room* r = impl_->rooms.find(room);
    const std::vector<protocol::Entity>* found = r != nullptr ? r->ring.find(tick) : nullptr;
    if (found == nullptr) return false;
    out = *found;
    return true;
}

void MatchServer::drain() {
    if (impl_->fleet->draining()) return;
    impl_->fleet->drain();
    impl_->log(LogLevel::info, "draining: no new players; %zu players in %zu rooms play on", impl_->rooms.players(),
               impl_->rooms.size());
}

bool MatchServer::draining() const noexcept { return impl_->fleet->draining(); }

const std::string& MatchServer::process_id() const noexcept { return impl_->fleet->process_id(); }

void MatchServer::shutdown() {
    for (auto& [id, c] : impl_->clients) impl_->server.close(id, net::close_code::going_away, "server shutting down");
    impl_->server.flush();
}

}  // namespace tickwire::game::server
