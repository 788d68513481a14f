#pragma once
// Sample messages of every kind, and walkers that touch every field of a
// verified message (so the sanitizers see any out-of-bounds read). Test-only.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tickwire/schemas/game.hpp"
#include "tickwire/schemas/session.hpp"

namespace tickwire::schemas::testing {

/// An owned copy; std::vector's storage comes from operator new, so it is
/// suitably aligned for the readers.
using Buffer = std::vector<std::byte>;

inline Buffer copy(Bytes bytes) { return Buffer(bytes.begin(), bytes.end()); }

struct Sample {
    std::string name;
    Buffer bytes;
};

inline std::vector<game::EntityState> sample_entities(std::size_t count) {
    std::vector<game::EntityState> entities;
    for (std::size_t i = 0; i < count; ++i) {
        const auto n = static_cast<std::int32_t>(i);
        entities.emplace_back(static_cast<std::uint32_t>(i + 1), n * 256 + 17, -n * 512 - 3,
                              static_cast<std::int16_t>(n - 32), static_cast<std::int16_t>(32 - n),
                              static_cast<std::uint16_t>(i * 1024), static_cast<std::uint16_t>(i % 8),
                              game::EntityKind::Player, game::EntityFlags::Alive,
                              static_cast<std::uint8_t>(100 - i % 100), static_cast<std::uint8_t>(i % 2));
    }
    return entities;
}

inline std::vector<Sample> session_samples() {
    flatbuffers::FlatBufferBuilder fbb(256);
    flatbuffers::FlatBufferBuilder inner(256);
    std::vector<Sample> out;
    out.push_back({"hello", copy(encode_hello(fbb, {.client_name = "bot-7", .session_id = 9, .received = 11}))});
    out.push_back({"welcome", copy(encode_welcome(fbb, {.session_id = 9, .server_tick = 77, .received = 12}))});
    out.push_back({"clock_sync_request", copy(encode_clock_sync_request(fbb, 123456789))});
    out.push_back({"clock_sync_response",
                   copy(encode_clock_sync_response(fbb, {1, 2, 3, 4}))});
    out.push_back({"ack", copy(encode_ack(fbb, 100))});
    out.push_back({"error", copy(encode_error(fbb, session::ErrorCode::RoomFull, "room 3 is full"))});
    out.push_back({"ping", copy(encode_ping(fbb, 1234567))});
    out.push_back({"pong", copy(encode_pong(fbb, 1234567))});
    const auto chat = encode_chat_message(inner, 5, "ana", "gg");
    out.push_back({"payload", copy(encode_payload(fbb, {.sequence = 1, .ack = 2}, chat))});
    return out;
}

inline std::vector<Sample> game_samples() {
    flatbuffers::FlatBufferBuilder fbb(256);
    std::vector<Sample> out;
    const auto entities = sample_entities(5);
    const std::uint32_t removed[] = {40, 41};
    out.push_back({"snapshot", copy(encode_snapshot(fbb, {.server_tick = 600, .baseline_tick = 590,
                                                          .last_input_sequence = 31},
                                                    entities, removed))});
    const game::InputFrame frames[] = {{10, 1, game::Buttons::Fire, 1000, 127, -127},
                                       {11, 2, game::Buttons::Jump, 2000, 0, 5}};
    out.push_back({"player_input", copy(encode_player_input(fbb, frames))});
    out.push_back({"join_room", copy(encode_join_room(fbb, 3, "ana"))});
    out.push_back({"join_room_result",
                   copy(encode_join_room_result(fbb, {.accepted = false, .room_id = 3, .reason = "full"}))});
    out.push_back({"leave_room", copy(encode_leave_room(fbb, 3))});
    out.push_back({"chat_message", copy(encode_chat_message(fbb, 5, "ana", "héllo wörld"))});
    const game::KillEvent kills[] = {{100, 1, 2, 3}};
    const game::ScoreEvent scores[] = {{100, 1, 10, 1}};
    const game::RespawnEvent respawns[] = {{160, 2, 22, 256, -256}};
    out.push_back({"match_events", copy(encode_match_events(fbb, kills, scores, respawns))});
    out.push_back({"list_rooms", copy(encode_list_rooms(fbb))});
    const RoomInfoView rooms[] = {{1, "lobby", 3, 8, false}, {2, "arena", 8, 8, true}};
    out.push_back({"room_list", copy(encode_room_list(fbb, rooms))});
    const RoomMemberView present[] = {{1, "ana"}, {2, "bó"}};
    const RoomMemberView joined[] = {{3, "cy"}};
    const std::uint32_t left[] = {4};
    out.push_back({"presence", copy(encode_presence(fbb, present, joined, left))});
    return out;
}

/// Any integer as unsigned, so checksums of hostile values wrap instead of
/// overflowing (which UBSan would rightly flag).
template <class T>
std::uint64_t u(T value) {
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(value));
}

/// Reads every field; returns a checksum so the reads cannot be optimised out.
inline std::uint64_t walk(const flatbuffers::String* s) {
    std::uint64_t sum = 0;
    if (s != nullptr) {
        for (char c : s->string_view()) sum += static_cast<unsigned char>(c);
    }
    return sum;
}

inline std::uint64_t walk(const game::Message& m) {
    std::uint64_t sum = static_cast<std::uint64_t>(m.body_type());
    switch (m.body_type()) {
    case game::Body::Snapshot: {
        const auto* s = m.body_as_Snapshot();
        sum += s->server_tick() + s->baseline_tick() + s->last_input_sequence();
        if (s->entities()) {
            for (const auto* e : *s->entities()) {
                sum += e->id() + u(e->x()) + u(e->y()) + u(e->vx()) + u(e->vy()) +
                       e->angle() + e->owner() + static_cast<unsigned>(e->kind()) +
                       static_cast<unsigned>(e->flags()) + e->health() + e->team();
            }
        }
        if (s->removed()) {
            for (auto id : *s->removed()) sum += id;
        }
        break;
    }
    case game::Body::PlayerInput:
        for (const auto* f : *m.body_as_PlayerInput()->frames()) {
            sum += f->tick() + f->sequence() + static_cast<unsigned>(f->buttons()) + f->aim() +
                   u(f->move_x()) + u(f->move_y());
        }
        break;
    case game::Body::JoinRoom:
        sum += m.body_as_JoinRoom()->room_id() + walk(m.body_as_JoinRoom()->player_name());
        break;
    case game::Body::JoinRoomResult: {
        const auto* r = m.body_as_JoinRoomResult();
        sum += r->accepted() + r->room_id() + r->player_id() + r->entity_id() + walk(r->reason());
        break;
    }
    case game::Body::LeaveRoom: sum += m.body_as_LeaveRoom()->room_id(); break;
    case game::Body::ChatMessage: {
        const auto* c = m.body_as_ChatMessage();
        sum += c->from_player() + walk(c->from_name()) + walk(c->text());
        break;
    }
    case game::Body::MatchEvents: {
        const auto* e = m.body_as_MatchEvents();
        if (e->kills()) for (const auto* k : *e->kills()) sum += k->tick() + k->killer() + k->victim() + k->weapon();
        if (e->scores()) for (const auto* s : *e->scores()) sum += s->tick() + s->player() + u(s->score()) + u(s->delta());
        if (e->respawns()) for (const auto* r : *e->respawns()) sum += r->tick() + r->player() + r->entity() + u(r->x()) + u(r->y());
        break;
    }
    case game::Body::RoomList:
        if (const auto* rooms = m.body_as_RoomList()->rooms()) {
            for (const auto* r : *rooms) {
                sum += r->id() + walk(r->name()) + r->players() + r->capacity() + r->in_progress();
            }
        }
        break;
    case game::Body::Presence: {
        const auto* p = m.body_as_Presence();
        for (const auto* list : {p->present(), p->joined()}) {
            if (list) for (const auto* member : *list) sum += member->player() + walk(member->name());
        }
        if (p->left()) for (auto id : *p->left()) sum += id;
        break;
    }
    case game::Body::ListRooms:
    case game::Body::NONE: break;
    }
    return sum;
}

inline std::uint64_t walk(const session::Packet& p) {
    std::uint64_t sum = static_cast<std::uint64_t>(p.body_type());
    switch (p.body_type()) {
    case session::Body::Hello: {
        const auto* h = p.body_as_Hello();
        sum += h->protocol_version() + walk(h->client_name()) + h->session_id() + h->received();
        break;
    }
    case session::Body::Welcome: {
        const auto* w = p.body_as_Welcome();
        sum += w->protocol_version() + w->session_id() + w->received() + w->tick_rate_hz() +
               w->server_tick() + w->resumed() + w->answers_ping();
        break;
    }
    case session::Body::ClockSyncRequest:
        sum += u(p.body_as_ClockSyncRequest()->client_send_time_us());
        break;
    case session::Body::ClockSyncResponse: {
        const auto* c = p.body_as_ClockSyncResponse();
        sum += u(c->client_send_time_us()) + u(c->server_receive_time_us()) + u(c->server_send_time_us()) +
               c->server_tick();
        break;
    }
    case session::Body::Ack: sum += p.body_as_Ack()->ack(); break;
    case session::Body::Ping: sum += p.body_as_Ping()->sent_us(); break;
    case session::Body::Pong: sum += p.body_as_Pong()->sent_us(); break;
    case session::Body::Error:
        sum += static_cast<unsigned>(p.body_as_Error()->code()) + walk(p.body_as_Error()->text());
        break;
    case session::Body::Payload: {
        const auto* pl = p.body_as_Payload();
        sum += pl->sequence() + pl->ack() + static_cast<unsigned>(pl->delivery());
        for (std::byte b : payload_bytes(*pl)) sum += static_cast<unsigned>(b);
        break;
    }
    case session::Body::NONE: break;
    }
    return sum;
}

}  // namespace tickwire::schemas::testing
