#include "tickwire/game/fleet/room_directory.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <random>
#include <stdexcept>
#include <thread>

#include <boost/lockfree/spsc_queue.hpp>

#include "directory_store.hpp"
#include "redis_connection.hpp"
#include "wake_signal.hpp"

namespace tickwire::game::fleet {

using Clock = std::chrono::steady_clock;
using detail::DirectoryStore;
using detail::RedisConnection;

namespace {

/// Game thread → directory thread.
struct Request {
    enum class Kind : std::uint8_t { claim, release, report, refresh };
    Kind kind = Kind::refresh;
    DirectoryRequestId id = 0;
    std::string code;             ///< claim, release
    std::vector<RoomLoad> rooms;  ///< report
    bool draining = false;        ///< report
};

std::string seconds_text(Clock::duration d) {
    const auto tenths = std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 100;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

}  // namespace

struct RoomDirectory::Impl {
    explicit Impl(DirectoryConfig c)
        : config(std::move(c)),
          store(config.key_prefix, config.ttl),
          requests(config.queue_capacity),
          results(config.queue_capacity * 2),
          backoff(config.reconnect_min),
          rng(std::random_device{}()) {
        state.id = config.process_id;
        state.url = config.public_url;
        state.capacity = config.capacity;
        where = "redis://" + config.redis_host + ":" + std::to_string(config.redis_port);
    }

    // ---- shared between the two threads -------------------------------------------
    const DirectoryConfig config;
    DirectoryStore store;  // directory thread only (its script hashes)
    boost::lockfree::spsc_queue<Request> requests;
    boost::lockfree::spsc_queue<DirectoryResult> results;
    detail::WakeSignal wake;
    std::atomic<DirectoryState> current{DirectoryState::connecting};
    std::atomic<std::uint64_t> error_count{0};
    std::atomic<bool> stopping{false};
    std::atomic<bool> deregister_on_stop{true};
    std::thread thread;

    // ---- game thread only ------------------------------------------------------------
    DirectoryRequestId next_request = 1;
    bool stopped = false;

    // ---- directory thread only -------------------------------------------------------
    std::string where;  // "redis://host:port" for log lines
    std::unique_ptr<RedisConnection> redis;
    detail::ProcessState state;  // everything this process advertises
    std::string last_error = "not connected yet";
    Clock::time_point next_connect{};
    Clock::time_point next_heartbeat{};
    Clock::time_point down_since{};
    std::chrono::milliseconds backoff;
    bool heartbeat_due = false;
    bool refresh_due = false;
    std::minstd_rand rng;
    std::deque<DirectoryResult> overflow;  // results the full queue did not take yet

    void run();
    void connect();
    void schedule_retry();
    /// Only from up: drops the connection and says so once.
    void connection_lost(const std::string& error);
    bool heartbeat(std::string& error);
    bool list_fleet();
    void handle(Request& request);
    void deliver(DirectoryResult result);
    void flush_results();
    void set_state(DirectoryState next, std::string message);
    /// After a failed call: true if the connection survived it (an error
    /// reply), false if it broke (then it is dropped and reconnected).
    bool survived(const std::string& error);
};

void RoomDirectory::Impl::run() {
    while (!stopping.load(std::memory_order_acquire)) {
        if (!redis && Clock::now() >= next_connect) connect();
        requests.consume_all([this](Request& request) { handle(request); });
        if (redis && (heartbeat_due || Clock::now() >= next_heartbeat)) {
            std::string error;
            if (heartbeat(error)) {
                refresh_due = true;
            } else {
                survived(error);
            }
        }
        if (redis && refresh_due) list_fleet();
        flush_results();

        const Clock::time_point until = redis ? next_heartbeat : next_connect;
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        // Undelivered results: look again soon rather than at the next heartbeat.
        wake.wait_for(overflow.empty() ? wait : std::min(wait, std::chrono::milliseconds(10)));
    }
    if (redis && deregister_on_stop.load()) {
        std::string error;
        if (!store.deregister(*redis, state, error)) error_count.fetch_add(1, std::memory_order_relaxed);
    }
    redis.reset();
}

void RoomDirectory::Impl::connect() {
    std::string error;
    auto connection =
        RedisConnection::connect(config.redis_host, config.redis_port, config.connect_timeout, config.command_timeout, error);
    if (connection && !store.load_scripts(*connection, error)) connection.reset();
    if (connection) {
        redis = std::move(connection);
        // Register at once: after a Redis restart this is the re-registration.
        if (!heartbeat(error)) redis.reset();
    }
    if (!redis) {
        error_count.fetch_add(1, std::memory_order_relaxed);
        last_error = error;
        schedule_retry();
        if (current.load() != DirectoryState::down) {
            down_since = Clock::now();
            set_state(DirectoryState::down, "room directory: cannot reach " + where + ": " + error +
                                                "; retrying with backoff, matchmaking answers for this process only");
        }
        return;
    }
    backoff = config.reconnect_min;
    refresh_due = true;
    if (current.load() == DirectoryState::connecting) {
        set_state(DirectoryState::up, "room directory: connected to " + where + " as process " + state.id);
    } else {
        const std::size_t n = state.rooms.size();
        set_state(DirectoryState::up, "room directory: " + where + " is back after " +
                                          seconds_text(Clock::now() - down_since) + "; re-registered process " +
                                          state.id + " and " + std::to_string(n) + (n == 1 ? " room" : " rooms"));
    }
}

void RoomDirectory::Impl::schedule_retry() {
    // Full jitter over [backoff/2, backoff]: a restarted Redis is not hit by the whole fleet at once.
    std::uniform_int_distribution<long> delay(backoff.count() / 2, backoff.count());
    next_connect = Clock::now() + std::chrono::milliseconds(delay(rng));
    backoff = std::min(backoff * 2, config.reconnect_max);
}

void RoomDirectory::Impl::connection_lost(const std::string& error) {
    redis.reset();
    last_error = error;
    down_since = Clock::now();
    // The first retry at once (a blip costs nothing), then the backoff.
    backoff = config.reconnect_min;
    next_connect = Clock::now();
    set_state(DirectoryState::down, "room directory: lost " + where + ": " + error +
                                        "; matches go on, matchmaking for other servers answers 503 until it is back");
}

bool RoomDirectory::Impl::survived(const std::string& error) {
    error_count.fetch_add(1, std::memory_order_relaxed);
    if (redis && !redis->broken()) return true;
    connection_lost(error);
    return false;
}

bool RoomDirectory::Impl::heartbeat(std::string& error) {
    heartbeat_due = false;
    next_heartbeat = Clock::now() + config.heartbeat;
    std::vector<detail::LostRoom> lost;
    if (!store.heartbeat(*redis, state, lost, error)) return false;
    for (detail::LostRoom& room : lost) {
        std::erase_if(state.rooms, [&](const detail::OwnedRoom& owned) { return owned.code == room.code; });
        deliver(RoomLost{std::move(room.code), std::move(room.owner), std::move(room.owner_url)});
    }
    return true;
}

bool RoomDirectory::Impl::list_fleet() {
    refresh_due = false;
    auto view = std::make_shared<FleetView>();
    std::string error;
    if (!store.list(*redis, *view, error)) {
        survived(error);
        return false;
    }
    deliver(FleetUpdate{std::move(view)});
    return true;
}

void RoomDirectory::Impl::handle(Request& request) {
    switch (request.kind) {
        case Request::Kind::claim: {
            ClaimResult result;
            result.request = request.id;
            result.code = request.code;
            std::string error;
            detail::ClaimReply reply;
            if (!redis) {
                error_count.fetch_add(1, std::memory_order_relaxed);
                result.reason = "room directory unavailable (" + last_error + ")";
            } else if (!store.claim(*redis, state.id, request.code, config.room_capacity, reply, error)) {
                survived(error);
                result.reason = "room directory unavailable (" + error + ")";
            } else if (reply.won) {
                result.outcome = ClaimResult::Outcome::won;
                result.owner_id = state.id;
                result.owner_url = state.url;
                const bool known = std::any_of(state.rooms.begin(), state.rooms.end(),
                                               [&](const detail::OwnedRoom& r) { return r.code == request.code; });
                if (!known) state.rooms.push_back(detail::OwnedRoom{request.code, 0, config.room_capacity});
            } else {
                result.outcome = ClaimResult::Outcome::taken;
                result.owner_id = std::move(reply.owner_id);
                result.owner_url = std::move(reply.owner_url);
            }
            deliver(std::move(result));
            break;
        }
        case Request::Kind::release: {
            std::erase_if(state.rooms, [&](const detail::OwnedRoom& r) { return r.code == request.code; });
            std::string error;
            if (redis && !store.release(*redis, state.id, request.code, error)) survived(error);
            break;
        }
        case Request::Kind::report: {
            for (detail::OwnedRoom& owned : state.rooms) {
                for (const RoomLoad& load : request.rooms) {
                    if (load.code != owned.code) continue;
                    owned.players = load.players;
                    owned.capacity = load.capacity;
                }
            }
            // Draining must reach matchmaking now, not at the next heartbeat.
            if (request.draining != state.draining) heartbeat_due = true;
            state.draining = request.draining;
            break;
        }
        case Request::Kind::refresh: refresh_due = true; break;
    }
}

void RoomDirectory::Impl::deliver(DirectoryResult result) {
    if (overflow.empty() && results.push(result)) return;
    // A fleet view the game thread has no room for is superseded by the next anyway.
    if (std::holds_alternative<FleetUpdate>(result)) return;
    // Bounded: a game thread that never polls loses results, not memory.
    if (overflow.size() >= config.queue_capacity * 4) {
        error_count.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    overflow.push_back(std::move(result));
}

void RoomDirectory::Impl::flush_results() {
    while (!overflow.empty() && results.push(overflow.front())) overflow.pop_front();
}

void RoomDirectory::Impl::set_state(DirectoryState next, std::string message) {
    current.store(next, std::memory_order_release);
    deliver(DirectoryStateChange{next, std::move(message)});
}

// ---- the game thread's side ------------------------------------------------------------

std::unique_ptr<RoomDirectory> RoomDirectory::start(DirectoryConfig config) {
    if (config.process_id.empty()) config.process_id = make_process_id();
    if (!valid_process_id(config.process_id))
        throw std::invalid_argument("room directory: process id '" + config.process_id +
                                    "' must be 1..64 of A-Z a-z 0-9 - . _");
    if (config.public_url.empty()) throw std::invalid_argument("room directory: a public URL is needed");
    if (config.heartbeat.count() <= 0 || config.ttl <= config.heartbeat)
        throw std::invalid_argument("room directory: the TTL must be longer than the heartbeat period");
    if (config.queue_capacity == 0 || config.reconnect_min.count() <= 0 || config.reconnect_max < config.reconnect_min)
        throw std::invalid_argument("room directory: bad queue capacity or reconnect backoff");
    auto impl = std::make_unique<Impl>(std::move(config));
    impl->thread = std::thread([raw = impl.get()] { raw->run(); });
    return std::unique_ptr<RoomDirectory>(new RoomDirectory(std::move(impl)));
}

RoomDirectory::RoomDirectory(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RoomDirectory::~RoomDirectory() { stop(true); }

void RoomDirectory::stop(bool deregister) {
    if (impl_->stopped) return;
    impl_->stopped = true;
    impl_->deregister_on_stop.store(deregister);
    impl_->stopping.store(true, std::memory_order_release);
    impl_->wake.notify();
    impl_->thread.join();
}

DirectoryRequestId RoomDirectory::claim_room(std::string_view code) {
    if (impl_->stopped) return 0;
    Request request;
    request.kind = Request::Kind::claim;
    request.id = impl_->next_request;
    request.code = code;
    if (!impl_->requests.push(request)) return 0;
    impl_->wake.notify();
    return impl_->next_request++;
}

bool RoomDirectory::release_room(std::string_view code) {
    if (impl_->stopped) return false;
    Request request;
    request.kind = Request::Kind::release;
    request.code = code;
    if (!impl_->requests.push(request)) return false;
    impl_->wake.notify();
    return true;
}

bool RoomDirectory::report(std::vector<RoomLoad> rooms, bool draining) {
    if (impl_->stopped) return false;
    Request request;
    request.kind = Request::Kind::report;
    request.rooms = std::move(rooms);
    request.draining = draining;
    if (!impl_->requests.push(request)) return false;
    impl_->wake.notify();
    return true;
}

bool RoomDirectory::refresh_fleet() {
    if (impl_->stopped) return false;
    Request request;
    request.kind = Request::Kind::refresh;
    if (!impl_->requests.push(request)) return false;
    impl_->wake.notify();
    return true;
}

bool RoomDirectory::poll(DirectoryResult& out) {
    return impl_->results.consume_one([&](DirectoryResult& result) { out = std::move(result); });
}

DirectoryState RoomDirectory::state() const noexcept { return impl_->current.load(std::memory_order_acquire); }

std::uint64_t RoomDirectory::errors() const noexcept { return impl_->error_count.load(std::memory_order_relaxed); }

const std::string& RoomDirectory::process_id() const noexcept { return impl_->config.process_id; }

const std::string& RoomDirectory::public_url() const noexcept { return impl_->config.public_url; }

}  // namespace tickwire::game::fleet
