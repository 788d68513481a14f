#pragma once
// FleetClient: a ClientCore plus how it finds its server. Given a ws:// URL it
// connects there, as ClientCore does. Given a matchmaking URL
// (http://HOST:PORT/match/auto or /match/CODE) it asks first, then connects to
// the answer with its seat ticket; and when that server is lost and the
// session cannot resume (refused, closed, or still reconnecting after a few
// seconds: the server drained or died) it asks matchmaking again instead of
// retrying a dead address. tickwire-client, tickwire-bots and tickwire-load
// match drive one per player; the calls mirror ClientCore's.
//
//   auto desk = std::make_shared<MatchmakingDesk>();   // one per game thread
//   FleetClient player(config, desk);                  // config.url: ws:// or http://.../match/...
//
// Thread: the game thread only; nothing here blocks (the HTTP requests run on
// the desk's own thread).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tickwire/game/client_core.hpp"
#include "tickwire/game/fleet/match_client.hpp"

namespace tickwire::game {

/// One matchmaking HTTP thread shared by every FleetClient of a game thread
/// (80 bots need not start 80 threads); replies are kept by request id.
class MatchmakingDesk {
public:
    MatchmakingDesk();
    /// 0 when too many requests are out: ask again later.
    std::uint64_t ask(std::string_view matchmaking_url);
    /// The reply to `request` once it has come.
    std::optional<fleet::MatchReply> take(std::uint64_t request);

private:
    fleet::MatchmakingClient client_;
    std::unordered_map<std::uint64_t, fleet::MatchReply> replies_;
};

class FleetClient {
public:
    /// `desk` may be null: one of its own is made when config.url asks matchmaking.
    FleetClient(ClientConfig config, std::shared_ptr<MatchmakingDesk> desk = nullptr);

    void network_in();
    void set_intent(const PlayerIntent& intent);
    void step();
    void network_out();
    void send_chat(std::string_view text);
    void close();
    const ClientView& view(float alpha);
    [[nodiscard]] ConnectionStatus status() const noexcept;
    [[nodiscard]] bool finished() const noexcept;
    /// Across every server it has played on.
    [[nodiscard]] std::uint64_t snapshots_received() const noexcept;

    /// The server it is connected to (ws://..., ticket included), empty while asking.
    /// Times it asked matchmaking again after losing a server.
    [[nodiscard]] std::uint32_t rematches() const noexcept { return rematches_; }

    /// Reconnecting this long means the server is gone, or the session is.
    static constexpr std::chrono::milliseconds kGiveUpReconnecting{3000};

private:
    using Clock = std::chrono::steady_clock;
    [[nodiscard]] bool matchmaking() const noexcept { return desk_ != nullptr; }
    [[nodiscard]] Clock::time_point now() const;
    void ask();
    void ask_later();
    void watch_core();
    void lose_server(std::string why);

    ClientConfig config_;  // url: what the player gave (ws:// or a matchmaking URL)
    std::shared_ptr<MatchmakingDesk> desk_;  // null: config_.url is a ws:// URL
    std::unique_ptr<ClientCore> core_;
    ClientView waiting_view_;  // while there is no core
    std::uint64_t request_ = 0;
    Clock::time_point next_ask_{};
    std::chrono::milliseconds backoff_{250};
    Clock::time_point reconnecting_since_{};
    std::uint64_t snapshots_before_ = 0;  // from cores given up
    std::uint32_t rematches_ = 0;
    bool closed_by_player_ = false;
};

}  // namespace tickwire::game
