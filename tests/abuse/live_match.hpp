#pragma once
// LiveMatch: a real MatchServer and a few bots (ClientCores on one shared
// network thread) playing in one room, ticked at 60 Hz on a game thread of
// their own, so a test thread can attack the server with blocking sockets
// meanwhile. Every server log line is captured.
//
// Thread: construct, query and destroy from the test thread; the game thread
// is private. health() and log queries copy under a mutex.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tickwire/game/client_view.hpp"
#include "tickwire/game/server/match_server.hpp"

namespace tickwire::game::test {

struct BotHealth {
    ConnectionStatus status = ConnectionStatus::connecting;
    std::uint32_t snapshot_tick = 0;  ///< newest snapshot the bot decoded
    bool left_after_joining = false;  ///< ever not joined after it first joined
    float rtt_ms = 0;
};

struct MatchHealth {
    std::uint64_t server_ticks = 0;  ///< ticks the game thread has run
    std::vector<BotHealth> bots;
    server::MatchStats stats;
};

class LiveMatch {
public:
    /// Starts the server with `config` (address and port are forced to
    /// 127.0.0.1:0, the log goes to the capture) and `bots` bots in `room`.
    LiveMatch(server::ServerConfig config, int bots, std::string room);
    ~LiveMatch();
    LiveMatch(const LiveMatch&) = delete;
    LiveMatch& operator=(const LiveMatch&) = delete;

    [[nodiscard]] bool started() const noexcept { return port_ != 0; }
    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
    [[nodiscard]] const std::string& room() const noexcept { return room_; }

    [[nodiscard]] MatchHealth health();
    /// Waits until health() satisfies `done`.
    bool wait_for(const std::function<bool(const MatchHealth&)>& done, std::chrono::milliseconds timeout);

    /// Waits for a captured log line containing every one of `parts`; returns it (empty: none came).
    std::string wait_for_log(const std::vector<std::string>& parts, std::chrono::milliseconds timeout);
    [[nodiscard]] std::vector<std::string> log_lines();

    /// Runs `fn` on the game thread between ticks; returns when it has run.
    void on_game_thread(const std::function<void(server::MatchServer&)>& fn);

private:
    void run(server::ServerConfig config, int bots);

    std::string room_;
    std::uint16_t port_ = 0;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool started_ = false, stop_ = false;
    MatchHealth health_;
    std::vector<std::string> log_;
    std::vector<std::function<void(server::MatchServer&)>> calls_;
    std::thread thread_;
};

}  // namespace tickwire::game::test
