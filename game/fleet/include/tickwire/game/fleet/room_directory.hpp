#pragma once
// RoomDirectory: this process's link to the fleet's room directory in Redis
// (key layout at the top of src/directory_store.cpp). It registers the process
// (id, public URL, capacity, draining) and each room it owns (code, players,
// capacity) with a heartbeat, so a process that dies (kill -9 included)
// disappears within `ttl`; it claims room codes atomically across the fleet,
// and publishes what the fleet looks like for matchmaking and /rooms?all=1.
//
// Redis is never on the game thread's path: the directory runs on its own
// thread (synchronous hiredis there), and the game thread posts requests and
// polls results through bounded lock-free queues, never waiting.
//
//   game thread                           directory thread
//   claim_room / release_room / report ──► spsc queue ──► Redis (Lua scripts)
//   poll(DirectoryResult&)             ◄── spsc queue ◄── results, fleet views, state changes
//   state(), errors()                  ◄── atomics
//
// Redis down or restarted: requests fail at once with a reason (the caller
// answers 503), matches keep running, the thread reconnects with backoff and,
// when Redis is back, re-registers the process and every room it owns (one
// heartbeat does it), without a restart. State changes arrive as one
// DirectoryStateChange each (connected / lost / back): log those, not requests.
//
// Thread: start() and the destructor on the owning (game) thread; claim_room,
// release_room, report, refresh_fleet and poll on that one thread only (each
// queue has one producer and one consumer); state(), errors(), process_id()
// from any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tickwire/game/fleet/fleet_view.hpp"

namespace tickwire::game::fleet {

struct DirectoryConfig {
    std::string redis_host = "127.0.0.1";
    std::uint16_t redis_port = 6379;
    /// Keys start with "<key_prefix>:"; fleets sharing a Redis use different prefixes.
    std::string key_prefix = "tickwire";
    /// Unique in the fleet, at most 64 bytes; empty = make_process_id().
    std::string process_id;
    /// Where players connect to this process, e.g. ws://10.0.0.7:7777.
    std::string public_url;
    /// Players this process takes in all (rooms x players per room).
    std::uint32_t capacity = 0;
    /// Players one room takes (what a claimed room is advertised with until
    /// the first report()).
    std::uint32_t room_capacity = 32;
    /// Heartbeat period; every heartbeat also refreshes the fleet view.
    std::chrono::milliseconds heartbeat{1000};
    /// Lifetime of the process's and its rooms' keys without a heartbeat: how
    /// long a dead process stays listed. A few heartbeats, so one slow
    /// heartbeat does not drop a live process.
    std::chrono::milliseconds ttl{3000};
    std::chrono::milliseconds connect_timeout{500};
    std::chrono::milliseconds command_timeout{500};
    /// Reconnection backoff: doubles from min to max, each delay jittered.
    std::chrono::milliseconds reconnect_min{100};
    std::chrono::milliseconds reconnect_max{2000};
    /// Requests the game thread may have in flight; a full queue refuses more.
    std::size_t queue_capacity = 256;
};

/// Parses "redis://HOST:PORT" (PORT defaults to 6379) into `config`; false,
/// with `error` set, for anything else (other schemes, user info, a path).
bool parse_redis_url(std::string_view url, DirectoryConfig& config, std::string& error);

/// "<hostname>-<8 hex digits>", letters, digits, '-', '.', '_' only, at most 64 bytes.
[[nodiscard]] std::string make_process_id();

/// 1..64 of A-Z a-z 0-9 - . _ (it becomes part of Redis keys and tickets).
[[nodiscard]] bool valid_process_id(std::string_view id) noexcept;

using DirectoryRequestId = std::uint64_t;  ///< 0 = not queued

enum class DirectoryState : std::uint8_t {
    connecting,  ///< before the first answer from Redis
    up,
    down,
};

/// A room this process runs, with its load, for the heartbeat.
struct RoomLoad {
    std::string code;
    std::uint32_t players = 0, capacity = 0;
};

/// The answer to claim_room().
struct ClaimResult {
    enum class Outcome : std::uint8_t {
        won,          ///< this process owns the code: create the room
        taken,        ///< a live process owns it: send the player to owner_url
        unavailable,  ///< no answer from the directory: `reason` says why (503)
    };
    DirectoryRequestId request = 0;
    std::string code;
    Outcome outcome = Outcome::unavailable;
    std::string owner_id, owner_url;
    std::string reason;
};

/// The fleet as read at the last heartbeat (or refresh_fleet()).
struct FleetUpdate {
    std::shared_ptr<const FleetView> view;
};

/// Redis came, went or came back. `message` is the log line.
struct DirectoryStateChange {
    DirectoryState state = DirectoryState::down;
    std::string message;
};

/// A room this process owned that another live process now holds (after a
/// Redis restart two processes re-registered one code, or this process
/// stalled past its TTL). The directory no longer advertises it here; the
/// owner of the game decides what to do with its players (send them to owner_url).
struct RoomLost {
    std::string code, owner_id, owner_url;
};

using DirectoryResult = std::variant<ClaimResult, FleetUpdate, DirectoryStateChange, RoomLost>;

class RoomDirectory {
public:
    /// Starts the directory thread, which connects and registers at once.
    /// Throws std::invalid_argument for a bad config (start-up error).
    static std::unique_ptr<RoomDirectory> start(DirectoryConfig config);
    /// stop(true) unless stopped already.
    ~RoomDirectory();
    RoomDirectory(const RoomDirectory&) = delete;
    RoomDirectory& operator=(const RoomDirectory&) = delete;

    /// Claims `code` for this process; a ClaimResult follows. 0 if the queue is full.
    DirectoryRequestId claim_room(std::string_view code);
    /// Stops advertising `code` and removes it from Redis if this process owns it.
    bool release_room(std::string_view code);
    /// Players per owned room and whether the process drains; sent with the
    /// next heartbeat (at once when `draining` changes). Rooms not claimed
    /// through claim_room() are ignored. Call it about once a second.
    bool report(std::vector<RoomLoad> rooms, bool draining);
    /// Reads the fleet now instead of at the next heartbeat; a FleetUpdate follows.
    bool refresh_fleet();
    /// The next result, if any. Never blocks.
    bool poll(DirectoryResult& out);

    [[nodiscard]] DirectoryState state() const noexcept;
    /// Requests and heartbeats that failed since start (directory errors metric).
    [[nodiscard]] std::uint64_t errors() const noexcept;
    [[nodiscard]] const std::string& process_id() const noexcept;
    [[nodiscard]] const std::string& public_url() const noexcept;

    /// Ends the directory thread. With `deregister`, the process and its rooms
    /// are removed from Redis first (a clean exit); without, they are left to
    /// expire as if the process had been killed (tests; a fast exit).
    void stop(bool deregister = true);

    struct Impl;

private:
    explicit RoomDirectory(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace tickwire::game::fleet
