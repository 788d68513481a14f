#pragma once
// MatchServer: the authoritative arena server — rooms of up to 32 players, each
// simulated on the fixed tick, delta snapshots per client against its last
// acknowledged snapshot, chat and match events. tickwire-server's main drives
// it from a headless engine::GameLoop; tests drive it the same way in process.
//
// Thread: one game thread creates it and calls every member function (they
// never block, except serve_network_until, which is the loop's wait, and the
// destructor, bounded); the net::Server underneath does its socket work on
// its own network thread, or, with network_on_game_thread, on the game thread
// inside serve_network_until and the destructor (the closes).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace tickwire::game {
struct EntityState;  // game.fbs
}

namespace tickwire::game::server {

enum class LogLevel : std::uint8_t { error, warn, info, debug };

struct ServerConfig {
    std::string address = "0.0.0.0";
    std::uint16_t port = 7777;  ///< 0 picks a free one (tests)
    int tick_rate = 60;
    int snapshot_rate = 30;     ///< must divide into tick_rate (rounded to ticks)
    int events_rate = 10;       ///< batches of kills/scores/respawns per second (rounded to ticks)
    int max_players = 32;       ///< per room, at most sim::kMaxPlayers
    int max_rooms = 64;
    bool allow_create = true;   ///< false: unknown room codes are refused
    /// Rooms that exist from the start and are kept while empty (with
    /// allow_create = false, the only rooms there are).
    std::vector<std::string> rooms;
    std::string tls_certificate_file, tls_private_key_file;
    /// A folder served as static files on the same port (net::ServerOptions::web_root); empty = none.
    std::string web_root;
    LogLevel log_level = LogLevel::info;
    /// An empty room is removed this long after its last player left.
    std::chrono::milliseconds room_linger{10000};
    /// Snapshots go out with net::Server::send_latest, so an unsent one is
    /// replaced by the next, never queued behind it. Beyond this many
    /// unacknowledged (~0.5 s at 30 Hz) the server stops even encoding them
    /// and sends one per second, against the last acked baseline.
    int max_unacked_snapshots = 15;
    /// A connection that has not said Hello within this is closed.
    std::chrono::milliseconds hello_timeout{5000};
    /// Hostile-input limits passed to net::ServerOptions (see there).
    std::size_t max_connections = 0;  ///< open WebSockets; 0 = max_rooms * max_players + 16
    std::size_t max_connections_per_ip = 256;
    std::chrono::milliseconds handshake_timeout{5000};
    /// tickwire session mode (net/session.hpp), on by default: a client whose
    /// connection drops and that comes back within `session_grace` keeps its
    /// player, seat, score and room (the server sees `resumed`, not leave +
    /// join), and chat and events reach it exactly once across the gap.
    /// Clients must match (ClientConfig::session). false: plain WebSocket.
    bool session = true;
    std::chrono::milliseconds session_grace{30000};
    /// Lifetime of a resume token (a fresh one comes with every Welcome).
    std::chrono::milliseconds session_token_lifetime{std::chrono::hours(24)};
    /// HMAC key for resume tokens; empty = random per process (a restarted
    /// server then refuses old tokens and its clients join afresh).
    std::string session_secret;
    /// Where log lines go; empty = stderr. Called on the game thread only
    /// (net's refusals arrive as log events, at warn).
    std::function<void(LogLevel, std::string_view)> log_sink;
    /// The game's time (rate-limit refills, hello and room timeouts, clock
    /// sync replies); empty = steady_clock. Tests drive it with the same fake
    /// clock as the engine::GameLoop that ticks the server. Game thread only.
    std::function<std::chrono::steady_clock::time_point()> clock;
    /// Inputs on time: each input frame is applied in the tick it names
    /// (held back while early, merged when a backlog of late ones arrives),
    /// and every snapshot tells its client how early its frames arrive, so
    /// the client dilates its tick rate to keep a lead of 1-2 ticks
    /// (game/README.md). false: the fixed first-in first-out buffer of old
    /// (one frame a tick, 8 at most), for comparisons.
    bool inputs_on_time = true;
    /// Lag compensation: a shot is judged against the ships as its shooter
    /// saw them, its round trip compensated up to max_rewind and its
    /// interpolation delay (up to 100 ms) on top (game/README.md, "Lag
    /// compensation"). false: judged in the present.
    bool lag_compensation = true;
    std::chrono::milliseconds max_rewind{250};
    /// true: max_rewind bounds the whole rewind, interpolation delay included.
    bool max_rewind_includes_interpolation = false;
    /// Serve the sockets on the game thread while it waits for the next tick
    /// (serve_network_until, net::NetworkThreadOptions::run_on_caller) rather
    /// than on a network thread: one thread in all. On the demo's match this
    /// saved no CPU measurably (docs/benchmarks.md, section 7). The game code
    /// is the same: it still only polls and sends through net's queues.
    bool network_on_game_thread = false;
    /// net::ServerOptions::read_pace: while players keep sending, their
    /// sockets are read once per read_pace, not at every message. Inputs are
    /// taken at the next tick anyway and arrive a tick or more early (inputs
    /// on time), so a millisecond costs them nothing, and it spares the
    /// network thread most of its wake-ups (docs/benchmarks.md, section 11).
    /// 0: read each message as it comes.
    std::chrono::microseconds read_pace{1000};
    /// net::ServerOptions::piggyback_acks: the kernel's ACKs for a player's
    /// inputs ride on the snapshots instead of going alone, one segment per
    /// player per snapshot fewer (docs/benchmarks.md, section 12).
    bool piggyback_acks = true;

    // Hosting at scale (issue 13, docs/scaling.md).
    /// redis://HOST:PORT of the fleet's room directory; empty = this process
    /// alone (it still answers /match for itself).
    std::string directory_url;
    /// ws://HOST:PORT players reach this process at, advertised in the
    /// directory and in /match answers; empty = ws://ADDRESS:PORT as bound
    /// (127.0.0.1 for 0.0.0.0).
    std::string public_url;
    /// HMAC key of seat tickets, the same on every process of a fleet;
    /// empty = random per process (enough without a directory).
    std::string fleet_secret;
    std::string process_id;        ///< empty = hostname plus random hex
    bool require_ticket = false;   ///< refuse joins that did not come through /match
    std::chrono::milliseconds directory_heartbeat{1000};
    std::chrono::milliseconds directory_ttl{3000};
};

/// How players' inputs reached the sim over the last 10 s, across all
/// clients (GET /status).
struct InputTiming {
    std::uint64_t applied = 0;     ///< frames the sim applied (at most one per player per tick)
    std::uint64_t merged = 0;      ///< late frames folded into the frame applied with them
    std::uint64_t dropped = 0;     ///< frames refused (too far ahead, no room) or messages rate limited
    std::uint64_t held_ticks = 0;  ///< ticks a sending player's ship ran on a held input
    std::uint64_t held_replaced = 0;  ///< of those, ticks whose guessed moves were replaced (moved again, or undone)
    std::uint64_t repeated = 0;    ///< frames received again (each is sent once: 0 from current clients)
    std::uint64_t skipped = 0;     ///< frames never received (a gap in a player's sequences)
    double wait_p50_ticks = 0;     ///< how long applied frames waited past their arrival
    double wait_p95_ticks = 0;
};

/// Counters for the status line, tests and benchmarks.
struct MatchStats {
    std::uint64_t rooms = 0, players = 0;
    std::uint64_t snapshots_sent = 0, snapshots_full = 0;
    std::uint64_t snapshots_superseded = 0;  ///< skipped by the ack gap (never encoded)
    std::uint64_t snapshots_replaced = 0;    ///< encoded, replaced in net before written (send_latest)
    std::uint64_t entities_sent = 0;           ///< entity records in snapshots
    std::uint64_t snapshot_bytes = 0;          ///< bytes of snapshot packets
    std::uint64_t inputs_applied = 0, inputs_dropped = 0;
    std::uint64_t inputs_merged = 0, inputs_held_ticks = 0;  ///< see InputTiming
    std::uint64_t inputs_repeated = 0, inputs_skipped = 0;   ///< see InputTiming
    InputTiming inputs_10s;                                  ///< the last 10 s
    std::uint64_t shots_fired = 0, shots_hit = 0;
    std::uint64_t shots_hit_rewound = 0;  ///< hits judged in the past (lag compensation)
    double shot_rewind_max_ms = 0;        ///< the furthest back any shot was judged (<= max_rewind)
    std::uint64_t chat_messages = 0;
    std::uint64_t bad_clients_closed = 0;
    std::uint64_t bytes_out = 0, bytes_in = 0;  ///< from net::ServerStats
    std::uint64_t sessions_resumed = 0;         ///< from net::ServerStats (session mode)
    std::uint64_t resumes_refused = 0;          ///< forged, expired, replayed or unknown tokens
};

class MatchServer {
public:
    /// Binds; on failure returns null and sets `ec`.
    static std::unique_ptr<MatchServer> start(const ServerConfig& config, std::error_code& ec);
    ~MatchServer();
    MatchServer(const MatchServer&) = delete;
    MatchServer& operator=(const MatchServer&) = delete;

    [[nodiscard]] std::uint16_t port() const noexcept;
    void network_in();   ///< drain connection events and messages
    void step();         ///< one fixed tick of every room
    void network_out();  ///< snapshots, events, /rooms; flush
    /// The loop's wait for its next tick: with network_on_game_thread, serve
    /// the sockets until `deadline` and return true; otherwise false at once
    /// (the caller sleeps as usual).
    bool serve_network_until(std::chrono::steady_clock::time_point deadline);
    /// "rooms 2 players 17 tick p99 0.31 ms out 123.4 kB/s ..." since the last call.
    std::string status_line(std::chrono::nanoseconds tick_p99);
    [[nodiscard]] MatchStats stats() const noexcept;
    /// Serve GET /status: one JSON object of the totals in MatchStats plus the
    /// loop's figures given here (tick_p99_ms: step(); work_p99_ms: the whole
    /// network_in + step + network_out of a frame). For load generators
    /// (tickwire-load match); main calls it about once a second.
    void publish_status(std::chrono::nanoseconds tick_p99, std::chrono::nanoseconds tick_max,
                        std::chrono::nanoseconds work_p99, std::chrono::nanoseconds work_max);
    /// Authoritative ship position of a player in a room, world units (tests).
    bool ship_position(const std::string& room, std::uint32_t player_id, float& x, float& y) const;
    /// The full quantised state a room sent at snapshot `tick`, if still in
    /// its ring (tests compare what clients decode against it).
    bool snapshot_at(const std::string& room, std::uint32_t tick, std::vector<EntityState>& out) const;
    /// Close everyone with 1001 (shutdown).
    void shutdown();
    /// Stop taking players (SIGTERM): the directory marks this process
    /// draining, /healthz answers 503, new joins are refused (4012); the
    /// matches go on until shutdown().
    void drain();
    [[nodiscard]] bool draining() const noexcept;
    /// This process's id in the fleet (seat tickets name it).
    [[nodiscard]] const std::string& process_id() const noexcept;

    struct Impl;

private:
    explicit MatchServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

[[nodiscard]] const char* to_string(LogLevel level) noexcept;
/// "error" | "warn" | "info" | "debug"; false if unknown.
bool parse_log_level(std::string_view text, LogLevel& out) noexcept;

}  // namespace tickwire::game::server
