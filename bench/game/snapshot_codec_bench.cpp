// snapshot_codec_bench: what the snapshot entity encodings cost, offline.
//
//   tickwire-snapshot-codec-bench [--players N] [--seconds S] [--baseline-lag K] [--seed X]
//
// Plays a room of N ships in game/sim, steered like tickwire-bots (towards a
// random point, aim at the nearest enemy with a little noise, fire when
// close), takes a snapshot every 2 ticks and encodes each as a delta against
// the snapshot K back (a client acking everything on loopback sees K = 1),
// once as the EntityState struct vector and once packed. Prints game message
// bytes per changed entity, how often each field changes, and the CPU time
// of pack / unpack. No sockets: the session envelope is not included.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "tickwire/cli.hpp"
#include "tickwire/game/protocol/packed.hpp"
#include "tickwire/game/protocol/wire.hpp"

namespace {

using namespace tickwire;
using namespace tickwire::game;
using protocol::Entity;

struct BotState {
    float tx = 0, ty = 0;
    int patience = 0;
};

void steer(sim::World& world, std::vector<BotState>& bots, std::mt19937& rng) {
    const sim::Arena& arena = world.arena();
    std::uniform_real_distribution<float> ux(60, static_cast<float>(arena.width / sim::kUnit) - 60);
    std::uniform_real_distribution<float> uy(60, static_cast<float>(arena.height / sim::kUnit) - 60);
    std::uniform_real_distribution<float> noise(-0.08f, 0.08f);
    for (std::size_t k = 0; k < world.ships().size(); ++k) {
        const sim::Ship& me = world.ships()[k];
        BotState& b = bots[k];
        if (!me.alive) {
            world.set_input(me.player_id, {});
            continue;
        }
        const float mx = static_cast<float>(me.body.x) / sim::kUnit, my = static_cast<float>(me.body.y) / sim::kUnit;
        if (b.patience <= 0 || std::hypot(b.tx - mx, b.ty - my) < 40) {
            b.tx = ux(rng);
            b.ty = uy(rng);
            b.patience = 300;
        }
        --b.patience;
        float dx = b.tx - mx, dy = b.ty - my;
        const float len = std::max(1.0f, std::hypot(dx, dy));
        dx /= len;
        dy /= len;
        float aim = std::atan2(dy, dx), best = 1e9f;
        for (const sim::Ship& s : world.ships()) {
            if (s.player_id == me.player_id || !s.alive) continue;
            const float sx = static_cast<float>(s.body.x) / sim::kUnit, sy = static_cast<float>(s.body.y) / sim::kUnit;
            const float d = std::hypot(sx - mx, sy - my);
            if (d < best) {
                best = d;
                aim = std::atan2(sy - my, sx - mx) + noise(rng);
            }
        }
        world.set_input(me.player_id, sim::sanitise_intent(dx, dy, aim, best < 450));
    }
}

}  // namespace

int main(int argc, char** argv) {
    int players = 32, seconds = 60, lag = 1;
    unsigned seed = 1;
    CLI::App app{"Snapshot bytes per changed entity in an offline bot match: EntityState structs against "
                 "Snapshot.packed, and pack/unpack CPU time.",
                 "tickwire-snapshot-codec-bench"};
    app.add_option("--players", players, "bots in the match")->check(CLI::Range(1, 64))->capture_default_str();
    app.add_option("--seconds", seconds, "of simulated play, the first 10 of them a warm-up")->check(CLI::Range(11, 3600))->capture_default_str();
    app.add_option("--baseline-lag", lag, "snapshots between a delta and its baseline")
        ->check(CLI::Range(1, 60))->capture_default_str();
    app.add_option("--seed", seed, "bot behaviour")->capture_default_str();
    if (const auto exit = tickwire::cli::parse(app, argc, argv)) return *exit;
    std::mt19937 rng(seed);
    sim::World world;
    std::vector<BotState> bots(static_cast<std::size_t>(players));
    for (int p = 1; p <= players; ++p) world.add_player(static_cast<std::uint32_t>(p));

    std::deque<std::vector<Entity>> history;  // newest last
    std::deque<std::uint32_t> history_ticks;
    std::vector<Entity> full, scratch, changed, decoded;
    std::vector<std::uint32_t> removed;
    std::vector<std::uint8_t> packed;
    flatbuffers::FlatBufferBuilder fbb(4096);
    std::size_t snapshots = 0, entities = 0, removals = 0, struct_bytes = 0, packed_bytes = 0, packed_msg_bytes = 0;
    std::size_t field_changes[10] = {};
    std::size_t new_entities = 0;
    double pack_ns = 0, unpack_ns = 0;
    using Clock = std::chrono::steady_clock;

    const int ticks = seconds * 60;
    for (int t = 0; t < ticks; ++t) {
        steer(world, bots, rng);
        world.step();
        if (world.tick() % 2 != 0) continue;
        protocol::capture(world, full, 2);
        if (static_cast<int>(history.size()) >= lag && world.tick() > 600) {  // after a 10 s warm-up
            const std::vector<Entity>& base = history[history.size() - static_cast<std::size_t>(lag)];
            const std::uint32_t base_tick = history_ticks[history_ticks.size() - static_cast<std::size_t>(lag)];
            protocol::make_delta(base, base_tick, full, world.tick(), scratch, changed, removed);
            struct_bytes += schemas::encode_snapshot(fbb, {world.tick(), base_tick, 1}, changed, removed).size();
            const auto t0 = Clock::now();
            protocol::extrapolate(base, world.tick() - base_tick, scratch);
            const protocol::PackedCounts n = protocol::pack(scratch, full, world.tick() - base_tick, packed);
            const auto t1 = Clock::now();
            const auto why = protocol::unpack(packed, scratch, world.tick() - base_tick, decoded);
            const auto t2 = Clock::now();
            pack_ns += std::chrono::duration<double, std::nano>(t1 - t0).count();
            unpack_ns += std::chrono::duration<double, std::nano>(t2 - t1).count();
            if (!why.empty() || decoded.size() != full.size() ||
                std::memcmp(decoded.data(), full.data(), full.size() * sizeof(Entity)) != 0) {
                std::fprintf(stderr, "round trip failed at tick %u: %.*s\n", world.tick(), static_cast<int>(why.size()),
                             why.data());
                return 1;
            }
            packed_bytes += packed.size();
            packed_msg_bytes += schemas::encode_snapshot(fbb, {world.tick(), base_tick, 1}, {}, {}, packed).size();
            ++snapshots;
            entities += n.entities;
            removals += n.removed;
            for (const Entity& e : changed) {
                const auto it = std::lower_bound(scratch.begin(), scratch.end(), e.id(),
                                                 [](const Entity& a, std::uint32_t id) { return a.id() < id; });
                if (it == scratch.end() || it->id() != e.id()) {
                    ++new_entities;
                    continue;
                }
                const Entity& r = *it;
                const bool diff[10] = {r.angle() != e.angle(), r.x() != e.x(),         r.y() != e.y(),
                                       r.vx() != e.vx(),       r.vy() != e.vy(),       r.flags() != e.flags(),
                                       r.health() != e.health(), r.owner() != e.owner(), r.kind() != e.kind(),
                                       r.team() != e.team()};
                for (int f = 0; f < 10; ++f) field_changes[f] += diff[f] ? 1 : 0;
            }
        }
        history.push_back(full);
        history_ticks.push_back(world.tick());
        while (history.size() > 8) {
            history.pop_front();
            history_ticks.pop_front();
        }
    }
    if (snapshots == 0 || entities == 0) {
        std::fprintf(stderr, "nothing measured\n");
        return 1;
    }
    const double e = static_cast<double>(entities);
    std::printf("players %d, %zu snapshots (delta against %d back), %.1f changed entities/snapshot "
                "(%.1f new), %.1f removed/snapshot\n",
                players, snapshots, lag, e / static_cast<double>(snapshots),
                static_cast<double>(new_entities) / static_cast<double>(snapshots),
                static_cast<double>(removals) / static_cast<double>(snapshots));
    std::printf("game message bytes per changed entity: struct %.1f, packed %.1f (packed bytes alone %.1f)\n",
                static_cast<double>(struct_bytes) / e, static_cast<double>(packed_msg_bytes) / e,
                static_cast<double>(packed_bytes) / e);
    const char* names[10] = {"angle", "x", "y", "vx", "vy", "flags", "health", "owner", "kind", "team"};
    std::printf("changed field share of updated (not new) entities:");
    const double updated = e - static_cast<double>(new_entities);
    for (int f = 0; f < 10; ++f) std::printf(" %s %.0f%%", names[f], 100.0 * static_cast<double>(field_changes[f]) / updated);
    std::printf("\npack %.2f us/snapshot, unpack %.2f us/snapshot (extrapolate included in pack)\n",
                pack_ns / 1000.0 / static_cast<double>(snapshots), unpack_ns / 1000.0 / static_cast<double>(snapshots));
    return 0;
}
