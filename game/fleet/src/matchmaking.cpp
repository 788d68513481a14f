#include "tickwire/game/fleet/matchmaking.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/json.hpp>
#include <openssl/rand.h>

#include "tickwire/game/fleet/seat_ticket.hpp"

namespace tickwire::game::fleet {

namespace {

bool url_safe_code(std::string_view code) noexcept {
    return !code.empty() && code.size() <= kMaxTicketField &&
           std::all_of(code.begin(), code.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_';
           });
}

std::uint32_t pending_in_room(std::span<const PendingSeat> pending, std::string_view room) noexcept {
    return static_cast<std::uint32_t>(
        std::count_if(pending.begin(), pending.end(), [&](const PendingSeat& s) { return s.room == room; }));
}

std::uint32_t pending_in_process(std::span<const PendingSeat> pending, std::string_view id) noexcept {
    return static_cast<std::uint32_t>(
        std::count_if(pending.begin(), pending.end(), [&](const PendingSeat& s) { return s.process_id == id; }));
}

/// A room somewhere in the fleet, with its load including promised seats.
struct Candidate {
    std::string_view code, process_id, url;
    std::uint32_t taken = 0, capacity = 0;
    bool draining = false;
};

/// Every room this process may send a player to: this process's own (fresh
/// from the game thread) and, with a fleet view, every other process's.
std::vector<Candidate> candidate_rooms(const FleetView* fleet, const LocalProcess& self,
                                       std::span<const PendingSeat> pending) {
    std::vector<Candidate> rooms;
    for (const RoomLoad& room : self.rooms)
        rooms.push_back({room.code, self.id, self.public_url, room.players + pending_in_room(pending, room.code),
                         room.capacity, self.draining});
    for (const RoomRecord& room : fleet != nullptr ? std::span(fleet->rooms) : std::span<const RoomRecord>()) {
        if (room.owner == self.id) continue;  // the local figures are fresher
        const ProcessRecord* owner = fleet->find_process(room.owner);
        if (owner == nullptr) continue;
        rooms.push_back({room.code, owner->id, owner->url, room.players + pending_in_room(pending, room.code),
                         room.capacity, owner->draining});
    }
    // Rooms promised to players but not created yet (nor seen in a fleet view).
    for (const PendingSeat& seat : pending) {
        const bool known = std::any_of(rooms.begin(), rooms.end(), [&](const Candidate& c) { return c.code == seat.room; });
        if (known) continue;
        bool draining = seat.process_id == self.id && self.draining;
        if (fleet != nullptr && seat.process_id != self.id) {
            const ProcessRecord* owner = fleet->find_process(seat.process_id);
            // Its process left the directory (killed, stopped): the promise
            // died with it, or every answer would renew it.
            if (owner == nullptr) continue;
            draining = draining || (owner != nullptr && owner->draining);
        }
        rooms.push_back({seat.room, seat.process_id, seat.url, pending_in_room(pending, seat.room), seat.room_capacity,
                         draining});
    }
    return rooms;
}

/// The live, non-draining process with the lowest share of its capacity
/// taken (promised seats included) and a free seat; ties go to fewer rooms,
/// then to the smaller id, so every server picks the same one.
std::optional<Candidate> least_loaded_process(const FleetView* fleet, const LocalProcess& self,
                                              std::span<const PendingSeat> pending) {
    std::optional<Candidate> best;
    std::uint32_t best_rooms = 0;
    auto consider = [&](std::string_view id, std::string_view url, std::uint32_t players, std::uint32_t rooms,
                        std::uint32_t capacity, bool draining) {
        const std::uint32_t taken = players + pending_in_process(pending, id);
        if (draining || capacity == 0 || taken >= capacity) return;
        // Compare taken/capacity without division: a/b < c/d  <=>  a*d < c*b.
        if (best) {
            const std::uint64_t mine = std::uint64_t{taken} * best->capacity;
            const std::uint64_t theirs = std::uint64_t{best->taken} * capacity;
            if (mine > theirs || (mine == theirs && (rooms > best_rooms || (rooms == best_rooms && id > best->process_id))))
                return;
        }
        best = Candidate{{}, id, url, taken, capacity, false};
        best_rooms = rooms;
    };
    std::uint32_t own_players = 0;
    for (const RoomLoad& room : self.rooms) own_players += room.players;
    consider(self.id, self.public_url, own_players, static_cast<std::uint32_t>(self.rooms.size()), self.capacity,
             self.draining);
    if (fleet != nullptr) {
        for (const ProcessRecord& p : fleet->processes)
            if (p.id != self.id) consider(p.id, p.url, p.players, p.rooms, p.capacity, p.draining);
    }
    return best;
}

}  // namespace

MatchDecision place_match(std::string room, std::string process_id, std::string url, bool new_room) {
    MatchDecision decision;
    decision.room = std::move(room);
    decision.process_id = std::move(process_id);
    decision.url = std::move(url);
    decision.new_room = new_room;
    return decision;
}

MatchDecision refuse_match(int http_status, std::string reason) {
    MatchDecision decision;
    decision.http_status = http_status;
    decision.reason = std::move(reason);
    return decision;
}

std::optional<MatchRequest> MatchRequest::from_path(std::string_view path) {
    constexpr std::string_view kPrefix = "/match";
    if (!path.starts_with(kPrefix)) return std::nullopt;
    path.remove_prefix(kPrefix.size());
    if (path.empty() || path == "/" || path == "/auto") return MatchRequest{};
    if (path.front() != '/') return std::nullopt;
    path.remove_prefix(1);
    if (!url_safe_code(path)) return std::nullopt;
    return MatchRequest{std::string(path)};
}

MatchDecision decide_match(const MatchRequest& request, DirectoryAvailability directory, const FleetView* fleet,
                           const LocalProcess& self, std::span<const PendingSeat> pending, std::string_view new_code) {
    if (directory != DirectoryAvailability::up) fleet = nullptr;
    const std::vector<Candidate> rooms = candidate_rooms(fleet, self, pending);

    if (!request.automatic()) {
        const auto room = std::find_if(rooms.begin(), rooms.end(),
                                       [&](const Candidate& c) { return c.code == request.code; });
        if (room != rooms.end()) {
            if (room->draining)
                return refuse_match(503, "room " + request.code + " is closing: its server is shutting down");
            if (room->taken >= room->capacity) return refuse_match(503, "room " + request.code + " is full");
            return place_match(request.code, std::string(room->process_id), std::string(room->url), false);
        }
        if (directory == DirectoryAvailability::unavailable)
            return refuse_match(503, "room directory unavailable: cannot tell where room " + request.code + " is");
        if (!self.allow_create) return refuse_match(404, "no room " + request.code);
        const auto host = least_loaded_process(fleet, self, pending);
        if (!host) return refuse_match(503, "no server has a free seat for a new room");
        return place_match(request.code, std::string(host->process_id), std::string(host->url), true);
    }

    // Auto: the fullest room with a free seat (rooms fill before new ones
    // open), on a server that is not draining; ties go to the smaller code.
    const Candidate* best = nullptr;
    for (const Candidate& room : rooms) {
        if (room.draining || room.taken >= room.capacity) continue;
        if (best == nullptr || room.taken > best->taken || (room.taken == best->taken && room.code < best->code))
            best = &room;
    }
    if (best != nullptr) return place_match(std::string(best->code), std::string(best->process_id), std::string(best->url), false);
    if (directory == DirectoryAvailability::unavailable)
        return refuse_match(503, "room directory unavailable and no room here has a free seat");
    if (!self.allow_create) return refuse_match(503, "every room is full");
    const auto host = least_loaded_process(fleet, self, pending);
    if (!host) return refuse_match(503, self.draining && fleet == nullptr ? "server is shutting down" : "no server has a free seat");
    return place_match(std::string(new_code), std::string(host->process_id), std::string(host->url), true);
}

Matchmaker::Matchmaker(MatchmakerConfig config) : config_(std::move(config)) {
    if (config_.fleet_secret.empty()) throw std::invalid_argument("matchmaker: a fleet secret is needed");
    pending_.reserve(config_.max_pending);
}

MatchAnswer Matchmaker::answer(const MatchRequest& request, DirectoryAvailability directory, const FleetView* fleet,
                               const LocalProcess& self, std::uint64_t now_ms) {
    std::erase_if(pending_, [&](const PendingSeat& seat) { return seat.expiry_ms <= now_ms; });
    if (!request.automatic() && !url_safe_code(request.code))
        return answer_decision(refuse_match(400, "room codes are 1 to 64 of A-Z a-z 0-9 - _"), self.room_capacity, now_ms);
    // A new code that is nobody's yet (the owner's claim settles a rare race).
    std::string new_code;
    for (int attempt = 0; attempt < 8; ++attempt) {
        new_code = random_room_code();
        const bool local =
            std::any_of(self.rooms.begin(), self.rooms.end(), [&](const RoomLoad& r) { return r.code == new_code; });
        if (!local && (fleet == nullptr || fleet->find_room(new_code) == nullptr)) break;
    }
    return answer_decision(decide_match(request, directory, fleet, self, pending_, new_code), self.room_capacity,
                           now_ms);
}

MatchAnswer Matchmaker::answer_decision(MatchDecision decision, std::uint32_t room_capacity, std::uint64_t now_ms) {
    std::erase_if(pending_, [&](const PendingSeat& seat) { return seat.expiry_ms <= now_ms; });
    MatchAnswer answer;
    answer.decision = std::move(decision);
    answer.http_status = answer.decision.http_status;
    if (answer.http_status == 200 && pending_.size() >= config_.max_pending) {
        answer.decision = refuse_match(503, "too many players are being placed right now; try again in a few seconds");
        answer.http_status = 503;
    }
    if (answer.http_status != 200) {
        answer.body = match_error_json(answer.decision.reason);
        return answer;
    }

    SeatTicket ticket{answer.decision.room, answer.decision.process_id,
                      now_ms + static_cast<std::uint64_t>(config_.ticket_lifetime.count()), {}};
    if (!random_nonce(ticket.nonce)) {
        answer.http_status = 503;
        answer.decision.reason = "no randomness for a seat ticket";
        answer.body = match_error_json(answer.decision.reason);
        return answer;
    }
    answer.ticket = issue_seat_ticket(config_.fleet_secret, ticket);
    std::string_view base = answer.decision.url;
    while (base.ends_with('/')) base.remove_suffix(1);
    // Code and ticket are URL-safe by construction: nothing to escape.
    answer.ws_url = std::string(base) + "/room/" + answer.decision.room + "?ticket=" + answer.ticket;
    pending_.push_back(PendingSeat{answer.decision.room, answer.decision.process_id, answer.decision.url,
                                   room_capacity, ticket.expiry_ms});
    answer.body = boost::json::serialize(boost::json::object{{"url", answer.ws_url},
                                                             {"room", answer.decision.room},
                                                             {"process", answer.decision.process_id},
                                                             {"ticket", answer.ticket},
                                                             {"expires_ms", ticket.expiry_ms},
                                                             {"new_room", answer.decision.new_room}});
    return answer;
}

void Matchmaker::seat_taken(std::string_view room) {
    // The soonest to expire: the oldest promise is the likeliest to be this player's.
    auto soonest = pending_.end();
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
        if (it->room == room && (soonest == pending_.end() || it->expiry_ms < soonest->expiry_ms)) soonest = it;
    }
    if (soonest != pending_.end()) pending_.erase(soonest);
}

std::string random_room_code() {
    static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";  // 32 letters: no O/0, I/1
    unsigned char random[6];
    if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("no randomness for a room code");
    std::string code;
    for (unsigned char byte : random) code += kAlphabet[byte % 32];
    return code;
}

std::string match_error_json(std::string_view reason) {
    return boost::json::serialize(boost::json::object{{"error", reason}});
}

std::string public_ws_url(std::string_view host, std::uint16_t port, bool tls) {
    const bool ipv6 = host.find(':') != std::string_view::npos;
    return std::string(tls ? "wss://" : "ws://") + (ipv6 ? "[" : "") + std::string(host) + (ipv6 ? "]" : "") + ":" +
           std::to_string(port);
}

}  // namespace tickwire::game::fleet
