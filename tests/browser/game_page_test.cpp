// The demo game in a browser: tickwire-client's page (game/client_app,
// build-web/web/index.html) served by tickwire-server --web-root, in a room
// with three native bots (tickwire-bots) and a native client in this process
// (ClientCore) that watches the browser's ship in its snapshots and chats
// with it. scripts/game_driver.js plays the page with keyboard events.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numbers>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "browser_page.hpp"
#include "child_process.hpp"
#include "http_get.hpp"
#include "interop_support.hpp"
#include "tickwire/game/client_core.hpp"

namespace tickwire::test {
namespace {

constexpr std::string_view kRoom = "webtest";

// tickwire-server --web-root with the web build, on a free port, and three
// bots in kRoom.
struct Match {
    explicit Match(int bot_count = 3, std::string max_players = "32") {
        server.emplace(ChildProcess::start({TICKWIRE_GAME_SERVER_PATH, "--port", "0", "--web-root",
                                            TICKWIRE_WEB_PAGES_DIR, "--status-interval", "0", "--log-level", "warn",
                                            "--max-players", max_players},
                                           {.merge_stderr = true}));
        // "listening on ws://127.0.0.1:PORT (tick 60 Hz, ...)"
        const auto deadline = Clock::now() + 10s;
        while (port == 0 && Clock::now() < deadline) {
            const auto line = server->read_line(200ms);
            if (!line || !line->starts_with("listening on ")) continue;
            const auto colon = line->find(':', line->find("//"));
            if (colon != std::string::npos) port = static_cast<std::uint16_t>(std::atoi(line->c_str() + colon + 1));
        }
        if (port == 0) return;
        bots.emplace(ChildProcess::start(
            {TICKWIRE_BOTS_PATH, room_url(), "--count", std::to_string(bot_count), "--quiet", "--name", "bot"},
            {.merge_stderr = true}));
    }

    [[nodiscard]] std::string room_url() const {
        return "ws://127.0.0.1:" + std::to_string(port) + "/room/" + std::string(kRoom);
    }

    // kRoom's entry in /rooms, once it has `players` players (at most 10 s).
    std::optional<boost::json::object> room_with(std::size_t players) const {
        const auto deadline = Clock::now() + 10s;
        std::optional<boost::json::object> last;
        while (Clock::now() < deadline) {
            if (const auto body = load::http_get("http://127.0.0.1:" + std::to_string(port) + "/rooms")) {
                boost::system::error_code ec;
                const auto list = boost::json::parse(*body, ec);
                if (!ec && list.is_array()) {
                    for (const auto& room : list.as_array()) {
                        const auto* code = room.is_object() ? room.as_object().if_contains("code") : nullptr;
                        if (code == nullptr || !code->is_string() || code->as_string() != kRoom) continue;
                        last = room.as_object();
                        if (last->at("players").to_number<std::size_t>() == players) return last;
                    }
                }
            }
            std::this_thread::sleep_for(100ms);  // /rooms is republished once a second
        }
        return last;
    }

    std::optional<ChildProcess> server;
    std::optional<ChildProcess> bots;
    std::uint16_t port = 0;
};

// A native player in the room, driven from the page runner's ticks: what it
// sees of the browser's ship in its snapshots. Thread: the test thread.
class Observer {
public:
    explicit Observer(const std::string& url) : core_(config(url)) {}

    // Runs the ticks due since the last call (60 Hz), like a GameLoop would.
    void pump() {
        const auto now = Clock::now();
        core_.network_in();
        while (next_tick_ <= now) {
            core_.step();
            next_tick_ += std::chrono::microseconds(16667);
        }
        if (next_tick_ < now - 100ms) next_tick_ = now;  // the runner stalled: skip, don't catch up
        core_.network_out();
    }

    [[nodiscard]] const game::ClientView& view() { return core_.view(0); }
    void say(std::string_view text) { core_.send_chat(text); }

    const game::ShipView* ship(std::string_view name) {
        for (const auto& s : view().ships) {
            if (s.name == name && s.alive) return &s;
        }
        return nullptr;
    }

    std::uint32_t player_id(std::string_view name) {
        for (const auto& row : view().scoreboard) {
            if (row.name == name) return row.player_id;
        }
        return 0;
    }

    bool heard(std::string_view from, std::string_view text) {
        for (const auto& line : view().chat) {
            if (line.from == from && line.text == text) return true;
        }
        return false;
    }

private:
    static game::ClientConfig config(const std::string& url) {
        game::ClientConfig c;
        c.url = url;
        c.name = "observer";
        return c;
    }

    game::ClientCore core_;
    Clock::time_point next_tick_ = Clock::now();
};

std::string game_page(std::uint16_t port, std::string_view name, std::string_view extra) {
    return "http://127.0.0.1:" + std::to_string(port) + "/?room=" + std::string(kRoom) + "&name=" + std::string(name) +
           "&" + std::string(extra);
}

TEST(BrowserGame, APageJoinsTheBotsMovesFiresAndChatsWithANativeClient) {
    Match match;
    ASSERT_NE(match.port, 0) << "tickwire-server did not start";
    ASSERT_TRUE(match.room_with(3)) << "the three bots did not join";

    std::optional<boost::json::object> listed;
    std::optional<Observer> observer;
    // What the driver is doing (its "GAME ..." lines), and what the observer
    // saw of the page's ship meanwhile. Bots may destroy it at any time, so
    // only live sightings count, and a respawn's jump is not movement.
    enum class Phase { idle, moving, aiming_top_left, aiming_bottom_right } phase = Phase::idle;
    double path = 0;
    std::optional<std::pair<float, float>> last_seen;
    float aim_top_left = std::nanf(""), aim_bottom_right = std::nanf("");
    bool bottom_right_said = false;          // the driver's pointer is there for good
    std::size_t ticks_without_ship = 0;      // while aiming, for the failure message
    std::size_t own_shots = 0;
    bool answered = false;
    PageHooks hooks;
    hooks.driver_script = TICKWIRE_GAME_DRIVER;
    hooks.on_line = [&](const std::string& line) {
        if (line.find("GAME joined") != std::string::npos) {
            listed = match.room_with(4);
            observer.emplace(match.room_url());
        } else if (line.find("GAME moving") != std::string::npos) {
            phase = Phase::moving;
        } else if (line.find("GAME moved") != std::string::npos) {
            phase = Phase::idle;
        } else if (line.find("GAME aiming") != std::string::npos) {  // each attempt starts afresh
            phase = Phase::aiming_top_left;
            aim_top_left = aim_bottom_right = std::nanf("");
            bottom_right_said = false;
        } else if (line.find("GAME aimed top-left") != std::string::npos) {
            phase = Phase::aiming_bottom_right;
        } else if (line.find("GAME aimed bottom-right") != std::string::npos) {
            // The pointer stays there (chat comes next): an observer that had
            // no sighting of a live ship in those 1.5 s, on a busy machine,
            // takes its next one.
            bottom_right_said = true;
            if (!std::isnan(aim_bottom_right)) phase = Phase::idle;
        }
    };
    hooks.on_tick = [&] {
        if (!observer) return;
        observer->pump();
        const auto* ship = observer->ship("webby");
        if (ship == nullptr) {
            last_seen.reset();
            if (phase == Phase::aiming_top_left || phase == Phase::aiming_bottom_right) ++ticks_without_ship;
        } else if (phase == Phase::moving) {
            if (last_seen) {
                const double step = std::hypot(ship->x - last_seen->first, ship->y - last_seen->second);
                if (step < 40) path += step;  // more in 20 ms is a respawn
            }
            last_seen.emplace(ship->x, ship->y);
            for (const auto& shot : observer->view().projectiles) own_shots += shot.colour == ship->colour ? 1 : 0;
        } else if (phase == Phase::aiming_top_left) {
            aim_top_left = ship->angle;
        } else if (phase == Phase::aiming_bottom_right) {
            aim_bottom_right = ship->angle;
            if (bottom_right_said) phase = Phase::idle;
        }
        if (!answered && observer->heard("webby", "hello from the browser")) {
            observer->say("hello from native");
            answered = true;
        }
    };
    const PageRun run = run_page(game_page(match.port, "webby", "play=1"), "game_play", hooks, 90s);
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    std::printf("[game] joined in %s ms; moved %.0f units; %zu shot sightings; aim %.2f then %.2f rad; %s colours\n",
                run.field("joinMs").c_str(), path, own_shots, static_cast<double>(aim_top_left),
                static_cast<double>(aim_bottom_right), run.field("colours").c_str());

    // /rooms: the bots and the browser, by name.
    ASSERT_TRUE(listed) << "no /rooms entry for the room";
    EXPECT_EQ(listed->at("players").to_number<int>(), 4) << boost::json::serialize(*listed);
    const auto& names = listed->at("names").as_array();
    EXPECT_NE(std::find(names.begin(), names.end(), boost::json::value("webby")), names.end())
        << boost::json::serialize(*listed);
    EXPECT_EQ(run.field("room"), kRoom);

    // The keys held in the page moved its ship on the server, and it fired.
    EXPECT_GT(path, 60.0) << "the browser's ship, as the native observer saw it";
    EXPECT_GT(own_shots, 0u) << "no projectile of the browser ship's colour while Space was held";
    // The mouse aims: opposite corners turn the ship by about half a turn.
    const double turn = std::abs(std::remainder(double{aim_bottom_right} - aim_top_left, 2 * std::numbers::pi));
    EXPECT_GT(turn, 1.5) << "aim " << aim_top_left << " then " << aim_bottom_right << " rad; "
                         << ticks_without_ship << " ticks without a sighting while aiming";

    // Chat both ways.
    EXPECT_TRUE(answered) << "the native client never got the browser's line";
    EXPECT_EQ(run.field("heard"), "observer: hello from native");

    // Not blank: many colours on the canvas, and a screenshot with content.
    EXPECT_GE(run.number("colours"), 8) << run.transcript();
    const auto shot = std::filesystem::path(TICKWIRE_SCREENSHOT_DIR) / "game_play.png";
    ASSERT_TRUE(std::filesystem::exists(shot));
    EXPECT_GT(std::filesystem::file_size(shot), 20'000u) << "a blank 1000x700 PNG is a few kB";

    // The runner has closed the page: its player leaves the room now (three
    // bots and the observer stay), not when the 30 s a dropped session is
    // held for run out.
    const auto closed_at = Clock::now();
    const auto after = match.room_with(4);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->at("players").to_number<int>(), 4) << boost::json::serialize(*after);
    const auto& left = after->at("names").as_array();
    EXPECT_EQ(std::find(left.begin(), left.end(), boost::json::value("webby")), left.end())
        << boost::json::serialize(*after);
    EXPECT_LT(Clock::now() - closed_at, 5s) << "the closed page's player was held as if its network had dropped";
}

TEST(BrowserGame, APageWhoseConnectionIsCutShowsReconnectingAndResumesItsPlayer) {
    Match match;
    ASSERT_NE(match.port, 0) << "tickwire-server did not start";
    ChildProcess proxy = ChildProcess::start({TICKWIRE_PROXY_PATH, std::to_string(match.port)});
    std::uint16_t proxy_port = 0;
    ASSERT_TRUE(read_listening_port(proxy, proxy_port));

    // The page from the server, its WebSocket through the proxy (which turns
    // the server's end of each HTTP answer into a reset: no page through it).
    Observer observer(match.room_url());
    std::uint32_t id_before = 0, id_after = 0;
    bool cut = false;
    PageHooks hooks;
    hooks.driver_script = TICKWIRE_GAME_DRIVER;
    hooks.on_line = [&](const std::string& line) {
        if (line.find("GAME ready-for-cut") != std::string::npos) {
            id_before = observer.player_id("cutty");
            cut = proxy.write_stdin("cut\n") && proxy.read_line(5s).value_or("") == "ok cut";
        } else if (line.find("GAME resumed") != std::string::npos) {
            id_after = observer.player_id("cutty");
        }
    };
    hooks.on_tick = [&] { observer.pump(); };
    const PageRun run = run_page(
        game_page(match.port, "cutty", "cut=1&autopilot=1&server=127.0.0.1:" + std::to_string(proxy_port)), "game_cut",
        hooks, 90s);
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    ASSERT_TRUE(cut) << run.transcript();
    std::printf("[game] banner \"%s\"; player %u -> %u; score %s -> %s\n", run.field("banner").c_str(), id_before,
                id_after, run.field("scoreBefore").c_str(), run.field("scoreAfter").c_str());

    EXPECT_NE(run.field("banner").find("reconnecting"), std::string::npos) << run.field("banner");
    // The same player: its id on the native side, one row with its name, its score kept.
    EXPECT_NE(id_before, 0u);
    EXPECT_EQ(id_after, id_before);
    EXPECT_EQ(run.field("rowsWithName"), "1");
    EXPECT_GT(run.number("scoreBefore"), 0) << "the autopilot scored before the cut";
    EXPECT_GE(run.number("scoreAfter"), run.number("scoreBefore")) << "a new player would start from 0";
}

TEST(BrowserGame, APageRefusedByAFullRoomSaysSoInWords) {
    Match match(1, "1");
    ASSERT_NE(match.port, 0) << "tickwire-server did not start";
    ASSERT_TRUE(match.room_with(1)) << "the bot did not take the room's only seat";
    PageHooks hooks;
    hooks.driver_script = TICKWIRE_GAME_DRIVER;
    const PageRun run = run_page(game_page(match.port, "late", "closed=1"), "game_room_full", hooks, 60s);
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("headline"), "Room \"webtest\" is full. Pick another room.");
    EXPECT_NE(run.field("detail").find("room full (4003)"), std::string::npos) << run.field("detail");
    EXPECT_EQ(run.field("bannerShown"), "true");
}

}  // namespace
}  // namespace tickwire::test
