#include "feed_input.hpp"

namespace tickwire::game::server {

InputQueue::Next feed_input(InputQueue& queue, sim::World& world, std::uint32_t player_id, std::uint32_t tick,
                            const LagCompensation& lag, InputFigures& figures) {
    const InputQueue::Next next = queue.next(tick);
    switch (next.kind) {
    case InputQueue::Next::Kind::frame: {
        if (next.held_ticks > 0 &&
            world.replace_held_moves(player_id, next.held_ticks, std::span(next.late.data(), next.late_count))) {
            figures.replaced(next.held_ticks);
        }
        const std::uint32_t rewind = lag.rewind(next.view, tick);
        world.set_input(player_id, next.input, rewind);
        figures.applied(next.wait, next.merged);
        if (next.input.fire) figures.shot(rewind);
        break;
    }
    case InputQueue::Next::Kind::hold:
        if (next.counted_hold) figures.held();
        break;
    case InputQueue::Next::Kind::idle: {
        // Stop thrusting and firing, keep facing the same way.
        sim::Input idle;
        if (const sim::Ship* ship = world.find_ship(player_id)) idle.aim = ship->aim;
        world.set_input(player_id, idle);
        break;
    }
    }
    return next;
}

}  // namespace tickwire::game::server
