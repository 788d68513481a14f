#include "tickwire/game/fleet_client.hpp"

#include <algorithm>

namespace tickwire::game {

namespace {

// Up to 80 bots ask at once from one desk.
constexpr std::size_t kDeskInFlight = 128;
constexpr std::chrono::milliseconds kFirstBackoff{250};
constexpr std::chrono::milliseconds kMaxBackoff{4000};

fleet::MatchmakingClient::Config desk_config() {
    fleet::MatchmakingClient::Config config;
    config.max_in_flight = kDeskInFlight;
    return config;
}

}  // namespace

MatchmakingDesk::MatchmakingDesk() : client_(desk_config()) {}

std::uint64_t MatchmakingDesk::ask(std::string_view matchmaking_url) { return client_.ask(matchmaking_url); }

std::optional<fleet::MatchReply> MatchmakingDesk::take(std::uint64_t request) {
    fleet::MatchReply reply;
    while (client_.poll(reply)) replies_.insert_or_assign(reply.request, std::move(reply));
    const auto it = replies_.find(request);
    if (it == replies_.end()) return std::nullopt;
    std::optional<fleet::MatchReply> out(std::move(it->second));
    replies_.erase(it);
    return out;
}

FleetClient::FleetClient(ClientConfig config, std::shared_ptr<MatchmakingDesk> desk)
    : config_(std::move(config)), backoff_(kFirstBackoff) {
    if (!fleet::is_matchmaking_url(config_.url)) {
        core_ = std::make_unique<ClientCore>(config_);
        return;
    }
    desk_ = desk != nullptr ? std::move(desk) : std::make_shared<MatchmakingDesk>();
    waiting_view_.status = ConnectionStatus::connecting;
    waiting_view_.status_text = "asking " + config_.url + " where to play…";
    ask();
}

FleetClient::Clock::time_point FleetClient::now() const { return config_.clock ? config_.clock() : Clock::now(); }

void FleetClient::ask() {
    request_ = desk_->ask(config_.url);
    if (request_ == 0) next_ask_ = now() + kFirstBackoff;  // the desk is full: later
}

void FleetClient::network_in() {
    if (core_) {
        core_->network_in();
        if (matchmaking() && !closed_by_player_) watch_core();
        return;
    }
    if (!matchmaking() || closed_by_player_) return;
    if (request_ == 0) {
        if (now() >= next_ask_) ask();
        return;
    }
    std::optional<fleet::MatchReply> reply = desk_->take(request_);
    if (!reply) return;
    request_ = 0;
    if (!reply->ok) {
        waiting_view_.status_text = reply->error + " (asking again)";
        return ask_later();
    }
    ClientConfig config = config_;
    config.url = std::move(reply->ws_url);
    core_ = std::make_unique<ClientCore>(std::move(config));
}

// The session cannot resume: refused or closed for good, or reconnecting for
// longer than a live server takes to answer.
void FleetClient::watch_core() {
    switch (core_->status()) {
    case ConnectionStatus::closed: return lose_server(core_->view(0).status_text);
    case ConnectionStatus::reconnecting:
        if (reconnecting_since_ == Clock::time_point{}) reconnecting_since_ = now();
        if (now() - reconnecting_since_ >= kGiveUpReconnecting) lose_server("server lost");
        return;
    case ConnectionStatus::joined:
        backoff_ = kFirstBackoff;
        reconnecting_since_ = {};
        return;
    case ConnectionStatus::connecting: reconnecting_since_ = {}; return;
    }
}

void FleetClient::lose_server(std::string why) {
    snapshots_before_ += core_->snapshots_received();
    core_.reset();  // closes the channel (1001) if it is still trying
    reconnecting_since_ = {};
    ++rematches_;
    waiting_view_ = ClientView{};
    waiting_view_.status = ConnectionStatus::connecting;
    waiting_view_.status_text = std::move(why) + ": asking matchmaking again…";
    request_ = 0;
    ask_later();
}

// Backed off: a matchmaker or server that keeps refusing is not asked in a loop.
void FleetClient::ask_later() {
    next_ask_ = now() + backoff_;
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
}

void FleetClient::set_intent(const PlayerIntent& intent) {
    if (core_) core_->set_intent(intent);
}

void FleetClient::step() {
    if (core_) core_->step();
}

void FleetClient::network_out() {
    if (core_) core_->network_out();
}

void FleetClient::send_chat(std::string_view text) {
    if (core_) core_->send_chat(text);
}

void FleetClient::close() {
    closed_by_player_ = true;
    if (core_) core_->close();
}

const ClientView& FleetClient::view(float alpha) { return core_ ? core_->view(alpha) : waiting_view_; }

ConnectionStatus FleetClient::status() const noexcept {
    if (core_) return core_->status();
    return closed_by_player_ ? ConnectionStatus::closed : ConnectionStatus::connecting;
}

bool FleetClient::finished() const noexcept {
    if (!core_) return closed_by_player_;
    return core_->finished() && (!matchmaking() || closed_by_player_);
}

std::uint64_t FleetClient::snapshots_received() const noexcept {
    return snapshots_before_ + (core_ ? core_->snapshots_received() : 0);
}

}  // namespace tickwire::game
