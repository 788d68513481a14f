#include "rooms.hpp"

#include <algorithm>

namespace tickwire::game::server {

Rooms::Rooms(Limits limits, std::uint32_t seed) : limits_(limits), rng_(seed) {
    limits_.capacity = std::clamp(limits_.capacity, 1, sim::kMaxPlayers);
}

Room* Rooms::find(std::string_view code) {
    const auto it = rooms_.find(code);
    return it == rooms_.end() ? nullptr : &it->second;
}

const Room* Rooms::find(std::string_view code) const {
    const auto it = rooms_.find(code);
    return it == rooms_.end() ? nullptr : &it->second;
}

Room* Rooms::choose(const std::string& code, Refusal& refusal, bool& created) {
    created = false;
    const auto full = [&](const Room& r) { return static_cast<int>(r.members.size()) >= limits_.capacity; };
    if (code == "auto") {
        Room* best = nullptr;
        for (auto& [k, r] : rooms_) {
            if (full(r)) continue;
            if (best == nullptr || r.members.size() > best->members.size()) best = &r;
        }
        if (best != nullptr) return best;
        if (!limits_.allow_create) {
            refusal = {kCloseRoomFull, session::ErrorCode::RoomFull, "no room with space"};
            return nullptr;
        }
        Room* fresh = create(random_code(), refusal);
        created = fresh != nullptr;
        return fresh;
    }
    if (Room* r = find(code)) {
        if (!full(*r)) return r;
        refusal = {kCloseRoomFull, session::ErrorCode::RoomFull, "room full"};
        return nullptr;
    }
    if (!limits_.allow_create) {
        refusal = {kCloseNoSuchRoom, session::ErrorCode::Unknown, "no such room"};
        return nullptr;
    }
    Room* fresh = create(code, refusal);
    created = fresh != nullptr;
    return fresh;
}

Room* Rooms::create(const std::string& code, Refusal& refusal) {
    if (static_cast<int>(rooms_.size()) >= limits_.max_rooms) {
        refusal = {kCloseRoomFull, session::ErrorCode::RoomFull, "server full: too many rooms"};
        return nullptr;
    }
    Room& r = rooms_[code];
    r.code = code;
    r.id = next_room_id_++;
    return &r;
}

void Rooms::remove_idle(Clock::time_point now, std::vector<std::string>& removed) {
    for (auto it = rooms_.begin(); it != rooms_.end();) {
        const Room& r = it->second;
        if (r.members.empty() && !r.permanent && now - r.empty_since > limits_.linger) {
            removed.push_back(r.code);
            it = rooms_.erase(it);
        } else {
            ++it;
        }
    }
}

std::size_t Rooms::players() const noexcept {
    std::size_t n = 0;
    for (const auto& [code, r] : rooms_) n += r.members.size();
    return n;
}

std::string Rooms::random_code() {
    static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (;;) {
        std::string code;
        for (int i = 0; i < 4; ++i) code += kAlphabet[rng_() % (sizeof(kAlphabet) - 1)];
        if (!rooms_.contains(code)) return code;
    }
}

}  // namespace tickwire::game::server
