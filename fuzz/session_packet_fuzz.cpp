// Fuzz target: the session readers — the envelope (schemas/envelope.hpp) and
// the session.fbs packets (schemas/session.hpp) — what a server and a client
// run on every WebSocket message before anything else. Every accepted packet
// is read field by field, as the game would.
#include <cstdint>

#include "aligned_input.hpp"
#include "tickwire/schemas/envelope.hpp"
#include "tickwire/schemas/game.hpp"
#include "tickwire/schemas/session.hpp"

using namespace tickwire;

namespace {
volatile std::uint64_t g_sink;  // keeps the reads from being optimised away

void touch(const session::Packet& p) {
    std::uint64_t sum = static_cast<std::uint64_t>(p.body_type());
    switch (p.body_type()) {
    case session::Body::Hello: {
        const auto* h = p.body_as_Hello();
        sum += h->protocol_version() + h->session_id() + h->received();
        if (h->client_name()) sum += h->client_name()->string_view().size();
        break;
    }
    case session::Body::Welcome: sum += p.body_as_Welcome()->session_id() + p.body_as_Welcome()->server_tick(); break;
    case session::Body::Payload: {
        const auto game = schemas::read_message(schemas::payload_bytes(*p.body_as_Payload()));
        sum += game ? static_cast<std::uint64_t>(game->body_type()) : game.error.size();
        break;
    }
    default: break;
    }
    g_sink = sum;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fuzz::AlignedInput input(data, size);
    const auto bytes = input.bytes();
    if (const auto envelope = schemas::envelope::read(bytes)) {
        if (envelope.body.size() > bytes.size()) __builtin_trap();
        // The game's message is read from its own (aligned) copy, as net delivers it.
        const fuzz::AlignedInput body(reinterpret_cast<const std::uint8_t*>(envelope.body.data()), envelope.body.size());
        const auto game = schemas::read_message(body.bytes());
        g_sink = envelope.header.sequence + envelope.header.ack + (game ? 1u : 0u);
    }
    if (const auto packet = schemas::read_packet(bytes)) touch(*packet);
    // The typed readers must agree with read_packet and never crash on the rest.
    g_sink = schemas::read_hello(bytes).ok() + schemas::read_welcome(bytes).ok() +
             schemas::read_clock_sync_request(bytes).ok() + schemas::read_clock_sync_response(bytes).ok() +
             schemas::read_ack(bytes).ok() + schemas::read_error(bytes).ok() + schemas::read_payload(bytes).ok() +
             schemas::read_ping(bytes).ok() + schemas::read_pong(bytes).ok();
    return 0;
}
