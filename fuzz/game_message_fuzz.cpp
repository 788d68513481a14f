// Fuzz target: the game message readers (schemas/game.hpp), every kind, with
// every field of an accepted message read as the client and server read it.
#include <cstdint>

#include "aligned_input.hpp"
#include "tickwire/schemas/game.hpp"

using namespace tickwire;

namespace {
volatile std::uint64_t g_sink;

template <class V>
std::uint64_t sum_structs(const V* v) {
    std::uint64_t sum = 0;
    if (v == nullptr) return 0;
    for (const auto* e : *v) sum += reinterpret_cast<const std::uint8_t*>(e)[0];
    return sum;
}

void touch(const game::Message& m) {
    std::uint64_t sum = 0;
    switch (m.body_type()) {
    case game::Body::Snapshot: {
        const auto* s = m.body_as_Snapshot();
        sum += s->server_tick() + s->baseline_tick() + sum_structs(s->entities());
        if (s->removed()) for (const auto id : *s->removed()) sum += id;
        break;
    }
    case game::Body::PlayerInput: sum += sum_structs(m.body_as_PlayerInput()->frames()); break;
    case game::Body::ChatMessage: sum += m.body_as_ChatMessage()->text()->size(); break;
    case game::Body::MatchEvents: {
        const auto* e = m.body_as_MatchEvents();
        sum += sum_structs(e->kills()) + sum_structs(e->scores()) + sum_structs(e->respawns());
        break;
    }
    case game::Body::RoomList:
        if (const auto* rooms = m.body_as_RoomList()->rooms()) {
            for (const auto* r : *rooms) sum += r->id() + (r->name() ? r->name()->size() : 0);
        }
        break;
    default: sum += static_cast<std::uint64_t>(m.body_type()); break;
    }
    g_sink = sum;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fuzz::AlignedInput input(data, size);
    const auto bytes = input.bytes();
    if (const auto message = schemas::read_message(bytes)) touch(*message);
    g_sink = schemas::read_join_room(bytes).ok() + schemas::read_join_room_result(bytes).ok() +
             schemas::read_leave_room(bytes).ok() + schemas::read_player_input(bytes).ok() +
             schemas::read_snapshot(bytes).ok() + schemas::read_chat_message(bytes).ok() +
             schemas::read_match_events(bytes).ok() + schemas::read_list_rooms(bytes).ok() +
             schemas::read_room_list(bytes).ok();
    return 0;
}
