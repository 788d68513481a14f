#include "roster.hpp"

#include <algorithm>

#include "tickwire/game/sim/world.hpp"

namespace tickwire::game {

void Roster::reset() noexcept {
    local_ = 0;
    names_.clear();
    scores_.clear();
}

void Roster::set_local(std::uint32_t player_id, std::string name) {
    local_ = player_id;
    names_[player_id] = std::move(name);
    scores_[player_id];
}

void Roster::present(std::uint32_t player_id, std::string_view name) {
    if (player_id == 0) return;
    names_[player_id] = name;
    scores_[player_id];
}

void Roster::joined(std::uint32_t player_id, std::string_view name, ChatLog& chat) {
    if (player_id == 0) return;
    present(player_id, name);
    chat.notice(std::string(name) + " joined");
}

void Roster::left(std::uint32_t player_id, ChatLog& chat) {
    const auto it = names_.find(player_id);
    if (it == names_.end()) return;  // never heard of: nothing to say
    chat.notice(it->second + " left");
    names_.erase(it);
    scores_.erase(player_id);
}

void Roster::on_events(const MatchEvents& e, ChatLog& chat) {
    if (e.kills() != nullptr) {
        for (const KillEvent* k : *e.kills()) {
            scores_[k->victim()].deaths++;
            if (k->killer() != k->victim()) scores_[k->killer()].kills++;
            if (k->victim() == local_ && local_ != 0) {
                local_respawn_tick_ = static_cast<std::int64_t>(k->tick()) + sim::kRespawnDelay;
            }
            const auto killer = names_.find(k->killer());
            const auto victim = names_.find(k->victim());
            if (killer != names_.end() && victim != names_.end()) chat.notice(killer->second + " destroyed " + victim->second);
        }
    }
    if (e.scores() != nullptr) {
        for (const ScoreEvent* s : *e.scores()) scores_[s->player()].score = s->score();
    }
}

std::string Roster::name_of(std::uint32_t player_id) const {
    const auto it = names_.find(player_id);
    return it != names_.end() ? it->second : "player " + std::to_string(player_id);
}

void Roster::scoreboard(std::vector<ScoreRow>& out) const {
    out.clear();
    for (const auto& [pid, sc] : scores_) {
        const auto name = names_.find(pid);
        if (name == names_.end()) continue;
        out.push_back({pid, name->second, sim::player_colour(pid), sc.score, sc.kills, sc.deaths, pid == local_});
    }
    std::stable_sort(out.begin(), out.end(), [](const ScoreRow& x, const ScoreRow& y) { return x.score > y.score; });
}

}  // namespace tickwire::game
