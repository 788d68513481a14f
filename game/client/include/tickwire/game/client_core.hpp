#pragma once
// ClientCore: one player's connection to a tickwire match server — clock sync,
// input sending with redundancy, prediction with reconciliation, snapshot
// interpolation, chat. Used by tickwire-client (windowed and --headless) and by
// every bot in tickwire-bots. No SDL here.
//
// Thread: the game thread only; it never blocks. Drive it from engine::GameLoop:
//   network_in  -> core.network_in()
//   step        -> core.set_intent(...); core.step()
//   network_out -> core.network_out()
//   render      -> const ClientView& v = core.view(alpha)

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "tickwire/game/client_view.hpp"
#include "tickwire/net/netsim.hpp"

namespace tickwire::net {
class NetworkThread;
}

namespace tickwire::game {

struct ClientConfig {
    std::string url = "ws://127.0.0.1:7777/room/auto";
    std::string name = "player";
    int tick_rate = 60;  ///< must match the server's (it says so in its welcome)
    /// Share a network thread (bots); null = the channel's own.
    std::shared_ptr<net::NetworkThread> network_thread;
    /// tickwire session mode (the server's default too): after a dropped
    /// connection net reconnects with backoff and resumes the session, so
    /// the player, score and room survive and chat arrives exactly once.
    /// false: plain WebSocket (net reconnects the same way, and the new
    /// connection joins afresh as a new player).
    bool session = true;
    /// Input frames are sampled every tick and sent every this many ticks,
    /// together in one message (1..6). Higher sends fewer bytes upstream,
    /// and delays each input by (interval - 1) / 2 ticks more on average
    /// (game/README.md, "Uplink").
    int input_send_interval = 1;
    static constexpr int kMaxInputSendInterval = 6;  ///< 100 ms at 60 Hz: beyond it the delay is felt
    /// Simulated network conditions (tickwire-client/-bots --netsim); off by default.
    net::NetSimOptions netsim;
    /// The game's time (clock sync, interpolation, rates); empty = steady_clock.
    /// Tests drive it with the same fake clock as the engine::GameLoop that
    /// ticks the client. Game thread only.
    std::function<std::chrono::steady_clock::time_point()> clock;
};

class ClientCore {
public:
    explicit ClientCore(ClientConfig config);
    ~ClientCore();
    ClientCore(const ClientCore&) = delete;
    ClientCore& operator=(const ClientCore&) = delete;

    void network_in();                          ///< drain the channel's stream
    /// Input for the next step; may be called every frame. A fire press is
    /// kept until a sampled frame carries it, however short.
    void set_intent(const PlayerIntent& intent);
    void step();                                ///< one fixed tick: sample input, predict
    void network_out();                         ///< send input (each frame once), acks; flush
    void send_chat(std::string_view text);      ///< reliable, ordered
    void close();                               ///< leave cleanly (1000)

    /// Everything to draw, interpolated with `alpha` (0..1 between ticks).
    const ClientView& view(float alpha);

    [[nodiscard]] ConnectionStatus status() const noexcept;
    [[nodiscard]] bool finished() const noexcept;  ///< closed and nothing left to show
    /// Snapshots applied since construction (cheap: load generators poll it
    /// after each network_in to time snapshot arrivals without building a view).
    [[nodiscard]] std::uint64_t snapshots_received() const noexcept;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace tickwire::game
