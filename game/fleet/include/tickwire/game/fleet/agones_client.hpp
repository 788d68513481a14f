#pragma once
// AgonesClient: the calls a game server makes to the Agones SDK sidecar when
// it runs as an Agones GameServer (tickwire-server --agones), through the
// sidecar's local REST API: POST /ready once it can take players, /health
// regularly from the game loop (a stuck loop stops them and Agones restarts
// the pod), /shutdown when it has drained. Each is "{}" as application/json.
// GET /gameserver tells the address and host port players reach this
// GameServer at: the public URL to advertise in the room directory.
//
// Thread: one (game) thread calls everything; the HTTP happens on the
// client's own thread, so a missing or slow sidecar never blocks the loop.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tickwire::game::fleet {

namespace detail {
class HttpWorker;
}

struct AgonesConfig {
    std::string host = "127.0.0.1";
    std::uint16_t port = 9358;  ///< the SDK's default; the sidecar sets AGONES_SDK_HTTP_PORT
    std::chrono::milliseconds timeout{2000};
};

/// AgonesConfig with the port from AGONES_SDK_HTTP_PORT when it is set and valid.
[[nodiscard]] AgonesConfig agones_config_from_environment();

enum class AgonesCall : std::uint8_t { ready, health, shutdown, game_server };
[[nodiscard]] std::string_view to_string(AgonesCall call) noexcept;

struct AgonesResult {
    AgonesCall call = AgonesCall::health;
    bool ok = false;
    std::string error;  ///< why not ok: status or transport, for the log
    /// game_server only: where players reach this GameServer.
    std::string address;
    std::uint16_t port = 0;
};

/// Reads GET /gameserver's JSON: status.address and the port of
/// status.ports[] named `port_name` (the first port if none has that name).
/// Fills address and port on success, error otherwise (a hostile-input parse).
void read_game_server(std::string_view body, std::string_view port_name, AgonesResult& out);

class AgonesClient {
public:
    explicit AgonesClient(AgonesConfig config = agones_config_from_environment());
    ~AgonesClient();
    AgonesClient(const AgonesClient&) = delete;
    AgonesClient& operator=(const AgonesClient&) = delete;

    /// Each queues one POST; false if too many calls are still unanswered.
    bool ready();
    bool health();
    bool shutdown();
    /// GET /gameserver: the address and the host port of the port named `port_name`.
    bool game_server(std::string port_name = "game");
    /// The next answered call, if any. Never blocks.
    bool poll(AgonesResult& out);

private:
    bool call(AgonesCall call);
    AgonesConfig config_;
    std::unique_ptr<detail::HttpWorker> worker_;
    std::string port_name_ = "game";
};

}  // namespace tickwire::game::fleet
