#pragma once
// Roster: who is in the room (player id to name) and the scoreboard, from the
// server's presence messages and match events. Tells the chat log who joined,
// left and destroyed whom, and remembers when the local player respawns.
//
// Thread: the game thread.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chat_log.hpp"
#include "tickwire/game/client_view.hpp"
#include "tickwire/schemas/game.hpp"

namespace tickwire::game {

class Roster {
public:
    /// A fresh session: nobody (the server sends the roster again on join).
    void reset() noexcept;
    /// The local player, once the server seated it.
    void set_local(std::uint32_t player_id, std::string name);

    /// A player who was in the room before us (no notice).
    void present(std::uint32_t player_id, std::string_view name);
    /// A player joined ("X joined").
    void joined(std::uint32_t player_id, std::string_view name, ChatLog& chat);
    /// A player left ("X left"); its score goes.
    void left(std::uint32_t player_id, ChatLog& chat);
    /// Kills ("X destroyed Y") and new scores.
    void on_events(const MatchEvents& events, ChatLog& chat);

    /// The name to show for a player ("player N" if unknown).
    [[nodiscard]] std::string name_of(std::uint32_t player_id) const;
    /// The scoreboard, best first (players whose name is known).
    void scoreboard(std::vector<ScoreRow>& out) const;
    [[nodiscard]] std::uint32_t local_player() const noexcept { return local_; }
    /// Server tick at which the local player, destroyed, respawns.
    [[nodiscard]] std::int64_t local_respawn_tick() const noexcept { return local_respawn_tick_; }

private:
    struct Score {
        int score = 0, kills = 0, deaths = 0;
    };
    std::uint32_t local_ = 0;
    std::unordered_map<std::uint32_t, std::string> names_;
    std::map<std::uint32_t, Score> scores_;  // by player id: a stable order among equal scores
    std::int64_t local_respawn_tick_ = 0;
};

}  // namespace tickwire::game
