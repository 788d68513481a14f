#pragma once
// Matchmaking: the answer to GET /match/auto and GET /match/CODE. Every server
// of a fleet answers it: the WebSocket URL of the process that owns the room
// (or the least-loaded one, which will create it) plus a seat ticket for one
// join there. Without a directory a process answers for itself, so the flow
// is the same on one machine.
//
//   decide_match()   pure: request + fleet + this process -> where to play, or why not
//   Matchmaker       issues the ticket, builds the JSON, remembers the seats it
//                    promised until their tickets expire, so answers given
//                    between two fleet views do not all pick the same room
//
// Answers (application/json):
//   200 {"url":"ws://host:port/room/CODE?ticket=T","room":"CODE","process":"id",
//        "ticket":"T","expires_ms":1767225600000,"new_room":false}
//   400 / 404 / 503 {"error":"why"}   (503: try again later or elsewhere)
//
// Thread: the game thread (it reads the fleet view and the rooms it runs).

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tickwire/game/fleet/fleet_view.hpp"
#include "tickwire/game/fleet/room_directory.hpp"

namespace tickwire::game::fleet {

/// What was asked: a room by code, or any room ("auto").
struct MatchRequest {
    std::string code;  ///< empty: auto
    [[nodiscard]] bool automatic() const noexcept { return code.empty(); }

    /// "/match", "/match/", "/match/auto" -> auto; "/match/CODE" -> CODE when CODE
    /// is 1..64 of A-Z a-z 0-9 - _ (URL-safe); anything else -> nullopt (404).
    /// The game's own code rule (game/server/room_code.hpp) is stricter: check
    /// it too before answering.
    static std::optional<MatchRequest> from_path(std::string_view path);
};

/// This process, as fresh as the game thread knows it.
struct LocalProcess {
    std::string id;
    std::string public_url;  ///< ws://host:port
    std::uint32_t capacity = 0;       ///< players in all
    std::uint32_t room_capacity = 32; ///< players per new room
    bool draining = false;
    bool allow_create = true;         ///< false: unknown codes are refused (404)
    std::span<const RoomLoad> rooms;  ///< the rooms it runs now
};

/// A seat promised by a ticket that has not expired yet. A room that only
/// pending seats name (created on the first join) counts as a room too, so the
/// next auto request fills it instead of opening yet another.
struct PendingSeat {
    std::string room, process_id, url;
    std::uint32_t room_capacity = 0;
    std::uint64_t expiry_ms = 0;
};

/// Whether the directory is there to ask.
enum class DirectoryAvailability : std::uint8_t {
    none,         ///< no --directory: this process answers for itself
    up,           ///< a fleet view is given
    unavailable,  ///< configured but down: rooms elsewhere cannot be found (503)
};

struct MatchDecision {
    int http_status = 200;  ///< 200, 400, 404 or 503
    std::string reason;     ///< when not 200
    std::string room;
    std::string process_id;
    std::string url;        ///< the process's public WebSocket base URL
    bool new_room = false;  ///< the room does not exist yet: the process creates it on join
};

/// A placement in `room` on process `process_id` at `url`.
[[nodiscard]] MatchDecision place_match(std::string room, std::string process_id, std::string url, bool new_room);
/// A refusal (400, 404 or 503) with its reason.
[[nodiscard]] MatchDecision refuse_match(int http_status, std::string reason);

/// Where `request` should play. `fleet` must be non-null when `directory` is
/// up; `new_code` is the code a new room gets when auto finds none with a free
/// seat. Counts every pending seat as taken.
[[nodiscard]] MatchDecision decide_match(const MatchRequest& request, DirectoryAvailability directory,
                                         const FleetView* fleet, const LocalProcess& self,
                                         std::span<const PendingSeat> pending, std::string_view new_code);

struct MatchAnswer {
    int http_status = 200;
    std::string body;  ///< JSON
    MatchDecision decision;
    std::string ws_url, ticket;  ///< when 200
};

struct MatchmakerConfig {
    std::string fleet_secret;
    /// How long a ticket is good for: connecting takes well under a second,
    /// so a few seconds covers a slow client without holding seats long.
    std::chrono::milliseconds ticket_lifetime{10000};
    /// Seats remembered at most (a flood of /match cannot grow it without bound).
    std::size_t max_pending = 4096;
};

class Matchmaker {
public:
    explicit Matchmaker(MatchmakerConfig config);

    /// The answer to `request` at `now_ms` (Unix epoch ms).
    [[nodiscard]] MatchAnswer answer(const MatchRequest& request, DirectoryAvailability directory,
                                     const FleetView* fleet, const LocalProcess& self, std::uint64_t now_ms);

    /// The answer for a placement decided elsewhere (a claim the directory
    /// settled: this process won the code, or another owns it): a ticket for
    /// decision.process_id, remembered as a pending seat. A non-200 decision
    /// becomes its error answer.
    [[nodiscard]] MatchAnswer answer_decision(MatchDecision decision, std::uint32_t room_capacity, std::uint64_t now_ms);

    /// A player took a seat in `room` here: one seat promised for it is no
    /// longer pending (it counts as a player now), so the room is not
    /// counted twice until the ticket expires.
    void seat_taken(std::string_view room);

    [[nodiscard]] std::span<const PendingSeat> pending() const noexcept { return pending_; }

private:
    MatchmakerConfig config_;
    std::vector<PendingSeat> pending_;
};

/// A fresh room code: 6 of A-Z and 2-9 without look-alikes (O/0, I/1), random.
[[nodiscard]] std::string random_room_code();

/// "{\"error\":\"...\"}" for an error answer built elsewhere (a 404 for another path).
[[nodiscard]] std::string match_error_json(std::string_view reason);

/// ws://HOST:PORT (wss:// with `tls`), an IPv6 HOST in brackets: the URL
/// players reach a process at, as /match answers name it.
[[nodiscard]] std::string public_ws_url(std::string_view host, std::uint16_t port, bool tls);

}  // namespace tickwire::game::fleet
