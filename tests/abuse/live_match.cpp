#include "live_match.hpp"

#include <cmath>

#include "tickwire/game/client_core.hpp"
#include "tickwire/net/network_thread.hpp"

namespace tickwire::game::test {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

LiveMatch::LiveMatch(server::ServerConfig config, int bots, std::string room) : room_(std::move(room)) {
    config.address = "127.0.0.1";
    config.port = 0;
    config.log_sink = [this](server::LogLevel level, std::string_view line) {
        std::lock_guard lock(mutex_);
        log_.push_back(std::string("[") + server::to_string(level) + "] " + std::string(line));
        changed_.notify_all();
    };
    thread_ = std::thread([this, config = std::move(config), bots]() mutable { run(std::move(config), bots); });
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return started_; });
}

LiveMatch::~LiveMatch() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    thread_.join();
}

void LiveMatch::run(server::ServerConfig config, int bot_count) {
    std::error_code ec;
    std::unique_ptr<server::MatchServer> server = server::MatchServer::start(config, ec);
    {
        std::lock_guard lock(mutex_);
        port_ = server ? server->port() : 0;
        started_ = true;
        changed_.notify_all();
    }
    if (!server) return;

    const auto network = net::NetworkThread::create();
    std::vector<std::unique_ptr<ClientCore>> bots;
    for (int i = 0; i < bot_count; ++i) {
        ClientConfig c;
        c.url = "ws://127.0.0.1:" + std::to_string(port_) + "/room/" + room_;
        c.name = "bot-" + std::to_string(i + 1);
        c.network_thread = network;
        bots.push_back(std::make_unique<ClientCore>(c));
    }
    std::vector<BotHealth> health(bots.size());
    std::vector<bool> joined_once(bots.size(), false);
    const auto tick = std::chrono::microseconds(1000000 / config.tick_rate);
    auto next = Clock::now();
    for (std::uint64_t t = 0;; ++t) {
        std::vector<std::function<void(server::MatchServer&)>> calls;
        {
            std::lock_guard lock(mutex_);
            if (stop_) break;
            calls.swap(calls_);
        }
        server->network_in();
        for (auto& b : bots) b->network_in();
        server->step();
        for (std::size_t i = 0; i < bots.size(); ++i) {
            // Circle, aim around, fire: enough to make snapshots change.
            const float phase = static_cast<float>(t) * 0.02f + static_cast<float>(i);
            bots[i]->set_intent({std::cos(phase), std::sin(phase), phase * 2.0f, t % 20 < 10});
            bots[i]->step();
        }
        server->network_out();
        for (auto& b : bots) b->network_out();
        for (auto& call : calls) call(*server);

        for (std::size_t i = 0; i < bots.size(); ++i) {
            const ClientView& v = bots[i]->view(0);
            BotHealth& h = health[i];
            h.status = v.status;
            h.snapshot_tick = v.net.snapshot_tick;
            h.rtt_ms = v.net.rtt_ms;
            if (v.status == ConnectionStatus::joined) joined_once[i] = true;
            if (joined_once[i] && v.status != ConnectionStatus::joined) h.left_after_joining = true;
        }
        {
            std::lock_guard lock(mutex_);
            health_.server_ticks = t + 1;
            health_.bots = health;
            health_.stats = server->stats();
            changed_.notify_all();
        }
        next += tick;
        if (next < Clock::now()) next = Clock::now();  // a slow (sanitised) build: don't spiral
        std::this_thread::sleep_until(next);
    }
    for (auto& b : bots) b->close();
    server->shutdown();
    for (int i = 0; i < 10; ++i) {
        server->network_in();
        for (auto& b : bots) b->network_in();
        std::this_thread::sleep_for(5ms);
    }
}

MatchHealth LiveMatch::health() {
    std::lock_guard lock(mutex_);
    return health_;
}

bool LiveMatch::wait_for(const std::function<bool(const MatchHealth&)>& done, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done(health_); });
}

std::string LiveMatch::wait_for_log(const std::vector<std::string>& parts, std::chrono::milliseconds timeout) {
    std::string found;
    auto match = [&] {
        for (const std::string& line : log_) {
            bool all = true;
            for (const std::string& p : parts) all = all && line.find(p) != std::string::npos;
            if (all) {
                found = line;
                return true;
            }
        }
        return false;
    };
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, match);
    return found;
}

std::vector<std::string> LiveMatch::log_lines() {
    std::lock_guard lock(mutex_);
    return log_;
}

void LiveMatch::on_game_thread(const std::function<void(server::MatchServer&)>& fn) {
    bool done = false;
    std::unique_lock lock(mutex_);
    calls_.push_back([&](server::MatchServer& s) {
        fn(s);
        std::lock_guard inner(mutex_);
        done = true;
    });
    changed_.wait(lock, [&] { return done; });
}

}  // namespace tickwire::game::test
