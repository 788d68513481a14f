#pragma once
// HudRenderer: everything drawn over the world in window pixels: the match
// panel (room, players, RTT), the own ship's health and score, the respawn
// countdown, a mini leaderboard, the chat box (system notices in their own
// colour) with its input line, the minimap when the camera follows, the
// Tab scoreboard, the F3 net graph and the overlay for states other than
// joined ("connecting…", "reconnecting in 2 s…", "server closed: reason").
//
// Thread: the game thread.

#include <string>
#include <string_view>

#include "camera.hpp"
#include "draw_util.hpp"
#include "net_graph.hpp"
#include "tickwire/game/client_view.hpp"

namespace tickwire::game::client_app {

/// UI state the app owns and the HUD shows.
struct HudState {
    bool scoreboard = false;  ///< Tab held
    bool net_graph = false;   ///< F3
    bool typing = false;      ///< the chat line is open
    std::string_view typed;   ///< its text
    bool leaving = false;     ///< the window was closed; waiting for the channel
    std::string_view quit_hint;  ///< under a final "closed" (AppOptions::quit_hint)
    float time_s = 0;
};

class HudRenderer {
public:
    void draw(Renderer& r, const ClientView& view, const Camera& camera, const HudState& state);

private:
    void draw_match_panel(Renderer& r, const ClientView& view);
    void draw_player_panel(Renderer& r, const ShipView* own, const ScoreRow* own_row);
    void draw_leaderboard(Renderer& r, const ClientView& view);
    void draw_chat(Renderer& r, const ClientView& view, const HudState& state);
    void draw_minimap(Renderer& r, const ClientView& view, const Camera& camera);
    void draw_scoreboard(Renderer& r, const ClientView& view);
    void draw_status_overlay(Renderer& r, const ClientView& view, const HudState& state);

    NetGraph net_graph_;
    std::string scratch_;  // reused for formatted lines
    // This frame's layout (window pixels), set first by draw().
    float chat_w_ = 0;
    float panel_x_ = 0, panel_y_ = 0;  // the player panel's top-left
};

}  // namespace tickwire::game::client_app
