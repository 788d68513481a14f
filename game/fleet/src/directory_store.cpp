// The room directory's key layout in Redis. Every key starts with a prefix
// (DirectoryConfig::key_prefix, "tickwire" by default), so several fleets or
// tests can share one Redis.
//
//   key                    type  fields / members                      lifetime
//   <p>:proc:<id>          hash  url, capacity, draining (0|1),        PEXPIRE ttl, renewed by
//                                rooms, players                        every heartbeat
//   <p>:procs              set   process ids                           members pruned by list
//   <p>:room:<code>        hash  owner (process id), players,          PEXPIRE ttl, renewed by
//                                capacity                              the owner's heartbeat
//   <p>:rooms              set   room codes                            members pruned by list
//
// Liveness is the key's own expiry: a process that stops its heartbeat (kill -9,
// a stalled thread, a lost network) disappears within `ttl` with every room
// it owns, with nobody cleaning up. The sets only make listing possible
// without SCAN; list() drops members whose hash has expired.
//
// Ownership: a room's owner field is set only by claim (or the owner's own
// heartbeat), inside a Lua script, so two processes racing for one code see
// one result: the first script to run owns it and the second learns the
// owner and its URL. A claim on a room whose owner process has expired takes
// it over: that owner is gone and cannot be playing it.
//
// Scripts build key names from the prefix rather than receiving them in KEYS,
// which a single Redis allows and Redis Cluster would not (a fleet's directory
// is one small Redis; Sentinel for failover keeps this layout).

#include "directory_store.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>
#include <deque>
#include <string_view>

namespace tickwire::game::fleet::detail {

namespace {

// ARGV: prefix, id, ttl_ms, url, capacity, draining, then per room: code, players, capacity.
// Returns lost rooms as a flat array: code, owner, code, owner, ...
constexpr std::string_view kHeartbeatLua = R"lua(
local prefix, id, ttl = ARGV[1], ARGV[2], ARGV[3]
local lost, rooms, players = {}, 0, 0
for i = 7, #ARGV, 3 do
  local code = ARGV[i]
  local key = prefix .. ':room:' .. code
  local owner = redis.call('HGET', key, 'owner')
  if owner and owner ~= id and redis.call('EXISTS', prefix .. ':proc:' .. owner) == 1 then
    lost[#lost + 1] = code
    lost[#lost + 1] = owner
    lost[#lost + 1] = redis.call('HGET', prefix .. ':proc:' .. owner, 'url') or ''
  else
    redis.call('HSET', key, 'owner', id, 'players', ARGV[i + 1], 'capacity', ARGV[i + 2])
    redis.call('PEXPIRE', key, ttl)
    redis.call('SADD', prefix .. ':rooms', code)
    rooms = rooms + 1
    players = players + tonumber(ARGV[i + 1])
  end
end
local proc = prefix .. ':proc:' .. id
redis.call('HSET', proc, 'url', ARGV[4], 'capacity', ARGV[5], 'draining', ARGV[6],
           'rooms', rooms, 'players', players)
redis.call('PEXPIRE', proc, ttl)
redis.call('SADD', prefix .. ':procs', id)
return lost
)lua";

// ARGV: prefix, id, ttl_ms, code, capacity. Returns {1, id, url} or {0, owner, owner_url}.
constexpr std::string_view kClaimLua = R"lua(
local prefix, id, ttl, code = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local key = prefix .. ':room:' .. code
local owner = redis.call('HGET', key, 'owner')
local url = redis.call('HGET', prefix .. ':proc:' .. id, 'url') or ''
if owner == id then return {1, id, url} end
if owner then
  local owner_url = redis.call('HGET', prefix .. ':proc:' .. owner, 'url')
  if owner_url then return {0, owner, owner_url} end
end
redis.call('HSET', key, 'owner', id, 'players', 0, 'capacity', ARGV[5])
redis.call('PEXPIRE', key, ttl)
redis.call('SADD', prefix .. ':rooms', code)
return {1, id, url}
)lua";

// ARGV: prefix, id, code. Returns 1 if removed.
constexpr std::string_view kReleaseLua = R"lua(
local key = ARGV[1] .. ':room:' .. ARGV[3]
if redis.call('HGET', key, 'owner') ~= ARGV[2] then return 0 end
redis.call('DEL', key)
redis.call('SREM', ARGV[1] .. ':rooms', ARGV[3])
return 1
)lua";

// ARGV: prefix, id, then the codes it owns.
constexpr std::string_view kDeregisterLua = R"lua(
local prefix, id = ARGV[1], ARGV[2]
for i = 3, #ARGV do
  local key = prefix .. ':room:' .. ARGV[i]
  if redis.call('HGET', key, 'owner') == id then
    redis.call('DEL', key)
    redis.call('SREM', prefix .. ':rooms', ARGV[i])
  end
end
redis.call('DEL', prefix .. ':proc:' .. id)
redis.call('SREM', prefix .. ':procs', id)
return 1
)lua";

// ARGV: prefix. Returns {{id, url, rooms, players, capacity, draining}, ...},
// {{code, owner, players, capacity}, ...}; expired members are pruned.
constexpr std::string_view kListLua = R"lua(
local prefix = ARGV[1]
local procs, rooms = {}, {}
for _, id in ipairs(redis.call('SMEMBERS', prefix .. ':procs')) do
  local f = redis.call('HMGET', prefix .. ':proc:' .. id, 'url', 'rooms', 'players', 'capacity', 'draining')
  if f[1] then
    procs[#procs + 1] = {id, f[1], f[2] or '0', f[3] or '0', f[4] or '0', f[5] or '0'}
  else
    redis.call('SREM', prefix .. ':procs', id)
  end
end
for _, code in ipairs(redis.call('SMEMBERS', prefix .. ':rooms')) do
  local f = redis.call('HMGET', prefix .. ':room:' .. code, 'owner', 'players', 'capacity')
  if f[1] then
    rooms[#rooms + 1] = {code, f[1], f[2] or '0', f[3] or '0'}
  else
    redis.call('SREM', prefix .. ':rooms', code)
  end
end
return {procs, rooms}
)lua";

constexpr std::string_view kScripts[] = {kHeartbeatLua, kClaimLua, kReleaseLua, kDeregisterLua, kListLua};

std::string_view text(const redisReply* reply) noexcept {
    if (reply == nullptr || (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_STATUS)) return {};
    return {reply->str, reply->len};
}

/// A count from Redis: anything that is not a small non-negative integer reads as 0.
std::uint32_t count(const redisReply* reply) noexcept {
    if (reply != nullptr && reply->type == REDIS_REPLY_INTEGER)
        return reply->integer < 0 ? 0 : static_cast<std::uint32_t>(std::min<long long>(reply->integer, UINT32_MAX));
    const std::string_view digits = text(reply);
    std::uint32_t value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return ec == std::errc() && end == digits.data() + digits.size() ? value : 0;
}

bool is_array(const redisReply* reply, std::size_t at_least) noexcept {
    return reply != nullptr && reply->type == REDIS_REPLY_ARRAY && reply->elements >= at_least;
}

}  // namespace

DirectoryStore::DirectoryStore(std::string key_prefix, std::chrono::milliseconds ttl)
    : prefix_(std::move(key_prefix)), ttl_ms_(std::to_string(ttl.count())) {}

bool DirectoryStore::load_scripts(RedisConnection& redis, std::string& error) {
    for (int i = 0; i < kScriptCount; ++i) {
        RedisReply reply = redis.command({"SCRIPT", "LOAD", kScripts[i]}, error);
        if (!reply || reply->type != REDIS_REPLY_STRING) {
            if (reply && error.empty()) error = "SCRIPT LOAD gave no hash";
            return false;
        }
        sha_[i] = text(reply.get());
    }
    return true;
}

RedisReply DirectoryStore::run(RedisConnection& redis, Script script, std::vector<std::string_view>& args,
                               std::string& error) {
    // EVALSHA sha 0 prefix args...; a Redis that lost its script cache
    // (restarted, SCRIPT FLUSH) says NOSCRIPT: load them again and retry once.
    args.insert(args.begin(), {"EVALSHA", sha_[script], "0", prefix_});
    for (int attempt = 0; attempt < 2; ++attempt) {
        error.clear();
        RedisReply reply = redis.command(args, error);
        if (!reply) return nullptr;
        if (reply->type != REDIS_REPLY_ERROR) return reply;
        if (attempt > 0 || !error.starts_with("NOSCRIPT") || !load_scripts(redis, error)) return nullptr;
        args[1] = sha_[script];
    }
    return nullptr;
}

bool DirectoryStore::heartbeat(RedisConnection& redis, const ProcessState& state, std::vector<LostRoom>& lost,
                               std::string& error) {
    // Numbers need storage that outlives the string_views handed to hiredis
    // (a deque never moves what it holds).
    std::deque<std::string> numbers;
    numbers.push_back(std::to_string(state.capacity));
    std::vector<std::string_view> args{state.id, ttl_ms_, state.url, numbers.back(), state.draining ? "1" : "0"};
    for (const OwnedRoom& room : state.rooms) {
        numbers.push_back(std::to_string(room.players));
        args.push_back(room.code);
        args.push_back(numbers.back());
        numbers.push_back(std::to_string(room.capacity));
        args.push_back(numbers.back());
    }
    RedisReply reply = run(redis, kHeartbeat, args, error);
    if (!reply) return false;
    lost.clear();
    if (reply->type != REDIS_REPLY_ARRAY) return true;
    for (std::size_t i = 0; i + 2 < reply->elements; i += 3)
        lost.push_back(LostRoom{std::string(text(reply->element[i])), std::string(text(reply->element[i + 1])),
                                std::string(text(reply->element[i + 2]))});
    return true;
}

bool DirectoryStore::claim(RedisConnection& redis, std::string_view process_id, std::string_view code,
                           std::uint32_t capacity, ClaimReply& out, std::string& error) {
    const std::string capacity_text = std::to_string(capacity);
    std::vector<std::string_view> args{process_id, ttl_ms_, code, capacity_text};
    RedisReply reply = run(redis, kClaim, args, error);
    if (!reply) return false;
    if (!is_array(reply.get(), 3) || reply->element[0]->type != REDIS_REPLY_INTEGER) {
        error = "claim script gave an unexpected reply";
        return false;
    }
    out.won = reply->element[0]->integer == 1;
    out.owner_id = text(reply->element[1]);
    out.owner_url = text(reply->element[2]);
    return true;
}

bool DirectoryStore::release(RedisConnection& redis, std::string_view process_id, std::string_view code,
                             std::string& error) {
    std::vector<std::string_view> args{process_id, code};
    return run(redis, kRelease, args, error) != nullptr;
}

bool DirectoryStore::deregister(RedisConnection& redis, const ProcessState& state, std::string& error) {
    std::vector<std::string_view> args{state.id};
    for (const OwnedRoom& room : state.rooms) args.push_back(room.code);
    return run(redis, kDeregister, args, error) != nullptr;
}

bool DirectoryStore::list(RedisConnection& redis, FleetView& view, std::string& error) {
    std::vector<std::string_view> args;
    RedisReply reply = run(redis, kList, args, error);
    if (!reply) return false;
    if (!is_array(reply.get(), 2) || reply->element[0]->type != REDIS_REPLY_ARRAY ||
        reply->element[1]->type != REDIS_REPLY_ARRAY) {
        error = "list script gave an unexpected reply";
        return false;
    }
    view.processes.clear();
    view.rooms.clear();
    const redisReply* procs = reply->element[0];
    for (std::size_t i = 0; i < procs->elements; ++i) {
        const redisReply* p = procs->element[i];
        if (!is_array(p, 6)) continue;
        view.processes.push_back(ProcessRecord{std::string(text(p->element[0])), std::string(text(p->element[1])),
                                               count(p->element[2]), count(p->element[3]), count(p->element[4]),
                                               text(p->element[5]) == "1"});
    }
    std::sort(view.processes.begin(), view.processes.end(),
              [](const ProcessRecord& a, const ProcessRecord& b) { return a.id < b.id; });
    const redisReply* rooms = reply->element[1];
    for (std::size_t i = 0; i < rooms->elements; ++i) {
        const redisReply* r = rooms->element[i];
        if (!is_array(r, 4)) continue;
        RoomRecord room{std::string(text(r->element[0])), std::string(text(r->element[1])), count(r->element[2]),
                        count(r->element[3])};
        // A room outlives its dead owner by at most one TTL: hide it at once.
        if (view.find_process(room.owner) != nullptr) view.rooms.push_back(std::move(room));
    }
    std::sort(view.rooms.begin(), view.rooms.end(),
              [](const RoomRecord& a, const RoomRecord& b) { return a.code < b.code; });
    return true;
}

}  // namespace tickwire::game::fleet::detail
