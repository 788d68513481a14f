#pragma once
// DirectoryStore: the room directory's operations on Redis, one call each,
// synchronous, each an atomic Lua script (key layout: directory_store.cpp).
//
// Thread: the directory thread (it blocks on Redis); tests call it directly.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redis_connection.hpp"
#include "tickwire/game/fleet/fleet_view.hpp"

namespace tickwire::game::fleet::detail {

struct OwnedRoom {
    std::string code;
    std::uint32_t players = 0, capacity = 0;
};

/// Everything this process has in the directory.
struct ProcessState {
    std::string id, url;
    std::uint32_t capacity = 0;
    bool draining = false;
    std::vector<OwnedRoom> rooms;
};

/// A room this process believed it owned but another live process holds.
struct LostRoom {
    std::string code, owner, owner_url;
};

struct ClaimReply {
    bool won = false;
    std::string owner_id, owner_url;  ///< the winner (this process when won)
};

class DirectoryStore {
public:
    DirectoryStore(std::string key_prefix, std::chrono::milliseconds ttl);

    /// Loads the scripts into Redis (after every connect: a restarted Redis has none).
    bool load_scripts(RedisConnection& redis, std::string& error);

    /// Writes the process and each of its rooms with a fresh TTL: the
    /// heartbeat, the first registration and the re-registration after a Redis
    /// restart are this one call. Rooms another live process now holds come
    /// back in `lost` and are not written.
    bool heartbeat(RedisConnection& redis, const ProcessState& state, std::vector<LostRoom>& lost, std::string& error);

    /// Claims `code` for `process_id` unless a live process holds it: exactly
    /// one of several racing claimers wins; the others learn the winner.
    bool claim(RedisConnection& redis, std::string_view process_id, std::string_view code, std::uint32_t capacity,
               ClaimReply& reply, std::string& error);

    /// Removes `code` if `process_id` owns it.
    bool release(RedisConnection& redis, std::string_view process_id, std::string_view code, std::string& error);

    /// Removes the process and the rooms it owns (a clean shutdown).
    bool deregister(RedisConnection& redis, const ProcessState& state, std::string& error);

    /// Every live process and the rooms of live processes.
    bool list(RedisConnection& redis, FleetView& view, std::string& error);

private:
    enum Script : std::uint8_t { kHeartbeat, kClaim, kRelease, kDeregister, kList, kScriptCount };
    RedisReply run(RedisConnection& redis, Script script, std::vector<std::string_view>& args, std::string& error);

    std::string prefix_;
    std::string ttl_ms_;
    std::string sha_[kScriptCount];
};

}  // namespace tickwire::game::fleet::detail
