#pragma once
// Client: what the match server keeps per connection, from the upgrade to the
// close (across resumes in session mode): who it is, where it sits, and its
// parts' per-client state (rate limits, input queue, snapshot acks).
//
// Thread: the game thread.

#include <chrono>
#include <cstdint>
#include <string>

#include "input_queue.hpp"
#include "rate_limits.hpp"
#include "snapshot_sender.hpp"
#include "tickwire/net/events.hpp"

namespace tickwire::game::server {

struct Client {
    Client(net::ConnectionId connection, int tick_rate, InputQueue::Mode inputs)
        : id(connection), limits(tick_rate), input(inputs) {}

    net::ConnectionId id;
    std::string room;   // requested at connect, the actual one after Hello
    std::string query;  // of the upgrade request, for admission checks
    std::string name;
    std::string remote;           // "address:port", for log lines
    std::uint32_t player_id = 0;  // 0 until seated
    std::chrono::steady_clock::time_point connected_at;
    RateLimits limits;
    InputQueue input;
    SnapshotAcks snapshots;
    bool closing = false;  // kicked: ignore whatever else it sends
};

}  // namespace tickwire::game::server
