#pragma once
// TicketGate: the owning process's side of seat reservations. It admits a
// ticket only if the fleet signed it, it has not expired, it names this
// process and the room being joined, and it was never admitted before.
//
// Single use: the nonce of every admitted ticket is remembered until the
// ticket's expiry (after which the expiry check refuses it anyway). Memory is
// bounded: tickets may live at most `max_lifetime`, and at most
// `max_remembered` nonces are held; past that, new tickets are refused as
// `overloaded` rather than a nonce forgotten early (which would allow a replay).
//
// Thread: the game thread that admits joins owns it and calls every function.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "tickwire/game/fleet/seat_ticket.hpp"

namespace tickwire::game::fleet {

struct TicketGateLimits {
    /// Longest expiry ahead of now a ticket may carry; longer ones are refused
    /// as expired (a peer with a wrong clock or lifetime), since nonces are
    /// held for that long.
    std::chrono::milliseconds max_lifetime{60000};
    /// Nonces held at once (16 bytes each, plus the set's overhead).
    std::size_t max_remembered = 65536;
};

class TicketGate {
public:
    TicketGate(std::string secret, std::string process_id, TicketGateLimits limits = {});

    /// Verdict on `encoded` for a join of `room` at `now_ms` (Unix epoch ms).
    /// On ok the ticket is used up.
    [[nodiscard]] TicketCheck admit(std::string_view encoded, std::string_view room, std::uint64_t now_ms);

    /// Nonces held now (tests, metrics).
    [[nodiscard]] std::size_t remembered() const noexcept { return used_.size(); }

private:
    void forget_expired(std::uint64_t now_ms);

    struct NonceHash {
        std::size_t operator()(const TicketNonce& nonce) const noexcept;
    };
    using Expiry = std::pair<std::uint64_t, TicketNonce>;

    std::string secret_;
    std::string process_id_;
    TicketGateLimits limits_;
    std::unordered_set<TicketNonce, NonceHash> used_;
    /// The same nonces, soonest expiry on top, to forget them in order.
    std::priority_queue<Expiry, std::vector<Expiry>, std::greater<>> expiries_;
};

}  // namespace tickwire::game::fleet
