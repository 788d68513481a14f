#include "tickwire/game/server/match_server.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <random>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tickwire/game/protocol/packed.hpp"
#include "tickwire/game/protocol/wire.hpp"
#include "tickwire/game/protocol/room_code.hpp"
#include "tickwire/net/server.hpp"

namespace tickwire::game::server {

namespace {

using protocol::Entity;
using protocol::Frame;
using Clock = std::chrono::steady_clock;

// Application close codes (4000-4999 are ours by RFC 6455).
constexpr std::uint16_t kCloseBadMessage = 4000;   // failed verification / unexpected kind
constexpr std::uint16_t kCloseRoomFull = 4003;
constexpr std::uint16_t kCloseNoSuchRoom = 4004;
constexpr std::uint16_t kCloseVersion = 4005;
constexpr std::uint16_t kCloseHelloTimeout = 4008;

constexpr std::size_t kMaxQueuedFrames = 8;  // input buffered ahead of the sim, ~133 ms
constexpr int kInputHoldTicks = 30;          // last input held this long (0.5 s), then neutral
constexpr int kChatBurst = 5;                // messages, refilled one per second
constexpr double kClockSyncPerSecond = 4;    // clients ask twice a second (five quick ones at first)
constexpr double kClockSyncBurst = 10;
constexpr double kInputFloodSeconds = 10;    // input overdraft, in seconds of messages, that closes
// Chat beyond the bucket is refused with one notice; a client that keeps
// sending this many more before the bucket refills is flooding: close.
constexpr int kChatFloodMargin = 20;

std::string clean_text(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';  // no control characters in anyone's chat box
    }
    return out;
}

std::string json_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

const char* to_string(LogLevel level) noexcept {
    switch (level) {
    case LogLevel::error: return "error";
    case LogLevel::warn: return "warn";
    case LogLevel::info: return "info";
    case LogLevel::debug: return "debug";
    }
    return "?";
}

bool parse_log_level(std::string_view text, LogLevel& out) noexcept {
    for (LogLevel l : {LogLevel::error, LogLevel::warn, LogLevel::info, LogLevel::debug}) {
        if (text == to_string(l)) {
            out = l;
            return true;
        }
    }
    return false;
}

struct Client {
    net::ConnectionId id = net::kInvalidConnection;
    std::string room;  // requested at connect, the actual one after Hello
    std::string name;
    std::string remote;           // "address:port", for log lines
    std::uint32_t player_id = 0;  // 0 until joined
    Clock::time_point connected_at;
    // Input: frames the sim has not consumed yet, oldest first.
    std::deque<Frame> frames;
    std::uint32_t newest_sequence = 0;   // highest sequence received
    std::uint32_t applied_sequence = 0;  // highest applied by the sim
    int ticks_without_input = 0;         // held input goes neutral after kInputHoldTicks
    double input_tokens = 0;             // input messages allowed (token bucket)
    double chat_tokens = kChatBurst;
    double clock_tokens = kClockSyncBurst;  // clock requests beyond it go unanswered
    // Snapshots: the newest acked and what was sent after it.
    std::uint32_t acked_tick = 0;
    std::deque<std::uint32_t> unacked;  // ticks sent, not yet acked, oldest first
    std::uint32_t last_probe_tick = 0;
    bool closing = false;  // kicked: ignore whatever else it sends
};

struct Room {
    std::string code;
    std::uint32_t id = 0;
    sim::World world;
    protocol::SnapshotRing ring;
    std::vector<net::ConnectionId> members;
    std::uint32_t next_player_id = 1;
    Clock::time_point empty_since;
    // Match events since the last batch.
    std::vector<KillEvent> kills;
    std::vector<ScoreEvent> scores;
    std::vector<RespawnEvent> respawns;
    bool permanent = false;  // ServerConfig::rooms: kept while empty
};

struct MatchServer::Impl {
    ServerConfig config;
    net::Server server;
    protocol::Codec codec;
    std::unordered_map<net::ConnectionId, Client> clients;
    std::map<std::string, Room> rooms;  // ordered: /rooms lists them stably
    std::uint32_t next_room_id = 1;
    std::uint32_t tick = 0;
    int snapshot_every = 2;
    int events_every = 6;
    Clock::time_point last_publish;
    Clock::time_point last_drain;  // refill_buckets()
    MatchStats stats;
    MatchStats last_status;
    Clock::time_point last_status_at = Clock::now();
    std::mt19937 rng{std::random_device{}()};
    std::vector<Entity> full, extrapolated;  // reused: no allocation per snapshot after warm-up

    template <class... A>
    void log(LogLevel level, const char* fmt, A... args) {
        if (level > config.log_level) return;
        char line[512];
        std::snprintf(line, sizeof(line), fmt, args...);
        if (config.log_sink) return config.log_sink(level, line);
        std::fprintf(stderr, "[%s] %s\n", to_string(level), line);
    }

    void kick(Client& c, std::uint16_t code, session::ErrorCode error, std::string_view why) {
        if (c.closing) return;
        c.closing = true;
        log(LogLevel::warn, "closing #%u %s (%s): %d %.*s", c.id, c.remote.c_str(), c.name.c_str(), code,
            static_cast<int>(why.size()), why.data());
        server.send(c.id, codec.error(error, why));
        server.close(c.id, code, why);
        ++stats.bad_clients_closed;
    }

    void send_room(const Room& room, const net::Message& message) {
        server.send(std::span<const net::ConnectionId>(room.members), message);
    }

    Room* find_room(const std::string& code) {
        const auto it = rooms.find(code);
        return it == rooms.end() ? nullptr : &it->second;
    }

    std::string random_code() {
        static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        for (;;) {
            std::string code;
            for (int i = 0; i < 4; ++i) code += kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
            if (!rooms.contains(code)) return code;
        }
    }

    // Which room a Hello joins: the path's code, or the fullest with space.
    // Null with a reason when refused.
    Room* room_for(const std::string& requested, std::string& why, std::uint16_t& code) {
        const int capacity = std::clamp(config.max_players, 1, sim::kMaxPlayers);
        if (requested == "auto") {
            Room* best = nullptr;
            for (auto& [k, r] : rooms) {
                if (static_cast<int>(r.members.size()) >= capacity) continue;
                if (best == nullptr || r.members.size() > best->members.size()) best = &r;
            }
            if (best != nullptr) return best;
            if (!config.allow_create) {
                why = "no room with space";
                code = kCloseRoomFull;
                return nullptr;
            }
            return create_room(random_code(), why, code);
        }
        if (Room* r = find_room(requested)) {
            if (static_cast<int>(r->members.size()) >= capacity) {
                why = "room full";
                code = kCloseRoomFull;
                return nullptr;
            }
            return r;
        }
        if (!config.allow_create) {
            why = "no such room";
            code = kCloseNoSuchRoom;
            return nullptr;
        }
        return create_room(requested, why, code);
    }

    Room* create_room(const std::string& room_code, std::string& why, std::uint16_t& code) {
        if (static_cast<int>(rooms.size()) >= config.max_rooms) {
            why = "server full: too many rooms";
            code = kCloseRoomFull;
            return nullptr;
        }
        Room& r = rooms[room_code];
        r.code = room_code;
        r.id = next_room_id++;
        log(LogLevel::info, "room %s created", room_code.c_str());
        return &r;
    }

    void on_connected(const net::ServerEvent& ev) {
        Client c;
        c.id = ev.id;
        c.connected_at = Clock::now();
        c.remote = std::string(ev.remote_address());
        c.input_tokens = config.tick_rate;
        const std::string_view path = ev.path();
        const std::string_view code = protocol::room_code_from_path(path);
        const bool valid = protocol::valid_room_code(code);
        if (valid) c.room = std::string(code);
        auto [it, fresh] = clients.emplace(ev.id, std::move(c));
        (void)fresh;
        log(LogLevel::debug, "open #%u %.*s", ev.id, static_cast<int>(std::min<std::size_t>(path.size(), 64)),
            path.data());
        if (!valid) {
            kick(it->second, kCloseNoSuchRoom, session::ErrorCode::Unknown, "bad room code (1-16 of A-Z a-z 0-9 - _)");
        }
    }

    void on_hello(Client& c, const session::Hello& hello) {
        if (c.player_id != 0) return kick(c, kCloseBadMessage, session::ErrorCode::Malformed, "second hello");
        if (hello.protocol_version() != protocol::kGameProtocolVersion) {
            return kick(c, kCloseVersion, session::ErrorCode::ProtocolVersion, "protocol version not supported");
        }
        std::string name = hello.client_name() != nullptr ? clean_text(hello.client_name()->string_view()) : "";
        if (name.empty() || name.front() == '/') name = "player";
        std::string why;
        std::uint16_t code = 0;
        Room* room = room_for(c.room, why, code);
        if (room == nullptr) {
            return kick(c, code, code == kCloseRoomFull ? session::ErrorCode::RoomFull : session::ErrorCode::Unknown,
                        why);
        }
        const std::uint32_t pid = room->next_player_id++;
        if (pid > 0xFFFF || !room->world.add_player(pid)) {
            return kick(c, kCloseRoomFull, session::ErrorCode::RoomFull, "room full");
        }
        c.room = room->code;
        c.name = name;
        c.player_id = pid;
        room->members.push_back(c.id);

        schemas::WelcomeInfo welcome;
        welcome.session_id = (std::uint64_t{rng()} << 32) | rng();
        welcome.tick_rate_hz = static_cast<std::uint16_t>(config.tick_rate);
        welcome.server_tick = tick;
        server.send(c.id, codec.welcome(welcome));
        schemas::JoinRoomResultInfo result;
        result.accepted = true;
        result.room_id = room->id;
        result.player_id = pid;
        result.entity_id = room->world.find_ship(pid)->entity_id;
        result.reason = room->code;
        server.send(c.id, codec.join_result(result));
        // Who is already here, and their scores.
        std::vector<ScoreEvent> scores;
        for (const net::ConnectionId other : room->members) {
            const Client& o = clients.at(other);
            if (other == c.id) continue;
            server.send(c.id, codec.chat(o.player_id, o.name, "/present"));
            if (const sim::Ship* s = room->world.find_ship(o.player_id)) {
                scores.emplace_back(tick, o.player_id, s->score, 0);
            }
        }
        if (!scores.empty()) server.send(c.id, codec.events({}, scores, {}));
        send_room(*room, codec.chat(pid, c.name, "/joined"));
        log(LogLevel::info, "#%u %s joined room %s as player %u (%zu players)", c.id, c.name.c_str(),
            room->code.c_str(), pid, room->members.size());
    }

    void on_input(Client& c, const PlayerInput& input) {
        // One message per client tick is expected; a burst allowance covers
        // a short stall. Beyond it messages are dropped unread (after a long
        // stall of either side, or of the network between, input arrives in
        // a pile and is stale anyway); only a client that overdraws by
        // kInputFloodSeconds of messages is flooding: close.
        // The ack first: an input dropped by the bucket still tells us
        // which snapshot the client holds (cheap, and only a tick we sent counts).
        if (input.snapshot_ack() != 0) on_ack(c, input.snapshot_ack());
        c.input_tokens -= 1;
        if (c.input_tokens < 0) {
            ++stats.inputs_dropped;
            if (c.input_tokens < -kInputFloodSeconds * config.tick_rate) {
                kick(c, close_code_policy(), session::ErrorCode::RateLimited, "input rate limit");
            }
            return;
        }
        for (const Frame* f : *input.frames()) {
            // Redundant copies of frames already received are expected; only newer ones count.
            if (f->sequence() <= c.newest_sequence) continue;
            c.newest_sequence = f->sequence();
            c.frames.push_back(*f);
        }
        // A client running ahead of the server (or lying) cannot bank input:
        // the sim takes one frame per tick, the rest is dropped oldest first.
        while (c.frames.size() > kMaxQueuedFrames) {
            c.frames.pop_front();
            ++stats.inputs_dropped;
        }
    }

    static std::uint16_t close_code_policy() { return net::close_code::policy_violation; }

    void on_chat(Client& c, const ChatMessage& chat) {
        if (c.chat_tokens < 1) {
            // One notice per refusal streak: a flood must not make us flood back.
            if (c.chat_tokens >= 0) server.send(c.id, codec.chat(0, "", "slow down: at most 5 messages in 5 seconds"));
            c.chat_tokens = std::min(c.chat_tokens, 0.0) - 1;
            if (c.chat_tokens < -kChatFloodMargin) {
                kick(c, close_code_policy(), session::ErrorCode::RateLimited, "chat rate limit");
            }
            return;
        }
        c.chat_tokens -= 1;
        std::string text = clean_text(chat.text()->string_view());
        if (text.empty() || text.front() == '/') return;  // '/' is reserved for the server's roster
        Room* room = find_room(c.room);
        if (room == nullptr) return;
        ++stats.chat_messages;
        send_room(*room, codec.chat(c.player_id, c.name, text));
    }

    void on_ack(Client& c, std::uint32_t ack) {
        // Only a tick we actually sent counts; a lie cannot pick a baseline.
        const auto it = std::find(c.unacked.begin(), c.unacked.end(), ack);
        if (it == c.unacked.end()) return;
        c.acked_tick = ack;
        c.unacked.erase(c.unacked.begin(), it + 1);
    }

    void on_message(Client& c, const net::Message& message) {
        const protocol::Incoming in = protocol::decode(message.bytes());
        if (in.game != nullptr) return on_game_message(c, *in.game);
        if (in.packet == nullptr) return kick(c, kCloseBadMessage, session::ErrorCode::Malformed, in.error);
        switch (in.packet->body_type()) {
        case session::Body::Hello: return on_hello(c, *in.packet->body_as_Hello());
        case session::Body::ClockSyncRequest: {
            // Each reply is a reliable message the session keeps until acked:
            // unmetered, a client that never acks could pin memory with them.
            if (c.clock_tokens < 1) return;
            c.clock_tokens -= 1;
            schemas::ClockSyncInfo sync;
            sync.client_send_time_us = in.packet->body_as_ClockSyncRequest()->client_send_time_us();
            sync.server_receive_time_us = protocol::now_us();
            sync.server_send_time_us = protocol::now_us();
            sync.server_tick = tick;
            server.send(c.id, codec.clock_response(sync));
            return;
        }
        case session::Body::Ack: return on_ack(c, in.packet->body_as_Ack()->ack());
        default: return kick(c, kCloseBadMessage, session::ErrorCode::Malformed, "unexpected packet kind");
        }
    }

    void on_game_message(Client& c, const Message& game) {
        if (c.player_id == 0) return kick(c, kCloseBadMessage, session::ErrorCode::Malformed, "game message before hello");
        switch (game.body_type()) {
        case Body::PlayerInput: return on_input(c, *game.body_as_PlayerInput());
        case Body::ChatMessage: return on_chat(c, *game.body_as_ChatMessage());
        case Body::LeaveRoom: server.close(c.id, net::close_code::normal, "left"); return;
        default: return kick(c, kCloseBadMessage, session::ErrorCode::Malformed, "unexpected game message");
        }
    }

    // Session mode: the client's connection dropped and it came back within
    // the grace period. Same ConnectionId, same Client: its player never left
    // the room. Snapshots in flight were lost (latest class, never resent),
    // so forget them; the next one is a delta against the last acked tick,
    // which the client still holds.
    void on_resumed(const net::ServerEvent& ev) {
        const auto it = clients.find(ev.id);
        if (it == clients.end()) return;
        Client& c = it->second;
        c.unacked.clear();
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
        if (Room* room = c.player_id != 0 ? find_room(c.room) : nullptr) {
            room->world.remove_player(c.player_id);
            std::erase(room->members, c.id);
            if (room->members.empty()) room->empty_since = Clock::now();
            send_room(*room, codec.chat(c.player_id, c.name, "/left"));
            log(LogLevel::info, "%s left room %s (%zu players)", c.name.c_str(), room->code.c_str(),
                room->members.size());
        }
        clients.erase(it);
    }

    // Token buckets, refilled by wall time at each drain rather than per
    // tick: after a stall of the server itself the loop runs at most 250 ms
    // of ticks, yet clients kept sending at their rate the whole time, so a
    // per-tick refill closed honest clients (the 200-bot soak on a loaded
    // machine lost hundreds to "input rate limit"). Credit saved from earlier
    // drains is capped (input: 1 s burst on top of 1 per tick; chat: 5);
    // credit for the time since the last drain is always granted in full,
    // and pays back an overdraft first (see on_input).
    void refill_buckets() {
        const auto now = Clock::now();
        const double elapsed = last_drain == Clock::time_point{} ? 0.0 : std::chrono::duration<double>(now - last_drain).count();
        last_drain = now;
        for (auto& [id, c] : clients) {
            c.input_tokens = std::min<double>(c.input_tokens, 2.0 * config.tick_rate) + elapsed * config.tick_rate;
            c.chat_tokens = std::min<double>(c.chat_tokens + elapsed, kChatBurst);
            c.clock_tokens = std::min(c.clock_tokens + elapsed * kClockSyncPerSecond, kClockSyncBurst);
        }
    }

    void network_in() {
        refill_buckets();
        net::ServerEvent ev;
        while (server.poll(ev)) {
            switch (ev.type) {
            case net::ServerEventType::connected: on_connected(ev); break;
            case net::ServerEventType::disconnected: on_disconnected(ev); break;
            case net::ServerEventType::resumed: on_resumed(ev); break;
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
    }

    void step() {
        ++tick;
        const auto now = Clock::now();
        for (auto& [id, c] : clients) {
            if (c.player_id == 0 && now - c.connected_at > config.hello_timeout) {
                kick(c, kCloseHelloTimeout, session::ErrorCode::Timeout, "no hello");
            }
            if (c.player_id == 0) continue;
            Room* room = find_room(c.room);
            if (room == nullptr) continue;
            // The sim consumes exactly one frame per tick: no speed hack by
            // sending more. Without a new frame the last input is held.
            if (!c.frames.empty()) {
                const Frame f = c.frames.front();
                c.frames.pop_front();
                room->world.set_input(c.player_id, protocol::to_input(f));
                c.applied_sequence = f.sequence();
                c.ticks_without_input = 0;
                ++stats.inputs_applied;
            } else if (++c.ticks_without_input == kInputHoldTicks) {
                // A late frame or two is jitter; this long is a client gone
                // quiet (its connection dropped and the session is held for a
                // resume): its ship stops thrusting and firing meanwhile.
                sim::Input idle;
                if (const sim::Ship* ship = room->world.find_ship(c.player_id)) idle.aim = ship->aim;
                room->world.set_input(c.player_id, idle);
            }
        }
        for (auto it = rooms.begin(); it != rooms.end();) {
            Room& r = it->second;
            if (r.members.empty() && !r.permanent && now - r.empty_since > config.room_linger) {
                log(LogLevel::info, "room %s removed (empty)", r.code.c_str());
                it = rooms.erase(it);
                continue;
            }
            r.world.step();
            for (const sim::Kill& k : r.world.kills()) {
                r.kills.emplace_back(k.tick, k.killer, k.victim, std::uint8_t{0});
                if (const sim::Ship* s = r.world.find_ship(k.killer)) {
                    r.scores.emplace_back(k.tick, k.killer, s->score, 1);
                }
            }
            for (const sim::Respawn& s : r.world.respawns()) {
                r.respawns.emplace_back(s.tick, s.player, s.entity, s.x, s.y);
            }
            ++it;
        }
    }

    // One room's delta against one baseline, shared by every client that
    // acked that baseline (most of a room acks the same one or two ticks):
    // packed once per snapshot tick and baseline, not once per client.
    struct Delta {
        std::uint32_t baseline_tick = 0;  // 0: a full snapshot
        protocol::PackedCounts counts;
        std::vector<std::uint8_t> packed;
        bool structs = false;  // the EntityState vector is the smaller form
        std::vector<Entity> changed;
        std::vector<std::uint32_t> removed;
    };
    std::vector<Delta> deltas;  // reused across ticks: no allocation after warm-up
    std::size_t deltas_used = 0;

    const Delta& delta_against(const Room& room, std::uint32_t baseline_tick) {
        for (std::size_t i = 0; i < deltas_used; ++i) {
            if (deltas[i].baseline_tick == baseline_tick) return deltas[i];
        }
        if (deltas_used == deltas.size()) deltas.emplace_back();
        Delta& d = deltas[deltas_used++];
        d.baseline_tick = baseline_tick;
        // Packed against the baseline carried forward (or nothing: a full
        // snapshot); the EntityState vector only if that is smaller.
        std::span<const Entity> reference;
        std::uint32_t ticks = 0;
        if (baseline_tick != 0) {
            ticks = tick - baseline_tick;
            protocol::extrapolate(*room.ring.find(baseline_tick), ticks, extrapolated);
            reference = extrapolated;
        }
        d.counts = protocol::pack(reference, full, ticks, d.packed);
        d.structs = d.packed.size() > d.counts.entities * sizeof(Entity) + d.counts.removed * sizeof(std::uint32_t);
        if (d.structs) protocol::diff(reference, full, d.changed, d.removed);
        return d;
    }

    void send_snapshots(Room& room) {
        protocol::capture(room.world, full, static_cast<std::uint32_t>(snapshot_every));
        room.ring.put(tick, full);
        deltas_used = 0;
        for (const net::ConnectionId id : room.members) {
            Client& c = clients.at(id);
            // Superseding, game side: a client this far behind on acks has
            // not read what we sent (net supersedes the unsent one anyway);
            // don't spend CPU encoding ever-growing deltas for it. Skip, but
            // probe once a second so a client that recovers catches up.
            if (static_cast<int>(c.unacked.size()) >= config.max_unacked_snapshots &&
                tick - c.last_probe_tick < static_cast<std::uint32_t>(config.tick_rate)) {
                ++stats.snapshots_superseded;
                continue;
            }
            if (static_cast<int>(c.unacked.size()) >= config.max_unacked_snapshots) c.last_probe_tick = tick;
            const std::vector<Entity>* base = protocol::choose_baseline(room.ring, c.acked_tick);
            if (base == nullptr) {
                c.acked_tick = 0;
                ++stats.snapshots_full;
            }
            const Delta& d = delta_against(room, base != nullptr ? c.acked_tick : 0);
            const schemas::SnapshotHeader header{tick, d.baseline_tick, c.applied_sequence};
            const protocol::PackedCounts& n = d.counts;
            net::Message msg = d.structs ? codec.snapshot(header, d.changed, d.removed) : codec.snapshot(header, d.packed);
            stats.entities_sent += n.entities;
            stats.snapshot_bytes += msg.size();
            ++stats.snapshots_sent;
            // send_latest: if the previous snapshot to this client has not
            // started writing, net drops it for this one (counted in
            // ServerStats::superseded); chat and events keep their order.
            server.send_latest(id, std::move(msg));
            c.unacked.push_back(tick);
            while (c.unacked.size() > 64) c.unacked.pop_front();
        }
    }

    // Kills, scores and respawns since the last batch, to the whole room. At
    // events_rate, not with every snapshot: each is a message of its own
    // (reliable, while snapshots are latest-state), and in a busy room one
    // per snapshot doubled what every client receives and the server writes.
    void send_events(Room& room) {
        if (room.kills.empty() && room.scores.empty() && room.respawns.empty()) return;
        send_room(room, codec.events(room.kills, room.scores, room.respawns));
        room.kills.clear();
        room.scores.clear();
        room.respawns.clear();
    }

    void publish_rooms() {
        std::string json = "[";
        for (const auto& [code, r] : rooms) {
            if (json.size() > 1) json += ',';
            char buf[160];
            std::snprintf(buf, sizeof(buf), "{\"code\":\"%s\",\"players\":%zu,\"capacity\":%d,\"tick\":%u}",
                          json_escape(code).c_str(), r.members.size(), std::clamp(config.max_players, 1, 32),
                          r.world.tick());
            json += buf;
        }
        json += "]\n";
        server.publish_http("/rooms", json);
    }

    void network_out() {
        if (tick % static_cast<std::uint32_t>(snapshot_every) == 0) {
            for (auto& [code, room] : rooms) send_snapshots(room);
        }
        if (tick % static_cast<std::uint32_t>(events_every) == 0) {
            for (auto& [code, room] : rooms) send_events(room);
        }
        const auto now = Clock::now();
        if (now - last_publish >= std::chrono::seconds(1)) {
            last_publish = now;
            publish_rooms();
        }
        server.flush();
    }
};

MatchServer::MatchServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MatchServer::~MatchServer() = default;

std::unique_ptr<MatchServer> MatchServer::start(const ServerConfig& config, std::error_code& ec) {
    auto impl = std::make_unique<Impl>();
    impl->config = config;
    impl->config.max_players = std::clamp(config.max_players, 1, sim::kMaxPlayers);
    impl->snapshot_every = std::max(1, config.tick_rate / std::max(1, config.snapshot_rate));
    impl->events_every = std::max(1, config.tick_rate / std::max(1, config.events_rate));
    net::ServerOptions options;
    options.address = config.address;
    options.port = config.port;
    options.tls_certificate_file = config.tls_certificate_file;
    options.tls_private_key_file = config.tls_private_key_file;
    options.max_connections =
        config.max_connections != 0
            ? config.max_connections
            : static_cast<std::size_t>(config.max_rooms) * static_cast<std::size_t>(config.max_players) + 16;
    options.max_connections_per_ip = config.max_connections_per_ip;
    options.handshake_timeout = config.handshake_timeout;
    options.max_message_size = schemas::kMaxPacketBytes;
    // A client stalled for seconds holds at most this much; beyond it the net
    // layer closes it as a slow consumer (superseding keeps us far below).
    options.write_queue_limit_bytes = 1u << 20;
    options.log = config.log_level >= LogLevel::warn;
    options.session.enabled = config.session;
    options.session.grace_period = config.session_grace;
    options.session.token_lifetime = config.session_token_lifetime;
    // What a session may hold unacknowledged: join result, roster, chat,
    // events and clock replies. A 30 s outage in a busy room stays far below;
    // a client that never acks is closed (1008) at 512 KiB, not net's 8 MiB.
    options.session.max_unacked_messages = 2048;
    options.session.max_unacked_bytes = 512u << 10;
    options.session.secret = config.session_secret;
    // net's refusals reach our logger as events on the game thread: the
    // logger (config.log_sink) is game code and never runs on net's thread.
    options.log_events = true;
    impl->server = net::Server::listen(options, ec);
    if (!impl->server) return nullptr;
    for (const std::string& code : config.rooms) {
        std::string why;
        std::uint16_t refused = 0;
        if (!protocol::valid_room_code(code) || impl->create_room(code, why, refused) == nullptr) {
            ec = std::make_error_code(std::errc::invalid_argument);
            return nullptr;
        }
        impl->rooms[code].permanent = true;
    }
    impl->publish_rooms();
    return std::unique_ptr<MatchServer>(new MatchServer(std::move(impl)));
}

std::uint16_t MatchServer::port() const noexcept { return impl_->server.port(); }
void MatchServer::network_in() { impl_->network_in(); }
void MatchServer::step() { impl_->step(); }
void MatchServer::network_out() { impl_->network_out(); }

MatchStats MatchServer::stats() const noexcept {
    MatchStats s = impl_->stats;
    s.rooms = impl_->rooms.size();
    s.players = 0;
    for (const auto& [code, r] : impl_->rooms) s.players += r.members.size();
    const net::ServerStats ns = impl_->server.stats();
    s.bytes_out = ns.bytes_out;
    s.bytes_in = ns.bytes_in;
    s.snapshots_replaced = ns.superseded;
    s.sessions_resumed = ns.sessions_resumed;
    s.resumes_refused = ns.resumes_refused;
    return s;
}

void MatchServer::publish_status(std::chrono::nanoseconds tick_p99, std::chrono::nanoseconds tick_max,
                                 std::chrono::nanoseconds work_p99, std::chrono::nanoseconds work_max) {
    const MatchStats s = stats();
    const auto ms = [](std::chrono::nanoseconds d) { return std::chrono::duration<double, std::milli>(d).count(); };
    char buf[512];
    std::snprintf(buf, sizeof(buf),
                  "{\"rooms\":%llu,\"players\":%llu,\"tick_p99_ms\":%.3f,\"tick_max_ms\":%.3f,"
                  "\"work_p99_ms\":%.3f,\"work_max_ms\":%.3f,\"snapshots_sent\":%llu,\"superseded\":%llu,"
                  "\"replaced\":%llu,\"bytes_out\":%llu,\"bytes_in\":%llu,\"closed\":%llu}\n",
                  static_cast<unsigned long long>(s.rooms), static_cast<unsigned long long>(s.players), ms(tick_p99),
                  ms(tick_max), ms(work_p99), ms(work_max), static_cast<unsigned long long>(s.snapshots_sent),
                  static_cast<unsigned long long>(s.snapshots_superseded),
                  static_cast<unsigned long long>(s.snapshots_replaced), static_cast<unsigned long long>(s.bytes_out),
                  static_cast<unsigned long long>(s.bytes_in), static_cast<unsigned long long>(s.bad_clients_closed));
    impl_->server.publish_http("/status", buf);
}

std::string MatchServer::status_line(std::chrono::nanoseconds tick_p99) {
    const MatchStats s = stats();
    const auto now = Clock::now();
    const double secs = std::max(1e-3, std::chrono::duration<double>(now - impl_->last_status_at).count());
    const MatchStats& p = impl_->last_status;
    char buf[320];
    std::snprintf(buf, sizeof(buf),
                  "rooms %llu players %llu tick p99 %.2f ms out %.1f kB/s in %.1f kB/s snapshots %.0f/s "
                  "(%.1f B/entity) superseded %llu+%llu closed %llu resumed %llu",
                  static_cast<unsigned long long>(s.rooms), static_cast<unsigned long long>(s.players),
                  std::chrono::duration<double, std::milli>(tick_p99).count(),
                  static_cast<double>(s.bytes_out - p.bytes_out) / secs / 1000.0,
                  static_cast<double>(s.bytes_in - p.bytes_in) / secs / 1000.0,
                  static_cast<double>(s.snapshots_sent - p.snapshots_sent) / secs,
                  s.entities_sent == p.entities_sent
                      ? 0.0
                      : static_cast<double>(s.snapshot_bytes - p.snapshot_bytes) /
                            static_cast<double>(s.entities_sent - p.entities_sent),
                  static_cast<unsigned long long>(s.snapshots_superseded),
                  static_cast<unsigned long long>(s.snapshots_replaced),
                  static_cast<unsigned long long>(s.bad_clients_closed),
                  static_cast<unsigned long long>(s.sessions_resumed));
    impl_->last_status = s;
    impl_->last_status_at = now;
    return buf;
}

bool MatchServer::ship_position(const std::string& room, std::uint32_t player_id, float& x, float& y) const {
    const auto it = impl_->rooms.find(room);
    const sim::Ship* s = it != impl_->rooms.end() ? it->second.world.find_ship(player_id) : nullptr;
    if (s == nullptr) return false;
    x = static_cast<float>(s->body.x) / sim::kUnit;
    y = static_cast<float>(s->body.y) / sim::kUnit;
    return true;
}

bool MatchServer::snapshot_at(const std::string& room, std::uint32_t tick, std::vector<EntityState>& out) const {
    const auto it = impl_->rooms.find(room);
    if (it == impl_->rooms.end()) return false;
    const std::vector<Entity>* found = it->second.ring.find(tick);
    if (found == nullptr) return false;
    out = *found;
    return true;
}

void MatchServer::shutdown() {
    for (auto& [id, c] : impl_->clients) impl_->server.close(id, net::close_code::going_away, "server shutting down");
    impl_->server.flush();
}

}  // namespace tickwire::game::server
