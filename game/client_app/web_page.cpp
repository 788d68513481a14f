#include "web_page.hpp"

#include <cstdlib>

#include <emscripten/emscripten.h>

namespace tickwire::game::client_app {
namespace {

// Strings cross as malloc'ed UTF-8 the C++ frees.
EM_JS(char*, tw_page_param, (const char* name), {
    var value = new URLSearchParams(location.search).get(UTF8ToString(name)) || "";
    var bytes = lengthBytesUTF8(value) + 1;
    var out = _malloc(bytes);
    stringToUTF8(value, out, bytes);
    return out;
});

EM_JS(char*, tw_page_websocket_base, (const char* host), {
    var base = (location.protocol === 'https:' ? 'wss://' : 'ws://') + (UTF8ToString(host) || location.host);
    var bytes = lengthBytesUTF8(base) + 1;
    var out = _malloc(bytes);
    stringToUTF8(base, out, bytes);
    return out;
});

EM_JS(void, tw_publish_begin, (int status, const char* status_text, const char* room, const char* name,
                               double rtt_ms, double clock_rtt_ms, double frame_ms, double frames, int alive), {
    var g = window.tickwireGame || (window.tickwireGame = {everJoined: false, frames: 0});
    g.frames = frames;
    g.alive = !!alive;
    g.status = ['connecting', 'joined', 'reconnecting', 'closed'][status] || 'connecting';
    g.statusText = UTF8ToString(status_text);
    g.room = UTF8ToString(room);
    g.name = UTF8ToString(name);
    g.rttMs = rtt_ms;
    g.clockRttMs = clock_rtt_ms;
    g.frameMs = frame_ms;
    if (g.status === 'joined' && !g.everJoined) {
        g.everJoined = true;
        g.joinedAtMs = performance.now();
    }
    g.scores = [];
    g.chat = [];
});

EM_JS(void, tw_publish_score, (const char* name, int score, int kills, int deaths, int local), {
    var row = {name: UTF8ToString(name), score: score, kills: kills, deaths: deaths, local: !!local};
    window.tickwireGame.scores.push(row);
    if (local) window.tickwireGame.own = row;
});

EM_JS(void, tw_publish_chat, (const char* from, const char* text), {
    window.tickwireGame.chat.push({from: UTF8ToString(from), text: UTF8ToString(text)});
});

EM_JS(void, tw_publish_end, (), {
    if (window.tickwirePageUpdate) window.tickwirePageUpdate(window.tickwireGame);
});

EM_JS(void, tw_publish_error, (const char* text), {
    var g = window.tickwireGame || (window.tickwireGame = {everJoined: false, frames: 0});
    g.status = 'error';
    g.statusText = UTF8ToString(text);
    if (window.tickwirePageUpdate) window.tickwirePageUpdate(g);
});

std::string take(char* utf8) {
    std::string out(utf8);
    std::free(utf8);
    return out;
}

bool own_ship_alive(const ClientView& view) {
    for (const ShipView& ship : view.ships) {
        if (ship.local) return ship.alive;
    }
    return false;
}

// The chat lines a page publishes (the box shows about as many).
constexpr std::size_t kChatLines = 12;

}  // namespace

std::string page_param(const char* name) { return take(tw_page_param(name)); }

std::string page_websocket_url(const std::string& room, const std::string& host) {
    return take(tw_page_websocket_base(host.c_str())) + "/room/" + room;
}

void publish_view(const ClientView& view, const std::string& player_name, double frame_ms, std::uint64_t frames) {
    tw_publish_begin(static_cast<int>(view.status), view.status_text.c_str(), view.room.c_str(), player_name.c_str(),
                     static_cast<double>(view.net.rtt_ms),
                     static_cast<double>(view.net.clock_rtt_ms), frame_ms, static_cast<double>(frames),
                     own_ship_alive(view) ? 1 : 0);
    for (const ScoreRow& row : view.scoreboard) {
        tw_publish_score(row.name.c_str(), row.score, row.kills, row.deaths, row.local ? 1 : 0);
    }
    const std::size_t first = view.chat.size() > kChatLines ? view.chat.size() - kChatLines : 0;
    for (std::size_t i = first; i < view.chat.size(); ++i) {
        tw_publish_chat(view.chat[i].from.c_str(), view.chat[i].text.c_str());
    }
    tw_publish_end();
}

void publish_error(const std::string& text) { tw_publish_error(text.c_str()); }

}  // namespace tickwire::game::client_app
