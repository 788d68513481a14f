#include "fleet_link.hpp"

#include <algorithm>
#include <stdexcept>
#include <type_traits>
#include <variant>

#include "tickwire/game/fleet/seat_ticket.hpp"
#include "tickwire/game/protocol/room_code.hpp"

namespace tickwire::game::server {

namespace {

using Clock = std::chrono::steady_clock;

fleet::MatchmakerConfig matchmaker_config(const FleetLinkConfig& config) {
    fleet::MatchmakerConfig out;
    out.fleet_secret = config.fleet_secret;
    return out;
}

bool holds(std::span<const fleet::RoomLoad> rooms, std::string_view code) {
    return std::any_of(rooms.begin(), rooms.end(), [&](const fleet::RoomLoad& r) { return r.code == code; });
}

}  // namespace

FleetLinkConfig fleet_link_config(const ServerConfig& config, std::uint16_t port) {
    FleetLinkConfig out;
    out.directory_url = config.directory_url;
    out.public_url = config.public_url;
    if (out.public_url.empty()) {
        const bool any = config.address == "0.0.0.0" || config.address == "::" || config.address.empty();
        const std::string host = any ? "127.0.0.1" : config.address;
        out.public_url = fleet::public_ws_url(host, port, !config.tls_certificate_file.empty());
    }
    out.process_id = config.process_id;
    out.fleet_secret = config.fleet_secret;
    if (out.fleet_secret.empty()) {
        // One process alone signs and checks its own tickets: any key will do, if unguessable.
        fleet::TicketNonce a, b;
        if (!fleet::random_nonce(a) || !fleet::random_nonce(b)) throw std::runtime_error("no randomness for a fleet secret");
        out.fleet_secret.assign(reinterpret_cast<const char*>(a.data()), a.size());
        out.fleet_secret.append(reinterpret_cast<const char*>(b.data()), b.size());
    }
    out.room_capacity = static_cast<std::uint32_t>(config.max_players);
    out.capacity = static_cast<std::uint32_t>(config.max_rooms) * out.room_capacity;
    out.allow_create = config.allow_create;
    out.heartbeat = config.directory_heartbeat;
    out.ttl = config.directory_ttl;
    return out;
}

FleetLink::FleetLink(FleetLinkConfig config, net::Server& server, const ServerLog& log)
    : config_(std::move(config)), server_(server), log_(log), matchmaker_(matchmaker_config(config_)) {
    if (config_.process_id.empty()) config_.process_id = fleet::make_process_id();
    if (config_.directory_url.empty()) return;
    fleet::DirectoryConfig directory;
    std::string error;
    if (!fleet::parse_redis_url(config_.directory_url, directory, error)) throw std::invalid_argument(error);
    directory.process_id = config_.process_id;
    directory.public_url = config_.public_url;
    directory.capacity = config_.capacity;
    directory.room_capacity = config_.room_capacity;
    directory.heartbeat = config_.heartbeat;
    directory.ttl = config_.ttl;
    directory_ = fleet::RoomDirectory::start(std::move(directory));
}

// A clean exit leaves the directory at once rather than by expiry.
FleetLink::~FleetLink() = default;

fleet::LocalProcess FleetLink::local(std::span<const fleet::RoomLoad> rooms) const {
    fleet::LocalProcess self;
    self.id = config_.process_id;
    self.public_url = config_.public_url;
    self.capacity = config_.capacity;
    self.room_capacity = config_.room_capacity;
    self.draining = draining_;
    self.allow_create = config_.allow_create;
    self.rooms = rooms;
    return self;
}

fleet::DirectoryAvailability FleetLink::availability() const noexcept {
    if (directory_ == nullptr) return fleet::DirectoryAvailability::none;
    return directory_up() && fleet_ != nullptr ? fleet::DirectoryAvailability::up
                                               : fleet::DirectoryAvailability::unavailable;
}

bool FleetLink::directory_up() const noexcept {
    return directory_ != nullptr && directory_->state() == fleet::DirectoryState::up;
}

std::uint64_t FleetLink::directory_errors() const noexcept {
    return directory_ != nullptr ? directory_->errors() : 0;
}

// Ready once the fleet has been read (matchmaking can place players); Redis
// going down later leaves the process ready: it keeps serving its matches.
bool FleetLink::ready() const noexcept { return !draining_ && (directory_ == nullptr || fleet_ != nullptr); }

std::string_view FleetLink::health() const noexcept {
    if (draining_) return "draining\n";
    return ready() ? "ready\n" : "not ready: the fleet has not been read from the room directory yet\n";
}

void FleetLink::respond(net::HttpRequestId request, const fleet::MatchAnswer& answer) {
    // Cache-Control: a seat ticket is for one player, once.
    const net::HttpHeader no_store[] = {{"Cache-Control", "no-store"}};
    server_.respond(request, static_cast<unsigned>(answer.http_status), "application/json", answer.body, no_store);
}

void FleetLink::answer_match(net::HttpRequestId request, std::string_view path, std::span<const fleet::RoomLoad> rooms) {
    const std::uint64_t now_ms = fleet::unix_now_ms();
    const auto asked = fleet::MatchRequest::from_path(path);
    if (!asked) {
        server_.respond(request, 404, "application/json", fleet::match_error_json("ask /match/auto or /match/CODE"));
        return;
    }
    if (!asked->automatic() && !protocol::valid_room_code(asked->code)) {
        respond(request, matchmaker_.answer_decision(fleet::refuse_match(400, "room codes are 1 to 16 of A-Z a-z 0-9 - _"),
                                                     config_.room_capacity, now_ms));
        return;
    }
    const fleet::LocalProcess self = local(rooms);
    // A code nobody runs yet: claim it here first, so that of two processes
    // asked at once exactly one owns it (the other names the owner).
    const std::string& code = asked->code;
    const bool can_host = !draining_ && config_.allow_create;
    const bool unknown = !asked->automatic() && !holds(rooms, code) && fleet_ != nullptr &&
                         fleet_->find_room(code) == nullptr &&
                         std::none_of(matchmaker_.pending().begin(), matchmaker_.pending().end(),
                                      [&](const fleet::PendingSeat& s) { return s.room == code; });
    if (can_host && unknown && availability() == fleet::DirectoryAvailability::up && !owned_.contains(code)) {
        const bool in_flight = claims_.contains(code);
        if (in_flight || start_claim(code)) {
            claims_[code].http.push_back(request);
            return;
        }
    }
    respond(request, matchmaker_.answer(*asked, availability(), fleet_.get(), self, now_ms));
}

void FleetLink::answer_fleet_rooms(net::HttpRequestId request, std::span<const fleet::RoomLoad> rooms) {
    if (directory_ != nullptr) {
        if (availability() != fleet::DirectoryAvailability::up) {
            server_.respond(request, 503, "application/json",
                            fleet::match_error_json("room directory unavailable: the fleet's rooms are unknown"));
            return;
        }
        server_.respond(request, 200, "application/json", fleet::fleet_rooms_json(*fleet_));
        return;
    }
    // One process: the fleet is this process.
    fleet::FleetView view;
    std::uint32_t players = 0;
    for (const fleet::RoomLoad& room : rooms) {
        view.rooms.push_back({room.code, config_.process_id, room.players, room.capacity});
        players += room.players;
    }
    view.processes.push_back({config_.process_id, config_.public_url, static_cast<std::uint32_t>(rooms.size()),
                              players, config_.capacity, draining_});
    server_.respond(request, 200, "application/json", fleet::fleet_rooms_json(view));
}

bool FleetLink::start_claim(const std::string& code) {
    const fleet::DirectoryRequestId id = directory_->claim_room(code);
    if (id == 0) return false;  // the directory's queue is full: answered as unavailable
    claims_[code].request = id;
    return true;
}

JoinClaim FleetLink::claim_for_join(const std::string& code, net::ConnectionId connection) {
    if (directory_ == nullptr || owned_.contains(code)) return JoinClaim::ready;
    if (!claims_.contains(code) && !start_claim(code)) return JoinClaim::unavailable;
    claims_[code].joins.push_back(connection);
    return JoinClaim::waiting;
}

void FleetLink::room_created(const std::string& code) {
    const auto owned = owned_.find(code);
    if (owned != owned_.end()) {
        owned->second = Clock::time_point::max();  // a room holds it now
        return;
    }
    if (directory_ == nullptr) {
        owned_.emplace(code, Clock::time_point::max());
        return;
    }
    if (!claims_.contains(code)) start_claim(code);
}

void FleetLink::room_removed(const std::string& code) {
    owned_.erase(code);
    if (directory_ != nullptr) directory_->release_room(code);
}

void FleetLink::report(std::span<const fleet::RoomLoad> rooms) {
    const Clock::time_point now = Clock::now();
    for (auto it = owned_.begin(); it != owned_.end();) {
        if (it->second < now && !holds(rooms, it->first)) {
            if (directory_ != nullptr) directory_->release_room(it->first);
            it = owned_.erase(it);
        } else {
            ++it;
        }
    }
    if (directory_ != nullptr) directory_->report(std::vector<fleet::RoomLoad>(rooms.begin(), rooms.end()), draining_);
}

void FleetLink::drain() {
    if (draining_) return;
    draining_ = true;
    if (directory_ != nullptr) directory_->report({}, true);  // at once: matchmaking elsewhere stops sending players
}

void FleetLink::on_claim(fleet::ClaimResult& result, std::span<const fleet::RoomLoad> rooms,
                         std::vector<JoinClaimSettled>& settled) {
    const auto it = claims_.find(result.code);
    PendingClaim claim;
    if (it != claims_.end()) {
        claim = std::move(it->second);
        claims_.erase(it);
    }
    const bool won = result.outcome == fleet::ClaimResult::Outcome::won;
    const bool unavailable = result.outcome == fleet::ClaimResult::Outcome::unavailable;
    if (won) {
        // A code won for an answer, not a join: held until its tickets expire.
        const auto deadline = holds(rooms, result.code) || !claim.joins.empty() ? Clock::time_point::max()
                                                                                 : Clock::now() + std::chrono::seconds(20);
        owned_.insert_or_assign(result.code, deadline);
    } else if (!unavailable && holds(rooms, result.code)) {
        log_(LogLevel::warn, "room %s runs here but process %s owns its code: its players go there",
             result.code.c_str(), result.owner_id.c_str());
    }
    const std::uint64_t now_ms = fleet::unix_now_ms();
    for (const net::HttpRequestId request : claim.http) {
        fleet::MatchDecision decision =
            won ? fleet::place_match(result.code, config_.process_id, config_.public_url, true)
            : unavailable ? fleet::refuse_match(503, "room directory unavailable: cannot claim room " + result.code)
                          : fleet::place_match(result.code, result.owner_id, result.owner_url, false);
        respond(request, matchmaker_.answer_decision(std::move(decision), config_.room_capacity, now_ms));
    }
    if (!claim.joins.empty()) {
        settled.push_back({won, unavailable, std::move(claim.joins)});
    }
}

void FleetLink::poll(std::span<const fleet::RoomLoad> rooms, std::vector<JoinClaimSettled>& settled,
                     std::vector<fleet::RoomLost>& lost) {
    if (directory_ == nullptr) return;
    fleet::DirectoryResult result;
    while (directory_->poll(result)) {
        std::visit(
            [&](auto& r) {
                using T = std::decay_t<decltype(r)>;
                if constexpr (std::is_same_v<T, fleet::ClaimResult>) {
                    on_claim(r, rooms, settled);
                } else if constexpr (std::is_same_v<T, fleet::FleetUpdate>) {
                    fleet_ = std::move(r.view);
                } else if constexpr (std::is_same_v<T, fleet::DirectoryStateChange>) {
                    log_(r.state == fleet::DirectoryState::up ? LogLevel::info : LogLevel::warn, "%s",
                         r.message.c_str());
                } else {
                    owned_.erase(r.code);
                    lost.push_back(std::move(r));
                }
            },
            result);
    }
}

}  // namespace tickwire::game::server
