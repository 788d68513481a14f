#pragma once
// Admission: who gets a seat. A connection asks for a room in its URL and
// says Hello; admission checks the protocol version, runs the extra checks a
// deployment adds (add_check: e.g. a matchmaker's seat ticket from the query),
// picks or creates the room and seats the player in its world. Anything else
// is a Refusal the match server sends and closes with. A connection that has
// not said Hello within hello_timeout is refused too.
//
// Thread: the game thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "refusal.hpp"
#include "rooms.hpp"

namespace tickwire::game::server {

/// What a client asks for: from its upgrade request and its Hello.
struct JoinRequest {
    std::string_view room;   ///< code from the path, or "auto"
    std::string_view query;  ///< the upgrade request's query, without '?'
    std::uint16_t protocol_version = 0;
    std::string_view name;   ///< as sent (admission cleans it)
};

/// A seat given: the room and the player in its world.
struct Seat {
    Room* room = nullptr;
    std::uint32_t player_id = 0;
    std::string name;
    bool room_created = false;  ///< the join made the room
};

class Admission {
public:
    using Clock = std::chrono::steady_clock;
    /// Nullopt lets the join go on; a Refusal turns it away.
    using Check = std::function<std::optional<Refusal>(const JoinRequest&)>;

    Admission(Rooms& rooms, std::chrono::milliseconds hello_timeout) : rooms_(rooms), hello_timeout_(hello_timeout) {}

    /// Runs after the version check, before a room is chosen, in the order added.
    void add_check(Check check) { checks_.push_back(std::move(check)); }

    /// A seat, or nullopt with `refusal` set: check() then seat().
    std::optional<Seat> admit(const JoinRequest& request, Refusal& refusal);
    /// The version and the added checks only; false with `refusal` set.
    bool check(const JoinRequest& request, Refusal& refusal);
    /// Picks or creates the room and seats the player (after check(), and
    /// after the room's code is claimed in a fleet).
    std::optional<Seat> seat(const JoinRequest& request, Refusal& refusal);

    [[nodiscard]] bool hello_overdue(Clock::time_point connected_at, Clock::time_point now) const noexcept {
        return now - connected_at > hello_timeout_;
    }

    /// The name others see: control characters blanked; "player" if empty.
    [[nodiscard]] static std::string player_name(std::string_view sent);

private:
    Rooms& rooms_;
    std::chrono::milliseconds hello_timeout_;
    std::vector<Check> checks_;
};

}  // namespace tickwire::game::server
