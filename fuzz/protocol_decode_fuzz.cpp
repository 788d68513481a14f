// Fuzz target: game/protocol decode() — the one call the match server and
// ClientCore make on every received message — followed by what each side
// does with a verified message: the server turns input frames (an input
// packet or a PlayerInput) into sim input,
// the client applies a snapshot delta to a baseline.
#include <cstdint>
#include <vector>

#include "aligned_input.hpp"
#include "tickwire/game/protocol/wire.hpp"

using namespace tickwire;
using namespace tickwire::game;

namespace {
volatile std::uint64_t g_sink;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fuzz::AlignedInput input(data, size);
    const protocol::Incoming in = protocol::decode(input.bytes());
    if (in.input) {  // an input packet or a PlayerInput: what the server queues
        std::uint64_t sum = in.input->snapshot_ack + in.input->view.tick;
        for (const protocol::Frame& f : in.input->frames()) {
            const sim::Input i = protocol::to_input(f);
            sum += static_cast<std::uint64_t>(i.move_x + i.move_y) + i.aim + i.fire + f.tick() + f.sequence();
        }
        g_sink = sum;
        return 0;
    }
    if (in.game == nullptr) {
        g_sink = in.packet != nullptr ? static_cast<std::uint64_t>(in.packet->body_type()) : in.error.size();
        return 0;
    }
    std::uint64_t sum = 0;
    if (const auto* s = in.game->body_as_Snapshot()) {
        std::vector<protocol::Entity> changed, baseline, scratch, out;
        if (s->entities()) {
            for (const protocol::Entity* e : *s->entities()) changed.push_back(*e);
        }
        std::vector<std::uint32_t> removed;
        if (s->removed()) removed.assign(s->removed()->begin(), s->removed()->end());
        // The client's two paths: a full snapshot, and a delta against a
        // baseline (the message's own entities serve as one).
        protocol::apply({}, changed, {}, out);
        baseline = out;
        protocol::apply_delta(baseline, s->baseline_tick(), s->server_tick(), changed, removed, scratch, out);
        sum += out.size();
    }
    g_sink = sum;
    return 0;
}
