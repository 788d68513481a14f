#pragma once
// LoadOptions: tickwire-load's command line, parsed and checked. Parsing is
// separate from running so the test can check it without sockets.
//
// Thread: main thread, before anything runs.

#include <cstdint>
#include <string>
#include <string_view>

namespace tickwire::load {

enum class Mode : std::uint8_t {
    echo,     ///< WebSocket echo: N connections, closed loop or fixed rate
    raw,      ///< the same over plain TCP, 4-byte little-endian length prefix
    idle,     ///< N idle WebSocket connections; server RSS per connection
    match,    ///< N tickwire bots play in rooms; server CPU, bytes, tick p99
    monitor,  ///< measure a server process only (its clients run elsewhere)
};

/// How echo and idle modes speak WebSocket.
enum class WsClient : std::uint8_t {
    lean,   ///< framed by hand on a plain socket: costs what the raw mode costs, plus the mask
    beast,  ///< Beast's websocket::stream
};

struct LoadOptions {
    Mode mode = Mode::echo;
    std::string url;             ///< ws://HOST:PORT/PATH (echo, idle, match) or tcp://HOST:PORT (raw)
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string path = "/";
    std::size_t connections = 10;  ///< echo, raw, idle; bots in match
    std::size_t size = 32;         ///< payload bytes per message, >= 16
    double rate = 0;               ///< messages/s per connection; 0 = closed loop
    double duration_s = 10;        ///< measured window
    double warmup_s = 2;           ///< before the window: sent, answered, not recorded
    WsClient ws_client = WsClient::lean;  ///< echo, idle
    std::size_t connect_concurrency = 256;  ///< handshakes in flight at once
    int server_pid = 0;            ///< sample this process's CPU, RSS, I/O
    std::string status_url;        ///< match/monitor: server's JSON status
    std::size_t clients = 0;       ///< monitor: how many clients to divide by
    int tick_rate = 60;            ///< match: bots' tick rate
    int think_every = 4;           ///< match: bots re-plan every N ticks (input still every tick)
    bool json = false;
    bool progress = true;
    std::string label;             ///< copied into the report
    bool help = false;
};

/// CLI11 (tickwire::cli's conventions). Throws std::invalid_argument with a
/// message for anything wrong; sets `help` for --help.
LoadOptions parse_options(int argc, const char* const* argv);

/// The --help text.
[[nodiscard]] std::string usage();
[[nodiscard]] const char* to_string(Mode mode) noexcept;
[[nodiscard]] const char* to_string(WsClient client) noexcept;

}  // namespace tickwire::load
