#include "hud_renderer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "palette.hpp"

namespace tickwire::game::client_app {
namespace {

constexpr float kEdge = 16;        // distance of the panels from the window edge
constexpr int kChatLines = 8;      // chat lines shown
constexpr float kChatMaxWidth = 470;
constexpr float kChatMinWidth = 300;
constexpr float kPlayerPanelW = 380, kPlayerPanelH = 54;
constexpr int kChatSize = 14;

std::size_t utf8_prefix(std::string_view s, std::size_t n) {
    // Back up to the start of a code point.
    while (n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return n;
}

// Greedy word wrap into lines no wider than `width`; `first_indent` is the
// room the first line's prefix (the sender's name) already takes.
std::vector<std::string_view> wrap(Renderer& r, std::string_view text, float width, float first_indent,
                                   int size) {
    std::vector<std::string_view> lines;
    float avail = width - first_indent;
    while (!text.empty()) {
        if (static_cast<float>(r.measure_text(text, size).width) <= avail) {
            lines.push_back(text);
            break;
        }
        // Longest prefix that fits, broken at a space when there is one.
        std::size_t lo = 1, hi = text.size();
        while (lo < hi) {
            const std::size_t mid = (lo + hi + 1) / 2;
            if (static_cast<float>(r.measure_text(text.substr(0, mid), size).width) <= avail) lo = mid;
            else hi = mid - 1;
        }
        std::size_t cut = utf8_prefix(text, lo);
        const std::size_t space = text.substr(0, cut).rfind(' ');
        if (space != std::string_view::npos && space > cut / 3) cut = space + 1;
        if (cut == 0) cut = std::min<std::size_t>(1, text.size());
        lines.push_back(text.substr(0, cut));
        text.remove_prefix(cut);
        avail = width;
    }
    if (lines.empty()) lines.push_back({});
    return lines;
}

}  // namespace

void HudRenderer::draw(Renderer& r, const ClientView& view, const Camera& camera, const HudState& state) {
    const ShipView* own = nullptr;
    for (const ShipView& s : view.ships) {
        if (s.local) own = &s;
    }
    const ScoreRow* own_row = nullptr;
    for (const ScoreRow& row : view.scoreboard) {
        if (row.local) own_row = &row;
    }
    net_graph_.sample(view.net, state.time_s);

    // Layout: the chat box takes up to 37% of the width at the bottom left;
    // the player panel is centred unless that would cover it.
    const float sw = static_cast<float>(r.width()), sh = static_cast<float>(r.height());
    chat_w_ = std::clamp(std::round(sw * 0.37f), kChatMinWidth, kChatMaxWidth);
    panel_x_ = std::max(std::round((sw - kPlayerPanelW) / 2), kEdge + chat_w_ + kEdge);
    panel_y_ = sh - kPlayerPanelH - kEdge;

    const bool joined = view.status == ConnectionStatus::joined;
    if (joined) {
        draw_match_panel(r, view);
        if (state.net_graph) net_graph_.draw(r, kEdge, 96, view.net);
        draw_leaderboard(r, view);
        if (camera.following()) draw_minimap(r, view, camera);
        draw_player_panel(r, own, own_row);
        if (view.respawn_in_s > 0) {
            const float cy = static_cast<float>(r.height()) * 0.36f;
            centered_text(r, static_cast<float>(r.width()) / 2, cy, "DESTROYED", theme::kWarning, 34);
            char line[64];
            std::snprintf(line, sizeof line, "respawning in %.1f s", static_cast<double>(view.respawn_in_s));
            centered_text(r, static_cast<float>(r.width()) / 2, cy + 46, line, theme::kText, 18);
        }
    }
    draw_chat(r, view, state);
    if (joined && state.scoreboard) draw_scoreboard(r, view);
    if (!joined || state.leaving) draw_status_overlay(r, view, state);
}

void HudRenderer::draw_match_panel(Renderer& r, const ClientView& view) {
    const float x = kEdge, y = kEdge;
    panel(r, x, y, 300, 66, theme::kPanel, theme::kPanelEdge);
    r.fill_rect(x, y, 4, 66, theme::kAccent);
    const engine::TextSize t = shadow_text(r, x + 14, y + 8, "tickwire", theme::kAccent, 20);
    scratch_ = "room ";
    scratch_ += view.room.empty() ? "?" : view.room;
    shadow_text(r, x + 26 + static_cast<float>(t.width), y + 12, scratch_, theme::kText, 15);

    char line[96];
    int alive = 0;
    for (const ShipView& s : view.ships) alive += s.alive ? 1 : 0;
    std::snprintf(line, sizeof line, "%zu players   %d alive", view.scoreboard.size(), alive);
    r.draw_text(x + 14, y + 38, line, theme::kTextDim, 13);

    // Ping (the transport's round trip) with a signal colour, on the right of the panel.
    const float rtt = view.net.rtt_ms;
    const Color ping = rtt < 60 ? Color{120, 230, 140} : rtt < 150 ? theme::kSystem : theme::kWarning;
    std::snprintf(line, sizeof line, rtt < 10 ? "%.1f ms" : "%.0f ms", static_cast<double>(rtt));
    const engine::TextSize pw = r.measure_text(line, 13);
    const float px = x + 300 - 12 - static_cast<float>(pw.width);
    r.draw_text(px, y + 38, line, ping, 13);
    for (int i = 0; i < 4; ++i) {  // signal bars
        const bool lit = rtt < 250.0f - static_cast<float>(i) * 60.0f;
        const float bh = 4.0f + 3.0f * static_cast<float>(i);
        r.fill_rect(px - 30 + static_cast<float>(i) * 5, y + 51 - bh, 3, bh, lit ? ping : Color{70, 76, 96});
    }
}

void HudRenderer::draw_player_panel(Renderer& r, const ShipView* own, const ScoreRow* own_row) {
    const float w = kPlayerPanelW, h = kPlayerPanelH;
    const float x = panel_x_, y = panel_y_;
    panel(r, x, y, w, h, theme::kPanel, theme::kPanelEdge);
    const Color c = own != nullptr ? player_color(own->colour) : theme::kTextDim;
    r.fill_circle(x + 24, y + h / 2, 11, c);
    r.draw_circle(x + 24, y + h / 2, 11, shade(c, 0.5f));

    const int health = own != nullptr && own->alive ? own->health : 0;
    const float bx = x + 46, by = y + 12, bw = 200, bh = 14;
    bar(r, bx, by, bw, bh, static_cast<float>(health) / 100.0f, health_color(health), {50, 22, 28, 255});
    r.draw_rect(bx, by, bw, bh, {0, 0, 0, 160});
    char line[64];
    std::snprintf(line, sizeof line, "%d", health);
    shadow_text(r, bx + 6, by - 1, line, theme::kText, 13);
    r.draw_text(bx, by + bh + 4, own != nullptr ? std::string_view(own->name) : std::string_view("spectating"),
                theme::kTextDim, 12);

    const int score = own_row != nullptr ? own_row->score : 0;
    std::snprintf(line, sizeof line, "%d", score);
    const engine::TextSize sw = r.measure_text(line, 26);
    const float sx = x + w - 16 - static_cast<float>(sw.width);
    shadow_text(r, sx, y + 6, line, theme::kText, 26);
    r.draw_text(sx - 48, y + 10, "SCORE", theme::kTextDim, 12);
    if (own_row != nullptr) {
        std::snprintf(line, sizeof line, "K %d  D %d", own_row->kills, own_row->deaths);
        r.draw_text(sx - 48, y + 28, line, theme::kTextDim, 12);
    }
}

void HudRenderer::draw_leaderboard(Renderer& r, const ClientView& view) {
    const std::size_t rows = std::min<std::size_t>(view.scoreboard.size(), 5);
    if (rows == 0) return;
    const float w = 220, row_h = 20;
    const float h = 30 + row_h * static_cast<float>(rows);
    const float x = static_cast<float>(r.width()) - w - kEdge, y = kEdge;
    panel(r, x, y, w, h, theme::kPanel, theme::kPanelEdge);
    r.draw_text(x + 12, y + 7, "LEADERS", theme::kTextDim, 12);
    r.draw_text(x + w - 74, y + 7, "Tab: all", theme::kTextDim, 11);
    char num[24];  // any size_t in decimal
    for (std::size_t i = 0; i < rows; ++i) {
        const ScoreRow& row = view.scoreboard[i];
        const float ry = y + 26 + row_h * static_cast<float>(i);
        if (row.local) r.fill_rect(x + 2, ry - 1, w - 4, row_h, {255, 255, 255, 22});
        std::snprintf(num, sizeof num, "%zu", i + 1);
        r.draw_text(x + 12, ry + 1, num, theme::kTextDim, 13);
        r.fill_circle(x + 34, ry + row_h / 2 - 1, 5, player_color(row.colour));
        r.draw_text(x + 46, ry + 1, row.name, row.local ? Color{255, 255, 255} : theme::kText, 13);
        std::snprintf(num, sizeof num, "%d", row.score);
        const engine::TextSize sw = r.measure_text(num, 13);
        r.draw_text(x + w - 12 - static_cast<float>(sw.width), ry + 1, num, theme::kText, 13);
    }
}

void HudRenderer::draw_chat(Renderer& r, const ClientView& view, const HudState& state) {
    const float line_h = 19;
    const float x = kEdge;
    const float input_h = 26;
    const float bottom = static_cast<float>(r.height()) - kEdge;
    const float text_w = chat_w_ - 20;

    // Wrap the newest lines until kChatLines screen lines are filled.
    struct Row {
        const ChatLine* line;
        std::string_view text;
        bool first;
    };
    std::vector<Row> rows;
    for (auto it = view.chat.rbegin(); it != view.chat.rend() && rows.size() < kChatLines; ++it) {
        float indent = 0;
        if (!it->from.empty()) {
            scratch_ = it->from + ": ";
            indent = static_cast<float>(r.measure_text(scratch_, kChatSize).width);
        }
        const auto parts = wrap(r, it->text, text_w, indent, kChatSize);
        for (std::size_t k = parts.size(); k-- > 0 && rows.size() < kChatLines;) {
            rows.push_back({&*it, parts[k], k == 0});
        }
    }
    std::reverse(rows.begin(), rows.end());

    const float lines_h = line_h * static_cast<float>(std::max<std::size_t>(rows.size(), 1));
    const float h = lines_h + 14 + input_h + 6;
    const float y = bottom - h;
    panel(r, x, y, chat_w_, h, state.typing ? Color{8, 10, 18, 220} : Color{8, 10, 18, 150},
          state.typing ? theme::kAccent : theme::kPanelEdge);
    float ly = y + 7;
    for (const Row& row : rows) {
        const ChatLine& line = *row.line;
        if (line.from.empty()) {
            shadow_text(r, x + 10, ly, row.text, theme::kSystem, kChatSize);
        } else if (row.first) {
            scratch_ = line.from + ": ";
            const engine::TextSize ns = shadow_text(r, x + 10, ly, scratch_, shade(player_color(line.colour), 0.2f),
                                                    kChatSize);
            shadow_text(r, x + 10 + static_cast<float>(ns.width), ly, row.text, theme::kText, kChatSize);
        } else {
            shadow_text(r, x + 10, ly, row.text, theme::kText, kChatSize);
        }
        ly += line_h;
    }

    // Input line.
    const float iy = bottom - input_h - 6;
    r.fill_rect(x + 6, iy, chat_w_ - 12, input_h, state.typing ? Color{24, 30, 48, 255} : Color{18, 22, 34, 200});
    if (state.typing) {
        scratch_ = "say: ";
        const engine::TextSize ps = r.draw_text(x + 12, iy + 5, scratch_, theme::kAccent, kChatSize);
        // Show the end of a line longer than the box.
        std::string_view typed = state.typed;
        const float avail = chat_w_ - 36 - static_cast<float>(ps.width);
        while (!typed.empty() && static_cast<float>(r.measure_text(typed, kChatSize).width) > avail) {
            std::size_t cut = 1;
            while (cut < typed.size() && (static_cast<unsigned char>(typed[cut]) & 0xC0) == 0x80) ++cut;
            typed.remove_prefix(cut);
        }
        const engine::TextSize ts = r.draw_text(x + 12 + static_cast<float>(ps.width), iy + 5, typed, theme::kText,
                                                kChatSize);
        if (std::fmod(state.time_s, 1.0f) < 0.55f) {
            r.fill_rect(x + 13 + static_cast<float>(ps.width + ts.width), iy + 5, 2, 16, theme::kText);
        }
    } else {
        const engine::TextSize es = r.draw_text(x + 12, iy + 5, "Enter to chat", theme::kTextDim, 13);
        const char* hint = "WASD move  mouse aim  click fire  Tab scores  F3 net";
        const engine::TextSize hs = r.measure_text(hint, 11);
        if (static_cast<float>(es.width + hs.width) + 40 <= chat_w_) {
            r.draw_text(x + chat_w_ - 12 - static_cast<float>(hs.width), iy + 7, hint, {100, 110, 140}, 11);
        }
    }
}

void HudRenderer::draw_minimap(Renderer& r, const ClientView& view, const Camera& camera) {
    if (view.arena_w <= 0 || view.arena_h <= 0) return;
    const float max_w = 200, max_h = 140;
    const float k = std::min(max_w / view.arena_w, max_h / view.arena_h);
    const float w = view.arena_w * k, h = view.arena_h * k;
    const float x = static_cast<float>(r.width()) - w - kEdge;
    float y = static_cast<float>(r.height()) - h - kEdge;
    // In a narrow window, above the player panel rather than over it.
    if (x - 4 < panel_x_ + kPlayerPanelW + 8) y = panel_y_ - 12 - h;
    panel(r, x - 4, y - 4, w + 8, h + 8, theme::kPanel, theme::kPanelEdge);
    r.fill_rect(x, y, w, h, with_alpha(theme::kFloor, 230));
    for (const ObstacleView& o : view.obstacles) {
        r.fill_rect(x + o.x * k, y + o.y * k, std::max(o.w * k, 1.0f), std::max(o.h * k, 1.0f), theme::kObstacleEdge);
    }
    for (const ShipView& s : view.ships) {
        if (!s.alive) continue;
        const Color c = player_color(s.colour);
        if (s.local) r.fill_circle(x + s.x * k, y + s.y * k, 4.5f, {255, 255, 255});
        r.fill_circle(x + s.x * k, y + s.y * k, 3, c);
    }
    // What the window shows.
    const float vx = std::clamp(camera.view_x() * k, 0.0f, w), vy = std::clamp(camera.view_y() * k, 0.0f, h);
    const float vx1 = std::clamp((camera.view_x() + camera.view_w()) * k, 0.0f, w);
    const float vy1 = std::clamp((camera.view_y() + camera.view_h()) * k, 0.0f, h);
    r.draw_rect(x + vx, y + vy, vx1 - vx, vy1 - vy, {255, 255, 255, 110});
}

void HudRenderer::draw_scoreboard(Renderer& r, const ClientView& view) {
    const float row_h = 26;
    const std::size_t rows = std::min<std::size_t>(view.scoreboard.size(), 32);
    const float w = 560;
    const float h = 92 + row_h * static_cast<float>(rows);
    const float x = std::round((static_cast<float>(r.width()) - w) / 2);
    const float y = std::max(20.0f, std::round((static_cast<float>(r.height()) - h) / 2.4f));
    r.fill_rect(0, 0, static_cast<float>(r.width()), static_cast<float>(r.height()), {0, 0, 0, 90});
    panel(r, x, y, w, h, {10, 13, 24, 235}, theme::kAccent);
    scratch_ = "Room " + view.room;
    shadow_text(r, x + 20, y + 14, "SCOREBOARD", theme::kAccent, 20);
    const engine::TextSize rs = r.measure_text(scratch_, 15);
    r.draw_text(x + w - 20 - static_cast<float>(rs.width), y + 18, scratch_, theme::kTextDim, 15);

    const float cols[] = {x + 20, x + 60, x + 330, x + 410, x + 480};
    const float hy = y + 54;
    r.draw_text(cols[0], hy, "#", theme::kTextDim, 13);
    r.draw_text(cols[1], hy, "PLAYER", theme::kTextDim, 13);
    r.draw_text(cols[2], hy, "SCORE", theme::kTextDim, 13);
    r.draw_text(cols[3], hy, "KILLS", theme::kTextDim, 13);
    r.draw_text(cols[4], hy, "DEATHS", theme::kTextDim, 13);
    r.draw_line(x + 14, hy + 22, x + w - 14, hy + 22, theme::kPanelEdge);

    char num[24];  // any size_t in decimal
    for (std::size_t i = 0; i < rows; ++i) {
        const ScoreRow& row = view.scoreboard[i];
        const float ry = y + 82 + row_h * static_cast<float>(i);
        if (row.local) r.fill_rect(x + 8, ry - 3, w - 16, row_h, {110, 170, 255, 40});
        else if (i % 2 == 1) r.fill_rect(x + 8, ry - 3, w - 16, row_h, {255, 255, 255, 8});
        const Color text = row.local ? Color{255, 255, 255} : theme::kText;
        std::snprintf(num, sizeof num, "%zu", i + 1);
        r.draw_text(cols[0], ry, num, theme::kTextDim, 15);
        r.fill_circle(cols[1] + 7, ry + 9, 7, player_color(row.colour));
        r.draw_text(cols[1] + 24, ry, row.name, text, 15);
        if (row.local) {
            const engine::TextSize ns = r.measure_text(row.name, 15);
            r.draw_text(cols[1] + 32 + static_cast<float>(ns.width), ry + 2, "(you)", theme::kAccent, 12);
        }
        std::snprintf(num, sizeof num, "%d", row.score);
        r.draw_text(cols[2], ry, num, text, 15);
        std::snprintf(num, sizeof num, "%d", row.kills);
        r.draw_text(cols[3], ry, num, text, 15);
        std::snprintf(num, sizeof num, "%d", row.deaths);
        r.draw_text(cols[4], ry, num, text, 15);
    }
}

void HudRenderer::draw_status_overlay(Renderer& r, const ClientView& view, const HudState& state) {
    const float sw = static_cast<float>(r.width()), sh = static_cast<float>(r.height());
    r.fill_rect(0, 0, sw, sh, {4, 6, 12, 150});

    std::string_view title;
    std::string_view fallback;
    bool busy = true;
    Color accent = theme::kAccent;
    if (state.leaving) {
        title = "Leaving";
        fallback = "closing the connection…";
    } else {
        switch (view.status) {
        case ConnectionStatus::connecting: title = "Connecting"; fallback = "connecting…"; break;
        case ConnectionStatus::reconnecting:
            title = "Connection lost";
            fallback = "reconnecting…";
            accent = theme::kSystem;
            break;
        case ConnectionStatus::closed:
            title = "Disconnected";
            fallback = "server closed";
            busy = false;
            accent = theme::kWarning;
            break;
        case ConnectionStatus::joined: title = "Playing"; break;
        }
    }
    const std::string_view text = !state.leaving && !view.status_text.empty() ? std::string_view(view.status_text)
                                                                               : fallback;
    const float w = std::max(420.0f, static_cast<float>(r.measure_text(text, 17).width) + 60);
    const float h = 150;
    const float x = std::round((sw - w) / 2), y = std::round((sh - h) / 2);
    panel(r, x, y, w, h, {10, 13, 24, 240}, accent);
    r.fill_rect(x, y, w, 4, accent);
    centered_text(r, sw / 2, y + 22, title, accent, 26);
    centered_text(r, sw / 2, y + 64, text, theme::kText, 17);
    if (busy) {
        // Spinner: eight dots, one bright, rotating.
        const float cx = sw / 2, cy = y + 118;
        const int lead = static_cast<int>(state.time_s * 10.0f) % 8;
        for (int i = 0; i < 8; ++i) {
            const float a = static_cast<float>(i) * 0.785398f;
            const int age = (lead - i + 8) % 8;
            r.fill_circle(cx + std::cos(a) * 12, cy + std::sin(a) * 12, 3,
                          with_alpha(accent, static_cast<std::uint8_t>(255 - age * 28)));
        }
    } else {
        centered_text(r, sw / 2, y + 108, state.quit_hint, theme::kTextDim, 13);
    }
}

}  // namespace tickwire::game::client_app
