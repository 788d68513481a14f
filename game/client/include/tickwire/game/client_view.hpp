#pragma once
// The contract between the netcode client (ClientCore, game/client) and the
// presentation (SDL window, HUD, chat box; or nothing in --headless and bots).
//
// ClientCore owns the connection, clock sync, prediction, reconciliation and
// interpolation; each frame it fills a ClientView in world units, ready to
// draw. The presentation never sees sockets, FlatBuffers or the simulation's
// fixed-point types.
//
// Thread: the game thread only (ClientCore is driven by engine::GameLoop hooks).

#include <cstdint>
#include <string>
#include <vector>

namespace tickwire::game {

/// What the local player wants this tick (from keyboard/mouse, or a bot).
struct PlayerIntent {
    float move_x = 0;    ///< -1 (left) .. 1 (right)
    float move_y = 0;    ///< -1 (up) .. 1 (down)
    float aim = 0;       ///< radians, 0 along +x, increasing towards +y
    bool fire = false;
};

enum class ConnectionStatus : std::uint8_t {
    connecting,    ///< "connecting…"
    joined,        ///< playing
    reconnecting,  ///< "reconnecting in N s…"
    closed,        ///< "server closed: reason"
};

struct ShipView {
    std::uint32_t entity_id = 0;
    std::uint32_t player_id = 0;
    float x = 0, y = 0;  ///< world units (interpolated, or predicted for the local ship)
    float angle = 0;     ///< radians
    float radius = 0;
    std::uint8_t health = 0;  ///< 0..100
    std::uint8_t colour = 0;  ///< palette index, stable per player
    bool alive = true;
    bool local = false;  ///< the ship this client controls
    std::string name;
};

struct ProjectileView {
    float x = 0, y = 0;
    float radius = 0;
    std::uint8_t colour = 0;  ///< the shooter's
};

/// Axis-aligned rectangle obstacle in world units.
struct ObstacleView {
    float x = 0, y = 0, w = 0, h = 0;
};

struct ScoreRow {
    std::uint32_t player_id = 0;
    std::string name;
    std::uint8_t colour = 0;
    int score = 0, kills = 0, deaths = 0;
    bool local = false;
};

struct ChatLine {
    std::string from;  ///< empty for system notices (join/leave, connection)
    std::string text;
    std::uint8_t colour = 0;
};

/// The F3 net graph's numbers.
struct NetStats {
    /// The transport's round trip: net's smoothed WebSocket ping RTT
    /// (ChannelStats::rtt_us), 0 until measured. Under 1 ms on loopback.
    float rtt_ms = 0;
    /// The round trip of the game's own clock-sync messages: what a game
    /// message meets on the way (send queues, any simulated network) plus up
    /// to a tick on each side, since both ends read the network once a tick.
    float clock_rtt_ms = 0;
    /// How much snapshot arrivals vary (what the interpolation delay covers).
    float jitter_ms = 0;
    float snapshot_rate_hz = 0;
    float bytes_in_per_s = 0, bytes_out_per_s = 0;
    float corrections_per_s = 0;  ///< prediction corrections applied
    float interpolation_delay_ms = 0;
    std::uint32_t server_tick = 0;    ///< estimated from the synced clock
    std::uint32_t snapshot_tick = 0;  ///< of the newest snapshot decoded (0: none yet)
    /// Time dilation: input frames sampled per tick (1 +- 0.05), to keep
    /// them reaching the server input_lead_ticks (1-2) before their tick.
    float time_scale = 1;
    float input_lead_ticks = 0;  ///< 0 until the server reports (it may not)
};

struct ClientView {
    ConnectionStatus status = ConnectionStatus::connecting;
    std::string status_text;  ///< human sentence for non-joined states
    std::string room;         ///< room code
    float arena_w = 0, arena_h = 0;
    std::vector<ShipView> ships;
    std::vector<ProjectileView> projectiles;
    std::vector<ObstacleView> obstacles;
    std::vector<ScoreRow> scoreboard;  ///< sorted, best first
    std::vector<ChatLine> chat;        ///< oldest first, the most recent ~50
    NetStats net;
    float respawn_in_s = 0;  ///< > 0 while the local ship is dead
};

}  // namespace tickwire::game
